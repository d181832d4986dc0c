"""Reports for economists as Dagster assets: the monthly export report and the weekly turnover brief.

Each report is a partition: regenerating a past period reproduces it from the warehouse. Figures go
through the same disclosure control as the charts, so no table cell reveals one producer's figures.
Files land in `publish/reports/<kind>/<period>/` beside a `report.json` the portal reads.
"""

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import polars as pl

from models.codes import TIMEZONE
from pipelines import dates, partitions, runs
from pipelines.config import settings
from pipelines.publish import disclosure, reports
from pipelines.publish.files import write_atomic
from pipelines.publish.settings import PublishSettings
from pipelines.resources import POOL, Warehouse, sql

HISTORY_MONTHS = 25  # the month, the twelve before it for year-on-year, and January of last year for year-to-date
TITLES = {
    "monthly": {"id": "Laporan bulanan ekspor dan omzet IKM", "en": "Monthly IKM export and turnover report"},
    "weekly": {"id": "Ringkasan mingguan omzet IKM", "en": "Weekly IKM turnover brief"},
}


def _months_back(month: date, n: int) -> date:
    for _ in range(n):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def _protected(contrib: pl.DataFrame, keys: list[str], rule: disclosure.Rule, merge: str | None = None) -> pl.DataFrame:
    cells = disclosure.protect(contrib, keys, rule, merge_dim=merge, extra=("usd", "items"))
    # A suppressed cell is left out: the report then calls that figure unavailable, and reveals nothing.
    cells = cells.filter(~pl.col("suppressed"))
    return cells.rename({"value": "export_value_idr", "usd": "export_value_usd", "producers": "exporters"})


def monthly_data(
    con: duckdb.DuckDBPyConnection, month: date, run_id: str, rule: disclosure.Rule
) -> reports.MonthlyReportData:
    first = _months_back(month, HISTORY_MONTHS - 1)
    contrib = con.sql(sql("chart_contrib_monthly"), params=[first, month]).pl()
    last_day = (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    year_ago = month.replace(year=month.year - 1)
    year_ago_end = (year_ago + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    registry = con.execute(sql("report_registry")).fetchall()[0]
    return reports.MonthlyReportData(
        month=month,
        exports=_protected(contrib, ["month"], rule),
        by_commodity=_protected(contrib, ["month", "commodity"], rule, "commodity"),
        by_destination=_protected(contrib, ["month", "destination_country"], rule, "destination_country"),
        turnover=_daily_totals(con, rule, month, last_day, year_ago, year_ago_end),
        coverage=con.sql(sql("report_coverage"), params=[month, last_day]).pl(),
        registered_producers=registry[0],
        registered_exporters=registry[1],
        as_of=datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0),
        run_id=run_id,
    )


def _daily_totals(con: duckdb.DuckDBPyConnection, rule: disclosure.Rule, *bounds: date) -> pl.DataFrame:
    """Protected daily turnover with the marts' counts, for the days within the two (first, last) bounds."""
    parts = [
        con.sql(sql("chart_contrib_daily"), params=[a, b]).pl() for a, b in zip(bounds[::2], bounds[1::2], strict=True)
    ]
    contrib = pl.concat(parts)
    safe = disclosure.protect(contrib, ["date"], rule).filter(~pl.col("suppressed"))
    safe = safe.select("date", pl.col("value").alias("turnover_idr"))
    counts = con.sql(sql("report_turnover"), params=list(bounds)).pl()
    return counts.join(safe, on="date", how="inner").sort("date")


def _write(kind: str, period: str, paths: list[Path]) -> None:
    """report.json: titles and files per language, what the portal lists."""
    files = {lang: [p.name for p in paths if f".{lang}." in p.name] for lang in ("id", "en")}
    info = {"kind": kind, "period": period, "title": TITLES[kind], "files": files}
    write_atomic(paths[0].parent / "report.json", json.dumps(info, indent=2, ensure_ascii=False).encode("utf-8"))


@dg.asset(
    group_name="reports",
    deps=[
        "monthly_export_value",
        "monthly_export_value_by_commodity",
        "monthly_export_value_by_destination",
        "daily_turnover",
    ],  # fmt: skip
    partitions_def=partitions.monthly,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=POOL,
    kinds={"html", "pdf"},
)
def report_monthly(
    context: dg.AssetExecutionContext, warehouse: Warehouse, publishing: PublishSettings
) -> dg.MaterializeResult:
    """The monthly report (HTML and PDF, Indonesian and English) in the style of BPS's export release:
    headline figures with month-on-month, year-on-year and year-to-date changes, key points, charts,
    tables, coverage and quality notes, methodology. Under publish/reports/monthly/<YYYY-MM>/."""
    start, end = dates.window(context)
    written, skipped = [], []
    for month in runs.periods(start, end - timedelta(days=1), "month"):
        with warehouse.connection() as con:
            data = monthly_data(con, month, context.run_id, publishing.rule())
        if data.exports.filter(pl.col("month") == month).is_empty():
            skipped.append(f"{month:%Y-%m}")  # no accepted export item yet: nothing to report
            continue
        paths = reports.write_monthly_report(data, settings().publish / "reports" / "monthly" / f"{month:%Y-%m}")
        _write("monthly", f"{month:%Y-%m}", paths)
        written += paths
    if skipped:
        context.log.warning(f"no monthly report for {', '.join(skipped)}: no accepted export items")
    return dg.MaterializeResult(
        metadata={"reports": len(written) // 4, "skipped_months": ", ".join(skipped) or "none",
                  "files": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in written))}
    )  # fmt: skip


@dg.asset(group_name="reports", deps=["daily_turnover", "daily_turnover_by_category"],
          partitions_def=partitions.weekly, backfill_policy=dg.BackfillPolicy.single_run(), pool=POOL,
          kinds={"html"})  # fmt: skip
def report_weekly(
    context: dg.AssetExecutionContext, warehouse: Warehouse, publishing: PublishSettings
) -> dg.MaterializeResult:
    """The weekly turnover brief (HTML, Indonesian and English): the week's turnover against the week
    before, by day and by category, with coverage notes. Under publish/reports/weekly/<YYYY-Www>/."""
    start, end = dates.window(context)
    written = []
    for monday in (start + timedelta(days=7 * i) for i in range((end - start).days // 7)):
        paths = _weekly(warehouse, monday, publishing.rule())
        written += paths
    return dg.MaterializeResult(
        metadata={"briefs": len(written) // 2, "files": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in written))}
    )


def _weekly(warehouse: Warehouse, monday: date, rule: disclosure.Rule) -> list[Path]:
    before, sunday = monday - timedelta(days=7), monday + timedelta(days=6)
    with warehouse.connection() as con:
        turnover = _daily_totals(con, rule, before, sunday, before, sunday)
        contrib = con.sql(sql("chart_contrib_daily"), params=[before, sunday]).pl()
        coverage = con.sql(sql("report_coverage"), params=[monday, sunday]).pl()
    if turnover.filter(pl.col("date") >= monday).is_empty():
        return []  # no accepted transaction that week: nothing to brief
    cells = disclosure.protect(contrib, ["date", "category"], rule, merge_dim="category",
                               extra=("transactions",))  # fmt: skip
    by_category = cells.filter(~pl.col("suppressed"))
    by_category = by_category.select("date", "category", pl.col("value").alias("turnover_idr"), "transactions")
    week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    as_of = datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)
    out = settings().publish / "reports" / "weekly" / week
    paths = reports.write_weekly_brief(monday, turnover, by_category, coverage, as_of, out)
    _write("weekly", week, paths)
    return paths


report_assets = [report_monthly, report_weekly]
