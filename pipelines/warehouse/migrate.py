"""Warehouse schema migrations: numbered SQL files, applied in order, every pending one in one transaction.

`sql/migrations/NNN_name.sql` (NNN = 001, 002, … without gaps) each hold one or more statements. The
warehouse records what it has applied in `meta.schema_version`. A writer (`connect()`) applies what is
pending, all or nothing; a reader only checks. A warehouse newer than the code is refused either way,
and so is, for readers, one that still needs migrations (a read-only connection cannot apply them).

A warehouse written before migrations existed (tables, no `meta.schema_version`) is at version 0:
`001_baseline.sql` is written to apply to it as well as to an empty file (`IF NOT EXISTS` throughout).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.core.config import SQL_DIR
from pipelines.core.errors import UserError

MIGRATIONS_DIR = SQL_DIR / "migrations"
_FILE = re.compile(r"(\d{3})_([a-z0-9_]+)\.sql")
_LOCK = threading.Lock()  # two connections of one process must not both migrate the same file

_VERSION_TABLE = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.schema_version (
    version    INTEGER PRIMARY KEY,  -- the migration's number, NNN in sql/migrations/NNN_name.sql
    name       VARCHAR NOT NULL,     -- its file name
    applied_at TIMESTAMP NOT NULL,   -- UTC
    checksum   VARCHAR NOT NULL      -- sha256 of the file as applied
);
"""


class WarehouseSchemaError(UserError):
    """The warehouse's schema does not fit this Sentra, or a migration failed: one line, no traceback."""


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def migrations(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations in `folder`, in order; numbered 1, 2, … with no gap or repeat (a mistake fails here)."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        m = _FILE.fullmatch(path.name)
        if m is None:
            raise ValueError(f"{path}: a migration is named NNN_name.sql (three digits, lower-case name)")
        found.append(Migration(int(m.group(1)), path))
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise ValueError(f"{mig.path}: expected migration number {expected:03d} here (numbers run 001, 002, …)")
    return found


def latest(folder: Path = MIGRATIONS_DIR) -> int:
    """The schema version this code expects: its last migration's number."""
    found = migrations(folder)
    return found[-1].version if found else 0


def version(con: duckdb.DuckDBPyConnection) -> int:
    """The warehouse's schema version: 0 for an empty file or one written before migrations existed."""
    (exists,) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'schema_version'"
    ).fetchall()[0]
    if not exists:
        return 0
    return int(con.execute("SELECT coalesce(max(version), 0) FROM meta.schema_version").fetchall()[0][0])


def _refuse_newer(path: str, current: int, code: int) -> None:
    if current > code:
        raise WarehouseSchemaError(
            f"{path}: the warehouse is at schema version {current}, newer than this Sentra ({code}): "
            "upgrade Sentra, or point SENTRA_WAREHOUSE at another file"
        )


def check(con: duckdb.DuckDBPyConnection, path: str, folder: Path = MIGRATIONS_DIR) -> int:
    """For a read-only connection: refuse a warehouse that is newer than the code or still needs migrations."""
    current, code = version(con), latest(folder)
    _refuse_newer(path, current, code)
    if current < code:
        raise WarehouseSchemaError(
            f"{path}: the warehouse is at schema version {current}, older than this Sentra ({code}): "
            "the next run that writes to it (`sentra run`, or any Dagster run) upgrades it"
        )
    return current


def upgrade(con: duckdb.DuckDBPyConnection, path: str, folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply every pending migration in one transaction (all or none); return those applied."""
    todo = migrations(folder)
    with _LOCK:
        current = version(con)
        _refuse_newer(path, current, len(todo))
        pending = todo[current:]
        if not pending:
            return []
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_VERSION_TABLE)
            for mig in pending:
                _apply(con, mig, path)
                con.execute(
                    "INSERT INTO meta.schema_version VALUES (?, ?, timezone('UTC', now()), ?)",
                    [mig.version, mig.name, mig.checksum],
                )
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    return pending


def _apply(con: duckdb.DuckDBPyConnection, mig: Migration, path: str) -> None:
    """Run one migration's statements; a failure names the file, the statement's line and DuckDB's error."""
    text = mig.text
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise WarehouseSchemaError(
            f"{path}: migration {mig.name} cannot be parsed, nothing was applied: {_first(exc)}"
        ) from None
    end = 0
    for stmt in statements:
        start = text.find(stmt.query, end)
        end = start + len(stmt.query) if start >= 0 else end
        try:
            con.execute(stmt)
        except duckdb.Error as exc:
            raise WarehouseSchemaError(
                f"{path}: migration {mig.name} failed at line {_line(text, start, stmt.query)}, "
                f"nothing was applied: {_first(exc)}"
            ) from None


def _line(text: str, start: int, query: str) -> int | str:
    """The line where a statement's code begins (its text starts with the comments and blank lines before it)."""
    if start < 0:
        return "?"
    lead = 0
    for line in query.splitlines():
        if line.strip() and not line.strip().startswith("--"):
            break
        lead += 1
    return text.count("\n", 0, start) + 1 + lead


def _first(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
