"""Parse one landing file into typed rows with a reason for every rejected row.

Everything is a vectorised Polars expression built from the contract; no Python loop touches rows.
"""

from __future__ import annotations

import polars as pl

from models import aliases, codes
from models.contracts import Contract, Field
from pipelines.ingest import normalise
from pipelines.ingest.conventions import Conventions

SEP = "\x1f"  # joins key parts and content; cannot occur in a CSV text field typed by a person
# A date, optionally a time (T or space) and then "Z" or an offset; a bare date has no offset.
_ISO = r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$"
_TRUE = ("true", "t", "ya", "y", "yes", "1")
_FALSE = ("false", "f", "tidak", "n", "no", "0")


class LandingFileError(Exception):
    """A whole file cannot be read; the message names the file and the problem in one line."""


def cell(name: str) -> pl.Expr:
    """A column's text, trimmed; an empty cell is missing."""
    s = pl.col(name).str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def _shown(name: str) -> pl.Expr:
    return pl.lit("'") + pl.col(name).fill_null("") + pl.lit("'")


def time_stages(text: pl.Expr, name: str) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """ISO 8601 text -> `name` (naive Asia/Jakarta local time) and `name_utc` (naive UTC), in two
    `with_columns` stages: the split is computed once and read by both. No offset means local time."""
    parts = text.str.extract_groups(_ISO)
    body = (
        parts.struct.field("1")
        + "T"
        + parts.struct.field("2").fill_null("00:00")
        + parts.struct.field("3").fill_null(":00")
    )
    naive = body.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
    first = [naive.alias(f"{name}__naive"), parts.struct.field("4").alias(f"{name}__zone")]
    naive, zone = pl.col(f"{name}__naive"), pl.col(f"{name}__zone")
    sign = pl.when(zone.str.starts_with("-")).then(-1).otherwise(1)
    digits = zone.str.replace_all(r"[^0-9]", "")
    offset_min = (
        pl.when(zone == "Z")
        .then(0)
        .otherwise(
            sign * (digits.str.slice(0, 2).cast(pl.Int64) * 60 + digits.str.slice(2, 2).str.zfill(2).cast(pl.Int64))
        )
    )
    utc_from_local = naive.dt.replace_time_zone(codes.TIMEZONE, non_existent="null", ambiguous="earliest")
    utc_from_local = utc_from_local.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    utc = pl.when(zone.is_null()).then(utc_from_local).otherwise(naive - pl.duration(minutes=offset_min))
    local = (
        pl.when(zone.is_null())
        .then(naive)
        .otherwise(utc.dt.replace_time_zone("UTC").dt.convert_time_zone(codes.TIMEZONE).dt.replace_time_zone(None))
    )
    return first, [local.alias(name), utc.alias(f"{name}_utc")]


def parse_times(text: pl.Series) -> pl.DataFrame:
    """`local` and `utc` of each text, as `time_stages` computes them (for callers with a plain Series)."""
    first, second = time_stages(pl.col("t"), "local")
    out = pl.DataFrame({"t": text}).lazy().with_columns(first).with_columns(second).collect()
    return out.select("local", utc="local_utc")


# Text already in canonical form skips the (costlier) normalisers: checked per column, per file.
_PLAIN = {
    "int": r"^-?\d+$",
    "decimal": r"^-?\d+$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "timestamp": r"^\d{4}-\d{2}-\d{2}[T ]",
}


def _plain_columns(df: pl.DataFrame, contract: Contract) -> set[str]:
    fields = [f for f in contract.fields if f.kind in _PLAIN]
    if not fields or not df.height:
        return set()
    flags = df.select(
        (cell(f.name).str.contains(_PLAIN[f.kind]) | cell(f.name).is_null()).all().alias(f.name) for f in fields
    ).row(0, named=True)
    return {name for name, plain in flags.items() if plain}


def _typed(f: Field, plain: bool, conv: Conventions) -> pl.Expr:
    t = cell(f.name)
    if f.strip:
        t = t.str.replace_all(f"[{f.strip}]", "", literal=False)
    marks, order = conv.numbers.get(f.name), conv.date_order.get(f.name, aliases.OWN_DATE_ORDER)
    match f.kind:
        case "int":
            v = t if plain else normalise.whole_number(t, marks)
            return pl.when(v.str.contains(r"^-?\d+$")).then(v).cast(pl.Int64, strict=False)
        case "decimal":
            # Decimal notation only: "1e3" and the like are not a number a person writes.
            v = t if plain else normalise.number(t, marks)
            return pl.when(v.str.contains(r"^-?\d+(\.\d+)?$")).then(v).cast(pl.Decimal(18, f.scale), strict=False)
        case "date":
            v = t if plain else normalise.iso_datetime(t, order)
            # A time after the date (Excel and Parquet write one) is allowed and dropped.
            day = pl.when(v.str.contains(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?$")).then(v.str.slice(0, 10))
            return day.str.to_date("%Y-%m-%d", strict=False)
        case "timestamp":  # parsed in two stages by `type_rows`: here only the finished column
            return pl.col(f"__{f.name}")
        case "bool":
            low = t.str.to_lowercase()
            return pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False).otherwise(None)
        case "code":
            if f.case == "lower":
                return t.str.to_lowercase()
            return t.str.to_uppercase() if f.case == "upper" else t
        case _:
            return t


def _rules(f: Field) -> list[tuple[pl.Expr, pl.Expr]]:
    """(is_bad, message) pairs for one field, evaluated on the raw text and the typed value."""
    raw, typed = cell(f.name), pl.col(f"__{f.name}")
    rules: list[tuple[pl.Expr, pl.Expr]] = []
    if f.required:
        rules.append((raw.is_null(), pl.lit(f"missing {f.name}")))
    unparsed = raw.is_not_null() & typed.is_null()
    kinds = {
        "int": "a whole number",
        "decimal": "a number",
        "date": "a date (e.g. 2025-06-16, 16/06/2025 or 16 Juni 2025)",
        "timestamp": "a date and time (e.g. 2025-06-16T14:30, 16/06/2025 14.30)",
        "bool": "true/false",
    }
    if f.kind in kinds:
        rules.append((unparsed, pl.lit(f"{f.name} ") + _shown(f.name) + pl.lit(f" is not {kinds[f.kind]}")))
    if f.codes is not None:
        bad = typed.is_not_null() & ~typed.is_in(sorted(f.codes))
        rules.append((bad, pl.lit(f"{f.name} ") + _shown(f.name) + pl.lit(" is not an allowed code")))
    if f.pattern is not None:
        bad = typed.is_not_null() & ~typed.str.contains(f.pattern)
        rules.append((bad, pl.lit(f"{f.name} ") + _shown(f.name) + pl.lit(" has the wrong format")))
    if f.min_value is not None:
        bad = (typed <= f.min_value) if f.min_exclusive else (typed < f.min_value)
        word = "greater than" if f.min_exclusive else "at least"
        rules.append((bad.fill_null(False), pl.lit(f"{f.name} must be {word} {f.min_value:g}, got ") + _shown(f.name)))
    return rules


def type_rows(df: pl.DataFrame, contract: Contract, conv: Conventions | None = None) -> pl.DataFrame:
    """Add typed columns `__<name>`, derived columns, `_reason` (null when the row passes) and `_key`.

    `conv` holds the file's conventions (date order, number marks) decided from all of its values; a
    `_reject` column holds reasons found while reading (a ragged row, an order whose lines disagree)."""
    conv = conv or Conventions()
    plain = _plain_columns(df, contract)
    out = df.lazy()
    for f in contract.fields:
        if f.kind == "timestamp":
            order = conv.date_order.get(f.name, aliases.OWN_DATE_ORDER)
            text = cell(f.name) if f.name in plain else normalise.iso_datetime(cell(f.name), order)
            for stage in time_stages(text, f"__{f.name}"):
                out = out.with_columns(stage)
    typed = [_typed(f, f.name in plain, conv).alias(f"__{f.name}") for f in contract.fields]
    out = out.with_columns(typed)
    found = [pl.col("_reject")] if "_reject" in df.columns else []
    checks = found + [pl.when(bad).then(msg) for f in contract.fields for bad, msg in _rules(f)]
    reason = pl.concat_str(checks, separator="; ", ignore_nulls=True)
    key = pl.concat_str([pl.col(f"__{k}").cast(pl.String) for k in contract.key], separator=SEP)
    content = pl.concat_str(
        [pl.col(f"__{f.name}").cast(pl.String).fill_null("\x00") for f in contract.fields], separator=SEP
    )
    out = out.with_columns(
        pl.when(reason == "").then(None).otherwise(reason).alias("_reason"),
        key.alias("_key"),
        content.alias("_content"),
        *_derived(contract),
    )
    return out.collect()


def _derived(contract: Contract) -> list[pl.Expr]:
    if contract.source == "transactions":
        return [pl.col("__occurred_at").dt.date().alias("__local_date")]
    if contract.source == "exports":
        hs = pl.col("__hs_code")
        heading = hs.str.slice(0, 4)
        commodity = heading.replace_strict(codes.COMMODITY_BY_HS_HEADING, default="lainnya", return_dtype=pl.String)
        return [
            hs.str.slice(0, 2).alias("__hs_chapter"),
            heading.alias("__hs_heading"),
            commodity.alias("__commodity"),
        ]
    return []


def accepted(typed: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Rows that pass every field rule, with contract column names and their derived columns."""
    names = list(contract.names) + [n for n, _ in contract.extra_columns]
    return typed.filter(pl.col("_reason").is_null()).select(
        *[pl.col(f"__{n}").alias(n) for n in names], "_key", "_content", "_line", *_extra(typed)
    )


def rejected(typed: pl.DataFrame, contract: Contract, date_column: str | None = None) -> pl.DataFrame:
    """Rows that fail a rule, as received, with their reason, key and (when readable) partition date."""
    day = pl.col(f"__{date_column}") if date_column else pl.lit(None, dtype=pl.Date)
    return typed.filter(pl.col("_reason").is_not_null()).select(
        *contract.names, "_reason", "_content", "_line", "_key", day.alias("_partition_date"), *_extra(typed)
    )


def _extra(frame: pl.DataFrame) -> list[str]:
    """The file's extra columns as one JSON text, when it has any (kept in the raw lineage)."""
    return ["_extra"] if "_extra" in frame.columns else []
