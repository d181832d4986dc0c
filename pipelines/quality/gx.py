"""Great Expectations, imported lazily once per process: it costs seconds and hundreds of MB to load.

GX has no Polars or DuckDB data source, and its SQL route fails against duckdb_engine, so batches go
Polars -> pandas (through Arrow) into an ephemeral, in-memory context that writes nothing to disk.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
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


def columns_read(rules: list[Rule], id_columns: list[str]) -> list[str]:
    """The columns a validation needs: those its rules read, the ids and the partition."""
    named = [c for r in rules for c in [r.kwargs.get("column"), *r.kwargs.get("column_list", [])] if c]
    return list(dict.fromkeys([*named, *id_columns, PARTITION]))


def validate(name: str, df: pl.DataFrame, rules: list[Rule], id_columns: list[str]) -> list[Outcome]:
    """Validate `df` against `rules` as one suite; return one outcome per rule and partition (`_partition`)."""
    return validate_chunks(name, [df], rules, id_columns)


def validate_chunks(
    name: str, chunks: Iterable[pl.DataFrame], rules: list[Rule], id_columns: list[str]
) -> list[Outcome]:
    """Validate a table given in chunks split by a hash of `id_columns`, one suite per chunk, so memory stays
    bounded: rows with the same ids share a chunk, so uniqueness within every chunk is uniqueness overall."""
    import great_expectations as gx

    gxe = expectations()
    suite = gx.ExpectationSuite(
        name=f"{name}_suite", expectations=[getattr(gxe, r.expectation)(**_as_days(r.kwargs)) for r in rules]
    )
    # GX does not keep the suite's order: match each result to its rule by expectation type and column(s).
    by_signature = {_signature(_snake(r.expectation), r.kwargs): i for i, r in enumerate(rules)}
    read = columns_read(rules, id_columns)
    index_cols = [PARTITION, *[c for c in id_columns if c != PARTITION]]
    sizes: Counter[str] = Counter()
    unexpected: Counter[tuple[int, str]] = Counter()  # by (rule's index, partition)
    samples: dict[tuple[int, str], list[dict]] = {}
    errors: dict[int, str] = {}
    for df in chunks:
        if df.is_empty():
            continue
        # Only the columns the rules read go to pandas (a copy of every row). Dates go in as day numbers: GX
        # compares Python dates about 30x slower. Partitions go in as ISO text.
        df = df.select(c for c in df.columns if c in read)
        days = [c for c, t in df.schema.items() if t == pl.Date and c != PARTITION]
        df = df.with_columns(pl.col(PARTITION).cast(pl.String).fill_null(""), *(pl.col(c).cast(pl.Int64) for c in days))
        sizes.update(dict(df.group_by(PARTITION).len().iter_rows()))
        batch = _batch_definition(name).get_batch(batch_parameters={"dataframe": df.to_pandas()})
        result = batch.validate(
            suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_cols}
        )
        for res in result.results:
            rule = by_signature[_signature(res.expectation_config.type, res.expectation_config.kwargs)]
            if res.exception_info.get("raised_exception"):
                errors[rule] = res.exception_info.get("exception_message")
            for row in res.result.get("unexpected_index_list") or []:
                key = (rule, row.get(PARTITION, ""))
                unexpected[key] += 1
                if len(samples.setdefault(key, [])) < 20:
                    samples[key].append(
                        {k: _from_days(v) if k in days else _plain(v) for k, v in row.items() if k != PARTITION}
                    )
    if not sizes:  # every declared check still reports, so the UI never shows it as not run
        return [Outcome(r.check, None, True, "no rows to check", r.expected) for r in rules]
    outcomes = []
    for i, rule in enumerate(rules):
        for partition, size in sizes.items():
            bad, error = unexpected[(i, partition)], errors.get(i)
            observed = f"the check could not run: {error}" if error else f"{bad:,} of {size:,} rows unexpected"
            outcomes.append(
                Outcome(
                    rule.check,
                    date.fromisoformat(partition) if partition else None,
                    passed=not bad and not error,
                    observed=observed,
                    expected=rule.expected,
                    samples=samples.get((i, partition), []),
                    # Unexpected rows of rows checked; unknown when the check could not run.
                    numerator=None if error else bad,
                    denominator=None if error else size,
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
