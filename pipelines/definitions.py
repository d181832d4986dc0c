"""The Sentra code location: every asset, check, job, schedule and sensor, loaded by `dagster dev`."""

from __future__ import annotations

import dagster as dg

from pipelines.alerts.sensors import ALERT_SENSORS
from pipelines.ingest import settings as ingest_settings
from pipelines.ingest.assets import raw_assets
from pipelines.jobs import JOBS
from pipelines.publish import settings as publish_settings
from pipelines.publish.assets import publish_assets
from pipelines.publish.report_assets import report_assets
from pipelines.quality import settings as quality_settings
from pipelines.resources import Warehouse
from pipelines.scale import profile
from pipelines.schedules import SCHEDULES
from pipelines.sensors import SENSORS
from pipelines.transform.assets import transform_assets

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
