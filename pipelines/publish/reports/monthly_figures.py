"""The monthly report's figures, looked up in the published cells (never summed from rows).

Month-to-month, year-on-year and cumulative (c-to-c) changes follow BPS's monthly export release. A
change is computed on the marts' own totals, and only when both ends are published: otherwise it is
None with the reason (months without data, a confidential figure, or a zero base).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import polars as pl

from pipelines.publish import symbols
from pipelines.publish.figures import add_months, month_end, pct_change
from pipelines.publish.published import ABSENT, Figure, Published
from pipelines.publish.symbols import Value

TREND_MONTHS = 13  # the report month and the twelve before it: the y-on-y bar is on the chart


@dataclass(frozen=True)
class MonthlyReportData:
    """Everything the monthly report shows: the published cells of both families and the quality notes."""

    month: date  # first day of the reported month
    exports: Published  # cells of the exports family up to the month (25 months of history)
    turnover: Published  # cells of the turnover family: the month and the same month a year earlier
    coverage: pl.DataFrame  # quality notes for the month (see report.common.coverage_rows)
    registered_producers: int
    registered_exporters: int
    as_of: datetime  # data as of (WIB)
    run_id: str
    quarantined: Mapping[str, int] = field(default_factory=dict)  # open quarantined rows of the month, per source


@dataclass(frozen=True)
class Change:
    pct: Decimal | None
    missing: tuple[date, ...] = ()  # months without data that the change needed
    zero: bool = False  # the base was zero
    hidden: bool = False  # an end is confidential

    @property
    def flagged(self) -> Value:
        """The change with its flag (`pipelines.publish.symbols`): confidential when an end is hidden, not available
        when the base is missing or zero."""
        if self.pct is not None:
            return symbols.number(self.pct)
        return Value(None, symbols.CONFIDENTIAL if self.hidden else symbols.NOT_AVAILABLE)


def change(cur: Figure, base: Figure, base_period: tuple[date, ...]) -> Change:
    """The change from `base` to `cur`, or why there is none."""
    if not base.exists:
        return Change(None, base_period)
    if not (cur.shown and base.shown):
        return Change(None, hidden=True)
    if base.value == 0:
        return Change(None, zero=True)
    return Change(pct_change(cur.value, base.value))


@dataclass(frozen=True)
class ExportFigures:
    month: date
    prev: date
    last_year: date
    cur: Figure  # the month's exports (value, usd, items in count, exporters in producers)
    mom: Change
    yoy: Change
    ytd: Figure  # January..month of this year; absent when a month of it has no data
    ytd_missing: tuple[date, ...]  # those months
    ytd_last_year: Figure
    ctc: Change

    def row(self, month: date, exports: Published) -> Figure:
        return exports.get("month", month_end(month))


def export_figures(data: MonthlyReportData) -> ExportFigures:
    month = data.month
    if month.day != 1:
        raise ValueError(f"month must be the first day of a month, got {month}")
    ex = data.exports
    prev, last_year = add_months(month, -1), add_months(month, -12)
    cur = ex.get("month", month_end(month))
    # A year to date is stated only when every month of it has data, never summed over a hole.
    ytd_missing, ly_missing = _without_data(ex, month), _without_data(ex, last_year)
    ytd = ABSENT if ytd_missing else ex.get("ytd", month_end(month))
    ytd_ly = ABSENT if ly_missing else ex.get("ytd", month_end(last_year))
    return ExportFigures(
        month,
        prev,
        last_year,
        cur,
        change(cur, ex.get("month", month_end(prev)), (prev,)),
        change(cur, ex.get("month", month_end(last_year)), (last_year,)),
        ytd,
        ytd_missing,
        ytd_ly,
        change(ytd, ytd_ly, ly_missing or (last_year,)),
    )


def _without_data(exports: Published, month: date) -> tuple[date, ...]:
    """The months of January..`month` that have no export figure."""
    months = [date(month.year, m, 1) for m in range(1, month.month + 1)]
    return tuple(m for m in months if not exports.get("month", month_end(m)).exists)


def member_value(exports: Published, grid: str, month: date, member: str) -> Figure:
    """A member's figure in a month: zero when the month has exports but none of this member, absent without data."""
    f = exports.get(grid, month_end(month), member)
    if f.exists or not exports.get(grid.split("_")[0], month_end(month)).exists:
        return f
    return Figure(Decimal(0), Decimal(0), 0, 0, "published")


def monthly_chart_frame(exports: Published, first: date, last: date) -> pl.DataFrame:
    """Export value by month and commodity for a chart, from the published cells ("lainnya" holding the merged)."""
    rows = []
    m = first
    while m <= last:
        end = month_end(m)
        for member, f in exports.members("month_commodity", end):
            rows.append((m, member, f.value, not f.shown, False))
        other = exports.other("month_commodity", end)
        if other.exists:
            rows.append((m, "lainnya", other.value, not other.shown, True))
        m = add_months(m, 1)
    schema = {
        "month": pl.Date,
        "commodity": pl.String,
        "export_value_idr": pl.Float64,
        "suppressed": pl.Boolean,
        "merged": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")
