"""The alert sensors. Like every Sentra sensor they never open the warehouse (one writer): they read Dagster's
event log and the landing folder.

Run-status sensors monitor every code location, because `sentra run` executes its runs in-process: those
runs carry no code-location origin, and a sensor limited to its own location's jobs would never see them.
The job is matched by name instead. They return None after alerting, so one tick handles every new run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster._utils.error import SerializableErrorInfo

from pipelines.alerts import deadlines, messages, notify
from pipelines.alerts.settings import OFF, AlertSettings, from_environment
from pipelines.core.config import settings
from pipelines.orchestration.jobs import daily_job, publish_job

clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731 (tests set a fixed "now")
MAX_ROWS = 20  # sample rows quoted in a message


def _default_status() -> dg.DefaultSensorStatus:
    """On when alerts are configured. Read at load, so a bad SENTRA_ALERTS fails `dagster dev` at once."""
    return dg.DefaultSensorStatus.RUNNING if from_environment().enabled else dg.DefaultSensorStatus.STOPPED


def first_line(err: SerializableErrorInfo | None) -> str:
    """The root cause's first line, without Dagster's module path ('…events.Failure: x' -> 'x')."""
    while err is not None and err.cause is not None:
        err = err.cause
    if err is None:
        return "unknown error"
    text = (err.message.strip().splitlines() or [err.cls_name])[0]
    head, sep, rest = text.partition(": ")
    return rest if sep and "." in head and head.endswith(err.cls_name) else text


def _rows(value: object) -> list[dict[str, Any]]:
    """Sample failing rows from check metadata: a JSON list, or the Markdown table pipelines.quality writes."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            lines = [ln.strip().strip("|") for ln in value.strip().splitlines() if ln.strip().startswith("|")]
            cells = [[c.strip() for c in ln.split("|")] for ln in lines]
            value = [dict(zip(cells[0], row, strict=False)) for row in cells[2:]] if len(cells) > 2 else []
    if isinstance(value, dict):
        value = [value]
    return [r for r in value if isinstance(r, dict)][:MAX_ROWS] if isinstance(value, list) else []


def failed_checks(
    instance: dg.DagsterInstance, run_id: str, names: set[str] | None = None
) -> list[messages.CheckFailure]:
    """The run's check evaluations that did not pass (only `names`, if given)."""
    out = []
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    for record in records:
        event = record.event_log_entry.dagster_event
        ev = event.event_specific_data if event else None
        if not isinstance(ev, dg.AssetCheckEvaluation) or ev.passed:
            continue
        if names is not None and ev.check_name not in names:
            continue
        meta = {k: v.value for k, v in ev.metadata.items()}
        observed = str(meta.get("observed") or ev.description or "failed")
        severity = ev.severity.value if ev.severity else "ERROR"
        out.append(
            messages.CheckFailure(
                ev.asset_key.to_user_string(),
                ev.check_name,
                severity,
                bool(ev.blocking),
                observed,
                _rows(meta.get("sample_failing_rows")),
            )
        )
    return out


def _held_families(instance: dg.DagsterInstance, run_id: str) -> list[dict[str, Any]]:
    held: list[dict[str, Any]] = []
    for record in instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records:
        materialization = record.event_log_entry.asset_materialization
        value = materialization.metadata.get("held_families") if materialization else None
        if value is not None and isinstance(value.value, list):
            held += [h for h in value.value if isinstance(h, dict)]
    return held


@dg.run_failure_sensor(
    name="run_failure_alert",
    monitor_all_code_locations=True,
    minimum_interval_seconds=30,
    default_status=_default_status(),
    description="Mail and webhook when any run fails: its job, failed steps with their errors, partitions, "
    "the checks that failed (a blocking check stops a run) and the link to the run.",
)
def run_failure_alert(context: dg.RunFailureSensorContext) -> dg.SkipReason | None:
    alerts = from_environment()
    if not alerts.enabled:
        return dg.SkipReason(OFF)
    run = context.dagster_run
    # no step failed when the run died around its steps (run worker killed): `why` says what happened
    steps = [
        messages.Step(e.step_key or "?", first_line(e.step_failure_data.error))
        for e in context.get_step_failure_events()
    ]
    why = context.failure_event.message or "the run failed"
    alert = messages.run_failed(
        alerts.dagster_ui_url,
        run.job_name,
        run.run_id,
        dict(run.tags),
        steps,
        failed_checks(context.instance, run.run_id),
        why,
    )
    notify.send(alert, alerts, context.log)
    return None


def _after_success(name: str, job: dg.JobDefinition, description: str, alert_for: Callable) -> dg.SensorDefinition:
    """A sensor on successful runs of `job` (any location): `alert_for(context, run, alerts)` builds the alert,
    or returns None when there is nothing to say."""

    @dg.run_status_sensor(
        name=name,
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitor_all_code_locations=True,
        minimum_interval_seconds=30,
        default_status=_default_status(),
        description=description,
    )
    def _sensor(context: dg.RunStatusSensorContext) -> dg.SkipReason | None:
        run = context.dagster_run
        if run.job_name != job.name:
            return None
        alerts = from_environment()
        if not alerts.enabled:
            return dg.SkipReason(OFF)
        if alert := alert_for(context, run, alerts):
            notify.send(alert, alerts, context.log)
        return None

    return _sensor


def _held(context: dg.RunStatusSensorContext, run: dg.DagsterRun, alerts: AlertSettings) -> messages.Alert | None:
    held = _held_families(context.instance, run.run_id)
    return (
        messages.publication_held(alerts.dagster_ui_url, run.job_name, run.run_id, dict(run.tags), held)
        if held
        else None
    )


def _silent(context: dg.RunStatusSensorContext, run: dg.DagsterRun, alerts: AlertSettings) -> messages.Alert | None:
    checks = failed_checks(context.instance, run.run_id, set(alerts.silent_checks))
    return (
        messages.producers_silent(alerts.dagster_ui_url, run.job_name, run.run_id, dict(run.tags), checks)
        if checks
        else None
    )


publication_held_alert = _after_success(
    "publication_held_alert",
    publish_job,
    "Mail and webhook when a publish run kept a family's previous figures (blocking checks failed upstream): "
    "the run succeeds, so the failure alert does not see it.",
    _held,
)
silent_producers_alert = _after_success(
    "silent_producers_alert",
    daily_job,
    "Mail and webhook when a daily run's silent-producer check (SENTRA_ALERTS silent_checks) failed: the "
    "producers that stopped reporting sales.",
    _silent,
)


def late_sources(alerts: AlertSettings, now: datetime, cursor: dict[str, str], log: Any) -> list[str]:
    """Alert each late source once per deadline; `cursor` (source -> deadline alerted) is updated in place.

    A deadline whose alert reached no channel stays unrecorded, so the next tick tries again."""
    landing, holidays, alerted = settings().landing, frozenset(alerts.holidays), []
    for source, rule in alerts.deadlines.items():
        f = deadlines.freshness(landing, source, rule, now, holidays)
        if not f.late or f.due is None or f.since is None or cursor.get(source) == f.due.isoformat():
            continue
        alert = messages.data_late(
            alerts.dagster_ui_url, source, deadlines.describe(rule), f.due, f.since, f.newest, str(landing / source)
        )
        if notify.delivered(notify.send(alert, alerts, log)):
            cursor[source] = f.due.isoformat()
            alerted.append(source)
    return alerted


@dg.sensor(
    name="late_data_alert",
    minimum_interval_seconds=300,
    default_status=_default_status(),
    description="Mail and webhook when a source has no new landing file by its deadline (SENTRA_ALERTS "
    "deadlines; transactions daily 05:00 WIB, fx_rates Mon–Fri 10:00, exports by the 3rd), once per deadline.",
)
def late_data_alert(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    alerts = from_environment()
    if not alerts.enabled:
        return dg.SkipReason(OFF)
    cursor: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    alerted = late_sources(alerts, clock(), cursor, context.log)
    said = f"alerted late: {', '.join(alerted)}" if alerted else "no source newly late"
    return dg.SensorResult(skip_reason=said, cursor=json.dumps(cursor, sort_keys=True))


ALERT_SENSORS = [run_failure_alert, publication_held_alert, silent_producers_alert, late_data_alert]
