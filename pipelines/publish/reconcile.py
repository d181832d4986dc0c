"""The blocking reconciliation: nothing reaches publish/ unless every figure it prints equals the marts.

A claim is a figure with what it says it is (family, grid, period, member or the members a merged cell
holds) and the value printed. `sql/cells_reconcile.sql` recomputes each claim from the marts' rows for
that period and member — independently of how the cells were built — and returns those that differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.warehouse.connection import sql

CLAIM_SCHEMA = {
    "release": pl.String,
    "family": pl.String,
    "grid": pl.String,
    "dimension": pl.String,
    "member": pl.String,
    "holds": pl.List(pl.String),
    "period": pl.Date,
    "period_end": pl.Date,
    "value": pl.Decimal(38, 2),
    "usd": pl.Decimal(38, 2),
}


@dataclass(frozen=True)
class Mismatch:
    release: str
    cell: str
    printed: object
    mart: object

    def line(self) -> str:
        return f"{self.release}: {self.cell} prints {self.printed}, the marts say {self.mart}"


def to_rows(claimed: pl.DataFrame) -> list[dict]:
    """Claims as JSON-ready rows (dates and amounts as exact text), to keep beside the files that print them."""
    exact = claimed.select(list(CLAIM_SCHEMA)).with_columns(
        pl.col("period", "period_end", "value", "usd").cast(pl.String)
    )
    return list(exact.iter_rows(named=True))


def from_rows(rows: list[dict]) -> pl.DataFrame:
    """Claims kept by `to_rows`, typed again, ready for `claims`."""
    text = pl.DataFrame(rows, schema={c: pl.List(pl.String) if c == "holds" else pl.String for c in CLAIM_SCHEMA})
    return text.with_columns(
        pl.col("period", "period_end").str.to_date(), pl.col("value", "usd").cast(CLAIM_SCHEMA["value"])
    )


def claims(con: duckdb.DuckDBPyConnection, claimed: pl.DataFrame) -> list[Mismatch]:
    """The claims whose value (or US dollar value) is not the marts'."""
    con.register("claimed", claimed.select([pl.col(c).cast(t) for c, t in CLAIM_SCHEMA.items()]).to_arrow())
    try:
        rows = con.execute(sql("cells_reconcile")).fetchall()
    finally:
        con.unregister("claimed")
    out = []
    for release, family, grid, period, end, member, value, mart, usd, mart_usd in rows:
        cell = f"{family}/{grid} {period}…{end}" + (f" {member}" if member else "")
        if value != mart:
            out.append(Mismatch(release, cell, value, mart))
        else:
            out.append(Mismatch(release, f"{cell} (US$)", usd, mart_usd))
    return out


def cells(con: duckdb.DuckDBPyConnection, family: str) -> list[Mismatch]:
    """A family's current cells: each published one equals the marts; each hidden one says why."""
    claimed = con.sql(sql("cells_claimed"), params=[family]).pl()
    found = claims(con, claimed)
    for grid, end, member, status, reason in con.execute(sql("cells_unexplained"), [family]).fetchall():
        printed = "no value" if status == "published" else f"{status} without a reason"
        found.append(Mismatch("cells", f"{family}/{grid} {end} {member or ''}".strip(), printed, reason))
    return found
