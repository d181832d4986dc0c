"""The SQL statements in `sql/*.sql`, one per file, found by name (grep for the name to find its users)."""

from __future__ import annotations

from functools import cache
from string import Template

from models import ddl
from pipelines.core.config import SQL_DIR


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
