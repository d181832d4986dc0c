"""Reference fx rates of the sample: business-day rupiah rates of the export currencies (JISDOR-like)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl

from pipelines.sample.calendar import holidays, np_days, weekday

FX_CURRENCIES: tuple[str, ...] = ("USD", "EUR", "SGD", "JPY", "CNY")


def fx_rates(rng: np.random.Generator, first: date, last: date, lebarans: list[tuple[date, date]]) -> pl.DataFrame:
    """Business-day rates in rupiah per unit: USD a mean-reverting JISDOR-like walk, others via crosses."""
    days = np_days(first, last)
    business = days[(weekday(days) < 5) & ~np.isin(days, holidays(first, last, lebarans))]
    n = len(business)
    # Mean-reverting log walks: level, daily volatility, pull towards the level (Ornstein-Uhlenbeck).
    usd = _ou(rng, n, 16_150.0, 0.0035, 0.02, start_sd=0.012)
    eurusd = _ou(rng, n, 1.09, 0.004, 0.02, start_sd=0.02)
    usdsgd = _ou(rng, n, 1.345, 0.002, 0.02, start_sd=0.01)
    usdjpy = _ou(rng, n, 152.0, 0.005, 0.02, start_sd=0.015)
    usdcny = _ou(rng, n, 7.2, 0.0015, 0.02, start_sd=0.005)
    usd = np.clip(np.round(usd), 15_500, 16_800)  # JISDOR is quoted in whole rupiah
    rates = np.stack([usd, usd * eurusd, usd / usdsgd, usd / usdjpy, usd / usdcny], axis=1)
    rates = np.round(rates, 2)
    return pl.DataFrame(
        {
            "date": np.repeat(np.datetime_as_string(business, unit="D"), len(FX_CURRENCIES)),
            "currency": np.tile(np.array(FX_CURRENCIES), n),
            "rate_idr": fmt2(rates.ravel()),
            "_rate": rates.ravel(),
            "_day": np.repeat(business, len(FX_CURRENCIES)).astype(np.int64),
        }
    )


def _ou(rng: np.random.Generator, n: int, level: float, vol: float, pull: float, start_sd: float) -> np.ndarray:
    target = math.log(level)
    x = target + rng.normal(0, start_sd)
    shocks = rng.normal(0, vol, n)
    out = np.empty(n)
    for i in range(n):  # one step per business day
        x += pull * (target - x) + shocks[i]
        out[i] = x
    return np.exp(out)


def fmt2(x: np.ndarray) -> pl.Series:
    """Numbers as text with a dot and exactly two decimals (no float repr surprises)."""
    cents = np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)
    whole = pl.Series(cents // 100).cast(pl.String)
    frac = pl.Series(cents % 100).cast(pl.String).str.zfill(2)
    return whole + "." + frac
