"""The SQL expressions the row path (`pipelines.ingest.rowsql`) is built of: the normalisers of
`pipelines.ingest.normalise` as SQL, and instants in Asia/Jakarta.

Every function returns SQL text for column names it is given, composed with `pipelines.warehouse.sqlbuild`;
values from files never enter it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from models import codes
from models.contracts import Field
from pipelines.ingest import normalise
from pipelines.warehouse.sqlbuild import (
    alias,
    and_,
    array,
    call,
    case,
    cast,
    concat,
    dot,
    ident,
    in_,
    is_null,
    lit,
    op,
    paren,
    try_cast,
)

# A date, optionally a time (T or space) and then "Z" or an offset; a bare date has no offset.
ISO = r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$"
# Asia/Jakarta has been UTC+07:00 since 1964-01-01; before that its offsets changed, so ICU converts those.
WIB_SINCE = lit(datetime(1964, 1, 1))
SEVEN_HOURS = "INTERVAL 7 HOUR"
# The parts `regexp_extract` takes out of a written date (`normalise.NUMERIC`, `normalise.MONTH_NAME`).
GROUPS = array(*map(lit, ("a", "b", "y", "h", "mi", "s", "half")))


def one_of(expr: str, values: Iterable[str], *, negate: bool = False) -> str:
    """`expr IN ('a', 'b', …)`, the values sorted (or NOT IN)."""
    return in_(expr, [lit(v) for v in sorted(values)], negate=negate)


def col(name: str, stage: str) -> str:
    """A field's column of one stage of the typing: `"name__stage"` (no stage: the column as read)."""
    return ident(f"{name}__{stage}") if stage else ident(name)


def blank(text: str) -> str:
    """`text = ''`"""
    return op(text, "=", lit(""))


def filled(text: str) -> str:
    """`text <> ''`"""
    return op(text, "<>", lit(""))


def drop(text: str, pattern: str, flags: str = "g") -> str:
    """`text` without what `pattern` matches."""
    return call("regexp_replace", text, lit(pattern), lit(""), lit(flags))


# --------------------------------------------------------------------------------------------------
# Normalisers (the SQL of `pipelines.ingest.normalise`)


def matches(text: str, pattern: str) -> str:
    return call("regexp_matches", text, lit(pattern))


def number(s: str, convention: str | None) -> str:
    """Canonical number text of `s`, already stripped of spaces and a currency prefix, or NULL."""

    def swapped(a: str, b: str) -> str:
        return call("replace", s, lit(a), lit(b))

    dots_out = call("replace", swapped(".", ""), lit(","), lit("."))
    plain = (matches(s, normalise.INT), s)
    if convention == "en":
        return case(plain, (matches(s, normalise.EN_LOOSE), swapped(",", "")))
    if convention == "id":
        return case(plain, (matches(s, normalise.ID_LOOSE), dots_out))
    return case(
        plain,
        (matches(s, normalise.ID_GROUPED), dots_out),
        (matches(s, normalise.ID_DECIMAL), swapped(",", ".")),
        (matches(s, normalise.EN_GROUPED), swapped(",", "")),
        (matches(s, normalise.DOT_DECIMAL), s),
    )


def plain_number_text(c: str) -> str:
    """No spaces, no `Rp`/`IDR` prefix (the sign kept)."""
    spaceless = drop(c, r"[\s\x{00a0}\x{202f}]")
    return call("regexp_replace", spaceless, lit(r"^(-?)(rp\.?|idr)"), lit(r"\1"), lit("i"))


def iso(g: str, day: str, month: str, year: str) -> str:
    """ISO text of the struct `g`'s parts (as `normalise._iso`): 2-digit years 2000–2069 / 1970–1999, 12-hour
    clock read (12 AM is 00, an hour above 12 with AM/PM is not a time)."""

    def part(name: str) -> str:
        return call("nullif", dot(g, name), lit(""))

    def two_digits(text: str) -> str:
        return call("lpad", text, lit(2), lit("0"))

    century = case((op(try_cast(year, "INTEGER"), "<", lit(70)), lit("20")), else_=lit("19"))
    yyyy = case((op(call("length", year), "=", lit(2)), concat(paren(century), year)), else_=year)
    the_date = concat(yyyy, lit("-"), two_digits(month), lit("-"), two_digits(day))
    h, half = try_cast(part("h"), "INTEGER"), part("half")
    pm = case((op(half, "=", lit("p")), lit(12)), else_=lit(0))
    h24 = case((is_null(half), h), (op(h, ">", lit(12)), lit(None)), else_=op(op(h, "%", lit(12)), "+", pm))
    seconds = call("coalesce", part("s"), lit("00"))
    the_time = concat(two_digits(cast(paren(h24), "VARCHAR")), lit(":"), part("mi"), lit(":"), seconds)
    return concat(the_date, case((is_null(part("h")), lit("")), else_=concat(lit("T"), the_time)))


def month(name: str) -> str:
    return case(*((lit(k), lit(v)) for k, v in normalise.MONTHS.items()), on=name)


def common(v: str) -> str:
    """`YYYY-MM-DD hh:mm:ss` (or with a T) and nothing more: the cast alone reads it exactly."""

    def char(at: int) -> str:
        return call("substr", v, lit(at), lit(1))

    marks = [op(char(at), "=", lit(mark)) for at, mark in ((5, "-"), (8, "-"), (14, ":"), (17, ":"))]
    return paren(and_(op(call("length", v), "=", lit(19)), in_(char(11), [lit("T"), lit(" ")]), *marks))


def naive(f: Field) -> list[str]:
    """The time as written (`name__naive`) and its offset (`name__zone`, NULL for none)."""
    p, v = col(f.name, "iso"), col(f.name, "v")
    d, hm, s = dot(p, "d"), dot(p, "hm"), dot(p, "s")
    body = concat(d, lit("T"), hm, call("coalesce", call("nullif", s, lit("")), lit(":00")))
    as_written = case((op(call("substr", v, lit(12), lit(2)), "<", lit("24")), try_cast(v, "TIMESTAMP")))
    naive = case(
        (is_null(p), paren(as_written)),
        (blank(d), lit(None)),
        (blank(hm), try_cast(d, "TIMESTAMP")),
        (op(hm, "<", lit("24")), try_cast(body, "TIMESTAMP")),
    )
    zone = call("nullif", dot(p, "z"), lit(""))
    return [alias(naive, col(f.name, "naive")), alias(zone, col(f.name, "zone"))]


def utc(f: Field) -> str:
    """The UTC instant: a time with no offset is Asia/Jakarta local time."""
    n, zone = col(f.name, "naive"), col(f.name, "zone")
    digits = drop(zone, "[^0-9]")
    hours = try_cast(call("substr", digits, lit(1), lit(2)), "INTEGER")
    written_mins = call("nullif", call("substr", digits, lit(3), lit(2)), lit(""))
    mins = call("coalesce", try_cast(written_mins, "INTEGER"), lit(0))
    sign = case((call("starts_with", zone, lit("-")), lit(-1)), else_=lit(1))
    minutes = op(sign, "*", paren(op(op(hours, "*", lit(60)), "+", mins)))
    offset = case((op(zone, "=", lit("Z")), lit(0)), else_=minutes)
    tz = lit(codes.TIMEZONE)
    from_local = case(
        (op(n, ">=", WIB_SINCE), op(n, "-", SEVEN_HOURS)),
        else_=call("timezone", lit("UTC"), call("timezone", tz, n)),
    )
    shifted = op(n, "-", call("to_minutes", cast(paren(offset), "BIGINT")))
    return alias(case((is_null(zone), from_local), else_=shifted), ident("__" + f.name + "_utc"))


def local(f: Field) -> str:
    n, zone, u = col(f.name, "naive"), col(f.name, "zone"), ident("__" + f.name + "_utc")
    tz = lit(codes.TIMEZONE)
    to_local = case(
        (op(u, ">=", op(WIB_SINCE, "-", SEVEN_HOURS)), op(u, "+", SEVEN_HOURS)),
        else_=call("timezone", tz, call("timezone", lit("UTC"), u)),
    )
    return alias(case((is_null(zone), n), else_=to_local), ident("__" + f.name))
