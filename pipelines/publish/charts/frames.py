"""The frames behind the charts, computed in Polars from the published cells: the daily series with its 7-day
moving average, the monthly exports by commodity, and the inline values Vega reads (`records`). The CSV published
next to a chart carries exactly these figures (`chart_data`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import altair as alt
import polars as pl

from models.codes import CATEGORIES
from models.names import name
from pipelines.publish.charts import palette
from pipelines.publish.formatting import check_lang

# Moving average: a calendar window of 7 days ending on (and including) the day. Days with no
# record are left out of the mean, not counted as zero; with fewer than MA_MIN_DAYS recorded days
# in the window the average is left empty rather than resting on one or two days.
MA_WINDOW_DAYS = 7
MA_MIN_DAYS = 4

# One colour per category and commodity code, from charts/palette.csv (data, not code): the same in every chart
# and language. Its order is the stacking and legend order.
COMMODITY_ORDER: tuple[str, ...] = tuple(palette.order(CATEGORIES))
COMMODITY_COLOURS: dict[str, str] = palette.colours(CATEGORIES)


def _require_columns(df: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; got {df.columns}")
    if df.is_empty():
        raise ValueError(f"{what}: no rows to chart")


def _check_unique(df: pl.DataFrame, key: list[str], what: str) -> None:
    dupes = df.group_by(key).len().filter(pl.col("len") > 1)
    if not dupes.is_empty():
        example = dupes.row(0, named=True)
        raise ValueError(f"{what}: {dupes.height} duplicate {'/'.join(key)} value(s), e.g. {example}")


def with_moving_average(df: pl.DataFrame) -> pl.DataFrame:
    """Daily totals with their 7-day moving average: `date`, `turnover_idr`, `turnover_ma7_idr`, ...

    `df` has one row per date (a mart; duplicates are an error). The result has one row per calendar
    day from the first to the last day with a turnover; days without a record keep a null
    `turnover_idr`: missing is not zero. Other columns of `df` follow, unchanged.

    The moving average is the mean of the recorded days in the calendar window (day - 6 .. day),
    rounded to whole rupiah, and null when fewer than MA_MIN_DAYS days of that window were recorded.
    It is also defined on unrecorded days whose window holds enough data, so a one-day gap does not
    break the trend line while a long gap does.
    """
    _require_columns(df, ("date", "turnover_idr"), "daily turnover")
    if df.schema["date"] != pl.Date:
        raise TypeError(f"daily turnover: 'date' must be pl.Date, got {df.schema['date']}")
    if df["date"].null_count():
        raise ValueError("daily turnover: null dates")
    _check_unique(df, ["date"], "daily turnover")
    recorded = df.filter(pl.col("turnover_idr").is_not_null())["date"]
    if recorded.is_empty():
        raise ValueError("daily turnover: every turnover is null")
    calendar = pl.DataFrame({"date": pl.date_range(recorded.min(), recorded.max(), "1d", eager=True)})
    extra = [c for c in df.columns if c not in ("date", "turnover_idr", "turnover_ma7_idr")]
    # A window holding a confidential day has no true mean to show: its average is left empty, not
    # computed over what survived suppression.
    flags = df["suppressed"] if "suppressed" in df.columns else pl.Series("suppressed", [False] * df.height)
    hidden = df.select("date", flags.fill_null(False).cast(pl.Int32).alias("_hidden"))
    return (
        calendar.join(df, on="date", how="left")
        .join(hidden, on="date", how="left")
        .sort("date")
        .with_columns(
            # rolling_mean_by skips nulls and counts only non-null values towards min_samples.
            pl.col("turnover_idr")
            .cast(pl.Float64)
            .rolling_mean_by("date", window_size=f"{MA_WINDOW_DAYS}d", min_samples=MA_MIN_DAYS)
            .round(0)
            .cast(pl.Int64)
            .alias("turnover_ma7_idr"),
            pl.col("_hidden").fill_null(0).rolling_sum_by("date", window_size=f"{MA_WINDOW_DAYS}d"),
        )
        .with_columns(pl.when(pl.col("_hidden") == 0).then(pl.col("turnover_ma7_idr")).alias("turnover_ma7_idr"))
        .select("date", "turnover_idr", "turnover_ma7_idr", *extra)
    )


def commodity_labels(lang: str) -> dict[str, str]:
    """{commodity code: name} for every code a chart may draw (models/names.csv, as the reports name them)."""
    lang = check_lang(lang)
    return {code: name("commodity", code, lang) for code in COMMODITY_ORDER}


def monthly_export_data(df: pl.DataFrame, lang: str = "id") -> pl.DataFrame:
    """Export values per month and commodity: `month`, `commodity`, `commodity_label`, `export_value_idr`, ...

    `df` has one row per month and commodity (a mart; duplicates are an error), `month` on the first
    of the month. Rows are sorted by month and the fixed commodity order; other columns follow,
    unchanged. Unknown commodity codes are an error rather than silently "lainnya": a new code
    belongs in models.codes first.
    """
    _require_columns(df, ("month", "commodity", "export_value_idr"), "monthly export")
    if df.schema["month"] != pl.Date:
        raise TypeError(f"monthly export: 'month' must be pl.Date, got {df.schema['month']}")
    if df["month"].null_count() or df["commodity"].null_count():
        raise ValueError("monthly export: null month or commodity")
    if (df["month"].dt.day() != 1).any():
        raise ValueError("monthly export: 'month' must be the first day of the month")
    unknown = sorted(set(df["commodity"].unique().to_list()) - set(COMMODITY_ORDER))
    if unknown:
        raise ValueError(f"monthly export: unknown commodity code(s) {unknown}; known: {COMMODITY_ORDER}")
    _check_unique(df, ["month", "commodity"], "monthly export")
    if df["export_value_idr"].null_count() == df.height:
        raise ValueError("monthly export: every export value is null")
    labels = commodity_labels(lang)
    rank = {code: i for i, code in enumerate(COMMODITY_ORDER)}
    extra = [c for c in df.columns if c not in ("month", "commodity", "commodity_label", "export_value_idr")]
    return (
        df.with_columns(
            pl.col("commodity")
            .replace_strict(labels, default=pl.col("commodity"), return_dtype=pl.String)
            .alias("commodity_label")
        )
        .sort(pl.col("month"), pl.col("commodity").replace_strict(rank, return_dtype=pl.Int32))
        .select("month", "commodity", "commodity_label", "export_value_idr", *extra)
    )


def _json_value(value: Any) -> Any:
    """One cell as Vega reads it: dates as naive local ISO text, Decimals as floats."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        # With a time part and no zone, JavaScript parses this as *local* midnight; a bare
        # "2025-03-01" would be parsed as UTC midnight and show as the previous day west of UTC.
        return f"{value.isoformat()}T00:00:00"
    if isinstance(value, Decimal):
        return float(value)
    return value


def records(df: pl.DataFrame) -> list[dict[str, Any]]:
    # Inline values built here rather than Altair's data transformer: no 5000-row limit to lift
    # globally, and Decimal columns (which json cannot encode) become floats.
    return [{k: _json_value(v) for k, v in row.items()} for row in df.iter_rows(named=True)]


def chart_data(chart: alt.TopLevelMixin, fallback: pl.DataFrame | None = None) -> pl.DataFrame:
    """The figures a chart built here draws (what `save_chart` should write as CSV).

    That is the prepared frame (e.g. with `turnover_ma7_idr`), not the input. For a chart that
    does not carry one (built elsewhere, or derived with .properties()), `fallback` if given.
    """
    frame = getattr(chart, "_sentra_data", None)
    if isinstance(frame, pl.DataFrame):
        return frame
    if fallback is not None:
        return fallback
    raise ValueError("chart carries no data (not built by pipelines.publish.charts); pass it explicitly")
