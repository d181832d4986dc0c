"""`sentra status`: what a data engineer asks first at a terminal. Did the last runs work, is each source's data
fresh, which periods the publication gate holds (and why), which files were rejected. Times in WIB.

Reads Dagster's instance and the warehouse read-only, without waiting: a running step holds the warehouse
file (one writer), and then only what Dagster knows is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb

from models.contracts import SOURCES
from pipelines.alerts import deadlines
from pipelines.alerts.settings import AlertSettings, from_environment
from pipelines.core.config import settings
from pipelines.core.errors import UserError
from pipelines.ingest.landing import REJECTED, scan
from pipelines.publish import gate
from pipelines.warehouse.connection import exists, reader_now, sql

Echo = Callable[[str], None]
MAX_ROWS = 30  # per section: beyond it, a count


def status(echo: Echo, now: datetime | None = None) -> int:
    try:
        alerts = from_environment()
    except ValueError as exc:
        raise UserError(str(exc)) from None
    now = now or datetime.now(UTC)
    s = settings()
    echo(f"sentra status at {_wib(now)} (data: {s.data_dir})")
    echo(f"alerts: {alerts.channels()}")
    runs = _last_runs(now)
    wh = _warehouse(s.warehouse_target, echo)
    if not any(r[1] != "never" for r in runs) and not exists(s.warehouse_target):
        echo("\nnothing has run yet: no Dagster run and no warehouse (start with `sentra run --from … --to …`)")
    else:
        echo("\nLast run per job")
        _table(("job", "status", "started (WIB)", "took", "run"), runs, echo)
    _freshness(alerts, now, wh.get("ingested", {}), echo)
    if wh:
        _held(wh["held"], echo)
        _blocked(wh["blocked"], echo)
        _rejected(wh["last_ingest"], wh["rejected"], s.landing, echo)
    return 0


def _warehouse(target: str, echo: Echo) -> dict:
    """Everything read from the warehouse, or {} when there is none or it is locked (said in one line)."""
    if not exists(target):
        return {}
    con = reader_now(target)
    if con is None:
        echo(f"warehouse {target} is locked by a running step: showing what Dagster knows; try again when it ends")
        return {}
    try:
        last = con.execute(sql("status_last_ingest")).fetchall()
        return {
            "ingested": dict(con.execute(sql("status_ingested")).fetchall()),
            "held": gate.held(con),
            "blocked": con.execute(sql("status_blocked"), [[a for f in gate.FAMILIES.values() for a in f]]).fetchall(),
            "last_ingest": last[0] if last else None,
            "rejected": con.execute(sql("status_rejected"), [last[0][0]]).fetchall() if last else [],
        }
    except duckdb.CatalogException:  # created but never ingested into
        return {"ingested": {}, "held": [], "blocked": [], "last_ingest": None, "rejected": []}
    finally:
        con.close()


def _last_runs(now: datetime) -> list[tuple[str, ...]]:
    from pipelines.orchestration.instance import get_instance
    from pipelines.orchestration.jobs import JOBS

    instance = get_instance()
    rows = []
    for job in JOBS:
        records = instance.get_run_records(dg.RunsFilter(job_name=job.name), limit=1)
        if not records:
            rows.append((job.name, "never", "", "", ""))
            continue
        r = records[0]
        queued = r.create_timestamp if r.create_timestamp.tzinfo else r.create_timestamp.replace(tzinfo=UTC)
        started = datetime.fromtimestamp(r.start_time, UTC) if r.start_time else queued  # not started: queued at
        end = r.end_time or (None if r.dagster_run.is_finished else now.timestamp())
        took = _duration(end - started.timestamp()) if end else ""
        rows.append((job.name, r.dagster_run.status.value, _wib(started), took, r.dagster_run.run_id[:8]))
    return rows


def _freshness(alerts: AlertSettings, now: datetime, ingested: dict[str, datetime], echo: Echo) -> None:
    echo("\nFreshness per source (newest file in landing/ or landing/rejected/; deadlines from SENTRA_ALERTS)")
    rows = []
    for source in SOURCES:
        rule = alerts.deadlines.get(source)
        f = deadlines.freshness(settings().landing, source, rule, now, frozenset(alerts.holidays))
        arrived = datetime.fromtimestamp(f.newest.mtime, UTC) if f.newest else None
        last = ingested.get(source)
        state = "—" if f.due is None else f"LATE (due {_wib(f.due)})" if f.late else "ok"
        rows.append(
            (
                source,
                f.newest.name if f.newest else "none",
                _wib(arrived) if arrived else "—",
                _duration(now.timestamp() - arrived.timestamp()) if arrived else "—",
                _wib(last.replace(tzinfo=UTC)) if last else "never",
                deadlines.describe(rule),
                state,
            )
        )
    _table(("source", "newest file", "modified (WIB)", "age", "last ingest (WIB)", "deadline", "state"), rows, echo)


def _held(holds: list[gate.Hold], echo: Echo) -> None:
    """The publication gate's answer, as `sentra run`, `sentra quality` and the portal give it."""
    if not holds:
        echo("\nPeriods held, not published: none")
        return
    echo(f"\nPeriods held, not published: {len(holds)} (previous figures kept; docs/CHECKS.md)")
    rows = [(h.label, h.family, "; ".join(f"{f.asset} {f.check}: {f.observed}" for f in h.root)) for h in holds]
    _table(("period", "family", "why"), rows, echo)


def _blocked(rows: list[tuple], echo: Echo) -> None:
    """Blocking checks failing outside the published families (ingest, publishing): those runs failed."""
    if rows:
        echo(f"\nOther blocking checks failing: {len(rows)} (latest outcome per check and partition)")
        _table(("asset", "check", "partition", "observed"), [(a, c, p or "all", o) for a, c, p, o in rows], echo)


def _rejected(last: tuple | None, rows: list[tuple], landing: Path, echo: Echo) -> None:
    if last is None:
        echo("\nFiles rejected since the last ingest run: no ingest run yet")
        return
    when = f"run {last[0][:8]}, {_wib(last[1].replace(tzinfo=UTC))}"
    echo(f"\nFiles rejected since the last ingest run ({when}): {len(rows) or 'none'}")
    if rows:  # the reason opens with the file's full path: the name column already says which file
        _table(("source", "file", "reason"), [(s, n, r.removeprefix(f"{p}: ")) for s, n, p, r in rows], echo)
    waiting = sum(len(deadlines.arrivals(landing, s)) - len(scan(landing, s)) for s in SOURCES)
    if waiting:
        echo(f"{waiting} rejected file(s) in all wait in {landing / REJECTED}/ for a fix (each beside its .error.txt)")


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], echo: Echo) -> None:
    """Fixed-width columns, two spaces apart; long cells cut (the last one, free text, less)."""
    shown = [[str(v)[: 200 if i == len(row) - 1 else 60] for i, v in enumerate(row)] for row in rows[:MAX_ROWS]]
    widths = [max([len(h)] + [len(r[i]) for r in shown]) for i, h in enumerate(headers)]
    echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in shown:
        echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    if len(rows) > MAX_ROWS:
        echo(f"… and {len(rows) - MAX_ROWS} more")


def _wib(moment: datetime) -> str:
    return moment.astimezone(deadlines.WIB).strftime("%Y-%m-%d %H:%M")


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min {int(seconds % 60)} s"
    hours = minutes // 60
    return f"{hours} h {minutes % 60:02d} min" if hours < 48 else f"{hours // 24} d {hours % 24} h"
