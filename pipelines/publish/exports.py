"""Chart exports for officials: every chart, both languages, every format, with provenance.

Each chart is defined once (`CHARTS`): which published cells it shows (`pipelines.publish.cells`, where
disclosure control has already been applied and every figure reconciled with the marts), and how it is
drawn. Publishing a chart writes
`publish/charts/<id>/<period>/<lang>/<id>.{png,print.png,svg,pdf,html,csv,xlsx}` and
`publish/charts/<id>/<period>/metadata.json`, then copies that folder to `publish/charts/<id>/latest/`,
so a link in a memo keeps working while older versions stay. Figures that changed since they were last
published are recorded as revisions (old → new) and marked on the chart and in its data.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import altair as alt
import duckdb
import polars as pl

from models.codes import TIMEZONE
from pipelines.publish import breakdowns, cells, charts, disclosure, figures
from pipelines.publish.cells import Window
from pipelines.publish.files import temp_path, write_atomic
from pipelines.publish.formatting import month_label, number
from pipelines.publish.i18n import text
from pipelines.resources import sql

LANGS = ("id", "en")
FORMATS = {  # file suffix -> (format name in the manifest, content type)
    "png": ("png", "image/png"),
    "print.png": ("png_print", "image/png"),
    "svg": ("svg", "image/svg+xml"),
    "pdf": ("pdf", "application/pdf"),
    "html": ("html", "text/html"),
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class ChartDef:
    id: str
    title: dict[str, str]
    description: dict[str, str]
    unit: dict[str, str]
    grain: str  # "day" or "month": which window and period label it uses
    assets: tuple[str, ...]  # the checked assets it is built from (for its provenance)
    keys: tuple[str, ...]  # the columns that identify a published cell
    data: Callable[[duckdb.DuckDBPyConnection, Window], pl.DataFrame]  # from the published cells
    draw: Callable[[pl.DataFrame, str, datetime, str], alt.TopLevelMixin]  # data, lang, as of, title
    only_values: bool = True  # with every value confidential nothing is left to show (the evidence has counts)

    def period(self, w: Window) -> str:
        return w.last_day.isoformat() if self.grain == "day" else w.last_month.strftime("%Y-%m")


# --- Data: read from the published cells, never from the marts -------------------------------------------


def _cells(con: duckdb.DuckDBPyConnection, family: str, grid: str, first: date, last: date, value: str,
           period: str, dim: str | None = None) -> pl.DataFrame:  # fmt: skip
    """One grid's cells for a chart: merged members are inside their "lainnya" cell, not shown alone."""
    df = cells.read(con, family, grid, first, last).filter(pl.col("status") != disclosure.MERGED)
    return df.select(
        pl.col("period_end" if period == "date" else "period").alias(period),
        *([pl.col("member").alias(dim)] if dim else []),
        pl.col("value").alias(value),
        *([pl.col("usd").cast(pl.Float64).alias("export_value_usd")] if family == "exports" else []),
        (pl.col("status") == disclosure.CONFIDENTIAL).alias("suppressed"),
        pl.col("holds").is_not_null().alias("merged"),
    )


def daily_turnover_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    return _cells(con, "turnover", "day", w.first_day, w.last_day, "turnover_idr", "date").with_columns(
        pl.col("turnover_idr").cast(pl.Int64)
    )


def _daily_by(dim: str) -> Callable[[duckdb.DuckDBPyConnection, Window], pl.DataFrame]:
    def data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
        df = _cells(con, "turnover", f"day_{dim}", w.first_day, w.last_day, "turnover_idr", "date", dim)
        return df.with_columns(pl.col("turnover_idr").cast(pl.Int64))

    return data


def monthly_export_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    """Export value by month and commodity, with each month's total change on the month before and the
    same month a year earlier (percent of the marts' totals; empty unless both months are published)."""
    last = figures.month_end(w.last_month)
    data = _cells(con, "exports", "month_commodity", w.first_month, last, "export_value_idr", "month", "commodity")
    totals = cells.read(con, "exports", "month").select(pl.col("period").alias("month"), "value")
    changes = figures.changes(totals, "month", "value", {"mom_change_pct": "-1mo", "yoy_change_pct": "-1y"})
    return (
        data.with_columns(pl.col("export_value_idr").cast(pl.Float64))
        .join(changes, on="month", how="left")
        .sort("month", "commodity")
    )


def destination_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    last = figures.month_end(w.last_month)
    data = _cells(con, "exports", "window_destination", last, last, "export_value_idr", "month",
                  "destination_country")  # fmt: skip
    return data.drop("month").with_columns(
        pl.col("export_value_idr").cast(pl.Float64), pl.lit(w.first_month).alias("first_month"),
        pl.lit(w.last_month).alias("last_month"),
    )  # fmt: skip


def kecamatan_data(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    turnover = _cells(con, "turnover", "window_kecamatan", w.last_day, w.last_day, "turnover_idr", "date",
                      "kecamatan").drop("date")  # fmt: skip
    registry = con.sql(sql("chart_registry_by_kecamatan")).pl()
    return registry.join(turnover, on="kecamatan", how="left").with_columns(
        pl.col("turnover_idr").cast(pl.Int64), pl.col("suppressed").fill_null(False),
        pl.col("merged").fill_null(False), pl.lit(w.first_day).alias("first_day"), pl.lit(w.last_day).alias("last_day"),
    )  # fmt: skip


# --- The catalogue --------------------------------------------------------------------------------------


def _words(chart_id: str, part: str, **values: object) -> dict[str, str]:
    """A chart's title, description or unit in every language: catalogue entry `chart.<id>.<part>`."""
    return {lang: text(f"chart.{chart_id}.{part}", lang, **values) for lang in LANGS}


def _chart(chart_id: str, grain: str, assets: tuple[str, ...], keys: tuple[str, ...],
           data: Callable[[duckdb.DuckDBPyConnection, Window], pl.DataFrame],
           draw: Callable[[pl.DataFrame, str, datetime, str], alt.TopLevelMixin], only_values: bool = True,
           **values: object) -> ChartDef:  # fmt: skip
    """A chart definition whose words come from the catalogue; `values` fill its description."""
    return ChartDef(chart_id, _words(chart_id, "title"), _words(chart_id, "description", **values),
                    _words(chart_id, "unit"), grain, assets, keys, data, draw, only_values)  # fmt: skip


def _stacked(dim: str) -> ChartDef:
    """Daily turnover stacked by a breakdown (category or kecamatan): one definition for both charts."""
    chart_id = f"daily_turnover_by_{dim}"
    return _chart(
        chart_id, "day", ("stg_transactions", chart_id), ("date", dim),
        _daily_by(dim), lambda df, lang, as_of, title: breakdowns.stacked_area_chart(df, dim, title, lang, as_of),
    )  # fmt: skip


CHARTS: tuple[ChartDef, ...] = (
    _chart(
        "daily_turnover", "day", ("stg_transactions", "daily_turnover"), ("date",),
        daily_turnover_data, lambda df, lang, as_of, _: charts.daily_turnover_chart(df, lang, as_of),
    ),
    _stacked("category"),
    _stacked("kecamatan"),
    _chart(
        "monthly_export_value", "month", ("stg_exports", "monthly_export_value_by_commodity"),
        ("month", "commodity"), monthly_export_data,
        lambda df, lang, as_of, _: charts.monthly_export_chart(df, lang, as_of),
    ),
    _chart(
        "exports_by_destination", "month", ("stg_exports", "monthly_export_value_by_destination"),
        ("destination_country",), destination_data,
        lambda df, lang, as_of, title: breakdowns.destination_chart(df, title, lang, as_of),
        top=cells.TOP_DESTINATIONS, months=cells.MONTHLY_WINDOW_MONTHS,
    ),
    _chart(
        "kecamatan_evidence", "day", ("stg_producers", "stg_transactions"), ("kecamatan",), kecamatan_data,
        lambda df, lang, as_of, title: breakdowns.kecamatan_chart(df, title, lang, as_of), only_values=False,
    ),
)  # fmt: skip


# --- Publishing ---------------------------------------------------------------------------------------


def _cell(chart: ChartDef) -> pl.Expr:
    """A published cell's identity: its key columns as JSON."""
    return pl.struct([pl.col(k).cast(pl.String) for k in chart.keys]).struct.json_encode()


def _revisions(
    con: duckdb.DuckDBPyConnection, chart: ChartDef, data: pl.DataFrame, value: str, run_id: str
) -> pl.DataFrame:
    """Compare with what was last published; record the new values and the revisions. Returns cell, old_value."""
    cells = data.select(_cell(chart).alias("cell"), pl.col(value).cast(pl.Float64).alias("value"))
    con.register("new_cells", cells.to_arrow())
    try:
        changed = con.sql(sql("publish_revisions"), params=[chart.id]).pl()
        now = datetime.now(UTC).replace(tzinfo=None)  # published_at, revised_at: UTC, as every stored time
        con.register("changed", changed.to_arrow())
        for statement in sql("publish_record").split(";")[:2]:
            con.execute(statement, [chart.id, now, run_id])
        con.unregister("changed")
    finally:
        con.unregister("new_cells")
    return changed.filter(~pl.col("is_new")).select("cell", "old_value")


def _confidentiality(data: pl.DataFrame, rule: disclosure.Rule, lang: str) -> str | None:
    """The line a chart carries when any of its cells was merged or is confidential."""
    merged, hidden = int(data["merged"].sum()), int(data["suppressed"].sum())
    if not merged and not hidden:
        return None
    share = number(rule.max_share * 100, 0, lang)
    return text("chart.note.confidentiality", lang, merged=merged, hidden=hidden, min_producers=rule.min_producers,
                share=share)  # fmt: skip


def _notes(chart: ChartDef, data: pl.DataFrame, revised: pl.DataFrame, rule: disclosure.Rule, lang: str) -> list[str]:
    notes = []
    if line := _confidentiality(data, rule, lang):
        notes.append(line)
    if revised.height:
        notes.append(text("chart.note.revised", lang, count=revised.height))
    if chart.id == "monthly_export_value":
        notes.append(_change_line(data, lang))
    return notes


def _change_line(data: pl.DataFrame, lang: str) -> str:
    """Month-on-month and year-on-year change of the latest month's total (the marts' totals), as BPS states it."""
    last = data["month"].max()
    row = data.filter(pl.col("month") == last).row(0, named=True)

    def change(pct: float | None) -> str:
        if pct is None:
            return text("chart.note.not_available", lang)
        return f"{'+' if pct >= 0 else ''}{number(pct, 1, lang)}%"

    return text("chart.note.changes", lang, month=month_label(last, lang),
                mom=text("chart.note.mom", lang, change=change(row["mom_change_pct"])),
                yoy=text("chart.note.yoy", lang, change=change(row["yoy_change_pct"])))  # fmt: skip


def publish_chart(con: duckdb.DuckDBPyConnection, chart: ChartDef, w: Window, publish: Path, run_id: str,
                  rule: disclosure.Rule) -> dict | None:  # fmt: skip
    """Write one chart in every language and format, its metadata, and its `latest` copy; return its manifest entry."""
    data = chart.data(con, w)
    if data.is_empty():
        return None  # nothing to draw yet (e.g. no exports)
    value = next(c for c in data.columns if c in ("turnover_idr", "export_value_idr"))
    if chart.only_values and data[value].is_null().all():
        # Every cell is confidential: nothing may be shown, and an older `latest` must not stay up.
        shutil.rmtree(publish / "charts" / chart.id / "latest", ignore_errors=True)
        return None
    revised = _revisions(con, chart, data, value, run_id)
    revisions = revised.rename({"cell": "_cell", "old_value": "revised_from"})
    published = data.with_columns(_cell(chart).alias("_cell")).join(revisions, on="_cell", how="left")
    published = published.drop("_cell")
    as_of = datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)
    period = chart.period(w)
    folder = publish / "charts" / chart.id / period
    files = []
    for lang in LANGS:
        drawn = chart.draw(published, lang, as_of, chart.title[lang])
        drawn = charts.add_notes(drawn, _notes(chart, published, revised, rule, lang))
        for path in charts.save_chart(drawn, charts.chart_data(drawn), folder / lang, chart.id, lang=lang):
            suffix = path.name.removeprefix(f"{chart.id}.")
            files.append({"lang": lang, "format": FORMATS[suffix][0], "path": str(path.relative_to(publish))})
    meta = _metadata(con, chart, w, period, as_of, run_id, published, revised, rule)
    write_atomic(folder / "metadata.json", json.dumps(meta, indent=2, ensure_ascii=False, default=str).encode())
    latest = publish / "charts" / chart.id / "latest"
    _replace_folder(folder, latest)
    return {
        "kind": "chart", "id": chart.id, "title": chart.title, "description": chart.description, "period": period,
        "files": [{**f, "path": f["path"].replace(f"/{period}/", "/latest/")} for f in files],
        "metadata": f"charts/{chart.id}/latest/metadata.json", "revisions": revised.height,
    }  # fmt: skip


def _metadata(con: duckdb.DuckDBPyConnection, chart: ChartDef, w: Window, period: str, as_of: datetime, run_id: str,
              data: pl.DataFrame, revised: pl.DataFrame, rule: disclosure.Rule) -> dict:  # fmt: skip
    first, last = (w.first_day, w.last_day) if chart.grain == "day" else (w.first_month, w.last_month)
    inputs = con.execute(sql("chart_inputs"), [w.first_day, w.last_day, w.first_month, w.last_month]).fetchall()
    checks = con.execute(sql("chart_checks"), [list(chart.assets), first, last]).fetchall()
    return {
        "id": chart.id, "title": chart.title, "description": chart.description, "unit": chart.unit,
        "period": {"label": period, "first": first.isoformat(), "last": last.isoformat()},
        "generated_at": as_of.isoformat() + "+07:00", "dagster_run_id": run_id,
        "inputs": [{"source": s, "name": n, "sha256": h} for s, n, h in inputs],
        "checks": [{"asset": a, "check": c, "partitions": n, "passed": ok} for a, c, n, ok in checks],
        "confidentiality": {
            "min_producers": rule.min_producers, "max_share": rule.max_share,
            "merged_cells": int(data["merged"].sum()), "suppressed_cells": int(data["suppressed"].sum()),
            "method": "docs/DISCLOSURE.md",
        },
        "revisions": [{"cell": json.loads(c), "old": o} for c, o in revised.iter_rows()],
    }  # fmt: skip


def _replace_folder(src: Path, dst: Path) -> None:
    """Make `dst` a copy of `src`, swapping it in by rename so readers never see half a folder."""
    tmp, old = temp_path(dst), temp_path(dst)
    shutil.copytree(src, tmp)
    if dst.exists():
        dst.rename(old)
    tmp.rename(dst)
    shutil.rmtree(old, ignore_errors=True)
