"""The scale profile for real: PostgreSQL (instance storage through PgBouncer, and the lake's catalog), Redis,
two Celery workers and a DuckLake warehouse, all started here on free ports and stopped by pid.

Every test runs `sentra` as a user does, and compares the marts with the embedded profile's (one DuckDB file,
SQLite instance, in process) on the same landing files.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from conftest import HEADERS
from independent import daily_turnover

from pipelines.resources import CONFLICT_RETRIES, Warehouse, connect
from pipelines.scale.compare import dump_marts
from pipelines.scale.services import Services, group_alive

pytestmark = pytest.mark.scale

START, END = "2025-03-24", "2025-04-06"
_EMBEDDED_ONLY = ("SENTRA_WAREHOUSE", "SENTRA_LAKE_DATA_PATH", "SENTRA_CELERY_BROKER", "SENTRA_DAGSTER_PG_URL")


def sentra(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("sentra")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=900)


def embedded_env(folder: Path) -> dict[str, str]:
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).parent.parent / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if k not in _EMBEDDED_ONLY}
    return {**env, "SENTRA_DATA_DIR": str(folder / "data"), "DAGSTER_HOME": str(home)}


def late_files(landing: Path) -> None:
    """After the first run: a late sale on an already built day, a correction of a sale already in, a row
    that must be quarantined, and a late export declaration."""
    first = (landing / "transactions" / "transactions_2025-03.csv").read_text().splitlines()[1].split(",")
    corrected = [first[0], first[1], first[2], str(int(first[3]) + 12_500), first[4], first[5], first[6]]
    rows = [
        ["TRX-LATE-000001", "BKS-0003", "2025-03-25T10:00:00", "275000", "2", "", "tunai"],
        corrected,
        ["TRX-LATE-000002", "BKS-0004", "2025-03-26T11:00:00", "dua ratus", "1", "", "tunai"],
    ]
    text = ",".join(HEADERS["transactions"]) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    (landing / "transactions" / "transactions_2025-03_susulan.csv").write_text(text)
    exports = (landing / "exports" / "exports_2025-03.csv").read_text().splitlines()
    late = exports[1].split(",")
    late[0] = "PEB-2025-LATE01"
    (landing / "exports" / "exports_2025-03_susulan.csv").write_text(exports[0] + "\n" + ",".join(late) + "\n")


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    svc = Services(tmp_path_factory.mktemp("services"))
    try:
        svc.start_databases()
        yield svc
    finally:
        svc.stop()


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample") / "landing"
    exe = Path(sys.executable).with_name("sentra")
    subprocess.run([str(exe), "sample", "--out", str(folder), "--from", START, "--to", END, "--producers", "120",
                    "--seed", "7", "--dirty-rate", "0.05"], check=True, capture_output=True)  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def reference(landing: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The embedded profile on the sample, then after the late files: each run's marts."""
    folder = tmp_path_factory.mktemp("embedded")
    shutil.copytree(landing, folder / "data" / "landing")
    env = embedded_env(folder)
    done = sentra("run", "--from", START, "--to", END, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    first = dump_marts(env)
    late_files(folder / "data" / "landing")
    done = sentra("run", "--from", START, "--to", END, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"first": first, "late": dump_marts(env), "log": done.stdout}


_COUNTER = iter(range(1000))


@pytest.fixture
def scale(services: Services, landing: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A new scale profile (own databases, instance and data folder) with the sample landed, two workers up."""
    folder = tmp_path / "scale"  # tmp_path/data is the embedded profile's (conftest.isolated)
    env = {**os.environ, **services.profile(folder / "data", folder / "dagster_home", f"t{next(_COUNTER)}")}
    shutil.copytree(landing, folder / "data" / "landing")
    services.start_workers(env)
    try:
        yield env
    finally:
        services.stop_workers()


def _instance(env: dict[str, str]) -> dg.DagsterInstance:
    os.environ["SENTRA_DAGSTER_PG_URL"] = env["SENTRA_DAGSTER_PG_URL"]
    return dg.DagsterInstance.from_config(env["DAGSTER_HOME"])


def _steps(instance: dg.DagsterInstance, job: str) -> list[tuple[str, str, float, float, str]]:
    """(run, step, start, end, Celery worker) of every successful step of `job`'s runs."""
    out = []
    for run in instance.get_runs(dg.RunsFilter(job_name=job)):
        logs = instance.all_logs(run.run_id)
        worker = {}
        for e in logs:
            if e.is_dagster_event and e.dagster_event.event_type_value == "ENGINE_EVENT" and e.step_key:
                meta = e.dagster_event.engine_event_data.metadata
                if "Celery worker" in meta:
                    worker[e.step_key] = meta["Celery worker"].value
        starts = {
            e.step_key: e.timestamp
            for e in logs
            if e.is_dagster_event and e.dagster_event_type == dg.DagsterEventType.STEP_START
        }
        for e in logs:
            if e.is_dagster_event and e.dagster_event_type == dg.DagsterEventType.STEP_SUCCESS:
                out.append((run.run_id, e.step_key, starts[e.step_key], e.timestamp, worker.get(e.step_key, "")))
    return out


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
    steps = _steps(_instance(scale), "ingest_job")
    assert {w.split("@")[0] for *_, w in steps} == {"w1", "w2"}
    first_ingest = min(steps, key=lambda s: s[2])[0]
    by_step = {s[1]: s for s in steps if s[0] == first_ingest}
    tx, ex = by_step["raw_transactions"], by_step["raw_exports"]
    # Both handed to the workers before either finished, and run by different workers (whether their
    # execution overlaps then depends on the workers' pick-up time, which a loaded machine stretches).
    submitted = {
        e.step_key: e.timestamp
        for e in _instance(scale).all_logs(first_ingest, of_type=dg.DagsterEventType.ENGINE_EVENT)
        if (e.message or "").startswith("Submitting celery task")
    }
    assert max(submitted["raw_transactions"], submitted["raw_exports"]) < min(tx[3], ex[3])
    assert tx[4] != ex[4]


def test_a_year_of_days_is_built_on_two_workers(services: Services, tmp_path: Path) -> None:
    env = {**os.environ, **services.profile(tmp_path / "scale" / "data", tmp_path / "scale" / "home", "year")}
    landing = tmp_path / "scale" / "data" / "landing"
    exe = Path(sys.executable).with_name("sentra")
    subprocess.run([str(exe), "sample", "--out", str(landing), "--from", "2025-01-01", "--to", "2025-12-31",
                    "--seed", "3"], check=True, capture_output=True)  # fmt: skip
    services.start_workers(env)
    try:
        done = sentra("run", "--from", "2025-01-01", "--to", "2025-12-31", env=env)
    finally:
        services.stop_workers()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "built 365 day(s) and 12 month(s)" in done.stdout
    saved = os.environ.get("SENTRA_LAKE_DATA_PATH")
    os.environ["SENTRA_LAKE_DATA_PATH"] = env["SENTRA_LAKE_DATA_PATH"]
    try:
        con = connect(env["SENTRA_WAREHOUSE"], read_only=True)
        days = dict(con.execute("SELECT date, turnover_idr FROM marts.daily_turnover").fetchall())
        con.close()
    finally:
        os.environ.pop("SENTRA_LAKE_DATA_PATH") if saved is None else os.environ.update(SENTRA_LAKE_DATA_PATH=saved)
    expected = {d: v for d, v in daily_turnover(landing).items() if date(2025, 1, 1) <= d <= date(2025, 12, 31)}
    assert {d: v for d, v in days.items() if d.year == 2025} == expected and len(expected) == 365
    steps = _steps(_instance(env), "daily_job")
    assert len({s[0] for s in steps}) == 12  # a run per month
    assert {w.split("@")[0] for *_, w in steps} == {"w1", "w2"}
    overlapping = [(a, b) for a in steps for b in steps if a[0] < b[0] and a[2] < b[3] and b[2] < a[3]]
    assert overlapping, "no two days' steps ran at the same time"


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def _wait_for_step(env: dict[str, str], job: str, step: str, timeout: float = 120.0) -> None:
    instance = _instance(env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for run in instance.get_runs(dg.RunsFilter(job_name=job)):
            for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START):
                if e.step_key == step:
                    return
        time.sleep(0.2)
    raise AssertionError(f"{step} did not start within {timeout} s")


def _start_run(env: dict[str, str], job: str, step: str) -> subprocess.Popen:
    """`sentra run` in the background, returned once `step` of `job` has started on a worker."""
    exe = Path(sys.executable).with_name("sentra")
    run = subprocess.Popen([str(exe), "run", "--from", START, "--to", END], env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    _wait_for_step(env, job, step)
    return run


def _a_rerun_gives(env: dict[str, str], expected: dict[str, bytes]) -> None:
    done = sentra("run", "--from", START, "--to", END, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert dump_marts(env) == expected


def test_a_worker_killed_mid_step_retries_or_fails_cleanly_and_a_rerun_completes(
    scale: dict[str, str], services: Services, reference: dict[str, object]
) -> None:
    run = _start_run(scale, "daily_job", "stg_transactions")
    killed = []
    for worker in services.celery:  # dagster-celery → celery main process → the pool process running the step
        for main in _children(worker.proc.pid):
            for pool in _children(main):
                os.kill(pool, signal.SIGKILL)
                killed.append(pool)
    assert killed
    out, _ = run.communicate(timeout=600)
    assert "Traceback" not in out
    # Either the lost step was sent again (pipelines/scale/celery.yaml) and the run completed, or the run
    # failed with one line (a step whose retry also lost its process): never a hang, never a half-written file.
    if run.returncode == 0:
        instance = _instance(scale)
        attempts: dict[tuple[str, str], int] = {}
        for r in instance.get_runs(dg.RunsFilter(job_name="daily_job")):
            for e in instance.all_logs(r.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
                if e.step_key and "in celery worker" in (e.message or ""):
                    attempts[(r.run_id, e.step_key)] = attempts.get((r.run_id, e.step_key), 0) + 1
        assert max(attempts.values()) == 2, attempts
        assert dump_marts(scale) == reference["first"]
    else:
        print(out)  # shown with -rP: which of the two happened
        assert run.returncode == 1 and "sentra: run failed:" in out, out
        assert dump_marts(scale)["unbalanced files"] == reference["first"]["unbalanced files"]
    _a_rerun_gives(scale, reference["first"])


def test_postgres_restarted_mid_run_fails_clearly_then_recovers(
    scale: dict[str, str], services: Services, reference: dict[str, object]
) -> None:
    run = _start_run(scale, "ingest_job", "raw_transactions")
    services.postgres.stop()
    try:
        out, _ = run.communicate(timeout=600)
    finally:
        services.postgres.start()
    assert run.returncode != 0, out
    assert "Traceback" not in out
    last = [line for line in out.splitlines() if line.startswith("sentra:")]
    assert last and "PostgreSQL" in last[-1], out
    _a_rerun_gives(scale, reference["first"])


def test_a_lost_lake_commit_asks_dagster_to_retry_the_step(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = services.profile(tmp_path / "scale" / "data", tmp_path / "scale" / "home", "conflict")
    for key in ("SENTRA_WAREHOUSE", "SENTRA_LAKE_DATA_PATH"):
        monkeypatch.setenv(key, env[key])
    other = connect(env["SENTRA_WAREHOUSE"])
    other.execute("CREATE TABLE marts.replaced (day INTEGER, value INTEGER)")
    other.execute("INSERT INTO marts.replaced VALUES (1, 1), (2, 2)")
    with pytest.raises(dg.RetryRequested) as asked, Warehouse().connection() as con:
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
    args = ["--rows", "3000", "--files", "2", "--skip-year", "--event-runs", "1", "--json", str(out)]
    done = subprocess.run([sys.executable, str(bench), *args], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert figures["day"]["marts_identical"] and figures["day"]["rows"] == 3000
    assert set(figures["events"]) == {"sqlite", "postgres_direct", "pgbouncer", "pgbouncer_sync_off"}
    assert all(e["events"] > 0 for e in figures["events"].values())
