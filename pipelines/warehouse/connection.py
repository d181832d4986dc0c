"""The warehouse: one DuckDB file opened by one writer at a time (the `duckdb` pool sees to that), or a
DuckLake many processes write at once (`pipelines.lake`, docs/DEPLOY.md)."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import dagster as dg
import duckdb

from pipelines.core.config import Settings, settings
from pipelines.core.errors import WarehouseLockedError
from pipelines.warehouse import lake, leftovers, migrate
from pipelines.warehouse.sqlfiles import render as render
from pipelines.warehouse.sqlfiles import sql
from pipelines.warehouse.transactions import transaction as transaction

POOL = "duckdb"
CONFLICT_RETRIES = 5
T = TypeVar("T")
_LOCK_WAIT_S = 60.0  # outside Dagster's pool (e.g. a notebook holding the file) wait this long, then fail


def connect(
    path: str, read_only: bool = False, memory: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting a bounded time for another process's lock; a writer brings its schema up to date.

    A writer applies pending migrations (`pipelines.warehouse.migrate`); a reader only checks the schema version.
    Both refuse a warehouse newer than the code with a one-line `WarehouseSchemaError`. DuckDB's `memory` limit
    and `threads`: the Dagster resource's, else (the CLI's own reads) the environment's settings.
    """
    if memory is None or threads is None:
        s = settings()
        memory, threads = memory or s.duckdb_memory, threads if threads is not None else s.duckdb_threads
    if lake.is_lake(path):
        return _connect_lake(path, read_only, memory, threads)
    deadline = time.monotonic() + _LOCK_WAIT_S
    delay = 0.2
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only, config={"memory_limit": memory})
            break
        except duckdb.IOException as exc:
            _refuse_newer(path, exc)
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() > deadline:
                raise WarehouseLockedError(f"{path}: the warehouse is in use by another process ({exc})") from None
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    try:
        if threads:
            con.execute(f"SET threads = {threads:d}")
        if read_only:
            migrate.check(con, path)  # a reader cannot migrate: it refuses a warehouse that does not fit the code
        else:
            migrate.upgrade(con, path)  # pending migrations, all in one transaction (sql/migrations/)
            leftovers.sweep(con, path)  # a file whose ingest was killed part-way (pipelines/warehouse/leftovers.py)
    except BaseException:
        con.close()
        raise
    return con


def _connect_lake(target: str, read_only: bool, memory: str, threads: int | None) -> duckdb.DuckDBPyConnection:
    con = lake.open_lake(target, memory, read_only)
    try:
        if threads:
            con.execute(f"SET threads = {threads:d}")
        if read_only:
            migrate.check(con, target)
        else:
            lake.create_schema(con, target)  # first writers racing to create it: handled there
    except BaseException:
        con.close()
        raise
    return con


def retry_conflicts(work: Callable[[], T], attempts: int = 5) -> T:
    """Run `work` again when a DuckLake commit lost to another writer's, a bounded number of times."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except duckdb.Error as exc:
            if not lake.is_conflict(exc) or attempt == attempts:
                raise
            time.sleep(random.uniform(0.1, 0.5) * attempt)
    raise AssertionError("unreachable")


# The settings as a Dagster resource (`sentra`): run-time code (assets, sensors) reads its folders from it,
# never from the environment.
Sentra = dg.ResourceParam[Settings]


class Warehouse(dg.ConfigurableResource):
    """The warehouse: a DuckDB file (default `$SENTRA_DATA_DIR/warehouse.duckdb`) or a DuckLake
    (`SENTRA_WAREHOUSE=ducklake:postgres:…`); assets cannot tell which. `pipelines.definitions.build` sets its
    fields from the settings."""

    path: str
    memory: str
    threads: int = 0  # 0: one per core

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writer's connection. A lake commit that lost to another writer's retries the whole step
        (Dagster's retry, bounded): every unit of work is a transaction, so what committed stays and is
        skipped or replaced identically the second time."""
        con = connect(self.path, memory=self.memory, threads=self.threads)
        try:
            yield con
        except duckdb.Error as exc:
            if lake.is_lake(self.path) and lake.is_conflict(exc):
                raise dg.RetryRequested(max_retries=CONFLICT_RETRIES, seconds_to_wait=random.uniform(1, 5)) from exc
            raise
        finally:
            con.close()


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def size_bytes(text: str) -> int | None:
    """A DuckDB size setting ("512MB", "1.5 GiB") in bytes; None for one it is not (a percentage)."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    if found is None or found.group(2).lower() not in _UNITS:
        return None
    return int(float(found.group(1)) * _UNITS[found.group(2).lower()])


@contextmanager
def memory_at_most(con: duckdb.DuckDBPyConnection, configured: str, limit: str) -> Iterator[None]:
    """DuckDB's memory limit lowered from `configured` to `limit` for the block, never raised. DuckDB caches
    blocks up to its limit; work whose working set is bounded (ingest's batches) runs as fast below it."""
    low, high = size_bytes(limit), size_bytes(configured)
    if low is None or high is None or low >= high:
        yield
        return
    con.execute(f"SET memory_limit = '{low}B'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{high}B'")


def pool(asset: str, s: Settings, versioned: bool = False) -> str | None:
    """The Dagster pool of a step that writes the warehouse. A file has one writer: every step shares pool
    `duckdb` (limit 1). A lake takes many. Steps that write versions (`pipelines.warehouse.versions`) only append,
    and appends never conflict, so they take no pool: many workers write days and months of one table at once.
    The others (ingest, publishing) still delete or update in place, which DuckLake refuses between concurrent
    writers of a table, so they keep one pool per asset."""
    if not s.is_lake:
        return POOL
    return None if versioned else f"lake_{asset}"


def reader_now(target: str) -> duckdb.DuckDBPyConnection | None:
    """Read-only, without waiting (a status must not wait for a step): None while a step holds the file.
    A lake never makes readers wait."""
    if lake.is_lake(target):
        return connect(target, read_only=True)
    try:
        return duckdb.connect(target, read_only=True)
    except duckdb.IOException as exc:
        _refuse_newer(target, exc)
        if "lock" not in str(exc).lower():
            raise
        return None


def _refuse_newer(path: str, exc: duckdb.IOException) -> None:
    """A warehouse of another DuckDB storage version, said in one line with the fix (every command alike)."""
    if "newer version of duckdb" in str(exc).lower():
        raise migrate.WarehouseSchemaError(
            f"{path}: written by a newer DuckDB than this Sentra's {duckdb.__version__} (Sentra before the "
            f"scale profile used DuckDB 2.0.1): convert it once with `make convert-warehouse WAREHOUSE={path}`"
        ) from None


def exists(target: str) -> bool:
    """Whether there is a warehouse to read (a lake is always there: its first writer creates the schema)."""
    return lake.is_lake(target) or Path(target).exists()


def on_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` is a lake's connection (many writers at once) rather than a warehouse file's (one)."""
    return bool(con.execute("SELECT current_database()").fetchall()[0][0] == lake.NAME)


def next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    """A new `raw.files.file_id`, unique even when many processes ingest into one lake at once."""
    if on_lake(con):
        return lake.next_file_id(con)
    return int(con.execute(sql("next_file_id")).fetchall()[0][0])
