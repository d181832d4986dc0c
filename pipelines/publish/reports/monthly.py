"""Monthly report (HTML and PDF, Indonesian and English) from the published cells.

Pure builders: the caller loads the published cells (`Published`) and hands them over; nothing here runs
SQL or sums rows: every figure is a cell, every change is computed on the marts' totals.
The report follows BPS's monthly export release ("Berita Resmi Statistik"): headline figures with
month-to-month, year-on-year and cumulative changes, key points written from the same numbers,
charts, tables by commodity and destination, turnover, data coverage and quality, methodology.

Output is deterministic for the same input: rows are sorted, the only time printed is `as_of`, and
the PDF is written in reportlab's invariant mode, so regenerating a past period reproduces it byte
for byte. Files (written atomically): `laporan-bulanan-YYYY-MM.id.html`, `laporan-bulanan-YYYY-MM.id.pdf`,
`monthly-report-YYYY-MM.en.html`, `monthly-report-YYYY-MM.en.pdf`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.publish.charts import draw as charts_mod
from pipelines.publish.comparison import month_before, year_before
from pipelines.publish.figures import add_months, month_end
from pipelines.publish.files import write_atomic
from pipelines.publish.formatting import LANGS, as_of_label, check_lang, month_label
from pipelines.publish.reports import check_wording as cw
from pipelines.publish.reports import wording as rt
from pipelines.publish.reports.common import (
    coverage_rows,
    flagged_change,
    given_chart,
    lebaran_points,
    period_turnover,
    quality_blocks,
    render_png,
    turnover_change,
)
from pipelines.publish.reports.data import Headline, write_data
from pipelines.publish.reports.document import Block, Bullets, Document, Figure, Heading, Para, Table
from pipelines.publish.reports.html import render_html
from pipelines.publish.reports.monthly_figures import (
    TREND_MONTHS,
    Change,
    ExportFigures,
    MonthlyReportData,
    export_figures,
    monthly_chart_frame,
)
from pipelines.publish.reports.monthly_tables import (
    commodity_table,
    cumulative_table,
    destination_table,
    headline_cards,
    trend_table,
    turnover_table,
)
from pipelines.publish.reports.pdf import render_pdf

__all__ = [
    "CHART_DAILY_TURNOVER",
    "CHART_MONTHLY_EXPORT",
    "MonthlyReportData",
    "key_points",
    "monthly_document",
    "monthly_report_names",
    "write_monthly_report",
]

# Chart names accepted in `charts` (and rendered when absent): the stems the chart assets publish.
CHART_MONTHLY_EXPORT = "monthly_export_value"
CHART_DAILY_TURNOVER = "daily_turnover"


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def _export_chart(data: MonthlyReportData, lang: str, charts: dict[str, Path] | None) -> bytes | None:
    """The monthly export chart: the caller's PNG, else drawn over the report month and the twelve before."""
    png = given_chart(charts, CHART_MONTHLY_EXPORT, lang)
    if png is None:
        window = monthly_chart_frame(data.exports, add_months(data.month, -(TREND_MONTHS - 1)), data.month)
        if window["export_value_idr"].is_not_null().any():
            png = render_png(charts_mod.monthly_export_chart(window, lang, as_of=data.as_of), lang)
    return png


def _turnover_chart(data: MonthlyReportData, lang: str, charts: dict[str, Path] | None) -> bytes | None:
    """The daily turnover chart: the caller's PNG, else drawn over the report month."""
    png = given_chart(charts, CHART_DAILY_TURNOVER, lang)
    if png is None:
        cells = data.turnover.days(data.month, month_end(data.month))
        days = pl.DataFrame(
            [(d, f.value, not f.shown) for d, f in cells],
            schema={"date": pl.Date, "turnover_idr": pl.Int64, "suppressed": pl.Boolean},
            orient="row",
        )
        if days["turnover_idr"].is_not_null().any():
            png = render_png(charts_mod.daily_turnover_chart(days, lang, as_of=data.as_of), lang)
    return png


# ---------------------------------------------------------------------------------------------
# Key points
# ---------------------------------------------------------------------------------------------


def _change_text(change: Change, against: str, tag: str, what: str, lang: str) -> tuple[str | None, str | None]:
    """(clause for the headline sentence, or a sentence saying why there is none)."""
    if change.pct is not None:
        return rt.change_clause(change.pct, against, tag, lang), None
    if change.hidden:
        return None, rt.confidential_change_sentence(what, against, lang)
    return None, rt.unavailable_sentence(what, change.missing, change.zero, lang, against)


def _shares(data: MonthlyReportData, fig: ExportFigures, grid: str) -> list[tuple[str, Decimal, Decimal]]:
    """(member, share of the month's true total, value) of the published members, largest first."""
    if not fig.cur.shown or not fig.cur.value:
        return []
    parts = data.exports.members(grid, month_end(fig.month))
    return [(code, f.value * 100 / fig.cur.value, f.value) for code, f in parts if f.shown]


def key_points(data: MonthlyReportData, lang: str) -> list[str]:
    """The report's key points ("Ringkasan"), written from the same figures as the tables.

    Exports of the month with m-to-m and y-on-y changes, the cumulative value with its c-to-c change,
    commodity shares, main destinations, exporters, turnover with its y-on-y change, quality notes.
    A change whose comparison period has no data is said to be unavailable.
    """
    lang = check_lang(lang)
    fig = export_figures(data)
    points: list[str] = []
    cur = fig.cur
    if not cur.exists:
        points.append(rt.no_exports_sentence(fig.month, lang))
    elif not cur.shown:
        points.append(rt.confidential_sentence(month_label(fig.month, lang), lang))
    else:
        clauses, notes = [], []
        for change, against, term in (
            (fig.mom, month_label(fig.prev, lang), rt.t("term.month_to_month", lang)),
            (fig.yoy, month_label(fig.last_year, lang), rt.t("term.year_on_year", lang)),
        ):
            clause, note = _change_text(change, against, term, term, lang)
            clauses += [clause] if clause else []
            notes += [note] if note else []
        points.append(" ".join([rt.export_sentence(fig.month, cur.value, cur.usd, clauses, lang), *notes]))

        # The cumulative sentence would repeat the headline in January.
        if fig.month.month > 1:
            first = fig.month.replace(month=1)
            if fig.ytd_missing:
                points.append(rt.cumulative_unavailable(first, fig.month, fig.ytd_missing, lang))
            elif not fig.ytd.shown:
                points.append(rt.confidential_sentence(rt.months_span(first, fig.month, lang), lang))
            else:
                same_period = rt.t("same_period", lang, year=fig.last_year.year)
                clause, note = _change_text(fig.ctc, same_period, "", rt.t("term.c_to_c", lang), lang)
                sentence = rt.cumulative_sentence(first, fig.month, fig.ytd.value, fig.ytd.usd, clause, lang)
                points.append(sentence if note is None else f"{sentence} {note}")

        shares = _shares(data, fig, "month_commodity")
        if shares:
            points.append(rt.commodity_sentence(fig.month, shares, lang))
        top = [(c, pct) for c, pct, _ in _shares(data, fig, "month_destination")[:3]]
        if top:
            points.append(rt.destination_sentence(fig.month, top, sum((s for _, s in top), Decimal(0)), lang))
        points.append(rt.exporters_sentence(fig.month, cur.producers, data.registered_exporters, cur.count, lang))

    points += _turnover_points(data, lang)
    points += lebaran_points(data.turnover, data.month, month_end(data.month), lang)
    cov = coverage_rows(data.coverage, data.month, month_end(data.month))
    points.append(cw.quality_sentence(cov.filter(~pl.col("passed")).height, cov.height, lang, data.quarantined))
    return points


def _turnover_points(data: MonthlyReportData, lang: str) -> list[str]:
    last_day = month_end(data.month)
    cur = period_turnover(data.turnover, "month", data.month, last_day)
    if cur is None:
        return [rt.t("no_turnover", lang).format(period=month_label(data.month, lang))]
    if not cur.total.shown:
        return [rt.confidential_sentence(month_label(data.month, lang), lang)]
    sentence = rt.turnover_sentence(
        month_label(data.month, lang),
        cur.total.value,
        cur.days,
        cur.calendar_days,
        cur.avg_active,
        data.registered_producers or None,
        lang,
    )
    # Month-to-month, then year-on-year: each like with like (pipelines.publish.comparison).
    for months, term, counterpart in (
        (-1, "term.month_to_month", month_before),
        (-12, "term.year_on_year", year_before),
    ):
        other = add_months(data.month, months)
        base = period_turnover(data.turnover, "month", other, month_end(other))
        change = turnover_change(data.turnover, cur, base, counterpart)
        against = f"{month_label(other, lang)} ({rt.t(term, lang)})"
        if base is None:
            sentence += " " + rt.turnover_unavailable_sentence(month_label(other, lang), lang)
        elif not change.comparison.comparable:
            sentence += " " + rt.not_comparable_sentence(against, change.comparison.missing, lang)
        elif change.pct is not None:
            same_days = None if change.comparison.whole else len(change.comparison.days)
            sentence += " " + rt.turnover_change_sentence(change.pct, against, same_days, lang)
    return [sentence]


# ---------------------------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------------------------


def monthly_document(data: MonthlyReportData, lang: str, charts: dict[str, Path] | None) -> Document:
    fig = export_figures(data)
    title = f"{rt.t('monthly_title', lang)}, {month_label(data.month, lang)}"
    blocks: list[Block] = [
        Heading(rt.t("highlights", lang)),
        Bullets(tuple(key_points(data, lang))),
        Heading(rt.t("headline", lang)),
        headline_cards(data, fig, lang),
    ]
    # Tables and figures are numbered in order of appearance; one without data is left out, not left empty.
    numbered = {"table": 0, "figure": 0}

    def add_table(build: Callable[[int], Table | None]) -> None:
        table = build(numbered["table"] + 1)
        if table is not None:
            numbered["table"] += 1
            blocks.append(table)

    def add_figure(png: bytes | None, caption: str) -> None:
        if png is not None:
            numbered["figure"] += 1
            blocks.append(Figure(png, rt.t("figure.caption", lang, n=numbered["figure"], caption=caption)))

    # The caption names the months the chart shows: from the first with data in the window, not the window's start.
    shown = monthly_chart_frame(data.exports, add_months(data.month, -(TREND_MONTHS - 1)), data.month)["month"]
    trend = rt.months_span(shown.min() if shown.len() else data.month, data.month, lang)
    month = month_label(data.month, lang)
    # Small tables first, so the first page is full before a chart needs a page of its own.
    blocks.append(Heading(rt.t("exports_section", lang)))
    add_table(lambda n: commodity_table(data, fig, lang, n) if fig.cur.exists else None)
    add_table(lambda n: cumulative_table(data, fig, lang, n) if fig.month.month > 1 else None)
    export_png = _export_chart(data, lang, charts)
    add_figure(export_png, rt.t("figure.exports_by_commodity", lang, span=trend))
    if export_png is None:
        blocks.append(Para(rt.t("chart_missing", lang)))
    add_table(lambda n: destination_table(data, fig, lang, n))
    add_table(lambda n: trend_table(data, fig, lang, n))

    blocks.append(Heading(rt.t("turnover_section", lang)))
    blocks += [Para(p) for p in _turnover_points(data, lang)]
    blocks += [Para(p) for p in lebaran_points(data.turnover, data.month, month_end(data.month), lang)]
    add_figure(_turnover_chart(data, lang, charts), rt.t("figure.daily_turnover", lang, month=month))
    add_table(lambda n: turnover_table(data, lang, n))

    cov = coverage_rows(data.coverage, data.month, month_end(data.month))
    blocks += quality_blocks(cov, lang, _coverage_lead(data, fig, lang), numbered["table"] + 1, data.quarantined)

    blocks.append(Heading(rt.t("method_section", lang)))
    blocks += [Para(p) for p in rt.methodology(lang)]

    as_of = rt.t("as_of", lang, when=as_of_label(data.as_of, lang))
    return Document(
        lang=lang,
        title=title,
        kind=rt.t("monthly_kind", lang),
        meta=(as_of, f"{rt.t('run', lang)}: {data.run_id}", rt.t("source", lang)),
        blocks=tuple(blocks),
        footer=f"Sentra · {title} · {as_of}",
        pdf_title=title,
    )


def _coverage_lead(data: MonthlyReportData, fig: ExportFigures, lang: str) -> list[str]:
    """Coverage in one or two sentences: producers from the turnover mart, exporters from the export mart."""
    lead = []
    cur = period_turnover(data.turnover, "month", data.month, month_end(data.month))
    if cur is not None and data.registered_producers:
        share = cur.avg_active * 100 / data.registered_producers
        lead.append(rt.producer_coverage_sentence(share, data.registered_producers, cur.days, cur.calendar_days, lang))
    if fig.cur.exists and data.registered_exporters:
        share = Decimal(fig.cur.producers or 0) * 100 / data.registered_exporters
        lead.append(rt.exporter_coverage_sentence(fig.month, share, data.registered_exporters, lang))
    low_days = _low_coverage_days(data.coverage, data.month, month_end(data.month))
    if low_days:
        lead.append(rt.low_coverage_sentence(data.month, low_days, lang))
    return lead


def _low_coverage_days(coverage: pl.DataFrame, first: date, last: date) -> list[date]:
    """The days whose producer coverage check warned (the exporters' monthly check is not a day)."""
    cov = coverage_rows(coverage, first, last).filter(
        (pl.col("check_name") == "coverage")
        & pl.col("asset").is_in(list(cw.PRODUCER_ASSETS))
        & ~pl.col("passed")
        & pl.col("period").is_not_null()
    )
    return sorted(set(cov["period"].to_list()))


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def monthly_report_names(month: date) -> dict[str, tuple[str, str]]:
    """{lang: (html name, pdf name)} of the monthly report of `month`."""
    ym = f"{month.year:04d}-{month.month:02d}"
    return {
        "id": (f"laporan-bulanan-{ym}.id.html", f"laporan-bulanan-{ym}.id.pdf"),
        "en": (f"monthly-report-{ym}.en.html", f"monthly-report-{ym}.en.pdf"),
    }


def monthly_documents(data: MonthlyReportData, charts: dict[str, Path] | None = None) -> dict[str, Document]:
    """The report in each language, built (and its figures looked up) before anything is written.

    `charts` maps chart names to PNG files to embed: "monthly_export_value" and "daily_turnover", or
    "<lang>/<name>" for a chart per language. A chart not given is drawn here from the published cells
    (the export chart over the report month and the twelve before it, the daily chart over the month).
    """
    return {lang: monthly_document(data, lang, charts) for lang in LANGS}


def headline_figures(data: MonthlyReportData) -> list[Headline]:
    """The headline figures as data (figures.json): the same cells and changes the text states, each change like
    with like and flagged (`pipelines.publish.symbols`), and how many days of the month have turnover data."""
    fig, period = export_figures(data), f"{data.month:%Y-%m}"
    turnover = period_turnover(data.turnover, "month", data.month, month_end(data.month))
    total = turnover.total if turnover else data.turnover.get("month", month_end(data.month))
    ytd = f"{data.month:%Y}-01…{period}"
    changes = []
    for key, months, counterpart in (("mtm", -1, month_before), ("yoy", -12, year_before)):
        other = add_months(data.month, months)
        base = period_turnover(data.turnover, "month", other, month_end(other))
        change = turnover_change(data.turnover, turnover, base, counterpart) if turnover else None
        changes.append(Headline.flagged(f"turnover_{key}_change_pct", flagged_change(change)[1], "percent", period))
        compared = len(change.comparison.days) if change and change.comparison.comparable else None
        changes.append(Headline.derived(f"turnover_{key}_compared_days", _dec(compared), "days", period))
    return [
        Headline.of("export_value_idr", fig.cur, "IDR", period),
        Headline.of("export_value_usd", fig.cur, "USD", period, "usd"),
        Headline.of("export_items", fig.cur, "count", period, "count"),
        Headline.of("exporters", fig.cur, "count", period, "producers"),
        Headline.flagged("export_mtm_change_pct", fig.mom.flagged, "percent", period),
        Headline.flagged("export_yoy_change_pct", fig.yoy.flagged, "percent", period),
        Headline.of("export_value_ytd_idr", fig.ytd, "IDR", ytd),
        Headline.flagged("export_ctc_change_pct", fig.ctc.flagged, "percent", ytd),
        Headline.of("turnover_idr", total, "IDR", period),
        Headline.of("transactions", total, "count", period, "count"),
        Headline.derived("turnover_days_with_data", _dec(turnover.days if turnover else None), "days", period),
        Headline.derived("turnover_calendar_days", _dec(month_end(data.month).day), "days", period),
        *changes,
    ]


def _dec(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def write_monthly_report(
    month: date, docs: dict[str, Document], headlines: list[Headline], out_dir: Path
) -> tuple[list[Path], list[Path]]:
    """Write the report as HTML and PDF per language, and its data; returns (documents, data files)."""
    out_dir = Path(out_dir)
    names = monthly_report_names(month)
    written: list[Path] = []
    for lang in LANGS:
        html_name, pdf_name = names[lang]
        write_atomic(out_dir / html_name, render_html(docs[lang]).encode("utf-8"))
        write_atomic(out_dir / pdf_name, render_pdf(docs[lang]))
        written += [out_dir / html_name, out_dir / pdf_name]
    stem = names["id"][0].removesuffix(".id.html")
    return written, write_data(out_dir, stem, docs["id"], headlines)
