"""How a warehouse asset is gated by its checks: outcomes recorded and shown in Dagster, the run's quality
report refreshed, and the periods a blocking check failed for held (not written: their previous rows stay)
while the others are written (docs/CHECKS.md, "the publication gate"). Shared by staging and marts.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from models.ddl import q, qualified
from pipelines.core import markdown, partitions
from pipelines.core.config import Settings
from pipelines.publish import quality_report
from pipelines.quality.outcome import Check, Outcome, blocking_failures, record, specs, to_results
from pipelines.quality.settings import QualitySettings
from pipelines.warehouse.connection import sql

Events = Iterator[dg.AssetCheckResult | dg.MaterializeResult]
Held = Generator[dg.AssetCheckResult, None, list[date]]  # yields check results, returns the held periods
DECLARED: dict[str, list[Check]] = {}  # the checks each partitioned asset declares


def checks_of(rules: list, *more: Check) -> list[Check]:
    """The checks of GX rules (`quality.bulk`) and of SQL checks, in declaration order."""
    return [r.check for r in rules] + list(more)


Decorator = Callable[[Callable[..., Events]], dg.AssetsDefinition]


def partitioned(
    partitions_def: dg.PartitionsDefinition,
    pool_name: str | None,
    group_name: str,
    deps: list,
    name: str,
    checks_: list[Check],
    **kwargs: object,
) -> Decorator:
    """A partitioned warehouse asset: a range of partitions is one run, in `pool_name`, gated by checks."""
    DECLARED[name] = checks_
    return dg.asset(
        name=name,
        group_name=group_name,
        deps=deps,
        partitions_def=partitions_def,
        backfill_policy=partitions.single_run(),
        pool=pool_name,
        kinds={"duckdb"},
        check_specs=specs(name, checks_),
        **kwargs,
    )


@dataclass(frozen=True)
class Run:
    """The run whose check outcomes are recorded, and where its quality report goes: the internal tree, kept
    `retention_days` (the quality settings')."""

    run_id: str
    internal: Path
    retention_days: int

    @classmethod
    def of(cls, run_id: str, s: Settings, quality: QualitySettings) -> Run:
        return cls(run_id, s.internal, quality.report_retention_days)


def recorded(con: duckdb.DuckDBPyConnection, run: Run, asset: str, outcomes: list[Outcome]) -> list[Outcome]:
    """Keep the outcomes in `quality.check_results` and refresh the run's quality report (internal tree)."""
    record(con, run.run_id, asset, outcomes)
    quality_report.write_run_report(con, run.run_id, run.internal, run.retention_days)
    return outcomes


def checked(asset: str, con: duckdb.DuckDBPyConnection, run: Run, outcomes: list[Outcome]) -> Held:
    """Record the outcomes, refresh the run's quality report, surface them in Dagster; return the held periods.

    A blocking check that fails for a period holds that period: it is not written (its previous rows stay, or
    none), while the other periods of the range are. One that fails for no period in particular (a whole
    table) stops the asset. A declared check with no outcome (a range with no rows at all: every row
    quarantined) passes, said so."""
    yield from to_results(recorded(con, run, asset, outcomes))
    seen = {o.check.name for o in outcomes}
    for c in (c for c in DECLARED.get(asset, []) if c.name not in seen):
        yield dg.AssetCheckResult(
            check_name=c.name, passed=True, metadata={"observed": "no rows in the range to check"}
        )
    failed = blocking_failures(outcomes)
    if whole := [o for o in failed if o.partition is None]:
        detail = "; ".join(f"{o.check.name} (all: {o.observed})" for o in whole[:5])
        raise dg.Failure(
            description=f"{asset} not written, previous data kept: {len(whole)} blocking check(s) failed — {detail}",
            metadata={"quality_report": str(quality_report.run_report_path(run.internal, run.run_id))},
        )
    return sorted({o.partition for o in failed if o.partition is not None})


def preview(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: int,
    date_col: str | None,
    start: date | None,
    end: date | None,
    held: list[date] | None = None,
    **extra: object,
) -> dg.MaterializeResult:
    """Row count and a Markdown preview of what the run wrote; `held`: the periods it did not write."""
    if held:
        extra["held_partitions"] = dg.MetadataValue.json([d.isoformat() for d in held])
    where, params = (f"WHERE {q(date_col)} >= ? AND {q(date_col)} < ?", [start, end]) if date_col else ("", [])
    df: pl.DataFrame = con.sql(f"SELECT * FROM {qualified(table)} {where} ORDER BY ALL LIMIT 10", params=params).pl()  # noqa: S608
    period = {"period": f"{start} … {end}"} if date_col else {}
    return dg.MaterializeResult(
        metadata={"dagster/row_count": rows, **period, **extra, "preview": dg.MetadataValue.md(markdown.preview(df))}
    )


def unchanged(context: dg.AssetExecutionContext, asset: str, source: str) -> bool:
    """Whether the asset's last materialization was built from this very input (its `source` metadata)."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey(asset))
    done = event.asset_materialization if event else None
    return done is not None and "source" in done.metadata and done.metadata["source"].value == source


def as_before(con: duckdb.DuckDBPyConnection, asset: str, declared: list[Check], source: str) -> Events:
    """An unchanged whole table: its checks' latest outcomes stand (nothing new is recorded), nothing is written."""
    latest = {
        name: (passed, observed, run)
        for name, passed, observed, run in con.execute(sql("latest_outcomes"), [asset]).fetchall()
    }
    for check in declared:
        passed, observed, run = latest.get(check.name, (True, "no outcome recorded", None))
        severity = dg.AssetCheckSeverity.ERROR if check.severity == "ERROR" else dg.AssetCheckSeverity.WARN
        yield dg.AssetCheckResult(
            check_name=check.name,
            passed=passed,
            severity=severity,
            metadata={"observed": observed, "unchanged_since_run": run or "none"},
        )
    yield dg.MaterializeResult(metadata={"source": source, "unchanged": True})
