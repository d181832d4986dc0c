"""A lake's storage given back after compaction: DuckLake's own maintenance, never home-made.

Compaction (`pipelines.warehouse.versions.compact`) deletes superseded versions' rows, but on a lake that only
ends the rows in the current snapshot: DuckLake keeps every older snapshot, and the Parquet files they refer to,
until they are expired. Without this, a lake grows by every version ever written. After compaction, on a lake:

1. files at least half deleted are rewritten without their deleted rows, and small files (a day's version
   each) merged, so reads open fewer files;
2. snapshots older than the retention are expired: the files only they refer to are scheduled for deletion;
3. files scheduled for deletion longer ago than the retention are deleted from storage.

So a file leaves storage at least the retention after it stopped being current (two runs apart by default):
a long read, or a backup of the catalog copied with its files within that time, still finds every file.
A warehouse file is left as it is: DuckDB keeps no snapshots, and reuses freed blocks within the file.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.warehouse import lake
from pipelines.warehouse.connection import retry_conflicts, sql

# A file at least this share deleted is rewritten: below it, reads scan less than twice the rows they return.
REWRITE_DELETED_SHARE = 0.5


@dataclass(frozen=True)
class Reclaimed:
    """What one pass did: data files rewritten or merged, snapshots expired, files deleted from storage."""

    files_rewritten: int
    files_merged: int
    snapshots_expired: int
    files_deleted: int


def _files_processed(rows: list[tuple[object, ...]]) -> int:
    """The `files_processed` column (third) of DuckLake's rewrite and merge results, one row per table."""
    return sum(int(r[2]) for r in rows)  # type: ignore[call-overload]


def reclaim(con: duckdb.DuckDBPyConnection, retention_days: int) -> Reclaimed:
    """Rewrite, merge, expire and clean the lake `con` is connected to; each call its own commit, retried
    should it lose to a concurrent writer's."""

    def call(name: str, *params: object) -> list[tuple[object, ...]]:
        return retry_conflicts(lambda: con.execute(sql(name), [lake.NAME, *params]).fetchall())

    rewritten = _files_processed(call("lake_rewrite_files", REWRITE_DELETED_SHARE))
    merged = _files_processed(call("lake_merge_files"))
    expired = len(call("lake_expire_snapshots", retention_days))
    deleted = len(call("lake_cleanup_files", retention_days))
    return Reclaimed(rewritten, merged, expired, deleted)
