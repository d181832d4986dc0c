"""Check outcomes: one per check and partition, recorded in the warehouse and shown in Dagster."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import dagster as dg
import duckdb
import polars as pl

from pipelines.core import markdown
from pipelines.warehouse.connection import sql

MAX_SAMPLES = 20


@dataclass(frozen=True)
class Check:
    """A named check of an asset: ERROR checks make a published number wrong; blocking ones stop writes."""

    name: str
    description: str
    severity: str = "ERROR"  # or "WARN"
    blocking: bool = True


@dataclass
class Outcome:
    """One check of one partition. `observed` / `expected` are English text for Dagster and the logs;
    the structured fields carry the same figures for readers' reports, which phrase them in their own
    language (never by parsing `observed` back):

    * `value`: the measured figure: a share as a fraction (coverage 0.61, quarantine share 0.062) or
      a count (the longest gap between rates, in days);
    * `threshold`: the limit `value` was held to (minimum coverage, maximum share, maximum days);
    * `numerator` / `denominator`: the counts behind a share (producers reporting of registered, rows
      quarantined of rows, unexpected rows of rows checked); `numerator` alone for a plain count
      (producers that reported).

    Any of them may be None where the check has no such figure (reconciliation).
    """

    check: Check
    partition: date | None
    passed: bool
    observed: str
    expected: str
    samples: list[dict] = field(default_factory=list)
    value: float | None = None
    threshold: float | None = None
    numerator: int | None = None
    denominator: int | None = None


def specs(asset: str, checks: list[Check]) -> list[dg.AssetCheckSpec]:
    return [dg.AssetCheckSpec(c.name, asset=asset, description=c.description, blocking=c.blocking) for c in checks]


def blocking_failures(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if not o.passed and o.check.blocking]


def to_results(outcomes: list[Outcome]) -> list[dg.AssetCheckResult]:
    """One Dagster result per check, over every partition of the run, with the failing ones in detail."""
    by_check: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_check[o.check.name].append(o)
    results = []
    for name, group in by_check.items():
        check, failed = group[0].check, [o for o in group if not o.passed]
        samples = [s for o in failed for s in o.samples][:MAX_SAMPLES]
        shown = failed or group
        rows = [(o.partition or "—", "fail" if not o.passed else "pass", o.observed) for o in shown[:MAX_SAMPLES]]
        metadata: dict[str, object] = {
            "expectation": group[0].expected,
            "observed": group[0].observed if len(group) == 1 else f"{len(failed)} of {len(group)} partitions failed",
            "partitions_checked": len(group),
            "partitions_failed": len(failed),
            "by_partition": dg.MetadataValue.md(markdown.table(("partition", "result", "observed"), rows)),
        }
        if samples:
            metadata["sample_failing_rows"] = dg.MetadataValue.md(
                markdown.table(list(samples[0]), (s.values() for s in samples))
            )
        # A blocking check that failed only for some periods held those periods and let the others be written:
        # the step goes on (Dagster would stop it, and every other period, on a failed blocking ERROR result).
        held = check.blocking and failed and all(o.partition is not None for o in failed)
        if held:
            metadata["held_partitions"] = dg.MetadataValue.json(sorted({str(o.partition) for o in failed}))
        error = check.severity == "ERROR" and not held
        results.append(
            dg.AssetCheckResult(
                check_name=name,
                passed=not failed,
                severity=dg.AssetCheckSeverity.ERROR if error else dg.AssetCheckSeverity.WARN,
                metadata=metadata,
                description=check.description + (" Failing periods were held (not written)." if held else ""),
            )
        )
    return results


def record(con: duckdb.DuckDBPyConnection, run_id: str, asset: str, outcomes: list[Outcome]) -> None:
    """Keep every outcome in `quality.check_results` (its own commit: a blocked write still leaves them)."""
    if not outcomes:
        return
    frame = pl.DataFrame(
        {
            "check_name": [o.check.name for o in outcomes],
            "partition": pl.Series([o.partition for o in outcomes], dtype=pl.Date),
            "severity": [o.check.severity for o in outcomes],
            "blocking": [o.check.blocking for o in outcomes],
            "passed": [o.passed for o in outcomes],
            "observed": [o.observed for o in outcomes],
            "expected": [o.expected for o in outcomes],
            "samples": [json.dumps(o.samples[:MAX_SAMPLES], default=str) for o in outcomes],
            "value": pl.Series([o.value for o in outcomes], dtype=pl.Float64),
            "threshold": pl.Series([o.threshold for o in outcomes], dtype=pl.Float64),
            "numerator": pl.Series([o.numerator for o in outcomes], dtype=pl.Int64),
            "denominator": pl.Series([o.denominator for o in outcomes], dtype=pl.Int64),
        }
    )
    con.register("outcomes", frame.to_arrow())
    try:
        con.execute(sql("quality_record"), [run_id, asset])
    finally:
        con.unregister("outcomes")
