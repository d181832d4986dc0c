"""Monthly report (HTML and PDF, Indonesian and English) and weekly turnover brief (HTML), from mart frames.

Pure builders: the caller queries the warehouse and hands over Polars frames; nothing here runs SQL.
The monthly report follows BPS's monthly export release ("Berita Resmi Statistik"): headline figures
with month-to-month, year-on-year and cumulative changes, key points written from the same numbers,
charts, tables by commodity and destination, turnover, data coverage and quality, methodology.

Both formats are built from one document model (`_Document`), so the HTML and the PDF say the same
thing. Output is deterministic for the same input: rows are sorted, the only time printed is `as_of`,
and the PDF is written in reportlab's invariant mode, so regenerating a past period reproduces it
byte for byte.

Files (all written atomically):

* `laporan-bulanan-YYYY-MM.id.html`, `laporan-bulanan-YYYY-MM.id.pdf`,
  `monthly-report-YYYY-MM.en.html`, `monthly-report-YYYY-MM.en.pdf`;
* `ringkasan-mingguan-YYYY-Www.id.html`, `weekly-brief-YYYY-Www.en.html` (ISO week of `week_start`).
"""

from __future__ import annotations

import base64
import calendar
import html
import io
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import polars as pl
import vl_convert as vlc

from pipelines.publish import charts as charts_mod
from pipelines.publish import report_text as rt
from pipelines.publish.files import write_atomic
from pipelines.publish.formatting import (
    LANGS,
    as_of_label,
    check_lang,
    date_label,
    day_name,
    month_label,
    number,
    rupiah_short,
    vega_locale,
)

# Chart names accepted in `charts` (and rendered when absent): the stems the chart assets publish.
CHART_MONTHLY_EXPORT = "monthly_export_value"
CHART_DAILY_TURNOVER = "daily_turnover"

TOP_DESTINATIONS = 10
TREND_MONTHS = 13  # the report month and the twelve before it: the y-on-y bar is on the chart
MAX_WARNING_ROWS = 40  # longer lists are cut with a count: a month of daily warnings would bury the rest

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

_MILLION = Decimal(1_000_000)
_THOUSAND = Decimal(1_000)


@dataclass(frozen=True)
class MonthlyReportData:
    """Everything the monthly report shows, as queried from the warehouse by the caller."""

    month: date  # first day of the reported month
    exports: pl.DataFrame  # marts.monthly_export_value rows for all months up to `month`
    by_commodity: pl.DataFrame  # marts.monthly_export_value_by_commodity, same months
    by_destination: pl.DataFrame  # marts.monthly_export_value_by_destination, same months
    turnover: pl.DataFrame  # marts.daily_turnover rows of the month (and the same month last year if present)
    coverage: pl.DataFrame  # period (date), check_name, passed, observed: quality notes for the month
    registered_producers: int
    registered_exporters: int
    as_of: datetime  # data as of (WIB)
    run_id: str


# ---------------------------------------------------------------------------------------------
# Document model: what both renderers draw
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    text: str


@dataclass(frozen=True)
class _Para:
    text: str
    small: bool = False


@dataclass(frozen=True)
class _Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class _Cards:
    cards: tuple[tuple[str, str, str], ...]  # label, value, detail


@dataclass(frozen=True)
class _Figure:
    png: bytes
    caption: str


@dataclass(frozen=True)
class _Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    widths: tuple[float, ...]  # relative column widths (PDF)
    total_rows: int = 0  # the last rows are totals (bold)
    notes: tuple[str, ...] = ()


_Block = _Heading | _Para | _Bullets | _Cards | _Figure | _Table


@dataclass(frozen=True)
class _Document:
    lang: str
    title: str
    kind: str
    meta: tuple[str, ...]  # lines under the title: period, data as of, run
    blocks: tuple[_Block, ...]
    footer: str
    pdf_title: str = ""


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    """A mart value as Decimal: DuckDB DECIMAL arrives as Decimal, BIGINT as int, tests may use floats."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _pct(cur: Decimal | None, base: Decimal | None) -> Decimal | None:
    """Percent change, or None when either side is missing or the base is zero (no invented number)."""
    if cur is None or base is None or base == 0:
        return None
    return (cur - base) * 100 / base


def _share(part: Decimal | None, whole: Decimal) -> Decimal | None:
    return None if part is None or whole == 0 else part * 100 / whole


def _juta(v: Decimal | int | None, lang: str) -> str:
    """Rupiah in millions for a table with the unit in its header ("Rp juta"): never SI suffixes."""
    return "–" if v is None else number(_dec(v) / _MILLION, 1, lang)


def _ribu_usd(v: Decimal | None, lang: str) -> str:
    return "–" if v is None else number(v / _THOUSAND, 1, lang)


def _num(v: Decimal | int | None, lang: str, decimals: int = 0) -> str:
    return "–" if v is None else number(v, decimals, lang)


def _require(df: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; got {df.columns}")


def _as_date(v: Any) -> date | None:
    if v is None:
        return None
    return v.date() if isinstance(v, datetime) else v


# ---------------------------------------------------------------------------------------------
# Export figures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ExportRow:
    idr: Decimal
    usd: Decimal
    items: int
    exporters: int


@dataclass(frozen=True)
class _Change:
    pct: Decimal | None
    missing: tuple[date, ...] = ()  # months without data that the change needed
    zero: bool = False  # the base was zero


def _change(cur: Decimal | None, base: Decimal | None, base_missing: Sequence[date]) -> _Change:
    if base_missing:
        return _Change(None, tuple(base_missing))
    if base is not None and base == 0:
        return _Change(None, zero=True)
    return _Change(_pct(cur, base))


@dataclass(frozen=True)
class _ExportFigures:
    month: date
    prev: date
    last_year: date
    rows: dict[date, _ExportRow]
    mom: _Change
    yoy: _Change
    ytd: _ExportRow | None  # January..month of this year; None when a month of it has no data
    ytd_missing: tuple[date, ...]
    ytd_last_year: _ExportRow | None
    ctc: _Change

    @property
    def cur(self) -> _ExportRow | None:
        return self.rows.get(self.month)


def _export_rows(df: pl.DataFrame, month: date) -> dict[date, _ExportRow]:
    _require(df, ("month", "export_value_idr", "export_value_usd", "items", "exporters"), "exports")
    rows: dict[date, _ExportRow] = {}
    for r in df.sort("month").iter_rows(named=True):
        m = _as_date(r["month"])
        if m is None or m > month:  # a later month must not leak into a regenerated past report
            continue
        if m in rows:
            raise ValueError(f"exports: duplicate month {m}")
        rows[m] = _ExportRow(_dec(r["export_value_idr"]), _dec(r["export_value_usd"]), r["items"], r["exporters"])
    return rows


def _sum_rows(rows: dict[date, _ExportRow], first: date, last: date) -> tuple[_ExportRow | None, tuple[date, ...]]:
    """Totals over [first, last] (months), or None with the months that have no data."""
    months = [first]
    while months[-1] < last:
        months.append(_add_months(months[-1], 1))
    missing = tuple(m for m in months if m not in rows)
    if missing:
        return None, missing
    picked = [rows[m] for m in months]
    return (
        _ExportRow(
            sum((r.idr for r in picked), Decimal(0)),
            sum((r.usd for r in picked), Decimal(0)),
            sum(r.items for r in picked),
            # Distinct exporters over months cannot be summed from monthly counts.
            0,
        ),
        (),
    )


def _export_figures(data: MonthlyReportData) -> _ExportFigures:
    month = data.month
    if month.day != 1:
        raise ValueError(f"month must be the first day of a month, got {month}")
    rows = _export_rows(data.exports, month)
    prev, last_year = _add_months(month, -1), _add_months(month, -12)
    cur = rows.get(month)
    mom = _change(cur.idr if cur else None, rows[prev].idr if prev in rows else None, () if prev in rows else (prev,))
    yoy = _change(
        cur.idr if cur else None,
        rows[last_year].idr if last_year in rows else None,
        () if last_year in rows else (last_year,),
    )
    ytd, ytd_missing = _sum_rows(rows, month.replace(month=1), month)
    ytd_ly, ytd_ly_missing = _sum_rows(rows, last_year.replace(month=1), last_year)
    ctc = _change(ytd.idr if ytd else None, ytd_ly.idr if ytd_ly else None, ytd_ly_missing)
    return _ExportFigures(month, prev, last_year, rows, mom, yoy, ytd, ytd_missing, ytd_ly, ctc)


def _breakdown(df: pl.DataFrame, key: str, what: str, months: set[date]) -> dict[date, dict[str, _ExportRow]]:
    """{month: {key value: row}} for the requested months."""
    _require(df, ("month", key, "export_value_idr", "export_value_usd"), what)
    out: dict[date, dict[str, _ExportRow]] = {}
    for r in df.iter_rows(named=True):
        m = _as_date(r["month"])
        if m not in months:
            continue
        per = out.setdefault(m, {})
        if r[key] in per:
            raise ValueError(f"{what}: duplicate {key} {r[key]!r} in {m}")
        per[r[key]] = _ExportRow(
            _dec(r["export_value_idr"]), _dec(r["export_value_usd"]), r.get("items") or 0, r.get("exporters") or 0
        )
    return out


def _value_in(
    parts: dict[date, dict[str, _ExportRow]], totals: dict[date, _ExportRow], month: date, key: str
) -> Decimal | None:
    """A component's value in a month: 0 when the month has data but not this component, None without data."""
    if month not in totals:
        return None
    row = parts.get(month, {}).get(key)
    return row.idr if row else Decimal(0)


# ---------------------------------------------------------------------------------------------
# Turnover figures
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Turnover:
    first: date
    last: date
    total: int
    days: int
    calendar_days: int
    transactions: int
    avg_active: Decimal

    @property
    def complete(self) -> bool:
        return self.days == self.calendar_days

    @property
    def avg_per_day(self) -> Decimal:
        return Decimal(self.total) / self.days


def _turnover(df: pl.DataFrame, first: date, last: date) -> _Turnover | None:
    """Turnover of the days [first, last]; None when none of them has data."""
    _require(df, ("date", "turnover_idr", "transactions", "active_producers"), "turnover")
    rows = df.filter(pl.col("date").is_between(first, last) & pl.col("turnover_idr").is_not_null())
    if rows.is_empty():
        return None
    if rows["date"].n_unique() != rows.height:
        raise ValueError("turnover: duplicate dates")
    return _Turnover(
        first,
        last,
        int(rows["turnover_idr"].sum()),
        rows.height,
        (last - first).days + 1,
        int(rows["transactions"].sum()),
        Decimal(int(rows["active_producers"].sum())) / rows.height,
    )


def _turnover_change(cur: _Turnover, base: _Turnover | None) -> tuple[Decimal | None, bool]:
    """(percent change, per day): totals when both periods are complete, else the average per day with data."""
    if base is None:
        return None, False
    if cur.complete and base.complete:
        return _pct(Decimal(cur.total), Decimal(base.total)), False
    return _pct(cur.avg_per_day, base.avg_per_day), True


# ---------------------------------------------------------------------------------------------
# Quality notes
# ---------------------------------------------------------------------------------------------


def _coverage_rows(df: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    """The quality results of [first, last] (and those without a period), deduplicated and sorted."""
    _require(df, ("period", "check_name", "passed", "observed"), "coverage")
    # Cast so an empty frame (columns of type Null) or datetime periods compare with dates.
    df = df.select(
        pl.col("period").cast(pl.Date),
        pl.col("check_name").cast(pl.String),
        pl.col("passed").cast(pl.Boolean),
        pl.col("observed").cast(pl.String),
    )
    return (
        df.filter(pl.col("period").is_null() | pl.col("period").is_between(first, last))
        .unique()
        .sort(["period", "check_name", "observed", "passed"], nulls_last=True)
    )


def _quality_blocks(cov: pl.DataFrame, lang: str, lead: Sequence[str], table_no: int) -> list[_Block]:
    warnings = cov.filter(~pl.col("passed"))
    blocks: list[_Block] = [_Heading(rt.t("quality_section", lang))]
    blocks += [_Para(p) for p in lead]
    blocks.append(_Para(rt.quality_sentence(warnings.height, cov.height, lang)))
    if warnings.height:
        shown = warnings.head(MAX_WARNING_ROWS)
        rows = tuple(
            (
                "–" if r["period"] is None else date_label(r["period"], lang),
                rt.check_name(r["check_name"], lang),
                rt.observed_text(r["observed"] or "", lang),
            )
            for r in shown.iter_rows(named=True)
        )
        notes: tuple[str, ...] = ()
        if warnings.height > shown.height:
            rest = number(warnings.height - shown.height, 0, lang)
            notes = (f"… dan {rest} catatan lain." if lang == "id" else f"… and {rest} more.",)
        caption = (
            f"Tabel {table_no}. Catatan pemeriksaan kualitas data"
            if lang == "id"
            else f"Table {table_no}. Data-quality notes"
        )
        blocks.append(
            _Table(
                caption,
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


def _render_png(chart: Any, lang: str) -> bytes:
    locale = vega_locale(lang)
    return vlc.vegalite_to_png(
        chart.to_dict(),
        # Same Vega-Lite version and scale as the published charts (save_chart), so they look alike.
        vl_version=charts_mod._vl_version(),
        scale=charts_mod.PNG_SCALE,
        format_locale=locale["formatLocale"],
        time_format_locale=locale["timeFormatLocale"],
    )


def _given_chart(charts: dict[str, Path] | None, name: str, lang: str) -> bytes | None:
    """A caller's PNG: key "<lang>/<name>" first (a chart per language), then "<name>"."""
    if not charts:
        return None
    path = charts.get(f"{lang}/{name}") or charts.get(name)
    return None if path is None else Path(path).read_bytes()


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("chart is not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _export_chart(data: MonthlyReportData, lang: str, charts: dict[str, Path] | None) -> bytes | None:
    """The monthly export chart: the caller's PNG, else drawn over the report month and the twelve before."""
    png = _given_chart(charts, CHART_MONTHLY_EXPORT, lang)
    if png is None:
        first = _add_months(data.month, -(TREND_MONTHS - 1))
        window = data.by_commodity.filter(pl.col("month").is_between(first, data.month))
        if not window.is_empty():
            png = _render_png(charts_mod.monthly_export_chart(window, lang, as_of=data.as_of), lang)
    return png


def _turnover_chart(data: MonthlyReportData, lang: str, charts: dict[str, Path] | None) -> bytes | None:
    """The daily turnover chart: the caller's PNG, else drawn over the report month."""
    png = _given_chart(charts, CHART_DAILY_TURNOVER, lang)
    if png is None:
        days = data.turnover.filter(pl.col("date").is_between(data.month, _month_end(data.month)))
        if days.filter(pl.col("turnover_idr").is_not_null()).height:
            png = _render_png(charts_mod.daily_turnover_chart(days, lang, as_of=data.as_of), lang)
    return png


# ---------------------------------------------------------------------------------------------
# Monthly report: key points
# ---------------------------------------------------------------------------------------------


def _change_text(change: _Change, against: str, tag: str, what: str, lang: str) -> tuple[str | None, str | None]:
    """(clause for the headline sentence, or a sentence saying why there is none)."""
    if change.pct is not None:
        return rt.change_clause(change.pct, against, tag, lang), None
    return None, rt.unavailable_sentence(what, change.missing, change.zero, lang, against)


def _commodity_shares(data: MonthlyReportData, fig: _ExportFigures) -> list[tuple[str, Decimal, Decimal]]:
    cur = fig.cur
    if cur is None or cur.idr == 0:
        return []
    parts = _breakdown(data.by_commodity, "commodity", "by_commodity", {fig.month}).get(fig.month, {})
    shares = [(code, row.idr * 100 / cur.idr, row.idr) for code, row in parts.items()]
    return sorted(shares, key=lambda s: (-s[2], s[0]))


def _destination_values(data: MonthlyReportData, fig: _ExportFigures) -> list[tuple[str, Decimal]]:
    parts = _breakdown(data.by_destination, "destination_country", "by_destination", {fig.month}).get(fig.month, {})
    return sorted(((c, r.idr) for c, r in parts.items()), key=lambda s: (-s[1], s[0]))


def key_points(data: MonthlyReportData, lang: str) -> list[str]:
    """The report's key points ("Ringkasan"), written from the same figures as the tables.

    Exports of the month with m-to-m and y-on-y changes, the cumulative value with its c-to-c change,
    commodity shares, main destinations, exporters, turnover with its y-on-y change, quality notes.
    A change whose comparison period has no data is said to be unavailable.
    """
    lang = check_lang(lang)
    fig = _export_figures(data)
    points: list[str] = []
    cur = fig.cur
    if cur is None:
        points.append(rt.no_exports_sentence(fig.month, lang))
    else:
        clauses, notes = [], []
        for change, against, tag, what in (
            (fig.mom, month_label(fig.prev, lang), "month-to-month", "month-to-month"),
            (fig.yoy, month_label(fig.last_year, lang), "year-on-year", "year-on-year"),
        ):
            clause, note = _change_text(change, against, tag, what, lang)
            clauses += [clause] if clause else []
            notes += [note] if note else []
        points.append(" ".join([rt.export_sentence(fig.month, cur.idr, cur.usd, clauses, lang), *notes]))

        # The cumulative sentence would repeat the headline in January.
        if fig.month.month > 1:
            first = fig.month.replace(month=1)
            if fig.ytd is None:
                points.append(rt.cumulative_unavailable(first, fig.month, fig.ytd_missing, lang))
            else:
                same_period = (
                    f"periode yang sama tahun {fig.last_year.year}"
                    if lang == "id"
                    else f"the same period of {fig.last_year.year}"
                )
                clause, note = _change_text(fig.ctc, same_period, "", "c-to-c", lang)
                sentence = rt.cumulative_sentence(first, fig.month, fig.ytd.idr, fig.ytd.usd, clause, lang)
                points.append(sentence if note is None else f"{sentence} {note}")

        shares = _commodity_shares(data, fig)
        if shares:
            points.append(rt.commodity_sentence(fig.month, shares, lang))
        destinations = _destination_values(data, fig)
        if destinations and cur.idr:
            top = [(c, v * 100 / cur.idr) for c, v in destinations[:3]]
            points.append(rt.destination_sentence(fig.month, top, sum((s for _, s in top), Decimal(0)), lang))
        points.append(rt.exporters_sentence(fig.month, cur.exporters, data.registered_exporters, cur.items, lang))

    points += _turnover_points(data, lang)
    cov = _coverage_rows(data.coverage, data.month, _month_end(data.month))
    points.append(rt.quality_sentence(cov.filter(~pl.col("passed")).height, cov.height, lang))
    return points


def _turnover_points(data: MonthlyReportData, lang: str) -> list[str]:
    month_end = _month_end(data.month)
    cur = _turnover(data.turnover, data.month, month_end)
    if cur is None:
        return [rt.t("no_turnover", lang).format(period=month_label(data.month, lang))]
    ly_month = _add_months(data.month, -12)
    base = _turnover(data.turnover, ly_month, _month_end(ly_month))
    sentence = rt.turnover_sentence(
        month_label(data.month, lang),
        cur.total,
        cur.days,
        cur.calendar_days,
        cur.avg_active,
        data.registered_producers or None,
        lang,
    )
    pct, per_day = _turnover_change(cur, base)
    if base is None:
        sentence += " " + rt.turnover_unavailable_sentence(month_label(ly_month, lang), lang)
    elif pct is not None:
        sentence += " " + rt.turnover_change_sentence(
            pct, f"{month_label(ly_month, lang)} (year-on-year)", per_day, lang
        )
    return [sentence]


# ---------------------------------------------------------------------------------------------
# Monthly report: document
# ---------------------------------------------------------------------------------------------


def _cards(data: MonthlyReportData, fig: _ExportFigures, lang: str) -> _Cards:
    unit = "persen" if lang == "id" else "percent"

    def change_card(label: str, change: _Change, base: date) -> tuple[str, str, str]:
        if change.pct is None:
            return label, "–", f"{month_label(base, lang)}: {rt.t('not_available', lang)}"
        return label, f"{rt.signed(change.pct, lang)} {unit}", f"vs {month_label(base, lang)}"

    cur = fig.cur
    cards = [
        (
            f"{rt.t('export_value', lang)} {month_label(fig.month, lang)}",
            rupiah_short(cur.idr, lang) if cur else rt.t("no_data", lang),
            rt.usd_short(cur.usd, lang) if cur else "",
        ),
        change_card("Month-to-month", fig.mom, fig.prev),
        change_card("Year-on-year", fig.yoy, fig.last_year),
        (
            f"{rt.t('cumulative', lang)} {rt.months_span(fig.month.replace(month=1), fig.month, lang)}",
            rupiah_short(fig.ytd.idr, lang) if fig.ytd else "–",
            (f"c-to-c {rt.signed(fig.ctc.pct, lang)} {unit}" if fig.ctc.pct is not None else "c-to-c –"),
        ),
    ]
    turnover = _turnover(data.turnover, data.month, _month_end(data.month))
    cards.append(
        (
            f"{rt.t('turnover', lang)} {month_label(fig.month, lang)}",
            rupiah_short(turnover.total, lang) if turnover else rt.t("no_data", lang),
            f"{rupiah_short(turnover.avg_per_day, lang)} {rt.t('per_day', lang)}" if turnover else "",
        )
    )
    return _Cards(tuple(cards))


def _figure_cells(
    ly: Decimal | None, prev: Decimal | None, cur: Decimal | None, usd: Decimal | None, whole: Decimal | None, lang: str
) -> tuple[str, ...]:
    """A table row's figures: last year, last month, this month (Rp juta), this month (ribu US$), share, changes."""
    share = _num(_share(cur, whole), lang, 1) if whole is not None else number(100, 1, lang)
    return (_juta(ly, lang), _juta(prev, lang), _juta(cur, lang), _ribu_usd(usd, lang), share,
            rt.signed(_pct(cur, prev), lang), rt.signed(_pct(cur, ly), lang))  # fmt: skip


def _total_cells(fig: _ExportFigures, lang: str) -> tuple[str, ...]:
    """The total row's figures: the shares add up to 100 and the changes are the headline ones."""
    ly = fig.rows[fig.last_year].idr if fig.last_year in fig.rows else None
    prev = fig.rows[fig.prev].idr if fig.prev in fig.rows else None
    cells = _figure_cells(ly, prev, fig.cur.idr if fig.cur else None, fig.cur.usd if fig.cur else None, None, lang)
    return (*cells[:5], rt.signed(fig.mom.pct, lang), rt.signed(fig.yoy.pct, lang))


def _figure_headers(fig: _ExportFigures, lang: str) -> tuple[str, ...]:
    return (month_label(fig.last_year, lang), month_label(fig.prev, lang), month_label(fig.month, lang),
            f"{month_label(fig.month, lang)} ({rt.t('unit_usd_thousand', lang)})", rt.t("share", lang),
            rt.t("mtm", lang), rt.t("yoy", lang))  # fmt: skip


def _commodity_table(data: MonthlyReportData, fig: _ExportFigures, lang: str, no: int) -> _Table:
    months = {fig.month, fig.prev, fig.last_year}
    parts = _breakdown(data.by_commodity, "commodity", "by_commodity", months)
    codes = sorted({c for per in parts.values() for c in per})
    cur_total = fig.cur.idr if fig.cur else Decimal(0)

    def cur_value(code: str) -> Decimal:
        return _value_in(parts, fig.rows, fig.month, code) or Decimal(0)

    codes.sort(key=lambda c: (-cur_value(c), c))
    rows = []
    for code in codes:
        ly = _value_in(parts, fig.rows, fig.last_year, code)
        prev = _value_in(parts, fig.rows, fig.prev, code)
        cur = _value_in(parts, fig.rows, fig.month, code)
        usd_row = parts.get(fig.month, {}).get(code)
        usd = usd_row.usd if usd_row else (Decimal(0) if cur is not None else None)
        rows.append((rt.commodity_label(code, lang), *_figure_cells(ly, prev, cur, usd, cur_total, lang)))
    rows.append((rt.t("total", lang), *_total_cells(fig, lang)))
    unit = rt.t("unit_idr_million", lang)
    caption = (
        f"Tabel {no}. Nilai ekspor IKM menurut komoditas, {month_label(fig.month, lang)} ({unit})"
        if lang == "id"
        else f"Table {no}. IKM export value by commodity, {month_label(fig.month, lang)} ({unit})"
    )
    headers = (rt.t("commodity", lang), *_figure_headers(fig, lang))
    return _Table(
        caption,
        headers,
        tuple(rows),
        (False, *([True] * 7)),
        (2.0, 1.3, 1.3, 1.3, 1.4, 1.0, 1.1, 1.1),
        total_rows=1,
        notes=(rt.t("dash_note", lang), rt.t("rounding_note", lang)),
    )


def _cumulative_table(data: MonthlyReportData, fig: _ExportFigures, lang: str, no: int) -> _Table | None:
    first, first_ly = fig.month.replace(month=1), fig.last_year.replace(month=1)
    if fig.ytd is None:
        return None
    this_months = {_add_months(first, i) for i in range(fig.month.month)}
    ly_months = {_add_months(first_ly, i) for i in range(fig.month.month)}
    parts = _breakdown(data.by_commodity, "commodity", "by_commodity", this_months | ly_months)
    codes = sorted({c for m in this_months | ly_months for c in parts.get(m, {})})

    def total(code: str, months: set[date], complete: bool) -> Decimal | None:
        if not complete:
            return None
        return sum(
            (parts.get(m, {}).get(code, _ExportRow(Decimal(0), Decimal(0), 0, 0)).idr for m in months), Decimal(0)
        )

    ly_complete = fig.ytd_last_year is not None
    values = {c: (total(c, ly_months, ly_complete), total(c, this_months, True)) for c in codes}
    codes.sort(key=lambda c: (-(values[c][1] or Decimal(0)), c))
    rows = [
        (
            rt.commodity_label(c, lang),
            _juta(values[c][0], lang),
            _juta(values[c][1], lang),
            _num(_share(values[c][1], fig.ytd.idr), lang, 1),
            rt.signed(_pct(values[c][1], values[c][0]), lang),
        )
        for c in codes
    ]
    rows.append(
        (
            rt.t("total", lang),
            _juta(fig.ytd_last_year.idr if fig.ytd_last_year else None, lang),
            _juta(fig.ytd.idr, lang),
            number(100, 1, lang),
            rt.signed(fig.ctc.pct, lang),
        )
    )
    unit = rt.t("unit_idr_million", lang)
    span, span_ly = rt.months_span(first, fig.month, lang), rt.months_span(first_ly, fig.last_year, lang)
    caption = (
        f"Tabel {no}. Nilai ekspor IKM kumulatif menurut komoditas, {span} ({unit})"
        if lang == "id"
        else f"Table {no}. Cumulative IKM export value by commodity, {span} ({unit})"
    )
    return _Table(
        caption,
        (rt.t("commodity", lang), span_ly, span, rt.t("share", lang), rt.t("ctc", lang)),
        tuple(rows),
        (False, True, True, True, True),
        (2.2, 1.6, 1.6, 1.1, 1.1),
        total_rows=1,
    )


def _destination_table(data: MonthlyReportData, fig: _ExportFigures, lang: str, no: int) -> _Table | None:
    if fig.cur is None:
        return None
    months = {fig.month, fig.prev, fig.last_year}
    parts = _breakdown(data.by_destination, "destination_country", "by_destination", months)
    ranked = sorted(parts.get(fig.month, {}).items(), key=lambda kv: (-kv[1].idr, kv[0]))
    if not ranked:
        return None
    top, rest = ranked[:TOP_DESTINATIONS], ranked[TOP_DESTINATIONS:]
    rows = []
    for i, (code, row) in enumerate(top, start=1):
        prev = _value_in(parts, fig.rows, fig.prev, code)
        ly = _value_in(parts, fig.rows, fig.last_year, code)
        rows.append(
            (str(i), rt.country_name(code, lang), *_figure_cells(ly, prev, row.idr, row.usd, fig.cur.idr, lang))
        )
    if rest:
        codes = [c for c, _ in rest]

        def others(month: date) -> Decimal | None:
            if month not in fig.rows:
                return None
            return sum((parts.get(month, {})[c].idr for c in codes if c in parts.get(month, {})), Decimal(0))

        usd = sum((r.usd for _, r in rest), Decimal(0))
        cells = _figure_cells(others(fig.last_year), others(fig.prev), others(fig.month), usd, fig.cur.idr, lang)
        rows.append(("", rt.t("others_n", lang).format(n=len(rest)), *cells))
    rows.append(("", rt.t("total", lang), *_total_cells(fig, lang)))
    unit = rt.t("unit_idr_million", lang)
    caption = (
        f"Tabel {no}. Nilai ekspor IKM menurut negara tujuan utama, {month_label(fig.month, lang)} ({unit})"
        if lang == "id"
        else f"Table {no}. IKM export value by main destination, {month_label(fig.month, lang)} ({unit})"
    )
    headers = (rt.t("rank", lang), rt.t("destination", lang), *_figure_headers(fig, lang))
    return _Table(
        caption,
        headers,
        tuple(rows),
        (True, False, *([True] * 7)),
        (0.5, 2.0, 1.25, 1.25, 1.25, 1.35, 1.0, 1.05, 1.05),
        total_rows=1,
    )


def _trend_table(fig: _ExportFigures, lang: str, no: int) -> _Table:
    first = _add_months(fig.month, -(TREND_MONTHS - 1))
    rows = []
    for i in range(TREND_MONTHS):
        m = _add_months(first, i)
        row = fig.rows.get(m)
        prev, ly = fig.rows.get(_add_months(m, -1)), fig.rows.get(_add_months(m, -12))
        rows.append(
            (
                month_label(m, lang),
                _juta(row.idr if row else None, lang),
                _ribu_usd(row.usd if row else None, lang),
                _num(row.items if row else None, lang),
                _num(row.exporters if row else None, lang),
                rt.signed(_pct(row.idr if row else None, prev.idr if prev else None), lang),
                rt.signed(_pct(row.idr if row else None, ly.idr if ly else None), lang),
            )
        )
    span = rt.months_span(first, fig.month, lang)
    caption = (
        f"Tabel {no}. Perkembangan nilai ekspor IKM bulanan, {span}"
        if lang == "id"
        else f"Table {no}. Monthly IKM export value, {span}"
    )
    headers = (
        rt.t("month", lang),
        f"{rt.t('export_value', lang)} ({rt.t('unit_idr_million', lang)})",
        f"{rt.t('export_value', lang)} ({rt.t('unit_usd_thousand', lang)})",
        rt.t("items", lang),
        rt.t("exporters", lang),
        rt.t("mtm", lang),
        rt.t("yoy", lang),
    )
    return _Table(caption, headers, tuple(rows), (False, *([True] * 6)), (1.8, 1.5, 1.5, 1.0, 1.0, 1.0, 1.0), notes=())


def _turnover_table(data: MonthlyReportData, lang: str, no: int) -> _Table | None:
    cur = _turnover(data.turnover, data.month, _month_end(data.month))
    if cur is None:
        return None
    ly_month = _add_months(data.month, -12)
    base = _turnover(data.turnover, ly_month, _month_end(ly_month))

    def both(get: Any, decimals: int = 0, money: bool = False) -> tuple[str, str, str]:
        a = get(base) if base else None
        b = get(cur)
        fmt = (lambda v: _juta(v, lang)) if money else (lambda v: _num(v, lang, decimals))
        return fmt(a), fmt(b), rt.signed(_pct(_dec(b), _dec(a)) if a is not None else None, lang)

    registered = data.registered_producers
    coverage_now = rt.signed(cur.avg_active * 100 / registered, lang).lstrip("+") if registered else "–"
    rows = (
        (f"{rt.t('turnover', lang)} ({rt.t('unit_idr_million', lang)})", *both(lambda t: t.total, money=True)),
        (rt.t("days_with_data", lang), *both(lambda t: t.days)),
        (f"{rt.t('avg_per_day', lang)} ({rt.t('unit_idr_million', lang)})", *both(lambda t: t.avg_per_day, money=True)),
        (rt.t("transactions", lang), *both(lambda t: t.transactions)),
        (rt.t("avg_active", lang), *both(lambda t: t.avg_active, decimals=1)),
        (rt.t("producer_coverage", lang), "–", coverage_now, "–"),
    )
    caption = (
        f"Tabel {no}. Omzet IKM Kota Bekasi, {month_label(data.month, lang)}"
        if lang == "id"
        else f"Table {no}. IKM turnover, Kota Bekasi, {month_label(data.month, lang)}"
    )
    notes = (
        (
            "Perubahan total omzet hanya bermakna bila kedua bulan lengkap; bila tidak, bandingkan rata-rata per hari.",
            "A change in total turnover is only meaningful when both months are complete; otherwise compare the "
            "average per day.",
        )[0 if lang == "id" else 1],
    )
    return _Table(
        caption,
        (rt.t("indicator", lang), month_label(ly_month, lang), month_label(data.month, lang), rt.t("change_pct", lang)),
        rows,
        (False, True, True, True),
        (3.2, 1.4, 1.4, 1.2),
        notes=notes,
    )


def _monthly_document(data: MonthlyReportData, lang: str, charts: dict[str, Path] | None) -> _Document:
    fig = _export_figures(data)
    title = f"{rt.t('monthly_title', lang)}, {month_label(data.month, lang)}"
    blocks: list[_Block] = [
        _Heading(rt.t("highlights", lang)),
        _Bullets(tuple(key_points(data, lang))),
        _Heading(rt.t("headline", lang)),
        _cards(data, fig, lang),
    ]
    # Tables and figures are numbered in order of appearance; one without data is left out, not left empty.
    numbered = {"table": 0, "figure": 0}

    def add_table(build: Callable[[int], _Table | None]) -> None:
        table = build(numbered["table"] + 1)
        if table is not None:
            numbered["table"] += 1
            blocks.append(table)

    def add_figure(png: bytes | None, caption_id: str, caption_en: str) -> None:
        if png is not None:
            numbered["figure"] += 1
            n = numbered["figure"]
            blocks.append(_Figure(png, f"Gambar {n}. {caption_id}" if lang == "id" else f"Figure {n}. {caption_en}"))

    trend = rt.months_span(_add_months(data.month, -(TREND_MONTHS - 1)), data.month, lang)
    month = month_label(data.month, lang)
    # Small tables first, so the first page is full before a chart needs a page of its own.
    blocks.append(_Heading(rt.t("exports_section", lang)))
    add_table(lambda n: _commodity_table(data, fig, lang, n) if fig.cur else None)
    add_table(lambda n: _cumulative_table(data, fig, lang, n) if fig.month.month > 1 else None)
    export_png = _export_chart(data, lang, charts)
    add_figure(
        export_png,
        f"Nilai ekspor IKM Kota Bekasi menurut komoditas, {trend}",
        f"IKM export value by commodity, Kota Bekasi, {trend}",
    )
    if export_png is None:
        blocks.append(_Para(rt.t("chart_missing", lang)))
    add_table(lambda n: _destination_table(data, fig, lang, n))
    add_table(lambda n: _trend_table(fig, lang, n))

    blocks.append(_Heading(rt.t("turnover_section", lang)))
    blocks += [_Para(p) for p in _turnover_points(data, lang)]
    add_figure(
        _turnover_chart(data, lang, charts),
        f"Omzet harian IKM Kota Bekasi, {month}",
        f"Daily IKM turnover, Kota Bekasi, {month}",
    )
    add_table(lambda n: _turnover_table(data, lang, n))

    cov = _coverage_rows(data.coverage, data.month, _month_end(data.month))
    blocks += _quality_blocks(cov, lang, _coverage_lead(data, fig, lang), numbered["table"] + 1)

    blocks.append(_Heading(rt.t("method_section", lang)))
    blocks += [_Para(p) for p in rt.methodology(lang)]

    as_of = f"{'Data per' if lang == 'id' else 'Data as of'} {as_of_label(data.as_of, lang)}"
    return _Document(
        lang=lang,
        title=title,
        kind=rt.t("monthly_kind", lang),
        meta=(as_of, f"{rt.t('run', lang)}: {data.run_id}", rt.t("source", lang)),
        blocks=tuple(blocks),
        footer=f"Sentra · {title} · {as_of}",
        pdf_title=title,
    )


def _coverage_lead(data: MonthlyReportData, fig: _ExportFigures, lang: str) -> list[str]:
    """Coverage in one or two sentences: producers from the turnover mart, exporters from the export mart."""
    lead = []
    cur = _turnover(data.turnover, data.month, _month_end(data.month))
    if cur is not None and data.registered_producers:
        share = rt.percent(cur.avg_active * 100 / data.registered_producers, lang)
        if lang == "id":
            lead.append(
                f"Rata-rata {share} dari {number(data.registered_producers, 0, lang)} produsen terdaftar melapor "
                f"transaksi setiap hari; data omzet tersedia untuk {cur.days} dari {cur.calendar_days} hari."
            )
        else:
            lead.append(
                f"On average {share} of the {number(data.registered_producers, 0, lang)} registered producers "
                f"reported transactions each day; turnover data are available for {cur.days} of "
                f"{cur.calendar_days} days."
            )
    if fig.cur is not None and data.registered_exporters:
        share = rt.percent(Decimal(fig.cur.exporters) * 100 / data.registered_exporters, lang)
        registered = number(data.registered_exporters, 0, lang)
        lead.append(
            f"Eksportir yang mencatat ekspor pada {month_label(fig.month, lang)} mencakup {share} dari "
            f"{registered} eksportir terdaftar."
            if lang == "id"
            else f"Exporters with exports in {month_label(fig.month, lang)} were {share} of the {registered} "
            "registered exporters."
        )
    low_days = _low_coverage_days(data.coverage, data.month, _month_end(data.month))
    if low_days:
        days = rt.join_words([str(d.day) for d in low_days], lang)
        lead.append(
            f"Cakupan produsen di bawah ambang pada tanggal {days} {month_label(data.month, lang)}: angka hari "
            "tersebut lebih mungkin mencerminkan data yang belum masuk daripada penurunan."
            if lang == "id"
            else f"Producer coverage was below the threshold on {days} {month_label(data.month, lang)}: figures "
            "for those days more likely reflect missing data than a slump."
        )
    return lead


def _low_coverage_days(coverage: pl.DataFrame, first: date, last: date) -> list[date]:
    cov = _coverage_rows(coverage, first, last).filter(
        (pl.col("check_name") == "coverage") & ~pl.col("passed") & pl.col("period").is_not_null()
    )
    days = set()
    for r in cov.iter_rows(named=True):
        parsed = rt.parse_coverage(r["observed"] or "")
        if parsed is None or parsed[2] == "producers":
            days.add(r["period"])
    return sorted(days)


# ---------------------------------------------------------------------------------------------
# Rendering: HTML
# ---------------------------------------------------------------------------------------------

_CSS = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#1a1a1a;line-height:1.45;font-size:15px;
max-width:62rem;margin:1.5rem auto;padding:0 1rem}
header{border-bottom:3px solid #0b4f8a;margin-bottom:1rem}
header .kind{color:#0b4f8a;font-weight:bold;letter-spacing:.04em;text-transform:uppercase;font-size:.8rem;margin:0}
h1{font-size:1.6rem;margin:.2rem 0 .4rem;color:#0b2f52}
header .meta{color:#444;font-size:.85rem;margin:.1rem 0}
h2{font-size:1.15rem;color:#0b4f8a;border-bottom:1px solid #c9d6e3;padding-bottom:.2rem;margin-top:1.8rem}
ul.points li{margin:.35rem 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10.5rem,1fr));gap:.6rem;margin:.5rem 0 1rem}
.card{border:1px solid #c9d6e3;border-left:4px solid #0b4f8a;background:#f5f8fb;padding:.5rem .7rem}
.card .label{font-size:.78rem;color:#444}.card .value{font-size:1.25rem;font-weight:bold;margin:.15rem 0}
.card .detail{font-size:.8rem;color:#333}
figure{margin:1rem 0}figure img{width:100%;height:auto;border:1px solid #e2e2e2}
figcaption{font-size:.85rem;color:#333;margin-top:.3rem}
table{border-collapse:collapse;width:100%;font-size:.82rem;margin:.4rem 0 .3rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0;font-size:.9rem}
th,td{border:1px solid #b8c4cf;padding:.22rem .4rem;vertical-align:top}
th{background:#e4ecf4;font-weight:bold;text-align:center}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;background:#eef1f4}
p.note{font-size:.78rem;color:#444;margin:.1rem 0}
p.small{font-size:.85rem}
footer{margin-top:2rem;border-top:1px solid #c9d6e3;padding-top:.5rem;font-size:.78rem;color:#555}
@page{size:A4;margin:15mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}
h2{break-after:avoid}table,figure,.cards{break-inside:avoid}tr{break-inside:avoid}
.card{background:none}}
""".strip()


def _html_block(block: _Block) -> str:
    e = html.escape
    if isinstance(block, _Heading):
        return f"<h2>{e(block.text)}</h2>"
    if isinstance(block, _Para):
        return f'<p class="small">{e(block.text)}</p>' if block.small else f"<p>{e(block.text)}</p>"
    if isinstance(block, _Bullets):
        return '<ul class="points">' + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, _Cards):
        cards = "".join(
            f'<div class="card"><div class="label">{e(label)}</div><div class="value">{e(value)}</div>'
            f'<div class="detail">{e(detail)}</div></div>'
            for label, value, detail in block.cards
        )
        return f'<div class="cards">{cards}</div>'
    if isinstance(block, _Figure):
        width, height = _png_size(block.png)
        data = base64.b64encode(block.png).decode("ascii")
        # Inline data: the page works offline and can be mailed as one file.
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{e(block.caption)}" '
            f'width="{width}" height="{height}"><figcaption>{e(block.caption)}</figcaption></figure>'
        )
    head = "".join(f"<th>{e(h)}</th>" for h in block.headers)
    body = []
    first_total = len(block.rows) - block.total_rows
    for i, row in enumerate(block.rows):
        cells = "".join(
            f'<td class="num">{e(c)}</td>' if num else f"<td>{e(c)}</td>"
            for c, num in zip(row, block.numeric, strict=True)
        )
        body.append(f'<tr class="total">{cells}</tr>' if i >= first_total else f"<tr>{cells}</tr>")
    notes = "".join(f'<p class="note">{e(n)}</p>' for n in block.notes)
    return (
        f"<table><caption>{e(block.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{notes}"
    )


def _html(doc: _Document) -> str:
    e = html.escape
    meta = "".join(f'<p class="meta">{e(m)}</p>' for m in doc.meta)
    body = "\n".join(_html_block(b) for b in doc.blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{doc.lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{e(doc.title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f'<header><p class="kind">{e(doc.kind)}</p><h1>{e(doc.title)}</h1>{meta}</header>\n'
        f"<main>\n{body}\n</main>\n<footer>{e(doc.footer)}</footer>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------------------------
# Rendering: PDF
# ---------------------------------------------------------------------------------------------


@cache
def _fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans embedded when installed (Indonesian text, –, ×, ÷), else Helvetica."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not DEJAVU.exists():
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("SentraSans", str(DEJAVU)))
    bold = "SentraSans"
    if DEJAVU_BOLD.exists():
        pdfmetrics.registerFont(TTFont("SentraSans-Bold", str(DEJAVU_BOLD)))
        bold = "SentraSans-Bold"
    # So <b> inside a Paragraph picks the bold face.
    addMapping("SentraSans", 0, 0, "SentraSans")
    addMapping("SentraSans", 1, 0, bold)
    addMapping("SentraSans", 0, 1, "SentraSans")
    addMapping("SentraSans", 1, 1, bold)
    return "SentraSans", bold


def _pdf(doc: _Document) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        ListFlowable,
        ListItem,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    regular, bold = _fonts()
    blue, dark = colors.HexColor("#0b4f8a"), colors.HexColor("#1a1a1a")
    body = ParagraphStyle("body", fontName=regular, fontSize=9.2, leading=12.6, textColor=dark, spaceAfter=4)
    small = ParagraphStyle("small", parent=body, fontSize=7.6, leading=9.6, textColor=colors.HexColor("#444444"))
    h1 = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20, textColor=colors.HexColor("#0b2f52"))
    kind = ParagraphStyle("kind", parent=body, fontName=bold, fontSize=8.5, textColor=blue, spaceAfter=2)
    h2 = ParagraphStyle(
        "h2", parent=body, fontName=bold, fontSize=11.5, leading=15, textColor=blue, spaceBefore=9, keepWithNext=1
    )
    caption = ParagraphStyle("caption", parent=body, fontName=bold, fontSize=8.6, leading=11, keepWithNext=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=7.4, leading=9, spaceAfter=0, alignment=TA_LEFT)
    cell_num = ParagraphStyle("cellnum", parent=cell, alignment=TA_RIGHT)
    cell_bold = ParagraphStyle("cellbold", parent=cell, fontName=bold)
    cell_num_bold = ParagraphStyle("cellnumbold", parent=cell_num, fontName=bold)
    cell_head = ParagraphStyle("cellhead", parent=cell, fontName=bold, alignment=TA_CENTER)
    card_label = ParagraphStyle("cardlabel", parent=cell, fontSize=7.2, textColor=colors.HexColor("#444444"))
    card_value = ParagraphStyle("cardvalue", parent=cell, fontName=bold, fontSize=11.5, leading=14)

    page_w, page_h = A4
    margin = 16 * mm
    width = page_w - 2 * margin

    def p(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(xml_escape(text), style)

    story: list[Any] = [p(doc.kind.upper(), kind), p(doc.title, h1)]
    story += [p(m, small) for m in doc.meta]
    story.append(Spacer(1, 4))

    for block in doc.blocks:
        if isinstance(block, _Heading):
            story.append(p(block.text, h2))
        elif isinstance(block, _Para):
            story.append(p(block.text, small if block.small else body))
        elif isinstance(block, _Bullets):
            story.append(
                ListFlowable(
                    [ListItem(p(i, body), leftIndent=12) for i in block.items],
                    bulletType="bullet",
                    start="•",
                    bulletFontName=regular,
                    leftIndent=12,
                )
            )
        elif isinstance(block, _Cards):
            n = len(block.cards)
            cells = [
                [p(label, card_label), p(value, card_value), p(detail, card_label)]
                for label, value, detail in block.cards
            ]
            t = Table([cells], colWidths=[width / n] * n)
            t.setStyle(
                TableStyle(
                    [
                        ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9d6e3")),
                        ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9d6e3")),
                        ("LINEBEFORE", (0, 0), (0, 0), 2.5, blue),
                        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f5f8fb")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 4),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ]
                )
            )
            story += [t, Spacer(1, 4)]
        elif isinstance(block, _Figure):
            w, h = _png_size(block.png)
            img = Image(io.BytesIO(block.png), width=width, height=width * h / w)
            # keepWithNext rather than KeepTogether: reportlab will not chain a heading's keepWithNext
            # into a KeepTogether, and "Grafik" would be left alone at the foot of a page.
            img.keepWithNext = 1
            story += [img, p(block.caption, small), Spacer(1, 6)]
        else:
            total_w = sum(block.widths)
            col_widths = [width * w / total_w for w in block.widths]
            first_total = len(block.rows) - block.total_rows
            rows = [[p(h, cell_head) for h in block.headers]]
            for i, row in enumerate(block.rows):
                styles = (cell_num_bold, cell_bold) if i >= first_total else (cell_num, cell)
                rows.append([p(c, styles[0] if num else styles[1]) for c, num in zip(row, block.numeric, strict=True)])
            t = Table(rows, colWidths=col_widths, repeatRows=1)
            style = [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c4cf")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4ecf4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
            if block.total_rows:
                style.append(("BACKGROUND", (0, first_total + 1), (-1, -1), colors.HexColor("#eef1f4")))
            t.setStyle(TableStyle(style))
            story += [p(block.caption, caption), t]
            story += [p(n, small) for n in block.notes]
            story.append(Spacer(1, 6))

    page_word = rt.t("page", doc.lang)

    def footer(canvas: Any, template: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setStrokeColor(colors.HexColor("#c9d6e3"))
        canvas.line(margin, 12 * mm, page_w - margin, 12 * mm)
        canvas.drawString(margin, 8.5 * mm, doc.footer)
        canvas.drawRightString(page_w - margin, 8.5 * mm, f"{page_word} {template.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    template = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title=doc.pdf_title or doc.title,
        author="Sentra",
        subject=doc.kind,
        creator="Sentra",
        producer="Sentra (reportlab)",
        # No creation time or random document id: the same data gives the same bytes.
        invariant=1,
        pageCompression=1,
        lang="id-ID" if doc.lang == "id" else "en",
    )
    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def monthly_report_names(month: date) -> dict[str, tuple[str, str]]:
    """{lang: (html name, pdf name)} of the monthly report of `month`."""
    ym = f"{month.year:04d}-{month.month:02d}"
    return {
        "id": (f"laporan-bulanan-{ym}.id.html", f"laporan-bulanan-{ym}.id.pdf"),
        "en": (f"monthly-report-{ym}.en.html", f"monthly-report-{ym}.en.pdf"),
    }


def weekly_brief_names(week_start: date) -> dict[str, str]:
    """{lang: html name} of the weekly brief of the ISO week starting on `week_start`."""
    year, week, _ = week_start.isocalendar()
    return {
        "id": f"ringkasan-mingguan-{year:04d}-W{week:02d}.id.html",
        "en": f"weekly-brief-{year:04d}-W{week:02d}.en.html",
    }


def write_monthly_report(data: MonthlyReportData, out_dir: Path, charts: dict[str, Path] | None = None) -> list[Path]:
    """Write the monthly report of `data.month` as HTML and PDF, Indonesian then English; return the paths.

    `charts` maps chart names to PNG files to embed: "monthly_export_value" and "daily_turnover", or
    "<lang>/<name>" for a chart per language. A chart not given is rendered here from the data (the
    export chart over the report month and the twelve before it, the daily chart over the month),
    which keeps a regenerated past report identical; published charts cover whatever period they
    were drawn for.
    """
    out_dir = Path(out_dir)
    names = monthly_report_names(data.month)
    written: list[Path] = []
    for lang in LANGS:
        doc = _monthly_document(data, lang, charts)
        html_name, pdf_name = names[lang]
        write_atomic(out_dir / html_name, _html(doc).encode("utf-8"))
        write_atomic(out_dir / pdf_name, _pdf(doc))
        written += [out_dir / html_name, out_dir / pdf_name]
    return written


def write_weekly_brief(
    week_start: date,
    turnover: pl.DataFrame,
    by_category: pl.DataFrame,
    coverage: pl.DataFrame,
    as_of: datetime,
    out_dir: Path,
) -> list[Path]:
    """Write the weekly turnover brief (HTML, Indonesian then English) of the ISO week from `week_start`.

    `turnover` and `by_category` are rows of marts.daily_turnover / _by_category for the week and,
    for the comparison, the week before (either may be absent); `coverage` the quality results of
    the week's days (period, check_name, passed, observed). `week_start` must be a Monday.
    """
    if week_start.isoweekday() != 1:
        raise ValueError(f"week_start must be a Monday (ISO weeks), got {week_start} ({day_name(week_start, 'en')})")
    out_dir = Path(out_dir)
    written = []
    for lang, name in weekly_brief_names(week_start).items():
        doc = _weekly_document(week_start, turnover, by_category, coverage, as_of, lang)
        write_atomic(out_dir / name, _html(doc).encode("utf-8"))
        written.append(out_dir / name)
    return written


# ---------------------------------------------------------------------------------------------
# Weekly brief
# ---------------------------------------------------------------------------------------------


def _weekly_document(
    week_start: date,
    turnover: pl.DataFrame,
    by_category: pl.DataFrame,
    coverage: pl.DataFrame,
    as_of: datetime,
    lang: str,
) -> _Document:
    lang = check_lang(lang)
    week_end = week_start + timedelta(days=6)
    prev_start, prev_end = week_start - timedelta(days=7), week_start - timedelta(days=1)
    year, week, _ = week_start.isocalendar()
    span = rt.days_span(week_start, week_end, lang)
    week_label = f"Minggu ke-{week} {year}" if lang == "id" else f"Week {week} of {year}"
    period = f"{week_label.lower() if lang == 'id' else week_label} ({span})"

    cur = _turnover(turnover, week_start, week_end)
    prev = _turnover(turnover, prev_start, prev_end)
    cov = _coverage_rows(coverage, week_start, week_end)
    daily_cov = _daily_coverage(cov)
    registered = max((reg for _, reg in daily_cov.values()), default=None)

    points: list[str] = []
    cards: list[tuple[str, str, str]] = []
    if cur is None:
        points.append(rt.t("no_turnover", lang).format(period=span))
    else:
        points.append(
            rt.turnover_sentence(period, cur.total, cur.days, cur.calendar_days, cur.avg_active, registered, lang)
        )
        prev_label = (
            f"minggu sebelumnya ({rt.days_span(prev_start, prev_end, lang)})"
            if lang == "id"
            else f"the previous week ({rt.days_span(prev_start, prev_end, lang)})"
        )
        pct, per_day = _turnover_change(cur, prev)
        if prev is None:
            points.append(rt.turnover_unavailable_sentence(prev_label, lang))
        elif pct is not None:
            points.append(rt.turnover_change_sentence(pct, prev_label, per_day, lang))
        shares = _category_shares(by_category, week_start, week_end)
        if shares:
            points.append(rt.category_sentence(rt.t("this_week", lang).lower(), shares, lang))
        cards = [
            (f"{rt.t('turnover', lang)} · {rt.t('this_week', lang)}", rupiah_short(cur.total, lang), span),
            (
                rt.t("vs_prev_week", lang),
                "–" if pct is None else f"{rt.signed(pct, lang)} {'persen' if lang == 'id' else 'percent'}",
                rupiah_short(prev.total, lang) if prev else rt.t("no_data", lang),
            ),
            (
                rt.t("avg_per_day", lang),
                rupiah_short(cur.avg_per_day, lang),
                f"{cur.days} {'dari' if lang == 'id' else 'of'} 7 {'hari' if lang == 'id' else 'days'}",
            ),
            (rt.t("transactions", lang), number(cur.transactions, 0, lang), ""),
        ]
    points.append(rt.quality_sentence(cov.filter(~pl.col("passed")).height, cov.height, lang))

    blocks: list[_Block] = [_Heading(rt.t("highlights", lang)), _Bullets(tuple(points))]
    if cards:
        blocks += [_Heading(rt.t("headline", lang)), _Cards(tuple(cards))]
    blocks += [_Heading(rt.t("daily_section", lang)), _weekly_daily_table(turnover, week_start, daily_cov, lang)]
    category_table = _weekly_category_table(by_category, week_start, lang)
    if category_table is not None:
        blocks += [_Heading(rt.t("category_section", lang)), category_table]
    blocks += _quality_blocks(cov, lang, [], 3 if category_table is not None else 2)
    blocks.append(_Heading(rt.t("method_section", lang)))
    blocks += [_Para(p, small=True) for p in rt.weekly_methodology(lang)]

    title = f"{rt.t('weekly_title', lang)}, {week_label}"
    as_of_text = f"{'Data per' if lang == 'id' else 'Data as of'} {as_of_label(as_of, lang)}"
    return _Document(
        lang=lang,
        title=title,
        kind=rt.t("weekly_kind", lang),
        meta=(span, as_of_text, rt.t("weekly_source", lang)),
        blocks=tuple(blocks),
        footer=f"Sentra · {title} ({span}) · {as_of_text}",
    )


def _daily_coverage(cov: pl.DataFrame) -> dict[date, tuple[int, int]]:
    """{day: (reporting, registered)} from the coverage checks on producers."""
    out = {}
    for r in cov.filter((pl.col("check_name") == "coverage") & pl.col("period").is_not_null()).iter_rows(named=True):
        parsed = rt.parse_coverage(r["observed"] or "")
        if parsed is not None and parsed[2] == "producers":
            out[r["period"]] = parsed[:2]
    return out


def _category_shares(by_category: pl.DataFrame, first: date, last: date) -> list[tuple[str, Decimal]]:
    _require(by_category, ("date", "category", "turnover_idr"), "by_category")
    week = (
        by_category.filter(pl.col("date").is_between(first, last))
        .group_by("category")
        .agg(pl.col("turnover_idr").sum())
        .sort(["turnover_idr", "category"], descending=[True, False])
    )
    total = int(week["turnover_idr"].sum()) if week.height else 0
    if not total:
        return []
    return [(r["category"], Decimal(int(r["turnover_idr"])) * 100 / total) for r in week.iter_rows(named=True)]


def _weekly_daily_table(
    turnover: pl.DataFrame, week_start: date, daily_cov: dict[date, tuple[int, int]], lang: str
) -> _Table:
    _require(turnover, ("date", "turnover_idr", "transactions", "active_producers"), "turnover")
    days = [week_start + timedelta(days=i) for i in range(7)]
    by_day = {
        r["date"]: r
        for r in turnover.filter(pl.col("date").is_between(days[0], days[-1])).iter_rows(named=True)
        if r["turnover_idr"] is not None
    }
    prev_by_day = {
        r["date"]: r
        for r in turnover.filter(
            pl.col("date").is_between(days[0] - timedelta(days=7), days[-1] - timedelta(days=7))
        ).iter_rows(named=True)
        if r["turnover_idr"] is not None
    }
    total = sum(int(r["turnover_idr"]) for r in by_day.values())
    rows = []
    for d in days:
        r, before = by_day.get(d), prev_by_day.get(d - timedelta(days=7))
        cov = daily_cov.get(d)
        share = Decimal(cov[0]) * 100 / cov[1] if cov and cov[1] else None
        if r is None:
            rows.append((f"{day_name(d, lang)}, {date_label(d, lang)}", rt.t("no_data", lang), "–", "–", "–", "–"))
            continue
        rows.append(
            (
                f"{day_name(d, lang)}, {date_label(d, lang)}",
                _juta(r["turnover_idr"], lang),
                _num(r["transactions"], lang),
                _num(r["active_producers"], lang),
                _num(share, lang, 1),
                rt.signed(_pct(_dec(r["turnover_idr"]), _dec(before["turnover_idr"]) if before else None), lang),
            )
        )
    trans = sum(int(r["transactions"]) for r in by_day.values())
    rows.append((rt.t("total", lang), _juta(total, lang) if by_day else "–", _num(trans, lang), "", "", ""))
    vs_label = "vs hari yang sama minggu lalu (%)" if lang == "id" else "vs same day last week (%)"
    caption = (
        f"Tabel 1. Omzet harian IKM Kota Bekasi ({rt.t('unit_idr_million', lang)})"
        if lang == "id"
        else f"Table 1. Daily IKM turnover, Kota Bekasi ({rt.t('unit_idr_million', lang)})"
    )
    return _Table(
        caption,
        (
            rt.t("day", lang),
            rt.t("turnover", lang),
            rt.t("transactions", lang),
            rt.t("active_producers", lang),
            rt.t("coverage_pct", lang),
            vs_label,
        ),
        tuple(rows),
        (False, True, True, True, True, True),
        (2.4, 1.3, 1.1, 1.1, 1.0, 1.3),
        total_rows=1,
        notes=(rt.t("dash_note", lang),),
    )


def _weekly_category_table(by_category: pl.DataFrame, week_start: date, lang: str) -> _Table | None:
    _require(by_category, ("date", "category", "turnover_idr", "transactions"), "by_category")
    week_end, prev_start = week_start + timedelta(days=6), week_start - timedelta(days=7)

    def sums(first: date, last: date) -> dict[str, tuple[int, int]]:
        agg = (
            by_category.filter(pl.col("date").is_between(first, last))
            .group_by("category")
            .agg(pl.col("turnover_idr").sum(), pl.col("transactions").sum())
        )
        return {r["category"]: (int(r["turnover_idr"]), int(r["transactions"])) for r in agg.iter_rows(named=True)}

    cur = sums(week_start, week_end)
    if not cur:
        return None
    prev = sums(prev_start, week_start - timedelta(days=1))
    total = sum(v for v, _ in cur.values())
    codes = sorted(cur, key=lambda c: (-cur[c][0], c))
    rows = []
    for c in codes:
        value, trans = cur[c]
        # A category absent last week while the week had data sold nothing then; with no data at all, unknown.
        base = prev.get(c, (0, 0))[0] if prev else None
        rows.append(
            (
                rt.commodity_label(c, lang),
                _juta(value, lang),
                _num(_share(Decimal(value), Decimal(total)), lang, 1),
                _num(trans, lang),
                _juta(base, lang),
                rt.signed(_pct(Decimal(value), Decimal(base) if base is not None else None), lang),
            )
        )
    prev_total = sum(v for v, _ in prev.values()) if prev else None
    rows.append(
        (
            rt.t("total", lang),
            _juta(total, lang),
            number(100, 1, lang),
            _num(sum(t for _, t in cur.values()), lang),
            _juta(prev_total, lang),
            rt.signed(_pct(Decimal(total), Decimal(prev_total) if prev_total is not None else None), lang),
        )
    )
    caption = (
        f"Tabel 2. Omzet IKM menurut kategori ({rt.t('unit_idr_million', lang)})"
        if lang == "id"
        else f"Table 2. IKM turnover by category ({rt.t('unit_idr_million', lang)})"
    )
    return _Table(
        caption,
        (
            rt.t("category", lang),
            rt.t("this_week", lang),
            rt.t("share", lang),
            rt.t("transactions", lang),
            rt.t("prev_week", lang),
            rt.t("change_pct", lang),
        ),
        tuple(rows),
        (False, True, True, True, True, True),
        (2.2, 1.3, 1.0, 1.1, 1.3, 1.1),
        total_rows=1,
    )
