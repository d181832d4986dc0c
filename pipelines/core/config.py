"""Where Sentra reads and writes: every path comes from the environment, so a deployment can move them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

REPO_ROOT = Path(__file__).resolve().parents[2]
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
    def warehouse_target(self) -> str:
        """What `resources.connect` opens: the file's path, or a DuckLake (`ducklake:postgres:<DSN>`)."""
        target = os.environ.get("SENTRA_WAREHOUSE", "")
        return target if target.startswith("ducklake:") else str(self.warehouse)

    @property
    def duckdb_memory(self) -> str:
        """DuckDB's memory limit: beyond it, big joins and inserts spill to disk instead of growing the process."""
        return os.environ.get("SENTRA_DUCKDB_MEMORY", "512MB")

    @property
    def duckdb_threads(self) -> int | None:
        """DuckDB's threads (`SENTRA_DUCKDB_THREADS`; default: one per core). Processes that share the cores, such
        as test workers or Celery workers on one machine, each take their share instead of all of them."""
        value = os.environ.get("SENTRA_DUCKDB_THREADS", "").strip()
        return int(value) if value else None

    @property
    def publish(self) -> Path:
        """The public tree: all that the portal links and `sentra serve` hands out (docs/DISCLOSURE.md)."""
        return self.data_dir / "publish"

    @property
    def internal(self) -> Path:
        """The office's own outputs, never served: the marts snapshot, quality reports with quarantined rows,
        provenance with file names."""
        return self.data_dir / "internal"


def settings() -> Settings:
    """Read the settings now (not at import), so tests and the CLI can point SENTRA_DATA_DIR elsewhere."""
    return Settings(Path(os.environ.get("SENTRA_DATA_DIR", REPO_ROOT / "data")).resolve())


# First day that has a partition; rows dated earlier are quarantined rather than silently dropped.
PARTITIONS_START = os.environ.get("SENTRA_PARTITIONS_START", "2020-01-01")


Model = TypeVar("Model", bound=BaseModel)


def settings_from_env(cls: type[Model], variable: str) -> Model:
    """`cls` with its defaults overridden by the JSON object in the environment variable, if set."""
    text = os.environ.get(variable, "").strip()
    try:
        return cls(**(json.loads(text) if text else {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"{variable}: {problems}") from None
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{variable}: not a JSON object of settings ({exc})") from None
