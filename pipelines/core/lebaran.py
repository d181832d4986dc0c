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


@cache
def idul_fitri(year: int) -> date | None:
    """The first day of Idul Fitri in `year` (None when the calendar has no such year)."""
    calendar = holidays.country_holidays("ID", years=year, language="en_US")
    days = sorted(d for d, name in calendar.items() if name == _NAME)
    return days[0] if days else None


def period(year: int) -> tuple[date, date] | None:
    """The Lebaran period of `year`: Idul Fitri ± `DAYS_AROUND` days."""
    day = idul_fitri(year)
    if day is None:
        return None
    return day - timedelta(days=DAYS_AROUND), day + timedelta(days=DAYS_AROUND)


def within(first: date, last: date) -> date | None:
    """Idul Fitri of a Lebaran period that [first, last] touches, if any."""
    for year in range(first.year - 1, last.year + 2):
        around = period(year)
        if around and around[0] <= last and first <= around[1]:
            return idul_fitri(year)
    return None


def window(year: int) -> tuple[date, date] | None:
    """The `WINDOW_DAYS` days up to Idul Fitri of `year` (first, last)."""
    day = idul_fitri(year)
    if day is None:
        return None
    return day - timedelta(days=WINDOW_DAYS), day - timedelta(days=1)


def same_distance_before(year: int) -> Callable[[date], date | None]:
    """Pairs a day of `year`'s Lebaran window with the day as far before the previous year's Idul Fitri."""
    now, then = idul_fitri(year), idul_fitri(year - 1)

    def counterpart(d: date) -> date | None:
        return None if now is None or then is None else then - (now - d)

    return counterpart
