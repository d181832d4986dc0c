"""Where Sentra reads and writes: every path comes from the environment, so a deployment can move them."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

REPO_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = REPO_ROOT / "sql"


@dataclass(frozen=True)
class Settings:
    """Where Sentra reads and writes, and how it uses DuckDB, read once from the environment (`from_env`) at the
    edge (the CLI, the code location) and passed on; tests make one with any value they need."""

    data_dir: Path
    warehouse_setting: str = ""  # SENTRA_WAREHOUSE: another file, or a DuckLake (`ducklake:postgres:<DSN>`)
    duckdb_memory: str = "512MB"  # beyond it, big joins and inserts spill to disk instead of growing the process
    # One thread per core by default; processes sharing the cores (test workers, Celery workers on one machine)
    # each take their share instead of all of them.
    duckdb_threads: int | None = None
    # First day that has a partition; rows dated earlier are quarantined rather than silently dropped.
    partitions_start: date = date(2020, 1, 1)
    # A lake's snapshots, and the files only they refer to, are kept this long before the compaction job
    # deletes them: readers and backups taken within it still find every file (docs/DEPLOY.md).
    lake_retention_days: int = 7

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """The settings in `env`: SENTRA_DATA_DIR, SENTRA_WAREHOUSE, SENTRA_DUCKDB_MEMORY, SENTRA_DUCKDB_THREADS,
        SENTRA_PARTITIONS_START, SENTRA_LAKE_RETENTION_DAYS (one line naming the variable when a value is wrong)."""
        threads = env.get("SENTRA_DUCKDB_THREADS", "").strip()
        retention = env.get("SENTRA_LAKE_RETENTION_DAYS", "").strip()
        start = env.get("SENTRA_PARTITIONS_START", "").strip()
        try:
            first = date.fromisoformat(start) if start else cls.partitions_start
        except ValueError:
            raise ValueError(f"SENTRA_PARTITIONS_START={start!r}: a date, YYYY-MM-DD") from None
        if threads and not threads.isdigit():
            raise ValueError(f"SENTRA_DUCKDB_THREADS={threads!r}: a whole number of threads")
        if retention and not retention.isdigit():
            raise ValueError(f"SENTRA_LAKE_RETENTION_DAYS={retention!r}: a whole number of days (0 or more)")
        return cls(
            data_dir=Path(env.get("SENTRA_DATA_DIR", REPO_ROOT / "data")).resolve(),
            warehouse_setting=env.get("SENTRA_WAREHOUSE", ""),
            duckdb_memory=env.get("SENTRA_DUCKDB_MEMORY", cls.duckdb_memory),
            duckdb_threads=int(threads) if threads else None,
            partitions_start=first,
            lake_retention_days=int(retention) if retention else cls.lake_retention_days,
        )

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_setting or self.data_dir / "warehouse.duckdb")

    @property
    def warehouse_target(self) -> str:
        """What `warehouse.connection.connect` opens: the file's path, or a DuckLake (`ducklake:postgres:<DSN>`)."""
        return self.warehouse_setting if self.is_lake else str(self.warehouse)

    @property
    def is_lake(self) -> bool:
        return self.warehouse_setting.startswith("ducklake:")

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
    """The settings of this moment's environment (never read at import: the CLI and tests set it first)."""
    return Settings.from_env()


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
