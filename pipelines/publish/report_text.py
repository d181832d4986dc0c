"""Words of the monthly report and weekly brief, Indonesian and English: labels, sentences, methodology.

Numbers arrive already computed (Decimal percentages, rupiah amounts) from `pipelines.publish.reports`;
this module only phrases them, with `pipelines.publish.formatting` for every figure. Percent changes
are written the way BPS's "Berita Resmi Statistik" writes them: "naik 4,3 persen dibanding Februari
2025 (month-to-month)". A comparison whose base period has no data is said to be unavailable, never
replaced by a number.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache

import pycountry

from models.codes import CATEGORY_LABELS_EN, CATEGORY_LABELS_ID
from pipelines.publish.formatting import Number, check_lang, month_label, month_name, number, rupiah_short

# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------

_T: dict[str, tuple[str, str]] = {
    "monthly_title": ("Perkembangan Ekspor dan Omzet IKM Kota Bekasi", "IKM Exports and Turnover, Kota Bekasi"),
    "monthly_kind": ("Laporan Bulanan Sentra", "Sentra Monthly Report"),
    "weekly_title": ("Ringkasan Mingguan Omzet IKM Kota Bekasi", "Weekly Brief: IKM Turnover, Kota Bekasi"),
    "weekly_kind": ("Ringkasan Mingguan Sentra", "Sentra Weekly Brief"),
    "highlights": ("Ringkasan", "Highlights"),
    "headline": ("Angka utama", "Headline figures"),
    "exports_section": ("Ekspor IKM", "IKM exports"),
    "turnover_section": ("Omzet IKM", "IKM turnover"),
    "quality_section": ("Cakupan dan kualitas data", "Data coverage and quality"),
    "method_section": ("Metodologi", "Methodology"),
    "daily_section": ("Omzet harian", "Daily turnover"),
    "category_section": ("Omzet menurut kategori", "Turnover by category"),
    "export_value": ("Nilai ekspor", "Export value"),
    "turnover": ("Omzet", "Turnover"),
    "cumulative": ("Kumulatif", "Year to date"),
    "commodity": ("Komoditas", "Commodity"),
    "category": ("Kategori", "Category"),
    "destination": ("Negara tujuan", "Destination"),
    "rank": ("No.", "No."),
    "total": ("Total", "Total"),
    "month": ("Bulan", "Month"),
    "day": ("Hari, tanggal", "Day, date"),
    "share": ("Peran (%)", "Share (%)"),
    "items": ("Item PEB", "PEB items"),
    "exporters": ("Eksportir", "Exporters"),
    "transactions": ("Transaksi", "Transactions"),
    "active_producers": ("Produsen aktif", "Active producers"),
    "coverage_pct": ("Cakupan (%)", "Coverage (%)"),
    "indicator": ("Indikator", "Indicator"),
    "change_pct": ("Perubahan (%)", "Change (%)"),
    "mtm": ("m-to-m (%)", "m-to-m (%)"),
    "yoy": ("y-on-y (%)", "y-on-y (%)"),
    "ctc": ("c-to-c (%)", "c-to-c (%)"),
    "vs_prev_week": ("Dibanding minggu lalu", "vs previous week"),
    "prev_week": ("Minggu lalu", "Previous week"),
    "this_week": ("Minggu ini", "This week"),
    "per_day": ("per hari", "per day"),
    "avg_per_day": ("Rata-rata per hari berdata", "Average per day with data"),
    "days_with_data": ("Hari berdata", "Days with data"),
    "avg_active": ("Rata-rata produsen aktif per hari", "Average active producers per day"),
    "producer_coverage": ("Cakupan produsen (% terdaftar)", "Producer coverage (% of registered)"),
    "weekly_source": (
        "Sumber: Sentra, diolah dari catatan penjualan produsen IKM",
        "Source: Sentra, from IKM producers' sales records",
    ),
    "not_available": ("tidak tersedia", "not available"),
    "no_data": ("tidak ada data", "no data"),
    "others_n": ("Lainnya ({n} negara)", "Others ({n} countries)"),
    "period": ("Periode", "Period"),
    "check": ("Pemeriksaan", "Check"),
    "result": ("Hasil", "Result"),
    "unit_idr_million": ("Rp juta", "IDR million"),
    "unit_usd_thousand": ("ribu US$", "US$ thousand"),
    "page": ("Halaman", "Page"),
    "run": ("ID proses", "Run ID"),
    "source": (
        "Sumber: Sentra, diolah dari catatan penjualan produsen IKM dan dokumen PEB",
        "Source: Sentra, from IKM producers' sales records and export declarations (PEB)",
    ),
    "dash_note": (
        "Tanda – berarti tidak tersedia: data periode pembanding tidak ada atau bernilai nol.",
        "A dash (–) means not available: the comparison period has no data or a value of zero.",
    ),
    "rounding_note": (
        "Angka dibulatkan; jumlah rincian dapat berbeda sedikit dengan total.",
        "Figures are rounded; components may not add up exactly to the total.",
    ),
    "chart_missing": (
        "Grafik nilai ekspor tidak dibuat karena tidak ada data ekspor.",
        "No export chart: there are no export data.",
    ),
    "no_warnings": (
        "Tidak ada peringatan: seluruh pemeriksaan kualitas untuk periode ini lolos.",
        "No warnings: every quality check for this period passed.",
    ),
    "no_checks": (
        "Tidak ada hasil pemeriksaan kualitas untuk periode ini.",
        "There are no quality-check results for this period.",
    ),
    "no_turnover": ("Tidak ada data omzet untuk {period}.", "There are no turnover data for {period}."),
}


def t(key: str, lang: str) -> str:
    """The label `key` in `lang` ("id" or "en")."""
    lang = check_lang(lang)
    try:
        pair = _T[key]
    except KeyError:
        raise KeyError(f"no report text {key!r}") from None
    return pair[0] if lang == "id" else pair[1]


# ---------------------------------------------------------------------------------------------
# Figures in words
# ---------------------------------------------------------------------------------------------


def percent(value: Number, lang: str, decimals: int = 1) -> str:
    """A percentage in words: "4,3 persen" / "4.3 percent" (the sign kept: "-4,3 persen")."""
    word = "persen" if check_lang(lang) == "id" else "percent"
    return f"{number(value, decimals, lang)} {word}"


def signed(value: Decimal | None, lang: str, decimals: int = 1) -> str:
    """A change for a table cell: "+4,3", "-1,0", "0,0"; "–" when not available."""
    if value is None:
        return "–"
    text = number(value, decimals, lang)
    return text if text.startswith("-") or set(text) <= set("0,.") else f"+{text}"


def usd_short(value: Number, lang: str) -> str:
    """US dollars in words, two decimals, as BPS writes them: "US$0,95 juta" / "US$0.95 million".

    Amounts of at least US$100 thousand read in juta (million) so a month's total keeps one unit from
    month to month; smaller ones are written in full ("US$95.120"). Never SI suffixes.
    """
    lang = check_lang(lang)
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= Decimal(10) ** 9:
        return f"{sign}US${number(amount / Decimal(10) ** 9, 2, lang)} {'miliar' if lang == 'id' else 'billion'}"
    if amount >= Decimal(10) ** 5:
        return f"{sign}US${number(amount / Decimal(10) ** 6, 2, lang)} {'juta' if lang == 'id' else 'million'}"
    return f"{sign}US${number(amount, 0, lang)}"


def join_words(items: Sequence[str], lang: str) -> str:
    """ "a, b dan c" / "a, b and c" (no serial comma in Indonesian)."""
    items = list(items)
    conj = " dan " if check_lang(lang) == "id" else " and "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + conj + items[-1]


def months_span(first: date, last: date, lang: str) -> str:
    """ "Januari–Maret 2025" (same year), "Maret 2025" (one month)."""
    if first == last:
        return month_label(last, lang)
    if first.year == last.year:
        return f"{month_name(first.month, lang)}–{month_label(last, lang)}"
    return f"{month_label(first, lang)}–{month_label(last, lang)}"


def days_span(first: date, last: date, lang: str) -> str:
    """ "10–16 Maret 2025", "28 April – 4 Mei 2025", "30 Desember 2024 – 5 Januari 2025"."""
    if first.year != last.year:
        return f"{first.day} {month_label(first, lang)} – {last.day} {month_label(last, lang)}"
    if first.month != last.month:
        return f"{first.day} {month_name(first.month, lang)} – {last.day} {month_label(last, lang)}"
    return f"{first.day}–{last.day} {month_label(last, lang)}"


def commodity_label(code: str, lang: str) -> str:
    """Table label of a commodity or category code ("Ikan hias" / "Ornamental fish")."""
    labels = CATEGORY_LABELS_ID if check_lang(lang) == "id" else CATEGORY_LABELS_EN
    return labels.get(code, code)


def _commodity_in_sentence(code: str, lang: str, noun: str = "komoditas") -> str:
    # Mid-sentence a commodity is a common noun: lower case, and "other" needs a noun to lean on.
    if code == "lainnya":
        return f"{noun} lainnya" if lang == "id" else "other goods"
    return commodity_label(code, lang).lower()


def _capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]


# Names official Indonesian usage prefers over the ISO list's (BPS writes "Tiongkok", and "Taiwan"
# without the ISO qualifier), and short English names where ISO's are formal.
_COUNTRY_OVERRIDES: dict[str, tuple[str, str]] = {
    "CN": ("Tiongkok", "China"),
    "TW": ("Taiwan", "Taiwan"),
    "KR": ("Korea Selatan", "South Korea"),
    "KP": ("Korea Utara", "North Korea"),
    "HK": ("Hong Kong", "Hong Kong"),
    "VN": ("Vietnam", "Vietnam"),
    "RU": ("Rusia", "Russia"),
    "GB": ("Inggris", "United Kingdom"),
}


@cache
def _country_translation() -> gettext.NullTranslations:
    # pycountry ships the iso-codes translations, so Indonesian names work offline.
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"], fallback=True)


def country_name(code: str, lang: str) -> str:
    """Country name from an ISO 3166 alpha-2 code: "JP" -> "Jepang" / "Japan"; unknown codes as given."""
    lang = check_lang(lang)
    if code in _COUNTRY_OVERRIDES:
        return _COUNTRY_OVERRIDES[code][0 if lang == "id" else 1]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    if lang == "en":
        return getattr(country, "common_name", None) or country.name
    return _country_translation().gettext(country.name)


# ---------------------------------------------------------------------------------------------
# Changes
# ---------------------------------------------------------------------------------------------


def change_clause(pct: Decimal, against: str, tag: str, lang: str) -> str:
    """ "naik 4,3 persen dibanding Februari 2025 (month-to-month)" / "up 4.3 percent from February 2025 (...)"."""
    lang = check_lang(lang)
    shown = number(abs(pct), 1, lang)
    tag_text = f" ({tag})" if tag else ""
    if set(shown) <= set("0,."):  # rounds to 0,0: no direction to report
        return f"tidak berubah dibanding {against}{tag_text}" if lang == "id" else f"unchanged from {against}{tag_text}"
    if lang == "id":
        return f"{'naik' if pct > 0 else 'turun'} {shown} persen dibanding {against}{tag_text}"
    return f"{'up' if pct > 0 else 'down'} {shown} percent from {against}{tag_text}"


def unavailable_sentence(what: str, missing: Sequence[date], zero: bool, lang: str, base: str = "") -> str:
    """Why a change is not given: "Perubahan month-to-month tidak dapat dihitung karena data Februari 2025 tidak
    tersedia." `missing` lists the months without data; `zero` says the base was zero instead."""
    lang = check_lang(lang)
    months = join_words([month_label(m, lang) for m in missing], lang)
    if lang == "id":
        reason = f"nilai {base} nol" if zero else f"data {months} tidak tersedia"
        return f"Perubahan {what} tidak dapat dihitung karena {reason}."
    reason = f"the {base} value was zero" if zero else f"no data are available for {months}"
    return f"The {what} change cannot be computed because {reason}."


# ---------------------------------------------------------------------------------------------
# Key-point sentences
# ---------------------------------------------------------------------------------------------


def no_exports_sentence(month: date, lang: str) -> str:
    """The month has no export row."""
    if check_lang(lang) == "id":
        return f"Tidak ada data ekspor IKM Kota Bekasi untuk {month_label(month, lang)}."
    return f"There are no IKM export data for Kota Bekasi for {month_label(month, lang)}."


def export_sentence(month: date, idr: Decimal, usd: Decimal, clauses: Sequence[str], lang: str) -> str:
    """The headline: value of the month in rupiah and USD, then the available changes."""
    lang = check_lang(lang)
    changes = f", {join_words(clauses, lang)}" if clauses else ""
    if lang == "id":
        return (
            f"Nilai ekspor IKM Kota Bekasi pada {month_label(month, lang)} mencapai "
            f"{rupiah_short(idr, lang)} atau {usd_short(usd, lang)}{changes}."
        )
    return (
        f"IKM exports from Kota Bekasi in {month_label(month, lang)} were valued at "
        f"{rupiah_short(idr, lang)} or {usd_short(usd, lang)}{changes}."
    )


def cumulative_sentence(first: date, last: date, idr: Decimal, usd: Decimal, clause: str | None, lang: str) -> str:
    """Year to date: "Secara kumulatif, nilai ekspor IKM Januari–Maret 2025 mencapai …"."""
    lang = check_lang(lang)
    span = months_span(first, last, lang)
    tail = f", {clause}" if clause else ""
    if lang == "id":
        return (
            f"Secara kumulatif, nilai ekspor IKM {span} mencapai {rupiah_short(idr, lang)} "
            f"atau {usd_short(usd, lang)}{tail}."
        )
    return f"Cumulatively, IKM exports in {span} reached {rupiah_short(idr, lang)} or {usd_short(usd, lang)}{tail}."


def cumulative_unavailable(first: date, last: date, missing: Sequence[date], lang: str) -> str:
    """The year to date cannot be summed because a month of it has no data."""
    lang = check_lang(lang)
    span, months = months_span(first, last, lang), join_words([month_label(m, lang) for m in missing], lang)
    if lang == "id":
        return f"Nilai ekspor kumulatif {span} tidak dihitung karena data {months} tidak tersedia."
    return f"The cumulative export value for {span} is not computed because no data are available for {months}."


def commodity_sentence(month: date, shares: Sequence[tuple[str, Decimal, Decimal]], lang: str) -> str:
    """Commodity shares, largest first: `shares` = (code, share in percent, value in rupiah)."""
    lang = check_lang(lang)
    code, share, idr = shares[0]
    head = _capitalise(_commodity_in_sentence(code, lang))
    rest = [f"{_commodity_in_sentence(c, lang)} ({percent(s, lang)})" for c, s, _ in shares[1:3]]
    if lang == "id":
        follow = f", diikuti {join_words(rest, lang)}" if rest else ""
        return (
            f"{head} menyumbang {percent(share, lang)} nilai ekspor {month_label(month, lang)} "
            f"({rupiah_short(idr, lang)}){follow}."
        )
    follow = f", followed by {join_words(rest, lang)}" if rest else ""
    return (
        f"{head} accounted for {percent(share, lang)} of exports in {month_label(month, lang)} "
        f"({rupiah_short(idr, lang)}){follow}."
    )


def category_sentence(period: str, shares: Sequence[tuple[str, Decimal]], lang: str) -> str:
    """Turnover shares by category, largest first: `shares` = (category code, share in percent).

    `period` follows "omzet" / "of turnover": "minggu ini" / "this week", "Maret 2025" / "in March 2025"."""
    lang = check_lang(lang)
    (code, share), rest = shares[0], shares[1:3]
    # After "Menurut kategori," / "By category," the category stays lower case.
    head = _commodity_in_sentence(code, lang, "kategori")
    others = join_words([f"{_commodity_in_sentence(c, lang, 'kategori')} ({percent(s, lang)})" for c, s in rest], lang)
    if lang == "id":
        follow = f", diikuti {others}" if rest else ""
        return f"Menurut kategori, {head} menyumbang {percent(share, lang)} omzet {period}{follow}."
    follow = f", followed by {others}" if rest else ""
    return f"By category, {head} accounted for {percent(share, lang)} of turnover {period}{follow}."


def destination_sentence(month: date, top: Sequence[tuple[str, Decimal]], combined: Decimal, lang: str) -> str:
    """Main destinations: `top` = (ISO code, share in percent), up to three; `combined` their total share."""
    lang = check_lang(lang)
    names = join_words([f"{country_name(c, lang)} ({percent(s, lang)})" for c, s in top], lang)
    if lang == "id":
        if len(top) == 1:
            return f"Seluruh ekspor {month_label(month, lang)} ditujukan ke {country_name(top[0][0], lang)}."
        return (
            f"Negara tujuan utama ekspor pada {month_label(month, lang)} adalah {names}; "
            f"{'ketiganya' if len(top) == 3 else 'keduanya'} menyerap {percent(combined, lang)} nilai ekspor."
        )
    if len(top) == 1:
        return f"All exports in {month_label(month, lang)} went to {country_name(top[0][0], lang)}."
    return (
        f"The main destinations in {month_label(month, lang)} were {names}, together "
        f"{percent(combined, lang)} of the export value."
    )


def exporters_sentence(month: date, exporters: int, registered: int, items: int, lang: str) -> str:
    """How many registered exporters exported in the month, and in how many PEB items."""
    lang = check_lang(lang)
    share = f" ({percent(Decimal(exporters) * 100 / registered, lang)})" if registered else ""
    if lang == "id":
        return (
            f"Sebanyak {number(exporters, 0, lang)} dari {number(registered, 0, lang)} eksportir IKM terdaftar"
            f"{share} mencatat ekspor pada {month_label(month, lang)}, dalam {number(items, 0, lang)} item PEB."
        )
    return (
        f"In {month_label(month, lang)}, {number(exporters, 0, lang)} of the {number(registered, 0, lang)} registered"
        f" IKM exporters{share} recorded exports, in {number(items, 0, lang)} declaration (PEB) items."
    )


def turnover_sentence(
    period: str,
    total: int,
    days: int,
    calendar_days: int,
    avg_active: Decimal,
    registered: int | None,
    lang: str,
) -> str:
    """Turnover of a period with the average per day with data and the average active producers."""
    lang = check_lang(lang)
    avg = Decimal(total) / days
    if lang == "id":
        days_text = (
            f"{number(days, 0, lang)} hari berdata"
            if days == calendar_days
            else f"data tersedia untuk {number(days, 0, lang)} dari {number(calendar_days, 0, lang)} hari"
        )
        cover = (
            f" atau {percent(avg_active * 100 / registered, lang)} dari "
            f"{number(registered, 0, lang)} produsen terdaftar"
            if registered
            else ""
        )
        return (
            f"Omzet IKM Kota Bekasi pada {period} tercatat {rupiah_short(total, lang)}, rata-rata "
            f"{rupiah_short(avg, lang)} per hari ({days_text}), dengan rata-rata {number(avg_active, 0, lang)} "
            f"produsen aktif per hari{cover}."
        )
    days_text = (
        f"{number(days, 0, lang)} days with data"
        if days == calendar_days
        else f"data for {number(days, 0, lang)} of {number(calendar_days, 0, lang)} days"
    )
    cover = (
        f", {percent(avg_active * 100 / registered, lang)} of the {number(registered, 0, lang)} registered producers"
        if registered
        else ""
    )
    return (
        f"IKM turnover in Kota Bekasi in {period} was {rupiah_short(total, lang)}, an average of "
        f"{rupiah_short(avg, lang)} per day ({days_text}), with on average {number(avg_active, 0, lang)} "
        f"active producers per day{cover}."
    )


def turnover_change_sentence(pct: Decimal, against: str, per_day: bool, lang: str) -> str:
    """The change of turnover; per day with data when either period is incomplete (totals would mislead)."""
    lang = check_lang(lang)
    clause = change_clause(pct, against, "", lang)
    if lang == "id":
        return f"{'Rata-rata omzet per hari berdata' if per_day else 'Omzet tersebut'} {clause}."
    return f"{'Average turnover per day with data was' if per_day else 'Turnover was'} {clause}."


def turnover_unavailable_sentence(against: str, lang: str) -> str:
    """No turnover for the comparison period."""
    if check_lang(lang) == "id":
        return f"Perbandingan dengan {against} tidak tersedia karena tidak ada data omzet periode tersebut."
    return f"No comparison with {against} is possible: there are no turnover data for that period."


def quality_sentence(warnings: int, checks: int, lang: str) -> str:
    """How many quality checks warned for the period."""
    lang = check_lang(lang)
    if not checks:
        return t("no_checks", lang)
    if not warnings:
        return t("no_warnings", lang)
    if lang == "id":
        return (
            f"Terdapat {number(warnings, 0, lang)} catatan kualitas data dari {number(checks, 0, lang)} hasil "
            f"pemeriksaan untuk periode ini; rinciannya ada di bagian {t('quality_section', lang)}."
        )
    return (
        f"Of {number(checks, 0, lang)} data-quality check results for this period, {number(warnings, 0, lang)} "
        f"raised a note; see {t('quality_section', lang)}."
    )


# ---------------------------------------------------------------------------------------------
# Quality checks in words
# ---------------------------------------------------------------------------------------------

_CHECK_NAMES: dict[str, tuple[str, str]] = {
    "coverage": ("Cakupan pelaporan", "Reporting coverage"),
    "no_missing_period": ("Periode tanpa data", "Period without data"),
    "fresh": ("Kebaruan data", "Data freshness"),
    "quarantine_share": ("Porsi baris dikarantina", "Share of rows quarantined"),
    "reconciles": ("Rekonsiliasi total", "Totals reconcile"),
    "no_negative_values": ("Nilai negatif", "Negative values"),
    "rate_used": ("Kurs tersedia", "Rate available"),
    "net_weight_plausible": ("Berat bersih wajar", "Net weight plausible"),
    "no_long_gap": ("Jeda kurs", "Gap between rates"),
}

# Observed texts written by pipelines.quality.checks, re-phrased for Indonesian readers.
_COVERAGE = re.compile(r"^(-?[\d.]+)% \(([\d,]+) of ([\d,]+) registered (producers|exporters) reported\)$")
_QUARANTINE = re.compile(r"^(-?[\d.]+)% \(([\d,]+) of ([\d,]+) rows\)$")
_REPORTED = re.compile(r"^([\d,]+) (producers|exporters) reported( yesterday)?$")


def check_name(name: str, lang: str) -> str:
    """A readable name for a quality check ("coverage" -> "Cakupan pelaporan"); unknown names as given."""
    pair = _CHECK_NAMES.get(name)
    return name if pair is None else pair[0 if check_lang(lang) == "id" else 1]


def parse_coverage(observed: str) -> tuple[int, int, str] | None:
    """(reporting, registered, "producers" | "exporters") from a coverage check's observed text."""
    m = _COVERAGE.match(observed.strip())
    if m is None:
        return None
    return int(m[2].replace(",", "")), int(m[3].replace(",", "")), m[4]


def observed_text(observed: str, lang: str) -> str:
    """A check's observed value in `lang`; the known English phrasings are translated, others kept."""
    lang = check_lang(lang)
    text = observed.strip()
    who = {"producers": ("produsen", "producers"), "exporters": ("eksportir", "exporters")}
    if m := _COVERAGE.match(text):
        reporting, registered = int(m[2].replace(",", "")), int(m[3].replace(",", ""))
        share = Decimal(reporting) * 100 / registered if registered else Decimal(0)
        noun = who[m[4]][0 if lang == "id" else 1]
        if lang == "id":
            return (
                f"{percent(share, lang)} ({number(reporting, 0, lang)} dari {number(registered, 0, lang)} "
                f"{noun} terdaftar melapor)"
            )
        return (
            f"{percent(share, lang)} ({number(reporting, 0, lang)} of {number(registered, 0, lang)} "
            f"registered {noun} reported)"
        )
    if m := _QUARANTINE.match(text):
        held, total = int(m[2].replace(",", "")), int(m[3].replace(",", ""))
        share = Decimal(held) * 100 / total if total else Decimal(0)
        of = "dari" if lang == "id" else "of"
        rows = "baris" if lang == "id" else "rows"
        return f"{percent(share, lang)} ({number(held, 0, lang)} {of} {number(total, 0, lang)} {rows})"
    if m := _REPORTED.match(text):
        count = number(int(m[1].replace(",", "")), 0, lang)
        noun = who[m[2]][0 if lang == "id" else 1]
        if lang == "id":
            return f"{count} {noun} melapor{' kemarin' if m[3] else ''}"
        return f"{count} {noun} reported{' yesterday' if m[3] else ''}"
    return text


# ---------------------------------------------------------------------------------------------
# Methodology
# ---------------------------------------------------------------------------------------------

_METHOD: dict[str, tuple[str, ...]] = {
    "id": (
        "Sumber data: catatan penjualan (transaksi) produsen IKM yang terdaftar di Sentra, item Pemberitahuan "
        "Ekspor Barang (PEB) eksportir IKM, dan kurs referensi (untuk USD: kurs JISDOR Bank Indonesia).",
        "Nilai ekspor suatu item = nilai FOB × kurs referensi mata uangnya pada tanggal PEB, atau pada tanggal "
        "terakhir sebelumnya yang memiliki kurs (PEB hari Sabtu atau hari libur memakai kurs hari kerja terakhir); "
        "item dalam rupiah tidak memerlukan kurs. Nilai dalam US$ = nilai rupiah ÷ kurs JISDOR yang dipakai untuk "
        "tanggal itu (item dalam US$ memakai nilai FOB-nya). Nilai dibulatkan dua desimal per item.",
        "Nilai ekspor bulanan = jumlah item yang diterima dengan tanggal PEB pada bulan tersebut. Komoditas "
        "ditentukan dari kode HS: pos 0301 ikan hias, pos 9503 boneka, selebihnya komoditas lainnya.",
        "Hari adalah hari kalender di zona waktu Asia/Jakarta (WIB). Omzet harian = jumlah nilai transaksi yang "
        "diterima pada hari itu; hari tanpa transaksi tercatat sebagai tidak ada data, bukan nol. Produsen aktif = "
        "produsen dengan sedikitnya satu transaksi pada hari itu.",
        "Duplikat persis dihitung satu kali. Baris dengan kunci sama tetapi isi berbeda dari file yang lebih baru "
        "adalah koreksi dan menggantikan baris sebelumnya.",
        "Baris yang melanggar aturan (misalnya produsen tidak terdaftar atau nilai tidak valid) dikarantina dan "
        "tidak dihitung sampai diperbaiki; item ekspor yang kursnya belum tersedia ditahan sampai kurs tersedia. "
        "Karena itu angka periode terakhir dapat direvisi.",
        "Perubahan month-to-month (m-to-m) membandingkan bulan laporan dengan bulan sebelumnya; year-on-year "
        "(y-on-y) dengan bulan yang sama tahun sebelumnya; cumulative-to-cumulative (c-to-c) membandingkan Januari "
        "sampai bulan laporan dengan periode yang sama tahun sebelumnya. Perubahan tidak dihitung bila data "
        "periode pembanding tidak tersedia atau bernilai nol; bulan tanpa data ekspor dianggap tidak tersedia.",
        "Cakupan = persentase produsen (atau eksportir) terdaftar yang melapor pada periode tersebut. Cakupan "
        "rendah berarti sebagian data belum masuk, sehingga angka yang rendah belum tentu berarti penurunan.",
    ),
    "en": (
        "Sources: sales records (transactions) of the IKM producers registered in Sentra, export declaration (PEB) "
        "items of IKM exporters, and reference exchange rates (for USD: Bank Indonesia's JISDOR rate).",
        "The export value of an item = its FOB value × the reference rate of its currency on the PEB date, or on "
        "the latest earlier date with a rate (a PEB dated on a Saturday or holiday uses the last business day's "
        "rate); rupiah items need no rate. The value in US$ = the rupiah value ÷ the JISDOR rate used for that date "
        "(US$ items keep their FOB value). Values are rounded to two decimals per item.",
        "Monthly export value = the sum over accepted items whose PEB date falls in the month. The commodity comes "
        "from the HS code: heading 0301 ornamental fish, heading 9503 dolls, everything else other goods.",
        "A day is a calendar day in Asia/Jakarta (WIB). Daily turnover = the sum of the accepted transactions of "
        "that day; a day without transactions is recorded as missing, not as zero. Active producers = producers "
        "with at least one transaction that day.",
        "Exact duplicates count once. A row with the same key but different content from a later file is a "
        "correction and replaces the earlier row.",
        "Rows that break a rule (for example an unregistered producer or an invalid amount) are quarantined and "
        "not counted until corrected; export items without a rate yet are held until the rate arrives. Figures "
        "for the latest periods may therefore be revised.",
        "Month-to-month (m-to-m) changes compare the reported month with the previous month; year-on-year (y-on-y) "
        "with the same month a year earlier; cumulative-to-cumulative (c-to-c) compares January to the reported "
        "month with the same period a year earlier. A change is not computed when the comparison period has no "
        "data or a value of zero; a month without export data counts as not available.",
        "Coverage = the share of registered producers (or exporters) that reported in the period. Low coverage "
        "means data are still missing, so a low figure is not necessarily a decline.",
    ),
}


def methodology(lang: str) -> tuple[str, ...]:
    """The methodology paragraphs."""
    return _METHOD[check_lang(lang)]


_WEEKLY_SOURCE: tuple[str, str] = (
    "Sumber data: catatan penjualan (transaksi) produsen IKM yang terdaftar di Sentra.",
    "Source: sales records (transactions) of the IKM producers registered in Sentra.",
)


def weekly_methodology(lang: str) -> tuple[str, ...]:
    """The methodology paragraphs that concern turnover (the weekly brief has no exports)."""
    lang = check_lang(lang)
    paragraphs = _METHOD[lang]
    source = _WEEKLY_SOURCE[0 if lang == "id" else 1]
    # Day and turnover, duplicates and corrections, quarantine, coverage.
    return (source, paragraphs[3], paragraphs[4], paragraphs[5], paragraphs[7])
