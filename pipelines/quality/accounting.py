"""Checks next to the raw data they guard: every record a file held is stored somewhere, with its reason."""

from __future__ import annotations

import duckdb

from pipelines.ingest.results import SourceResult
from pipelines.quality.outcome import Check, Outcome
from pipelines.warehouse.connection import render

ACCOUNTED = Check(
    "rows_accounted_for",
    "Every record the reader counted in a file is stored: accepted in raw, quarantined, an exact duplicate or "
    "set aside as not a sale (counted in those tables, not taken from the loader's own tally).",
)
READABLE = Check(
    "files_readable",
    "Every new landing file could be read (a rejected file is kept with its reason).",
    severity="WARN",
    blocking=False,
)
CHECKS = [ACCOUNTED, READABLE]
_COLUMNS = ("file", "read", "accepted", "quarantined", "duplicates", "excluded")


def accounting(con: duckdb.DuckDBPyConnection, source: str, run_id: str) -> Outcome:
    """rows read = accepted + quarantined + duplicates + excluded, for every file of the source this run stored."""
    query = render(
        "check_accounting",
        raw=f"raw.{source}",
        quarantine=f"quarantine.{source}",
        duplicates=f"raw.{source}_duplicates",
    )
    files = con.execute(query, [source, run_id, source]).fetchall()
    stored = {f[0]: sum(f[2:]) for f in files}
    lost = [dict(zip(_COLUMNS, f, strict=True)) for f in files if f[1] != stored[f[0]]]
    missing = sum(f["read"] - stored[f["file"]] for f in lost)
    names = ", ".join(f"{f['file']} ({f['read']:,} read, {stored[f['file']]:,} stored)" for f in lost[:5])
    observed = f"{len(lost)} of {len(files)} new file(s) do not balance" + (f": {names}" if lost else "")
    expected = "rows_read = accepted + quarantined + duplicates + excluded"
    return Outcome(
        ACCOUNTED,
        None,
        not lost,
        observed,
        expected,
        lost[:20],
        value=float(missing),
        threshold=0.0,
        numerator=len(lost),
        denominator=len(files),
    )


def readable(result: SourceResult) -> Outcome:
    rejected = result.rejected
    return Outcome(
        READABLE,
        None,
        not rejected,
        f"{len(rejected)} file(s) rejected",
        "every new file readable",
        [{"file": f.name, "reason": f.reason} for f in rejected[:20]],
    )
