"""Tier 3: what users read equals the marts — the crafted case through `sentra run`, as a user runs it.

Every figure in the weekly brief, the monthly report (Indonesian and English) and the chart CSVs is
checked against an independent reading of the landing files (`tests/independent.py`). Disclosure is
checked on the published output itself: the one-producer day cannot be worked out from any total that is
published beside it, and the dominated category cannot be worked out from its day's total.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import crafted
import duckdb
import polars as pl
import pytest
from independent import daily_turnover, monthly_exports
from test_cli import sentra

from pipelines.publish.formatting import round_half_up, rupiah_short

TIER = "e2e"  # tests/conftest.py: the runner's tiers


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[date, int], dict]:
    import os

    root = tmp_path_factory.mktemp("crafted")
    env = {**os.environ, "SENTRA_DATA_DIR": str(root / "data"), "DAGSTER_HOME": str(root / "home")}
    (root / "home").mkdir()
    (root / "home" / "dagster.yaml").write_text((Path(__file__).parent.parent / "dagster.yaml").read_text())
    crafted.write(root / "data" / "landing")
    done = sentra("run", "--from", str(crafted.FIRST), "--to", str(crafted.LAST), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    landing = root / "data" / "landing"
    return root / "data" / "publish", daily_turnover(landing), monthly_exports(landing)


def _figures(folder: Path) -> dict[str, dict]:
    return {f["key"]: f for f in json.loads((folder / "figures.json").read_text())["figures"]}


def _text(page: Path) -> str:
    html = re.sub(r"<style>.*?</style>|data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", " ", page.read_text(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_crafted_days_are_what_the_issue_states(run: tuple) -> None:
    """Sentra's own day totals (the marts, as published in the snapshot) are the issue's figures."""
    publish, _, _ = run
    con = duckdb.connect(str(publish.parent / "internal" / "snapshot" / "sentra.duckdb"), read_only=True)
    try:
        marts = dict(con.execute("SELECT date, turnover_idr FROM marts.daily_turnover").fetchall())
    finally:
        con.close()
    assert [marts[date(2024, 3, d)] for d in (4, 5, 6)] == [4_337_500, 6_287_500, 3_687_500]


def test_daily_chart_csv_states_the_marts_or_hides(run: tuple) -> None:
    publish, days, _ = run
    csv = pl.read_csv(publish / "charts" / "daily_turnover" / "latest" / "id" / "daily_turnover.csv",
                      try_parse_dates=True)  # fmt: skip
    shown = {r["date"]: r["turnover_idr"] for r in csv.iter_rows(named=True) if r["turnover_idr"] is not None}
    assert shown and all(days[d] == v for d, v in shown.items())
    assert shown[date(2024, 3, 5)] == 6_287_500  # the largest producer holds 61 %: published
    assert shown[date(2024, 3, 4)] == 4_337_500
    # One producer on Thursday; Wednesday, the smallest other day of the week, is hidden with it.
    assert set(days) - set(shown) == {crafted.SOLO_DAY, date(2024, 3, 6)}
    hidden = set(days) - set(shown)
    assert hidden <= set(csv["date"].to_list())  # a hidden day is a row marked suppressed, not a missing day
    assert csv.filter(pl.col("date").is_in(list(hidden)))["suppressed"].all()


def test_weekly_brief_states_the_true_week_and_its_days(run: tuple) -> None:
    publish, days, _ = run
    folder = publish / "reports" / "weekly" / "2024-W10"
    monday = date(2024, 3, 4)
    week = sum(days[monday + timedelta(days=i)] for i in range(7))
    before = sum(days[monday - timedelta(days=7 - i)] for i in range(7))
    figures = _figures(folder)
    assert figures["turnover_idr"]["value"] == week  # the true total, the hidden day included
    assert figures["previous_week_turnover_idr"]["value"] == before
    change = Decimal(week - before) * 100 / Decimal(before)
    assert figures["week_on_week_change_pct"]["value"] == float(round_half_up(change, 1))
    assert figures["compared_days"]["value"] == 7 and figures["week_on_week_base_idr"]["value"] == before
    table = pl.read_csv(folder / "ringkasan-mingguan-2024-W10-tabel-1.csv", try_parse_dates=True)
    for r in table.filter(pl.col("date").is_not_null()).iter_rows(named=True):
        assert r["turnover_idr"] is None or r["turnover_idr"] == days[r["date"]]
    assert table.filter(pl.col("date") == crafted.SOLO_DAY)["turnover_idr"].to_list() == [None]
    assert table.filter(pl.col("date").is_null())["turnover_idr"].to_list() == [week]
    id_text = _text(folder / "ringkasan-mingguan-2024-W10.id.html")
    en_text = _text(folder / "weekly-brief-2024-W10.en.html")
    assert f"tercatat {rupiah_short(week, 'id')}" in id_text and rupiah_short(week, "en") in en_text
    assert "dirahasiakan" in id_text and "confidential" in en_text
    assert "tidak ada data" not in id_text.split("Tabel 1")[1].split("Tabel 2")[0]  # every day has data


def test_monthly_report_states_the_marts_in_both_languages(run: tuple) -> None:
    publish, days, months = run
    folder = publish / "reports" / "monthly" / "2024-03"
    march = sum(v for d, v in days.items() if d.month == 3)
    idr, usd, items = months[date(2024, 3, 1)]
    figures = _figures(folder)
    assert figures["turnover_idr"]["value"] == march and figures["turnover_days_with_data"]["value"] == 31
    assert figures["export_value_idr"]["value"] == float(idr) and figures["export_value_usd"]["value"] == float(usd)
    assert figures["export_items"]["value"] == items == 10 and figures["exporters"]["value"] == 4
    feb = months[date(2024, 2, 1)][0]
    assert figures["export_mtm_change_pct"]["value"] == float(round_half_up((idr - feb) / feb * 100, 1))
    for name, lang in (("laporan-bulanan-2024-03.id.html", "id"), ("monthly-report-2024-03.en.html", "en")):
        text = _text(folder / name)
        assert rupiah_short(march, lang) in text and rupiah_short(idr, lang) in text
    id_text = _text(folder / "laporan-bulanan-2024-03.id.html")
    assert "Tiongkok" in id_text and "Provinsi" not in id_text and "Cina" not in id_text
    assert "Amerika Serikat" not in id_text  # one exporter: inside "Lainnya"
    info = json.loads((folder / "report.json").read_text())
    assert "figures.json" in info["data"] and any(n.endswith(".xlsx") for n in info["data"])
    manifest = json.loads((publish / "manifest.json").read_text())
    listed = [f["path"] for i in manifest["items"] if i["id"] == "monthly" for f in i["files"]]
    assert "reports/monthly/2024-03/figures.json" in listed


def test_charts_name_countries_as_bps_does(run: tuple) -> None:
    publish, _, _ = run
    csv = (publish / "charts" / "exports_by_destination" / "latest" / "id" / "exports_by_destination.csv").read_text()
    assert "Tiongkok" in csv and "Provinsi" not in csv and "Cina" not in csv


def _recoverable(unknowns: list[date], equations: list[tuple[list[date], bool]]) -> set[date]:
    """Unknown days fixed by the published totals (each equation: its days, whether the total is published)."""
    rows = [[Fraction(int(u in ds)) for u in unknowns] for ds, published in equations if published]
    rows = [r for r in rows if any(r)]

    def rank(m: list[list[Fraction]]) -> int:
        m, r = [x[:] for x in m], 0
        for c in range(len(unknowns)):
            p = next((i for i in range(r, len(m)) if m[i][c]), None)
            if p is None:
                continue
            m[r], m[p] = m[p], m[r]
            for i in range(len(m)):
                if i != r and m[i][c]:
                    m[i] = [a - m[i][c] / m[r][c] * b for a, b in zip(m[i], m[r], strict=True)]
            r += 1
        return r

    base = rank(rows)
    return {u for i, u in enumerate(unknowns) if rank([*rows, [Fraction(int(j == i)) for j in range(len(unknowns))]])
            == base}  # fmt: skip


def test_the_one_producer_day_cannot_be_worked_out_from_weeks_months_or_the_chart(run: tuple) -> None:
    publish, days, _ = run
    csv = pl.read_csv(publish / "charts" / "daily_turnover" / "latest" / "id" / "daily_turnover.csv",
                      try_parse_dates=True)  # fmt: skip
    hidden = sorted(r["date"] for r in csv.iter_rows(named=True) if r["suppressed"])
    assert crafted.SOLO_DAY in hidden and len(hidden) >= 2  # another day hidden with it
    equations = []
    for folder in (publish / "reports" / "weekly").iterdir():
        monday = date.fromisocalendar(int(folder.name[:4]), int(folder.name[6:]), 1)
        total = _figures(folder)["turnover_idr"]
        equations.append(([monday + timedelta(days=i) for i in range(7)], total["value"] is not None))
    for folder in (publish / "reports" / "monthly").iterdir():
        first = date.fromisoformat(folder.name + "-01")
        total = _figures(folder)["turnover_idr"]
        equations.append(([d for d in days if d.replace(day=1) == first], total["value"] is not None))
    assert equations and crafted.SOLO_DAY not in _recoverable(hidden, equations)


def test_a_dominated_category_cannot_be_worked_out_from_its_weeks_total(run: tuple) -> None:
    """P1 alone sells dolls: in the weekly chart by category its week is merged into "lainnya", and the week's total
    minus every other published category gives "lainnya", never P1's sales alone."""
    publish, days, _ = run
    monday = date(2024, 3, 4)
    week = [monday + timedelta(days=i) for i in range(7)]
    csv = pl.read_csv(
        publish / "charts" / "daily_turnover_by_category" / "latest" / "id" / "daily_turnover_by_category.csv",
        try_parse_dates=True,
    ).filter(pl.col("week") == monday)
    assert "boneka" not in csv["category"].to_list()  # merged
    other = csv.filter(pl.col("category") == "lainnya")
    boneka = sum(int(r[3]) for r in crafted.transactions() if r[1] == "P1" and date.fromisoformat(r[2][:10]) in week)
    assert other["merged"].to_list() == [True] and other["turnover_idr"][0] != boneka
    rest = sum(days.get(d, 0) for d in week) - csv.filter(pl.col("category") != "lainnya")["turnover_idr"].sum()
    assert rest == other["turnover_idr"][0] != boneka


def test_monthly_export_chart_csv_states_the_marts_and_true_changes(run: tuple) -> None:
    publish, _, months = run
    csv = pl.read_csv(publish / "charts" / "monthly_export_value" / "latest" / "en" / "monthly_export_value.csv",
                      try_parse_dates=True)  # fmt: skip
    for (month,), rows in csv.group_by("month"):
        if not rows["suppressed"].any():  # every cell shown: the month adds up to the marts' total
            assert rows["export_value_idr"].sum() == pytest.approx(float(months[month][0]))
    feb, mar = months[date(2024, 2, 1)][0], months[date(2024, 3, 1)][0]
    total_change = csv.filter(pl.col("month") == date(2024, 3, 1))["month_total_mom_change_pct"].unique().to_list()
    assert total_change == [round(float((mar - feb) / feb * 100), 1)]  # on the marts' totals, whatever is hidden
    # Each commodity's own change, recomputed from the published cells (none is the total's change repeated).
    con = duckdb.connect(str(publish.parent / "warehouse.duckdb"), read_only=True)
    published = {
        (period, member): (Fraction(str(value)), tuple(sorted(holds or ())))
        for period, member, value, holds in con.execute(
            "SELECT period, member, value, holds FROM publish.cells WHERE family = 'exports' "
            "AND grid = 'month_commodity' AND value IS NOT NULL AND status <> 'merged'"
        ).fetchall()
    }
    con.close()
    checked = 0
    for row in csv.iter_rows(named=True):
        now, before = published.get((row["month"], row["commodity"])), None
        if row["month"] == date(2024, 3, 1):
            before = published.get((date(2024, 2, 1), row["commodity"]))
        same = now is not None and before is not None and now[1] == before[1] and before[0] != 0
        expected = round(float((now[0] - before[0]) / before[0] * 100), 1) if same else None
        assert row["mom_change_pct"] == expected, row
        checked += expected is not None
    assert checked  # "lainnya" holds the same commodities in both months: its own change is published
    evidence = pl.read_csv(publish / "charts" / "kecamatan_evidence" / "latest" / "id" / "kecamatan_evidence.csv")
    assert evidence["turnover_idr"].is_null().all()  # every kecamatan has one producer: hidden, counts shown
    assert evidence["producers"].sum() == len(crafted.PRODUCERS)
