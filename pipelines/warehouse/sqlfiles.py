"""The SQL statements in `sql/<layer>/*.sql`, one per file, found by name (grep for the name to find its users).

The files sit in a folder by layer (ingest, staging, marts, checks, publish, reports, ops); a name is unique
across them, so `sql("cells_read")` reads `sql/publish/cells_read.sql` wherever it lies. The numbered
migrations (`sql/migrations/`) are not statements looked up by name: `pipelines.warehouse.migrate` finds them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

from models import ddl
from pipelines.core.config import SQL_DIR

MIGRATIONS = "migrations"  # sql/migrations/: applied in order by pipelines.warehouse.migrate, not looked up here


class SqlFileError(LookupError):
    """A statement's name names no file under `sql/`, or more than one."""


def files(folder: Path = SQL_DIR) -> dict[str, list[Path]]:
    """Every statement file under `folder` (migrations aside), by name; a well-kept tree has one path per name."""
    found: dict[str, list[Path]] = {}
    for file in sorted(folder.rglob("*.sql")):
        if file.relative_to(folder).parts[0] != MIGRATIONS:
            found.setdefault(file.stem, []).append(file)
    return found


@cache
def _index(folder: Path) -> dict[str, list[Path]]:
    return files(folder)


def path(name: str, folder: Path = SQL_DIR) -> Path:
    """The file of statement `name`: `<folder>/<layer>/<name>.sql`, the only one of that name (index built once)."""
    found = _index(folder).get(name, [])
    if len(found) != 1:
        where = ", ".join(str(p.relative_to(folder.parent)) for p in found) or "none"
        raise SqlFileError(f"SQL statement {name!r}: expected one file {name}.sql under {folder}, found {where}")
    return found[0]


@cache
def sql(name: str) -> str:
    """The text of `sql/<layer>/<name>.sql`."""
    return path(name).read_text(encoding="utf-8")


def render(name: str, **identifiers: str | tuple[str, ...]) -> str:
    """`sql(name)` with `$name` identifiers from the code filled in, quoted (a tuple: a column list).

    Only identifiers are templated, never values: those stay `?` parameters.
    """
    return Template(sql(name)).substitute(
        {k: ", ".join(map(ddl.q, v)) if isinstance(v, tuple) else ddl.qualified(v) for k, v in identifiers.items()}
    )
