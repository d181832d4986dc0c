"""Mart assets, one per mart of `pipelines.transform.marts`: each partition computed into `candidate`, checked
against the accepted rows counted apart from staging, then written as a new version
(`pipelines.warehouse.versions`); a period whose check fails is held: its previous version stays."""

import dagster as dg

from pipelines.assets.checked import Events, Run, checked, partitioned, preview
from pipelines.core import dates, partitions
from pipelines.core.config import Settings
from pipelines.quality import checks
from pipelines.quality.settings import QualitySettings
from pipelines.transform.marts import DAILY_MARTS, MARTS, MONTHLY_MARTS, candidate, is_total
from pipelines.warehouse import versions
from pipelines.warehouse.connection import Sentra, Warehouse, pool, transaction

MART_CHECKS = [checks.RECONCILED]
TOTAL_CHECKS = [*MART_CHECKS, checks.COVERAGE, checks.NO_MISSING]


def _mart(name: str, upstream: str, grain: str, s: Settings) -> dg.AssetsDefinition:
    cal = partitions.calendar(s.partitions_start)
    partitions_def, date_col = (cal.daily, "date") if grain == "day" else (cal.monthly, "month")
    total = is_total(name)  # coverage is measured on the totals
    mart_checks = (
        [*TOTAL_CHECKS, checks.FRESH, checks.SILENT]
        if grain == "day" and total
        else (TOTAL_CHECKS if total else MART_CHECKS)
    )
    measures = "turnover, transactions and active producers" if grain == "day" else "export value, items and exporters"
    doc = f"Marts: {measures} per {', '.join(MARTS[name][1])}, from the accepted rows of each partition."

    @partitioned(partitions_def, pool(name, s, versioned=True), "marts", [upstream], name, mart_checks, description=doc)
    def _asset(
        context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings, sentra: Sentra
    ) -> Events:
        start, end = dates.partition_bounds(context)
        with warehouse.connection() as con:
            candidate(con, name, start, end)
            outcomes = checks.reconcile(con, grain, start, end)
            if total:
                minimum = quality.min_daily_coverage if grain == "day" else quality.min_monthly_exporter_coverage
                outcomes += checks.coverage(con, grain, start, end, minimum)
            if grain == "day" and total:
                outcomes += checks.silent_producers(con, end, quality.silent_producer_days)
            held = yield from checked(name, con, Run.of(context.run_id, sentra, quality), outcomes)
            with transaction(con):
                rows = versions.write(
                    con, f"marts.{name}", "SELECT * FROM candidate", start, end, context.run_id, keep=held
                )
            yield preview(con, f"marts.{name}", rows, date_col, start, end, held)

    return _asset


def mart_assets(s: Settings) -> list[dg.AssetsDefinition]:
    """The mart assets with the settings' partitions and pools."""
    daily = [_mart(n, "stg_transactions", "day", s) for n in DAILY_MARTS]
    return daily + [_mart(n, "stg_exports", "month", s) for n in MONTHLY_MARTS]
