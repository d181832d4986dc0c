"""The warehouse as a DuckLake: catalog in PostgreSQL, data as Parquet under `SENTRA_LAKE_DATA_PATH`.

Chosen by configuration: `SENTRA_WAREHOUSE=ducklake:postgres:<libpq DSN>` (docs/DEPLOY.md). Many processes
write it at once; `pipelines.warehouse.connection.connect` opens it like the file and the rest of Sentra cannot tell.

- Extensions are never downloaded: DuckDB loads the `ducklake` and `postgres` wheels' files.
- The lake's schema is the file's: the migrations are applied to an in-memory DuckDB and its tables and
  views are created in the lake without what DuckLake lacks (primary keys, sequences). File ids come from
  a PostgreSQL sequence in the catalog's database, so concurrent ingests never share one; so do partition
  versions (`pipelines.warehouse.versions`).
"""

from __future__ import annotations

import importlib.util
import os
import random
import time
from pathlib import Path

import duckdb

from pipelines.core.errors import UserError
from pipelines.warehouse import migrate
from pipelines.warehouse.sqlfiles import sql

PREFIX = "ducklake:"
NAME = "lake"  # the attached catalog's name in every connection
CATALOG = "lake_catalog"  # the catalog's PostgreSQL database, attached to reach its file-id sequence (sql/lake_*)
_CREATE_RACE_ATTEMPTS = 5  # first writers of a new lake racing to create it: see open_lake, create_schema
_EXTENSIONS = {
    "ducklake": ("duckdb_extension_ducklake", "ducklake"),
    "postgres_scanner": ("duckdb_extension_postgres", "postgres"),
}


class LakeError(UserError):
    """The lake cannot be opened or its schema does not fit: one line."""


def is_lake(target: str) -> bool:
    return target.startswith(PREFIX)


def catalog_dsn(target: str) -> str:
    """`ducklake:postgres:<dsn>` → `<dsn>`."""
    kind, _, dsn = target[len(PREFIX) :].partition(":")
    if kind != "postgres" or not dsn:
        raise LakeError(
            f"SENTRA_WAREHOUSE={target!r}: a lake is `ducklake:postgres:<libpq DSN>` (catalog in PostgreSQL)"
        )
    return dsn


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _extension_dir() -> Path:
    """A DuckDB extension folder made of the PyPI wheels' files (named as DuckDB's `LOAD` expects)."""
    folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sentra" / "duckdb-extensions"
    folder = folder / f"v{duckdb.__version__}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (package, file) in _EXTENSIONS.items():
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise LakeError(f"the DuckDB extension {name} is not installed: pip install {package.replace('_', '-')}")
        src = Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{file}.duckdb_extension"
        if not src.exists():
            raise LakeError(f"{src}: no {name} extension for DuckDB {duckdb.__version__} (the lake needs DuckDB 1.5.5)")
        dst = folder / f"{name}.duckdb_extension"
        if not dst.exists():
            tmp = dst.with_suffix(f".{os.getpid()}.tmp")
            tmp.symlink_to(src)
            os.replace(tmp, dst)  # two processes starting at once both end with the same link
    return folder


def data_path() -> str:
    path = os.environ.get("SENTRA_LAKE_DATA_PATH", "").strip()
    if not path:
        raise LakeError("SENTRA_LAKE_DATA_PATH is not set: the lake's Parquet folder (a shared path or s3://…)")
    if "://" not in path:
        Path(path).mkdir(parents=True, exist_ok=True)
    return path


def open_lake(target: str, memory_limit: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `lake` and in use (temp tables stay local).

    The first processes to open a new lake race to create DuckLake's catalog tables in PostgreSQL, and all
    but one fail ("duplicate key value violates unique constraint", measured with four writers starting at
    once): the catalog then exists, so opening again succeeds. Bounded, with a random pause."""
    for attempt in range(1, _CREATE_RACE_ATTEMPTS + 1):
        try:
            return _open(target, memory_limit, read_only)
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0]
            if not ("duplicate key" in first or "already exists" in first) or attempt == _CREATE_RACE_ATTEMPTS:
                raise LakeError(f"{target}: the lake cannot be opened: {first}") from None
            time.sleep(random.uniform(0.2, 1.0) * attempt)
    raise AssertionError("unreachable")


def _open(target: str, memory_limit: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    dsn = catalog_dsn(target)
    config = {"memory_limit": memory_limit, "autoinstall_known_extensions": False, "autoload_known_extensions": False}
    con = duckdb.connect(config=config)
    try:
        folder = _extension_dir()
        for name in _EXTENSIONS:
            con.execute(f"LOAD {_literal(str(folder / f'{name}.duckdb_extension'))}")
        options = f"DATA_PATH {_literal(data_path())}" + (", READ_ONLY" if read_only else "")
        con.execute(f"ATTACH {_literal(target)} AS {NAME} ({options})")
        con.execute(f"ATTACH {_literal(dsn)} AS {CATALOG} (TYPE postgres{', READ_ONLY' if read_only else ''})")
        con.execute(f"USE {NAME}")
    except BaseException:
        con.close()
        raise
    return con


def read_only_attach(target: str) -> str:
    """How an economist's own DuckDB session reads the lake: attached read-only, no copy and no lock."""
    return f"ATTACH {_literal(target)} AS sentra (DATA_PATH {_literal(data_path())}, READ_ONLY)"


def _reference_schema() -> duckdb.DuckDBPyConnection:
    """The file warehouse's schema, in memory: every migration applied."""
    ref = duckdb.connect()
    migrate.upgrade(ref, ":memory:")
    return ref


def _columns(ref: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    cols = ref.execute(sql("lake_reference_columns"), [schema, table]).fetchall()
    parts = []
    for name, dtype, nullable, default in cols:
        part = f'"{name}" {dtype}' + ("" if nullable else " NOT NULL")
        parts.append(part + (f" DEFAULT {default}" if default is not None and "nextval" not in default else ""))
    return ", ".join(parts)


def create_schema(con: duckdb.DuckDBPyConnection, target: str) -> bool:
    """Bring an empty lake to the code's schema in one transaction; check a lake that has one. True if created.

    Several first writers of a new lake race to create it (four writers starting at once did): all but one fail
    on a table or PostgreSQL sequence the winner made ("already exists", "duplicate key"). A loser waits and
    looks again: once the winner has committed, the lake is at the code's version and there is nothing to do."""
    code = migrate.latest()
    for attempt in range(1, _CREATE_RACE_ATTEMPTS + 1):
        current = migrate.version(con)
        if current == code:
            return False
        if current:
            raise LakeError(
                f"{target}: the lake is at schema version {current}, this Sentra expects {code}; lakes are created "
                "at the latest schema and not migrated in place yet (docs/DEPLOY.md, 'Upgrades')"
            )
        try:
            _create(con)
            return True
        except duckdb.Error as exc:
            if not _lost_race(exc) or attempt == _CREATE_RACE_ATTEMPTS:
                raise
            time.sleep(random.uniform(0.2, 1.0) * attempt)
    raise AssertionError("unreachable")


def _lost_race(exc: duckdb.Error) -> bool:
    text = str(exc)
    return "already exists" in text or "duplicate key" in text or is_conflict(exc)


def _create(con: duckdb.DuckDBPyConnection) -> None:
    """The reference schema's tables, views, schema version and PostgreSQL sequences, in one transaction."""
    ref = _reference_schema()
    try:
        tables = ref.execute(sql("lake_reference_tables")).fetchall()
        views = ref.execute(sql("lake_reference_views")).fetchall()
        con.execute("BEGIN TRANSACTION")
        try:
            for schema in sorted({s for s, _ in tables}):
                con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            for schema, table in tables:
                con.execute(f'CREATE TABLE "{schema}"."{table}" ({_columns(ref, schema, table)})')
            for (view,) in views:
                con.execute(view)
            rows = ref.execute("SELECT * FROM meta.schema_version ORDER BY version").fetchall()
            con.executemany("INSERT INTO meta.schema_version VALUES (?, ?, ?, ?)", rows)
            con.execute(sql("lake_file_id_sequence"))
            con.execute(sql("lake_version_sequence"))
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        ref.close()


def next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    """The next file id from PostgreSQL's sequence: unique across every process writing the lake."""
    return int(con.execute(sql("lake_next_file_id")).fetchall()[0][0])


def is_conflict(exc: BaseException) -> bool:
    """A DuckLake commit that lost to another writer's (retrying the unit of work is safe)."""
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()
