"""`sentra quality`: the checks of a range of days as a terminal table, and what sits in quarantine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from models.contracts import SOURCES
from pipelines.config import settings
from pipelines.resources import connect, render, sql


def summarise(first: date, last: date, echo: Callable[[str], None]) -> int:
    """Print pass / warn / fail per check over the partitions of [first, last]; 1 if any ERROR check failed."""
    path = settings().warehouse
    if not path.exists():
        echo(f"no warehouse at {path}: run `sentra run` first")
        return 2
    con = connect(str(path), read_only=True)
    try:
        results = con.sql(sql("quality_summary"), params=[first, last]).pl()
        quarantine = {
            s: con.sql(render("quality_quarantine", quarantine=f"quarantine.{s}"), params=[first, last]).pl()
            for s in SOURCES
        }
    finally:
        con.close()
    if results.is_empty():
        echo(f"no check results for {first} … {last}: build that range with `sentra run` first")
        return 2
    status = (
        pl.when(pl.col("passed")).then(pl.lit("pass")).when(pl.col("severity") == "WARN").then(pl.lit("warn"))
        .otherwise(pl.lit("fail"))
    )  # fmt: skip
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
    return 1 if (table["fail"] > 0).any() else 0


def _print(df: pl.DataFrame, echo: Callable[[str], None]) -> None:
    with pl.Config(tbl_rows=200, tbl_cols=20, fmt_str_lengths=70, tbl_hide_dataframe_shape=True,
                   tbl_hide_column_data_types=True, tbl_formatting="ASCII_MARKDOWN"):  # fmt: skip
        echo(str(df))
