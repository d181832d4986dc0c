"""Tier 2: publishing through the real assets — disclosure control, provenance, revisions, gating."""

import json
from datetime import date

import dagster as dg
import duckdb
import polars as pl
from conftest import REGISTRY
from helpers import ASSETS, DAILY, build, ingest, instance, query, resources_now

from pipelines.core.config import settings

TIER = "pipeline"  # tests/conftest.py: the runner's tiers

PUBLISH = dg.AssetSelection.groups("publish")
MORE = [
    [f"P{i}", f"UD {i}", f"12345678901{i:02d}", "Jatiasih", "", "makanan", "10792", "2020-01-01", "tidak"]
    for i in range(3, 8)
]


def _tx(tid: str, producer: str, day: str, amount: int, category: str = "") -> list:
    return [tid, producer, f"{day}T10:00", amount, 1, category, "tunai"]


def _publish() -> dg.ExecuteInProcessResult:
    return dg.materialize(ASSETS, selection=PUBLISH, instance=instance(), resources=resources_now())


def _latest(chart: str, lang: str = "id", ext: str = "csv") -> pl.DataFrame:
    return pl.read_csv(settings().publish / "charts" / chart / "latest" / lang / f"{chart}.{ext}")


def test_charts_publish_every_format_with_provenance_and_confidentiality(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY + MORE)
    rows = [_tx(f"t{i}", f"P{i}", "2025-03-01", 1000, "makanan") for i in range(3, 8)]
    rows += [_tx("b1", "P1", "2025-03-01", 500)]  # the only boneka seller that day: merged into "lainnya"
    write_landing("transactions", "t.csv", rows)
    ingest()
    build("2025-03-01", "2025-03-01")
    assert _publish().success
    # P1 alone sold boneka: merged into "lainnya", which must then take makanan too, or the day's total minus
    # makanan would give P1's sales back. So the day shows one "lainnya" cell, the true total.
    by_category = _latest("daily_turnover_by_category")
    assert by_category.select("category", "turnover_idr", "merged").rows() == [("lainnya", 5500, True)]
    by_kec = _latest("daily_turnover_by_kecamatan")  # Bekasi Barat has only P1: the same
    assert by_kec.select("kecamatan", "turnover_idr", "merged").rows() == [("lainnya", 5500, True)]
    assert _latest("daily_turnover")["turnover_idr"].to_list() == [5500]
    meta = json.loads(
        (settings().publish / "charts" / "daily_turnover_by_category" / "latest" / "metadata.json").read_text()
    )
    assert meta["title"]["en"] == "Weekly turnover by category" and meta["period"]["label"] == "2025-03-01"
    # Public provenance: per source, files, rows and one combined hash; the names stay internal.
    assert [(i["source"], i["files"], len(i["sha256"])) for i in meta["inputs"]] == [
        ("producers", 1, 64), ("transactions", 1, 64)
    ]  # fmt: skip
    assert "name" not in json.dumps(meta["inputs"])
    provenance = settings().internal / "provenance/charts/daily_turnover_by_category/2025-03-01.json"
    kept = json.loads(provenance.read_text())
    assert {i["name"] for i in kept["inputs"]} == {"p.csv", "t.csv"}
    assert kept["sha256_by_source"] == {i["source"]: i["sha256"] for i in meta["inputs"]}
    assert meta["dagster_run_id"] and meta["confidentiality"]["merged_cells"] == 1
    assert any(c["check"] == "reconciles" and c["passed"] for c in meta["checks"])
    dated = settings().publish / "charts" / "daily_turnover" / "2025-03-01" / "en" / "daily_turnover.xlsx"
    assert dated.exists() and pl.read_excel(dated, sheet_name="data").height == 1
    manifest = json.loads((settings().publish / "manifest.json").read_text())
    assert {i["id"] for i in manifest["items"]} >= {"daily_turnover", "kecamatan_evidence"}
    assert (settings().publish / "index.html").exists()


def test_a_correction_is_published_as_a_revision(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY + MORE)
    write_landing("transactions", "t.csv", [_tx(f"t{i}", f"P{i}", "2025-03-01", 1000) for i in range(3, 8)])
    ingest()
    build("2025-03-01", "2025-03-01")
    assert _publish().success
    write_landing("transactions", "koreksi.csv", [_tx("t3", "P3", "2025-03-01", 1500)])
    ingest()
    build("2025-03-01", "2025-03-01")
    assert _publish().success
    daily = _latest("daily_turnover")
    assert daily.select("turnover_idr", "revised_from").row(0) == (5500, 5000.0)
    assert query("SELECT chart_id, old_value, new_value FROM publish.revisions WHERE chart_id = 'daily_turnover'") == [
        ("daily_turnover", 5000.0, 5500.0)
    ]
    svg = (settings().publish / "charts" / "daily_turnover" / "latest" / "id" / "daily_turnover.svg").read_text()
    assert "Revisi: 1 angka berubah" in svg
    changelog = json.loads((settings().publish / "manifest.json").read_text())["changelog"]
    entry = next(e for e in changelog if e["item"] == "daily_turnover")
    assert (entry["old"], entry["new"], entry["period"]) == (5000.0, 5500.0, "2025-03-01")


def test_a_figure_that_becomes_confidential_on_revision_says_so(write_landing) -> None:
    """A correction makes one producer hold nearly all of the day: the day is hidden now, and the portal's revision
    list says "x" with why, not a bare dash. (Three days, so that what secondary suppression hides with it leaves
    a day to draw.)"""
    days = ("2025-03-01", "2025-03-02", "2025-03-03")
    write_landing("producers", "p.csv", REGISTRY + MORE)
    write_landing("transactions", "t.csv", [_tx(f"t{d}{i}", f"P{i}", d, 1000) for d in days for i in range(3, 8)])
    ingest()
    build(days[0], days[-1])
    assert _publish().success
    write_landing("transactions", "koreksi.csv", [_tx(f"t{days[0]}3", "P3", days[0], 500_000)])
    ingest()
    build(days[0], days[-1])
    assert _publish().success
    changelog = json.loads((settings().publish / "manifest.json").read_text())["changelog"]
    entry = next(e for e in changelog if e["item"] == "daily_turnover" and e["period"] == days[0])
    assert (entry["old"], entry["new"]) == (5000.0, None)
    assert entry["note_id"].startswith("Kini dirahasiakan (x)") and entry["note_en"].startswith("Now confidential")
    page = (settings().publish / "index.html").read_text()
    row = page[page.index('<tr data-item="daily_turnover">') :].split("</tr>")[0]
    assert ">x<" in row and "Kini dirahasiakan" in row


def test_a_moved_window_is_not_a_revision(write_landing) -> None:
    """Two consecutive daily runs: the 365-day totals by kecamatan move with their window; that is a new figure
    for a new window, not a revision. Only a changed value for the same period and definition is one."""
    write_landing("producers", "p.csv", REGISTRY + MORE)
    write_landing("transactions", "t.csv", [_tx(f"t{i}", f"P{i}", "2025-03-01", 1000) for i in range(3, 8)])
    ingest()
    build("2025-03-01", "2025-03-01")
    assert _publish().success
    write_landing("transactions", "t2.csv", [_tx(f"u{i}", f"P{i}", "2025-03-02", 2000) for i in range(3, 8)])
    ingest()
    build("2025-03-02", "2025-03-02")
    assert _publish().success
    assert query("SELECT count(*) FROM publish.published_cells WHERE chart_id = 'kecamatan_evidence'")[0][0] > 0
    assert query("SELECT chart_id, cell FROM publish.revisions") == []


def test_a_blocked_partition_keeps_the_published_figures_and_the_portal_says_delayed(write_landing) -> None:
    from pipelines.core.periods import range_tags
    from pipelines.quality.settings import QualitySettings

    write_landing("producers", "p.csv", REGISTRY + MORE)
    write_landing("transactions", "t.csv", [_tx(f"t{i}", f"P{i}", "2025-03-01", 1000) for i in range(3, 8)])
    ingest()
    build("2025-03-01", "2025-03-01")
    assert _publish().success
    write_landing("transactions", "koreksi.csv", [_tx("t3", "P3", "2025-03-01", 900_000)])
    ingest()
    strict = {**resources_now(), "quality": QualitySettings(amount_ceiling_idr=100_000)}
    held = dg.materialize(ASSETS, selection=DAILY,
                          instance=instance(), resources=strict, raise_on_error=False,
                          tags=range_tags(date(2025, 3, 1), date(2025, 3, 1), "day"))  # fmt: skip
    assert held.success  # the day is held, not the run
    assert _publish().success  # the charts redraw from what passed: the old figures
    assert _latest("daily_turnover")["turnover_idr"].to_list() == [5000]
    status = json.loads((settings().publish / "manifest.json").read_text())["data_status"]
    assert status["delayed"] and "1 Maret 2025" in status["message_id"]
    assert [(h["family"], h["period"]) for h in status["held"]] == [("turnover", "2025-03-01")]
    assert "Belum diterbitkan" in (settings().publish / "index.html").read_text()


def test_confidentiality_thresholds_are_configurable(write_landing) -> None:
    from pipelines.publish.settings import PublishSettings

    write_landing("producers", "p.csv", REGISTRY + MORE)
    write_landing("transactions", "t.csv", [_tx(f"t{i}", f"P{i}", "2025-03-01", 1000) for i in range(3, 8)])
    ingest()
    build("2025-03-01", "2025-03-01")
    assert _publish().success
    assert _latest("daily_turnover")["turnover_idr"].to_list() == [5000]  # 5 producers >= 3
    strict = {**resources_now(), "publishing": PublishSettings(min_producers=6)}
    assert dg.materialize(ASSETS, selection=PUBLISH, instance=instance(), resources=strict).success
    # 5 producers < 6: the only cell is confidential, so the chart is withdrawn rather than left up.
    assert not (settings().publish / "charts" / "daily_turnover" / "latest").exists()
    manifest = json.loads((settings().publish / "manifest.json").read_text())
    assert "daily_turnover" not in {i["id"] for i in manifest["items"]}


def test_a_cell_that_does_not_reconcile_stops_publication_and_keeps_previous_cells(write_landing, monkeypatch) -> None:
    from pipelines.publish import cells

    write_landing("producers", "p.csv", REGISTRY + MORE)
    write_landing("transactions", "t.csv", [_tx(f"t{i}", f"P{i}", "2025-03-01", 1000) for i in range(3, 8)])
    ingest()
    build("2025-03-01", "2025-03-01")
    assert _publish().success
    before = query("SELECT grid, period_end, member, value FROM publish.cells ORDER BY ALL")
    chart = settings().publish / "charts" / "daily_turnover" / "latest" / "id" / "daily_turnover.csv"
    printed = chart.read_bytes()

    rows = cells._cell_rows

    def off_by_one(*args: object, **kwargs: object) -> list[dict]:  # a bug in the builder: one figure wrong
        out = rows(*args, **kwargs)
        for r in out:
            if r["grid"] == "day" and r["value"] is not None:
                r["value"] += 1
        return out

    monkeypatch.setattr(cells, "_cell_rows", off_by_one)
    # The builder changed (its code is part of what a build is fingerprinted by): the cells are built again.
    con = duckdb.connect(settings().warehouse_target)
    con.execute("UPDATE publish.builds SET fingerprint = 'built by the code before this one'")
    con.close()
    result = dg.materialize(
        ASSETS, selection=PUBLISH, instance=instance(), resources=resources_now(), raise_on_error=False
    )
    assert not result.success
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "reconciles_with_marts")
    assert not check.passed and "prints 5001" in str(check.metadata["first"].value)
    assert "marts say 5000" in str(check.metadata["first"].value)
    assert query("SELECT grid, period_end, member, value FROM publish.cells ORDER BY ALL") == before
    assert chart.read_bytes() == printed  # nothing downstream ran
    assert query("SELECT outcome FROM publish.builds ORDER BY built_at DESC LIMIT 1") == [("failed",)]


def test_marts_that_disagree_with_the_accepted_rows_hold_the_family_and_the_portal_says_delayed(
    write_landing,
) -> None:
    import duckdb

    write_landing("producers", "p.csv", REGISTRY + MORE)
    write_landing("transactions", "t.csv", [_tx(f"t{i}", f"P{i}", "2025-03-01", 1000) for i in range(3, 8)])
    ingest()
    build("2025-03-01", "2025-03-01")
    assert _publish().success
    # written behind the pipeline
    con = duckdb.connect(settings().warehouse_target)
    con.execute("UPDATE marts.daily_turnover_versions SET turnover_idr = turnover_idr + 7")
    con.close()
    assert _publish().success
    assert _latest("daily_turnover")["turnover_idr"].to_list() == [5000]  # the previous, checked figures
    held = query("SELECT family, outcome, reason FROM publish.builds ORDER BY built_at DESC LIMIT 1")
    assert held[0][:2] == ("turnover", "held") and "disagree" in held[0][2] and "5007" in held[0][2]
    status = json.loads((settings().publish / "manifest.json").read_text())["data_status"]
    assert status["delayed"] and status["delayed_families"] == ["turnover"]


def test_a_report_figure_that_does_not_reconcile_stops_the_report(write_landing, monkeypatch) -> None:
    from dataclasses import replace

    from pipelines.core.periods import range_tags
    from pipelines.publish import published

    write_landing("producers", "p.csv", REGISTRY + MORE)
    days = [f"2025-03-{d:02d}" for d in range(3, 10)]
    write_landing("transactions", "t.csv", [_tx(f"t{i}{d}", f"P{i}", d, 1000 + i) for i in range(3, 8) for d in days])
    ingest()
    build(days[0], days[-1])
    assert _publish().success
    get = published.Published.get

    def inflated(self: published.Published, *args: object) -> published.Figure:  # a report that adds a rupiah
        f = get(self, *args)
        if not f.shown:
            return f
        key = next(reversed(self.used))  # what it says it printed, for the reconciliation
        self.used[key] = {**self.used[key], "value": f.value + 1}
        return replace(f, value=f.value + 1)

    monkeypatch.setattr(published.Published, "get", inflated)
    weekly = dg.materialize(ASSETS, selection=dg.AssetSelection.assets("report_weekly"), instance=instance(),
                            resources=resources_now(), raise_on_error=False,
                            tags=range_tags(date(2025, 3, 3), date(2025, 3, 3), "week"))  # fmt: skip
    assert not weekly.success
    check = next(e for e in weekly.get_asset_check_evaluations() if e.check_name == "figures_reconcile_with_marts")
    assert not check.passed and "report_weekly 2025-03-03" in str(check.metadata["first"].value)
    assert not (settings().publish / "reports" / "weekly").exists()  # nothing written
