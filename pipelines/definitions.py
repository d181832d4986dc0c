"""The Sentra code location: every asset, check, job, schedule and sensor, loaded by `dagster dev`."""

from __future__ import annotations

import warnings

import dagster as dg

from pipelines.alerts.sensors import ALERT_SENSORS
from pipelines.assets.marts import mart_assets
from pipelines.assets.publish import publish_assets
from pipelines.assets.raw import raw_assets
from pipelines.assets.reports import report_assets
from pipelines.assets.staging import staging_assets
from pipelines.core.config import Settings
from pipelines.ingest import settings as ingest_settings
from pipelines.orchestration.compaction import compact_job, compact_schedule
from pipelines.orchestration.jobs import JOBS
from pipelines.orchestration.schedules import SCHEDULES
from pipelines.orchestration.sensors import SENSORS
from pipelines.publish import settings as publish_settings
from pipelines.quality import settings as quality_settings
from pipelines.scale import profile
from pipelines.warehouse.connection import Warehouse


def build(s: Settings) -> dg.Definitions:
    """Every asset, check, job, schedule and sensor, for the settings `s` (also a resource, `sentra`: the folders
    run-time code reads); the other resources' settings from the environment (`SENTRA_INGEST`, `SENTRA_QUALITY`,
    `SENTRA_PUBLISH`), read here, once."""
    with warnings.catch_warnings():  # single-run backfill policies are "beta" in this Dagster: relied on knowingly
        warnings.simplefilter("ignore", dg.BetaWarning)
        assets = [*raw_assets(s), *staging_assets(s), *mart_assets(s), *report_assets(s), *publish_assets(s)]
    compaction = compact_job(s)
    return dg.Definitions(
        assets=assets,
        jobs=[*JOBS, compaction],
        schedules=[*SCHEDULES, compact_schedule(compaction)],
        sensors=[*SENSORS, *ALERT_SENSORS],
        resources=resources(s),
        executor=profile.executor(),
    )


def resources(s: Settings) -> dict[str, object]:
    """The resources for the settings `s`: the warehouse, the settings themselves (`sentra`: the folders run-time
    code reads), and the ingest, quality and publishing settings from the environment."""
    return {
        "warehouse": Warehouse(path=s.warehouse_target, memory=s.duckdb_memory, threads=s.duckdb_threads or 0),
        "sentra": s,
        "ingest": ingest_settings.from_environment(),
        "quality": quality_settings.from_environment(),
        "publishing": publish_settings.from_environment(),
    }


@dg.definitions
def defs() -> dg.Definitions:
    """The code location `dagster dev`, the daemon and the Celery workers load: built when they load it."""
    return build(Settings.from_env())


def job(name: str) -> dg.JobDefinition:
    """A job by name, for a reconstructable run (`dg.build_reconstructable_job`) on Celery workers."""
    return build(Settings.from_env()).resolve_job_def(name)
