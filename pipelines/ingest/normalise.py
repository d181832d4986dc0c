"""Numbers and dates as people write them in Indonesia, normalised to one canonical text form.

Vectorised Polars expressions; each returns null for text it cannot read, so the contract's rules can
quarantine the row with its original text.

Numbers: `1.250.000`, `Rp 1.250.000,00`, `Rp1.250.000`, `2,5`, `1250000`, `1,250,000.00`, `0.125`.
A dot followed by exactly three digits after a non-zero lead (`1.250`) is a thousands separator, as
in Indonesian; a single comma is the decimal mark.
A column's convention (`id`: `1.250,5`; `en`: `1,250.5`) is decided per file from its values
(`pipelines.ingest.conventions`); without one, each value is read as above.
Dates: ISO 8601; numbers with `/`, `-` or `.` (`16/06/2014`, `16-06-2014`, `6/1/25`) day first or month
first, as decided per column and file; Indonesian or English month names (`16 Juni 2014`, `16 Agt 2014`);
each optionally followed by a time `14.30`, `14:30:05` or `12:00:00 AM`. Two-digit years are 2000–2069
below 70, 1970–1999 from 70.
"""

from __future__ import annotations

import polars as pl

INT = r"^-?\d+$"
ID_GROUPED = r"^-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$"
ID_DECIMAL = r"^-?\d+,\d+$"
EN_GROUPED = r"^-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$"
DOT_DECIMAL = r"^-?\d+\.\d+$"

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
TIME = r"(?:[ T,]+(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?(?:\s*([ap])\.?m\.?)?)?"
NUMERIC_DATE = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})"
NUMERIC = NUMERIC_DATE + TIME + "$"
MONTH_NAME = r"^(\d{1,2})[ \-]+([a-z]+)\.?[ \-]+(\d{4}|\d{2})" + TIME + "$"
EN_LOOSE = r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$"  # `1.250` is 1.25 in a column shown to be English
ID_LOOSE = r"^-?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$"


def _plain_text(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(r"\s", "").str.replace(r"(?i)^(-?)(rp\.?|idr)", "${1}")


def number_expr(text: pl.Expr, convention: str | None = None) -> pl.Expr:
    """Canonical number text (`1250000.00`, `-2.5`), or null; `convention` is the column's, when decided."""
    s = _plain_text(text)
    dots_out = s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    if convention == "en":
        return pl.when(s.str.contains(INT)).then(s).when(s.str.contains(EN_LOOSE)).then(s.str.replace_all(",", ""))
    if convention == "id":
        return pl.when(s.str.contains(INT)).then(s).when(s.str.contains(ID_LOOSE)).then(dots_out)
    return (
        pl.when(s.str.contains(INT))
        .then(s)
        .when(s.str.contains(ID_GROUPED))
        .then(dots_out)
        .when(s.str.contains(ID_DECIMAL))
        .then(s.str.replace(",", ".", literal=True))
        .when(s.str.contains(EN_GROUPED))
        .then(s.str.replace_all(",", "", literal=True))
        .when(s.str.contains(DOT_DECIMAL))
        .then(s)
    )


def whole_number(text: pl.Expr, convention: str | None = None) -> pl.Expr:
    """Canonical integer text; `1.250.000,00` and `1250000.0` are whole, `2,5` is not (null)."""
    n = number_expr(text, convention)
    return pl.when(n.str.contains(r"^-?\d+(\.0+)?$")).then(n.str.replace(r"\.0+$", ""))


def _iso(day: pl.Expr, month: pl.Expr, year: pl.Expr, time: list[pl.Expr]) -> pl.Expr:
    hour, minute, second, half = time
    century = pl.when(year.cast(pl.Int32, strict=False) < 70).then(pl.lit("20")).otherwise(pl.lit("19"))
    yyyy = pl.when(year.str.len_chars() == 2).then(century + year).otherwise(year)
    date = yyyy + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    # 12-hour clock: 12:xx AM is 00:xx, 1–11 PM add 12; an hour above 12 with AM/PM stays invalid (null).
    h = hour.cast(pl.Int32, strict=False)
    h24 = (
        pl.when(half.is_null())
        .then(h)
        .when(h > 12)
        .then(None)
        .otherwise(h % 12 + pl.when(half == "p").then(12).otherwise(0))
    )
    time_text = h24.cast(pl.String).str.zfill(2) + ":" + minute + ":" + second.fill_null("00")
    return pl.when(hour.is_null()).then(date).otherwise(date + "T" + time_text)


def iso_datetime(text: pl.Expr, order: str = "dmy") -> pl.Expr:
    """ISO 8601 text for every accepted date or date-time form; other text is returned unchanged.

    `order` is the column's order of numeric dates: `dmy` (day first) or `mdy` (month first)."""
    low = text.str.strip_chars().str.to_lowercase()
    groups = low.str.extract_groups(NUMERIC), low.str.extract_groups(MONTH_NAME)
    parts, named = ([g.struct.field(str(i)) for i in range(1, 8)] for g in groups)
    day, month_n = (parts[1], parts[0]) if order == "mdy" else (parts[0], parts[1])
    month = named[1].replace_strict(MONTHS, default=None, return_dtype=pl.String)
    return (
        pl.when(parts[0].is_not_null())
        .then(_iso(day, month_n, parts[2], parts[3:]))
        .when(named[0].is_not_null() & month.is_not_null())
        .then(_iso(named[0], month, named[2], named[3:]))
        .otherwise(text.str.strip_chars())
    )
