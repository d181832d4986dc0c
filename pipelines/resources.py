"""The warehouse: one DuckDB file, opened by one writer at a time (the `duckdb` pool sees to that)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from string import Template

import dagster as dg
import duckdb

from models import ddl
from pipelines import migrate
from pipelines.config import SQL_DIR, settings

POOL = "duckdb"
_LOCK_WAIT_S = 60.0  # outside Dagster's pool (e.g. a notebook holding the file) wait this long, then fail


class WarehouseLockedError(Exception):
    """Another process holds the warehouse file."""


@cache
def sql(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def render(name: str, **identifiers: str | tuple[str, ...]) -> str:
    """`sql/<name>.sql` with `$name` identifiers from the code filled in, quoted (a tuple: a column list).

    Only identifiers are templated, never values: those stay `?` parameters.
    """
    return Template(sql(name)).substitute(
        {k: ", ".join(map(ddl.q, v)) if isinstance(v, tuple) else ddl.qualified(v) for k, v in identifiers.items()}
    )


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting a bounded time for another process's lock; a writer brings its schema up to date.

    A writer applies pending migrations (`pipelines.migrate`); a reader only checks the schema version. Both
    refuse a warehouse newer than the code with a one-line `WarehouseSchemaError`.
    """
    deadline = time.monotonic() + _LOCK_WAIT_S
    delay = 0.2
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only, config={"memory_limit": settings().duckdb_memory})
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise WarehouseLockedError(f"{path}: the warehouse is in use by another process ({exc})") from None
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    try:
        if read_only:
            migrate.check(con, path)  # a reader cannot migrate: it refuses a warehouse that does not fit the code
        else:
            migrate.upgrade(con, path)  # pending migrations, all in one transaction (sql/migrations/)
    except BaseException:
        con.close()
        raise
    return con


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file; the path defaults to `$SENTRA_DATA_DIR/warehouse.duckdb`."""

    path: str = ""

    def resolved_path(self) -> str:
        return self.path or str(settings().warehouse)

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.resolved_path())
        try:
            yield con
        finally:
            con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure anywhere inside rolls the whole unit back."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def overwrite(
    con: duckdb.DuckDBPyConnection,
    table: str,
    select_sql: str,
    start: object,
    end: object,
    date_col: str = "date",
    params: list[object] | None = None,
) -> int:
    """Delete `[start, end)` of `table`, insert `select_sql`, count rows; in the caller's transaction."""
    target, col = ddl.qualified(table), ddl.q(date_col)
    con.execute(f"DELETE FROM {target} WHERE {col} >= ? AND {col} < ?", [start, end])  # noqa: S608
    con.execute(f"INSERT INTO {target} BY NAME {select_sql}", [start, end] if params is None else params)
    count = f"SELECT count(*) FROM {target} WHERE {col} >= ? AND {col} < ?"  # noqa: S608
    return int(con.execute(count, [start, end]).fetchall()[0][0])
