"""Sanity checks next to the raw data they guard: every row of every file is accounted for."""

from __future__ import annotations

import duckdb

from pipelines.ingest.load import SourceResult
from pipelines.quality.outcome import Check, Outcome

ACCOUNTED = Check("rows_accounted_for", "Every row read is accepted, quarantined or an exact duplicate.")
READABLE = Check(
    "files_readable", "Every new landing file could be read (a rejected file is kept with its reason).",
    severity="WARN", blocking=False,
)  # fmt: skip
CHECKS = [ACCOUNTED, READABLE]


def accounting(con: duckdb.DuckDBPyConnection, source: str) -> Outcome:
    """rows read = accepted + quarantined + exact duplicates, for every file of the source ever ingested."""
    rows = con.execute(
        "SELECT name, rows_read, accepted, quarantined, duplicates FROM raw.file_accounting "
        "WHERE source = ? AND NOT balanced ORDER BY file_id",
        [source],
    ).fetchall()
    (files,) = con.execute("SELECT count(*) FROM raw.files WHERE source = ?", [source]).fetchall()[0]
    samples = [dict(zip(("file", "read", "accepted", "quarantined", "duplicates"), r, strict=True)) for r in rows]
    return Outcome(ACCOUNTED, None, not rows, f"{len(rows)} of {files} files unbalanced",
                   "rows_read = accepted + quarantined + duplicates", samples[:20])  # fmt: skip


def readable(result: SourceResult) -> Outcome:
    rejected = result.rejected
    return Outcome(READABLE, None, not rejected, f"{len(rejected)} file(s) rejected", "every new file readable",
                   [{"file": f.name, "reason": f.reason} for f in rejected[:20]])  # fmt: skip
