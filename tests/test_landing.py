"""Landing files still being written are left for the next run; the landing sensor knows what was ingested."""

from __future__ import annotations

import csv
import hashlib
import threading
from pathlib import Path

import dagster as dg
import pytest
from conftest import HEADERS, REGISTRY
from helpers import ingest, query, resources_now

from models.contracts import Contract
from pipelines.ingest import load, parse, rowsql
from pipelines.ingest.landing import LandingFile
from pipelines.orchestration.sensors import landing_sensor

TIER = "pipeline"  # tests/conftest.py: the runner's tiers
HISTORY = True  # reads run history: the persistent Dagster instance (tests/conftest.py)


def _tx(tid: str) -> list:
    return [tid, "P1", "2025-03-01T10:00", 100, 1, "", "tunai"]


class Writer(threading.Thread):
    """Copies a landing file in slowly, a row at a time, until stopped: a real writer holding the file."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.rows, self.stop = path, 0, threading.Event()
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(HEADERS["transactions"])

    def run(self) -> None:
        while not self.stop.wait(0.05):
            with self.path.open("a", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerow(_tx(f"t{self.rows}"))
            self.rows += 1


def _raw_counts() -> tuple:
    return query(
        "SELECT (SELECT count(*) FROM raw.files WHERE source = 'transactions'), "
        "(SELECT count(*) FROM raw.transactions), (SELECT count(*) FROM quarantine.transactions), "
        "(SELECT count(*) FROM raw.rejected_files)"
    )[0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_still_being_copied_in_is_left_for_the_next_run(write_landing, isolated) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    path = isolated / "landing" / "transactions" / "t.csv"
    path.parent.mkdir()
    writer = Writer(path)
    writer.start()
    try:
        meta = ingest()["raw_transactions"]
    finally:
        writer.stop.set()
        writer.join()
    assert (meta["files_waiting"], meta["files_ingested"], meta["files_rejected"]) == (1, 0, 0)
    assert meta["waiting"] == [f"{path}: still being written (its size or modification time changed); left for "
                               "the next run"]  # fmt: skip
    assert str(path) not in meta["landing_fingerprints"]  # not seen: the landing sensor still asks for it
    assert _raw_counts() == (0, 0, 0, 0) and path.exists()
    # Stopped and unchanged over the settle time, it is read whole on the next run: nothing lost.
    meta = ingest()["raw_transactions"]
    assert (meta["files_waiting"], meta["files_ingested"], meta["rows_accepted"]) == (0, 1, writer.rows)
    assert query("SELECT sha256 FROM raw.files WHERE name = 't.csv'") == [(_sha256(path),)]


def test_a_file_that_changes_while_it_is_parsed_is_rolled_back(
    write_landing, isolated, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    path = write_landing("transactions", "t.csv", [_tx("a"), _tx("b")])  # an old mtime: read at once
    original = rowsql.type_into

    def append_then_type(
        con: object, table: str, contract: Contract, *args: object
    ) -> set[str]:  # a row added mid-parse
        if contract.source == "transactions":
            with path.open("a", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerow(_tx("c"))
        return original(con, table, contract, *args)

    with monkeypatch.context() as patch:
        patch.setattr(rowsql, "type_into", append_then_type)
        meta = ingest()["raw_transactions"]
    assert (meta["files_waiting"], meta["files_ingested"], meta["rows_accepted"]) == (1, 0, 0)
    assert _raw_counts() == (0, 0, 0, 0)  # the batch stored before the change was rolled back with the file
    meta = ingest()["raw_transactions"]
    assert (meta["files_ingested"], meta["rows_accepted"]) == (1, 3)
    assert query("SELECT sha256 FROM raw.files WHERE name = 't.csv'") == [(_sha256(path),)]


def test_a_file_unreadable_because_half_written_is_not_rejected(
    write_landing, isolated, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    path = write_landing("transactions", "t.csv", [_tx("a")])
    original = load._records

    def half_written(lf: LandingFile, *args: object) -> load.Records:  # read while the writer was adding to it
        if lf.path != path:
            return original(lf, *args)
        with path.open("a", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(_tx("b"))
        raise parse.LandingFileError(f"{lf.path}: cannot be read as csv (a row is cut short); export it again")

    with monkeypatch.context() as patch:
        patch.setattr(load, "_records", half_written)
        meta = ingest()["raw_transactions"]
    assert (meta["files_waiting"], meta["files_rejected"]) == (1, 0)
    assert path.exists() and not (isolated / "landing" / "rejected").exists() and _raw_counts() == (0, 0, 0, 0)
    assert ingest()["raw_transactions"]["rows_accepted"] == 2


def test_the_landing_sensor_skips_files_an_ingest_outside_it_has_seen(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a")])
    ingest()  # as `sentra run` (`make demo`) does, outside the sensor
    instance = dg.DagsterInstance.get()
    seen = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources_now(), cursor=None))
    assert isinstance(seen, dg.SkipReason)
    new = write_landing("transactions", "t2.csv", [_tx("b")])
    result = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources_now(), cursor=None))
    assert len(result.run_requests) == 1 and result.run_requests[0].tags["sentra/changed_files"] == "1"
    assert str(new) in result.cursor
