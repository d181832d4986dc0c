"""Where Sentra reads and writes: every path comes from the environment, so a deployment can move them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = REPO_ROOT / "sql"


@dataclass(frozen=True)
class Settings:
    data_dir: Path

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse(self) -> Path:
        return Path(os.environ.get("SENTRA_WAREHOUSE", self.data_dir / "warehouse.duckdb"))

    @property
    def publish(self) -> Path:
        return self.data_dir / "publish"


def settings() -> Settings:
    """Read the settings now (not at import), so tests and the CLI can point SENTRA_DATA_DIR elsewhere."""
    return Settings(Path(os.environ.get("SENTRA_DATA_DIR", REPO_ROOT / "data")).resolve())


# First day that has a partition; rows dated earlier are quarantined rather than silently dropped.
PARTITIONS_START = os.environ.get("SENTRA_PARTITIONS_START", "2020-01-01")
