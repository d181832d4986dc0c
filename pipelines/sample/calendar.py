"""Calendar of the sample: months and day arrays, Ramadan and Lebaran, public holidays, seasonal demand."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from models import codes
from pipelines.sample.registry import CATEGORY_PROFILES

# Ramadan start and Idul Fitri (Lebaran) day as observed in Indonesia.
RAMADAN_LEBARAN: dict[int, tuple[date, date]] = {
    2023: (date(2023, 3, 23), date(2023, 4, 22)),
    2024: (date(2024, 3, 11), date(2024, 4, 10)),
    2025: (date(2025, 3, 1), date(2025, 3, 31)),
    2026: (date(2026, 2, 18), date(2026, 3, 20)),
    2027: (date(2027, 2, 8), date(2027, 3, 10)),
}
_ISLAMIC_YEAR_DAYS = 354.367  # to extrapolate Lebaran outside the table above

# Lebaran day (0) and the following days: shops close for mudik, then reopen gradually.
_LEBARAN_DEMAND = {0: 0.5, 1: 0.6, 2: 0.75, 3: 0.9}
_LEBARAN_OPEN = {0: 0.4, 1: 0.5, 2: 0.7, 3: 0.85}


def months_between(start: date, end: date) -> list[tuple[int, int]]:
    """(year, month) of every month from the one of `start` to the one of `end`."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(k // 12, k % 12 + 1) for k in range(first, last + 1)]


def lebaran_periods(first: date, last: date) -> list[tuple[date, date]]:
    """(Ramadan start, Lebaran) pairs overlapping first..last; table dates where known, else extrapolated."""
    anchor = RAMADAN_LEBARAN[2025][1]
    k0 = math.floor((first - anchor).days / _ISLAMIC_YEAR_DAYS) - 1
    k1 = math.ceil((last - anchor).days / _ISLAMIC_YEAR_DAYS) + 1
    periods = []
    for k in range(k0, k1 + 1):
        leb = anchor + timedelta(days=round(k * _ISLAMIC_YEAR_DAYS))
        known = RAMADAN_LEBARAN.get(leb.year)
        periods.append(known if known else (leb - timedelta(days=30), leb))
    return periods


def np_days(first: date, last: date) -> np.ndarray:
    """Every day first..last (inclusive) as datetime64[D]."""
    return np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (days.astype(np.int64) + 3) % 7


def holidays(first: date, last: date, lebarans: list[tuple[date, date]]) -> np.ndarray:
    """A handful of Indonesian public holidays: fixed-date ones plus Idul Fitri (two days)."""
    out = [
        date(y, m, d) for y in range(first.year, last.year + 1) for m, d in ((1, 1), (5, 1), (6, 1), (8, 17), (12, 25))
    ]
    out += [leb + timedelta(days=k) for _, leb in lebarans for k in (0, 1)]
    return np.array(sorted(out), dtype="datetime64[D]")


def season(days: np.ndarray, lebarans: list[tuple[date, date]]) -> tuple[np.ndarray, np.ndarray]:
    """Per-category demand multiplier (C, D) and share of shops open (D,) from Ramadan and Lebaran."""
    demand = np.ones((len(codes.CATEGORIES), len(days)))
    open_ = np.ones(len(days))
    ramadan = np.array([p.ramadan for p in CATEGORY_PROFILES])[:, None]
    peak = np.array([p.pre_lebaran for p in CATEGORY_PROFILES])[:, None]
    for r_start, leb in lebarans:
        offset = (days - np.datetime64(leb, "D")).astype(np.int64)
        in_ramadan = (days >= np.datetime64(r_start, "D")) & (offset < -10)
        demand[:, in_ramadan] *= ramadan
        pre = (offset >= -10) & (offset <= -1)
        # Ramp from the Ramadan level to the peak, reached 2 days before Lebaran (THR paid, mudik shopping).
        ramp = np.clip((offset[pre] + 11) / 9, 0, 1)[None, :]
        demand[:, pre] *= ramadan + (peak - ramadan) * ramp
        for k, f in _LEBARAN_DEMAND.items():
            demand[:, offset == k] *= f
            open_[offset == k] *= _LEBARAN_OPEN[k]
    return demand, open_
