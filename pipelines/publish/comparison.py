"""Whether two periods may be set against each other: the one rule every report, chart and figures.json follows.

A change is published only like with like. Two complete periods compare their totals (a week with the week
before, a month with the same month a year earlier). When either is incomplete in the data, the current
period's days with data are compared with their counterparts (the same weekdays a week earlier, the same dates
a year earlier), and only when every one of them has data on the other side too; otherwise no change is given,
and the reason is said. Three days of a week are never set against seven.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

NO_BASE = "no_base"  # the comparison period has no data at all
DAYS_MISSING = "days_missing"  # some of the current period's days have no counterpart with data


@dataclass(frozen=True)
class Comparison:
    """Which days a change compares: `days` of the current period, each against `counterparts[i]`."""

    days: tuple[date, ...]
    counterparts: tuple[date, ...]
    whole: bool  # both periods complete: their totals are compared
    reason: str | None = None  # why no change is given (NO_BASE, DAYS_MISSING); None when comparable
    missing: int = 0  # with DAYS_MISSING: how many of the current days lack a counterpart with data

    @property
    def comparable(self) -> bool:
        return self.reason is None


def like_for_like(
    current: Iterable[date],
    base: Iterable[date],
    counterpart: Callable[[date], date | None],
    calendar_days: tuple[int, int],
) -> Comparison:
    """The comparison of a period whose days with data are `current` with one whose days with data are `base`;
    `calendar_days` are the two periods' lengths, `counterpart` maps a current day to its base day (None when it
    has none, e.g. 29 February a year later)."""
    days, have = sorted(set(current)), set(base)
    if not have:
        return Comparison(tuple(days), (), False, NO_BASE)
    pairs = [(d, counterpart(d)) for d in days]
    if len(days) == calendar_days[0] and len(have) == calendar_days[1]:
        # Two complete periods compare totals, whatever their lengths (March against February, as BPS does).
        return Comparison(tuple(days), tuple(sorted(have)), True)
    missing = sum(1 for _, c in pairs if c is None or c not in have)
    if missing:
        return Comparison(tuple(days), (), False, DAYS_MISSING, missing)
    return Comparison(tuple(days), tuple(c for _, c in pairs if c is not None), False)


def week_before(d: date) -> date:
    """The same weekday a week earlier."""
    return d - timedelta(days=7)


def month_before(d: date) -> date | None:
    """The same date a month earlier; 31 March has none (nor 29–31 March in most years)."""
    year, month = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    try:
        return d.replace(year=year, month=month)
    except ValueError:
        return None


def year_before(d: date) -> date | None:
    """The same date a year earlier; 29 February has none."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return None
