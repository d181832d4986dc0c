"""Great Expectations, imported lazily once per process: it costs seconds and hundreds of MB to load.

GX has no Polars or DuckDB data source, and its SQL route fails against duckdb_engine, so frames go
Polars -> pandas (through Arrow) into an ephemeral, in-memory context that writes nothing to disk. The frames
are small: what describes the staged rows, computed in DuckDB (`pipelines.quality.bulk`), or one row per
day or per producer and day (volume, amount scale) — never the staged rows themselves.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import polars as pl

from pipelines.quality.outcome import Check, Outcome

PARTITION = "_partition"  # the column that attributes each frame row (and each failure) to its partition


@dataclass(frozen=True)
class Rule:
    """A check expressed as one GX expectation: its class name in `great_expectations.expectations` and args."""

    check: Check
    expectation: str
    kwargs: dict[str, Any]
    expected: str  # the rule in words, shown beside the observed value


@dataclass
class Result:
    """What GX found for one rule: the unexpected frame rows (their index columns and the judged column, the
    partition as a date or None) or why the expectation could not run."""

    unexpected: list[dict[str, Any]]
    error: str | None = None


@cache
def _context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return ctx


@cache
def _batch_definition(name: str) -> Any:
    ctx = _context()
    return (
        ctx.data_sources.add_pandas(f"sentra_{name}")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("all")
    )


def expectations() -> Any:
    """The GX expectations module (imports GX on first use)."""
    _context()
    import great_expectations.expectations as gxe

    return gxe


def run(name: str, df: pl.DataFrame, rules: list[Rule], index: list[str]) -> list[Result]:
    """Validate `df` (with `_partition`) against `rules` as one suite; one result per rule, in their order.

    `index` names the columns that identify an unexpected row besides its partition."""
    import great_expectations as gx

    gxe = expectations()
    suite = gx.ExpectationSuite(
        name=f"{name}_suite", expectations=[getattr(gxe, r.expectation)(**r.kwargs) for r in rules]
    )
    # GX does not keep the suite's order: match each result to its rule by expectation type and column(s).
    by_signature = {_signature(_snake(r.expectation), r.kwargs): i for i, r in enumerate(rules)}
    frame = df.with_columns(pl.col(PARTITION).cast(pl.String).fill_null(""))  # partitions go in as ISO text
    batch = _batch_definition(name).get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    index_cols = [PARTITION, *[c for c in index if c != PARTITION]]
    validated = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_cols}
    )
    results = [Result([]) for _ in rules]
    for res in validated.results:
        result = results[by_signature[_signature(res.expectation_config.type, res.expectation_config.kwargs)]]
        if res.exception_info.get("raised_exception"):
            result.error = res.exception_info.get("exception_message")
        for row in res.result.get("unexpected_index_list") or []:
            partition = row.get(PARTITION) or None
            result.unexpected.append(
                {
                    PARTITION: date.fromisoformat(partition) if partition else None,
                    **{k: _plain(v) for k, v in row.items() if k != PARTITION},
                }
            )
    return results


def validate(name: str, df: pl.DataFrame, rules: list[Rule], ids: list[str]) -> list[Outcome]:
    """Validate `df`, each of whose rows is one thing judged (a day, a producer's day), against `rules`;
    return one outcome per rule and partition (`_partition`), naming up to 20 unexpected rows by `ids`."""
    if df.is_empty():  # every declared check still reports, so the UI never shows it as not run
        return [Outcome(r.check, None, True, "no rows to check", r.expected) for r in rules]
    sizes = Counter(df[PARTITION].to_list())
    outcomes = []
    for rule, result in zip(rules, run(name, df, rules, ids), strict=True):
        unexpected = Counter(row[PARTITION] for row in result.unexpected)
        for partition, size in sizes.items():
            bad = unexpected[partition]
            samples = [
                {k: v for k, v in r.items() if k != PARTITION} for r in result.unexpected if r[PARTITION] == partition
            ][:20]
            outcomes.append(outcome(rule.check, rule.expected, partition, result.error, bad, size, samples))
    return outcomes


def outcome(
    check: Check, expected: str, partition: date | None, error: str | None, bad: int, size: int, samples: list[dict]
) -> Outcome:
    """One rule's outcome in one partition: `bad` unexpected rows of `size` checked, or why it could not run."""
    observed = f"the check could not run: {error}" if error else f"{bad:,} of {size:,} rows unexpected"
    return Outcome(
        check,
        partition,
        passed=not bad and not error,
        observed=observed,
        expected=expected,
        samples=samples,
        # Unexpected rows of rows checked; unknown when the check could not run.
        numerator=None if error else bad,
        denominator=None if error else size,
    )


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _signature(kind: str, kwargs: dict[str, Any]) -> tuple:
    columns = kwargs.get("column_list") or [kwargs.get("column")]
    return kind, tuple(columns)


def _plain(value: Any) -> Any:
    """numpy scalars and NaN as plain Python values, for JSON and Markdown."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and value != value else value
