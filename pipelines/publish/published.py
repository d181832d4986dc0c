"""Published cells as renderers see them: a figure per (grid, period, member), hidden or shown.

Reports and briefs look their figures up here; they never sum rows themselves. A figure is `published`
(value shown), `confidential` or `merged` (value hidden: say so, never show zero), or `missing` (no
data for that period). Every figure looked up is remembered, so a report can hand over exactly what
it printed for reconciliation with the marts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb
import polars as pl

from pipelines.publish import cells, disclosure, fingerprint
from pipelines.publish.reconcile import CLAIM_SCHEMA

MISSING = "missing"


@dataclass(frozen=True)
class Figure:
    value: Decimal | None  # None unless published
    usd: Decimal | None
    count: int | None  # transactions or export items
    producers: int | None  # active producers or exporters
    status: str  # published | confidential | merged | missing
    holds: tuple[str, ...] = ()  # a "lainnya" cell: what it holds

    @property
    def shown(self) -> bool:
        return self.status == disclosure.PUBLISHED

    @property
    def hidden(self) -> bool:
        return self.status in (disclosure.CONFIDENTIAL, disclosure.MERGED)

    @property
    def exists(self) -> bool:
        return self.status != MISSING


ABSENT = Figure(None, None, None, None, MISSING)


class Published:
    """One family's current cells between two dates (by the cells' last day)."""

    def __init__(self, family: str, frame: pl.DataFrame) -> None:
        self.family = family
        self.digest = fingerprint.frame(frame)  # what a report printed from these cells was drawn from
        self._rows: dict[tuple[str, date, str | None], dict] = {}
        self._merged: dict[tuple[str, date], dict] = {}
        for r in frame.iter_rows(named=True):
            key = (r["grid"], r["period_end"], r["member"])
            if r["holds"] is not None:
                self._merged[(r["grid"], r["period_end"])] = r
            elif r["status"] != disclosure.MERGED or key not in self._rows:
                self._rows[key] = r
        self.used: dict[tuple[str, date, str | None], dict] = {}

    @staticmethod
    def _figure(r: dict) -> Figure:
        return Figure(r["value"], r["usd"], r["count"], r["producers"], r["status"], tuple(r["holds"] or ()))

    def get(self, grid: str, end: date, member: str | None = None) -> Figure:
        """The figure of a total (member None) or of one member; a member merged into "lainnya" is `merged`."""
        r = self._rows.get((grid, end, member))
        if r is None:
            return ABSENT
        if r["status"] == disclosure.PUBLISHED:
            self.used[(grid, end, member)] = r
        return self._figure(r)

    def other(self, grid: str, end: date) -> Figure:
        """The "lainnya" cell of a breakdown, when anything was merged."""
        r = self._merged.get((grid, end))
        if r is None:
            return ABSENT
        if r["status"] == disclosure.PUBLISHED:
            self.used[(grid, end, "lainnya*")] = r
        return self._figure(r)

    def members(self, grid: str, end: date) -> list[tuple[str, Figure]]:
        """A breakdown's own members (not those merged away): published largest first, then hidden ones."""
        own = [
            (k[2], self._figure(r))
            for k, r in self._rows.items()
            if k[0] == grid and k[1] == end and r["status"] != disclosure.MERGED
        ]
        own.sort(key=lambda mf: (not mf[1].shown, -(mf[1].value or 0), mf[0]))
        for member, f in own:
            if f.shown:
                self.used[(grid, end, member)] = self._rows[(grid, end, member)]
        return own

    def days(self, first: date, last: date) -> list[tuple[date, Figure]]:
        """The day cells in [first, last] (days with data only)."""
        return [
            (k[1], self.get("day", k[1]))
            for k in sorted(self._rows, key=lambda k: k[1])
            if k[0] == "day" and first <= k[1] <= last
        ]

    def claims(self, release: str) -> pl.DataFrame:
        """Every published figure looked up so far, as claims for `pipelines.publish.reconcile`."""
        rows = [
            {
                "release": release,
                "family": self.family,
                "grid": r["grid"],
                "dimension": r["dimension"],
                "member": r["member"],
                "holds": r["holds"],
                "period": r["period"],
                "period_end": r["period_end"],
                "value": r["value"],
                "usd": r["usd"],
            }
            for r in self.used.values()
        ]
        return pl.DataFrame(rows, schema=CLAIM_SCHEMA)


def load(con: duckdb.DuckDBPyConnection, family: str, first: date, last: date) -> Published:
    grids = cells.GRIDS[family]
    frame = pl.concat([cells.read(con, family, g, first, last) for g in grids], how="vertical_relaxed")
    return Published(family, frame)
