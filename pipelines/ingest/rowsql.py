"""The contract's typing and row rules as one DuckDB SELECT, generated from `models.contracts`.

Rows never cross into Python: a file's text columns (any relation with the contract's names, `_line`, and
optionally `_extra` and `_reject`; in the ingest, the reader's Arrow stream) are typed, checked and hashed by
DuckDB. For each field the SELECT
gives the typed value `__<name>`; for each row `_reason` (null when the row passes: every broken rule, in
the contract's order, joined by "; "), `_key` and `_row_hash` (md5 of the typed values as text: stable across
DuckDB versions, which its `hash()` is not promised to be, and equal to the hashes stored before).
The normalisers are `pipelines.ingest.normalise`'s, as SQL; a test keeps the two equal.

The SQL is generated because the contract is the single definition of a source; what it embeds are the
contract's own names, codes and patterns and the ingest settings' bounds, quoted as identifiers and
literals by `pipelines.warehouse.sqlbuild`, which composes every expression here. Values from files are
never part of the SQL text.
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
from pipelines.ingest import normalise
from pipelines.ingest.conventions import Conventions
from pipelines.ingest.sqlparts import (
    GROUPS,
    ISO,
    col,
    common,
    drop,
    filled,
    iso,
    local,
    matches,
    naive,
    number,
    one_of,
    plain_number_text,
    utc,
)
from pipelines.ingest.sqlparts import month as month_number
from pipelines.warehouse.sqlbuild import (
    alias,
    and_,
    array,
    between,
    call,
    case,
    cast,
    concat,
    cte,
    dot,
    ident,
    is_null,
    left_join,
    lit,
    not_,
    not_null,
    op,
    or_,
    paren,
    star_replace,
    temp_table,
    try_cast,
    with_,
)
from pipelines.warehouse.sqlbuild import select as select_

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
_UNIT = call("chr", lit(31))  # SEP, in SQL


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
    shown = (lambda v: lit(_rupiah(v))) if fmt is str else (lambda v: lit(int(v)))
    otherwise = shown(default) if default is not None else lit(None)
    if not per:
        return otherwise if default is not None else None
    return case(*((lit(k), shown(v)) for k, v in per.items()), on=category, else_=otherwise)


def _stages(f: Field, conv: Conventions) -> list[list[str]]:
    """One field's columns, stage by stage, each reading the one before: the trimmed text; the parts of a
    date, or a number's text without spaces and currency (skipped for text already canonical, nearly all
    of a large file); a number's canonical text, or a month's name as its number; the normalised text."""
    raw = ident(f.name)
    # Text that starts and ends with a printable ASCII character (nearly all) skips the regular expression.
    printable = and_(*(between(call(end, raw, lit(1)), lit("!"), lit("~")) for end in ("left", "right")))
    trimmed = case((printable, raw), else_=drop(raw, _EDGES))
    c = call("nullif", raw if f.name in conv.trimmed else trimmed, lit(""))
    if f.strip:
        c = drop(c, "[" + f.strip + "]")
    cc = col(f.name, "c")
    stages: list[list[str]] = [[alias(c, cc)], [], [], []]
    marks, order = conv.numbers.get(f.name), conv.date_order.get(f.name, aliases.OWN_DATE_ORDER)
    if f.kind in ("date", "timestamp"):
        n, m, month_of = col(f.name, "n"), col(f.name, "m"), col(f.name, "month")
        not_plain, low = not_(matches(cc, _PLAIN[f.kind])), call("lower", cc)
        stages[1] += [
            alias(case((not_plain, call("regexp_extract", low, lit(normalise.NUMERIC), GROUPS))), n),
            alias(case((not_plain, call("regexp_extract", low, lit(normalise.MONTH_NAME), GROUPS))), m),
        ]
        stages[2].append(alias(month_number(dot(m, "b")), month_of))
        day, month = (dot(n, "b"), dot(n, "a")) if order == "mdy" else (dot(n, "a"), dot(n, "b"))
        v = case(
            (is_null(n), cc),
            (filled(dot(n, "a")), iso(n, day, month, dot(n, "y"))),
            (and_(filled(dot(m, "a")), not_null(month_of)), iso(m, dot(m, "a"), month_of, dot(m, "y"))),
            else_=cc,
        )
    elif f.kind in ("int", "decimal") and f.name in conv.digits:
        v = cc
    elif f.kind in ("int", "decimal"):
        s, num = col(f.name, "s"), col(f.name, "num")
        stages[1].append(alias(case((not_(matches(cc, _PLAIN[f.kind])), plain_number_text(cc))), s))
        stages[2].append(alias(number(s, marks), num))
        if f.kind == "int":  # `1.250.000,00` and `1250000.0` are whole, `2,5` is not
            whole = case((matches(num, r"^-?\d+(\.0+)?$"), call("regexp_replace", num, lit(r"\.0+$"), lit(""))))
            v = case((is_null(s), cc), else_=whole)
        else:
            v = case((is_null(s), cc), else_=num)
    else:
        v = cc
    stages[3].append(alias(v, col(f.name, "v")))
    return stages


def _typed(f: Field) -> str:
    v, out = col(f.name, "v"), ident("__" + f.name)
    match f.kind:
        case "int":
            return alias(case((matches(v, r"^-?\d+$"), try_cast(v, "BIGINT"))), out)
        case "decimal":
            return alias(case((matches(v, r"^-?\d+(\.\d+)?$"), try_cast(v, f.duckdb_type))), out)
        case "date":
            # A time after the date (Excel and Parquet write one) is allowed and dropped.
            written = matches(v, r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?$")
            return alias(case((written, try_cast(call("substr", v, lit(1), lit(10)), "DATE"))), out)
        case "timestamp":  # its parts here (unless written the common way); the instants in the stages after
            parts = call("regexp_extract", v, lit(ISO), array(*map(lit, ("d", "hm", "s", "z"))))
            return alias(case((not_(common(v)), parts)), col(f.name, "iso"))
        case "bool":
            low = call("lower", v)
            return alias(case((one_of(low, _TRUE), lit(True)), (one_of(low, _FALSE), lit(False))), out)
        case "code" if f.case == "lower":
            return alias(call("lower", v), out)
        case "code" if f.case == "upper":
            return alias(call("upper", v), out)
        case _:
            return alias(v, out)


def _shown(f: Field) -> str:
    """The value as received, in quotes, for a message."""
    return concat(lit("'"), call("coalesce", ident(f.name), lit("")), lit("'"))


def _field_rules(f: Field) -> list[str]:
    """One `CASE WHEN broken THEN message END` per rule of the field, in the contract's order."""
    c, typed, name = col(f.name, "c"), ident("__" + f.name), lit(f.name + " ")
    out = []
    if f.required:
        out.append(case((is_null(c), lit("missing " + f.name))))
    if f.kind in _KINDS:
        msg = concat(name, _shown(f), lit(" is not " + _KINDS[f.kind]))
        out.append(case((and_(not_null(c), is_null(typed)), msg)))
    if f.codes is not None:
        msg = concat(name, _shown(f), lit(" is not an allowed code"))
        out.append(case((one_of(typed, f.codes, negate=True), msg)))
    if f.pattern is not None:
        msg = concat(name, _shown(f), lit(" has the wrong format"))
        out.append(case((not_(matches(typed, f.pattern)), msg)))
    if f.min_value is not None:
        operator, word = ("<=", "greater than") if f.min_exclusive else ("<", "at least")
        msg = concat(lit(f"{f.name} must be {word} {f.min_value:g}, got "), _shown(f))
        out.append(case((op(typed, operator, lit(f.min_value)), msg)))
    return out


def _row_rules(contract: Contract, rules: Rules) -> list[str]:
    """The rules that need more than the row, after the field rules."""
    out = []
    category = ident("__category") if contract.source == "transactions" else None
    if contract.registry_checked and rules.registry:
        unknown = and_(not_null(ident("__producer_id")), is_null(dot("reg", "registry_id")))
        shown = _shown(contract.field("producer_id"))
        out.append(case((unknown, concat(lit("producer_id "), shown, lit(" is not in the registry")))))
        category = category and call("coalesce", category, dot("reg", "registry_category"))
    if category is not None:
        for bounds, word, setting, operator in (
            (rules.sale_min_idr, "below the plausible minimum", "sale_min_idr", "<"),
            (rules.sale_max_idr, "above the plausible maximum", "sale_max_idr", ">"),
        ):
            bound, shown = _by_category(category, bounds, int), _by_category(category, bounds, str)
            if bound is None or shown is None:
                continue
            amount = _shown(contract.field("amount_idr"))
            where = lit(f" for a sale ({setting} in SENTRA_INGEST)")
            msg = concat(lit("amount_idr "), amount, lit(f" is {word} of "), shown, where)
            broken = op(ident("__amount_idr"), operator, bound)
            if operator == "<":  # an amount the field's own rule refuses (0, negative) gets that one reason only
                broken = and_(broken, op(ident("__amount_idr"), ">", lit(0)))
            out.append(case((broken, msg)))
    if rules.date_column is not None and rules.first_day is not None and rules.last_day is not None:
        d = ident("__" + rules.date_column)
        outside = or_(op(d, "<", lit(rules.first_day)), op(d, ">", lit(rules.last_day)))
        shown = _shown(contract.field(contract.date_field or ""))
        tail = lit(f" is outside the partitioned dates {rules.first_day} … {rules.last_day}")
        out.append(case((outside, concat(lit((contract.date_field or "") + " "), shown, tail))))
    return out


def _derived(contract: Contract) -> list[str]:
    if contract.source == "transactions":
        return [alias(cast(ident("__occurred_at"), "DATE"), ident("__local_date"))]
    if contract.source == "exports":
        hs = ident("__hs_code")
        heading = call("substr", hs, lit(1), lit(4))
        commodity = case(
            *((lit(k), lit(v)) for k, v in codes.COMMODITY_BY_HS_HEADING.items()), on=heading, else_=lit("lainnya")
        )
        return [
            alias(call("substr", hs, lit(1), lit(2)), ident("__hs_chapter")),
            alias(heading, ident("__hs_heading")),
            alias(commodity, ident("__commodity")),
        ]
    return []


def _as_text(f: Field) -> str:
    """The typed value as text, as stored row hashes have always read it (microseconds shown)."""
    typed = ident("__" + f.name)
    text = call("strftime", typed, lit("%Y-%m-%d %H:%M:%S.%f")) if f.kind == "timestamp" else cast(typed, "VARCHAR")
    return call("coalesce", text, call("chr", lit(0)))


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
    for i, step in enumerate(s for s in steps if s):  # s0, s1, …: each stage reads the one before
        name = f"s{i}"
        ctes.append(cte(name, select_(["*", *step], prev), materialized=False))
        prev = name
    found = [ident("_reject")] if "_reject" in columns else []
    checks = found + [r for f in fields for r in _field_rules(f)] + _row_rules(contract, rules)
    rows_from = prev
    if contract.registry_checked and rules.registry:
        registry = select_([alias("producer_id", "registry_id"), alias("category", "registry_category")], "registry")
        on = op(dot("reg", "registry_id"), "=", dot(prev, ident("__producer_id")))
        rows_from = left_join(prev, alias(paren(registry), "reg"), on)
    parts = [cast(dot(prev, ident("__" + k)), "VARCHAR") for k in contract.key]
    key = concat(parts[0], *(x for p in parts[1:] for x in (_UNIT, p)))
    content = call("concat_ws", _UNIT, *(_as_text(f) for f in fields))
    kept = [dot(prev, ident(c)) for c in (*contract.names, "_line", "_extra") if c in columns]
    names = (*contract.names, *(n for n, _ in contract.extra_columns))
    out = [
        *kept,
        *(dot(prev, ident("__" + n)) for n in names),
        alias(call("nullif", call("concat_ws", lit("; "), *checks), lit("")), "_reason"),
        alias(key, "_key"),
        alias(call("md5", content), "_row_hash"),
    ]
    rows = select_(out, rows_from)
    # Accepted rows keep only their typed values: the text as received is stored for rejected rows alone.
    texts = [alias(case((not_null("_reason"), ident(n))), ident(n)) for n in contract.names if n in columns]
    return with_(ctes, select_([star_replace(texts)], paren(rows)) if texts else rows)


def accepted(contract: Contract, typed: str, columns: set[str]) -> str:
    """Rows that pass every rule, with the contract's column names and derived columns."""
    names = [*contract.names, *(n for n, _ in contract.extra_columns)]
    extra = ["_extra"] if "_extra" in columns else []
    cols = [alias(ident("__" + n), ident(n)) for n in names]
    return select_([*cols, "_key", "_row_hash", "_line", *extra], typed, where=is_null("_reason"))


def rejected(contract: Contract, typed: str, columns: set[str], date_column: str | None) -> str:
    """Rows that fail a rule, as received, with their reason, key and (when readable) partition date."""
    extra = ["_extra"] if "_extra" in columns else []
    day = ident("__" + date_column) if date_column else cast(lit(None), "DATE")
    cols = [*map(ident, contract.names), "_reason", "_row_hash", "_line", "_key", alias(day, "_partition_date")]
    return select_([*cols, *extra], typed, where=not_null("_reason"))


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
    con: duckdb.DuckDBPyConnection,
    table: str,
    contract: Contract,
    frame: pl.LazyFrame,
    conv: Conventions | None,
    rules: Rules,
    registry: pl.DataFrame | None = None,
    rows: int = 500_000,
) -> set[str]:
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
        con.execute(temp_table(table, select(contract, conv, "landing_rows", columns, rules)))
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
