"""Breakdown charts: turnover by category or kecamatan, exports by destination, and the kecamatan evidence.

Same conventions as `charts.py` (whose shared pieces they use): Indonesian by default, Rupiah in named
units (juta, miliar), dates as naive local dates, one definition per chart for both languages.
"""

from __future__ import annotations

from datetime import date, datetime

import altair as alt
import polars as pl

from models.names import OTHER, name
from pipelines.publish.charts.draw import CHART_HEIGHT, CHART_WIDTH, finish, money_unit, records, scaled, title_block
from pipelines.publish.formatting import chart_label, check_lang, date_label, month_label

_PALETTE = "tableau20"  # 12 kecamatan and 7 categories need more than 10 distinguishable colours
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


def stacked_area_chart(
    df: pl.DataFrame, dim: str, title: str, lang: str = "id", as_of: date | datetime | None = None
) -> alt.Chart:
    """Daily turnover stacked by `dim` (category or kecamatan). `df`: date, <dim>, turnover_idr."""
    lang = check_lang(lang)
    data = _labelled(df.sort("date", dim), dim, lang)
    first, last = data["date"].min(), data["date"].max()
    totals = data.group_by("date").agg(pl.col("turnover_idr").cast(pl.Float64).sum())
    divisor, unit = money_unit(float(totals["turnover_idr"].max() or 0), lang)
    legend = chart_label("category" if dim == "category" else "kecamatan", lang)
    chart = (
        alt.Chart(alt.InlineData(values=records(data)))
        .transform_calculate(value_scaled=scaled("turnover_idr", divisor))
        .mark_area()
        .encode(
            x=alt.X("date:T", title=chart_label("date", lang), axis=alt.Axis(format="%b")),
            y=alt.Y("value_scaled:Q", stack="zero", title=f"{chart_label('turnover', lang)} ({unit})"),
            color=alt.Color("label:N", legend=alt.Legend(title=legend), scale=alt.Scale(scheme=_PALETTE)),
            tooltip=[
                alt.Tooltip("date:T", title=chart_label("date", lang), format="%-d %B %Y"),
                alt.Tooltip("label:N", title=legend),
                alt.Tooltip("turnover_idr:Q", title=chart_label("turnover", lang), format="$,.0f"),
            ],
        )
        .properties(title=title_block(title, _period(first, last, lang, False), lang, as_of or last, "turnover"))
    )
    return finish(chart, lang, data)  # the CSV names each member as the chart does


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
