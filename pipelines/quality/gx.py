"""Great Expectations, imported lazily once per process: it costs seconds and hundreds of MB to load.

GX has no Polars or DuckDB data source, and its SQL route fails against duckdb_engine, so batches go
Polars -> pandas (through Arrow) into an ephemeral, in-memory context that writes nothing to disk.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import polars as pl

from pipelines.quality.outcome import Check, Outcome

PARTITION = "_partition"  # the column that attributes each row (and each failure) to its partition


@dataclass(frozen=True)
class Rule:
    """A check expressed as one GX expectation: its class name in `great_expectations.expectations` and args."""

    check: Check
    expectation: str
    kwargs: dict[str, Any]
    expected: str  # the rule in words, shown beside the observed value


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


def validate(name: str, df: pl.DataFrame, rules: list[Rule], id_columns: list[str]) -> list[Outcome]:
    """Validate `df` against `rules` as one suite; return one outcome per rule and partition (`_partition`)."""
    if df.is_empty():  # every declared check still reports, so the UI never shows it as not run
        return [Outcome(r.check, None, True, "no rows to check", r.expected) for r in rules]
    import great_expectations as gx

    gxe = expectations()
    # Dates go in as day numbers: GX compares Python dates about 30x slower. Partitions go in as ISO text.
    days = [c for c, t in df.schema.items() if t == pl.Date and c != PARTITION]
    df = df.with_columns(pl.col(PARTITION).cast(pl.String).fill_null(""), *(pl.col(c).cast(pl.Int32) for c in days))
    suite = gx.ExpectationSuite(
        name=f"{name}_suite", expectations=[getattr(gxe, r.expectation)(**_as_days(r.kwargs)) for r in rules]
    )
    batch = _batch_definition(name).get_batch(batch_parameters={"dataframe": df.to_pandas()})
    index_cols = [PARTITION, *[c for c in id_columns if c != PARTITION]]
    result = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_cols}
    )
    # GX does not keep the suite's order: match each result to its rule by expectation type and column(s).
    by_signature = {_signature(_snake(r.expectation), r.kwargs): r for r in rules}
    sizes = dict(df.group_by(PARTITION).len().iter_rows())
    outcomes = []
    for res in result.results:
        config = res.expectation_config
        rule = by_signature[_signature(config.type, config.kwargs)]
        error = res.exception_info.get("exception_message") if res.exception_info.get("raised_exception") else None
        by_partition: dict[str, list[dict]] = {}
        for row in res.result.get("unexpected_index_list") or []:
            by_partition.setdefault(row.get(PARTITION, ""), []).append(
                {k: _from_days(v) if k in days else _plain(v) for k, v in row.items() if k != PARTITION}
            )
        for partition, size in sizes.items():
            bad = by_partition.get(partition, [])
            observed = f"the check could not run: {error}" if error else f"{len(bad):,} of {size:,} rows unexpected"
            outcomes.append(
                Outcome(
                    rule.check,
                    date.fromisoformat(partition) if partition else None,
                    passed=not bad and not error,
                    observed=observed,
                    expected=rule.expected,
                    samples=bad[:20],
                )
            )
    return outcomes


_EPOCH = date(1970, 1, 1)


def _as_days(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: (v - _EPOCH).days if isinstance(v, date) else v for k, v in kwargs.items()}


def _from_days(value: Any) -> Any:
    return (_EPOCH + timedelta(days=int(value))).isoformat() if value is not None and value == value else None


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
