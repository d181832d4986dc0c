"""Published charts: one definition per chart, Indonesian by default (saved offline by `charts.save`).

Conventions every chart follows, so officials read them the same way:

* title, then a subtitle with the period and a line "Sumber: ... · Data per ...";
* money on the value axis in one word-unit (Rp juta / miliar / triliun) named in the axis title,
  never SI suffixes ("100M" reads as 100 *miliar* in Indonesian);
* dates are naive local (WIB) dates: vl-convert renders in UTC and a browser in the viewer's zone,
  and a naive "2025-03-01T00:00:00" is read as local midnight by both, so the day never shifts;
* numbers and month names come from the d3 locale in `formatting.vega_locale`, applied when saving.

The data behind each chart (`with_moving_average`, `monthly_export_data`) is computed in Polars,
so the CSV published next to the chart carries exactly the figures drawn, moving average included.
"""

from __future__ import annotations

import math
import textwrap
from datetime import date, datetime
from typing import Any

import altair as alt
import polars as pl

from pipelines.core import lebaran
from pipelines.publish.charts.frames import (
    COMMODITY_COLOURS,
    COMMODITY_ORDER,
    chart_data,
    commodity_labels,
    monthly_export_data,
    records,
    with_moving_average,
)
from pipelines.publish.figures import month_end
from pipelines.publish.formatting import (
    as_of_label,
    chart_label,
    check_lang,
    date_label,
    month_label,
)

# Overall chart size in CSS pixels (title, axes and legend included); PNG is rendered at 2x.
CHART_WIDTH = 960
CHART_HEIGHT = 540
PNG_SCALE = 2
PRINT_WIDTH, PRINT_HEIGHT, PRINT_SCALE = 1170, 827, 3  # x3 = 3510 x 2481 px, cut to A4 at 300 dpi (charts.save)


DAILY_COLOUR = "#9DB9D6"  # light: the noisy daily series stays in the background
MA_COLOUR = "#08519C"  # dark: the trend is what the reader should follow
LOW_COVERAGE_COLOUR = "#D94801"  # a ring in orange, apart from the blues: a day incomplete in the data
LEBARAN_COLOUR = "#8C510A"  # brown: a calendar mark, apart from the series' blues

# Where the chart's language is recorded in the spec, so charts.save can apply the matching locale.
META_KEY = "sentra"

# A font stack, as SVG carries it: DejaVu Sans where installed (the render hosts: PNG and PDF use it), else the
# next one a machine has, and at last any sans-serif, never a default serif (docs/PUBLISHING.md).
_FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
SUBTITLE_PX = 13
LEGEND_COLUMNS = 6  # a legend of more entries wraps into rows instead of running off the canvas
# Characters per subtitle line: DejaVu Sans averages about 0.6 em a character, so a line of this many stays
# inside the slide's width with room to spare (notes are wrapped, never cut).
_LINE_CHARS = int((CHART_WIDTH - 2 * 16) / (SUBTITLE_PX * 0.6))


# ---------------------------------------------------------------------------------------------
# Shared chart pieces
# ---------------------------------------------------------------------------------------------


def money_unit(max_abs: float, lang: str) -> tuple[float, str]:
    """Divisor and unit label for a money axis, so tick labels read 1-999 in a named unit."""
    if max_abs >= 1e12:
        return 1e12, chart_label("unit_triliun", lang)
    if max_abs >= 1e9:
        return 1e9, chart_label("unit_miliar", lang)
    if max_abs >= 1e6:
        return 1e6, chart_label("unit_juta", lang)
    return 1.0, chart_label("unit_rupiah", lang)


def scaled(field: str, divisor: float) -> str:
    # null / n is 0 in JavaScript: keep missing values missing so lines break instead of diving.
    return f"isValid(datum.{field}) ? datum.{field} / {divisor!r} : null"


def month_axis(first: date, last: date, every: int = 12) -> alt.Axis:
    """A date axis whose labels never repeat, at any size: over two months, one tick a month (or every few, at
    most `every` labels) reading "Feb", with the year on the first and on each January ("Jan 2025"); a short
    series, ticks by day. Ticks are placed by calendar interval, so a larger print edition gains no extra ticks
    labelled with the same month."""
    span_days = (last - first).days
    if span_days > 62:
        step = max(1, math.ceil(_month_span(first, last) / every))
        return alt.Axis(
            tickCount={"interval": "month", "step": step},
            labelExpr=(
                "datum.index == 0 || month(datum.value) == 0"
                " ? timeFormat(datum.value, '%b %Y') : timeFormat(datum.value, '%b')"
            ),
            labelAngle=0,
        )
    step = max(1, math.ceil((span_days + 1) / 14))
    return alt.Axis(format="%-d %b", tickCount={"interval": "day", "step": step}, labelAngle=0)


def title_block(title: str, period: str, lang: str, as_of: date | datetime, source: str) -> alt.TitleParams:
    """Title, period and the source line; `source`: which records the chart is drawn from (`chart.source.<source>`:
    turnover, exports, registry)."""
    source_line = f"{chart_label(f'source.{source}', lang)} · {chart_label('as_of', lang)} {as_of_label(as_of, lang)}"
    return alt.TitleParams(
        text=title,
        subtitle=[*wrap(period), *wrap(source_line)],
        anchor="start",
        fontSize=20,
        subtitleFontSize=SUBTITLE_PX,
        subtitleColor="#444444",
        subtitlePadding=6,
        offset=14,
    )


def finish(chart: Any, lang: str, data: pl.DataFrame) -> Any:
    """Size, fonts and metadata common to every chart."""
    # "fit" makes the *whole* graphic 960x540, so the PNG is a predictable 16:9; concatenated
    # panels size themselves instead (Vega-Lite allows no width on a concat).
    size = (
        {}
        if isinstance(chart, alt.HConcatChart | alt.FacetChart)
        else {
            "width": CHART_WIDTH,
            "height": CHART_HEIGHT,
            "autosize": alt.AutoSizeParams(type="fit", contains="padding"),
        }
    )
    chart = (
        chart.properties(**size, padding=16, usermeta={META_KEY: {"lang": lang}})
        .configure(font=_FONT)
        .configure_axis(labelFontSize=12, titleFontSize=13, titleFontWeight="normal", titleColor="#333333")
        # Every entry listed (no symbol limit, no cut labels), in rows of up to LEGEND_COLUMNS.
        .configure_legend(
            labelFontSize=12,
            titleFontSize=12,
            orient="top",
            direction="horizontal",
            columns=LEGEND_COLUMNS,
            symbolLimit=0,
            labelLimit=0,
        )
        .configure_view(stroke=None)
    )
    # For chart_data(). Altair's __setattr__ would put it into the spec; bypass it. Derived charts
    # (.properties(), .copy()) do not carry it, and chart_data() then says so.
    object.__setattr__(chart, "_sentra_data", data)
    return chart


def _month_span(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def daily_turnover_chart(df: pl.DataFrame, lang: str = "id", as_of: date | datetime | None = None) -> alt.LayerChart:
    """Daily IKM turnover with its 7-day moving average.

    `df`: `date` (pl.Date), `turnover_idr`. `as_of`: when the data was extracted (aware datetimes
    are shown in WIB); defaults to the last date in the data. Days absent from `df` break the daily
    line rather than being drawn as zero. Save with `save.save_chart(chart, chart_data(chart), ...)`.
    """
    lang = check_lang(lang)
    data = with_moving_average(df)
    first, last = data["date"].min(), data["date"].max()
    assert isinstance(first, date) and isinstance(last, date)

    max_abs = float(data.select(pl.col("turnover_idr").cast(pl.Float64).abs().max()).item())
    divisor, unit = money_unit(max_abs, lang)
    label_daily, label_ma = chart_label("daily_turnover", lang), chart_label("moving_average_7d", lang)

    x = alt.X("date:T", title=chart_label("date", lang), axis=month_axis(first, last))
    y_title = f"{chart_label('turnover', lang)} ({unit})"
    y_axis = alt.Axis(format=",~f", tickCount=6)
    series = alt.Scale(domain=[label_daily, label_ma], range=[DAILY_COLOUR, MA_COLOUR])

    # Only the drawn columns go into the spec; the CSV (chart_data) carries the rest.
    drawn = data.select("date", "turnover_idr", "turnover_ma7_idr")
    base = alt.Chart(alt.InlineData(values=records(drawn))).transform_calculate(
        turnover_scaled=scaled("turnover_idr", divisor),
        ma_scaled=scaled("turnover_ma7_idr", divisor),
    )
    # Each line names its series in a field, so both share one colour scale and one legend.
    colour = alt.Color("series:N", scale=series, legend=alt.Legend(title=None))
    daily_line = (
        base.transform_calculate(series=repr(label_daily))
        .mark_line(strokeWidth=1.2)
        .encode(x=x, y=alt.Y("turnover_scaled:Q", title=y_title, axis=y_axis), color=colour)
    )
    ma_line = (
        base.transform_calculate(series=repr(label_ma))
        .mark_line(strokeWidth=2.6)
        .encode(x=x, y=alt.Y("ma_scaled:Q", title=y_title, axis=y_axis), color=colour)
    )
    # Interactive (HTML only): a vertical rule at the hovered day with the figures in full rupiah.
    hover = alt.selection_point(
        name="hover", fields=["date"], nearest=True, on="pointerover", clear="pointerout", empty=False
    )
    rule = (
        base.transform_filter("isValid(datum.turnover_idr)")
        .mark_rule(color="#666666", strokeWidth=1)
        .encode(
            x=x,
            opacity=alt.condition(hover, alt.value(0.7), alt.value(0.0)),
            tooltip=[
                alt.Tooltip("date:T", title=chart_label("date", lang), format="%A, %-d %B %Y"),
                alt.Tooltip("turnover_idr:Q", title=label_daily, format="$,.0f"),
                alt.Tooltip("turnover_ma7_idr:Q", title=label_ma, format="$,.0f"),
            ],
        )
        .add_params(hover)
    )
    period = f"{date_label(first, lang)} – {date_label(last, lang)}"
    marks = [*_low_coverage_marks(data, x, divisor, lang), *_idul_fitri_marks(first, last, x, None, lang)]
    chart = alt.layer(daily_line, ma_line, rule, *marks).properties(
        title=title_block(
            chart_label("daily_turnover_title", lang), period, lang, as_of if as_of is not None else last, "turnover"
        )
    )
    return finish(chart, lang, data)


def monthly_export_chart(
    df: pl.DataFrame, lang: str = "id", as_of: date | datetime | None = None
) -> alt.Chart | alt.LayerChart:
    """Monthly export value, bars stacked by commodity (a layer when Idul Fitri is marked).

    `df`: `month` (pl.Date, first of month), `commodity` (codes.CATEGORIES), `export_value_idr`.
    Months with no exports keep an empty slot on the axis. `as_of` as in `daily_turnover_chart`.
    """
    lang = check_lang(lang)
    data = monthly_export_data(df, lang)
    first, last = data["month"].min(), data["month"].max()
    assert isinstance(first, date) and isinstance(last, date)

    # Stacked totals decide the axis unit, not single bars.
    totals = data.group_by("month").agg(pl.col("export_value_idr").cast(pl.Float64).sum())
    max_abs = float(totals["export_value_idr"].abs().max())  # type: ignore[arg-type]
    divisor, unit = money_unit(max_abs, lang)

    # Every month in the period on the axis, including months without exports (an ordinal axis
    # would otherwise silently close the gap). DateTime parts are local time, like the data.
    months = pl.date_range(first, last, "1mo", eager=True).to_list()
    domain = [alt.DateTime(year=m.year, month=m.month, date=1) for m in months]

    present = [c for c in COMMODITY_ORDER if c in set(data["commodity"].to_list())]
    labels = commodity_labels(lang)
    colour = alt.Scale(domain=[labels.get(c, c) for c in present], range=[COMMODITY_COLOURS[c] for c in present])
    drawn = data.select("month", "commodity", "commodity_label", "export_value_idr")
    order_expr = f"indexof({list(COMMODITY_ORDER)!r}, datum.commodity)"

    x = alt.X(
        "month:O",
        timeUnit="yearmonth",
        title=chart_label("month", lang),
        # Vega cannot draw a one-value DateTime domain: a single month needs none.
        scale=alt.Scale(domain=domain, paddingInner=0.15) if len(domain) > 1 else alt.Scale(paddingInner=0.15),
        axis=alt.Axis(format="%b %Y", labelAngle=0 if len(months) <= 14 else -45, labelOverlap=True),
    )
    chart = (
        alt.Chart(alt.InlineData(values=records(drawn)))
        .transform_calculate(value_scaled=scaled("export_value_idr", divisor), stack_order=order_expr)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(
                "value_scaled:Q",
                stack="zero",
                title=f"{chart_label('export_value', lang)} ({unit})",
                axis=alt.Axis(format=",~f", tickCount=6),
            ),
            color=alt.Color("commodity_label:N", scale=colour, legend=alt.Legend(title=chart_label("commodity", lang))),
            # Ikan hias at the bottom, "Lainnya" on top, whatever the data order.
            order=alt.Order("stack_order:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", title=chart_label("month", lang), format="%B %Y"),
                alt.Tooltip("commodity_label:N", title=chart_label("commodity", lang)),
                alt.Tooltip("export_value_idr:Q", title=chart_label("export_value", lang), format="$,.0f"),
            ],
        )
    )
    tops = {m: float(v) / divisor for m, v in totals.iter_rows()}
    marks = _idul_fitri_marks(first, month_end(last), x, tops, lang)
    period = f"{month_label(first, lang)} – {month_label(last, lang)}"
    chart = (alt.layer(chart, *marks) if marks else chart).properties(
        title=title_block(
            chart_label("monthly_export_title", lang), period, lang, as_of if as_of is not None else last, "exports"
        )
    )
    return finish(chart, lang, data)


def wrap(text: str) -> list[str]:
    """A subtitle line broken into lines that fit the chart's width, at spaces (Vega draws each line whole)."""
    return textwrap.wrap(text, _LINE_CHARS, break_long_words=False, break_on_hyphens=False) or [text]


def add_notes(chart: alt.TopLevelMixin, notes: list[str]) -> alt.TopLevelMixin:
    """Extra subtitle lines (confidentiality, revisions, changes) on a chart built here; data kept."""
    if not notes:
        return chart
    data = chart_data(chart)
    title = chart.title.to_dict() if hasattr(chart.title, "to_dict") else {"text": chart.title}
    subtitle = title.get("subtitle") or []
    wrapped = [line for note in notes for line in wrap(note)]
    title["subtitle"] = [*([subtitle] if isinstance(subtitle, str) else subtitle), *wrapped]
    noted = chart.properties(title=alt.TitleParams(**title))
    object.__setattr__(noted, "_sentra_data", data)
    return noted


def _low_coverage_marks(data: pl.DataFrame, x: Any, divisor: float, lang: str) -> list[alt.Chart]:
    """Days whose coverage is under the quality threshold (`low_coverage`, from the chart's data) ringed on the
    daily line: incomplete in the data, not a collapse in sales. The chart's note says what the ring means."""
    if "low_coverage" not in data.columns:
        return []
    low = data.filter(pl.col("low_coverage").fill_null(False) & pl.col("turnover_idr").is_not_null())
    if low.is_empty():
        return []
    values = records(low.select("date", (pl.col("turnover_idr") / divisor).alias("turnover_scaled")))
    ring = alt.Chart(alt.InlineData(values=values)).mark_point(
        shape="circle", filled=False, size=60, strokeWidth=1.6, color=LOW_COVERAGE_COLOUR
    )
    return [ring.encode(x=x, y=alt.Y("turnover_scaled:Q"))]


def _idul_fitri_marks(first: date, last: date, x: Any, tops: dict[date, float] | None, lang: str) -> list[alt.Chart]:
    """Idul Fitri marked where it falls in [first, last] (`pipelines.core.lebaran`): on a daily axis a dashed rule
    labelled at the top; on a monthly one (`tops`: each month's stacked height) a label above its month's bar."""
    days = [d for y in range(first.year, last.year + 1) for d in lebaran.days(y) if first <= d <= last]
    if not days:
        return []
    label = chart_label("idul_fitri", lang)
    if tops is None:
        # Dates as the series has them (naive, local): a bare ISO date would be read as UTC midnight.
        values = records(pl.DataFrame({"date": days, "label": [f"{label} {date_label(d, lang)}" for d in days]}))
        marks = alt.Chart(alt.InlineData(values=values))
        rule = marks.mark_rule(color=LEBARAN_COLOUR, strokeDash=[4, 3], strokeWidth=1).encode(x=x)
        out = [rule]
        # A label near the right edge is written to the left of its rule, so it is never cut by the canvas.
        span = max((last - first).days, 1)
        for right in (False, True):
            mine = [v for d, v in zip(days, values, strict=True) if ((d - first).days / span > 0.8) == right]
            if mine:
                text = alt.Chart(alt.InlineData(values=mine)).mark_text(
                    align="right" if right else "left",
                    baseline="top",
                    dx=-4 if right else 4,
                    dy=4,
                    fontSize=11,
                    color=LEBARAN_COLOUR,
                )
                out.append(text.encode(x=x, y=alt.value(0), text="label:N"))
        return out
    months = [d.replace(day=1) for d in days]
    values = records(pl.DataFrame({"month": months, "top": [tops.get(m, 0.0) for m in months], "label": f"▼ {label}"}))
    text = alt.Chart(alt.InlineData(values=values)).mark_text(
        baseline="bottom", dy=-4, fontSize=11, color=LEBARAN_COLOUR
    )
    return [text.encode(x=x, y=alt.Y("top:Q"), text="label:N")]
