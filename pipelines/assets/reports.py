"""Reports for economists as Dagster assets: the monthly export report and the weekly turnover brief.

Each report is a partition, built from the published cells (`publish_cells`) only. Before a report is
written, every figure it prints is reconciled with the marts (a blocking check): a report that would
state a figure the marts do not hold is not written. Files land in `publish/reports/<kind>/<period>/`:
HTML (and PDF), the tables as CSV and XLSX, figures.json, and a `report.json` the portal reads.

A report is written again only when what it reads changed: the published cells it loads, its coverage and
quality notes, the registry counts, or the renderer (`fingerprint.py`), or when one of its files is missing
or altered. Otherwise its files are kept untouched, and the figures it prints (kept in report.json) are
reconciled with the marts again, so a kept report is checked exactly as a new one.
"""

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import polars as pl

from models.codes import TIMEZONE
from pipelines.core import dates, i18n, partitions, periods
from pipelines.core.config import Settings
from pipelines.publish import fingerprint, gate, published, reconcile, reports
from pipelines.publish.figures import add_months, month_end
from pipelines.publish.files import write_atomic
from pipelines.warehouse.connection import Sentra, Warehouse, pool, sql

HISTORY_MONTHS = 25  # the month, the twelve before it for year-on-year, and January of last year for year-to-date
# Each kind's title in every language (report.json, the portal): catalogue entries `report.title.<kind>`.
TITLES = {
    kind: {lang: i18n.text(f"report.title.{kind}", lang) for lang in i18n.LANGS} for kind in ("monthly", "weekly")
}
RECONCILED = "figures_reconcile_with_marts"
Events = Iterator[dg.AssetCheckResult | dg.MaterializeResult]


def _spec(asset: str) -> list[dg.AssetCheckSpec]:
    what = "Every figure the report prints equals the marts; checked before anything is written."
    return [dg.AssetCheckSpec(RECONCILED, asset=asset, blocking=True, description=what)]


def monthly_data(con: duckdb.DuckDBPyConnection, month: date, run_id: str) -> reports.MonthlyReportData:
    last = month_end(month)
    registry = con.execute(sql("report_registry")).fetchall()[0]
    return reports.MonthlyReportData(
        month=month,
        exports=published.load(con, "exports", add_months(month, -(HISTORY_MONTHS - 1)), last),
        # The month a year earlier, and the days up to the previous Idul Fitri (docs/LEBARAN.md).
        turnover=published.load(con, "turnover", add_months(month, -13), last),
        coverage=con.sql(sql("report_coverage"), params=[month, last]).pl(),
        registered_producers=registry[0],
        registered_exporters=registry[1],
        as_of=datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0),
        run_id=run_id,
        quarantined=dict(con.execute(sql("report_quarantine_counts"), [month, last]).fetchall()),
    )


def _mismatches(con: duckdb.DuckDBPyConnection, claims: pl.DataFrame) -> list[str]:
    return [m.line() for m in reconcile.claims(con, claims)]


def _fingerprint(kind: str, period: str, *inputs: object) -> str:
    """A report's fingerprint: its period, the digests of everything it reads, and the renderer."""
    renderer = fingerprint.renderer(fingerprint.REPORT_SOURCES)
    return fingerprint.of(kind=kind, period=period, inputs=inputs, renderer=renderer)


def _kept(folder: Path, fp: str) -> pl.DataFrame | None:
    """The figures a report folder prints (claims), when it was written with fingerprint `fp` and every file
    it wrote is still there, byte for byte; None when it must be written again."""
    try:
        render = json.loads((folder / "report.json").read_text(encoding="utf-8")).get("render")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(render, dict) or render.get("fingerprint") != fp:
        return None
    if not fingerprint.intact(folder, render.get("files") or {}):
        return None
    return reconcile.from_rows(render.get("claims") or [])


def _write_info(
    kind: str,
    period: str,
    docs: list[Path],
    data: list[Path],
    fp: str,
    claims: pl.DataFrame,
    run_id: str,
    titles: dict[str, dict[str, str]],
) -> None:
    """report.json: titles, documents per language and the data files with their tables' captions (`titles`),
    what the portal lists; and under
    `render` what a later run checks before keeping the report (fingerprint, each file's sha256, the claims)."""
    files = {lang: [p.name for p in docs if f".{lang}." in p.name] for lang in ("id", "en")}
    shas = {p.name: fingerprint.file_sha(p) for p in docs + data}
    render = {"fingerprint": fp, "dagster_run_id": run_id, "files": shas, "claims": reconcile.to_rows(claims)}
    info = {
        "kind": kind,
        "period": period,
        "title": TITLES[kind],
        "files": files,
        "data": [p.name for p in data],
        "titles": titles,
        "render": render,
    }
    write_atomic(docs[0].parent / "report.json", json.dumps(info, indent=2, ensure_ascii=False).encode("utf-8"))


def _held_within(con: duckdb.DuckDBPyConnection, first: date, last: date, family: str | None = None) -> str | None:
    """Why a report of [first, last] is not written: periods in it that the publication gate holds (or None).
    A report states its period's figures, and some of them are not published: its previous files stay."""
    holds = [h for h in gate.held(con, family) if h.period is None or first.replace(day=1) <= h.period <= last]
    holds = [h for h in holds if h.period is None or h.grain == "month" or h.period >= first]
    return "; ".join(h.line() for h in holds) or None


def _outcome(
    context: dg.AssetExecutionContext,
    wrong: list[str],
    written: list[Path],
    kept: list[str],
    held: list[str],
    **meta: object,
) -> Events:
    yield dg.AssetCheckResult(
        check_name=RECONCILED,
        passed=not wrong,
        metadata={"mismatches": len(wrong), "first": wrong[0] if wrong else "none"},
    )
    if wrong:
        raise dg.Failure(
            f"report figures do not reconcile with the marts, not written: {wrong[0]} "
            f"(run {context.run_id}; {len(wrong)} in all)"
        )
    if kept:
        context.log.info(f"kept as written (figures unchanged, reconciled again): {', '.join(kept)}")
    for line in held:
        context.log.warning(f"not written, periods in it are held by the publication gate: {line}")
    yield dg.MaterializeResult(
        metadata={
            **meta,
            "kept_periods": ", ".join(kept) or "none",
            "kept": len(kept),
            "held_periods": dg.MetadataValue.json(held),
            "files": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in written) or "none"),
        }
    )


def report_monthly(context: dg.AssetExecutionContext, warehouse: Warehouse, sentra: Sentra) -> Events:
    """The monthly report (HTML and PDF, Indonesian and English) in the style of BPS's export release:
    headline figures with month-on-month, year-on-year and year-to-date changes, key points, charts,
    tables, coverage and quality notes, methodology; with its tables (CSV, XLSX) and figures.json.
    Under publish/reports/monthly/<YYYY-MM>/. Written only when what it reads changed (else kept, and the
    figures it prints reconciled with the marts again)."""
    start, end = dates.partition_bounds(context)
    written, skipped, kept, wrong, held = [], [], [], [], []
    for month in periods.periods(start, end - timedelta(days=1), "month"):
        period, release = f"{month:%Y-%m}", f"report_monthly {month:%Y-%m}"
        out = sentra.publish / "reports" / "monthly" / period
        with warehouse.connection() as con:
            if why := _held_within(con, month, month_end(month)):
                held.append(f"{period}: {why}")  # its figures are not published: the report waits with them
                continue
            data = monthly_data(con, month, context.run_id)
            if not data.exports.get("month", month_end(month)).exists:
                skipped.append(period)  # no accepted export item yet: nothing to report
                continue
            registry = (data.registered_producers, data.registered_exporters)
            fp = _fingerprint(
                "monthly",
                period,
                data.exports.digest,
                data.turnover.digest,
                fingerprint.frame(data.coverage),
                registry,
                sorted(data.quarantined.items()),
            )
            claims = _kept(out, fp)
            if claims is None:
                docs, headlines = reports.monthly_documents(data), reports.headline_figures(data)
                claims = pl.concat([data.exports.claims(release), data.turnover.claims(release)])
            else:
                kept.append(period)
            wrong += _mismatches(con, claims)
        if wrong:
            break
        if period in kept:
            continue
        paths, data_files = reports.write_monthly_report(month, docs, headlines, out)
        titles = reports.table_titles(data_files, docs)
        _write_info("monthly", period, paths, data_files, fp, claims, context.run_id, titles)
        written += paths + data_files
    if skipped:
        context.log.warning(f"no monthly report for {', '.join(skipped)}: no accepted export items")
    yield from _outcome(context, wrong, written, kept, held, skipped_months=", ".join(skipped) or "none")


def report_weekly(context: dg.AssetExecutionContext, warehouse: Warehouse, sentra: Sentra) -> Events:
    """The weekly turnover brief (HTML, Indonesian and English): the week's turnover against the week
    before, by day and by category, with coverage notes; with its tables (CSV, XLSX) and figures.json.
    Under publish/reports/weekly/<YYYY-Www>/. Written only when what it reads changed, like the monthly."""
    start, end = dates.partition_bounds(context)
    written, kept, wrong, held = [], [], [], []
    for monday in (start + timedelta(days=7 * i) for i in range((end - start).days // 7)):
        sunday = monday + timedelta(days=6)
        week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
        out = sentra.publish / "reports" / "weekly" / week
        with warehouse.connection() as con:
            if why := _held_within(con, monday, sunday, "turnover"):
                held.append(f"{week}: {why}")
                continue
            turnover = published.load(con, "turnover", monday - timedelta(days=7), sunday)
            if not turnover.days(monday, sunday):
                continue  # no accepted transaction that week: nothing to brief
            coverage = con.sql(sql("report_coverage"), params=[monday, sunday]).pl()
            counts = dict(con.execute(sql("report_quarantine_counts"), [monday, sunday]).fetchall())
            quarantined = {"transactions": counts.get("transactions", 0)}  # the brief's own subject
            fp = _fingerprint("weekly", week, turnover.digest, fingerprint.frame(coverage), sorted(quarantined.items()))
            claims = _kept(out, fp)
            if claims is None:
                as_of = datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)
                docs = reports.weekly_documents(monday, turnover, coverage, as_of, quarantined)
                headlines = reports.weekly_headline_figures(monday, turnover)
                claims = turnover.claims(f"report_weekly {monday}")
            else:
                kept.append(week)
            wrong += _mismatches(con, claims)
        if wrong:
            break
        if week in kept:
            continue
        paths, data_files = reports.write_weekly_brief(monday, docs, headlines, out)
        titles = reports.table_titles(data_files, docs)
        _write_info("weekly", week, paths, data_files, fp, claims, context.run_id, titles)
        written += paths + data_files
    yield from _outcome(context, wrong, written, kept, held)


def report_assets(s: Settings) -> list[dg.AssetsDefinition]:
    """The report assets with the settings' partitions and pools."""
    cal = partitions.calendar(s.partitions_start)

    def report_asset(fn: Callable[..., Events], grain: dg.PartitionsDefinition, kinds: set[str]) -> dg.AssetsDefinition:
        name = fn.__name__
        return dg.asset(
            group_name="reports",
            deps=["publish_cells"],
            partitions_def=grain,
            backfill_policy=partitions.single_run(),
            pool=pool(name, s),
            kinds=kinds,
            check_specs=_spec(name),
        )(fn)

    return [
        report_asset(report_monthly, cal.monthly, {"html", "pdf"}),
        report_asset(report_weekly, cal.weekly, {"html"}),
    ]
