"""The monthly report's headline cards and tables: by commodity, cumulative, by destination, trend, turnover.

Every figure is a published cell (`Published`): a cell without a number prints its symbol
(`pipelines.publish.symbols`) and the table explains it, a total is the marts' own total, and a change needs
both ends published. Each table also carries its numbers and their flags as a frame (`Table.data`) for the
report's CSV and XLSX. Each builder takes its number (`no`) in order of
appearance and returns None when it has no data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from pipelines.core import i18n
from pipelines.publish import symbols
from pipelines.publish.comparison import year_before
from pipelines.publish.figures import add_months, month_end
from pipelines.publish.formatting import month_label, rupiah_short
from pipelines.publish.published import ABSENT, Figure
from pipelines.publish.reports import flagged
from pipelines.publish.reports import wording as rt
from pipelines.publish.reports.common import (
    Turnover,
    flagged_change,
    juta,
    num,
    period_turnover,
    ribu_usd,
    turnover_change,
)
from pipelines.publish.reports.document import Cards, Table
from pipelines.publish.reports.monthly_figures import (
    TREND_MONTHS,
    Change,
    ExportFigures,
    MonthlyReportData,
    member_value,
)
from pipelines.publish.symbols import Number, Value


def _hidden(lang: str) -> tuple[str, ...]:
    return (rt.t("hidden_note", lang),)


def headline_cards(data: MonthlyReportData, fig: ExportFigures, lang: str) -> Cards:
    def percent(pct: Number) -> str:
        return i18n.text("number.percent", lang, number=rt.signed(Decimal(pct), lang))

    def money(f: Figure) -> str:
        return symbols.of(f).text(lambda v: rupiah_short(v, lang)) if f.exists else rt.t("no_data", lang)

    def change_card(label: str, change: Change, base: date) -> tuple[str, str, str]:
        detail = "card.versus" if change.pct is not None else "card.base_unavailable"
        return label, change.flagged.text(percent), rt.t(detail, lang, period=month_label(base, lang))

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
            rt.t("card.c_to_c", lang, change=fig.ctc.flagged.text(percent)),
        ),
        (
            f"{rt.t('turnover', lang)} {month_label(fig.month, lang)}",
            money(turnover.total) if turnover else rt.t("no_data", lang),
            f"{rupiah_short(avg, lang)} {rt.t('per_day', lang)}" if avg is not None else "",
        ),
    ]
    return Cards(tuple(cards))


def _values(ly: Figure, prev: Figure, cur: Figure, whole: Figure) -> tuple[Value, ...]:
    """A row's numbers: last year, last month, this month (IDR, USD), share of the month, changes."""
    now = symbols.of(cur)
    before, last_year = symbols.of(prev), symbols.of(ly)
    return (
        last_year,
        before,
        now,
        symbols.of(cur, "usd"),
        symbols.share_of(now, symbols.of(whole)),
        symbols.change(now, before),
        symbols.change(now, last_year),
    )


def _columns(fig: ExportFigures, lang: str) -> tuple[flagged.Column, ...]:
    money, usd, share, signed = _formats(lang)
    return (
        flagged.Column("last_year_idr", month_label(fig.last_year, lang), money, 1.3),
        flagged.Column("prev_month_idr", month_label(fig.prev, lang), money, 1.3),
        flagged.Column("month_idr", month_label(fig.month, lang), money, 1.3),
        flagged.Column("month_usd", f"{month_label(fig.month, lang)} ({rt.t('unit_usd_thousand', lang)})", usd, 1.4),
        flagged.Column("share_pct", rt.t("share", lang), share, 1.0),
        flagged.Column("mtm_pct", rt.t("mtm", lang), signed),
        flagged.Column("yoy_pct", rt.t("yoy", lang), signed),
    )


def _formats(lang: str) -> tuple[Callable[[Number], str], ...]:
    """How rupiah (in millions), US dollars (in thousands), shares and changes print in the report's tables."""
    return (
        lambda v: juta(v, lang),
        lambda v: ribu_usd(Decimal(v), lang),
        lambda v: num(v, lang, 1),
        lambda v: rt.signed(Decimal(v), lang),
    )


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
    rows = []
    for member, cur in ex.members(grid, end):
        prev, ly = (member_value(ex, grid, m, member) for m in (fig.prev, fig.last_year))
        rows.append(flagged.Row(name(member), member, _values(ly, prev, cur, fig.cur)))
    other = ex.other(grid, end)
    if other.exists:  # what "lainnya" holds changes month to month: no comparison
        lainnya = rt.t(others, lang).format(n=len(other.holds))
        rows.append(flagged.Row(lainnya, "lainnya", _values(ABSENT, ABSENT, other, fig.cur)))
    rows.append(
        flagged.Row(
            rt.t("total", lang), None, _values(fig.row(fig.last_year, ex), fig.row(fig.prev, ex), fig.cur, fig.cur)
        )
    )
    return flagged.table(
        caption,
        flagged.Column(label, rt.t(label, lang), str, 2.0),
        _columns(fig, lang),
        rows,
        lang,
        (rt.t("rounding_note", lang),),
        1,
        _hidden(lang),
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
    ex, end = data.exports, month_end(fig.month)
    ytd = symbols.of(fig.ytd)
    # Last year's months to date, only when each of them has data: never summed over a hole.
    whole = fig.ytd_last_year.exists
    rows = []
    for member, cur in ex.members("ytd_commodity", end):
        now, ly = (
            symbols.of(cur),
            symbols.of(member_value(ex, "ytd_commodity", fig.last_year, member) if whole else ABSENT),
        )
        values = (ly, now, symbols.share_of(now, ytd), symbols.change(now, ly))
        rows.append(flagged.Row(rt.commodity_label(member, lang), member, values))
    other = ex.other("ytd_commodity", end)
    if other.exists:
        now, none = symbols.of(other), symbols.Value(None, symbols.NOT_AVAILABLE)
        label = rt.t("others_commodities", lang).format(n=len(other.holds))
        rows.append(flagged.Row(label, "lainnya", (none, now, symbols.share_of(now, ytd), none)))
    ly_total = symbols.of(fig.ytd_last_year)
    totals = (ly_total, ytd, symbols.share_of(ytd, ytd), symbols.change(ytd, symbols.of(fig.ytd_last_year)))
    rows.append(flagged.Row(rt.t("total", lang), None, totals))
    span, span_ly = (
        rt.months_span(fig.month.replace(month=1), fig.month, lang),
        rt.months_span(fig.last_year.replace(month=1), fig.last_year, lang),
    )
    money, _, share, signed = _formats(lang)
    columns = (
        flagged.Column("last_year_idr", span_ly, money, 1.6),
        flagged.Column("year_to_date_idr", span, money, 1.6),
        flagged.Column("share_pct", rt.t("share", lang), share),
        flagged.Column("ctc_pct", rt.t("ctc", lang), signed),
    )
    caption = rt.t("table.cumulative", lang, n=no, span=span, unit=rt.t("unit_idr_million", lang))
    first = flagged.Column("commodity", rt.t("commodity", lang), str, 2.2)
    return flagged.table(caption, first, columns, rows, lang, (rt.t("rounding_note", lang),), 1, _hidden(lang))


def trend_table(data: MonthlyReportData, fig: ExportFigures, lang: str, no: int) -> Table:
    first = add_months(fig.month, -(TREND_MONTHS - 1))
    rows = []
    for i in range(TREND_MONTHS):
        m = add_months(first, i)
        row, prev, ly = (symbols.of(fig.row(x, data.exports)) for x in (m, add_months(m, -1), add_months(m, -12)))
        f = fig.row(m, data.exports)
        values = (
            row,
            symbols.of(f, "usd"),
            symbols.of(f, "count"),
            symbols.of(f, "producers"),
            symbols.change(row, prev),
            symbols.change(row, ly),
        )
        rows.append(flagged.Row(month_label(m, lang), m, values))
    money, usd, _, signed = _formats(lang)

    def count(v: Number) -> str:
        return num(v, lang)

    columns = (
        flagged.Column(
            "export_value_idr", f"{rt.t('export_value', lang)} ({rt.t('unit_idr_million', lang)})", money, 1.5
        ),
        flagged.Column(
            "export_value_usd", f"{rt.t('export_value', lang)} ({rt.t('unit_usd_thousand', lang)})", usd, 1.5
        ),
        flagged.Column("items", rt.t("items", lang), count, 1.0),
        flagged.Column("exporters", rt.t("exporters", lang), count, 1.0),
        flagged.Column("mtm_pct", rt.t("mtm", lang), signed, 1.0),
        flagged.Column("yoy_pct", rt.t("yoy", lang), signed, 1.0),
    )
    caption = rt.t("table.trend", lang, n=no, span=rt.months_span(first, fig.month, lang))
    return flagged.table(caption, flagged.Column("month", rt.t("month", lang), str, 1.8), columns, rows, lang)


def turnover_table(data: MonthlyReportData, lang: str, no: int) -> Table | None:
    """The month against the same month a year earlier. The turnover's change is like with like (both months
    complete, or the same dates on both sides); the other indicators change only between two complete months."""
    cur = period_turnover(data.turnover, "month", data.month, month_end(data.month))
    if cur is None:
        return None
    ly_month = add_months(data.month, -12)
    base = period_turnover(data.turnover, "month", ly_month, month_end(ly_month))
    change = turnover_change(data.turnover, cur, base, year_before)
    whole = change.comparison.whole
    money, _, share, signed = _formats(lang)

    def count(v: Number) -> str:
        return num(v, lang)

    def turnover_row(t: Turnover | None) -> Value:
        return symbols.of(t.total) if t else symbols.Value(None, symbols.NOT_AVAILABLE)

    def plain(get: Callable[[Turnover], Number | None]) -> Callable[[Turnover | None], Value]:
        return lambda t: symbols.number(get(t)) if t else symbols.Value(None, symbols.NOT_AVAILABLE)

    indicators: tuple[tuple[str, str, Callable[[Turnover | None], Value], Callable[[Number], str]], ...] = (
        ("turnover_idr", f"{rt.t('turnover', lang)} ({rt.t('unit_idr_million', lang)})", turnover_row, money),
        ("days_with_data", rt.t("days_with_data", lang), plain(lambda t: t.days), count),
        (
            "avg_per_day_idr",
            f"{rt.t('avg_per_day', lang)} ({rt.t('unit_idr_million', lang)})",
            lambda t: symbols.of(t.total) if t and not t.total.shown else plain(lambda t: t.avg_per_day)(t),
            money,
        ),
        ("transactions", rt.t("transactions", lang), plain(lambda t: t.transactions), count),
        ("avg_active_producers", rt.t("avg_active", lang), plain(lambda t: t.avg_active), share),
    )
    rows = []
    for key, label, get, fmt in indicators:
        a, b = get(base), get(cur)
        if key == "turnover_idr":
            pct = flagged_change(change)[1] if base else _none()
        else:  # the other indicators of an incomplete month would set part of it against a whole one
            pct = symbols.change(b, a) if whole else _none()
        rows.append(flagged.Row(label, key, (a, b, pct), fmt))
    registered = data.registered_producers
    coverage = symbols.number(cur.avg_active * 100 / registered if registered else None)
    rows.append(flagged.Row(rt.t("producer_coverage", lang), "producer_coverage_pct", (None, coverage, _none()), share))
    notes = [rt.t("table.turnover_note", lang)]
    if change.comparison.comparable and not whole:
        notes.append(rt.t("table.turnover_same_days", lang, days=len(change.comparison.days)))
    caption = rt.t("table.turnover", lang, n=no, month=month_label(data.month, lang))
    columns = (
        flagged.Column("same_month_last_year", month_label(ly_month, lang), None, 1.4),  # each row's own format
        flagged.Column("month", month_label(data.month, lang), None, 1.4),
        flagged.Column("change_pct", rt.t("change_pct", lang), signed, 1.2),
    )
    first = flagged.Column("indicator", rt.t("indicator", lang), str, 3.2)
    table = flagged.table(caption, first, columns, rows, lang, notes)
    # Indicators in different units: as data, one column each (whole rupiah stay integers).
    return replace(table, data=flagged.transposed("period", columns, rows))


def _none() -> Value:
    return symbols.Value(None, symbols.NOT_AVAILABLE)
