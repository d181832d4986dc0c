"""What the scale tests share (tests/test_scale.py, tests/test_scale_faults.py) besides their fixtures (services,
sample, reference marts and a fresh profile per test, in tests/conftest.py): the range, `sentra` in a given
environment, the late files, and the steps each Celery worker ran."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from models.contracts import CONTRACTS

START, END = "2025-03-24", "2025-04-06"
HEADERS = {source: list(contract.names) for source, contract in CONTRACTS.items()}
EMBEDDED_ONLY = ("SENTRA_WAREHOUSE", "SENTRA_LAKE_DATA_PATH", "SENTRA_CELERY_BROKER", "SENTRA_DAGSTER_PG_URL")


def sentra(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`sentra` in a subprocess. One that hangs for 900 s is asked for every thread's stack (SIGUSR1, see
    `pipelines.cli.main`) before it is killed, and the test fails with it: a hang seen in CI is then readable."""
    exe = Path(sys.executable).with_name("sentra")
    cmd = [str(exe), *args]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:
        try:
            out, err = proc.communicate(timeout=900)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGUSR1)
            time.sleep(3)
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"{' '.join(cmd)} hung for 900 s; its threads:\n{err[-30000:]}") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def embedded_env(folder: Path) -> dict[str, str]:
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).parent.parent / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED_ONLY}
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


def scale_instance(env: dict[str, str]) -> dg.DagsterInstance:
    os.environ["SENTRA_DAGSTER_PG_URL"] = env["SENTRA_DAGSTER_PG_URL"]
    return dg.DagsterInstance.from_config(env["DAGSTER_HOME"])


def run_steps(instance: dg.DagsterInstance, job: str) -> list[tuple[str, str, float, float, str]]:
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
