"""The Sentra code location: every asset, check, job, schedule and sensor, loaded by `dagster dev`."""

from __future__ import annotations

import dagster as dg

from pipelines.alerts.sensors import ALERT_SENSORS
from pipelines.assets.publish import publish_assets
from pipelines.assets.raw import raw_assets
from pipelines.assets.reports import report_assets
from pipelines.assets.transform import transform_assets
from pipelines.ingest import settings as ingest_settings
from pipelines.orchestration.jobs import JOBS
from pipelines.orchestration.schedules import SCHEDULES
from pipelines.orchestration.sensors import SENSORS
from pipelines.publish import settings as publish_settings
from pipelines.quality import settings as quality_settings
from pipelines.scale import profile
from pipelines.warehouse.connection import Warehouse

defs = dg.Definitions(
    assets=[*raw_assets, *transform_assets, *report_assets, *publish_assets],
    jobs=JOBS,
    schedules=SCHEDULES,
    sensors=[*SENSORS, *ALERT_SENSORS],
    resources={
        "warehouse": Warehouse(),
        "ingest": ingest_settings.from_environment(),
        "quality": quality_settings.from_environment(),
        "publishing": publish_settings.from_environment(),
    },
    executor=profile.executor(),
)


def job(name: str) -> dg.JobDefinition:
    """A job by name, for a reconstructable run (`dg.build_reconstructable_job`) on Celery workers."""
    return defs.resolve_job_def(name)
