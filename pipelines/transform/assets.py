"""Staging and marts: each partition is recomputed from raw, delete-then-insert in one transaction."""

import dagster as dg
import polars as pl

from pipelines import dates, markdown, partitions
from pipelines.resources import POOL, Warehouse, overwrite, replace_partition, replace_table, sql, transaction

RANGE = dg.BackfillPolicy.single_run()


def _result(con, table: str, rows: int, date_col: str, start, end, **extra) -> dg.MaterializeResult:  # noqa: ANN001
    """Row count and a Markdown preview of what the run wrote."""
    target = table.replace(".", '"."')
    df: pl.DataFrame = con.sql(
        f'SELECT * FROM "{target}" WHERE {date_col} >= ? AND {date_col} < ? ORDER BY ALL LIMIT 10',  # noqa: S608
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


@dg.asset(
    group_name="stg",
    deps=["raw_transactions", stg_producers],
    partitions_def=partitions.daily,
    backfill_policy=RANGE,
    pool=POOL,
    kinds={"duckdb"},
)
def stg_transactions(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Accepted, current transactions of each Asia/Jakarta day, with the producer's category and kecamatan."""
    start, end = dates.window(context)
    with warehouse.connection() as con:
        rows = replace_partition(con, "stg.transactions", sql("stg_transactions"), start, end)
        return _result(con, "stg.transactions", rows, "date", start, end)


@dg.asset(
    group_name="stg",
    deps=["raw_exports", stg_fx_rates, stg_producers],
    partitions_def=partitions.monthly,
    backfill_policy=RANGE,
    pool=POOL,
    kinds={"duckdb"},
)
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


def _mart(name: str, upstream: dg.AssetsDefinition, partitions_def: dg.PartitionsDefinition, date_col: str):  # noqa: ANN202
    doc = sql(name).splitlines()[0].removeprefix("-- ").strip()

    @dg.asset(
        name=name,
        group_name="marts",
        deps=[upstream],
        partitions_def=partitions_def,
        backfill_policy=RANGE,
        pool=POOL,
        kinds={"duckdb"},
        description=doc,
    )
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
