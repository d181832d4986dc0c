"""Tier 1: `pipelines.warehouse.sqlbuild` quotes and composes SQL text exactly, and the typing statement the
ingest builds with it (`pipelines.ingest.rowsql`) is well-formed SQL for every contract: DuckDB binds it."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pyarrow as pa
import pytest

from models.contracts import CONTRACTS, Contract
from pipelines.ingest import rowsql
from pipelines.ingest.conventions import Conventions
from pipelines.ingest.load import PARTITION_DATE
from pipelines.ingest.settings import IngestSettings
from pipelines.warehouse import sqlbuild as b

TIER = "pure"  # tests/conftest.py: the runner's tiers


def _one(query: str) -> object:
    return duckdb.sql(query).fetchall()[0][0]


# --------------------------------------------------------------------------------------------------
# Names and values


@pytest.mark.parametrize("name", ["plain", "with space", 'a "quoted" name', '"', "x; DROP TABLE t; --", "Ünï"])
def test_an_identifier_is_quoted_and_names_exactly_itself(name: str) -> None:
    quoted = b.ident(name)
    assert quoted.startswith('"') and quoted.endswith('"')
    columns = duckdb.sql(f"SELECT 1 AS {quoted}").columns  # noqa: S608 - the quoting under test
    assert columns == [name]


def test_identifier_quoting_doubles_quotes_and_refuses_the_unnameable() -> None:
    assert b.ident("a") == '"a"'
    assert b.ident('say "hi"') == '"say ""hi"""'
    for bad in ("", "a\x00b"):
        with pytest.raises(ValueError):
            b.ident(bad)


@pytest.mark.parametrize("text", ["", "it's", "''", "back\\slash \\1", "; DROP TABLE t; --", "Rp1.000 … ünï", "\n\t"])
def test_a_text_literal_reads_back_as_itself(text: str) -> None:
    assert _one(f"SELECT {b.lit(text)}") == text  # noqa: S608 - the quoting under test


def test_literals_of_each_kind() -> None:
    assert b.lit("it's") == "'it''s'"
    assert b.lit(None) == "NULL"
    assert b.lit(True) == "true" and b.lit(False) == "false"
    assert b.lit(-1) == "-1" and b.lit(0.5) == "0.5" and b.lit(0.0) == "0.0"
    assert b.lit(date(2025, 1, 31)) == "DATE '2025-01-31'"
    assert b.lit(datetime(1964, 1, 1)) == "TIMESTAMP '1964-01-01 00:00:00'"
    got = duckdb.sql(
        "SELECT " + b.commas([b.lit(None), b.lit(True), b.lit(-7), b.lit(2.5), b.lit(date(2025, 1, 31))])
    ).fetchall()[0]
    assert got == (None, True, -7, 2.5, date(2025, 1, 31))
    with pytest.raises(ValueError):
        b.lit(float("inf"))
    with pytest.raises(ValueError):
        b.lit("a\x00b")
    with pytest.raises(TypeError):
        b.lit(b"bytes")  # type: ignore[arg-type]


def test_names_operators_and_types_are_checked() -> None:
    assert b.dot("s0", b.ident("x")) == 's0."x"' and b.dot(b.ident("x__n"), "a") == '"x__n".a'
    refused = [
        lambda: b.alias("1", "x; DROP TABLE t"),
        lambda: b.dot("s0", "a b"),
        lambda: b.call("f(1); g", "x"),
        lambda: b.cast("x", "INT; DROP"),
        lambda: b.try_cast("x", "varchar"),
        lambda: b.op("a", "OR 1=1 --", "b"),
        lambda: b.cte("a b", "SELECT 1"),
        lambda: b.temp_table("t; --", "SELECT 1"),
        lambda: b.case(),
    ]
    for bad in refused:
        with pytest.raises(ValueError):
            bad()


# --------------------------------------------------------------------------------------------------
# Composition


def test_expressions_compose_as_written() -> None:
    x = b.ident("x")
    assert b.call("lower", x) == 'lower("x")'
    assert b.call("chr", b.lit(31)) == "chr(31)"
    assert b.alias(b.call("lower", x), b.ident("y")) == 'lower("x") AS "y"'
    assert b.cast(b.paren(b.op(x, "+", b.lit(1))), "VARCHAR") == '("x" + 1)::VARCHAR'
    assert b.try_cast(x, "DECIMAL(18,4)") == 'TRY_CAST("x" AS DECIMAL(18,4))'
    assert b.concat(b.lit("a"), x, b.lit("'")) == "'a' || \"x\" || ''''"
    assert b.and_(b.is_null(x), b.not_(b.not_null(x))) == '"x" IS NULL AND NOT "x" IS NOT NULL'
    assert b.or_(b.op(x, "<", b.lit(1)), b.op(x, ">", b.lit(9))) == '"x" < 1 OR "x" > 9'
    assert b.between(x, b.lit("!"), b.lit("~")) == "\"x\" BETWEEN '!' AND '~'"
    assert b.in_(x, [b.lit("a"), b.lit("b")], negate=True) == "\"x\" NOT IN ('a', 'b')"
    assert b.array(b.lit("d"), b.lit("hm")) == "['d', 'hm']"


def test_case_with_and_without_else_and_its_nulls() -> None:
    x = b.ident("x")
    when = (b.is_null(x), b.lit("missing"))
    assert b.case(when) == "CASE WHEN \"x\" IS NULL THEN 'missing' END"
    assert b.case(when, else_=x) == 'CASE WHEN "x" IS NULL THEN \'missing\' ELSE "x" END'
    assert b.case(when, else_=b.lit(None)).endswith("ELSE NULL END")
    assert b.case((b.lit("a"), b.lit(1)), on=x, else_=b.lit(0)) == "CASE \"x\" WHEN 'a' THEN 1 ELSE 0 END"
    rows = duckdb.sql(
        b.select(
            [b.alias(b.case(when), "no_else"), b.alias(b.case((b.lit("a"), b.lit(1)), on=x, else_=b.lit(0)), "coded")],
            "(VALUES ('a'), (NULL), ('b')) AS t(x)",
        )
    )
    assert rows.fetchall() == [(None, 1), ("missing", 0), (None, 0)]


def test_queries_compose_and_run() -> None:
    inner = b.select(["*", b.alias(b.op(b.ident("n"), "*", b.lit(2)), b.ident("twice"))], "numbers")
    stage = b.cte("s0", inner, materialized=False)
    assert stage == 's0 AS NOT MATERIALIZED (SELECT *, "n" * 2 AS "twice" FROM numbers)'
    assert b.cte("s0", "SELECT 1") == "s0 AS (SELECT 1)"
    texts = b.star_replace([b.alias(b.case((b.not_null("hidden"), b.ident("n"))), b.ident("n"))])
    query = b.with_(
        [b.cte("numbers", "SELECT range AS n, nullif(range, 1) AS hidden FROM range(4)"), stage],
        b.select([texts], b.paren(b.select(["*"], "s0", where=b.op(b.ident("n"), "<>", b.lit(0))))),
    )
    con = duckdb.connect()
    con.execute(b.temp_table("out", query))
    assert con.sql("SELECT n, twice FROM out ORDER BY twice").fetchall() == [(None, 2), (2, 4), (3, 6)]
    joined = b.left_join("s0", b.alias(b.paren(b.select(["1 AS k"], "range(1)")), "r"), b.op("r.k", "=", "s0.n"))
    assert joined == "s0 LEFT JOIN (SELECT 1 AS k FROM range(1)) AS r ON r.k = s0.n"


# --------------------------------------------------------------------------------------------------
# The typing statement of every contract parses and binds


def _landing(contract: Contract, extras: bool) -> pa.Table:
    names = [*contract.names, *(["_extra", "_reject"] if extras else [])]
    columns = {n: pa.array([], pa.string()) for n in names} | {"_line": pa.array([], pa.int64())}
    return pa.table(columns)


def _rules(contract: Contract) -> rowsql.Rules:
    limits = IngestSettings()
    date_column = PARTITION_DATE.get(contract.source, (None,))[0]
    return rowsql.Rules(
        registry=contract.registry_checked,
        sale_min_idr={**limits.sale_min_idr, "makanan": 2_000, "it's odd": 5},
        sale_max_idr=limits.sale_max_idr,
        first_day=date(2025, 1, 1) if date_column else None,
        last_day=date(2025, 1, 31) if date_column else None,
        date_column=date_column,
    )


@pytest.mark.parametrize("source", sorted(CONTRACTS))
@pytest.mark.parametrize("variant", ["plain", "conventions"])
def test_the_typing_statement_of_each_contract_binds_in_duckdb(source: str, variant: str) -> None:
    contract = CONTRACTS[source]
    dated = [f.name for f in contract.fields if f.kind in ("date", "timestamp")]
    numeric = [f.name for f in contract.fields if f.kind in ("int", "decimal")]
    conv = (
        Conventions(date_order=dict.fromkeys(dated, "mdy"), numbers=dict.fromkeys(numeric, "en"),
                    trimmed=set(contract.names[::2]), digits=set(numeric[:1]))
        if variant == "conventions" else None
    )  # fmt: skip
    extras = variant == "conventions"
    rules = _rules(contract) if variant == "conventions" else rowsql.Rules()
    con = duckdb.connect()
    landing = _landing(contract, extras)
    con.register("landing_rows", landing)
    con.register("registry", pa.table({n: pa.array([], pa.string()) for n in ("producer_id", "category")}))
    query = rowsql.select(contract, conv, "landing_rows", set(landing.column_names), rules)
    con.execute("EXPLAIN " + query)  # a malformed build fails here, naming the error
    con.execute(b.temp_table("typed", query))
    typed = con.sql("SELECT * FROM typed").columns
    assert {"_reason", "_key", "_row_hash", *(f"__{n}" for n in contract.names)} <= set(typed)
    date_column = PARTITION_DATE.get(contract.source, (None,))[0]
    for statement in (
        rowsql.accepted(contract, "typed", set(landing.column_names)),
        rowsql.rejected(contract, "typed", set(landing.column_names), date_column),
    ):
        con.execute("EXPLAIN " + statement)
        assert con.sql(statement).fetchall() == []
