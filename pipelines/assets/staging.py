"""Staging assets, quality-gated: each is computed into `candidate` (`pipelines.transform.staging`), checked
(`pipelines.quality`), and only then written as a new version (`pipelines.warehouse.versions`); a period a
blocking check fails for is held (`pipelines.assets.checked`): its previous version stays. The registry and
the rates are whole tables; sales by day, exports by month.
"""

from datetime import date

import dagster as dg
import duckdb
import polars as pl

from pipelines.assets.checked import (
    Decorator,
    Events,
    Run,
    as_before,
    checked,
    checks_of,
    partitioned,
    preview,
    recorded,
    unchanged,
)
from pipelines.core import dates, partitions
from pipelines.core.config import Settings
from pipelines.quality import bulk, checks, gx, suites
from pipelines.quality.outcome import Check, Outcome, specs, to_results
from pipelines.quality.settings import QualitySettings
from pipelines.transform import staging
from pipelines.warehouse import versions
from pipelines.warehouse.connection import Sentra, Warehouse, pool, sql, transaction

PRODUCER_CHECKS = checks_of(suites.producers_rules())
FX_CHECKS = checks_of(suites.fx_rules(), checks.FX_GAPS)
TX_CHECKS = checks_of(
    suites.transactions_rules(0),
    checks.REGISTERED,
    checks.LOCAL_DATES,
    suites.VOLUME,
    suites.SCALE,
    checks.QUARANTINE_SHARE,
    checks.COVERAGE_TO_PUBLISH,
)
EXPORT_CHECKS = checks_of(
    suites.exports_rules(),
    checks.REGISTERED,
    checks.EXPORTER,
    checks.RATES,
    checks.QUARANTINE_SHARE,
    checks.COVERAGE_TO_PUBLISH,
)


def _history(con: duckdb.DuckDBPyConnection, start: date, quality: QualitySettings) -> list[Outcome]:
    """GX over aggregates of the staged days against the 4 weeks before: one row per day (volume) and one
    per producer and day (scale of the amounts), not over the sales themselves."""
    days = con.sql(sql("check_volume"), params=[start, start]).pl()
    volume = gx.validate(
        "volume", days, suites.volume_rules(quality.volume_low, quality.volume_high), ["sales", "baseline"]
    )
    checks.usual_amounts(con, start)
    scales = con.sql(sql("check_amount_scale")).pl()
    rules = suites.scale_rules(quality.amount_scale_factor)
    scale = gx.validate("amount_scale", scales, rules, ["producer_id", "median_idr", "usual_idr"])
    for o in (o for o in volume if not o.passed and o.samples):  # GX says "1 of 1 rows unexpected": say what
        v = o.samples[0]
        o.observed = f"{v['sales']:,} sales against a mean of {v['baseline']:,.1f} on the same weekday before"
    for o in (o for o in scale if not o.passed):
        named = ", ".join(
            f"{v['producer_id']} (median {v['median_idr']:,.0f} against {v['usual_idr']:,.0f})" for v in o.samples[:5]
        )
        o.observed = f"{o.numerator} of {o.denominator} producers off their usual amounts: {named}"
    return volume + scale


def staging_assets(s: Settings) -> list[dg.AssetsDefinition]:
    """The staging assets with the settings' partitions and pools."""
    cal = partitions.calendar(s.partitions_start)
    days, months = cal.daily, cal.monthly

    def whole_table(name: str, dep: str, declared: list[Check]) -> Decorator:
        """A staging table replaced whole from one raw table (the registry, the rates)."""
        return dg.asset(
            group_name="stg",
            deps=[dep],
            pool=pool(name, s, versioned=True),
            kinds={"duckdb"},
            check_specs=specs(name, declared),
        )

    @whole_table("stg_producers", "raw_producers", PRODUCER_CHECKS)
    def stg_producers(
        context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings, sentra: Sentra
    ) -> Events:
        """The current producer registry, checked: unique ids, 13-digit NIB, a Bekasi kecamatan, 5-digit KBLI.
        Skipped (its checks' outcomes stand) when the registry in raw is as it was at the last materialization."""
        with warehouse.connection() as con:
            source = staging.source_version(con, "raw.producers")
            if unchanged(context, "stg_producers", source):
                yield from as_before(con, "stg_producers", PRODUCER_CHECKS, source)
                return
            staging.stage(con, "stg_producers")
            yield from checked(
                "stg_producers",
                con,
                Run.of(context.run_id, sentra, quality),
                bulk.validate(con, "producers", suites.producers_rules(), ["producer_id"]),
            )
            rows = staging.replace_whole(con, "stg.producers", context.run_id)
            yield preview(con, "stg.producers", rows, None, None, None, source=source)

    @whole_table("stg_fx_rates", "raw_fx_rates", FX_CHECKS)
    def stg_fx_rates(
        context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings, sentra: Sentra
    ) -> Events:
        """Current reference rates, one per (date, currency), checked: positive, unique, no long gap. Skipped (its
        checks' outcomes stand) when the rates in raw and the gap threshold are as at the last materialization."""
        with warehouse.connection() as con:
            source = f"{staging.source_version(con, 'raw.fx_rates')}; max gap {quality.max_fx_gap_days} days"
            if unchanged(context, "stg_fx_rates", source):
                yield from as_before(con, "stg_fx_rates", FX_CHECKS, source)
                return
            staging.stage(con, "stg_fx_rates")
            run = Run.of(context.run_id, sentra, quality)
            outcomes = bulk.validate(con, "fx_rates", suites.fx_rules(), ["date", "currency"])
            yield from checked("stg_fx_rates", con, run, outcomes)
            rows = staging.replace_whole(con, "stg.fx_rates", context.run_id)
            # The gap check reads the rates as written: a long gap warns, it does not block.
            yield from to_results(recorded(con, run, "stg_fx_rates", checks.fx_gaps(con, quality.max_fx_gap_days)))
            yield preview(con, "stg.fx_rates", rows, None, None, None, source=source)

    @partitioned(
        days,
        pool("stg_transactions", s, versioned=True),
        "stg",
        ["raw_transactions", "stg_producers"],
        "stg_transactions",
        TX_CHECKS,
    )
    def stg_transactions(
        context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings, sentra: Sentra
    ) -> Events:
        """Accepted, current transactions of each Asia/Jakarta day with the producer's category and kecamatan."""
        start, end = dates.partition_bounds(context)
        with warehouse.connection() as con:
            staging.stage(con, "stg_transactions", [start, end], "date")
            rules = suites.transactions_rules(quality.amount_ceiling_idr)
            outcomes = bulk.validate(con, "transactions", rules, ["producer_id", "transaction_id"])
            outcomes += checks.unregistered(con) + checks.local_dates(con) + _history(con, start, quality)
            outcomes += checks.quarantine_share(
                con, "transactions", "local_date", "day", start, end, quality.max_quarantine_share
            )
            outcomes += checks.coverage_to_publish(con, "day", quality.min_daily_coverage_to_publish)
            held = yield from checked("stg_transactions", con, Run.of(context.run_id, sentra, quality), outcomes)
            with transaction(con):
                rows = versions.write(
                    con,
                    "stg.transactions",
                    "SELECT * EXCLUDE (_partition, _registered) FROM candidate",
                    start,
                    end,
                    context.run_id,
                    keep=held,
                )
            yield preview(con, "stg.transactions", rows, "date", start, end, held)

    @partitioned(
        months,
        pool("stg_exports", s, versioned=True),
        "stg",
        ["raw_exports", "stg_fx_rates", "stg_producers"],
        "stg_exports",
        EXPORT_CHECKS,
    )
    def stg_exports(
        context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings, sentra: Sentra
    ) -> Events:
        """Export items of each month valued in IDR and USD; items with no usable rate are quarantined instead."""
        start, end = dates.partition_bounds(context)
        bounds = pl.DataFrame(
            [(c, lo, hi) for c, (lo, hi) in quality.weight_bounds_kg.items()],
            schema=["commodity", "lo", "hi"],
            orient="row",
        )
        with warehouse.connection() as con:
            staging.stage_exports(con, start, end, bounds)
            outcomes = bulk.validate(con, "exports", suites.exports_rules(), ["peb_number", "hs_code"])
            outcomes += checks.unregistered(con) + checks.not_exporters(con) + checks.rates(con)
            unrated = staging.quarantine_unrated(
                con, start, end
            )  # they join the quarantine before its share is measured
            outcomes += checks.quarantine_share(
                con, "exports", "peb_date", "month", start, end, quality.max_quarantine_share
            )
            outcomes += checks.coverage_to_publish(con, "month", quality.min_monthly_exporter_coverage_to_publish)
            held = yield from checked("stg_exports", con, Run.of(context.run_id, sentra, quality), outcomes)
            with transaction(con):
                staged = "SELECT * EXCLUDE (_partition, weight_ok, _registered, _exporter) FROM candidate"
                rows = versions.write(con, "stg.exports", staged, start, end, context.run_id, keep=held)
            if unrated:
                context.log.warning(
                    f"{unrated} export item(s) in {start} … {end} have no usable reference rate: quarantined"
                )
            yield preview(con, "stg.exports", rows, "month", start, end, held, rows_quarantined_no_rate=unrated)

    return [stg_producers, stg_fx_rates, stg_transactions, stg_exports]
