"""Staging and marts: each partition is recomputed from raw, delete-then-insert in one transaction."""

from collections.abc import Callable
from datetime import date

import dagster as dg
import duckdb
import polars as pl

from models.ddl import q, qualified
from pipelines import dates, markdown, partitions
from pipelines.resources import POOL, Warehouse, overwrite, replace_partition, replace_table, sql, transaction

RANGE = dg.BackfillPolicy.single_run()


def _partitioned(
    partitions_def: dg.PartitionsDefinition, group_name: str, deps: list, **kwargs: object
) -> Callable[[Callable[..., dg.MaterializeResult]], dg.AssetsDefinition]:
    """A partitioned warehouse asset: a range of partitions is one run, and one writer at a time."""
    return dg.asset(
        group_name=group_name,
        deps=deps,
        partitions_def=partitions_def,
        backfill_policy=RANGE,
        pool=POOL,
        kinds={"duckdb"},
        **kwargs,
    )


def _result(
    con: duckdb.DuckDBPyConnection, table: str, rows: int, date_col: str, start: date, end: date, **extra: object
) -> dg.MaterializeResult:
    """Row count and a Markdown preview of what the run wrote."""
    target, col = qualified(table), q(date_col)
    df: pl.DataFrame = con.sql(
        f"SELECT * FROM {target} WHERE {col} >= ? AND {col} < ? ORDER BY ALL LIMIT 10",  # noqa: S608
        params=[start, end],
    ).pl()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "period": f"{start} … {end}",
            **extra,
            "preview": dg.MetadataValue.md(markdown.preview(df)),
        }
    )


def _whole_table(name: str, deps: list[str], doc: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name="stg", deps=deps, pool=POOL, kinds={"duckdb"}, description=doc)
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            rows = replace_table(con, name.replace("_", ".", 1), sql(name))
        return dg.MaterializeResult(metadata={"dagster/row_count": rows})

    return _asset


stg_producers = _whole_table("stg_producers", ["raw_producers"], "The current producer registry.")
stg_fx_rates = _whole_table("stg_fx_rates", ["raw_fx_rates"], "Current reference rates, one per (date, currency).")


@_partitioned(partitions.daily, "stg", ["raw_transactions", stg_producers])
def stg_transactions(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Accepted, current transactions of each Asia/Jakarta day, with the producer's category and kecamatan."""
    start, end = dates.window(context)
    with warehouse.connection() as con:
        rows = replace_partition(con, "stg.transactions", sql("stg_transactions"), start, end)
        return _result(con, "stg.transactions", rows, "date", start, end)


@_partitioned(partitions.monthly, "stg", ["raw_exports", stg_fx_rates, stg_producers])
def stg_exports(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Export items of each month valued in IDR and USD; items with no usable rate are quarantined instead."""
    start, end = dates.window(context)
    with warehouse.connection() as con, transaction(con):
        con.execute(f"CREATE OR REPLACE TEMP TABLE valued AS {sql('stg_exports')}", [start, end])
        rows = overwrite(
            con,
            "stg.exports",
            "SELECT * EXCLUDE (missing_rate) FROM valued WHERE missing_rate IS NULL",
            start,
            end,
            "month",
            params=[],
        )
        held = overwrite(
            con,
            "quarantine.exports",
            sql("quarantine_unrated_exports"),
            start,
            end,
            "partition_date",
            params=[],
        )
        if held:
            context.log.warning(f"{held} export item(s) in {start} … {end} have no usable reference rate: quarantined")
        return _result(con, "stg.exports", rows, "month", start, end, rows_quarantined_no_rate=held)


def _mart(
    name: str, upstream: dg.AssetsDefinition, partitions_def: dg.PartitionsDefinition, date_col: str
) -> dg.AssetsDefinition:
    doc = sql(name).splitlines()[0].removeprefix("-- ").strip()

    @_partitioned(partitions_def, "marts", [upstream], name=name, description=doc)
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        start, end = dates.window(context)
        with warehouse.connection() as con:
            rows = replace_partition(con, f"marts.{name}", sql(name), start, end, date_col)
            return _result(con, f"marts.{name}", rows, date_col, start, end)

    return _asset


DAILY_MARTS = ("daily_turnover", "daily_turnover_by_category", "daily_turnover_by_kecamatan")
MONTHLY_MARTS = (
    "monthly_export_value",
    "monthly_export_value_by_commodity",
    "monthly_export_value_by_destination",
)

mart_assets = [_mart(n, stg_transactions, partitions.daily, "date") for n in DAILY_MARTS] + [
    _mart(n, stg_exports, partitions.monthly, "month") for n in MONTHLY_MARTS
]
transform_assets = [stg_producers, stg_fx_rates, stg_transactions, stg_exports, *mart_assets]
