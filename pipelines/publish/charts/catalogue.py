"""The charts for officials: each defined once, with the published cells it shows and how it is drawn.

Each chart (`CHARTS`) names the published cells it shows (`pipelines.publish.cells`, where disclosure
control has already been applied and every figure reconciled with the marts) and how it is drawn.
`charts.editions` writes its files, in both languages and every format, with provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import altair as alt
import duckdb
import polars as pl

from pipelines.core.i18n import text
from pipelines.publish import cells, disclosure, figures
from pipelines.publish.cells import Window
from pipelines.publish.charts import breakdowns, draw
from pipelines.quality import settings as quality_settings
from pipelines.warehouse.connection import sql

LANGS = ("id", "en")
FORMATS = {  # file suffix -> (format name in the manifest, content type)
    "png": ("png", "image/png"),
    "print.png": ("png_print", "image/png"),
    "svg": ("svg", "image/svg+xml"),
    "pdf": ("pdf", "application/pdf"),
    "print.pdf": ("pdf_print", "application/pdf"),
    "html": ("html", "text/html"),
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class ChartDef:
    id: str
    title: dict[str, str]
    description: dict[str, str]
    unit: dict[str, str]
    grain: str  # "day" or "month": which window and period label it uses
    assets: tuple[str, ...]  # the checked assets it is built from (for its provenance)
    keys: tuple[str, ...]  # the columns that identify a published cell
    data: Callable[[duckdb.DuckDBPyConnection, Window], pl.DataFrame]  # from the published cells
    draw: Callable[[pl.DataFrame, str, datetime, str], alt.TopLevelMixin]  # data, lang, as of, title
    only_values: bool = True  # with every value confidential nothing is left to show (the evidence has counts)
    # A chart built from totals over the current window (family, grid), which no later run can read again for
    # an earlier window, and the columns of its data that come from them (see charts.editions: print edition).
    window_grid: tuple[str, str] | None = None
    window_columns: tuple[str, ...] = ()

    def period(self, w: Window) -> str:
        return w.last_day.isoformat() if self.grain == "day" else w.last_month.strftime("%Y-%m")


# --- Data: read from the published cells, never from the marts -------------------------------------------


def _cells(
    con: duckdb.DuckDBPyConnection,
    family: str,
    grid: str,
    first: date,
    last: date,
    value: str,
    period: str,
    dim: str | None = None,
) -> pl.DataFrame:
    """One grid's cells for a chart: merged members are inside their "lainnya" cell, not shown alone."""
    df = cells.read(con, family, grid, first, last).filter(pl.col("status") != disclosure.MERGED)
    return df.select(
        pl.col("period_end" if period == "date" else "period").alias(period),
        *([pl.col("member").alias(dim)] if dim else []),
        pl.col("value").alias(value),
        *([pl.col("usd").cast(pl.Float64).alias("export_value_usd")] if family == "exports" else []),
        (pl.col("status") == disclosure.CONFIDENTIAL).alias("suppressed"),
        pl.col("holds").is_not_null().alias("merged"),
    )


def low_coverage_pct() -> float:
    """The coverage (percent of registered producers) under which a day is marked incomplete: the quality warning's."""
    return quality_settings.from_environment().min_daily_coverage * 100


def daily_turnover_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    """The day cells, each with its coverage (active of registered producers; counts reveal no producer's
    figures) and whether it is under the quality threshold: such a day is marked incomplete on the chart."""
    days = cells.read(con, "turnover", "day", w.first_day, w.last_day).select("period_end", "producers")
    registered = con.sql(sql("chart_registry_by_kecamatan")).pl()["producers"].sum()
    coverage = (pl.col("producers") * 100 / registered).round(1) if registered else pl.lit(None, pl.Float64)
    return (
        _cells(con, "turnover", "day", w.first_day, w.last_day, "turnover_idr", "date")
        .join(days.rename({"period_end": "date"}), on="date", how="left")
        .with_columns(pl.col("turnover_idr").cast(pl.Int64), coverage.alias("coverage_pct"))
        .with_columns((pl.col("coverage_pct") < low_coverage_pct()).alias("low_coverage"))
        .drop("producers")
    )


def daily_kecamatan_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    df = _cells(con, "turnover", "day_kecamatan", w.first_day, w.last_day, "turnover_idr", "date", "kecamatan")
    return df.with_columns(pl.col("turnover_idr").cast(pl.Int64))


CHANGES = {"mom_change_pct": "-1mo", "yoy_change_pct": "-1y"}
TOTAL_CHANGES = {"month_total_mom_change_pct": "-1mo", "month_total_yoy_change_pct": "-1y"}


def monthly_export_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    """Export value by month and commodity, each row with its own change on the month before and on the same
    month a year earlier (null unless both are published and, for a row holding merged members, hold the same
    ones), and the month's total change (on the marts' totals, whatever is hidden) for the chart's note."""
    last = figures.month_end(w.last_month)
    data = _cells(con, "exports", "month_commodity", w.first_month, last, "export_value_idr", "month", "commodity")
    # A "lainnya" row compares with last month's only when it holds the same commodities (like with like).
    history = (
        cells.read(con, "exports", "month_commodity", figures.add_months(w.first_month, -12), last)
        .filter(pl.col("status") != disclosure.MERGED)
        .select(
            pl.col("period").alias("month"),
            pl.col("member").alias("commodity"),
            pl.col("holds").list.sort().list.join(",").fill_null("").alias("composition"),
            "value",
        )
    )
    own = figures.changes(history, "month", "value", CHANGES, by=("commodity", "composition")).drop("composition")
    totals = cells.read(con, "exports", "month").select(pl.col("period").alias("month"), "value")
    month_totals = figures.changes(totals, "month", "value", TOTAL_CHANGES)
    return (
        data.with_columns(pl.col("export_value_idr").cast(pl.Float64))
        .join(own, on=["month", "commodity"], how="left")
        .join(month_totals, on="month", how="left")
        .sort("month", "commodity")
    )


def destination_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    last = figures.month_end(w.last_month)
    data = _cells(con, "exports", "window_destination", last, last, "export_value_idr", "month", "destination_country")
    return data.drop("month").with_columns(
        pl.col("export_value_idr").cast(pl.Float64),
        pl.lit(w.first_month).alias("first_month"),
        pl.lit(w.last_month).alias("last_month"),
    )


def weekly_category_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    """The ISO weeks' category cells of the window, each with its days of data (its day cells): a week with fewer
    than 7 is incomplete and drawn so."""
    # The week the window ends in is shown too (faded while incomplete): the latest data is never left out.
    last = w.last_day + timedelta(days=6)
    weeks = _cells(con, "turnover", "week_category", w.first_day, last, "turnover_idr", "week", "category")
    days = cells.read(con, "turnover", "day", w.first_day - timedelta(days=6), w.last_day + timedelta(days=6))
    per_week = days.group_by(pl.col("period_end").dt.truncate("1w").alias("week")).agg(
        pl.len().cast(pl.Int64).alias("days_with_data")
    )
    return (
        weeks.with_columns(pl.col("turnover_idr").cast(pl.Int64))
        .join(per_week, on="week", how="left")
        .with_columns(pl.col("days_with_data").fill_null(0))
    )


def kecamatan_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    turnover = _cells(
        con, "turnover", "window_kecamatan", w.last_day, w.last_day, "turnover_idr", "date", "kecamatan"
    ).drop("date")
    registry = con.sql(sql("chart_registry_by_kecamatan")).pl()
    return registry.join(turnover, on="kecamatan", how="left").with_columns(
        pl.col("turnover_idr").cast(pl.Int64),
        pl.col("suppressed").fill_null(False),
        pl.col("merged").fill_null(False),
        pl.lit(w.first_day).alias("first_day"),
        pl.lit(w.last_day).alias("last_day"),
    )


# --- The catalogue --------------------------------------------------------------------------------------


def _words(chart_id: str, part: str, **values: object) -> dict[str, str]:
    """A chart's title, description or unit in every language: catalogue entry `chart.<id>.<part>`."""
    return {lang: text(f"chart.{chart_id}.{part}", lang, **values) for lang in LANGS}


def _chart(
    chart_id: str,
    grain: str,
    assets: tuple[str, ...],
    keys: tuple[str, ...],
    data: Callable[[duckdb.DuckDBPyConnection, Window], pl.DataFrame],
    draw: Callable[[pl.DataFrame, str, datetime, str], alt.TopLevelMixin],
    only_values: bool = True,
    window_grid: tuple[str, str] | None = None,
    window_columns: tuple[str, ...] = (),
    **values: object,
) -> ChartDef:
    """A chart definition whose words come from the catalogue; `values` fill its description."""
    return ChartDef(
        chart_id,
        _words(chart_id, "title"),
        _words(chart_id, "description", **values),
        _words(chart_id, "unit"),
        grain,
        assets,
        keys,
        data,
        draw,
        only_values,
        window_grid,
        window_columns,
    )


CHARTS: tuple[ChartDef, ...] = (
    _chart(
        "daily_turnover",
        "day",
        ("stg_transactions", "daily_turnover"),
        ("date",),
        daily_turnover_data,
        lambda df, lang, as_of, _: draw.daily_turnover_chart(df, lang, as_of),
    ),
    _chart(
        "daily_turnover_by_category",
        "day",
        ("stg_transactions", "daily_turnover_by_category"),
        ("week", "category"),
        weekly_category_data,
        lambda df, lang, as_of, title: breakdowns.weekly_category_chart(df, title, lang, as_of),
    ),
    _chart(
        "daily_turnover_by_kecamatan",
        "day",
        ("stg_transactions", "daily_turnover_by_kecamatan"),
        ("date", "kecamatan"),
        daily_kecamatan_data,
        lambda df, lang, as_of, title: breakdowns.kecamatan_small_multiples(df, title, lang, as_of),
    ),
    _chart(
        "monthly_export_value",
        "month",
        ("stg_exports", "monthly_export_value_by_commodity"),
        ("month", "commodity"),
        monthly_export_data,
        lambda df, lang, as_of, _: draw.monthly_export_chart(df, lang, as_of),
    ),
    _chart(
        "exports_by_destination",
        "month",
        ("stg_exports", "monthly_export_value_by_destination"),
        ("destination_country",),
        destination_data,
        lambda df, lang, as_of, title: breakdowns.destination_chart(df, title, lang, as_of),
        top=cells.TOP_DESTINATIONS,
        months=cells.MONTHLY_WINDOW_MONTHS,
    ),
    _chart(
        "kecamatan_evidence",
        "day",
        ("stg_producers", "stg_transactions"),
        ("kecamatan",),
        kecamatan_data,
        lambda df, lang, as_of, title: breakdowns.kecamatan_chart(df, title, lang, as_of),
        only_values=False,
        window_grid=("turnover", "window_kecamatan"),
        window_columns=("turnover_idr", "suppressed", "merged", "first_day", "last_day"),
    ),
)
