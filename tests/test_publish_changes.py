"""Tier 2: publishing only what changed — through the real assets on the crafted case (tests/crafted.py).

A second publish with no new data writes nothing; a new day redraws the screen editions of the daily charts
and keeps their print editions (drawn once per month); a correction redraws exactly the editions whose
cells it changed; a deleted file or a new renderer is drawn again; kept outputs still reconcile with the
marts, and a kept report whose figures no longer do stops, as a new one would.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from pathlib import Path

import crafted
import dagster as dg
import duckdb
import polars as pl
import pytest
from conftest import Built, build_in_process
from helpers import ASSETS, build, ingest, instance, query, resources_now

from pipelines.core.config import settings
from pipelines.core.periods import range_tags
from pipelines.publish import reports

TIER = "pipeline"  # tests/conftest.py: the runner's tiers

PUBLISH = dg.AssetSelection.groups("publish")
DAY_CHARTS = ("daily_turnover", "daily_turnover_by_category", "daily_turnover_by_kecamatan", "kecamatan_evidence")
MONTH_CHARTS = ("monthly_export_value", "exports_by_destination")
CHARTS = DAY_CHARTS + MONTH_CHARTS
NEW_DAY = date(2024, 4, 1)


def _publish() -> dict[str, dict]:
    """Materialize the publish group; return each chart asset's metadata by chart id (and check it passed)."""
    result = dg.materialize(ASSETS, selection=PUBLISH, instance=instance(), resources=resources_now())
    assert result.success
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "reconciles_with_marts")
    assert check.passed  # the cells were reconciled with the marts on this run too
    metas = {
        e.asset_key.to_user_string().removeprefix("chart_"): {
            k: v.value for k, v in e.step_materialization_data.materialization.metadata.items()
        }
        for e in result.get_asset_materialization_events()
    }
    portal = metas["portal_index"]  # the run's summary: how many charts were drawn, how many kept
    shown = [c for c in CHARTS if metas[c]["files"]]
    drawn = [c for c in shown if metas[c]["redrawn"]]
    assert (portal["charts_redrawn"], portal["charts_kept"]) == (len(drawn), len(shown) - len(drawn))
    return {c: m for c, m in metas.items() if c in CHARTS}


def _reports(raise_on_error: bool = True) -> list[dg.ExecuteInProcessResult]:
    """The March report and the briefs of the crafted weeks (Mondays 2024-02-26 … 2024-03-25)."""
    return [
        dg.materialize(ASSETS, selection=dg.AssetSelection.assets(asset), instance=instance(),
                       resources=resources_now(), tags=range_tags(first, last, grain), raise_on_error=raise_on_error)
        for asset, first, last, grain in (("report_monthly", date(2024, 3, 1), date(2024, 3, 1), "month"),
                                          ("report_weekly", date(2024, 2, 26), date(2024, 3, 25), "week"))
    ]  # fmt: skip


def _drawn(meta: dict[str, dict]) -> dict[str, str]:
    return {chart: m["drawn"] for chart, m in meta.items() if m.get("redrawn")}


def _stamps(*parts: str) -> dict[Path, tuple[int, str]]:
    """Every file under publish/<part>: modification time (ns) and sha256."""
    root = settings().publish
    return {
        p: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for part in parts
        for p in sorted((root / part).rglob("*"))
        if p.is_file()
    }


def _chart(chart: str, *parts: str) -> Path:
    return settings().publish.joinpath("charts", chart, *parts)


def _marts_days() -> dict[date, int]:
    return dict(query("SELECT date, turnover_idr FROM marts.daily_turnover"))


def _agrees(csv: Path, marts: dict[date, int], last: date) -> None:
    """A daily turnover CSV shows every day of the marts up to `last`: the marts' value, or empty and confidential."""
    df = pl.read_csv(csv, try_parse_dates=True)
    shown = df.filter(pl.col("turnover_idr").is_not_null())
    assert dict(zip(shown["date"].to_list(), shown["turnover_idr"].to_list(), strict=True)) == {
        d: marts[d] for d in shown["date"].to_list()
    }
    assert set(df.filter(pl.col("suppressed"))["date"].to_list()) == {date(2024, 3, 6), date(2024, 3, 7)}
    assert set(df["date"].to_list()) == {d for d in marts if d <= last}


def _first_publish(data: Path) -> dict[str, dict]:
    crafted.write(data / "landing")
    ingest()
    build(str(crafted.FIRST), str(crafted.LAST))
    build("2024-02-01", "2024-03-01", "month")
    return _publish()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, instance_template: Path) -> tuple[Built, dict[str, dict]]:
    """The crafted case ingested, built and published once for the module (each test takes a copy)."""
    built, metas = build_in_process(tmp_path_factory.mktemp("published"), instance_template, _first_publish)
    return built, metas  # type: ignore[return-value]


def _setup(isolated: Path, published: tuple[Built, dict[str, dict]]) -> dict[str, dict]:
    """The test's own copy of the crafted case as first published; the first publish's chart metadata."""
    built, metas = published
    built.copy_into(isolated)
    return metas


def test_a_second_publish_redraws_nothing_and_a_deleted_file_is_drawn_again(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, published: tuple[Built, dict[str, dict]]
) -> None:
    first = _setup(isolated, published)
    assert set(first) == set(CHARTS) and all(m["redrawn"] and m["editions_kept"] == 0 for m in first.values())
    assert all(r.success for r in _reports())
    before = _stamps("charts", "reports")

    again = _publish()
    assert _drawn(again) == {} and all(m["files_written"] == 0 and m["editions_kept"] == 4 for m in again.values())
    monthly, weekly = _reports()
    assert monthly.success and weekly.success
    assert _stamps("charts", "reports") == before  # same bytes, same modification times: nothing written
    for report, kept in ((monthly, 1), (weekly, 5)):
        meta = report.get_asset_materialization_events()[0].step_materialization_data.materialization.metadata
        assert meta["kept"].value == kept
        check = report.get_asset_check_evaluations()[0]
        assert check.check_name == "figures_reconcile_with_marts" and check.passed  # reconciled again
    manifest = json.loads((settings().publish / "manifest.json").read_text())
    assert {i["id"] for i in manifest["items"] if i["kind"] == "chart"} == set(CHARTS)

    # A file deleted by hand, in latest/ or in a period's folder, is drawn again — that edition only.
    _chart("daily_turnover", "latest", "en", "daily_turnover.png").unlink()
    _chart("monthly_export_value", "2024-03", "id", "monthly_export_value.csv").unlink()
    brief = settings().publish / "reports" / "weekly" / "2024-W10" / "weekly-brief-2024-W10.en.html"
    brief.unlink()
    healed = _publish()
    assert _drawn(healed) == {"daily_turnover": "print 2024-03-31 en", "monthly_export_value": "screen 2024-03 id"}
    monthly, weekly = _reports()
    assert (
        weekly.get_asset_materialization_events()[0].step_materialization_data.materialization.metadata["kept"].value
        == 4
    )
    assert brief.exists() and _chart("daily_turnover", "latest", "en", "daily_turnover.png").exists()
    assert _chart("monthly_export_value", "latest", "id", "monthly_export_value.csv").exists()
    after = _stamps("charts", "reports")
    changed = {p.relative_to(settings().publish).as_posix() for p in after if after[p] != before.get(p)}
    assert changed == {
        "charts/daily_turnover/2024-03-31/en/daily_turnover.png", "charts/daily_turnover/latest/en/daily_turnover.png",
        "charts/daily_turnover/2024-03-31/en/daily_turnover.print.png",
        "charts/daily_turnover/latest/en/daily_turnover.print.png",
        "charts/daily_turnover/2024-03-31/en/daily_turnover.svg", "charts/daily_turnover/latest/en/daily_turnover.svg",
        "charts/daily_turnover/2024-03-31/en/daily_turnover.pdf", "charts/daily_turnover/latest/en/daily_turnover.pdf",
        "charts/daily_turnover/2024-03-31/en/daily_turnover.print.pdf",
        "charts/daily_turnover/latest/en/daily_turnover.print.pdf",
        "charts/daily_turnover/latest/metadata.json",
        *(f"charts/monthly_export_value/{folder}/id/monthly_export_value.{ext}"
          for folder in ("2024-03", "latest") for ext in ("html", "csv", "xlsx")),
        "charts/monthly_export_value/latest/metadata.json", "charts/monthly_export_value/2024-03/metadata.json",
        *(f"reports/weekly/2024-W10/{name}" for name in after_names(after, "reports/weekly/2024-W10/")),
    }  # fmt: skip

    # A new renderer (code, template, texts, library versions) draws every edition again.
    from pipelines.publish import fingerprint

    with monkeypatch.context() as m:
        m.setattr(fingerprint, "RENDERER_VERSION", "test")
        fingerprint.renderer.cache_clear()
        renewed = _publish()
    fingerprint.renderer.cache_clear()
    assert all(m["editions_drawn"] == 4 for m in renewed.values())

    # A kept report is reconciled with the marts on every run: marts changed behind the pipeline stop it
    # (kept: its documents are not built again, the figures it keeps are checked).
    con = duckdb.connect(settings().warehouse_target)
    con.execute("UPDATE marts.daily_turnover_versions SET turnover_idr = turnover_idr + 7 WHERE date = '2024-03-05'")
    con.close()

    def rebuilt(*args: object) -> None:
        raise AssertionError("a kept report was built again")

    monkeypatch.setattr(reports, "weekly_documents", rebuilt)
    weekly = _reports(raise_on_error=False)[1]
    assert not weekly.success
    check = weekly.get_asset_check_evaluations()[0]
    assert not check.passed and "report_weekly 2024-03-04" in str(check.metadata["first"].value)
    assert "marts say" in str(check.metadata["first"].value)


def after_names(stamps: dict[Path, tuple[int, str]], prefix: str) -> list[str]:
    """The names of the files under `prefix` (a report folder: every file is rewritten with its report.json)."""
    root = settings().publish
    return [p.relative_to(root).as_posix().removeprefix(prefix) for p in stamps
            if p.relative_to(root).as_posix().startswith(prefix)]  # fmt: skip


def test_a_new_day_keeps_the_print_editions_and_a_correction_redraws_what_it_changed(
    isolated: Path, write_landing, published: tuple[Built, dict[str, dict]]
) -> None:
    _setup(isolated, published)

    # A new day: only the daily charts' screen editions (HTML, CSV, XLSX) are drawn; their PNG, SVG and PDF
    # still show March, the month that closed; the export charts, whose cells did not change, are kept.
    write_landing("transactions", "t0401.csv", crafted._day(NEW_DAY), mtime=time.time())
    ingest()
    build(str(NEW_DAY), str(NEW_DAY))
    day = _publish()
    assert _drawn(day) == {c: f"screen {NEW_DAY} id, screen {NEW_DAY} en" for c in DAY_CHARTS}
    assert all(day[c]["print_period"] == "2024-03-31" for c in DAY_CHARTS)
    for chart in DAY_CHARTS:
        for ext in ("png", "print.png", "svg", "pdf", "print.pdf"):
            printed = _chart(chart, "2024-03-31", "id", f"{chart}.{ext}").read_bytes()
            assert _chart(chart, "latest", "id", f"{chart}.{ext}").read_bytes() == printed
        assert not _chart(chart, str(NEW_DAY), "id", f"{chart}.png").exists()  # no print files for the day
    _agrees(_chart("daily_turnover", "latest", "id", "daily_turnover.csv"), _marts_days(), NEW_DAY)
    item = next(i for i in json.loads((settings().publish / "manifest.json").read_text())["items"]
                if i["id"] == "daily_turnover")  # fmt: skip
    assert item["period"] == str(NEW_DAY)
    assert {f["format"]: f.get("period") for f in item["files"] if f["lang"] == "id"} == {
        "png": "2024-03-31", "png_print": "2024-03-31", "svg": "2024-03-31", "pdf": "2024-03-31",
        "pdf_print": "2024-03-31", "html": None, "csv": None, "xlsx": None,
    }  # fmt: skip
    assert "Gambar PNG, SVG dan PDF: 31 Maret 2024" in (settings().publish / "index.html").read_text()

    # A correction of a March day: the March print editions are drawn again (their cells changed); the export
    # charts stay as they were, and so does the kecamatan evidence (each kecamatan has one producer here: its
    # figures are all confidential, so what it shows did not change). Every number shown equals the marts.
    exports_before, days_before = _stamps(*(f"charts/{c}" for c in MONTH_CHARTS)), _marts_days()
    row = next(r for r in crafted._day(date(2024, 3, 12)) if r[1] == "P2")
    write_landing("transactions", "koreksi.csv", [[*row[:3], row[3] + 100_000, *row[4:]]], mtime=time.time() + 60)
    ingest()
    build("2024-03-12", "2024-03-12")
    corrected = _publish()
    assert _drawn(corrected) == {
        c: f"screen {NEW_DAY} id, screen {NEW_DAY} en, print 2024-03-31 id, print 2024-03-31 en" for c in DAY_CHARTS[:3]
    }
    assert _stamps(*(f"charts/{c}" for c in MONTH_CHARTS)) == exports_before
    marts = _marts_days()
    assert marts == {**days_before, date(2024, 3, 12): days_before[date(2024, 3, 12)] + 100_000}
    _agrees(_chart("daily_turnover", "latest", "id", "daily_turnover.csv"), marts, NEW_DAY)
    _agrees(_chart("daily_turnover", "2024-03-31", "en", "daily_turnover.csv"), marts, date(2024, 3, 31))
    screen = pl.read_csv(_chart("daily_turnover", "latest", "id", "daily_turnover.csv"), try_parse_dates=True)
    assert screen.filter(pl.col("revised_from").is_not_null())["date"].to_list() == [date(2024, 3, 12)]
    assert "Revisi: 1 angka berubah" in _chart("daily_turnover", "latest", "id", "daily_turnover.svg").read_text()
    kecamatan = json.loads(_chart("kecamatan_evidence", "latest", "metadata.json").read_text())
    assert kecamatan["editions"]["print"]["period"] == "2024-03-31" and kecamatan["confidentiality"]["suppressed_cells"]


def test_the_kecamatan_evidence_keeps_its_month_end_print_while_its_figures_hold(write_landing) -> None:
    """Its window totals exist for the current window only: the print drawn when March closed is kept while the
    figures it prints still equal the marts, and drawn for the current window once a correction changes one."""
    more = [[f"P{i}", f"UD {i}", f"12345678901{i:02d}", "Jatiasih", "", "makanan", "10792", "2020-01-01", "tidak"]
            for i in range(3, 8)]  # fmt: skip
    write_landing("producers", "p.csv", crafted.PRODUCERS[:2] + more)
    sales = [
        [f"t{i}{d}", f"P{i}", f"2025-03-{d}T10:00", 1000 * i, 1, "", "tunai"] for i in range(3, 8) for d in (30, 31)
    ]
    write_landing("transactions", "t.csv", sales)
    ingest()
    build("2025-03-30", "2025-03-31")
    _publish()
    claims = json.loads(_chart("kecamatan_evidence", "latest", "metadata.json").read_text())["editions"]["print"]
    assert claims["period"] == "2025-03-31" and [c["member"] for c in claims["claims"]] == ["Jatiasih"]

    april = [[f"u{i}", f"P{i}", "2025-04-01T10:00", 1000 * i, 1, "", "tunai"] for i in range(3, 8)]
    write_landing("transactions", "t0401.csv", april, mtime=time.time())
    ingest()
    build("2025-04-01", "2025-04-01")
    day = _publish()
    assert day["kecamatan_evidence"]["drawn"] == "screen 2025-04-01 id, screen 2025-04-01 en"
    assert day["kecamatan_evidence"]["print_period"] == "2025-03-31"

    write_landing("transactions", "koreksi.csv", [["t330", "P3", "2025-03-30T10:00", 9000, 1, "", "tunai"]],
                  mtime=time.time() + 60)  # fmt: skip
    ingest()
    build("2025-03-30", "2025-03-30")
    corrected = _publish()
    assert corrected["kecamatan_evidence"]["drawn"] == (
        "screen 2025-04-01 id, screen 2025-04-01 en, print 2025-04-01 id, print 2025-04-01 en"
    )
    shown = pl.read_csv(_chart("kecamatan_evidence", "latest", "en", "kecamatan_evidence.csv"))
    total = query("SELECT sum(turnover_idr) FROM marts.daily_turnover_by_kecamatan WHERE kecamatan = 'Jatiasih'")
    assert shown.filter(pl.col("kecamatan") == "Jatiasih")["turnover_idr"].to_list() == [total[0][0]]
    assert '"2025-04-01"' in _chart("kecamatan_evidence", "latest", "metadata.json").read_text()


def test_the_renderer_fingerprint_covers_code_templates_texts_and_libraries() -> None:
    """What decides whether a file is drawn again: the texts (both catalogues), the templates, the drawing code
    and the libraries' versions are all in the renderer's fingerprint."""
    from pipelines.publish import fingerprint

    pipelines = fingerprint.PUBLISH.parent
    names = {p.relative_to(pipelines).as_posix() for p in fingerprint.REPORT_SOURCES if p.is_relative_to(pipelines)}
    assert {"core/locale/id/LC_MESSAGES/sentra.po", "core/locale/en/LC_MESSAGES/sentra.po", "core/i18n.py",
            "publish/templates/report.html.j2", "publish/static/report.css", "publish/charts/draw.py",
            "publish/charts/save.py", "publish/reports/pdf.py"} <= names  # fmt: skip
    assert set(fingerprint.CHART_SOURCES) <= set(fingerprint.REPORT_SOURCES)
    assert all(p.is_file() for p in fingerprint.REPORT_SOURCES)
    assert {"altair", "vl-convert-python", "polars"} <= set(fingerprint._LIBRARIES)
    assert fingerprint.renderer(fingerprint.CHART_SOURCES) != fingerprint.renderer(fingerprint.REPORT_SOURCES)
