"""A file ingested batch by batch into a warehouse file, undone when it does not finish.

In a DuckDB file, ingest commits each batch of a file's rows (`pipelines.ingest.load`): a statement that
reads a table written earlier in the same open transaction runs in one thread, and committed batches halve
the file's ingest time (docs/BENCHMARKS.md). A file counts only once `raw.files` records it. Until then
its committed rows are undone:

* by the ingest itself, when the file fails part-way (unreadable, still being written, read again in
  another encoding);
* by `sweep`, which every writer's connection runs first, when the process was killed part-way. A file
  has one writer, so a file that is not recorded is not being ingested by anyone.

Undoing restores exactly the state before the file: its rows go, the versions it superseded are current
again, and the quarantined rows it resolved are open again. A lake ingests each file in one transaction
(concurrent writers), so it has nothing to undo.
"""

from __future__ import annotations

import logging

import duckdb

from models.contracts import SOURCES
from pipelines.warehouse.sqlfiles import render, sql
from pipelines.warehouse.transactions import transaction

log = logging.getLogger(__name__)


def _tables(source: str) -> dict[str, str]:
    return {
        "raw": f"raw.{source}",
        "quarantine": f"quarantine.{source}",
        "duplicates": f"raw.{source}_duplicates",
        "keys": f"raw.{source}_keys",
    }


def undo(con: duckdb.DuckDBPyConnection, source: str, file_id: int) -> None:
    """Take back every committed batch of one file of `source` that `raw.files` does not record, in one
    transaction."""
    t = _tables(source)
    with transaction(con):
        con.execute(render("undo_restore_current", raw=t["raw"]), [source, file_id, file_id])
        con.execute(render("undo_reopen_quarantine", quarantine=t["quarantine"]), [file_id])
        for table in t.values():
            con.execute(render("undo_file_rows", table=table), [file_id])
        con.execute(sql("undo_corrections"), [source, file_id])


def sweep(con: duckdb.DuckDBPyConnection, where: str) -> list[tuple[str, int]]:
    """Undo the files of every source whose ingest was killed before they were recorded; return them as
    (source, file_id). Their landing files were not recorded either, so the next ingest reads them again."""
    undone = []
    for source in SOURCES:
        t = _tables(source)
        query = render("leftover_files", raw=t["raw"], quarantine=t["quarantine"], duplicates=t["duplicates"])
        for (file_id,) in con.execute(query, [source]).fetchall():
            undo(con, source, file_id)
            undone.append((source, file_id))
            log.warning(
                "%s: took back the rows of %s file %d, whose ingest stopped before the file was recorded; "
                "the file is ingested again on the next run",
                where,
                source,
                file_id,
            )
    return undone
