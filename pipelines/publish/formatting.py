"""Number, money and date formatting for published outputs, Indonesian first, English available.

Everything here is pure and offline. The same conventions are handed to Vega (the chart renderer)
through `vega_locale`, so numbers printed by Python and numbers drawn on a chart look alike. Words
(month and day names, magnitude words, chart labels) come from the catalogue (`pipelines.core.i18n`).

Magnitudes are always written as words (juta, miliar, triliun / million, billion, trillion), never
as SI suffixes: "100M" reads as 100 *miliar* to an Indonesian reader (M = miliar), a 1000x error.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from models.codes import TIMEZONE
from pipelines.core import i18n

# The languages are defined with the catalogue; re-exported here, where most callers import them from.
from pipelines.core.i18n import LANGS as LANGS
from pipelines.core.i18n import Lang as Lang
from pipelines.core.i18n import UnknownLanguageError as UnknownLanguageError
from pipelines.core.i18n import check_lang as check_lang

Number = int | float | Decimal


# ---------------------------------------------------------------------------------------------
# Calendar names
# ---------------------------------------------------------------------------------------------


def month_name(m: int, lang: str = "id", short: bool = False) -> str:
    """Name of month `m` (1-12): "Maret" / "March", or "Mar" / "Mar" when `short`."""
    lang = check_lang(lang)
    if not 1 <= m <= 12:
        raise ValueError(f"month must be 1..12, got {m}")
    return i18n.text(f"calendar.{'month_short' if short else 'month'}.{m}", lang)


def day_name(d: date, lang: str = "id") -> str:
    """Weekday name of `d`: "Sabtu" / "Saturday"."""
    return i18n.text(f"calendar.day.{d.isoweekday()}", lang)  # keyed by ISO weekday: Monday = 1


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
    return i18n.text(
        "calendar.as_of", lang, date=date_label(as_of, lang), hour=f"{as_of.hour:02d}", minute=f"{as_of.minute:02d}"
    )


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


def round_half_up(value: Decimal, decimals: int) -> Decimal:
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
    q = round_half_up(_to_decimal(value), decimals)
    sign = "-" if q < 0 else ""
    return sign + _group(abs(q), decimals, lang)


def _currency_prefix(lang: Lang) -> str:
    return i18n.text("money.rupiah_prefix", lang)


def rupiah(value: Number, lang: str = "id") -> str:
    """Whole rupiah: id "Rp1.250.000", en "IDR 1,250,000"; negative "-Rp1.250.000"."""
    lang = check_lang(lang)
    q = round_half_up(_to_decimal(value), 0)
    sign = "-" if q < 0 else ""
    return f"{sign}{_currency_prefix(lang)}{_group(abs(q), 0, lang)}"


# (threshold, catalogue key of its word), largest first.
_SCALES: tuple[tuple[Decimal, str], ...] = (
    (Decimal(10) ** 12, "number.scale.triliun"),
    (Decimal(10) ** 9, "number.scale.miliar"),
    (Decimal(10) ** 6, "number.scale.juta"),
)


def rupiah_short(value: Number, lang: str = "id") -> str:
    """Rupiah in words with one decimal: "Rp15,2 miliar" / "IDR 15.2 billion".

    Always one decimal at or above a million ("Rp100,0 juta"), so a column of figures lines up;
    below a million the full amount ("Rp950.000"). Never SI suffixes.
    """
    lang = check_lang(lang)
    amount = round_half_up(_to_decimal(value), 0)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    prefix = _currency_prefix(lang)
    for i, (threshold, word) in enumerate(_SCALES):
        if amount < threshold:
            continue
        scaled = round_half_up(amount / threshold, 1)
        # 999.96 juta rounds to 1000,0 juta: say "1,0 miliar" instead.
        if scaled >= 1000 and i > 0:
            threshold, word = _SCALES[i - 1]
            scaled = round_half_up(amount / threshold, 1)
        return f"{sign}{prefix}{_group(scaled, 1, lang)} {i18n.text(word, lang)}"
    # Below a million (after rounding to whole rupiah): the full amount.
    return f"{sign}{prefix}{_group(amount, 0, lang)}"


# ---------------------------------------------------------------------------------------------
# Vega (d3) locales
# ---------------------------------------------------------------------------------------------

_FORMAT_LOCALE: dict[str, dict[str, Any]] = {
    "id": {"decimal": ",", "thousands": ".", "grouping": [3]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3]},
}


def _names(area: str, numbers: range | list[int], lang: str) -> list[str]:
    return [i18n.text(f"calendar.{area}.{n}", lang) for n in numbers]


def vega_locale(lang: str = "id") -> dict[str, dict[str, Any]]:
    """d3 locales for Vega: `{"formatLocale": {...}, "timeFormatLocale": {...}}`.

    d3 ships no id-ID locale, so the Indonesian one is built here from the catalogue (the English one
    is d3's en-US, as vl_convert.get_time_format_locale("en-US") returns it). Pass the two dictionaries
    as vega-embed options (HTML) or as vl-convert's `format_locale` / `time_format_locale`
    (PNG/SVG/PDF). A fresh copy each call, so a caller that edits it cannot change the module's tables.
    """
    lang = check_lang(lang)
    sunday_first = [7, 1, 2, 3, 4, 5, 6]  # d3's `days` arrays start on Sunday; the catalogue's on Monday
    return {
        "formatLocale": {**copy.deepcopy(_FORMAT_LOCALE[lang]), "currency": [_currency_prefix(lang), ""]},
        "timeFormatLocale": {
            "dateTime": i18n.text("calendar.d3_date_time", lang),
            "date": i18n.text("calendar.d3_date", lang),
            "time": i18n.text("calendar.d3_time", lang),
            "periods": ["AM", "PM"],
            "days": _names("day", sunday_first, lang),
            "shortDays": _names("day_short", sunday_first, lang),
            "months": _names("month", range(1, 13), lang),
            "shortMonths": _names("month_short", range(1, 13), lang),
        },
    }


# ---------------------------------------------------------------------------------------------
# Chart labels
# ---------------------------------------------------------------------------------------------


def chart_label(key: str, lang: str = "id") -> str:
    """A chart title or label in the given language, e.g. chart_label("moving_average_7d", "en"): `chart.<key>`."""
    lang = check_lang(lang)
    try:
        return i18n.text(f"chart.{key}", lang)
    except KeyError:
        known = sorted(k.removeprefix("chart.") for k in i18n.catalogue(lang) if k.startswith("chart."))
        raise KeyError(f"no chart text {key!r}; known keys: {', '.join(known)}") from None
