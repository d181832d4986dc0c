"""Sensors: new landing files start an ingest; what an ingest touched is rebuilt; new marts are published.

None of them opens the warehouse (it has one writer): they read the landing folder and Dagster's event log.
"""

import hashlib
import json
from datetime import date

import dagster as dg

from models.contracts import SOURCES
from pipelines.core import dates
from pipelines.core.periods import range_run_requests
from pipelines.ingest.landing import SEEN_METADATA, scan
from pipelines.orchestration.jobs import (
    daily_job,
    following,
    ingest_job,
    monthly_job,
    portal_job,
    preceding,
    publish_job,
)
from pipelines.publish.charts.editions import MOVE_PRINTS
from pipelines.warehouse.connection import Sentra


def _ingested(instance: dg.DagsterInstance) -> dict[str, list[float]]:
    """The landing files the latest ingest of each source dealt with, whoever started it (`sentra run` too)."""
    events = instance.get_latest_materialization_events([dg.AssetKey(f"raw_{s}") for s in SOURCES])
    out: dict[str, list[float]] = {}
    for event in events.values():
        materialization = event.asset_materialization if event else None
        value = materialization.metadata.get(SEEN_METADATA) if materialization else None
        if value is not None:
            out.update(value.value)
    return out


@dg.sensor(job=ingest_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext, sentra: Sentra) -> dg.SensorResult | dg.SkipReason:
    """Start an ingest run when a landing file appears or changes (by size and modification time), unless
    this sensor's cursor or the latest ingest has already seen it as it is."""
    landing = sentra.landing
    now = {str(f.path): f.fingerprint for s in SOURCES for f in scan(landing, s)}
    before = json.loads(context.cursor) if context.cursor else {}
    ingested = _ingested(context.instance)
    changed = sorted(p for p, fp in now.items() if fp not in (before.get(p), ingested.get(p)))
    if not changed:
        return dg.SkipReason(f"no new or changed files under {landing}")
    key = hashlib.sha256(json.dumps([[p, now[p]] for p in changed]).encode()).hexdigest()[:16]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"landing:{key}", tags={"sentra/changed_files": str(len(changed))})],
        cursor=json.dumps(now),
    )


def _touched_by_run(instance: dg.DagsterInstance, run_id: str, field: str) -> set[date]:
    out: set[date] = set()
    for record in instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records:
        materialization = record.event_log_entry.asset_materialization
        value = materialization.metadata.get(field) if materialization else None
        if value is not None:
            out.update(date.fromisoformat(d) for d in value.value)
    return out


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[ingest_job],
    request_jobs=[step.job for step in following(ingest_job.name)],  # the days and months it touched
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def ingested_partitions_sensor(context: dg.RunStatusSensorContext, sentra: Sentra) -> list[dg.RunRequest]:
    """Rebuild every day and month the ingested files touched, one run per contiguous range."""
    run_id, first = context.dagster_run.run_id, sentra.partitions_start
    days = dates.buildable(_touched_by_run(context.instance, run_id, "touched_days"), "day", first)
    months = dates.buildable(_touched_by_run(context.instance, run_id, "touched_months"), "month", first)
    return range_run_requests(daily_job.name, days, "day", run_id) + range_run_requests(
        monthly_job.name, months, "month", run_id
    )


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=preceding(publish_job.name),
    request_job=publish_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def publish_sensor(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    """Rebuild the published cells and redraw the charts after marts change; after a monthly run, daily charts'
    print editions move to the month that closed."""
    moves = {MOVE_PRINTS: "true"} if context.dagster_run.job_name == monthly_job.name else {}
    return dg.RunRequest(run_key=f"publish:{context.dagster_run.run_id}", tags=moves)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=preceding(portal_job.name),
    request_job=portal_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def portal_sensor(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    """List new reports on the portal (reports run on their own schedules, after the cells they read)."""
    return dg.RunRequest(run_key=f"portal:{context.dagster_run.run_id}")


SENSORS = [landing_sensor, ingested_partitions_sensor, publish_sensor, portal_sensor]
