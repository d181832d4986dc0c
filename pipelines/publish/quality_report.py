"""The quality report of a run: an HTML page per run under `internal/quality/`, like GX Data Docs for the run.

Per asset, every check with its result per partition and sample failing rows; coverage per day; and
CSVs of the quarantined rows the run's partitions hold. `index.html` lists the runs, newest first.
Reports older than the retention (`report_retention_days`) are deleted, except those of runs that published.
They name producers and hold their rows, so they live in the internal tree, never in the public one
(the portal's quality page is a summary without rows: `pipelines.publish.quality_page`).
"""

from __future__ import annotations

import html
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from models.codes import TIMEZONE
from models.contracts import SOURCES
from pipelines.publish.files import write_atomic, write_csv
from pipelines.warehouse.connection import render, sql

STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.pass{color:#1b7a1b}.warn{color:#a66a00}.fail{color:#b00020;font-weight:bold}code{font-size:.9em}"""


def _status(passed: bool, severity: str) -> str:
    return "pass" if passed else ("warn" if severity == "WARN" else "fail")


def _table(df: pl.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in df.iter_rows()
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def run_report_path(internal: Path, run_id: str) -> Path:
    """Where the quality report of `run_id` is in the `internal` tree."""
    return internal / "quality" / "runs" / run_id / "index.html"


def write_run_report(con: duckdb.DuckDBPyConnection, run_id: str, internal: Path, retention_days: int) -> Path:
    """(Re)write the report of `run_id` from `quality.check_results` (each asset of the run adds to it); delete
    those older than `retention_days`."""
    results = con.sql(sql("report_check_results"), params=[run_id]).pl()
    out = internal / "quality" / "runs" / run_id
    parts = [f"<h1>Quality report</h1><p>Dagster run <code>{html.escape(run_id)}</code></p>"]
    fails = results.filter(~pl.col("passed") & (pl.col("severity") == "ERROR")).height
    warns = results.filter(~pl.col("passed") & (pl.col("severity") == "WARN")).height
    parts.append(
        f"<p>{results.height} results: <span class=fail>{fails} failed</span>, "
        f"<span class=warn>{warns} warnings</span></p>"
    )
    parts += _quarantine_links(con, run_id, results, out)
    for asset in results["asset"].unique(maintain_order=True):
        parts.append(f"<h2>{html.escape(asset)}</h2>")
        for check in results.filter(pl.col("asset") == asset).partition_by("check_name", maintain_order=True):
            first = check.row(0, named=True)
            status = _status(check["passed"].all(), first["severity"])
            kind = f"{first['severity']}{', blocking' if first['blocking'] else ''}"
            parts.append(
                f"<h3 class={status}>{html.escape(first['check_name'])} — {status} <small>({kind})</small></h3>"
            )
            parts.append(f"<p>Expected: {html.escape(first['expected'])}</p>")
            shown = check.filter(~pl.col("passed")) if not check["passed"].all() else check.head(5)
            parts.append(
                _table(
                    shown.select(
                        "partition",
                        pl.when(pl.col("passed")).then(pl.lit("pass")).otherwise(pl.lit("fail")).alias("result"),
                        "observed",
                    )
                )
            )
            samples = [s for raw in check.filter(~pl.col("passed"))["samples"] for s in json.loads(raw)][:20]
            if samples:
                parts.append("<p>Sample failing rows:</p>" + _table(pl.DataFrame(samples, strict=False)))
    coverage = results.filter(pl.col("check_name") == "coverage")
    if coverage.height:
        shown = coverage.select(
            "asset",
            "partition",
            pl.col("numerator").alias("reporting"),
            pl.col("denominator").alias("registered"),
            (pl.col("value") * 100).round(1).alias("share_pct"),
            (pl.col("threshold") * 100).round(1).alias("minimum_pct"),
            "observed",
        )
        parts.append("<h2>Coverage per period</h2>" + _table(shown))
    page = _page(f"Sentra quality {run_id[:8]}", "".join(parts))
    write_atomic(out / "index.html", page.encode("utf-8"))
    _prune(con, internal / "quality" / "runs", retention_days)
    _write_index(con, internal / "quality")
    return out / "index.html"


def _prune(con: duckdb.DuckDBPyConnection, runs: Path, days: int) -> None:
    """Delete the reports of runs last checked more than `days` ago, unless the run published something.

    A report whose run the warehouse does not know (a rebuilt warehouse) is dated by its folder.
    """
    if days <= 0:
        return
    cutoff = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days)
    known = {run_id: (at, published) for run_id, at, published in con.execute(sql("report_run_ages")).fetchall()}
    for folder in runs.iterdir():
        if not folder.is_dir() or folder.is_symlink():
            continue
        mtime = datetime.fromtimestamp(folder.stat().st_mtime, UTC).replace(tzinfo=None)
        at, published = known.get(folder.name, (mtime, False))
        if at < cutoff and not published:
            shutil.rmtree(folder)


def _quarantine_links(con: duckdb.DuckDBPyConnection, run_id: str, results: pl.DataFrame, out: Path) -> list[str]:
    """CSV per source of the open quarantined rows in the run's partitions or ingested by the run."""
    periods = results["partition"].drop_nulls()
    first, last = (periods.min(), periods.max()) if periods.len() else (None, None)
    links = []
    for source in SOURCES:
        query = render("report_quarantine", quarantine=f"quarantine.{source}")
        df = con.sql(query, params=[run_id, first, last]).pl()
        if df.height:
            write_csv(df, out / f"quarantine_{source}.csv")
            links.append(f'<li><a href="quarantine_{source}.csv">quarantine_{source}.csv</a> — {df.height:,} rows</li>')
    return ["<h2>Quarantine</h2><ul>" + "".join(links) + "</ul>"] if links else ["<p>No quarantined rows in scope.</p>"]


def _write_index(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    runs = [r for r in con.execute(sql("report_runs")).fetchall() if (folder / "runs" / r[0]).is_dir()]  # not pruned
    rows = "".join(
        f'<tr><td><a href="runs/{r}/index.html">{r[:8]}</a></td><td>{_wib(at)}</td>'
        f"<td class={'fail' if f else 'pass'}>{f}</td><td class={'warn' if w else 'pass'}>{w}</td>"
        f"<td>{html.escape(a)}</td></tr>"
        for r, at, f, w, a in runs
    )
    head = "<tr><th>run</th><th>checked</th><th>failed</th><th>warnings</th><th>assets</th></tr>"
    page = _page("Sentra quality", f"<h1>Quality reports</h1><table>{head}{rows}</table>")
    write_atomic(folder / "index.html", page.encode("utf-8"))


def _wib(at: datetime) -> str:
    """A stored time (UTC) as people read it: "2025-03-01 09:00 WIB"."""
    return f"{at.replace(tzinfo=UTC).astimezone(ZoneInfo(TIMEZONE)):%Y-%m-%d %H:%M} WIB"


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style><body>{body}</body></html>"
    )
