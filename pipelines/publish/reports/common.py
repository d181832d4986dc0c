"""Small helpers shared by the monthly report and the weekly brief: numbers, dates, turnover, quality notes, charts."""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import vl_convert as vlc

from pipelines.core import lebaran
from pipelines.publish import symbols
from pipelines.publish.charts import draw as charts_mod
from pipelines.publish.charts.save import vl_version
from pipelines.publish.comparison import Comparison, like_for_like
from pipelines.publish.figures import pct_change
from pipelines.publish.formatting import date_label, number, vega_locale
from pipelines.publish.published import Figure, Published
from pipelines.publish.reports import check_wording as cw
from pipelines.publish.reports import wording as rt
from pipelines.publish.reports.document import Block, Heading, Para, Table
from pipelines.publish.symbols import Value

MAX_WARNING_ROWS = 40  # longer lists are cut with a count: a month of daily warnings would bury the rest

_MILLION = Decimal(1_000_000)
_THOUSAND = Decimal(1_000)


# ---------------------------------------------------------------------------------------------
# Numbers and dates
# ---------------------------------------------------------------------------------------------


def dec(value: Any) -> Decimal:
    """A mart value as Decimal: DuckDB DECIMAL arrives as Decimal, BIGINT as int, tests may use floats."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise TypeError(f"expected a number, got {type(value).__name__}")


def juta(v: Decimal | int | None, lang: str) -> str:
    """Rupiah in millions for a table with the unit in its header ("Rp juta"): never SI suffixes."""
    return "–" if v is None else number(dec(v) / _MILLION, 1, lang)


def ribu_usd(v: Decimal | None, lang: str) -> str:
    return "–" if v is None else number(v / _THOUSAND, 1, lang)


def num(v: Decimal | int | None, lang: str, decimals: int = 0) -> str:
    return "–" if v is None else number(v, decimals, lang)


def require(df: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; got {df.columns}")


def as_date(v: Any) -> date | None:
    if v is None:
        return None
    return v.date() if isinstance(v, datetime) else v


# ---------------------------------------------------------------------------------------------
# Turnover figures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turnover:
    first: date
    last: date
    total: Figure  # the period's own cell (a week or a month): the marts' total, or hidden
    days: int  # days with data
    calendar_days: int
    transactions: int
    avg_active: Decimal

    @property
    def complete(self) -> bool:
        return self.days == self.calendar_days

    @property
    def avg_per_day(self) -> Decimal | None:
        return self.total.value / self.days if self.total.shown else None


def period_turnover(turnover: Published, grid: str, first: date, last: date) -> Turnover | None:
    """Turnover of the week or month [first, last] from its published cell; None when no day has data."""
    days = turnover.days(first, last)
    if not days:
        return None
    total = turnover.get(grid, last)
    active = sum((f.producers or 0 for _, f in days), 0)
    return Turnover(
        first, last, total, len(days), (last - first).days + 1, total.count or 0, Decimal(active) / len(days)
    )


@dataclass(frozen=True)
class TurnoverChange:
    """A turnover change set like with like (`pipelines.publish.comparison`): `pct` None when not comparable
    (its reason in `comparison`) or when an end is confidential."""

    pct: Decimal | None
    comparison: Comparison
    base_value: Decimal | None  # what the current period is set against: the base total, or its matching days


def turnover_change(
    turnover: Published, cur: Turnover, base: Turnover | None, counterpart: Callable[[date], date | None]
) -> TurnoverChange:
    """The change of `cur` against `base`: totals when both are complete, else the same days on both sides."""
    base_days = [d for d, _ in turnover.days(base.first, base.last)] if base else []
    calendar = (cur.calendar_days, base.calendar_days if base else 0)
    c = like_for_like([d for d, _ in turnover.days(cur.first, cur.last)], base_days, counterpart, calendar)
    if not c.comparable or base is None:
        return TurnoverChange(None, c, None)
    # Two complete periods: their own totals; else the same days' cells.
    whole = base.total.value if base.total.shown else None
    then = whole if c.whole else _days_total(turnover, c.counterparts)
    now = cur.total.value if cur.total.shown else None
    return TurnoverChange(pct_change(now, then), c, then)


def flagged_change(change: TurnoverChange | None) -> tuple[Value, Value]:
    """A turnover change's base and percentage as flagged values (`pipelines.publish.symbols`): not available when
    not comparable or the base is zero, confidential when a cell they need is hidden."""
    if change is None or not change.comparison.comparable:
        none = symbols.Value(None, symbols.NOT_AVAILABLE)
        return none, none
    if change.base_value is None:
        hidden = symbols.Value(None, symbols.CONFIDENTIAL)
        return hidden, hidden
    base = symbols.amount(change.base_value)
    if change.pct is not None:
        return base, symbols.number(change.pct)
    # No change though comparable: a zero base, or the period's own total is hidden.
    return base, symbols.Value(None, symbols.NOT_AVAILABLE if not change.base_value else symbols.CONFIDENTIAL)


def lebaran_points(turnover: Published, first: date, last: date, lang: str, compare: bool = True) -> list[str]:
    """What a period touching the Lebaran period says about it (`pipelines.core.lebaran`): that it does; and,
    when Idul Fitri falls in it and `compare`, the days up to Idul Fitri against the same days up to the previous
    one, like with like (every day with data on both sides and published)."""
    fitri = lebaran.within(first, last)
    if fitri is None:
        return []
    points = [rt.lebaran_sentence(fitri, lang)]
    earlier = lebaran.previous(fitri)
    if not compare or not first <= fitri <= last or earlier is None:
        return points
    window, before = lebaran.window(fitri), lebaran.window(earlier)
    length = (window[1] - window[0]).days + 1
    c = like_for_like(
        [d for d, _ in turnover.days(*window)],
        [d for d, _ in turnover.days(*before)],
        lebaran.same_distance_before(fitri, earlier),
        (length, length),
    )
    now, then = (_days_total(turnover, days) for days in (c.days, c.counterparts))
    pct = pct_change(now, then) if c.whole else None
    if pct is None:
        return [*points, rt.lebaran_unavailable_sentence(before, lang)]
    return [*points, rt.lebaran_change_sentence(window, before, pct, lang)]


def _days_total(turnover: Published, days: Sequence[date]) -> Decimal | None:
    """The sum of the day cells of `days`; None when one is hidden."""
    figures = [turnover.get("day", d) for d in days]
    return sum((f.value for f in figures), Decimal(0)) if figures and all(f.shown for f in figures) else None


# ---------------------------------------------------------------------------------------------
# Quality notes
# ---------------------------------------------------------------------------------------------


def coverage_rows(df: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    """The quality results of [first, last] (and those without a period), deduplicated and sorted.

    `df` as `sql/report_coverage.sql` returns it: period, asset, check_name, passed, the structured
    figures value, threshold, numerator, denominator (read by the report), and observed (the English log
    text, shown only for an outcome without figures)."""
    columns = {
        "period": pl.Date,
        "asset": pl.String,
        "check_name": pl.String,
        "passed": pl.Boolean,
        "value": pl.Float64,
        "threshold": pl.Float64,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
        "observed": pl.String,
    }
    require(df, tuple(columns), "coverage")
    # Cast so an empty frame (columns of type Null) or datetime periods compare with dates.
    df = df.select(pl.col(c).cast(dtype) for c, dtype in columns.items())
    return (
        df.filter(pl.col("period").is_null() | pl.col("period").is_between(first, last))
        .unique()
        .sort(["period", "check_name", "asset", "passed", "observed"], nulls_last=True)
    )


def quality_blocks(
    cov: pl.DataFrame, lang: str, lead: Sequence[str], table_no: int, quarantined: Mapping[str, int] | None = None
) -> list[Block]:
    warnings = cov.filter(~pl.col("passed"))
    blocks: list[Block] = [Heading(rt.t("quality_section", lang))]
    blocks += [Para(p) for p in lead]
    blocks.append(Para(cw.quality_sentence(warnings.height, cov.height, lang, quarantined)))
    if warnings.height:
        shown = warnings.head(MAX_WARNING_ROWS)
        rows = tuple(
            (
                "–" if r["period"] is None else date_label(r["period"], lang),
                cw.check_name(r["check_name"], lang),
                cw.check_result(r, lang),
            )
            for r in shown.iter_rows(named=True)
        )
        notes: tuple[str, ...] = ()
        if warnings.height > shown.height:
            notes = (cw.more_notes(warnings.height - shown.height, lang),)
        blocks.append(
            Table(
                cw.quality_table_caption(table_no, lang),
                (rt.t("period", lang), rt.t("check", lang), rt.t("result", lang)),
                rows,
                (False, False, False),
                (1.3, 1.5, 3.2),
                notes=notes,
            )
        )
    return blocks


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def render_png(chart: Any, lang: str) -> bytes:
    locale = vega_locale(lang)
    return vlc.vegalite_to_png(
        chart.to_dict(),
        # Same Vega-Lite version and scale as the published charts (save_chart), so they look alike.
        vl_version=vl_version(),
        scale=charts_mod.PNG_SCALE,
        format_locale=locale["formatLocale"],
        time_format_locale=locale["timeFormatLocale"],
    )


def given_chart(charts: dict[str, Path] | None, name: str, lang: str) -> bytes | None:
    """A caller's PNG: key "<lang>/<name>" first (a chart per language), then "<name>"."""
    if not charts:
        return None
    path = charts.get(f"{lang}/{name}") or charts.get(name)
    return None if path is None else Path(path).read_bytes()


def png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("chart is not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height
