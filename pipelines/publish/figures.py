"""Figures derived from published cells, in one place: changes, shares and averages.

Every derived figure is computed from the marts' own totals as the cells carry them, and only where
every figure it needs is published: a change whose base is confidential or missing is not shown
(never a change of what survived suppression).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import polars as pl

Number = int | Decimal | None


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def pct_change(cur: Number, base: Number) -> Decimal | None:
    """Percent change, or None when either side is missing or hidden, or the base is zero."""
    if cur is None or base is None or base == 0:
        return None
    return (Decimal(cur) - Decimal(base)) * 100 / Decimal(base)


def share(part: Number, whole: Number) -> Decimal | None:
    return None if part is None or not whole else Decimal(part) * 100 / Decimal(whole)


def changes(
    values: pl.DataFrame, period: str, value: str, offsets: dict[str, str], by: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Per period (and per row of `by`: a commodity, a category), the percent change of `value` against the same
    row `offset` earlier (Polars duration, e.g. "-1mo", "-1y"), rounded to 0.1 as printed; null unless both
    are published. Each row is set against itself, never against a total."""
    base = values.select(pl.col(period).alias("_base"), *by, pl.col(value).cast(pl.Float64).alias("_base_value"))
    out = values.select(period, *by, pl.col(value).cast(pl.Float64).alias("_value"))
    for name, offset in offsets.items():
        out = (
            out.with_columns(pl.col(period).dt.offset_by(offset).alias("_base"))
            .join(base, on=["_base", *by], how="left")
            .with_columns(
                pl.when(pl.col("_base_value") != 0)
                .then(
                    ((pl.col("_value") - pl.col("_base_value")) / pl.col("_base_value") * 100).round(
                        1, mode="half_away_from_zero"
                    )
                )
                .alias(name)
            )
            .drop("_base", "_base_value")
        )
    return out.drop("_value")
