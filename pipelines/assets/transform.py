"""Staging and marts, quality-gated: each partition is computed into a temporary table, checked, and only
then written (delete-then-insert in one transaction). A blocking failure for a period holds it: its
previous rows, and so the charts built from them, stay in place while the other periods are written, and
every view names it (`pipelines.publish.gate`). A blocking failure of a whole table stops the run.
"""

from collections.abc import Callable, Generator, Iterator
from datetime import date

import dagster as dg
import duckdb
import polars as pl

from models.ddl import q, qualified
from pipelines.core import dates, markdown, partitions
from pipelines.core.config import settings
from pipelines.publish import quality_report
from pipelines.quality import bulk, checks, gx, suites
from pipelines.quality.outcome import Check, Outcome, blocking_failures, record, specs, to_results
from pipelines.quality.settings import QualitySettings
from pipelines.warehouse.connection import Warehouse, overwrite, pool, render, sql, transaction

RANGE = dg.BackfillPolicy.single_run()
Events = Iterator[dg.AssetCheckResult | dg.MaterializeResult]
Held = Generator[dg.AssetCheckResult, None, list[date]]  # yields check results, returns the held periods


def _checked(asset: str, con: duckdb.DuckDBPyConnection, run_id: str, outcomes: list[Outcome]) -> Held:
    """Record the outcomes, refresh the run's quality report, surface them in Dagster; return the held periods.

    A blocking check that fails for a period holds that period: it is not written (its previous rows stay, or
    none), while the other periods of the range are (docs/CHECKS.md, "the publication gate"). One that fails
    for no period in particular (a whole table) stops the asset. A declared check with no outcome (a range
    with no rows at all: every row quarantined) passes, said so."""
    yield from to_results(_recorded(con, run_id, asset, outcomes))
    seen = {o.check.name for o in outcomes}
    for c in (c for c in _DECLARED.get(asset, []) if c.name not in seen):
        yield dg.AssetCheckResult(
            check_name=c.name, passed=True, metadata={"observed": "no rows in the range to check"}
        )
    failed = blocking_failures(outcomes)
    if whole := [o for o in failed if o.partition is None]:
        detail = "; ".join(f"{o.check.name} (all: {o.observed})" for o in whole[:5])
        raise dg.Failure(
            description=f"{asset} not written, previous data kept: {len(whole)} blocking check(s) failed — {detail}",
            metadata={"quality_report": str(quality_report.run_report_path(run_id))},
        )
    return sorted({o.partition for o in failed if o.partition is not None})


def _preview(con: duckdb.DuckDBPyConnection, table: str, rows: int, date_col: str | None, start: date | None,
             end: date | None, held: list[date] | None = None, **extra: object) -> dg.MaterializeResult:  # fmt: skip
    """Row count and a Markdown preview of what the run wrote; `held`: the periods it did not write."""
    if held:
        extra["held_partitions"] = dg.MetadataValue.json([d.isoformat() for d in held])
    where, params = (f"WHERE {q(date_col)} >= ? AND {q(date_col)} < ?", [start, end]) if date_col else ("", [])
    df: pl.DataFrame = con.sql(f"SELECT * FROM {qualified(table)} {where} ORDER BY ALL LIMIT 10", params=params).pl()  # noqa: S608
    period = {"period": f"{start} … {end}"} if date_col else {}
    return dg.MaterializeResult(
        metadata={"dagster/row_count": rows, **period, **extra, "preview": dg.MetadataValue.md(markdown.preview(df))}
    )


def _stage(
    con: duckdb.DuckDBPyConnection, query: str, params: list | None = None, partition: str = "NULL::DATE"
) -> None:
    """Compute rows into the temporary table `candidate`; `_partition` says which partition each row is in."""
    stage = f"CREATE OR REPLACE TEMP TABLE candidate AS SELECT *, {partition} AS _partition FROM ({query})"  # noqa: S608
    con.execute(stage, params or [])  # noqa: S608


def _checks_of(rules: list[bulk.BulkRule], *more: Check) -> list[Check]:
    return [r.check for r in rules] + list(more)


# --- Whole tables: the registry and the rates -------------------------------------------------------------

_PRODUCER_CHECKS = _checks_of(suites.producers_rules())
_FX_CHECKS = _checks_of(suites.fx_rules(), checks.FX_GAPS)


@dg.asset(
    group_name="stg",
    deps=["raw_producers"],
    pool=pool("stg_producers"),
    kinds={"duckdb"},
    check_specs=specs("stg_producers", _PRODUCER_CHECKS),
)
def stg_producers(context: dg.AssetExecutionContext, warehouse: Warehouse) -> Events:
    """The current producer registry, checked: unique ids, 13-digit NIB, a Bekasi kecamatan, 5-digit KBLI.
    Skipped (its checks' outcomes stand) when the registry in raw is as it was at the last materialization."""
    with warehouse.connection() as con:
        source = _source(con, "raw.producers")
        if _unchanged(context, "stg_producers", source):
            yield from _as_before(con, "stg_producers", _PRODUCER_CHECKS, source)
            return
        _stage(con, sql("stg_producers"))
        yield from _checked("stg_producers", con, context.run_id,
                            bulk.validate(con, "producers", suites.producers_rules(), ["producer_id"]))  # fmt: skip
        yield _replace_whole(con, "stg.producers", source)


@dg.asset(
    group_name="stg",
    deps=["raw_fx_rates"],
    pool=pool("stg_fx_rates"),
    kinds={"duckdb"},
    check_specs=specs("stg_fx_rates", _FX_CHECKS),
)
def stg_fx_rates(context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings) -> Events:
    """Current reference rates, one per (date, currency), checked: positive, unique, no long gap. Skipped (its
    checks' outcomes stand) when the rates in raw and the gap threshold are as at the last materialization."""
    with warehouse.connection() as con:
        source = f"{_source(con, 'raw.fx_rates')}; max gap {quality.max_fx_gap_days} days"
        if _unchanged(context, "stg_fx_rates", source):
            yield from _as_before(con, "stg_fx_rates", _FX_CHECKS, source)
            return
        _stage(con, sql("stg_fx_rates"))
        outcomes = bulk.validate(con, "fx_rates", suites.fx_rules(), ["date", "currency"])
        yield from _checked("stg_fx_rates", con, context.run_id, outcomes)
        written = _replace_whole(con, "stg.fx_rates", source)
        # The gap check reads the rates as written: a long gap warns, it does not block.
        yield from to_results(
            _recorded(con, context.run_id, "stg_fx_rates", checks.fx_gaps(con, quality.max_fx_gap_days))
        )
        yield written


def _source(con: duckdb.DuckDBPyConnection, raw: str) -> str:
    """A whole table's input in brief: its current rows in raw and the newest file among them."""
    rows, newest = con.execute(render("raw_version", raw=raw)).fetchall()[0]
    return f"{rows} current rows, newest file {newest}"


def _unchanged(context: dg.AssetExecutionContext, asset: str, source: str) -> bool:
    """Whether the asset's last materialization was built from this very input (its `source` metadata)."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey(asset))
    done = event.asset_materialization if event else None
    return done is not None and "source" in done.metadata and done.metadata["source"].value == source


def _as_before(con: duckdb.DuckDBPyConnection, asset: str, declared: list[Check], source: str) -> Events:
    """An unchanged whole table: its checks' latest outcomes stand (nothing new is recorded), nothing is written."""
    latest = {name: (passed, observed, run) for name, passed, observed, run in
              con.execute(sql("latest_outcomes"), [asset]).fetchall()}  # fmt: skip
    for check in declared:
        passed, observed, run = latest.get(check.name, (True, "no outcome recorded", None))
        severity = dg.AssetCheckSeverity.ERROR if check.severity == "ERROR" else dg.AssetCheckSeverity.WARN
        yield dg.AssetCheckResult(check_name=check.name, passed=passed, severity=severity,
                                  metadata={"observed": observed, "unchanged_since_run": run or "none"})  # fmt: skip
    yield dg.MaterializeResult(metadata={"source": source, "unchanged": True})


def _recorded(con: duckdb.DuckDBPyConnection, run_id: str, asset: str, outcomes: list[Outcome]) -> list[Outcome]:
    record(con, run_id, asset, outcomes)
    quality_report.write_run_report(con, run_id, settings().internal)
    return outcomes


def _replace_whole(con: duckdb.DuckDBPyConnection, table: str, source: str) -> dg.MaterializeResult:
    with transaction(con):
        con.execute(f"DELETE FROM {qualified(table)}")  # noqa: S608
        con.execute(f"INSERT INTO {qualified(table)} BY NAME SELECT * EXCLUDE (_partition) FROM candidate")  # noqa: S608
    rows = con.execute(f"SELECT count(*) FROM {qualified(table)}").fetchall()[0][0]  # noqa: S608
    return _preview(con, table, rows, None, None, None, source=source)


# --- Partitioned staging ----------------------------------------------------------------------------------


_DECLARED: dict[str, list[Check]] = {}  # the checks each partitioned asset declares


def _partitioned(
    partitions_def: dg.PartitionsDefinition,
    group_name: str,
    deps: list,
    name: str,
    checks_: list[Check],
    **kwargs: object,
) -> Callable[[Callable[..., Events]], dg.AssetsDefinition]:
    """A partitioned warehouse asset: a range of partitions is one run, one writer at a time, gated by checks."""
    _DECLARED[name] = checks_
    return dg.asset(
        name=name,
        group_name=group_name,
        deps=deps,
        partitions_def=partitions_def,
        backfill_policy=RANGE,
        pool=pool(name),
        kinds={"duckdb"},
        check_specs=specs(name, checks_),
        **kwargs,
    )


_TX_CHECKS = _checks_of(
    suites.transactions_rules(0),
    checks.REGISTERED,
    checks.LOCAL_DATES,
    suites.VOLUME,
    suites.SCALE,
    checks.QUARANTINE_SHARE,
    checks.COVERAGE_TO_PUBLISH,
)
_EXPORT_CHECKS = _checks_of(
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
    volume = gx.validate("volume", days, suites.volume_rules(quality.volume_low, quality.volume_high),
                         ["sales", "baseline"])  # fmt: skip
    scales = con.sql(sql("check_amount_scale"), params=[start, start]).pl()
    rules = suites.scale_rules(quality.amount_scale_factor)
    scale = gx.validate("amount_scale", scales, rules, ["producer_id", "median_idr", "usual_idr"])
    for o in (o for o in volume if not o.passed and o.samples):  # GX says "1 of 1 rows unexpected": say what
        v = o.samples[0]
        o.observed = f"{v['sales']:,} sales against a mean of {v['baseline']:,.1f} on the same weekday before"
    for o in (o for o in scale if not o.passed):
        named = ", ".join(f"{v['producer_id']} (median {v['median_idr']:,.0f} against {v['usual_idr']:,.0f})"
                          for v in o.samples[:5])  # fmt: skip
        o.observed = f"{o.numerator} of {o.denominator} producers off their usual amounts: {named}"
    return volume + scale


@_partitioned(partitions.daily, "stg", ["raw_transactions", stg_producers], "stg_transactions", _TX_CHECKS)
def stg_transactions(context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings) -> Events:
    """Accepted, current transactions of each Asia/Jakarta day with the producer's category and kecamatan."""
    start, end = dates.window(context)
    with warehouse.connection() as con:
        _stage(con, sql("stg_transactions"), [start, end], "date")
        rules = suites.transactions_rules(quality.amount_ceiling_idr)
        outcomes = bulk.validate(con, "transactions", rules, ["producer_id", "transaction_id"])
        outcomes += checks.unregistered(con) + checks.local_dates(con) + _history(con, start, quality)
        outcomes += checks.quarantine_share(
            con, "transactions", "local_date", "day", start, end, quality.max_quarantine_share
        )
        outcomes += checks.coverage_to_publish(con, "day", quality.min_daily_coverage_to_publish)
        held = yield from _checked("stg_transactions", con, context.run_id, outcomes)
        with transaction(con):
            rows = overwrite(con, "stg.transactions", "SELECT * EXCLUDE (_partition, _registered) FROM candidate",
                             start, end, params=[], keep=held)  # fmt: skip
        yield _preview(con, "stg.transactions", rows, "date", start, end, held)


@_partitioned(partitions.monthly, "stg", ["raw_exports", stg_fx_rates, stg_producers], "stg_exports", _EXPORT_CHECKS)
def stg_exports(context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings) -> Events:
    """Export items of each month valued in IDR and USD; items with no usable rate are quarantined instead."""
    start, end = dates.window(context)
    bounds = pl.DataFrame(
        [(c, lo, hi) for c, (lo, hi) in quality.weight_bounds_kg.items()],
        schema=["commodity", "lo", "hi"],
        orient="row",
    )
    with warehouse.connection() as con:
        con.execute(f"CREATE OR REPLACE TEMP TABLE valued AS {sql('stg_exports')}", [start, end])
        con.register("weight_bounds", bounds.to_arrow())
        con.execute(f"CREATE OR REPLACE TEMP TABLE candidate AS {sql('stg_exports_candidate')}")
        con.unregister("weight_bounds")
        outcomes = bulk.validate(con, "exports", suites.exports_rules(), ["peb_number", "hs_code"])
        outcomes += checks.unregistered(con) + checks.not_exporters(con) + checks.rates(con)
        # Items held for a missing rate join the quarantine before its share is measured.
        with transaction(con):
            con.execute(sql("quarantine_unrated_exports_delete"), [start, end])
            con.execute(f"INSERT INTO quarantine.exports BY NAME {sql('quarantine_unrated_exports')}")
        outcomes += checks.quarantine_share(
            con, "exports", "peb_date", "month", start, end, quality.max_quarantine_share
        )
        outcomes += checks.coverage_to_publish(con, "month", quality.min_monthly_exporter_coverage_to_publish)
        held = yield from _checked("stg_exports", con, context.run_id, outcomes)
        with transaction(con):
            staged = "SELECT * EXCLUDE (_partition, weight_ok, _registered, _exporter) FROM candidate"
            rows = overwrite(con, "stg.exports", staged, start, end, "month", params=[], keep=held)
        unrated = con.execute("SELECT count(*) FROM valued WHERE missing_rate IS NOT NULL").fetchall()[0][0]
        if unrated:
            context.log.warning(
                f"{unrated} export item(s) in {start} … {end} have no usable reference rate: quarantined"
            )
        yield _preview(con, "stg.exports", rows, "month", start, end, held, rows_quarantined_no_rate=unrated)


# --- Marts ------------------------------------------------------------------------------------------------

_MART_CHECKS = [checks.RECONCILED]
_TOTAL_CHECKS = [*_MART_CHECKS, checks.COVERAGE, checks.NO_MISSING]


# Each mart: the family's SQL template and its key columns.
MARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "daily_turnover": ("daily_turnover", ("date",)),
    "daily_turnover_by_category": ("daily_turnover", ("date", "category")),
    "daily_turnover_by_kecamatan": ("daily_turnover", ("date", "kecamatan")),
    "monthly_export_value": ("monthly_export_value", ("month",)),
    "monthly_export_value_by_commodity": ("monthly_export_value", ("month", "commodity")),
    "monthly_export_value_by_destination": ("monthly_export_value", ("month", "destination_country")),
}
DAILY_MARTS = tuple(n for n, (family, _) in MARTS.items() if family == "daily_turnover")
MONTHLY_MARTS = tuple(n for n, (family, _) in MARTS.items() if family == "monthly_export_value")


def _mart(name: str, upstream: dg.AssetsDefinition, grain: str) -> dg.AssetsDefinition:
    partitions_def, date_col = (partitions.daily, "date") if grain == "day" else (partitions.monthly, "month")
    family, keys = MARTS[name]
    query = render(family, keys=keys)
    total = len(keys) == 1  # coverage is measured on the totals
    mart_checks = (
        [*_TOTAL_CHECKS, checks.FRESH, checks.SILENT]
        if grain == "day" and total
        else (_TOTAL_CHECKS if total else _MART_CHECKS)
    )

    measures = "turnover, transactions and active producers" if grain == "day" else "export value, items and exporters"
    doc = f"Marts: {measures} per {', '.join(keys)}, from the accepted rows of each partition."

    @_partitioned(partitions_def, "marts", [upstream], name, mart_checks, description=doc)
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings) -> Events:
        start, end = dates.window(context)
        with warehouse.connection() as con:
            con.execute(f"CREATE OR REPLACE TEMP TABLE candidate AS {query}", [start, end])
            outcomes = checks.reconcile(con, grain, start, end)
            if total:
                minimum = quality.min_daily_coverage if grain == "day" else quality.min_monthly_exporter_coverage
                outcomes += checks.coverage(con, grain, start, end, minimum)
            if grain == "day" and total:
                outcomes += checks.silent_producers(con, end, quality.silent_producer_days)
            held = yield from _checked(name, con, context.run_id, outcomes)
            with transaction(con):
                rows = overwrite(con, f"marts.{name}", "SELECT * FROM candidate", start, end, date_col, params=[],
                                 keep=held)  # fmt: skip
            yield _preview(con, f"marts.{name}", rows, date_col, start, end, held)

    return _asset


mart_assets = [_mart(n, stg_transactions, "day") for n in DAILY_MARTS] + [
    _mart(n, stg_exports, "month") for n in MONTHLY_MARTS
]
transform_assets = [stg_producers, stg_fx_rates, stg_transactions, stg_exports, *mart_assets]
