"""Sanity checks next to the raw data they guard: every row of every file is accounted for."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines import markdown
from pipelines.ingest.load import SourceResult


def accounting_check(con: duckdb.DuckDBPyConnection, source: str) -> dg.AssetCheckResult:
    """rows read = accepted + quarantined + exact duplicates, for every file of the source ever ingested."""
    rows = con.execute(
        "SELECT name, rows_read, accepted, quarantined, duplicates FROM raw.file_accounting "
        "WHERE source = ? AND NOT balanced ORDER BY file_id",
        [source],
    ).fetchall()
    (files,) = con.execute("SELECT count(*) FROM raw.files WHERE source = ?", [source]).fetchall()[0]
    table = markdown.table(("file", "read", "accepted", "quarantined", "duplicates"), rows[:20])
    return dg.AssetCheckResult(
        check_name="rows_accounted_for",
        passed=not rows,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "files_checked": files,
            "unbalanced_files": len(rows),
            "expectation": "rows_read = accepted + quarantined + duplicates",
            **({"failing": dg.MetadataValue.md(table)} if rows else {}),
        },
    )


def readable_files_check(result: SourceResult) -> dg.AssetCheckResult:
    """Every new landing file could be read; a rejected file is kept in place with its reason."""
    rejected = result.rejected
    return dg.AssetCheckResult(
        check_name="files_readable",
        passed=not rejected,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rejected_files": len(rejected),
            **({"reasons": dg.MetadataValue.md("\n".join(f"- {f.reason}" for f in rejected[:20]))} if rejected else {}),
        },
    )


CHECK_SPECS = ("rows_accounted_for", "files_readable")
