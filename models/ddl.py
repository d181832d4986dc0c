"""What the contracts call for in the warehouse, to check the schema against, and identifier quoting.

One source of truth for the schema: the numbered migrations in `sql/migrations/` (applied by
`pipelines/warehouse/migrate.py`) create and change the warehouse, and nothing else does. `contract_ddl` is
what they must produce for the per-source tables: tests/test_migrations.py fails when a contract changes
without a migration that follows it, so the parser (built from the same contracts) and the tables never
disagree.
`q` and `qualified` quote identifiers for the SQL the pipeline runs.

Identifiers here come only from the contracts (code, not file contents), and are quoted.
"""

from __future__ import annotations

from models.contracts import CONTRACTS, Contract

SCHEMAS = ("raw", "quarantine", "stg", "marts", "quality", "publish")

# Lineage carried by every stored row: which file, which line, what content, which run.
LINEAGE = (
    ("_file_id", "BIGINT NOT NULL"),
    ("_line", "BIGINT NOT NULL"),
    ("_row_hash", "VARCHAR NOT NULL"),
    ("_run_id", "VARCHAR NOT NULL"),
)
# Columns a file had beyond its contract, as one JSON object per row: kept, never interpreted.
EXTRA = ("_extra", "VARCHAR")


def q(name: str) -> str:
    """Quote an identifier taken from a contract."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a contract identifier: {name!r}")
    return f'"{name}"'


def _table(name: str, columns: list[tuple[str, str]]) -> str:
    body = ",\n  ".join(f"{q(c)} {t}" for c, t in columns)
    return f"CREATE TABLE IF NOT EXISTS {name} (\n  {body}\n)"


def raw_table(c: Contract) -> str:
    """Accepted rows, typed, every version (corrections keep the older row, flagged not current)."""
    cols = [(f.name, f.duckdb_type) for f in c.fields] + list(c.extra_columns)
    cols += [("_key", "VARCHAR NOT NULL"), ("_is_current", "BOOLEAN NOT NULL"), EXTRA, *LINEAGE]
    return _table(f"raw.{q(c.source)}", cols)


def quarantine_table(c: Contract) -> str:
    """Rejected rows exactly as received (text), with the reason and the stage that rejected them."""
    cols = [(f.name, "VARCHAR") for f in c.fields]
    cols += [
        ("reason", "VARCHAR NOT NULL"),
        ("stage", "VARCHAR NOT NULL"),  # 'ingest' (a row rule) or 'rate' (no usable exchange rate)
        ("partition_date", "DATE"),  # the row's own date when it could be read, for per-partition shares
        ("_key", "VARCHAR"),  # the row's key when it could be read: a corrected row re-sent resolves it
        ("resolved_file_id", "BIGINT"),  # the file whose accepted row replaced it; NULL while open
        EXTRA,
        *LINEAGE,
    ]
    return _table(f"quarantine.{q(c.source)}", cols)


def duplicates_table(c: Contract) -> str:
    """Exact duplicates: their content is already stored, so lineage is enough to account for them."""
    return _table(f"raw.{q(c.source + '_duplicates')}", [("_key", "VARCHAR NOT NULL"), *LINEAGE])


def keys_table(c: Contract) -> str:
    """The key index: where each stored version of a key is (file, line), by a stable 64-bit hash of the key.
    A new file's keys are looked up here, a narrow table, instead of in `raw`; entries are only ever
    appended (a superseded version's entry stays and is told apart by the row's `_is_current`)."""
    cols = [("_key_hash", "UBIGINT NOT NULL"), ("_file_id", "BIGINT NOT NULL"), ("_line", "BIGINT NOT NULL")]
    return _table(f"raw.{q(c.source + '_keys')}", cols)


def contract_ddl() -> list[str]:
    """The schemas and per-source tables the contracts call for: what the migrated warehouse is checked against."""
    stmts = [f"CREATE SCHEMA IF NOT EXISTS {s}" for s in SCHEMAS]
    for c in CONTRACTS.values():
        stmts += [raw_table(c), quarantine_table(c), duplicates_table(c), keys_table(c)]
    return stmts


def qualified(name: str) -> str:
    """Quote a `schema.table` name taken from a contract or the code."""
    return ".".join(q(p) for p in name.split("."))
