"""The contract's typing and row rules as one DuckDB SELECT, generated from `models.contracts`.

Rows never cross into Python: a file's text columns (any relation with the contract's names, `_line`, and
optionally `_extra` and `_reject`; in the ingest, the reader's Arrow stream) are typed, checked and hashed by
DuckDB. For each field the SELECT
gives the typed value `__<name>`; for each row `_reason` (null when the row passes: every broken rule, in
the contract's order, joined by "; "), `_key` and `_row_hash` (md5 of the typed values as text: stable across
DuckDB versions, which its `hash()` is not promised to be, and equal to the hashes stored before).
The normalisers are `pipelines.ingest.normalise`'s, as SQL; a test keeps the two equal.

The SQL is generated because the contract is the single definition of a source; what it embeds are the
contract's own names, codes and patterns and the ingest settings' bounds, all quoted as literals here.
Values from files are never part of the SQL text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl
import pyarrow as pa

from models import aliases, codes
from models.contracts import Contract, Field
from models.ddl import q
from pipelines.ingest import normalise
from pipelines.ingest.conventions import Conventions
from pipelines.ingest.sqlparts import (
    GROUPS,
    ISO,
    col,
    common,
    in_list,
    iso,
    lit,
    local,
    matches,
    naive,
    number,
    plain_number_text,
    utc,
)
from pipelines.ingest.sqlparts import month as month_number

SEP = "\x1f"  # joins key parts and content; cannot occur in a CSV text field typed by a person
# Whitespace as Unicode has it (what Polars' strip_chars strips): ASCII, NEL, no-break and other spaces.
_SPACE = r"[\s\x{0b}\x{85}\p{Z}]"
_EDGES = f"^{_SPACE}+|{_SPACE}+$"
_TRUE = ("true", "t", "ya", "y", "yes", "1")
_FALSE = ("false", "f", "tidak", "n", "no", "0")
# Text already in canonical form skips the (costlier) normalisers, row by row.
_PLAIN = {
    "int": r"^-?\d+$",
    "decimal": r"^-?\d+$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "timestamp": r"^\d{4}-\d{2}-\d{2}[T ]",
}
_KINDS = {
    "int": "a whole number",
    "decimal": "a number",
    "date": "a date (e.g. 2025-06-16, 16/06/2025 or 16 Juni 2025)",
    "timestamp": "a date and time (e.g. 2025-06-16T14:30, 16/06/2025 14.30)",
    "bool": "true/false",
}


# --------------------------------------------------------------------------------------------------
# The SELECT


@dataclass
class Rules:
    """Rules that need more than the row, as SQL: the registry (a relation `registry` of producer_id and
    category, joined in when given), plausible sale amounts per category, and the partitioned dates."""

    registry: bool = False
    sale_min_idr: Mapping[str, int] = field(default_factory=dict)
    sale_max_idr: Mapping[str, int] = field(default_factory=dict)
    first_day: date | None = None
    last_day: date | None = None
    date_column: str | None = None  # the typed date the partitions are of


def _rupiah(n: int) -> str:
    return "Rp" + f"{n:,}".replace(",", ".")


def _by_category(category: str, bounds: Mapping[str, int], fmt: type[str] | type[int]) -> str | None:
    default = bounds.get("*")
    per = {k: v for k, v in bounds.items() if k != "*"}
    shown = (lambda v: lit(_rupiah(v))) if fmt is str else (lambda v: str(int(v)))
    otherwise = shown(default) if default is not None else "NULL"
    if not per:
        return otherwise if default is not None else None
    whens = " ".join(f"WHEN {lit(k)} THEN {shown(v)}" for k, v in per.items())
    return f"CASE {category} {whens} ELSE {otherwise} END"


def _stages(f: Field, conv: Conventions) -> list[list[str]]:
    """One field's columns, stage by stage, each reading the one before: the trimmed text; the parts of a
    date, or a number's text without spaces and currency (skipped for text already canonical, nearly all
    of a large file); a number's canonical text, or a month's name as its number; the normalised text."""
    raw = q(f.name)
    # Text that starts and ends with a printable ASCII character (nearly all) skips the regular expression.
    printable = f"left({raw}, 1) BETWEEN '!' AND '~' AND right({raw}, 1) BETWEEN '!' AND '~'"
    trimmed = f"CASE WHEN {printable} THEN {raw} ELSE regexp_replace({raw}, {lit(_EDGES)}, '', 'g') END"
    c = f"nullif({raw if f.name in conv.trimmed else trimmed}, '')"
    if f.strip:
        c = f"regexp_replace({c}, {lit('[' + f.strip + ']')}, '', 'g')"
    cc = col(f.name, "c")
    stages: list[list[str]] = [[f"{c} AS {cc}"], [], [], []]
    marks, order = conv.numbers.get(f.name), conv.date_order.get(f.name, aliases.OWN_DATE_ORDER)
    if f.kind in ("date", "timestamp"):
        n, m, month_of = col(f.name, "n"), col(f.name, "m"), col(f.name, "month")
        not_plain, low = f"NOT {matches(cc, _PLAIN[f.kind])}", f"lower({cc})"
        stages[1] += [
            f"CASE WHEN {not_plain} THEN regexp_extract({low}, {lit(normalise.NUMERIC)}, {GROUPS}) END AS {n}",
            f"CASE WHEN {not_plain} THEN regexp_extract({low}, {lit(normalise.MONTH_NAME)}, {GROUPS}) END AS {m}",
        ]
        stages[2].append(f"{month_number(f'{m}.b')} AS {month_of}")
        day, month = (f"{n}.b", f"{n}.a") if order == "mdy" else (f"{n}.a", f"{n}.b")
        v = (
            f"CASE WHEN {n} IS NULL THEN {cc} WHEN {n}.a <> '' THEN {iso(n, day, month, f'{n}.y')} "
            f"WHEN {m}.a <> '' AND {month_of} IS NOT NULL THEN {iso(m, f'{m}.a', month_of, f'{m}.y')} ELSE {cc} END"
        )
    elif f.kind in ("int", "decimal") and f.name in conv.digits:
        v = cc
    elif f.kind in ("int", "decimal"):
        s, num = col(f.name, "s"), col(f.name, "num")
        stages[1].append(f"CASE WHEN NOT {matches(cc, _PLAIN[f.kind])} THEN {plain_number_text(cc)} END AS {s}")
        stages[2].append(f"{number(s, marks)} AS {num}")
        if f.kind == "int":  # `1.250.000,00` and `1250000.0` are whole, `2,5` is not
            whole = f"CASE WHEN regexp_matches({num}, '^-?\\d+(\\.0+)?$') THEN regexp_replace({num}, '\\.0+$', '') END"
            v = f"CASE WHEN {s} IS NULL THEN {cc} ELSE {whole} END"
        else:
            v = f"CASE WHEN {s} IS NULL THEN {cc} ELSE {num} END"
    else:
        v = cc
    stages[3].append(f"{v} AS {col(f.name, 'v')}")
    return stages


def _typed(f: Field) -> str:
    v, out = col(f.name, "v"), q("__" + f.name)
    match f.kind:
        case "int":
            whole = matches(v, r"^-?\d+$")
            return f"CASE WHEN {whole} THEN TRY_CAST({v} AS BIGINT) END AS {out}"
        case "decimal":
            number_ = matches(v, r"^-?\d+(\.\d+)?$")
            return f"CASE WHEN {number_} THEN TRY_CAST({v} AS DECIMAL(18,{f.scale})) END AS {out}"
        case "date":
            # A time after the date (Excel and Parquet write one) is allowed and dropped.
            iso = matches(v, r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?$")
            return f"CASE WHEN {iso} THEN TRY_CAST(substr({v}, 1, 10) AS DATE) END AS {out}"
        case "timestamp":  # its parts here (unless written the common way); the instants in the stages after
            parts = f"regexp_extract({v}, {lit(ISO)}, ['d', 'hm', 's', 'z'])"
            return f"CASE WHEN NOT {common(v)} THEN {parts} END AS {col(f.name, 'iso')}"
        case "bool":
            low = f"lower({v})"
            yes, no = in_list(_TRUE), in_list(_FALSE)
            return f"CASE WHEN {low} IN ({yes}) THEN true WHEN {low} IN ({no}) THEN false END AS {out}"
        case "code" if f.case == "lower":
            return f"lower({v}) AS {out}"
        case "code" if f.case == "upper":
            return f"upper({v}) AS {out}"
        case _:
            return f"{v} AS {out}"


def _shown(f: Field) -> str:
    return f"'''' || coalesce({q(f.name)}, '') || ''''"


def _field_rules(f: Field) -> list[str]:
    """One `CASE WHEN broken THEN message END` per rule of the field, in the contract's order."""
    c, typed, name = col(f.name, "c"), q("__" + f.name), lit(f.name + " ")
    out = []
    if f.required:
        out.append(f"CASE WHEN {c} IS NULL THEN {lit('missing ' + f.name)} END")
    if f.kind in _KINDS:
        msg = f"{name} || {_shown(f)} || {lit(' is not ' + _KINDS[f.kind])}"
        out.append(f"CASE WHEN {c} IS NOT NULL AND {typed} IS NULL THEN {msg} END")
    if f.codes is not None:
        out.append(
            f"CASE WHEN {typed} NOT IN ({in_list(f.codes)}) THEN {name} || {_shown(f)} || ' is not an allowed code' END"
        )
    if f.pattern is not None:
        bad = f"NOT {matches(typed, f.pattern)}"
        out.append(f"CASE WHEN {bad} THEN {name} || {_shown(f)} || ' has the wrong format' END")
    if f.min_value is not None:
        op, word = ("<=", "greater than") if f.min_exclusive else ("<", "at least")
        msg = lit(f"{f.name} must be {word} {f.min_value:g}, got ")
        out.append(f"CASE WHEN {typed} {op} {f.min_value!r} THEN {msg} || {_shown(f)} END")
    return out


def _row_rules(contract: Contract, rules: Rules) -> list[str]:
    """The rules that need more than the row, after the field rules."""
    out = []
    category = q("__category") if contract.source == "transactions" else None
    if contract.registry_checked and rules.registry:
        out.append(
            f"CASE WHEN {q('__producer_id')} IS NOT NULL AND reg.registry_id IS NULL THEN "
            f"'producer_id ' || {_shown(contract.field('producer_id'))} || ' is not in the registry' END"
        )
        category = category and f"coalesce({category}, reg.registry_category)"
    if category is not None:
        for bounds, word, setting, op in (
            (rules.sale_min_idr, "below the plausible minimum", "sale_min_idr", "<"),
            (rules.sale_max_idr, "above the plausible maximum", "sale_max_idr", ">"),
        ):
            bound, shown = _by_category(category, bounds, int), _by_category(category, bounds, str)
            if bound is None or shown is None:
                continue
            amount = _shown(contract.field("amount_idr"))
            where = lit(f" for a sale ({setting} in SENTRA_INGEST)")
            msg = f"'amount_idr ' || {amount} || {lit(f' is {word} of ')} || {shown} || {where}"
            out.append(f"CASE WHEN {q('__amount_idr')} {op} {bound} THEN {msg} END")
    if rules.date_column is not None and rules.first_day is not None and rules.last_day is not None:
        d = q("__" + rules.date_column)
        first, last = f"DATE '{rules.first_day.isoformat()}'", f"DATE '{rules.last_day.isoformat()}'"
        shown = _shown(contract.field(contract.date_field or ""))
        tail = lit(f" is outside the partitioned dates {rules.first_day} … {rules.last_day}")
        out.append(
            f"CASE WHEN {d} < {first} OR {d} > {last} THEN "
            f"{lit((contract.date_field or '') + ' ')} || {shown} || {tail} END"
        )
    return out


def _derived(contract: Contract) -> list[str]:
    if contract.source == "transactions":
        return [f"{q('__occurred_at')}::DATE AS {q('__local_date')}"]
    if contract.source == "exports":
        hs = q("__hs_code")
        whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in codes.COMMODITY_BY_HS_HEADING.items())
        return [
            f"substr({hs}, 1, 2) AS {q('__hs_chapter')}",
            f"substr({hs}, 1, 4) AS {q('__hs_heading')}",
            f"CASE substr({hs}, 1, 4) {whens} ELSE 'lainnya' END AS {q('__commodity')}",
        ]
    return []


def _as_text(f: Field) -> str:
    """The typed value as text, as stored row hashes have always read it (microseconds shown)."""
    typed = q("__" + f.name)
    text = f"strftime({typed}, '%Y-%m-%d %H:%M:%S.%f')" if f.kind == "timestamp" else f"{typed}::VARCHAR"
    return f"coalesce({text}, chr(0))"


def select(contract: Contract, conv: Conventions | None, source: str, columns: set[str], rules: Rules) -> str:
    """The SELECT typing and checking every row of relation `source` (see the module's docstring)."""
    conv = conv or Conventions()
    fields = contract.fields
    stages = [_stages(f, conv) for f in fields]
    stamps = [f for f in fields if f.kind == "timestamp"]
    steps = [
        *([x for per_field in stages for x in per_field[i]] for i in range(4)),
        [_typed(f) for f in fields],
        [x for f in stamps for x in naive(f)],
        [utc(f) for f in stamps],
        [local(f) for f in stamps],
        _derived(contract),
    ]
    ctes, prev = [], source
    for i, step in enumerate(s for s in steps if s):
        ctes.append(f"s{i} AS NOT MATERIALIZED (SELECT *, {', '.join(step)} FROM {prev})")  # noqa: S608
        prev = f"s{i}"
    found = [q("_reject")] if "_reject" in columns else []
    checks = found + [r for f in fields for r in _field_rules(f)] + _row_rules(contract, rules)
    join = ""
    if contract.registry_checked and rules.registry:
        join = (
            " LEFT JOIN (SELECT producer_id AS registry_id, category AS registry_category FROM registry) AS reg"  # noqa: S608
            f" ON reg.registry_id = {prev}.{q('__producer_id')}"
        )
    key = " || chr(31) || ".join(f"{prev}.{q('__' + k)}::VARCHAR" for k in contract.key)
    content = f"concat_ws(chr(31), {', '.join(_as_text(f) for f in fields)})"
    kept = [f"{prev}.{q(c)}" for c in (*contract.names, "_line", "_extra") if c in columns]
    names = (*contract.names, *(n for n, _ in contract.extra_columns))
    out = [
        *kept,
        *(f"{prev}.{q('__' + n)}" for n in names),
        f"nullif(concat_ws('; ', {', '.join(checks)}), '') AS _reason",
        f"{key} AS _key",
        f"md5({content}) AS _row_hash",
    ]
    # Accepted rows keep only their typed values: the text as received is stored for rejected rows alone.
    texts = ", ".join(
        f"CASE WHEN _reason IS NOT NULL THEN {q(n)} END AS {q(n)}" for n in contract.names if n in columns
    )
    rows = f"SELECT {', '.join(out)} FROM {prev}{join}"  # noqa: S608
    return (
        f"WITH {', '.join(ctes)} SELECT * REPLACE ({texts}) FROM ({rows})"  # noqa: S608
        if texts
        else f"WITH {', '.join(ctes)} {rows}"
    )


def accepted(contract: Contract, typed: str, columns: set[str]) -> str:
    """Rows that pass every rule, with the contract's column names and derived columns."""
    names = [*contract.names, *(n for n, _ in contract.extra_columns)]
    extra = ", _extra" if "_extra" in columns else ""
    cols = ", ".join(f"{q('__' + n)} AS {q(n)}" for n in names)
    return f"SELECT {cols}, _key, _row_hash, _line{extra} FROM {typed} WHERE _reason IS NULL"  # noqa: S608


def rejected(contract: Contract, typed: str, columns: set[str], date_column: str | None) -> str:
    """Rows that fail a rule, as received, with their reason, key and (when readable) partition date."""
    extra = ", _extra" if "_extra" in columns else ""
    day = q("__" + date_column) if date_column else "NULL::DATE"
    cols = ", ".join(q(n) for n in contract.names)
    return (
        f"SELECT {cols}, _reason, _row_hash, _line, _key, {day} AS _partition_date{extra} "  # noqa: S608
        f"FROM {typed} WHERE _reason IS NOT NULL"
    )


class _Stream:
    """A lazy frame as an Arrow stream DuckDB reads once, batch by batch (memory stays flat); an error of the
    frame's reader (a byte that is not UTF-8, a ragged row) is kept to be raised as itself."""

    def __init__(self, frame: pl.LazyFrame, rows: int) -> None:
        self.error: BaseException | None = None
        schema = frame.collect_schema()
        self.schema = pl.DataFrame(schema=schema).to_arrow().schema
        self._batches = frame.collect_batches(chunk_size=rows)

    def _read(self) -> Iterator[pa.RecordBatch]:
        try:
            for batch in self._batches:
                yield from batch.to_arrow().cast(self.schema).to_batches()
        except pl.exceptions.PolarsError as exc:
            self.error = exc
            raise

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(self.schema, self._read())


def type_into(
    con: duckdb.DuckDBPyConnection, table: str, contract: Contract, frame: pl.LazyFrame, conv: Conventions | None,
    rules: Rules, registry: pl.DataFrame | None = None, rows: int = 500_000,
) -> set[str]:  # fmt: skip
    """Type and check `frame`'s rows into the temporary table `table`; return the frame's columns (for
    `accepted` and `rejected`). An error of the frame's own reader (a byte that is not UTF-8, a ragged row)
    is raised as itself.

    The frame's reader streams Arrow batches that DuckDB types as they come. DuckDB's own `read_csv` was
    measured instead and was slower here: a record's line number needs `row_number() OVER ()`, which
    serialises the whole statement (docs/BENCHMARKS.md)."""
    stream = _Stream(frame, rows)
    columns = set(stream.schema.names)
    con.register("landing_rows", stream.reader())
    if registry is not None:
        con.register("registry", registry.to_arrow())
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {select(contract, conv, 'landing_rows', columns, rules)}")
    except duckdb.Error:
        if stream.error is not None:
            raise stream.error from None
        raise
    finally:  # in an aborted transaction DuckDB refuses; a later registration replaces these anyway
        with suppress(duckdb.Error):
            con.unregister("landing_rows")
            if registry is not None:
                con.unregister("registry")
    return columns
