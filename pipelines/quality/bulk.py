"""Great Expectations over what describes the staged rows, computed in DuckDB: never the rows themselves.

A staging step computes its rows into the temporary table `candidate` (each with its `_partition`). Each rule
is judged by GX, through its pandas route, on a small frame that SQL computes from the candidate
(`sql/check_*.sql`, one statement each, identifiers rendered, values bound):

* `Unique`: per partition, the rows whose key occurs more than once in the candidate (one aggregate over
  the keys, in any partition); GX expects none. The repeated keys come with it, up to 20 a partition.
* `AtMost`: per partition, the column's largest value; GX expects it at most the limit. Only when it fails
  are the rows above the limit counted and sampled, in SQL.
* `InSet`: per partition, the column's distinct values with their counts; GX expects every value in the
  set, and the rows behind the unexpected values are their counts. Only then are such rows sampled in SQL.

The per-partition figures of a table go to GX as one frame, one row per partition (one suite call), the
distinct values as another. A failure is a frame row, so it keeps its partition; its outcome says how many
of the partition's rows it stands for, as when GX read every row ("2 of 5 rows unexpected").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import polars as pl

from pipelines.quality import gx
from pipelines.quality.gx import PARTITION
from pipelines.quality.outcome import Check, Outcome
from pipelines.warehouse.connection import render, sql

LINEAGE = ("_file_id", "_line")  # every staged row's file and line: shown beside each failing row

Found = dict[date | None, tuple[int, list[dict[str, Any]]]]  # per partition: rows unexpected, some of them


@dataclass(frozen=True)
class Unique:
    """`columns` name one staged row: judged on the count of rows whose key repeats, per partition."""

    check: Check
    columns: tuple[str, ...]
    expected: str

    @property
    def judged(self) -> str:
        return "_".join(self.columns) + "_repeated"


@dataclass(frozen=True)
class AtMost:
    """No value of `column` above `limit`: judged on the largest value of each partition."""

    check: Check
    column: str
    limit: int
    expected: str

    @property
    def judged(self) -> str:
        return f"{self.column}_max"

    @property
    def sampled(self) -> tuple[str, Any]:
        """The SQL that counts and names the rows behind a failure, and its parameter."""
        return "check_rows_above", self.limit


@dataclass(frozen=True)
class InSet:
    """Every value of `column` in `values`: judged on the distinct values of each partition with their counts."""

    check: Check
    column: str
    values: tuple[Any, ...]
    expected: str

    @property
    def sampled(self) -> tuple[str, Any]:
        """The SQL that names the rows behind a failure, and its parameter."""
        return "check_rows_not_in_set", list(self.values)


BulkRule = Unique | AtMost | InSet


def validate(con: duckdb.DuckDBPyConnection, name: str, rules: list[BulkRule], ids: list[str]) -> list[Outcome]:
    """Judge the staged `candidate` against `rules`: one outcome per rule and partition, up to 20 failing rows
    each, shown with the judged column(s), `ids` and their file and line."""
    sizes: dict[date | None, int] = dict(con.execute(sql("check_partition_rows")).fetchall())
    if not sizes:  # every declared check still reports, so the UI never shows it as not run
        return [Outcome(r.check, None, True, "no rows to check", r.expected) for r in rules]
    found: dict[BulkRule, Found] = {}  # the unexpected rows SQL counted and named, per rule and partition
    per_partition = [r for r in rules if isinstance(r, Unique | AtMost)]
    verdicts = _judge_partitions(con, name, per_partition, sizes, found, ids)
    for rule in (r for r in rules if isinstance(r, InSet)):
        values = con.sql(render("check_distinct_values", column=rule.column)).pl()
        expect = _expect(rule, "ExpectColumnValuesToBeInSet", rule.column, value_set=list(rule.values))
        verdicts[rule] = gx.run(f"{name}_{rule.column}_values", values, [expect], ["rows"])[0]
    for rule, result in verdicts.items():  # name the rows behind a failure (Unique's came with its figure)
        if result.unexpected and not isinstance(rule, Unique):
            query, param = rule.sampled
            shown = _shown(ids, (rule.column,))
            found[rule] = _found(con.sql(render(query, column=rule.column, shown=shown), params=[param]).pl())
    outcomes = []
    for rule in rules:
        result = verdicts[rule]
        failing = {row[PARTITION] for row in result.unexpected}
        for p, size in sizes.items():
            bad, samples = found.get(rule, {}).get(p, (0, [])) if p in failing else (0, [])
            if isinstance(rule, InSet):  # the rows behind the unexpected distinct values: their counts
                bad = sum(row["rows"] for row in result.unexpected if row[PARTITION] == p)
            outcomes.append(gx.outcome(rule.check, rule.expected, p, result.error, bad, size, samples))
    return outcomes


def _judge_partitions(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rules: list[Unique | AtMost],
    sizes: dict[date | None, int],
    found: dict[BulkRule, Found],
    ids: list[str],
) -> dict[BulkRule, gx.Result]:
    """GX over one row per partition: for each rule, the figure SQL computed (rows whose key repeats, the
    largest value) in one column. The repeated keys SQL found go into `found`."""
    profile = pl.DataFrame({PARTITION: list(sizes)}, schema={PARTITION: pl.Date})
    expectations = []
    for rule in rules:
        if isinstance(rule, Unique):
            query = render("check_repeated_keys", keys=rule.columns, shown=_shown(ids, rule.columns))
            found[rule] = _found(con.sql(query).pl())
            figure = [found[rule].get(p, (0, []))[0] for p in sizes]
            expectations.append(_expect(rule, "ExpectColumnValuesToBeBetween", rule.judged, max_value=0))
        else:
            largest = dict(con.execute(render("check_partition_max", column=rule.column)).fetchall())
            figure = [largest[p] for p in sizes]
            expectations.append(_expect(rule, "ExpectColumnValuesToBeBetween", rule.judged, max_value=rule.limit))
        profile = profile.with_columns(pl.Series(rule.judged, figure))
    if not rules:
        return {}
    return dict(zip(rules, gx.run(f"{name}_partitions", profile, expectations, []), strict=True))


def _shown(ids: list[str], judged: tuple[str, ...]) -> tuple[str, ...]:
    """The columns that show a failing row beside the judged ones: its ids and lineage."""
    return tuple(c for c in (*ids, *LINEAGE) if c not in judged)


def _expect(rule: BulkRule, expectation: str, column: str, **kwargs: Any) -> gx.Rule:
    return gx.Rule(rule.check, expectation, {"column": column, **kwargs}, rule.expected)


def _found(rows: pl.DataFrame) -> Found:
    """Rows of a `check_*` SQL query (`_partition`, `unexpected`, the columns to show) per partition."""
    out: Found = {}
    for row in rows.iter_rows(named=True):
        _, samples = out.setdefault(row[PARTITION], (row["unexpected"], []))
        samples.append({k: v for k, v in row.items() if k not in (PARTITION, "unexpected")})
    return out
