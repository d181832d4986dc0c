"""The Dagster instance: `$DAGSTER_HOME` if set, else `.dagster/` in the repo using its dagster.yaml."""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
from pathlib import Path

import dagster as dg

from pipelines.core.config import REPO_ROOT


def ensure_dagster_home() -> Path:
    """Make the instance folder persistent (runs and history survive restarts) and return it."""
    if os.environ.get("DAGSTER_HOME"):
        home = Path(os.environ["DAGSTER_HOME"]).resolve()
        home.mkdir(parents=True, exist_ok=True)
        return home
    home = REPO_ROOT / ".dagster"
    home.mkdir(exist_ok=True)
    src, dst = REPO_ROOT / "dagster.yaml", home / "dagster.yaml"
    if not dst.exists() or dst.read_bytes() != src.read_bytes():
        shutil.copyfile(src, dst)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def get_instance() -> dg.DagsterInstance:
    """The persistent instance. Two processes creating its SQLite storage at once race, so take turns."""
    home = ensure_dagster_home()
    with (home / ".sentra-instance.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return dg.DagsterInstance.get()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def owner_tags() -> dict[str, str]:
    """Tags naming the process that executes a run in-process, so a later run can tell it died."""
    return {"sentra/host": socket.gethostname(), "sentra/pid": str(os.getpid())}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def release_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Runs whose `sentra run` process died (SIGKILL, power cut) still show as started and hold their
    `duckdb` pool slot, so the next run would wait for ever: mark them failed and free the slot.

    Only runs this host's CLI executed are touched; the daemon's run monitoring handles its own."""
    released = []
    storage = instance.event_log_storage
    for run_id in sorted(storage.get_concurrency_run_ids()):
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            pid = run.tags.get("sentra/pid")
            if pid is None or run.tags.get("sentra/host") != socket.gethostname() or _alive(int(pid)):
                continue
            instance.report_run_failed(run, f"the sentra process (pid {pid}) running it died")
        storage.free_concurrency_slots_for_run(run_id)
        released.append(run_id)
    return released


if __name__ == "__main__":  # `make dev` asks for the folder to run `dagster dev` on
    print(ensure_dagster_home())
