"""Chart exports for officials: every chart, both languages, every format, with provenance.

Each chart is defined once (`CHARTS`): how its data is read from the warehouse and made safe to publish
(disclosure control), and how it is drawn. Publishing a chart writes
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
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import altair as alt
import duckdb
import polars as pl

from models.codes import TIMEZONE
from pipelines.publish import breakdowns, charts, disclosure
from pipelines.publish.files import write_atomic
from pipelines.resources import sql

LANGS = ("id", "en")
DAILY_WINDOW_DAYS = 365  # daily charts show the last year of data
MONTHLY_WINDOW_MONTHS = 24
TOP_DESTINATIONS = 10
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
class Window:
    first_day: date
    last_day: date
    first_month: date
    last_month: date


@dataclass(frozen=True)
class ChartDef:
    id: str
    title: dict[str, str]
    description: dict[str, str]
    unit: dict[str, str]
    grain: str  # "day" or "month": which window and period label it uses
    assets: tuple[str, ...]  # the checked assets it is built from (for its provenance)
    keys: tuple[str, ...]  # the columns that identify a published cell
    data: Callable[[duckdb.DuckDBPyConnection, Window, disclosure.Rule], pl.DataFrame]
    draw: Callable[[pl.DataFrame, str, datetime, str], alt.TopLevelMixin]  # data, lang, as of, title

    def period(self, w: Window) -> str:
        return w.last_day.isoformat() if self.grain == "day" else w.last_month.strftime("%Y-%m")


# --- Data, made safe to publish -----------------------------------------------------------------------


def _daily(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    return con.sql(sql("chart_contrib_daily"), params=[w.first_day, w.last_day]).pl()


def _monthly(con: duckdb.DuckDBPyConnection, w: Window) -> pl.DataFrame:
    return con.sql(sql("chart_contrib_monthly"), params=[w.first_month, w.last_month]).pl()


def _with_flags(cells: pl.DataFrame, value: str) -> pl.DataFrame:
    return cells.rename({"value": value}).drop("producers")


def daily_turnover_data(con: duckdb.DuckDBPyConnection, w: Window, rule: disclosure.Rule) -> pl.DataFrame:
    return _with_flags(disclosure.protect(_daily(con, w), ["date"], rule), "turnover_idr")


def _daily_by(dim: str) -> Callable[[duckdb.DuckDBPyConnection, Window, disclosure.Rule], pl.DataFrame]:
    def data(con: duckdb.DuckDBPyConnection, w: Window, rule: disclosure.Rule) -> pl.DataFrame:
        return _with_flags(disclosure.protect(_daily(con, w), ["date", dim], rule, merge_dim=dim), "turnover_idr")

    return data


def monthly_export_data(con: duckdb.DuckDBPyConnection, w: Window, rule: disclosure.Rule) -> pl.DataFrame:
    """Export value by month and commodity, with each month's total change on the month before and the
    same month a year earlier (percent; empty when that month has no data)."""
    cells = disclosure.protect(_monthly(con, w), ["month", "commodity"], rule, merge_dim="commodity")
    data = _with_flags(cells, "export_value_idr").with_columns(pl.col("export_value_idr").cast(pl.Float64))
    totals = data.group_by("month").agg(pl.col("export_value_idr").sum().alias("total"))
    earlier = {
        "mom_change_pct": pl.col("month").dt.offset_by("-1mo"),
        "yoy_change_pct": pl.col("month").dt.offset_by("-1y"),
    }
    for name, month in earlier.items():
        base = totals.select(pl.col("month").alias("_base"), pl.col("total").alias("_base_total"))
        totals = (
            totals.with_columns(month.alias("_base"))
            .join(base, on="_base", how="left")
            .with_columns(
                ((pl.col("total") - pl.col("_base_total")) / pl.col("_base_total") * 100).round(1).alias(name)
            )
            .drop("_base", "_base_total")
        )
    return data.join(totals.drop("total"), on="month", how="left").sort("month", "commodity")


def destination_data(con: duckdb.DuckDBPyConnection, w: Window, rule: disclosure.Rule) -> pl.DataFrame:
    contrib = _monthly(con, w)
    top = (
        contrib.group_by("destination_country").agg(pl.col("value").sum()).sort("value", descending=True)
        .head(TOP_DESTINATIONS)["destination_country"]
    )  # fmt: skip
    contrib = contrib.with_columns(
        pl.when(pl.col("destination_country").is_in(top.implode())).then(pl.col("destination_country"))
        .otherwise(pl.lit(disclosure.OTHER)).alias("destination_country")
    )  # fmt: skip
    cells = disclosure.protect(contrib, ["destination_country"], rule, merge_dim="destination_country")
    return _with_flags(cells, "export_value_idr").with_columns(
        pl.col("export_value_idr").cast(pl.Float64), pl.lit(w.first_month).alias("first_month"),
        pl.lit(w.last_month).alias("last_month"),
    )  # fmt: skip


def kecamatan_data(con: duckdb.DuckDBPyConnection, w: Window, rule: disclosure.Rule) -> pl.DataFrame:
    turnover = _with_flags(disclosure.protect(_daily(con, w), ["kecamatan"], rule), "turnover_idr")
    registry = con.sql(sql("chart_registry_by_kecamatan")).pl()
    return registry.join(turnover, on="kecamatan", how="left").with_columns(
        pl.col("suppressed").fill_null(False), pl.col("merged").fill_null(False),
        pl.lit(w.first_day).alias("first_day"), pl.lit(w.last_day).alias("last_day"),
    )  # fmt: skip


# --- The catalogue --------------------------------------------------------------------------------------


def _t(id_: str, en: str) -> dict[str, str]:
    return {"id": id_, "en": en}


def _stacked(dim: str, title: dict[str, str], description: dict[str, str]) -> ChartDef:
    """Daily turnover stacked by a breakdown (category or kecamatan): one definition for both charts."""
    chart_id = f"daily_turnover_by_{dim}"
    return ChartDef(
        chart_id, title, description, _t("Rupiah", "Rupiah"), "day", ("stg_transactions", chart_id), ("date", dim),
        _daily_by(dim), lambda df, lang, as_of, title: breakdowns.stacked_area_chart(df, dim, title, lang, as_of),
    )  # fmt: skip


CHARTS: tuple[ChartDef, ...] = (
    ChartDef(
        "daily_turnover", _t("Omzet harian IKM Kota Bekasi", "Daily IKM turnover, Kota Bekasi"),
        _t("Omzet harian seluruh produsen dengan rata-rata bergerak 7 hari.",
           "Daily turnover of all producers with its 7-day moving average."),
        _t("Rupiah", "Rupiah"), "day", ("stg_transactions", "daily_turnover"), ("date",),
        daily_turnover_data, lambda df, lang, as_of, _: charts.daily_turnover_chart(df, lang, as_of),
    ),
    _stacked("category", _t("Omzet harian per kategori", "Daily turnover by category"),
             _t("Omzet harian ditumpuk per kategori produk.", "Daily turnover stacked by product category.")),
    _stacked("kecamatan", _t("Omzet harian per kecamatan", "Daily turnover by kecamatan"),
             _t("Omzet harian ditumpuk per kecamatan.", "Daily turnover stacked by kecamatan.")),
    ChartDef(
        "monthly_export_value", _t("Nilai ekspor bulanan", "Monthly export value"),
        _t("Nilai ekspor (FOB) per bulan ditumpuk per komoditas, dengan perubahan bulanan dan tahunan.",
           "Export value (FOB) per month stacked by commodity, with month-on-month and year-on-year change."),
        _t("Rupiah", "Rupiah"), "month", ("stg_exports", "monthly_export_value_by_commodity"),
        ("month", "commodity"), monthly_export_data,
        lambda df, lang, as_of, _: charts.monthly_export_chart(df, lang, as_of),
    ),
    ChartDef(
        "exports_by_destination", _t("Nilai ekspor per negara tujuan", "Export value by destination"),
        _t(f"{TOP_DESTINATIONS} negara tujuan terbesar dan lainnya, {MONTHLY_WINDOW_MONTHS} bulan terakhir.",
           f"The top {TOP_DESTINATIONS} destinations and the rest, last {MONTHLY_WINDOW_MONTHS} months."),
        _t("Rupiah", "Rupiah"), "month", ("stg_exports", "monthly_export_value_by_destination"),
        ("destination_country",), destination_data,
        lambda df, lang, as_of, title: breakdowns.destination_chart(df, title, lang, as_of),
    ),
    ChartDef(
        "kecamatan_evidence", _t("Produsen, omzet dan eksportir per kecamatan",
                                 "Producers, turnover and exporters by kecamatan"),
        _t("Bahan pertimbangan lokasi sentra IKM: produsen terdaftar, omzet setahun terakhir dan eksportir.",
           "Evidence for siting a sentra IKM: registered producers, last year's turnover and exporters."),
        _t("produsen; Rupiah; eksportir", "producers; Rupiah; exporters"), "day",
        ("stg_producers", "stg_transactions"), ("kecamatan",), kecamatan_data,
        lambda df, lang, as_of, title: breakdowns.kecamatan_chart(df, title, lang, as_of),
    ),
)  # fmt: skip


# --- Publishing ---------------------------------------------------------------------------------------


def window(con: duckdb.DuckDBPyConnection) -> Window | None:
    """The last year of days and the last two years of months that the marts hold (or less, if they hold less)."""
    first_day, last_day, first_month, last_month = con.execute(sql("chart_window")).fetchall()[0]
    if last_day is None and last_month is None:
        return None
    last_day = last_day or last_month
    first_day = max(first_day or last_day, last_day - timedelta(days=DAILY_WINDOW_DAYS - 1))
    last_month = last_month or last_day.replace(day=1)
    earliest = last_month
    for _ in range(MONTHLY_WINDOW_MONTHS - 1):
        earliest = (earliest - timedelta(days=1)).replace(day=1)
    return Window(first_day, last_day, max(first_month or last_month, earliest), last_month)


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
        now = datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None)
        con.register("changed", changed.to_arrow())
        for statement in sql("publish_record").split(";")[:2]:
            con.execute(statement, [chart.id, now, run_id])
        con.unregister("changed")
    finally:
        con.unregister("new_cells")
    return changed.filter(~pl.col("is_new")).select("cell", "old_value")


def _notes(chart: ChartDef, data: pl.DataFrame, revised: pl.DataFrame, rule: disclosure.Rule, lang: str) -> list[str]:
    notes = []
    if "suppressed" in data.columns and (line := disclosure.note(data, rule, lang)):
        notes.append(line)
    if revised.height:
        notes.append(f"Revisi: {revised.height} angka berubah sejak publikasi sebelumnya" if lang == "id"
                     else f"Revised: {revised.height} figures changed since the previous publication")  # fmt: skip
    if chart.id == "monthly_export_value":
        notes.append(_change_line(data, lang))
    return notes


def _change_line(data: pl.DataFrame, lang: str) -> str:
    """Month-on-month and year-on-year change of the latest month's total, as BPS states it."""
    from pipelines.publish.formatting import month_label, number

    totals = dict(data.group_by("month").agg(pl.col("export_value_idr").sum()).iter_rows())
    last = max(totals)
    prev_month = (last - timedelta(days=1)).replace(day=1)
    year_ago = last.replace(year=last.year - 1)

    def change(other: date, words: tuple[str, str]) -> str:
        if not totals.get(other):
            return f"{words[0 if lang == 'id' else 1]}: {'tidak ada data' if lang == 'id' else 'no data'}"
        pct = (totals[last] - totals[other]) / totals[other] * 100
        return f"{words[0 if lang == 'id' else 1]}: {'+' if pct >= 0 else ''}{number(pct, 1, lang)}%"

    return f"{month_label(last, lang)} — " + ", ".join(
        [change(prev_month, ("perubahan bulanan", "month-on-month")), change(year_ago, ("tahunan", "year-on-year"))]
    )


def publish_chart(con: duckdb.DuckDBPyConnection, chart: ChartDef, w: Window, publish: Path, run_id: str,
                  rule: disclosure.Rule) -> dict | None:  # fmt: skip
    """Write one chart in every language and format, its metadata, and its `latest` copy; return its manifest entry."""
    data = chart.data(con, w, rule)
    if data.is_empty():
        return None  # nothing to draw yet (e.g. no exports)
    value = next(c for c in data.columns if c in ("turnover_idr", "export_value_idr"))
    if data[value].is_null().all():
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
            "merged_cells": int(data["merged"].sum()) if "merged" in data.columns else 0,
            "suppressed_cells": int(data["suppressed"].sum()) if "suppressed" in data.columns else 0,
        },
        "revisions": [{"cell": json.loads(c), "old": o} for c, o in revised.iter_rows()],
    }  # fmt: skip


def _replace_folder(src: Path, dst: Path) -> None:
    """Make `dst` a copy of `src`, swapping it in by rename so readers never see half a folder."""
    tmp = dst.with_name(f".{dst.name}.new")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp)
    old = dst.with_name(f".{dst.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if dst.exists():
        dst.rename(old)
    tmp.rename(dst)
    shutil.rmtree(old, ignore_errors=True)
