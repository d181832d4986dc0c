"""A warehouse file commits each batch of a landing file; a file that does not finish leaves nothing behind.

The batches here are 2 rows, so a 7-row file is 4 batches: the second file corrects a sale of the first,
resolves one of its quarantined rows and repeats one exactly, all in its first batch, then fails (or its
process is killed) at its third batch. Every table a batch writes must then read exactly as before the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import pytest
from conftest import REGISTRY
from helpers import ingest, query

from pipelines.ingest import load, rowsql
from pipelines.warehouse import leftovers
from pipelines.warehouse.connection import connect

T = TypeVar("T")
TIER = "pipeline"  # tests/conftest.py: the runner's tiers

# Every table a batch writes, whole and in a fixed order (the row hash and line make each row unique).
TABLES = {
    "raw": "SELECT * EXCLUDE (_run_id) FROM raw.transactions ORDER BY _file_id, _line",
    "keys": "SELECT * FROM raw.transactions_keys ORDER BY _file_id, _line",
    "quarantine": "SELECT * EXCLUDE (_run_id) FROM quarantine.transactions ORDER BY _file_id, _line",
    "duplicates": "SELECT * EXCLUDE (_run_id) FROM raw.transactions_duplicates ORDER BY _file_id, _line",
    "corrections": "SELECT * EXCLUDE (run_id) FROM raw.corrections ORDER BY new_file_id, new_line",
    "files": "SELECT file_id, name, accepted FROM raw.files ORDER BY file_id",
    "partitions": "SELECT * FROM raw.file_partitions ORDER BY ALL",
}
SECOND = [  # the second file, in 4 batches of 2 rows
    ["a", "P1", "2025-03-01T10:00", 150, 1, "", "tunai"],  # corrects "a"
    ["q", "P1", "2025-03-01T12:00", 40, 1, "", "tunai"],  # "q" sent again, now valid: resolves its quarantine
    ["b", "P1", "2025-03-01T11:00", 9, 1, "", "tunai"],  # an exact duplicate of "b"
    ["c", "P1", "2025-03-02T10:00", 5, 1, "", "tunai"],
    ["d", "P1", "2025-03-02T11:00", 6, 1, "", "tunai"],  # the third batch: fails here
    ["e", "P1", "2025-03-02T12:00", 7, 1, "", "tunai"],
    ["f", "P1", "2025-03-02T13:00", 8, 1, "", "tunai"],
]


def _tables() -> dict[str, list[tuple]]:
    return {name: query(sql) for name, sql in TABLES.items()}


@pytest.fixture
def first_file(write_landing, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple]]:
    """The registry and a first file ingested (one sale quarantined); batches of 2 rows from here on."""
    write_landing("producers", "p.csv", REGISTRY)
    write_landing(
        "transactions",
        "t1.csv",
        [
            ["a", "P1", "2025-03-01T10:00", 100, 1, "", "tunai"],
            ["b", "P1", "2025-03-01T11:00", 9, 1, "", "tunai"],
            ["q", "P1", "2025-03-01T12:00", "empat puluh", 1, "", "tunai"],
        ],
    )
    meta = ingest()["raw_transactions"]
    assert (meta["rows_accepted"], meta["rows_quarantined"]) == (2, 1)
    monkeypatch.setattr(load, "BATCH_ROWS", 2)
    return _tables()


def _after_second(write_landing) -> dict[str, list[tuple]]:
    """What the second file leaves when it is ingested whole."""
    write_landing("transactions", "t2.csv", SECOND)
    meta = ingest()["raw_transactions"]
    assert (meta["files_ingested"], meta["rows_accepted"], meta["rows_corrected"], meta["rows_duplicate"]) == (
        1,
        6,
        1,
        1,
    )
    return _tables()


def test_a_file_failing_after_committed_batches_leaves_every_table_as_before(
    first_file, write_landing, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original, calls = rowsql.type_into, []

    def fail_third_batch(*args: object, **kwargs: object) -> set[str]:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("a damaged member part-way through the file")
        return original(*args, **kwargs)

    path = write_landing("transactions", "t2.csv", SECOND)
    with monkeypatch.context() as patch:
        patch.setattr(rowsql, "type_into", fail_third_batch)
        meta = ingest()["raw_transactions"]
    assert len(calls) == 3 and meta["files_rejected"] == 1 and "t2.csv" in meta["rejected"][0]
    # The first two batches had committed (a superseded, q resolved, b counted a duplicate): all taken back.
    assert _tables() == first_file
    assert query("SELECT count(*) FROM quarantine.transactions WHERE resolved_file_id IS NOT NULL") == [(0,)]
    # Sent again, the same file goes in whole, as if the failure had never been.
    assert not path.exists()
    _after_second(write_landing)
    assert query("SELECT transaction_id, amount_idr FROM raw.transactions WHERE _is_current ORDER BY 1") == [
        ("a", 150),
        ("b", 9),
        ("c", 5),
        ("d", 6),
        ("e", 7),
        ("f", 8),
        ("q", 40),
    ]
    assert query("SELECT c._key, f.name FROM raw.corrections c JOIN raw.files f ON f.file_id = c.old_file_id") == [
        ("P1\x1fa", "t1.csv")
    ]


KILLED = """
import os, sys
from datetime import date
from pathlib import Path
from models.contracts import CONTRACTS
from pipelines.core.config import settings
from pipelines.ingest import load, rowsql
from pipelines.ingest.settings import from_environment
from pipelines.warehouse.connection import connect

load.BATCH_ROWS = 2
original, calls = rowsql.type_into, []
def killed_at_third_batch(*args, **kwargs):
    calls.append(1)
    if len(calls) == 3:
        os._exit(9)  # killed: no exception handler, no rollback, no undo
    return original(*args, **kwargs)
rowsql.type_into = killed_at_third_batch
s = settings()
con = connect(s.warehouse_target)
load.ingest_source(con, CONTRACTS["transactions"], s.landing, "killed", date(2020, 1, 1), date(2030, 1, 1),
                   from_environment())
"""


def test_a_killed_ingest_is_taken_back_by_the_next_writer(first_file, write_landing, isolated: Path) -> None:
    write_landing("transactions", "t2.csv", SECOND)
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLED)], env=dict(os.environ), check=False)
    assert killed.returncode == 9
    # Two batches committed and nothing recorded them: the rows are there, "a" no longer current.
    assert query("SELECT count(*) FROM raw.transactions WHERE _file_id NOT IN (SELECT file_id FROM raw.files)") == [
        (3,)
    ]
    assert query("SELECT amount_idr, _is_current FROM raw.transactions WHERE transaction_id = 'a' ORDER BY 1") == [
        (100, False),
        (150, True),
    ]
    # The next writer's connection takes them back before anything reads them.
    con = connect(str(isolated / "warehouse.duckdb"))
    assert leftovers.sweep(con, "again") == []  # already done by connect itself
    con.close()
    assert _tables() == first_file
    # The landing file was never recorded, so the next ingest reads it whole.
    whole = _after_second(write_landing)
    assert len(whole["raw"]) == len(first_file["raw"]) + 6


def test_a_warehouse_file_ingests_under_the_lower_memory_limit_then_gets_its_own_back(
    write_landing, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's limit is `load.INGEST_MEMORY` while files go in (their working set is one batch), and the
    configured one again for the checks after."""
    import pipelines.assets.raw as raw_assets

    seen: dict[str, set[str]] = {"ingest": set(), "checks": set()}

    def limit(con: duckdb.DuckDBPyConnection) -> str:
        return con.sql("SELECT current_setting('memory_limit')").fetchone()[0]

    def watch(name: str, real: Callable[..., T], stage: str) -> None:
        def watched(con: duckdb.DuckDBPyConnection, *args: object) -> T:
            seen[stage].add(limit(con))
            return real(con, *args)

        monkeypatch.setattr(raw_assets, name, watched)

    watch("ingest_source", raw_assets.ingest_source, "ingest")
    watch("recorded", raw_assets.recorded, "checks")
    monkeypatch.setenv("SENTRA_DUCKDB_MEMORY", "1GB")
    write_landing("producers", "p.csv", REGISTRY)
    ingest()
    assert seen == {"ingest": {"244.1 MiB"}, "checks": {"953.6 MiB"}}  # 256MB, then 1GB
