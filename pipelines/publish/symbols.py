"""One symbol, one meaning, in every format: what a table cell shows when it shows no number.

BPS's conventions (its publications' "Penjelasan Umum"): `-` nil, `…` not available, `x` confidential, and a
footnote mark for a member merged into "Lainnya". Every report table prints these symbols and explains those it
uses under the table; its CSV and XLSX carry the same meaning as a `<column>_flag` column, and figures.json as
each figure's `status`, with the words of `FLAGS`. A change of 0,0 % is a number, not nil: nil is for amounts and
counts that are zero in a period with data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from pipelines.core import i18n
from pipelines.publish import disclosure
from pipelines.publish.figures import pct_change, share
from pipelines.publish.published import Figure

PUBLISHED = "published"
NIL = "nil"  # the period has data and the amount is zero: nothing sold, nothing exported
NOT_AVAILABLE = "not_available"  # no data for the period, or a change that cannot be computed (no or zero base)
CONFIDENTIAL = "confidential"  # hidden by disclosure control, or a change that would reveal a hidden figure
MERGED = "merged"  # counted in "Lainnya": the member has no figure of its own in that period

FLAGS = (PUBLISHED, NIL, NOT_AVAILABLE, CONFIDENTIAL, MERGED)
SYMBOLS = {NIL: "-", NOT_AVAILABLE: "…", CONFIDENTIAL: "x", MERGED: "¹⁾"}

Number = Decimal | int


@dataclass(frozen=True)
class Value:
    """A table cell's number with its flag; `value` is None unless the flag is PUBLISHED or NIL."""

    value: Number | None
    flag: str = PUBLISHED

    @property
    def shown(self) -> bool:
        return self.flag in (PUBLISHED, NIL)

    def text(self, fmt: Callable[[Number], str]) -> str:
        """The number as `fmt` writes it, or the flag's symbol."""
        return fmt(self.value) if self.flag == PUBLISHED and self.value is not None else SYMBOLS[self.flag]


def amount(value: Number | None) -> Value:
    """A known amount or count: nil when zero, not available when None."""
    if value is None:
        return Value(None, NOT_AVAILABLE)
    return Value(value, NIL if value == 0 else PUBLISHED)


def number(value: Number | None) -> Value:
    """A known number that may be zero without being nil (a change, an average, a share of coverage)."""
    return Value(value, PUBLISHED) if value is not None else Value(None, NOT_AVAILABLE)


def of(figure: Figure, attr: str = "value") -> Value:
    """A published cell's value (or its count, `attr`), flagged by its status; a hidden cell's counts are shown,
    since they reveal no producer's figures."""
    if figure.status == disclosure.CONFIDENTIAL and attr not in ("count", "producers"):
        return Value(None, CONFIDENTIAL)
    if figure.status == disclosure.MERGED:
        return Value(None, MERGED)
    if not figure.exists:
        return Value(None, NOT_AVAILABLE)
    return amount(getattr(figure, attr))


def change(cur: Value, base: Value) -> Value:
    """The percentage change from `base` to `cur`: confidential when it would reveal a hidden end, not available
    when an end has no figure of its own or the base is zero."""
    if CONFIDENTIAL in (cur.flag, base.flag):
        return Value(None, CONFIDENTIAL)
    if not (cur.shown and base.shown) or not base.value:
        return Value(None, NOT_AVAILABLE)
    return number(pct_change(Decimal(cur.value or 0), Decimal(base.value)))


def share_of(part: Value, whole: Value) -> Value:
    """`part` as a percentage of `whole`, flagged as `part` is (a confidential part has a confidential share)."""
    if part.flag in (CONFIDENTIAL, MERGED, NOT_AVAILABLE):
        return Value(None, part.flag)
    if whole.flag != PUBLISHED or whole.value is None:
        return Value(None, NOT_AVAILABLE)
    return amount(share(Decimal(part.value or 0), Decimal(whole.value)))


def legend(flags: Iterable[str], lang: str) -> str | None:
    """The note under a table explaining each symbol it shows, in BPS's order; None when it shows none."""
    used = set(flags)
    parts = [i18n.text(f"symbol.{f}", lang, symbol=SYMBOLS[f]) for f in FLAGS[1:] if f in used]
    return i18n.text("symbol.legend", lang, symbols="; ".join(parts)) if parts else None


def with_flags(data: pl.DataFrame) -> pl.DataFrame:
    """A chart's data with a `<column>_flag` beside each rupiah, dollar and change column, in the words of `FLAGS`:
    confidential where `suppressed`, not available where null, nil where an amount is zero. (A chart shows no
    member merged away: its `merged` column marks the "lainnya" row that holds them, a published figure.)"""
    hidden = pl.col("suppressed").fill_null(False) if "suppressed" in data.columns else pl.lit(False)
    flags = []
    for column in (c for c in data.columns if c.endswith(("_idr", "_usd", "_pct"))):
        nil = pl.lit(False) if column.endswith("_pct") else pl.col(column) == 0  # a change of 0 is a number
        flag = (
            pl.when(hidden)
            .then(pl.lit(CONFIDENTIAL))
            .when(pl.col(column).is_null())
            .then(pl.lit(NOT_AVAILABLE))
            .when(nil)
            .then(pl.lit(NIL))
            .otherwise(pl.lit(PUBLISHED))
        )
        flags.append(flag.alias(f"{column}_flag"))
    return data.with_columns(flags)
