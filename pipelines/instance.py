"""The Dagster instance: `$DAGSTER_HOME` if set, else `.dagster/` in the repo using its dagster.yaml."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import dagster as dg

from pipelines.config import REPO_ROOT


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


if __name__ == "__main__":  # `make dev` asks for the folder to run `dagster dev` on
    print(ensure_dagster_home())
