"""The publication layer: every figure a reader sees, built once per publish run from the marts.

Two families of cells — turnover (daily marts) and exports (monthly marts) — each a grid of every
figure a chart, table, report, brief or the portal can print: days, weeks, months, years to date and
the charts' windows, with their breakdowns. Values are the marts' own (sums of mart rows for weeks,
months and windows); per-producer contributions from staging are read only to judge disclosure
(`pipelines.publish.disclosure`). A period the publication gate holds (`pipelines.publish.gate`) kept its
previous rows in staging and marts, so its cells show its previous figures (or none). A whole family keeps
its previous cells when a whole-table check failed or its marts disagree with the accepted rows; the portal
then says the figures are delayed. Renderers read `publish.cells` through `read`, never the marts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import polars as pl

from pipelines.publish import disclosure, fingerprint, gate, reconcile
from pipelines.warehouse.connection import sql, transaction

DAILY_WINDOW_DAYS = 365  # daily charts and the kecamatan evidence cover the last year of data
MONTHLY_WINDOW_MONTHS = 24
TOP_DESTINATIONS = 10  # a destination list keeps the ten largest; the rest are "lainnya"

GRIDS: dict[str, tuple[str, ...]] = {
    "turnover": (
        "day",
        "day_category",
        "day_kecamatan",
        "week",
        "week_category",
        "month",
        "window",
        "window_kecamatan",
    ),
    "exports": (
        "month",
        "month_commodity",
        "month_destination",
        "ytd",
        "ytd_commodity",
        "window",
        "window_destination",
    ),
}
_QUERIES = {
    "turnover": ("cells_turnover_values", "cells_turnover_contrib"),
    "exports": ("cells_exports_values", "cells_exports_contrib"),
}
DIMENSIONS = {
    "category": "category",
    "kecamatan": "kecamatan",
    "commodity": "commodity",
    "destination": "destination_country",
}

Key = tuple[str, date, str | None]  # grid, last day, member
# What builds the cells: a change to any builds them again even when the marts did not change.
CELL_SOURCES = tuple(
    sorted(
        [fingerprint.PUBLISH / n for n in ("cells.py", "disclosure.py", "reconcile.py")]
        + list((fingerprint.PUBLISH.parent.parent / "sql").rglob("cells_*.sql"))
    )
)


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date
    first_month: date
    last_month: date


@dataclass(frozen=True)
class Build:
    family: str
    # built | kept (nothing it reads changed) | held (checks failed upstream: previous cells kept) | failed (did
    # not reconcile)
    outcome: str
    reason: str | None
    cells: int
    mismatches: list[reconcile.Mismatch] = field(default_factory=list)


def chart_window(con: duckdb.DuckDBPyConnection, until: date | None = None) -> Window | None:
    """The last year of days and the last two years of months that the marts hold (or less); with `until`,
    the year of days ending on that day instead (a daily chart's print edition of a month that has closed)."""
    first_day, last_day, first_month, last_month = con.execute(sql("chart_window")).fetchall()[0]
    if last_day is None and last_month is None:
        return None
    if until is not None and last_day is not None:
        last_day = min(last_day, until)
    last_day = last_day or last_month
    first_day = max(first_day or last_day, last_day - timedelta(days=DAILY_WINDOW_DAYS - 1))
    last_month = last_month or last_day.replace(day=1)
    earliest = last_month
    for _ in range(MONTHLY_WINDOW_MONTHS - 1):
        earliest = (earliest - timedelta(days=1)).replace(day=1)
    return Window(first_day, last_day, max(first_month or last_month, earliest), last_month)


def dimension(grid: str) -> str | None:
    return DIMENSIONS.get(grid.rsplit("_", 1)[-1]) if "_" in grid else None


# --- Relations: what a reader can add up ----------------------------------------------------------------


def _index(keys: list[Key]) -> dict[tuple[str, date], list[Key]]:
    out: dict[tuple[str, date], list[Key]] = defaultdict(list)
    for k in keys:
        out[(k[0], k[1])].append(k)
    return out


def _sum_over(rels: list, idx: dict, total: Key, grid: str, ends: list[date]) -> None:
    """`total = Σ grid cells ending on each of ends` (per member when total has one)."""
    parts = tuple(k for e in ends for k in idx.get((grid, e), []) if k[2] == total[2])
    if parts:
        rels.append(disclosure.Relation(total, parts))


def _breakdown(rels: list, idx: dict, total: Key, grid: str, keep: int | None = None) -> None:
    parts = tuple(idx.get((grid, total[1]), []))
    if parts:
        rels.append(disclosure.Relation(total, parts, other=(grid, total[1], disclosure.OTHER), keep=keep))


def turnover_relations(keys: list[Key], w: Window) -> list[disclosure.Relation]:
    idx, rels = _index(keys), []
    days = sorted(k[1] for k in keys if k[0] == "day")
    for k in keys:
        grid, end, member = k
        if grid == "day":
            _breakdown(rels, idx, k, "day_category")
            _breakdown(rels, idx, k, "day_kecamatan")
        elif grid in ("week", "week_category"):
            in_week = [d for d in days if end - timedelta(days=6) <= d <= end]
            _sum_over(rels, idx, k, "day" if member is None else "day_category", in_week)
            if member is None:
                _breakdown(rels, idx, k, "week_category")
        elif grid == "month":
            _sum_over(rels, idx, k, "day", [d for d in days if d.replace(day=1) == end.replace(day=1)])
        elif grid in ("window", "window_kecamatan"):
            in_window = [d for d in days if w.first_day <= d <= w.last_day]
            _sum_over(rels, idx, k, "day" if member is None else "day_kecamatan", in_window)
            if member is None:
                rels.append(disclosure.Relation(k, tuple(idx.get(("window_kecamatan", end), []))))
    return [r for r in rels if r.parts]


def export_relations(keys: list[Key], w: Window) -> list[disclosure.Relation]:
    idx, rels = _index(keys), []
    months = sorted(k[1] for k in keys if k[0] == "month")
    for k in keys:
        grid, end, member = k
        if grid == "month":
            _breakdown(rels, idx, k, "month_commodity")
            _breakdown(rels, idx, k, "month_destination", TOP_DESTINATIONS)
        elif grid in ("ytd", "ytd_commodity"):
            upto = [m for m in months if m.year == end.year and m <= end]
            _sum_over(rels, idx, k, "month" if member is None else "month_commodity", upto)
            if member is None:
                _breakdown(rels, idx, k, "ytd_commodity")
        elif grid in ("window", "window_destination"):
            in_window = [m for m in months if w.first_month <= m and m.replace(day=1) <= w.last_month]
            _sum_over(rels, idx, k, "month" if member is None else "month_destination", in_window)
            if member is None:
                _breakdown(rels, idx, k, "window_destination", TOP_DESTINATIONS)
    return rels


# --- Building -----------------------------------------------------------------------------------------


def _held(con: duckdb.DuckDBPyConnection, family: str) -> str | None:
    """Why the whole family keeps its previous cells: a whole-table check failed (the registry, the rates).
    A held period needs nothing here: staging and marts kept its previous rows, which the cells show."""
    whole = gate.whole_family(gate.held(con, family), family)
    return f"blocking checks failed, previous figures kept ({whole.line()})" if whole else None


def _grid(values: pl.DataFrame, contrib: pl.DataFrame) -> tuple[dict, dict, dict[Key, dict[str, Any]], str | None]:
    """Cell values, contributions and companions; a reason when the marts and the accepted rows disagree."""
    vals: dict[Key, Decimal] = {}
    rows: dict[Key, dict[str, Any]] = {}
    for r in values.iter_rows(named=True):
        key = (r["grid"], r["period_end"], r["member"])
        vals[key], rows[key] = r["value"], r
    cons: dict[Key, dict[str, Decimal]] = defaultdict(dict)
    for grid, end, member, producer, value in contrib.iter_rows():
        cons[(grid, end, member)][producer] = value
    for key in vals.keys() | cons.keys():
        total = sum(cons.get(key, {}).values(), Decimal(0))
        if key not in vals or Decimal(vals[key]) != total:
            got = vals.get(key, "no row")
            return vals, cons, rows, f"{key[0]} {key[1]} {key[2] or ''}: marts {got}, accepted rows {total}".strip()
    return vals, dict(cons), rows, None


def _cell_rows(
    family: str, verdict: disclosure.Verdict, rows: dict[Key, dict], cons: dict, run_id: str, now: datetime
) -> list[dict]:
    out = []
    for key, status in verdict.status.items():
        members = verdict.members.get(key)
        base = key[1] if members else key  # a merged cell is keyed ("merged", (grid, end, "lainnya"))
        grid, end, member = base
        parts = [rows[m] for m in members] if members else [rows[key]]
        shown = status == disclosure.PUBLISHED
        usd = [p["usd"] for p in parts if p["usd"] is not None]
        out.append(
            {
                "family": family,
                "grid": grid,
                "period": parts[0]["period"],
                "period_end": end,
                "dimension": dimension(grid),
                "member": member,
                "value": sum((Decimal(p["value"]) for p in parts), Decimal(0)) if shown else None,
                "usd": sum(usd, Decimal(0)) if shown and usd else None,
                "count": sum(int(p["count"]) for p in parts),
                "producers": len(disclosure.union(cons.get(m, {}) for m in (members or [key]))),
                "status": status,
                "reason": verdict.reason[key],
                "holds": [m[2] for m in members] if members else None,
                "run_id": run_id,
                "built_at": now,
            }
        )
    return out


_SCHEMA = {
    "family": pl.String,
    "grid": pl.String,
    "period": pl.Date,
    "period_end": pl.Date,
    "dimension": pl.String,
    "member": pl.String,
    "value": pl.Decimal(38, 2),
    "usd": pl.Decimal(38, 2),
    "count": pl.Int64,
    "producers": pl.Int64,
    "status": pl.String,
    "reason": pl.String,
    "holds": pl.List(pl.String),
    "run_id": pl.String,
    "built_at": pl.Datetime("us"),
}


def build_family(
    con: duckdb.DuckDBPyConnection, family: str, w: Window, rule: disclosure.Rule, run_id: str, now: datetime
) -> Build:
    """Judge and write one family's cells (delete-then-insert in one transaction), or keep the previous ones:
    when held, or when what they are built from is what the last build was built from (`outcome` "kept": the
    cells are checked against the marts again, and nothing is judged or written)."""
    held, digest = _held(con, family), None
    if held is None:
        bounds = [w.first_day, w.last_day] if family == "turnover" else [w.first_month, w.last_month]
        values_sql, contrib_sql = _QUERIES[family]
        values = con.sql(sql(values_sql), params=bounds).pl()
        contrib = con.sql(sql(contrib_sql), params=bounds).pl()
        code = fingerprint.renderer(CELL_SOURCES)
        digest = fingerprint.of(
            values=fingerprint.frame(values),
            contrib=fingerprint.frame(contrib),
            window=w,
            rule=[rule.min_producers, rule.max_share],
            code=code,
        )
        last = con.execute(sql("cells_last_built"), [family]).fetchall()
        if last and last[0][0] == digest:
            return _kept(con, family, run_id, now, digest, last[0][1])
        vals, cons, rows, mismatch = _grid(values, contrib)
        held = f"the marts and the accepted rows disagree ({mismatch}); previous figures kept" if mismatch else None
    if held is not None:
        con.execute(sql("cells_build_record"), [family, run_id, now, "held", held, 0, None])
        return Build(family, "held", held, 0)
    relations = (turnover_relations if family == "turnover" else export_relations)(list(vals), w)
    verdict = disclosure.protect(vals, cons, relations, rule)
    new = pl.DataFrame(_cell_rows(family, verdict, rows, cons, run_id, now), schema=_SCHEMA)
    try:
        with transaction(con):
            con.execute(sql("cells_delete"), [family])
            con.register("new_cells", new.to_arrow())
            try:
                con.execute(sql("cells_insert"))
            finally:
                con.unregister("new_cells")
            if mismatches := reconcile.cells(con, family):
                raise _Unreconciled(mismatches)  # rolls the new cells back: the previous ones stay
            con.execute(sql("cells_build_record"), [family, run_id, now, "built", None, new.height, digest])
    except _Unreconciled as exc:
        return _failed(con, family, run_id, now, exc.args[0])
    return Build(family, "built", None, new.height)


def _kept(con: duckdb.DuckDBPyConnection, family: str, run_id: str, now: datetime, digest: str, n: int) -> Build:
    """An unchanged family keeps its cells: reconciled with the marts again (the check still runs), not rebuilt."""
    if mismatches := reconcile.cells(con, family):
        return _failed(con, family, run_id, now, mismatches)
    return Build(family, "kept", None, n)


def _failed(
    con: duckdb.DuckDBPyConnection, family: str, run_id: str, now: datetime, mismatches: list[reconcile.Mismatch]
) -> Build:
    first = f"{mismatches[0].line()} (run {run_id})"
    con.execute(sql("cells_build_record"), [family, run_id, now, "failed", first, 0, None])
    return Build(family, "failed", f"{len(mismatches)} figure(s) differ from the marts", 0, mismatches)


class _Unreconciled(Exception):
    pass


def read(
    con: duckdb.DuckDBPyConnection, family: str, grid: str, first: date = date.min, last: date = date.max
) -> pl.DataFrame:
    """One grid's current cells whose last day is in [first, last]: value and usd are null unless published."""
    return con.sql(sql("cells_read"), params=[family, grid, first, last]).pl()
