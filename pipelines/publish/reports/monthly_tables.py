"""The monthly report's headline cards and tables: by commodity, cumulative, by destination, trend, turnover.

Every figure is a published cell (`Published`): a hidden one prints "–" and the table says why, a total is
the marts' own total, and a change needs both ends published. Each table also carries its numbers as a
frame (`Table.data`) for the report's CSV and XLSX. Each builder takes its number (`no`) in order of
appearance and returns None when it has no data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import polars as pl

from pipelines.publish import i18n
from pipelines.publish.figures import add_months, month_end, pct_change, share
from pipelines.publish.formatting import month_label, rupiah_short
from pipelines.publish.published import Figure
from pipelines.publish.reports import wording as rt
from pipelines.publish.reports.common import juta, num, period_turnover, ribu_usd
from pipelines.publish.reports.document import Cards, Table
from pipelines.publish.reports.monthly_figures import (
    TREND_MONTHS,
    Change,
    ExportFigures,
    MonthlyReportData,
    member_value,
)

_DATA_COLUMNS = ("last_year_idr", "prev_month_idr", "month_idr", "month_usd", "share_pct", "mtm_pct", "yoy_pct")


def _note(lang: str) -> tuple[str, ...]:
    return rt.t("dash_note", lang), rt.t("hidden_note", lang), rt.t("rounding_note", lang)


def headline_cards(data: MonthlyReportData, fig: ExportFigures, lang: str) -> Cards:
    def percent(pct: Decimal) -> str:
        return i18n.text("number.percent", lang, number=rt.signed(pct, lang))

    def money(f: Figure) -> str:
        return rupiah_short(f.value, lang) if f.shown else ("–" if f.exists else rt.t("no_data", lang))

    def change_card(label: str, change: Change, base: date) -> tuple[str, str, str]:
        if change.pct is None:
            return label, "–", rt.t("card.base_unavailable", lang, period=month_label(base, lang))
        return label, percent(change.pct), rt.t("card.versus", lang, period=month_label(base, lang))

    turnover = period_turnover(data.turnover, "month", fig.month, month_end(fig.month))
    avg = turnover.avg_per_day if turnover else None
    cards = [
        (
            f"{rt.t('export_value', lang)} {month_label(fig.month, lang)}",
            money(fig.cur),
            rt.usd_short(fig.cur.usd, lang) if fig.cur.shown else "",
        ),
        change_card(rt.t("card.month_to_month", lang), fig.mom, fig.prev),
        change_card(rt.t("card.year_on_year", lang), fig.yoy, fig.last_year),
        (
            f"{rt.t('cumulative', lang)} {rt.months_span(fig.month.replace(month=1), fig.month, lang)}",
            money(fig.ytd),
            rt.t("card.c_to_c", lang, change=percent(fig.ctc.pct) if fig.ctc.pct is not None else "–"),
        ),
        (
            f"{rt.t('turnover', lang)} {month_label(fig.month, lang)}",
            money(turnover.total) if turnover else rt.t("no_data", lang),
            f"{rupiah_short(avg, lang)} {rt.t('per_day', lang)}" if avg is not None else "",
        ),
    ]
    return Cards(tuple(cards))


def _values(ly: Figure, prev: Figure, cur: Figure, whole: Figure) -> tuple:
    """A row's numbers: last year, last month, this month (IDR, USD), share of the month, changes."""
    both = cur.shown and whole.shown
    return (
        ly.value,
        prev.value,
        cur.value,
        cur.usd,
        share(cur.value, whole.value) if both else None,
        pct_change(cur.value, prev.value),
        pct_change(cur.value, ly.value),
    )


def _texts(values: tuple, lang: str) -> tuple[str, ...]:
    ly, prev, cur, usd, pct, mtm, yoy = values
    return (
        juta(ly, lang),
        juta(prev, lang),
        juta(cur, lang),
        ribu_usd(usd, lang),
        num(pct, lang, 1),
        rt.signed(mtm, lang),
        rt.signed(yoy, lang),
    )


def _figure_headers(fig: ExportFigures, lang: str) -> tuple[str, ...]:
    return (
        month_label(fig.last_year, lang),
        month_label(fig.prev, lang),
        month_label(fig.month, lang),
        f"{month_label(fig.month, lang)} ({rt.t('unit_usd_thousand', lang)})",
        rt.t("share", lang),
        rt.t("mtm", lang),
        rt.t("yoy", lang),
    )


def _frame(label: str, rows: list[tuple[str, tuple]], more: dict[str, list] | None = None) -> pl.DataFrame:
    data = {label: [r[0] for r in rows]}
    data.update(more or {})
    for i, name in enumerate(_DATA_COLUMNS):
        data[name] = [None if r[1][i] is None else float(r[1][i]) for r in rows]
    return pl.DataFrame(data)


def _breakdown_table(
    data: MonthlyReportData,
    fig: ExportFigures,
    grid: str,
    lang: str,
    caption: str,
    label: str,
    name: Callable[[str], str],
    others: str,
) -> Table:
    """A month's breakdown (commodity or destination) against last month and a year earlier, with the total."""
    ex, end = data.exports, month_end(fig.month)
    rows: list[tuple[str, tuple]] = []
    for member, cur in ex.members(grid, end):
        prev, ly = (member_value(ex, grid, m, member) for m in (fig.prev, fig.last_year))
        rows.append((name(member), _values(ly, prev, cur, fig.cur)))
    other = ex.other(grid, end)
    if other.exists:  # what "lainnya" holds changes month to month: no comparison
        absent = Figure(None, None, None, None, "missing")
        lainnya = rt.t(others, lang).format(n=len(other.holds))
        rows.append((lainnya, _values(absent, absent, other, fig.cur)))
    total = (fig.row(fig.last_year, ex), fig.row(fig.prev, ex), fig.cur, fig.cur)
    total_values = (*_values(*total)[:4], Decimal(100) if fig.cur.shown else None, fig.mom.pct, fig.yoy.pct)
    rows.append((rt.t("total", lang), total_values))
    return Table(
        caption,
        (rt.t(label, lang), *_figure_headers(fig, lang)),
        tuple((r[0], *_texts(r[1], lang)) for r in rows),
        (False, *([True] * 7)),
        (2.0, 1.3, 1.3, 1.3, 1.4, 1.0, 1.1, 1.1),
        total_rows=1,
        notes=_note(lang),
        data=_frame(label, rows),
    )


def commodity_table(data: MonthlyReportData, fig: ExportFigures, lang: str, no: int) -> Table:
    unit, month = rt.t("unit_idr_million", lang), month_label(fig.month, lang)
    caption = rt.t("table.commodity", lang, n=no, month=month, unit=unit)
    return _breakdown_table(
        data,
        fig,
        "month_commodity",
        lang,
        caption,
        "commodity",
        lambda c: rt.commodity_label(c, lang),
        "others_commodities",
    )


def destination_table(data: MonthlyReportData, fig: ExportFigures, lang: str, no: int) -> Table | None:
    if not fig.cur.exists:
        return None
    unit, month = rt.t("unit_idr_million", lang), month_label(fig.month, lang)
    caption = rt.t("table.destination", lang, n=no, month=month, unit=unit)
    return _breakdown_table(
        data, fig, "month_destination", lang, caption, "destination", lambda c: rt.country_name(c, lang), "others_n"
    )


def cumulative_table(data: MonthlyReportData, fig: ExportFigures, lang: str, no: int) -> Table | None:
    """Year to date by commodity, against the same months a year earlier: the cells of the year to date."""
    if not fig.ytd.exists:
        return None
    ex, end, end_ly = data.exports, month_end(fig.month), month_end(fig.last_year)
    rows = []
    for member, cur in ex.members("ytd_commodity", end):
        ly = member_value(ex, "ytd_commodity", fig.last_year, member)
        rows.append(
            (
                rt.commodity_label(member, lang),
                ly.value,
                cur.value,
                share(cur.value, fig.ytd.value) if cur.shown and fig.ytd.shown else None,
                pct_change(cur.value, ly.value),
            )
        )
    other = ex.other("ytd_commodity", end)
    if other.exists:
        rows.append(
            (
                rt.t("others_commodities", lang).format(n=len(other.holds)),
                None,
                other.value,
                share(other.value, fig.ytd.value) if other.shown and fig.ytd.shown else None,
                None,
            )
        )
    ly_total = ex.get("ytd", end_ly)
    rows.append(
        (rt.t("total", lang), ly_total.value, fig.ytd.value, Decimal(100) if fig.ytd.shown else None, fig.ctc.pct)
    )
    unit = rt.t("unit_idr_million", lang)
    span, span_ly = (
        rt.months_span(fig.month.replace(month=1), fig.month, lang),
        rt.months_span(fig.last_year.replace(month=1), fig.last_year, lang),
    )
    caption = rt.t("table.cumulative", lang, n=no, span=span, unit=unit)
    frame = pl.DataFrame(
        {
            "commodity": [r[0] for r in rows],
            **{
                k: [None if r[i] is None else float(r[i]) for r in rows]
                for i, k in enumerate(("last_year_idr", "year_to_date_idr", "share_pct", "ctc_pct"), start=1)
            },
        }
    )
    return Table(
        caption,
        (rt.t("commodity", lang), span_ly, span, rt.t("share", lang), rt.t("ctc", lang)),
        tuple((r[0], juta(r[1], lang), juta(r[2], lang), num(r[3], lang, 1), rt.signed(r[4], lang)) for r in rows),
        (False, True, True, True, True),
        (2.2, 1.6, 1.6, 1.1, 1.1),
        total_rows=1,
        notes=_note(lang),
        data=frame,
    )


def trend_table(data: MonthlyReportData, fig: ExportFigures, lang: str, no: int) -> Table:
    first = add_months(fig.month, -(TREND_MONTHS - 1))
    rows = []
    for i in range(TREND_MONTHS):
        m = add_months(first, i)
        row, prev, ly = (fig.row(x, data.exports) for x in (m, add_months(m, -1), add_months(m, -12)))
        rows.append(
            (
                m,
                row.value,
                row.usd,
                row.count,
                row.producers,
                pct_change(row.value, prev.value),
                pct_change(row.value, ly.value),
            )
        )
    span = rt.months_span(first, fig.month, lang)
    caption = rt.t("table.trend", lang, n=no, span=span)
    headers = (
        rt.t("month", lang),
        f"{rt.t('export_value', lang)} ({rt.t('unit_idr_million', lang)})",
        f"{rt.t('export_value', lang)} ({rt.t('unit_usd_thousand', lang)})",
        rt.t("items", lang),
        rt.t("exporters", lang),
        rt.t("mtm", lang),
        rt.t("yoy", lang),
    )
    names = ("month", "export_value_idr", "export_value_usd", "items", "exporters", "mtm_pct", "yoy_pct")
    frame = pl.DataFrame(
        {n: [r[i] if i in (0, 3, 4) or r[i] is None else float(r[i]) for r in rows] for i, n in enumerate(names)}
    )
    return Table(
        caption,
        headers,
        tuple(
            (
                month_label(r[0], lang),
                juta(r[1], lang),
                ribu_usd(r[2], lang),
                num(r[3], lang),
                num(r[4], lang),
                rt.signed(r[5], lang),
                rt.signed(r[6], lang),
            )
            for r in rows
        ),
        (False, *([True] * 6)),
        (1.8, 1.5, 1.5, 1.0, 1.0, 1.0, 1.0),
        notes=_note(lang)[:1],
        data=frame,
    )


def turnover_table(data: MonthlyReportData, lang: str, no: int) -> Table | None:
    cur = period_turnover(data.turnover, "month", data.month, month_end(data.month))
    if cur is None:
        return None
    ly_month = add_months(data.month, -12)
    base = period_turnover(data.turnover, "month", ly_month, month_end(ly_month))
    indicators = (
        (
            "turnover_idr",
            f"{rt.t('turnover', lang)} ({rt.t('unit_idr_million', lang)})",
            lambda t: t.total.value,
            True,
            0,
        ),
        ("days_with_data", rt.t("days_with_data", lang), lambda t: t.days, False, 0),
        (
            "avg_per_day_idr",
            f"{rt.t('avg_per_day', lang)} ({rt.t('unit_idr_million', lang)})",
            lambda t: t.avg_per_day,
            True,
            0,
        ),
        ("transactions", rt.t("transactions", lang), lambda t: t.transactions, False, 0),
        ("avg_active_producers", rt.t("avg_active", lang), lambda t: t.avg_active, False, 1),
    )
    rows, values = [], []
    for key, label, get, money, decimals in indicators:
        a, b = (get(base) if base else None), get(cur)
        fmt = (lambda v: juta(v, lang)) if money else (lambda v, d=decimals: num(v, lang, d))  # noqa: B023
        change = pct_change(b, a)
        rows.append((label, fmt(a), fmt(b), rt.signed(change, lang)))
        values.append((key, a, b, change))
    registered = data.registered_producers
    coverage = cur.avg_active * 100 / registered if registered else None
    rows.append((rt.t("producer_coverage", lang), "–", num(coverage, lang, 1), "–"))
    caption = rt.t("table.turnover", lang, n=no, month=month_label(data.month, lang))
    note = rt.t("table.turnover_note", lang)
    frame = pl.DataFrame(
        {
            "indicator": [v[0] for v in values],
            **{
                k: [None if v[i] is None else float(v[i]) for v in values]
                for i, k in enumerate(("same_month_last_year", "month", "change_pct"), start=1)
            },
        }
    )
    return Table(
        caption,
        (rt.t("indicator", lang), month_label(ly_month, lang), month_label(data.month, lang), rt.t("change_pct", lang)),
        tuple(rows),
        (False, True, True, True),
        (3.2, 1.4, 1.4, 1.2),
        notes=(note,),
        data=frame,
    )
