"""Partitions written as versions: a write appends, it never deletes, so writers of one table never wait.

Each staging and mart table is `<table>_versions` (every version written, with its `_version`) and a view of
the table's own name showing each partition's latest version (migration `006_partition_versions.sql`).
`meta.partition_versions` records every version: its table, period, rows, run and time. DuckLake checks a
delete against every concurrent write of its table, but lets appends commit side by side
(../shared/STACK-NOTES.md): with versions, many workers write days and months of one table at once.

A blocking check writes no version for its period, so the previous one stays what readers see. Superseded
versions are deleted by `compact` on a schedule (`compact_job`), one table per transaction; the record of every
version stays in `meta.partition_versions`. Published figures keep their own history (`publish.revisions`), so
no superseded mart rows are needed for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from models import ddl
from pipelines.core.periods import periods
from pipelines.warehouse import lake
from pipelines.warehouse.connection import render, retry_conflicts, sql, transaction

# Each versioned table and its partition column (None: the table is written whole).
VERSIONED: dict[str, str | None] = {
    "stg.producers": None,
    "stg.fx_rates": None,
    "stg.transactions": "date",
    "stg.exports": "month",
    "marts.daily_turnover": "date",
    "marts.daily_turnover_by_category": "date",
    "marts.daily_turnover_by_kecamatan": "date",
    "marts.monthly_export_value": "month",
    "marts.monthly_export_value_by_commodity": "month",
    "marts.monthly_export_value_by_destination": "month",
}


def versions_table(table: str) -> str:
    """Where `table`'s versions are stored: `stg.transactions` → `stg.transactions_versions`."""
    if table not in VERSIONED:
        raise ValueError(f"{table} is not a versioned table")
    return f"{table}_versions"


def next_version(con: duckdb.DuckDBPyConnection) -> int:
    """A new version number, unique and increasing across every process writing the warehouse."""
    if con.execute("SELECT current_database()").fetchall()[0][0] == lake.NAME:
        return int(con.execute(sql("lake_next_version")).fetchall()[0][0])
    return int(con.execute(sql("next_version")).fetchall()[0][0])


def write(
    con: duckdb.DuckDBPyConnection,
    table: str,
    select_sql: str,
    start: date,
    end: date,
    run_id: str,
    params: Sequence[object] = (),
    keep: Sequence[date] = (),
) -> int:
    """`select_sql`'s rows as a new version of every partition of `table` in `[start, end)`, except the periods in
    `keep` (held by a blocking check: their latest version stays); the rows the range now shows. Appends only,
    in the caller's transaction: a partition with no rows gets an empty version, which hides the older one."""
    col = VERSIONED[table]
    if col is None:
        raise ValueError(f"{table} is written whole: use write_whole")
    held = list(keep)
    grain = "day" if col == "date" else "month"
    written = [p for p in periods(start, end - timedelta(days=1), grain) if p not in held]
    version = next_version(con)
    stored, c = ddl.qualified(versions_table(table)), ddl.q(col)
    # The new rows come from the caller's statement (a file under sql/, identifiers quoted there).
    insert = (
        f"INSERT INTO {stored} BY NAME SELECT *, ?::BIGINT AS _version FROM ({select_sql}) "  # noqa: S608
        f"WHERE NOT list_contains(?::DATE[], {c})"
    )
    con.execute(insert, [version, *params, held])
    record = render("version_record", versions=versions_table(table), col=col)
    con.execute(record, [table, version, run_id, written, version, start, end])
    return int(con.execute(render("partition_rows", target=table, col=col), [start, end]).fetchall()[0][0])


def write_whole(con: duckdb.DuckDBPyConnection, table: str, select_sql: str, run_id: str) -> int:
    """`select_sql`'s rows as a new version of the whole `table`, in one transaction; the rows it now shows."""
    if VERSIONED[table] is not None:
        raise ValueError(f"{table} is partitioned: use write")
    stored = ddl.qualified(versions_table(table))
    with transaction(con):
        version = next_version(con)
        con.execute(f"INSERT INTO {stored} BY NAME SELECT *, ?::BIGINT AS _version FROM ({select_sql})", [version])  # noqa: S608
        con.execute(render("version_record_whole", versions=versions_table(table)), [table, version, run_id, version])
    return int(con.execute(f"SELECT count(*) FROM {ddl.qualified(table)}").fetchall()[0][0])  # noqa: S608


@dataclass(frozen=True)
class Compacted:
    """What compaction did to one table: superseded rows deleted, and commits that lost to another writer's."""

    table: str
    deleted: int
    conflicts: int


def superseded(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """How many stored rows of `table` a later version superseded (what `compact` would delete)."""
    col = VERSIONED[table]
    stmt = (
        render("version_superseded_whole", versions=versions_table(table))
        if col is None
        else render("version_superseded", versions=versions_table(table), col=col)
    )
    return int(con.execute(stmt, [table]).fetchall()[0][0])


def compact(con: duckdb.DuckDBPyConnection, tables: Sequence[str] | None = None) -> list[Compacted]:
    """Delete every superseded version of `tables` (default: all), one table per transaction. On a lake a
    delete conflicts with a concurrent write of the same table: the table's transaction is retried, counted."""
    out = []
    for table in tables or list(VERSIONED):
        col = VERSIONED[table]
        stmt = (
            render("version_compact_whole", versions=versions_table(table))
            if col is None
            else render("version_compact", versions=versions_table(table), col=col)
        )
        attempts = 0

        def once(stmt: str = stmt, table: str = table) -> int:
            nonlocal attempts
            attempts += 1
            with transaction(con):
                return int(con.execute(stmt, [table]).fetchall()[0][0])

        deleted = retry_conflicts(once)
        out.append(Compacted(table, deleted, attempts - 1))
    return out
