"""Run the real assets on the test's temporary warehouse and Dagster instance, and read results back."""

from __future__ import annotations

from datetime import date

import dagster as dg
import duckdb

from pipelines.core.config import Settings, settings
from pipelines.core.periods import range_tags
from pipelines.definitions import build, resources
from pipelines.orchestration.jobs import daily_job, ingest_job, monthly_job

DEFS = build(Settings.from_env())  # the graph, checks and schedules; runs take resources_now() (per-test settings)
ASSETS = list(DEFS.assets or [])
# What the run order's first steps build (pipelines.orchestration.jobs), as asset selections.
INGEST, DAILY, MONTHLY = (job.selection for job in (ingest_job, daily_job, monthly_job))


def resources_now() -> dict[str, object]:
    """The resources for this test's environment (its own data folder, settings it set): read at each call."""
    return resources(Settings.from_env())


EPHEMERAL: list[dg.DagsterInstance] = []  # the test's in-memory instance, set by conftest.dagster_instance


def instance() -> dg.DagsterInstance:
    """The test's Dagster instance: in memory, no run history on disk (1 s to create a SQLite one, 0.3 s more per
    run), unless its module reads run history (`HISTORY = True`): then the persistent one under DAGSTER_HOME."""
    return EPHEMERAL[-1] if EPHEMERAL else dg.DagsterInstance.get()


def ingest() -> dict[str, dict]:
    """Materialize the raw layer; return each asset's metadata values. The settings (SENTRA_INGEST…) are read
    now, as a deployment reads them when it loads the definitions."""
    result = dg.materialize(ASSETS, selection=INGEST, instance=instance(), resources=resources_now())
    return {
        e.asset_key.to_user_string(): {
            k: v.value for k, v in e.step_materialization_data.materialization.metadata.items()
        }
        for e in result.get_asset_materialization_events()
    }


def build(first: str, last: str, grain: str = "day") -> dg.ExecuteInProcessResult:
    selection = DAILY if grain == "day" else MONTHLY
    tags = range_tags(date.fromisoformat(first), date.fromisoformat(last), grain)
    return dg.materialize(ASSETS, selection=selection, instance=instance(), resources=resources_now(), tags=tags)


def query(sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(settings().warehouse_target, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
