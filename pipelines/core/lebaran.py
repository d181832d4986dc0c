"""Lebaran: Idul Fitri's date each year, and the windows Sentra reads around it (docs/LEBARAN.md).

Idul Fitri moves about eleven days earlier every year (31 March 2025, 10 April 2024), so March and April set
against each other, or against the year before, mostly show the holiday moving. The date comes from the
`holidays` package's calendar for Indonesia (maintained upstream from the government's decrees), never from a
list kept here.

- The **Lebaran period** is the week before Idul Fitri to the week after it (`DAYS_AROUND` days each side):
  the run-up of shopping, the collective leave and the return from *mudik*. A week or month that touches it is
  said to contain Lebaran.
- The **Lebaran comparison** sets the `WINDOW_DAYS` days up to Idul Fitri (its eve included, Idul Fitri not)
  against the same days up to the previous year's Idul Fitri: each day is paired with the day the same
  distance before the holiday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

import holidays

DAYS_AROUND = 7
WINDOW_DAYS = 30
_NAME = "Eid al-Fitr"  # the package's English name of the first day of Idul Fitri
_ESTIMATED = " (estimated)"  # years not yet set by decree: the package's own estimate, used as such


@cache
def days(year: int) -> tuple[date, ...]:
    """Every first day of Idul Fitri in `year`: usually one, two in a year like 2033 (January and December).
    A day holding two holidays is named "Ascension Day; Eid al-Fitr" (13 May 2021); a future year's is
    "(estimated)"."""
    calendar = holidays.country_holidays("ID", years=year, language="en_US")
    return tuple(
        sorted(
            d for d, names in calendar.items() if any(n.removesuffix(_ESTIMATED) == _NAME for n in names.split("; "))
        )
    )


def idul_fitri(year: int) -> date | None:
    """The (first) Idul Fitri of `year`; None when the calendar has no such year."""
    found = days(year)
    return found[0] if found else None


def previous(fitri: date) -> date | None:
    """The Idul Fitri before `fitri` (about 354 days earlier)."""
    earlier = [d for y in (fitri.year - 1, fitri.year) for d in days(y) if d < fitri]
    return earlier[-1] if earlier else None


def period(fitri: date) -> tuple[date, date]:
    """The Lebaran period around `fitri`: ± `DAYS_AROUND` days."""
    return fitri - timedelta(days=DAYS_AROUND), fitri + timedelta(days=DAYS_AROUND)


def within(first: date, last: date) -> date | None:
    """Idul Fitri of a Lebaran period that [first, last] touches, if any."""
    for year in range(first.year - 1, last.year + 2):
        for fitri in days(year):
            around = period(fitri)
            if around[0] <= last and first <= around[1]:
                return fitri
    return None


def window(fitri: date) -> tuple[date, date]:
    """The `WINDOW_DAYS` days up to `fitri` (first, last): its eve included, the day itself not."""
    return fitri - timedelta(days=WINDOW_DAYS), fitri - timedelta(days=1)


def same_distance_before(fitri: date, before: date) -> Callable[[date], date | None]:
    """Pairs a day of `fitri`'s window with the day as far before the previous Idul Fitri, `before`."""

    def counterpart(d: date) -> date | None:
        return before - (fitri - d)

    return counterpart
