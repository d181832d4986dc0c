"""Breakdown charts: turnover by category or kecamatan, exports by destination, and the kecamatan evidence.

Same conventions as `charts.py` (whose shared pieces they use): Indonesian by default, Rupiah in named
units (juta, miliar), dates as naive local dates, one definition per chart for both languages.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import altair as alt
import polars as pl

from models.names import OTHER, name
from pipelines.publish.charts import palette
from pipelines.publish.charts.draw import (
    CHART_HEIGHT,
    CHART_WIDTH,
    DAILY_COLOUR,
    MA_COLOUR,
    finish,
    money_unit,
    month_axis,
    records,
    scaled,
    title_block,
    with_moving_average,
)
from pipelines.publish.formatting import chart_label, check_lang, date_label, month_label

SMALL_MULTIPLE_COLUMNS = 5  # 12 kecamatan and "lainnya": three rows on a slide
# Chart dimension -> the kind of name in models/names.csv; kecamatan are proper names, shown as they are.
_KINDS = {"category": "category", "commodity": "commodity", "destination_country": "country"}


def label(dim: str, value: str, lang: str) -> str:
    """A category, kecamatan, commodity or country as readers know it (models/names.csv, as the reports)."""
    lang = check_lang(lang)
    if dim in _KINDS:
        return name(_KINDS[dim], value, lang)
    return name("category", OTHER, lang) if value == OTHER else value


def _labelled(df: pl.DataFrame, dim: str, lang: str) -> pl.DataFrame:
    names = {v: label(dim, v, lang) for v in df[dim].unique().to_list()}
    return df.with_columns(pl.col(dim).replace_strict(names, return_dtype=pl.String).alias("label"))


def _period(first: date, last: date, lang: str, monthly: bool) -> str:
    show = month_label if monthly else date_label
    return f"{show(first, lang)} – {show(last, lang)}" if first != last else show(first, lang)


def weekly_category_chart(
    df: pl.DataFrame, title: str, lang: str = "id", as_of: date | datetime | None = None
) -> alt.Chart:
    """Weekly turnover stacked by category: the week cells (Monday to Sunday), one colour per category from the
    palette, a white edge between layers. A week with fewer than 7 days of data is drawn faded and named in a note.
    `df`: week (its Monday), category, turnover_idr, days_with_data."""
    lang = check_lang(lang)
    data = _labelled(df.sort("week", "category"), "category", lang).with_columns(
        (pl.col("week") + pl.duration(days=7)).alias("week_end"), (pl.col("days_with_data") < 7).alias("incomplete")
    )
    first, last = data["week"].min(), (data["week"].max() + timedelta(days=6))
    totals = data.group_by("week").agg(pl.col("turnover_idr").cast(pl.Float64).sum())
    divisor, unit = money_unit(float(totals["turnover_idr"].max() or 0), lang)
    legend = chart_label("category", lang)
    codes = palette.order(data["category"].unique().to_list())
    names = {c: label("category", c, lang) for c in codes}
    hues = palette.colours(codes)
    # The whole of the last week on the axis, up to its Monday-to-Monday end (a bar spans its week).
    domain = [alt.DateTime(year=d.year, month=d.month, date=d.day) for d in (first, last + timedelta(days=1))]
    x = alt.X("week:T", title=chart_label("week", lang), axis=month_axis(first, last), scale=alt.Scale(domain=domain))
    # Stacked here, in the palette's order (a bar spanning its week, Monday to Monday, is not stacked by Vega).
    rank = {c: i for i, c in enumerate(codes)}
    stacked = (
        data.with_columns(pl.col("category").replace_strict(rank, return_dtype=pl.Int64).alias("_rank"))
        .sort("week", "_rank")
        .with_columns((pl.col("turnover_idr").fill_null(0).cast(pl.Float64) / divisor).alias("_value"))
        .with_columns(pl.col("_value").cum_sum().over("week").alias("top"))
        .with_columns((pl.col("top") - pl.col("_value")).alias("bottom"))
    )
    chart = (
        alt.Chart(alt.InlineData(values=records(stacked.drop("_rank", "_value"))))
        .mark_bar(stroke="white", strokeWidth=0.6)
        .encode(
            x=x,
            x2="week_end:T",
            y=alt.Y("bottom:Q", title=f"{chart_label('turnover', lang)} ({unit})"),
            y2="top:Q",
            color=alt.Color(
                "label:N",
                legend=alt.Legend(title=legend),
                scale=alt.Scale(domain=[names[c] for c in codes], range=[hues[c] for c in codes]),
            ),
            opacity=alt.condition("datum.incomplete", alt.value(0.45), alt.value(1.0)),
            tooltip=[
                alt.Tooltip("week:T", title=chart_label("week", lang), format="%-d %B %Y"),
                alt.Tooltip("label:N", title=legend),
                alt.Tooltip("turnover_idr:Q", title=chart_label("turnover", lang), format="$,.0f"),
                alt.Tooltip("days_with_data:Q", title=chart_label("days_with_data", lang)),
            ],
        )
        .properties(title=title_block(title, _period(first, last, lang, False), lang, as_of or last, "turnover"))
    )
    return finish(chart, lang, data.drop("week_end"))  # the CSV names each member as the chart does


def kecamatan_small_multiples(
    df: pl.DataFrame, title: str, lang: str = "id", as_of: date | datetime | None = None
) -> alt.FacetChart:
    """Daily turnover by kecamatan as small multiples: one panel each, on one scale, its 7-day moving average
    over the daily values (faint), so each kecamatan's course reads on its own, not as a layer of a wall.
    `df`: date, kecamatan, turnover_idr (null when hidden), suppressed."""
    lang = check_lang(lang)
    parts = [
        # A day without a record is a calendar row of the average, without its kecamatan: give it back.
        _averaged(group).with_columns(pl.lit(key).alias("kecamatan"), pl.col("suppressed", "merged").fill_null(False))
        for (key,), group in df.sort("kecamatan", "date").group_by("kecamatan", maintain_order=True)
    ]
    data = _labelled(pl.concat(parts, how="diagonal_relaxed").sort("kecamatan", "date"), "kecamatan", lang)
    first, last = data["date"].min(), data["date"].max()
    divisor, unit = money_unit(float(data["turnover_idr"].cast(pl.Float64).max() or 0), lang)
    order = [label("kecamatan", k, lang) for k in sorted(data["kecamatan"].unique().to_list(), key=_last_other)]
    panels = len(order)
    columns = min(SMALL_MULTIPLE_COLUMNS, panels)
    rows = -(-panels // columns)
    width = (CHART_WIDTH - 2 * 16 - 70 - (columns - 1) * 12) // columns
    height = (CHART_HEIGHT - 2 * 16 - 110 - rows * 28) // rows
    x = alt.X("date:T", title=None, axis=month_axis(first, last, every=3))
    y_title = f"{chart_label('turnover', lang)} ({unit})"
    base = alt.Chart().transform_calculate(
        daily=scaled("turnover_idr", divisor), average=scaled("turnover_ma7_idr", divisor)
    )
    daily = base.mark_line(strokeWidth=0.6, color=DAILY_COLOUR).encode(x=x, y=alt.Y("daily:Q", title=y_title))
    average = base.mark_line(strokeWidth=1.6, color=MA_COLOUR).encode(x=x, y=alt.Y("average:Q", title=y_title))
    chart = (
        alt.layer(daily, average, data=alt.InlineData(values=records(data)))
        .properties(width=width, height=height)
        .facet(facet=alt.Facet("label:N", title=None, sort=order, header=alt.Header(labelFontSize=12)), columns=columns)
        .resolve_axis(x="independent")
        .properties(title=title_block(title, _period(first, last, lang, False), lang, as_of or last, "turnover"))
    )
    return finish(chart, lang, data)


def _averaged(group: pl.DataFrame) -> pl.DataFrame:
    """One kecamatan's days with their 7-day moving average; with every day hidden there is nothing to average."""
    if group["turnover_idr"].is_not_null().any():
        return with_moving_average(group)
    return group.with_columns(pl.lit(None, pl.Int64).alias("turnover_ma7_idr"))


def _last_other(kecamatan: str) -> tuple[bool, str]:
    return kecamatan == OTHER, kecamatan


def destination_chart(
    df: pl.DataFrame, title: str, lang: str = "id", as_of: date | datetime | None = None
) -> alt.Chart:
    """Export value over the period by destination (top 10 and the rest). `df`: destination_country,
    export_value_idr, first_month, last_month (the same on every row)."""
    lang = check_lang(lang)
    data = _labelled(df, "destination_country", lang)
    first, last = data["first_month"][0], data["last_month"][0]
    divisor, unit = money_unit(float(data["export_value_idr"].cast(pl.Float64).max() or 0), lang)
    order = data.sort(pl.col("destination_country") == OTHER, pl.col("export_value_idr"), descending=[False, True])
    chart = (
        alt.Chart(alt.InlineData(values=records(data)))
        .transform_calculate(value_scaled=scaled("export_value_idr", divisor))
        .mark_bar(color="#0072B2")
        .encode(
            y=alt.Y("label:N", sort=order["label"].to_list(), title=None),
            x=alt.X("value_scaled:Q", title=f"{chart_label('export_value', lang)} ({unit})"),
            tooltip=[
                alt.Tooltip("label:N", title=chart_label("destination", lang)),
                alt.Tooltip("export_value_idr:Q", title=chart_label("export_value", lang), format="$,.0f"),
            ],
        )
        .properties(title=title_block(title, _period(first, last, lang, True), lang, as_of or last, "exports"))
    )
    return finish(chart, lang, data)  # the CSV names each member as the chart does


def kecamatan_chart(
    df: pl.DataFrame, title: str, lang: str = "id", as_of: date | datetime | None = None
) -> alt.HConcatChart:
    """Registered producers, turnover and exporters per kecamatan: where a sentra IKM would serve most.
    `df`: kecamatan, producers, turnover_idr (null when suppressed), exporters, first_day, last_day."""
    lang = check_lang(lang)
    data = df.sort("producers", descending=True)
    first, last = data["first_day"][0], data["last_day"][0]
    divisor, unit = money_unit(float(data["turnover_idr"].cast(pl.Float64).max() or 0), lang)
    order = data["kecamatan"].to_list()
    words = {
        "producers": chart_label("registered_producers", lang),
        "turnover": f"{chart_label('turnover', lang)} ({unit})",
        "exporters": chart_label("exporters", lang),
    }
    base = alt.Chart(alt.InlineData(values=records(data))).transform_calculate(
        turnover_scaled=scaled("turnover_idr", divisor)
    )
    width = (CHART_WIDTH - 260) // 3

    def panel(field: str, key: str, colour: str, fmt: str) -> alt.Chart:
        title = words[key]
        return (
            base.mark_bar(color=colour)
            .encode(
                y=alt.Y("kecamatan:N", sort=order, title=None, axis=alt.Axis(labels=key == "producers")),
                x=alt.X(
                    f"{field}:Q",
                    title=title,
                    axis=alt.Axis(tickMinStep=1, format=",.0f") if fmt == ",.0f" else alt.Axis(),
                ),
                tooltip=[alt.Tooltip("kecamatan:N"), alt.Tooltip(f"{field}:Q", title=title, format=fmt)],
            )
            .properties(width=width, height=CHART_HEIGHT - 170)
        )

    chart = alt.hconcat(
        panel("producers", "producers", "#0072B2", ",.0f"),
        panel("turnover_scaled", "turnover", "#009E73", ",.1f"),
        panel("exporters", "exporters", "#E69F00", ",.0f"),
        spacing=12,
    ).properties(title=title_block(title, _period(first, last, lang, False), lang, as_of or last, "registry"))
    return finish(chart, lang, data)
