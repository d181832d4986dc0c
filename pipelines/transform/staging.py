"""Staging: each table's rows computed into the temporary table `candidate` (what the checks judge before
anything is written), and the whole tables' new versions (`pipelines.warehouse.versions`). `_partition` says
each row's partition.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from pipelines.warehouse import versions
from pipelines.warehouse.connection import render, sql, transaction


def stage(con: duckdb.DuckDBPyConnection, name: str, params: list | None = None, partition: str = "NULL::DATE") -> None:
    """`sql/<name>.sql`'s rows into the temporary table `candidate`, with `_partition` (a column, or NULL)."""
    query = f"CREATE OR REPLACE TEMP TABLE candidate AS SELECT *, {partition} AS _partition FROM ({sql(name)})"  # noqa: S608
    con.execute(query, params or [])


def stage_exports(con: duckdb.DuckDBPyConnection, start: date, end: date, weight_bounds: pl.DataFrame) -> None:
    """A month's items valued in IDR and USD (`valued`, those without a usable rate marked), then `candidate`."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE valued AS {sql('stg_exports')}", [start, end])
    con.register("weight_bounds", weight_bounds.to_arrow())
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE candidate AS {sql('stg_exports_candidate')}")
    finally:
        con.unregister("weight_bounds")


def quarantine_unrated(con: duckdb.DuckDBPyConnection, start: date, end: date) -> int:
    """Items of [start, end) with no usable rate join the quarantine (replacing those held before); how many.
    Nothing is deleted when nothing was held: on a lake a delete conflicts with every concurrent write of the
    quarantine (ingest, other months), so the usual month, with every rate known, only reads."""
    unrated = int(con.execute("SELECT count(*) FROM valued WHERE missing_rate IS NOT NULL").fetchall()[0][0])
    with transaction(con):
        if con.execute(sql("quarantine_unrated_exports_held"), [start, end]).fetchall()[0][0]:
            con.execute(sql("quarantine_unrated_exports_delete"), [start, end])
        if unrated:
            con.execute(f"INSERT INTO quarantine.exports BY NAME {sql('quarantine_unrated_exports')}")
    return unrated


def replace_whole(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> int:
    """The candidate's rows as `table`'s new version, in one transaction; the rows it now has."""
    return versions.write_whole(con, table, "SELECT * EXCLUDE (_partition) FROM candidate", run_id)


def source_version(con: duckdb.DuckDBPyConnection, raw: str) -> str:
    """A whole table's input in brief: its current rows in raw and the newest file among them."""
    rows, newest = con.execute(render("raw_version", raw=raw)).fetchall()[0]
    return f"{rows} current rows, newest file {newest}"
