"""The Dagster instance: `$DAGSTER_HOME` if set, else `.dagster/` in the repo using its dagster.yaml."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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


if __name__ == "__main__":  # `make dev` asks for the folder to run `dagster dev` on
    print(ensure_dagster_home())
