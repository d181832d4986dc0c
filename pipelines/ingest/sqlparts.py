"""The SQL expressions the row path (`pipelines.ingest.rowsql`) is built of: literals, the normalisers of
`pipelines.ingest.normalise` as SQL, and instants in Asia/Jakarta.

Every function returns SQL text for column names it is given; values from files never enter it.
"""

from __future__ import annotations

from models import codes
from models.contracts import Field
from models.ddl import q
from pipelines.ingest import normalise

# A date, optionally a time (T or space) and then "Z" or an offset; a bare date has no offset.
ISO = r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$"
# Asia/Jakarta has been UTC+07:00 since 1964-01-01; before that its offsets changed, so ICU converts those.
WIB_SINCE = "TIMESTAMP '1964-01-01 00:00:00'"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def in_list(values: object) -> str:
    return ", ".join(lit(str(v)) for v in sorted(values))  # type: ignore[call-overload]


def col(name: str, stage: str) -> str:
    return q(f"{name}__{stage}") if stage else q(name)


# --------------------------------------------------------------------------------------------------
# Normalisers (the SQL of `pipelines.ingest.normalise`)


def matches(text: str, pattern: str) -> str:
    return f"regexp_matches({text}, {lit(pattern)})"


def number(s: str, convention: str | None) -> str:
    """Canonical number text of `s`, already stripped of spaces and a currency prefix, or NULL."""
    dots_out = f"replace(replace({s}, '.', ''), ',', '.')"
    if convention == "en":
        return (
            f"CASE WHEN {matches(s, normalise.INT)} THEN {s} "
            f"WHEN {matches(s, normalise.EN_LOOSE)} THEN replace({s}, ',', '') END"
        )
    if convention == "id":
        loose = matches(s, normalise.ID_LOOSE)
        return f"CASE WHEN {matches(s, normalise.INT)} THEN {s} WHEN {loose} THEN {dots_out} END"
    return (
        f"CASE WHEN {matches(s, normalise.INT)} THEN {s} "
        f"WHEN {matches(s, normalise.ID_GROUPED)} THEN {dots_out} "
        f"WHEN {matches(s, normalise.ID_DECIMAL)} THEN replace({s}, ',', '.') "
        f"WHEN {matches(s, normalise.EN_GROUPED)} THEN replace({s}, ',', '') "
        f"WHEN {matches(s, normalise.DOT_DECIMAL)} THEN {s} END"
    )


def plain_number_text(c: str) -> str:
    """No spaces, no `Rp`/`IDR` prefix (the sign kept)."""
    spaceless = f"regexp_replace({c}, '[\\s\\x{{00a0}}\\x{{202f}}]', '', 'g')"
    return f"regexp_replace({spaceless}, '^(-?)(rp\\.?|idr)', '\\1', 'i')"


def iso(g: str, day: str, month: str, year: str) -> str:
    """ISO text of the struct `g`'s parts (as `normalise._iso`): 2-digit years 2000–2069 / 1970–1999, 12-hour
    clock read (12 AM is 00, an hour above 12 with AM/PM is not a time)."""

    def part(name: str) -> str:
        return f"nullif({g}.{name}, '')"

    yyyy = (
        f"CASE WHEN length({year}) = 2 THEN (CASE WHEN TRY_CAST({year} AS INTEGER) < 70 THEN '20' ELSE '19' END) "
        f"|| {year} ELSE {year} END"
    )
    the_date = f"{yyyy} || '-' || lpad({month}, 2, '0') || '-' || lpad({day}, 2, '0')"
    h, half = f"TRY_CAST({part('h')} AS INTEGER)", part("half")
    pm = f"CASE WHEN {half} = 'p' THEN 12 ELSE 0 END"
    h24 = f"CASE WHEN {half} IS NULL THEN {h} WHEN {h} > 12 THEN NULL ELSE {h} % 12 + {pm} END"
    the_time = f"lpad(({h24})::VARCHAR, 2, '0') || ':' || {part('mi')} || ':' || coalesce({part('s')}, '00')"
    return f"{the_date} || CASE WHEN {part('h')} IS NULL THEN '' ELSE 'T' || {the_time} END"


GROUPS = "['a', 'b', 'y', 'h', 'mi', 's', 'half']"


def month(name: str) -> str:
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in normalise.MONTHS.items())
    return f"CASE {name} {whens} END"


def common(v: str) -> str:
    """`YYYY-MM-DD hh:mm:ss` (or with a T) and nothing more: the cast alone reads it exactly."""
    marks = (
        f"substr({v}, 5, 1) = '-' AND substr({v}, 8, 1) = '-' AND substr({v}, 14, 1) = ':' AND substr({v}, 17, 1) = ':'"
    )
    return f"(length({v}) = 19 AND substr({v}, 11, 1) IN ('T', ' ') AND {marks})"


def naive(f: Field) -> list[str]:
    """The time as written (`name__naive`) and its offset (`name__zone`, NULL for none)."""
    p, v = col(f.name, "iso"), col(f.name, "v")
    body = f"{p}.d || 'T' || {p}.hm || coalesce(nullif({p}.s, ''), ':00')"
    naive = (
        f"CASE WHEN {p} IS NULL THEN (CASE WHEN substr({v}, 12, 2) < '24' THEN TRY_CAST({v} AS TIMESTAMP) END) "
        f"WHEN {p}.d = '' THEN NULL WHEN {p}.hm = '' THEN TRY_CAST({p}.d AS TIMESTAMP) "
        f"WHEN {p}.hm < '24' THEN TRY_CAST({body} AS TIMESTAMP) END"
    )
    return [f"{naive} AS {col(f.name, 'naive')}", f"nullif({p}.z, '') AS {col(f.name, 'zone')}"]


def utc(f: Field) -> str:
    """The UTC instant: a time with no offset is Asia/Jakarta local time."""
    n, zone = col(f.name, "naive"), col(f.name, "zone")
    digits = f"regexp_replace({zone}, '[^0-9]', '', 'g')"
    hours = f"TRY_CAST(substr({digits}, 1, 2) AS INTEGER)"
    mins = f"coalesce(TRY_CAST(nullif(substr({digits}, 3, 2), '') AS INTEGER), 0)"
    sign = f"CASE WHEN starts_with({zone}, '-') THEN -1 ELSE 1 END"
    offset = f"CASE WHEN {zone} = 'Z' THEN 0 ELSE {sign} * ({hours} * 60 + {mins}) END"
    tz = lit(codes.TIMEZONE)
    from_local = (
        f"CASE WHEN {n} >= {WIB_SINCE} THEN {n} - INTERVAL 7 HOUR ELSE timezone('UTC', timezone({tz}, {n})) END"
    )
    utc = f"CASE WHEN {zone} IS NULL THEN {from_local} ELSE {n} - to_minutes(({offset})::BIGINT) END"
    return f"{utc} AS {q('__' + f.name + '_utc')}"


def local(f: Field) -> str:
    n, zone, u = col(f.name, "naive"), col(f.name, "zone"), q("__" + f.name + "_utc")
    tz = lit(codes.TIMEZONE)
    to_local = (
        f"CASE WHEN {u} >= {WIB_SINCE} - INTERVAL 7 HOUR THEN {u} + INTERVAL 7 HOUR "
        f"ELSE timezone({tz}, timezone('UTC', {u})) END"
    )
    return f"CASE WHEN {zone} IS NULL THEN {n} ELSE {to_local} END AS {q('__' + f.name)}"
