"""`sentra run`: ingest, then every day and month the range and the new files touch, then publish.

Each step is a Dagster run on the persistent instance, so the UI shows what the CLI did. `run_range` returns
a `RunOutcome`: the exit code and every step's timing (`sentra run --timings FILE` writes them as JSON).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from itertools import zip_longest
from typing import Protocol

import dagster as dg
import sqlalchemy.exc

from models.contracts import SOURCES
from pipelines.core import dates
from pipelines.core.config import Settings
from pipelines.core.errors import EXIT_FAILED, EXIT_HELD, EXIT_REJECTED_FILES, UserError
from pipelines.core.i18n import cli_lang
from pipelines.core.periods import complete_weeks, periods, range_tags, segments
from pipelines.orchestration.instance import get_instance, owner_tags, release_dead_runs
from pipelines.orchestration.jobs import STEPS, Step
from pipelines.publish import gate, snapshot
from pipelines.publish.charts import editions
from pipelines.scale import profile
from pipelines.warehouse import lake
from pipelines.warehouse.connection import connect, sql

Echo = Callable[[str], None]
# The terminal gets our one-line progress and errors; the full event log is in the Dagster UI.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
STAGGER_S = 2.0  # between the first parallel runs' starts: they do not set up their executors at the same instant


class Executed(Protocol):
    """What a finished run tells: Dagster's in-process result and its `execute_job` result both fit."""

    run_id: str
    success: bool

    @property
    def all_events(self) -> list[dg.DagsterEvent]: ...
    def get_step_failure_events(self) -> list[dg.DagsterEvent]: ...
    def get_asset_materialization_events(self) -> list[dg.DagsterEvent]: ...


class RunFailed(Exception):
    """A Dagster run failed; the message is the failing step and its error."""


@dataclass(frozen=True)
class StepTiming:
    """One step of `sentra run`: a Dagster run of `job`, as the CLI prints it ("▶ label …", "done in X s")."""

    label: str
    job: str
    run_id: str
    seconds: float  # wall time of the step in this process, Dagster run included
    ok: bool


@dataclass(frozen=True)
class RunOutcome:
    """What `run_range` did: the CLI's exit code and the steps in the order they ran (a failed one last)."""

    exit_code: int
    steps: tuple[StepTiming, ...]

    def to_json(self) -> dict[str, object]:
        """The `--timings` file: exit code, total step seconds and each step."""
        return {
            "exit_code": self.exit_code,
            "seconds": round(sum(s.seconds for s in self.steps), 3),
            "steps": [{**asdict(s), "seconds": round(s.seconds, 3)} for s in self.steps],
        }


def run_range(s: Settings, start: date, end: date, echo: Echo) -> RunOutcome:
    """Every step of the run order for `start … end` with settings `s` (read once, by the CLI)."""
    _validate(s, start, end, dates.last_complete("day"))
    instance = get_instance()
    for run_id in release_dead_runs(instance):
        echo(
            f"  recovered run {run_id[:8]}: its process died (DuckDB rolled back what it had not committed); "
            "marked failed, pool slot freed"
        )
    try:
        from pipelines.definitions import build  # after DAGSTER_HOME is settled

        defs = build(s)
    except ValueError as exc:  # a setting from the environment
        raise UserError(str(exc)) from None
    # Upgrade the warehouse's schema (or refuse a newer one) here, as one line, before any Dagster step opens it.
    connect(s.warehouse_target).close()

    steps: list[StepTiming] = []  # _execute appends each step as it ends
    done: dict[str, Executed] = {}
    periods_of: dict[str, set[date]] = {}
    meta: dict[str, dict] = {}  # what ingest materialized (the first step)
    rejected = 0
    try:
        for step in STEPS:  # the run order (pipelines.orchestration.jobs); what each step builds is decided here
            name = step.job.name
            if step.grain is not None:
                periods_of[name] = _periods(step, start, end, meta, periods_of, s.partitions_start)
                _execute_ranges(defs, instance, ((step.grain, name, periods_of[name], step.label),), echo, steps)
            elif step.always or any(periods_of.get(job) for job in step.after):
                done[name] = _execute(defs, instance, name, _tags(name, periods_of), step.label, echo, steps)
                if name == "ingest_job":
                    meta = _metadata(done[name])
                    rejected = _report_ingest(meta, echo)
                    _require_rows(s, start, end)
    except RunFailed as exc:
        echo(f"sentra: run failed: {exc}")
        echo(f"  quality reports: {s.internal / 'quality' / 'index.html'}")
        return RunOutcome(EXIT_FAILED, tuple(steps))
    _report_outputs(s, periods_of["daily_job"], periods_of["monthly_job"], done["publish_job"], echo)
    holds = _report_held(s, echo)
    if rejected:
        folder = s.landing / "rejected"
        echo(
            f"sentra: {rejected} landing file(s) rejected and moved to {folder} with an .error.txt each; "
            "fix and put them back in landing/ — the rest went on"
        )
    if holds:
        return RunOutcome(EXIT_HELD, tuple(steps))
    return RunOutcome(EXIT_REJECTED_FILES if rejected else 0, tuple(steps))


def _tags(job: str, periods_of: dict[str, set[date]]) -> dict[str, str]:
    """Daily charts' print editions move to a new period only in a publish run after months were built."""
    return {editions.MOVE_PRINTS: "true"} if job == "publish_job" and periods_of.get("monthly_job") else {}


def _periods(
    step: Step, start: date, end: date, meta: dict[str, dict], before: dict[str, set[date]], first: date
) -> set[date]:
    """What a partitioned step builds: the days and months of the range and those the new files touched (when
    complete), then the reports of the complete months and weeks among them."""
    if step.job.name in ("daily_job", "monthly_job"):
        touched = _touched_in(meta, f"touched_{step.grain}s") | set(periods(start, end, step.grain))
        return dates.buildable(touched, step.grain, first)
    if step.grain == "week":
        weeks = complete_weeks(before["daily_job"], dates.last_complete("day"))
        return {w for w in weeks if w >= first}
    return before["monthly_job"]


def _report_held(s: Settings, echo: Echo) -> list[gate.Hold]:
    """The periods the publication gate holds, as `sentra status` and the portal's banner name them."""
    con = connect(s.warehouse_target, read_only=True)
    try:
        holds = gate.held(con)
    finally:
        con.close()
    if holds:
        echo(f"sentra: {len(holds)} period(s) held, not published (previous figures kept; docs/CHECKS.md):")
        for h in holds:
            echo(f"  held: {h.line()}")
        echo("  send the corrected rows in a new landing file (see the quality report); the next run publishes them")
    return holds


def _execute_ranges(
    defs: dg.Definitions, instance: dg.DagsterInstance, ranges: tuple, echo: Echo, steps: list[StepTiming]
) -> None:
    """Each grain's contiguous ranges, one run each; at scale a long range is split by month and
    `profile.parallel_runs()` runs go at once (their steps on the Celery workers, pools holding per asset)."""
    for grain, job, chosen, what in ranges:
        chunks = []
        for first, last in segments(chosen, grain):
            chunks += _split(first, last, grain) if profile.parallel_runs() > 1 else [(first, last)]
        labels = [f"{what}{grain}s {a} … {b}" if a != b else f"{what}{grain} {a}" for a, b in chunks]
        work = [(job, range_tags(a, b, grain), label) for (a, b), label in zip(chunks, labels, strict=True)]
        if len(work) <= 1 or profile.parallel_runs() == 1:
            for job_, tags, label in work:
                _execute(defs, instance, job_, tags, label, echo, steps)
            continue
        # Dagster creates a pool's limit row when a run first claims it; two runs doing that at once make
        # dagster-postgres fail one of them (unique key). Create them here, one at a time.
        # (Only missing ones: dagster-postgres fails the same way when asked to create a row that exists.)
        existing = instance.event_log_storage.get_concurrency_keys()
        for node in defs.resolve_job_def(job).all_node_defs:
            if node.pool and node.pool not in existing:
                instance.event_log_storage.initialize_concurrency_limit_to_default(node.pool)
        with ThreadPoolExecutor(profile.parallel_runs()) as pool:  # each thread waits on its own run
            futures = []
            for n, (job_, tags, label) in enumerate(work):
                if 0 < n < profile.parallel_runs():  # the first runs do not set up their executors at the same instant
                    time.sleep(STAGGER_S)
                futures.append(pool.submit(_execute, defs, instance, job_, tags, label, echo, steps))
            for future in futures:
                future.result()


def _split(first: date, last: date, grain: str) -> list[tuple[date, date]]:
    """A range of days cut at month starts (other grains whole): partitions for parallel runs."""
    if grain != "day":
        return [(first, last)]
    chunks, start = [], first
    while start <= last:
        next_month = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        end = min(last, next_month - timedelta(days=1))
        chunks.append((start, end))
        start = end + timedelta(days=1)
    return chunks


def _validate(s: Settings, start: date, end: date, last_day: date) -> None:
    if end > last_day:
        raise UserError(f"--to {end} is not a complete day yet in Asia/Jakarta (the last one is {last_day})")
    if start < s.partitions_start:
        raise UserError(f"--from {start} is before the first partition {s.partitions_start} (SENTRA_PARTITIONS_START)")
    landing = s.landing
    if not any((landing / s).is_dir() and any((landing / s).iterdir()) for s in SOURCES):
        raise UserError(f"{landing}: no landing files (expected folders {', '.join(SOURCES)}; try `sentra sample`)")


def _execute(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    job: str,
    tags: dict,
    label: str,
    echo: Echo,
    steps: list[StepTiming],
) -> Executed:
    """Run `job` (in process, or on the workers); append its StepTiming; raise RunFailed if it failed."""
    started = time.perf_counter()
    echo(f"▶ {label} …")
    try:
        if profile.distributed():  # steps on Celery workers: a reconstructable run on the persistent instance
            target = dg.build_reconstructable_job("pipelines.definitions", "job", (job,))
            result = dg.execute_job(
                target, instance, run_config=QUIET, tags={**tags, **owner_tags()}, raise_on_error=False
            )
        else:
            result = defs.resolve_job_def(job).execute_in_process(
                instance=instance, tags={**tags, **owner_tags()}, run_config=QUIET, raise_on_error=False
            )
    except sqlalchemy.exc.OperationalError as exc:  # the instance's database went away mid-run
        detail = str(exc.orig or exc).strip().splitlines()[0]
        raise RunFailed(
            f"{job}: Dagster's instance storage (PostgreSQL) cannot be reached ({detail}); what committed "
            "stays: bring PostgreSQL back and run again"
        ) from None
    seconds = time.perf_counter() - started
    steps.append(StepTiming(label, job, result.run_id, seconds, result.success))
    if not result.success:
        failures = result.get_step_failure_events()
        if failures:
            err = failures[0].step_failure_data.error
            while err is not None and err.cause is not None:  # the root cause says what went wrong
                err = err.cause
            detail = (err.message if err else "unknown error").strip().splitlines()[0]
            raise RunFailed(f"{failures[0].step_key}: {detail} (run {result.run_id})")
        ended = [e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE]
        why = ended[-1].message.strip().splitlines()[0] if ended and ended[-1].message else "no step failed"
        error = ended[-1].event_specific_data.error if ended and ended[-1].event_specific_data else None
        while error is not None and error.cause is not None:  # the root cause, as for a step
            error = error.cause
        if error is not None:
            why += f" {error.cls_name}: {error.message.strip().splitlines()[0]}"
        raise RunFailed(f"{job} did not succeed: {why} (run {result.run_id})")
    echo(f"  done in {seconds:.1f} s (run {result.run_id[:8]})")
    return result


def _metadata(result: Executed) -> dict[str, dict]:
    """Each materialized asset's metadata values, by asset name."""
    out = {}
    for event in result.get_asset_materialization_events():
        m = event.step_materialization_data.materialization
        out[m.asset_key.to_user_string()] = {k: v.value for k, v in m.metadata.items()}
    return out


def _touched_in(meta: dict[str, dict], field: str) -> set[date]:
    return {date.fromisoformat(d) for m in meta.values() for d in m.get(field, [])}


NOTED_FILES = 10  # files whose notes the summary prints per source; all are kept in raw.files.notes


def _report_notes(notes: list[str], echo: Echo) -> None:
    """What ingest noticed, one line per note, for the first files; a count for the rest (a year of
    marketplace exports has hundreds)."""
    files: dict[str, list[str]] = {}
    for note in notes:  # "<file>: <note>"
        name, _, text = note.partition(": ")
        files.setdefault(name, []).append(text)
    for name, texts in list(files.items())[:NOTED_FILES]:
        for text in texts:
            echo(f"  note: {name}: {text}")
    if len(files) > NOTED_FILES:
        echo(
            f"  note: … and notes on {len(files) - NOTED_FILES} more file(s) (raw.files.notes, or `sentra check FILE`)"
        )


def _report_ingest(meta: dict[str, dict], echo: Echo) -> int:
    rejected, lang = 0, cli_lang(None)
    for source in SOURCES:
        m = meta.get(f"raw_{source}", {})
        rejected += m.get("files_rejected", 0)
        echo(
            f"  {source:<12} files: {m.get('files_ingested', 0)} new, {m.get('files_skipped', 0)} already in, "
            f"{m.get('files_rejected', 0)} rejected, {m.get('files_waiting', 0)} still being written | "
            f"rows: {m.get('rows_accepted', 0):,} accepted, "
            f"{m.get('rows_quarantined', 0):,} quarantined, {m.get('rows_duplicate', 0):,} duplicates, "
            f"{m.get('rows_excluded', 0):,} not sales, {m.get('rows_corrected', 0):,} corrections"
        )
        _report_notes(m.get("notes", []), echo)
        for reason, texts in zip_longest(m.get("rejected", []), m.get("rejected_texts", [])):
            echo(f"  rejected: {(texts or {}).get(lang, reason)}")
        for reason in m.get("waiting", []):
            echo(f"  waiting: {reason}")
    return rejected


def _require_rows(s: Settings, start: date, end: date) -> None:
    """A range with no row from any landing file is almost always a typo in the dates: say so."""
    con = connect(s.warehouse_target, read_only=True)
    try:
        (n,) = con.execute(sql("raw_rows_in_range"), [start, end]).fetchall()[0]
    finally:
        con.close()
    if not n:
        raise UserError(f"no landing file has a transaction or export dated {start} … {end} (in {s.landing})")


def _report_outputs(s: Settings, days: set[date], months: set[date], published: Executed, echo: Echo) -> None:
    echo(f"built {len(days)} day(s) and {len(months)} month(s)")
    charts = sum(name.startswith("chart_") for name in _metadata(published))
    echo(f"  public (may be shared: office network, USB stick, `sentra serve`): {s.publish}")
    echo(f"    portal:    {s.publish / 'index.html'} (open it, or `sentra serve`)")
    echo(f"    charts:    {s.publish / 'charts'} ({charts} charts, Indonesian and English, every format)")
    echo(f"    reports:   {s.publish / 'reports'} (monthly report HTML and PDF, weekly brief; Indonesian and English)")
    echo(f"  internal (never share: producers' rows and figures disclosure control hides): {s.internal}")
    echo(f"    index:     {s.internal / 'index.html'}")
    if lake.is_lake(s.warehouse_target):
        echo(f"    readers:   {lake.read_only_attach(s.warehouse_target)} (the lake itself, read-only)")
    else:
        echo(f"    snapshot:  {s.internal / 'snapshot' / snapshot.FILE} (a read-only copy of the marts: query it)")
    echo(f"    quality:   {s.internal / 'quality' / 'index.html'} (`sentra quality --from … --to …` for a summary)")
    echo(f"  warehouse: {s.warehouse_target}")
