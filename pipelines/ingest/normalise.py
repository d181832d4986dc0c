"""Numbers and dates as people write them in Indonesia, normalised to one canonical text form.

Vectorised Polars expressions; each returns null for text it cannot read, so the contract's rules can
quarantine the row with its original text.

Numbers: `1.250.000`, `Rp 1.250.000,00`, `Rp1.250.000`, `2,5`, `1250000`, `1,250,000.00`, `0.125`.
A dot followed by exactly three digits after a non-zero lead (`1.250`) is a thousands separator, as
in Indonesian; a single comma is the decimal mark.
Dates: ISO 8601; day first with `/`, `-` or `.` (`16/06/2014`, `16-06-2014`, `6/1/25`); Indonesian or
English month names (`16 Juni 2014`, `16 Agt 2014`); each optionally followed by a time `14.30` or
`14:30:05`. Two-digit years are 2000–2069 below 70, 1970–1999 from 70.
"""

from __future__ import annotations

import polars as pl

_INT = r"^-?\d+$"
_ID_GROUPED = r"^-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$"
_ID_DECIMAL = r"^-?\d+,\d+$"
_EN_GROUPED = r"^-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$"
_DOT_DECIMAL = r"^-?\d+\.\d+$"

MONTHS: dict[str, str] = {
    **dict.fromkeys(("januari", "jan", "january"), "01"),
    **dict.fromkeys(("februari", "pebruari", "feb", "peb", "february"), "02"),
    **dict.fromkeys(("maret", "mar", "march"), "03"),
    **dict.fromkeys(("april", "apr"), "04"),
    **dict.fromkeys(("mei", "may"), "05"),
    **dict.fromkeys(("juni", "jun", "june"), "06"),
    **dict.fromkeys(("juli", "jul", "july"), "07"),
    **dict.fromkeys(("agustus", "agu", "agt", "ags", "aug", "august"), "08"),
    **dict.fromkeys(("september", "sep", "sept"), "09"),
    **dict.fromkeys(("oktober", "okt", "oct", "october"), "10"),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), "11"),
    **dict.fromkeys(("desember", "des", "dec", "december"), "12"),
}
_TIME = r"(?:[ T,]+(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?)?"
_DAY_FIRST = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})" + _TIME + "$"
_MONTH_NAME = r"^(\d{1,2})[ \-]+([a-z]+)\.?[ \-]+(\d{4}|\d{2})" + _TIME + "$"


def number(text: pl.Expr) -> pl.Expr:
    """Canonical number text (`1250000.00`, `-2.5`), or null."""
    s = text.str.replace_all(r"\s", "").str.replace(r"(?i)^(-?)(rp\.?|idr)", "${1}")
    return (
        pl.when(s.str.contains(_INT))
        .then(s)
        .when(s.str.contains(_ID_GROUPED))
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(s.str.contains(_ID_DECIMAL))
        .then(s.str.replace(",", ".", literal=True))
        .when(s.str.contains(_EN_GROUPED))
        .then(s.str.replace_all(",", "", literal=True))
        .when(s.str.contains(_DOT_DECIMAL))
        .then(s)
    )


def whole_number(text: pl.Expr) -> pl.Expr:
    """Canonical integer text; `1.250.000,00` and `1250000.0` are whole, `2,5` is not (null)."""
    n = number(text)
    return pl.when(n.str.contains(r"^-?\d+(\.0+)?$")).then(n.str.replace(r"\.0+$", ""))


def _iso(day: pl.Expr, month: pl.Expr, year: pl.Expr, hour: pl.Expr, minute: pl.Expr, second: pl.Expr) -> pl.Expr:
    century = pl.when(year.cast(pl.Int32, strict=False) < 70).then(pl.lit("20")).otherwise(pl.lit("19"))
    yyyy = pl.when(year.str.len_chars() == 2).then(century + year).otherwise(year)
    date = yyyy + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    time = hour.str.zfill(2) + ":" + minute + ":" + second.fill_null("00")
    return pl.when(hour.is_null()).then(date).otherwise(date + "T" + time)


def iso_datetime(text: pl.Expr) -> pl.Expr:
    """ISO 8601 text for every accepted date or date-time form; other text is returned unchanged."""
    low = text.str.strip_chars().str.to_lowercase()
    groups = low.str.extract_groups(_DAY_FIRST), low.str.extract_groups(_MONTH_NAME)
    parts, named = ([g.struct.field(str(i)) for i in range(1, 7)] for g in groups)
    month = named[1].replace_strict(MONTHS, default=None, return_dtype=pl.String)
    return (
        pl.when(parts[0].is_not_null())
        .then(_iso(parts[0], parts[1], parts[2], *parts[3:]))
        .when(named[0].is_not_null() & month.is_not_null())
        .then(_iso(named[0], month, named[2], *named[3:]))
        .otherwise(text.str.strip_chars())
    )
