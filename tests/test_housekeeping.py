"""Housekeeping of the publish folder: temporary files a killed run left, and old quality reports."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
from conftest import REGISTRY
from helpers import ASSETS, build, ingest, instance, resources_now

from pipelines.core.config import settings
from pipelines.publish.files import TEMP_NAME, temp_path
from pipelines.warehouse.connection import connect

TIER = "pipeline"  # tests/conftest.py: the runner's tiers


def _dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def _plant(path: Path, age_s: float = 0.0, folder: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if folder:
        path.mkdir()
        (path / "a.png").write_bytes(b"half")
    else:
        path.write_bytes(b"half")
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_a_publish_run_removes_the_temporary_files_a_killed_run_left(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [["t1", "P1", "2025-03-01T10:00", 1000, 1, "", "tunai"]])
    ingest()
    build("2025-03-01", "2025-03-01")
    publish, internal, dead, me = settings().publish, settings().internal, _dead_pid(), os.getpid()
    assert TEMP_NAME.fullmatch(temp_path(publish / "index.html").name)  # what writers make, the cleaner knows
    stale = [
        _plant(internal / "snapshot" / f".sentra.duckdb.{dead}.0a1b2c3d.tmp"),
        _plant(internal / "snapshot" / f".sentra.duckdb.{dead}.0a1b2c3d.tmp.wal"),
        _plant(internal / "snapshot" / "parquet" / f".daily_turnover.parquet.{dead}.00aa11bb.tmp"),
        _plant(publish / "charts" / "daily_turnover" / f".latest.{dead}.deadbeef.tmp", folder=True),
        _plant(internal / "quality" / f".index.html.{me}.12345678.tmp", age_s=2 * 3600),  # pid alive, but too old
    ]
    kept = [
        _plant(publish / f".manifest.json.{me}.87654321.tmp"),  # a live process writing it now
        _plant(publish / ".htaccess"),  # hidden, but not Sentra's
    ]
    result = dg.materialize(
        ASSETS, selection=dg.AssetSelection.assets("publish_cells"), instance=instance(), resources=resources_now()
    )
    assert result.success
    assert [p for p in stale if p.exists()] == [] and all(p.exists() for p in kept)


def _run_folder(run_id: str, age_days: float) -> Path:
    folder = settings().internal / "quality" / "runs" / run_id
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<p>old report</p>")
    stamp = time.time() - age_days * 86400
    os.utime(folder, (stamp, stamp))
    return folder


def test_quality_reports_past_the_retention_are_deleted_unless_their_run_published(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    ingest()  # creates the warehouse and a first report
    long_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=100)
    con = connect(settings().warehouse_target)
    try:
        for run_id in ("old-checked", "old-published", "checked-lately"):
            at = long_ago if run_id.startswith("old") else datetime.now(UTC).replace(tzinfo=None)
            con.execute(
                "INSERT INTO quality.check_results (run_id, checked_at, asset, check_name, severity, blocking, "
                "passed, observed, expected, samples) VALUES (?, ?, 'raw_producers', 'files_readable', 'WARN', "
                "false, true, '', '', '[]')",
                [run_id, at],
            )
        con.execute(
            "INSERT INTO publish.builds (family, run_id, built_at, outcome, reason, cells) "
            "VALUES ('turnover', 'old-published', ?, 'built', NULL, 10)",
            [long_ago],
        )
    finally:
        con.close()
    old = [_run_folder("old-checked", 0), _run_folder("old-unknown", 100)]  # dated by checks, else by folder
    kept = [_run_folder("old-published", 100), _run_folder("checked-lately", 100), _run_folder("new-unknown", 1)]
    ingest()  # every report written prunes the old ones
    assert [f for f in old if f.exists()] == [] and all(f.exists() for f in kept)
    index = (settings().internal / "quality" / "index.html").read_text()
    assert "runs/old-checked/" not in index and "runs/old-published/" in index and "runs/checked-lately/" in index
