"""The scale profile for real: PostgreSQL (instance storage through PgBouncer, and the lake's catalog), Redis,
two Celery workers and a DuckLake warehouse, all started here on free ports and stopped by pid.

Every test runs `sentra` as a user does, and compares the marts with the embedded profile's (one DuckDB file,
SQLite instance, in process) on the same landing files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from independent import daily_turnover
from scale_support import (
    END,
    START,
    late_files,
    run_steps,
    scale_instance,
    sentra,
)

from pipelines.core.config import Settings
from pipelines.definitions import resources
from pipelines.orchestration.compaction import compact_job
from pipelines.scale.compare import dump_marts
from pipelines.scale.services import Services, group_alive
from pipelines.scale.writers import check, concurrent
from pipelines.warehouse.connection import CONFLICT_RETRIES, Warehouse, connect

pytestmark = pytest.mark.scale


def test_both_profiles_give_byte_identical_marts_with_drops_corrections_and_late_files(
    scale: dict[str, str], reference: dict[str, object]
) -> None:
    done = sentra("run", "--from", START, "--to", END, env=scale)
    assert done.returncode == 0, done.stdout + done.stderr
    assert dump_marts(scale) == reference["first"]
    late_files(Path(scale["SENTRA_DATA_DIR"]) / "landing")
    done = sentra("run", "--from", START, "--to", END, env=scale)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 corrections" in done.stdout and "1 quarantined" in done.stdout
    got = dump_marts(scale)
    assert got == reference["late"]
    assert got != reference["first"] and b"\n" in got["daily_turnover"]
    # Both workers did steps, and the two sources' files were ingested at once, one on each.
    steps = run_steps(scale_instance(scale), "ingest_job")
    assert {w.split("@")[0] for *_, w in steps} == {"w1", "w2"}
    first_ingest = min(steps, key=lambda s: s[2])[0]
    by_step = {s[1]: s for s in steps if s[0] == first_ingest}
    tx, ex = by_step["raw_transactions"], by_step["raw_exports"]
    # Both handed to the workers before either finished, and run by different workers (whether their
    # execution overlaps then depends on the workers' pick-up time, which a loaded machine stretches).
    submitted = {
        e.step_key: e.timestamp
        for e in scale_instance(scale).all_logs(first_ingest, of_type=dg.DagsterEventType.ENGINE_EVENT)
        if (e.message or "").startswith("Submitting celery task")
    }
    assert max(submitted["raw_transactions"], submitted["raw_exports"]) < min(tx[3], ex[3])
    assert tx[4] != ex[4]


def test_a_quarter_of_days_is_built_on_two_workers(services: Services, tmp_path: Path) -> None:
    """Days split by month into runs that go at once, their steps on both workers: a quarter proves it as a year
    did (three monthly runs, two at a time); `make bench-profiles` keeps the year."""
    env = {**os.environ, **services.profile(tmp_path / "scale" / "data", tmp_path / "scale" / "home", "quarter")}
    landing = tmp_path / "scale" / "data" / "landing"
    exe = Path(sys.executable).with_name("sentra")
    subprocess.run([str(exe), "sample", "--out", str(landing), "--from", "2025-01-01", "--to", "2025-03-31",
                    "--seed", "3"], check=True, capture_output=True)  # fmt: skip
    services.start_workers(env)
    try:
        done = sentra("run", "--from", "2025-01-01", "--to", "2025-03-31", env=env)
    finally:
        services.stop_workers()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "built 90 day(s) and 3 month(s)" in done.stdout
    saved = os.environ.get("SENTRA_LAKE_DATA_PATH")
    os.environ["SENTRA_LAKE_DATA_PATH"] = env["SENTRA_LAKE_DATA_PATH"]
    try:
        con = connect(env["SENTRA_WAREHOUSE"], read_only=True)
        days = dict(con.execute("SELECT date, turnover_idr FROM marts.daily_turnover").fetchall())
        con.close()
    finally:
        os.environ.pop("SENTRA_LAKE_DATA_PATH") if saved is None else os.environ.update(SENTRA_LAKE_DATA_PATH=saved)
    expected = {d: v for d, v in daily_turnover(landing).items() if date(2025, 1, 1) <= d <= date(2025, 3, 31)}
    assert {d: v for d, v in days.items() if d.year == 2025} == expected and len(expected) == 90
    steps = run_steps(scale_instance(env), "daily_job")
    assert len({s[0] for s in steps}) == 3  # a run per month
    assert {w.split("@")[0] for *_, w in steps} == {"w1", "w2"}
    overlapping = [(a, b) for a in steps for b in steps if a[0] < b[0] and a[2] < b[3] and b[2] < a[3]]
    assert overlapping, "no two days' steps ran at the same time"


def test_four_writers_write_one_table_at_once_without_losing_a_row(services: Services, tmp_path: Path) -> None:
    """Four processes open a new lake at once (its first writers race to create the catalog and the schema),
    then write days of `stg.transactions` at once, each day twice: every day then shows exactly its writer's
    last version (`concurrent` reads them back and raises otherwise). Versions are appends, which DuckLake
    commits side by side: a lost commit would be retried and counted, and they stay rare."""
    env = {**os.environ, **services.profile(tmp_path / "scale" / "data", tmp_path / "scale" / "home", "writers")}
    done = concurrent(env, writers=4, days_each=3, rounds=2, rows=2000)
    assert done.commits == 4 * 3 * 2
    assert done.conflicts <= done.commits // 4, done


def test_compaction_on_a_lake_gives_the_storage_of_superseded_versions_back(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writers write their days three times. The compaction job, in process on the lake, deletes the
    superseded rows; with a retention of 0 days it then expires the old snapshots and deletes their Parquet
    files from storage (`pipelines.warehouse.reclaim`). Every day still shows its last version."""
    env = {**os.environ, **services.profile(tmp_path / "scale" / "data", tmp_path / "scale" / "home", "reclaim")}
    written = concurrent(env, writers=2, days_each=2, rounds=3, rows=2000)
    assert written.commits == 2 * 2 * 3
    for key in ("SENTRA_WAREHOUSE", "SENTRA_LAKE_DATA_PATH"):
        monkeypatch.setenv(key, env[key])
    files = Path(env["SENTRA_LAKE_DATA_PATH"])

    def stored() -> set[Path]:
        return set(files.rglob("*.parquet"))

    kept = Settings.from_env()  # the default retention (7 days): nothing is old enough to go yet
    before = stored()
    result = compact_job(kept).execute_in_process(resources=resources(kept))
    (event,) = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = {k: v.value for k, v in event.event_specific_data.metadata.items()}
    assert metadata["rows_deleted"] == 2 * 2 * 2 * 2000  # two superseded versions of each of 4 days
    assert metadata["lake_snapshots_expired"] == metadata["lake_files_deleted"] == 0
    between = stored()
    assert before <= between  # what readers may still scan stays (small files merged, the old ones kept)

    monkeypatch.setenv("SENTRA_LAKE_RETENTION_DAYS", "0")
    now = Settings.from_env()
    result = compact_job(now).execute_in_process(resources=resources(now))
    (event,) = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = {k: v.value for k, v in event.event_specific_data.metadata.items()}
    after = stored()
    assert metadata["rows_deleted"] == 0 and metadata["lake_snapshots_expired"] > 0
    assert metadata["lake_files_deleted"] == len(between - after)  # said and done
    assert len(before - after) >= 2 * 2 * 2  # at least the 8 superseded versions' files are gone
    check(env["SENTRA_WAREHOUSE"], writers=2, days_each=2, rounds=3, rows=2000)  # each day's last version


def test_a_lost_lake_commit_asks_dagster_to_retry_the_step(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = services.profile(tmp_path / "scale" / "data", tmp_path / "scale" / "home", "conflict")
    for key in ("SENTRA_WAREHOUSE", "SENTRA_LAKE_DATA_PATH"):
        monkeypatch.setenv(key, env[key])
    other = connect(env["SENTRA_WAREHOUSE"])
    other.execute("CREATE TABLE marts.replaced (day INTEGER, value INTEGER)")
    other.execute("INSERT INTO marts.replaced VALUES (1, 1), (2, 2)")
    warehouse = Warehouse(path=env["SENTRA_WAREHOUSE"], memory="512MB")
    with pytest.raises(dg.RetryRequested) as asked, warehouse.connection() as con:
        con.execute("BEGIN TRANSACTION")  # replace day 1 while another writer replaces day 2 and commits first
        con.execute("DELETE FROM marts.replaced WHERE day = 1")
        con.execute("INSERT INTO marts.replaced VALUES (1, 10)")
        other.execute("BEGIN TRANSACTION")
        other.execute("DELETE FROM marts.replaced WHERE day = 2")
        other.execute("INSERT INTO marts.replaced VALUES (2, 20)")
        other.execute("COMMIT")
        con.execute("COMMIT")
    assert asked.value.max_retries == CONFLICT_RETRIES
    assert other.execute("SELECT * FROM marts.replaced ORDER BY ALL").fetchall() == [(1, 1), (2, 20)]
    other.close()


def test_the_services_stop_by_pid_and_leave_nothing_running(tmp_path: Path) -> None:
    svc = Services(tmp_path / "svc", workers=1)
    svc.start_databases()
    env = {**os.environ, **svc.profile(tmp_path / "data", tmp_path / "home", "stop")}
    svc.start_workers(env)
    pids = [svc.postgres.pid, svc.bouncer.proc.pid, svc.redis.proc.pid, svc.celery[0].proc.pid]
    svc.stop()
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    assert not group_alive(pids[-1]), "a Celery process outlived its worker"


def test_the_profiles_benchmark_runs(tmp_path: Path) -> None:
    """A small run of `bench/profiles.py` (docs/BENCHMARKS.md, "Profiles"), so it keeps working."""
    out = tmp_path / "profiles.json"
    bench = Path(__file__).parent.parent / "bench" / "profiles.py"
    args = ["--rows", "3000", "--files", "2", "--skip-year", "--event-runs", "1", "--workers", "1", "2"]
    args += ["--json", str(out)]
    done = subprocess.run([sys.executable, str(bench), *args], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert figures["day"]["marts_identical"] and figures["day"]["rows"] == 3000
    assert set(figures["day"]["scale"]) == {"1", "2"}  # one scale run per worker count
    assert set(figures["events"]) == {"sqlite", "postgres_direct", "pgbouncer", "pgbouncer_sync_off"}
    assert all(e["events"] > 0 for e in figures["events"].values())


def test_the_writers_benchmark_runs(tmp_path: Path) -> None:
    """A small run of `bench/writers.py` (docs/BENCHMARKS.md, "Writers on one table"), so it keeps working."""
    out = tmp_path / "writers.json"
    bench = Path(__file__).parent.parent / "bench" / "writers.py"
    args = ["--rows", "100", "--days", "1", "--rounds", "2", "--json", str(out)]
    done = subprocess.run([sys.executable, str(bench), *args], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert [(f["writers"], f["in_place"]) for f in figures] == [(n, p) for p in (False, True) for n in (1, 2, 4)]
    assert all(f["commits"] == f["writers"] * 2 for f in figures)
    assert all(f["conflicts"] <= f["commits"] // 4 for f in figures if not f["in_place"])
