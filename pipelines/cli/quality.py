"""`sentra quality`: the checks of a range of days as a terminal table, and what sits in quarantine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from models.contracts import SOURCES
from pipelines.core.config import settings
from pipelines.publish import gate
from pipelines.transform.marts import MONTHLY_MARTS
from pipelines.warehouse.connection import connect, exists, render, sql


def summarise(first: date, last: date, echo: Callable[[str], None]) -> int:
    """Print pass / warn / fail per check over the partitions of [first, last], then the periods of the range the
    publication gate holds (as `sentra run` and `sentra status` do); 1 if any is held or any ERROR check failed."""
    target = settings().warehouse_target
    if not exists(target):
        echo(f"no warehouse at {target}: run `sentra run` first")
        return 2
    con = connect(target, read_only=True)
    try:
        monthly = ["stg_exports", *MONTHLY_MARTS]
        results = con.sql(sql("quality_summary"), params=[first, last, monthly, first, last, monthly]).pl()
        quarantine = {
            s: con.sql(render("quality_quarantine", quarantine=f"quarantine.{s}"), params=[first, last]).pl()
            for s in SOURCES
        }
        holds = [h for h in gate.held(con) if h.period is None or first.replace(day=1) <= h.period <= last]
        holds = [h for h in holds if h.grain == "month" or h.period is None or h.period >= first]
    finally:
        con.close()
    if results.is_empty():
        echo(f"no check results for {first} … {last}: build that range with `sentra run` first")
        return 2
    status = (
        pl.when(pl.col("passed"))
        .then(pl.lit("pass"))
        .when(pl.col("severity") == "WARN")
        .then(pl.lit("warn"))
        .otherwise(pl.lit("fail"))
    )
    results = results.with_columns(status.alias("status"))
    table = results.group_by("asset", "check_name", maintain_order=True).agg(
        (pl.col("status") == "pass").sum().alias("pass"),
        (pl.col("status") == "warn").sum().alias("warn"),
        (pl.col("status") == "fail").sum().alias("fail"),
        pl.col("partition").filter(pl.col("status") != "pass").first().alias("first_problem"),
        pl.col("observed").filter(pl.col("status") != "pass").first().alias("observed"),
    )
    echo(f"checks of {first} … {last} (latest result per partition)")
    _print(table, echo)
    for source, df in quarantine.items():
        if df.height:
            echo(f"\nquarantine.{source}: {df['rows'].sum():,} open rows by file and reason")
            _print(df, echo)
    if holds:
        echo(f"\nheld, not published: {len(holds)} period(s) (previous figures kept; docs/CHECKS.md)")
        for h in holds:
            echo(f"  {h.line()}")
    else:
        echo("\nheld, not published: none")
    return 1 if holds or (table["fail"] > 0).any() else 0


def _print(df: pl.DataFrame, echo: Callable[[str], None]) -> None:
    """A plain fixed-width table: readable in any terminal and in a CI log."""
    cells = [[("" if v is None else str(v))[:70] for v in row] for row in df.iter_rows()]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(df.columns)]
    line = "  ".join
    echo(line(c.ljust(w) for c, w in zip(df.columns, widths, strict=True)))
    echo(line("-" * w for w in widths))
    for row in cells:
        echo(line(v.ljust(w) for v, w in zip(row, widths, strict=True)))
