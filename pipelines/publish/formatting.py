"""Number, money and date formatting for published outputs, Indonesian first, English available.

Everything here is pure and offline. The same conventions are handed to Vega (the chart renderer)
through `vega_locale`, so numbers printed by Python and numbers drawn on a chart look alike.

Magnitudes are always written as words (juta, miliar, triliun / million, billion, trillion), never
as SI suffixes: "100M" reads as 100 *miliar* to an Indonesian reader (M = miliar), a 1000x error.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from models.codes import TIMEZONE

Lang = Literal["id", "en"]
LANGS: tuple[str, ...] = ("id", "en")

Number = int | float | Decimal


class UnknownLanguageError(KeyError, ValueError):
    """Raised for a language other than "id" or "en" (a KeyError, so lookups can catch it as one)."""

    def __str__(self) -> str:
        # KeyError would print the repr of its argument; show the plain message instead.
        return str(self.args[0]) if self.args else "unknown language"


def check_lang(lang: str) -> Lang:
    """Return `lang` if supported, else raise UnknownLanguageError naming the supported ones."""
    if lang not in LANGS:
        raise UnknownLanguageError(f"unknown language {lang!r}; supported: {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Calendar names
# ---------------------------------------------------------------------------------------------

_MONTHS: dict[str, tuple[str, ...]] = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
_SHORT_MONTHS: dict[str, tuple[str, ...]] = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
# Sunday first, as d3 expects for its `days` arrays.
_DAYS: dict[str, tuple[str, ...]] = {
    "id": ("Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"),
    "en": ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
}
_SHORT_DAYS: dict[str, tuple[str, ...]] = {
    "id": ("Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"),
    "en": ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"),
}


def month_name(m: int, lang: str = "id", short: bool = False) -> str:
    """Name of month `m` (1-12): "Maret" / "March", or "Mar" / "Mar" when `short`."""
    lang = check_lang(lang)
    if not 1 <= m <= 12:
        raise ValueError(f"month must be 1..12, got {m}")
    return (_SHORT_MONTHS if short else _MONTHS)[lang][m - 1]


def day_name(d: date, lang: str = "id") -> str:
    """Weekday name of `d`: "Sabtu" / "Saturday"."""
    lang = check_lang(lang)
    # isoweekday: Monday=1 .. Sunday=7; the tables start on Sunday.
    return _DAYS[lang][d.isoweekday() % 7]


def month_label(d: date, lang: str = "id") -> str:
    """Month and year: "Maret 2025" / "March 2025"."""
    return f"{month_name(d.month, lang)} {d.year}"


def date_label(d: date, lang: str = "id") -> str:
    """Day, month and year: "1 Maret 2025" / "1 March 2025" (no weekday, no time)."""
    return f"{d.day} {month_name(d.month, lang)} {d.year}"


def as_of_label(as_of: date | datetime, lang: str = "id") -> str:
    """When the data was current, in Jakarta time: "2 Maret 2025, 06.00 WIB" / "2 March 2025, 06:00 WIB".

    A naive datetime is taken as Jakarta local time already; an aware one is converted. A bare date
    prints as a date only.
    """
    lang = check_lang(lang)
    if not isinstance(as_of, datetime):
        return date_label(as_of, lang)
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(ZoneInfo(TIMEZONE))
    # Indonesian writes clock times with a dot (06.00); English with a colon.
    sep = "." if lang == "id" else ":"
    return f"{date_label(as_of, lang)}, {as_of.hour:02d}{sep}{as_of.minute:02d} WIB"


# ---------------------------------------------------------------------------------------------
# Numbers and money
# ---------------------------------------------------------------------------------------------


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, bool):  # bool is an int subclass; a True turnover is a bug upstream
        raise TypeError("expected a number, got bool")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot format {value!r} as a number")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"cannot format {value!r} as a number")
        # Through repr() so 0.1 stays 0.1 rather than its binary expansion.
        return Decimal(repr(value))
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _round(value: Decimal, decimals: int) -> Decimal:
    # Half-up, as people round by hand (Python's default half-even surprises readers: 2.5 -> 2).
    q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q  # never print "-0"


def _group(value: Decimal, decimals: int, lang: Lang) -> str:
    """Format an already rounded non-negative Decimal with the language's separators."""
    text = f"{value:,.{decimals}f}"
    if lang == "id":
        # Swap the separators: 1,234.5 -> 1.234,5.
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def number(value: Number, decimals: int = 0, lang: str = "id") -> str:
    """A plain number with thousands separators: id "1.234,5", en "1,234.5"."""
    lang = check_lang(lang)
    q = _round(_to_decimal(value), decimals)
    sign = "-" if q < 0 else ""
    return sign + _group(abs(q), decimals, lang)


def _currency_prefix(lang: Lang) -> str:
    return "Rp" if lang == "id" else "IDR "


def rupiah(value: Number, lang: str = "id") -> str:
    """Whole rupiah: id "Rp1.250.000", en "IDR 1,250,000"; negative "-Rp1.250.000"."""
    lang = check_lang(lang)
    q = _round(_to_decimal(value), 0)
    sign = "-" if q < 0 else ""
    return f"{sign}{_currency_prefix(lang)}{_group(abs(q), 0, lang)}"


# (threshold, Indonesian word, English word), largest first.
_SCALES: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal(10) ** 12, "triliun", "trillion"),
    (Decimal(10) ** 9, "miliar", "billion"),
    (Decimal(10) ** 6, "juta", "million"),
)


def rupiah_short(value: Number, lang: str = "id") -> str:
    """Rupiah in words with one decimal: "Rp15,2 miliar" / "IDR 15.2 billion".

    Always one decimal at or above a million ("Rp100,0 juta"), so a column of figures lines up;
    below a million the full amount ("Rp950.000"). Never SI suffixes.
    """
    lang = check_lang(lang)
    amount = _round(_to_decimal(value), 0)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    prefix = _currency_prefix(lang)
    for i, (threshold, word_id, word_en) in enumerate(_SCALES):
        if amount < threshold:
            continue
        scaled = _round(amount / threshold, 1)
        # 999.96 juta rounds to 1000,0 juta: say "1,0 miliar" instead.
        if scaled >= 1000 and i > 0:
            threshold, word_id, word_en = _SCALES[i - 1]
            scaled = _round(amount / threshold, 1)
        word = word_id if lang == "id" else word_en
        return f"{sign}{prefix}{_group(scaled, 1, lang)} {word}"
    # Below a million (after rounding to whole rupiah): the full amount.
    return f"{sign}{prefix}{_group(amount, 0, lang)}"


# ---------------------------------------------------------------------------------------------
# Vega (d3) locales
# ---------------------------------------------------------------------------------------------

_FORMAT_LOCALE: dict[str, dict[str, Any]] = {
    "id": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["IDR ", ""]},
}
_TIME_FORMAT_LOCALE: dict[str, dict[str, Any]] = {
    "id": {
        "dateTime": "%A, %e %B %Y pukul %H.%M.%S",
        "date": "%d/%m/%Y",
        "time": "%H.%M.%S",
        "periods": ["AM", "PM"],
        "days": list(_DAYS["id"]),
        "shortDays": list(_SHORT_DAYS["id"]),
        "months": list(_MONTHS["id"]),
        "shortMonths": list(_SHORT_MONTHS["id"]),
    },
    # d3's en-US, as vl_convert.get_time_format_locale("en-US") returns it.
    "en": {
        "dateTime": "%x, %X",
        "date": "%-m/%-d/%Y",
        "time": "%-I:%M:%S %p",
        "periods": ["AM", "PM"],
        "days": list(_DAYS["en"]),
        "shortDays": list(_SHORT_DAYS["en"]),
        "months": list(_MONTHS["en"]),
        "shortMonths": list(_SHORT_MONTHS["en"]),
    },
}


def vega_locale(lang: str = "id") -> dict[str, dict[str, Any]]:
    """d3 locales for Vega: `{"formatLocale": {...}, "timeFormatLocale": {...}}`.

    d3 ships no id-ID locale, so the Indonesian one is spelled out here. Pass the two dictionaries as
    vega-embed options (HTML) or as vl-convert's `format_locale` / `time_format_locale` (PNG/SVG/PDF).
    A fresh copy each call, so a caller that edits it cannot change the module's tables.
    """
    lang = check_lang(lang)
    return {
        "formatLocale": copy.deepcopy(_FORMAT_LOCALE[lang]),
        "timeFormatLocale": copy.deepcopy(_TIME_FORMAT_LOCALE[lang]),
    }


# ---------------------------------------------------------------------------------------------
# Chart labels
# ---------------------------------------------------------------------------------------------

_TEXT: dict[str, dict[str, str]] = {
    "daily_turnover_title": {"id": "Omzet harian IKM Kota Bekasi", "en": "Daily IKM turnover, Kota Bekasi"},
    "daily_turnover": {"id": "Omzet harian", "en": "Daily turnover"},
    "moving_average_7d": {"id": "Rata-rata bergerak 7 hari", "en": "7-day moving average"},
    "monthly_export_title": {"id": "Nilai ekspor bulanan", "en": "Monthly export value"},
    "monthly_export_subject": {"id": "Ekspor IKM Kota Bekasi", "en": "IKM exports, Kota Bekasi"},
    "turnover": {"id": "Omzet", "en": "Turnover"},
    "export_value": {"id": "Nilai ekspor", "en": "Export value"},
    "date": {"id": "Tanggal", "en": "Date"},
    "month": {"id": "Bulan", "en": "Month"},
    "series": {"id": "Seri", "en": "Series"},
    "commodity": {"id": "Komoditas", "en": "Commodity"},
    "source": {
        "id": "Sumber: Sentra, data produsen IKM dan PEB",
        "en": "Source: Sentra, IKM producer records and export declarations (PEB)",
    },
    "as_of": {"id": "Data per", "en": "Data as of"},
    "period": {"id": "Periode", "en": "Period"},
    # Units for axis titles, e.g. "Omzet (Rp juta)".
    "unit_rupiah": {"id": "Rp", "en": "IDR"},
    "unit_juta": {"id": "Rp juta", "en": "IDR million"},
    "unit_miliar": {"id": "Rp miliar", "en": "IDR billion"},
    "unit_triliun": {"id": "Rp triliun", "en": "IDR trillion"},
}


def text(key: str, lang: str = "id") -> str:
    """A chart title or label in the given language, e.g. text("moving_average_7d", "en")."""
    lang = check_lang(lang)
    try:
        return _TEXT[key][lang]
    except KeyError:
        raise KeyError(f"no chart text {key!r}; known keys: {', '.join(sorted(_TEXT))}") from None
