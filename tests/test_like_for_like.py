"""Like with like (issue 25), through `sentra run` on the crafted case cut after the Wednesday of its fourth week
(2024-03-18 … 20): the brief of that week sets its three days against the same three days of the week before, in
the text, the tables and figures.json, and nowhere against the whole week. Every change is recomputed here from
the crafted rows, apart from Sentra."""

from __future__ import annotations

import csv
import json
import os
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import crafted
import polars as pl
import pytest
from conftest import HEADERS
from test_cli import sentra

from pipelines.publish.comparison import DAYS_MISSING, NO_BASE, like_for_like, month_before, week_before, year_before
from pipelines.publish.formatting import round_half_up

TIER = "e2e"  # tests/conftest.py: the runner's tiers
MONDAY, CUT = date(2024, 3, 18), date(2024, 3, 20)  # the last week: Monday to Wednesday only
CATEGORY = {p[0]: p[5] for p in crafted.PRODUCERS}


def _sales() -> dict[tuple[date, str], int]:
    """(day, category) -> turnover, straight from the crafted rows (local dates: the rows carry +07:00)."""
    out: dict[tuple[date, str], int] = {}
    for _, producer, when, amount, *_ in crafted.transactions():
        key = (date.fromisoformat(when[:10]), CATEGORY[producer])
        out[key] = out.get(key, 0) + int(amount)
    return out


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("partial_week")
    env = {**os.environ, "SENTRA_DATA_DIR": str(root / "data"), "DAGSTER_HOME": str(root / "home")}
    (root / "home").mkdir()
    (root / "home" / "dagster.yaml").write_text((Path(__file__).parent.parent / "dagster.yaml").read_text())
    landing = root / "data" / "landing"
    crafted.write(landing)
    with (landing / "transactions" / "transactions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS["transactions"])
        w.writerows(r for r in crafted.transactions() if date.fromisoformat(r[2][:10]) <= CUT)
    done = sentra("run", "--from", str(crafted.FIRST), "--to", str(CUT), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "data" / "publish" / "reports" / "weekly" / "2024-W12"


def _pct(now: int, then: int) -> float:
    return float(round_half_up(Decimal(now - then) * 100 / Decimal(then), 1))


def test_a_three_day_week_is_set_against_the_same_three_days_only(brief: Path) -> None:
    sales = _sales()
    days = [MONDAY + timedelta(days=i) for i in range(3)]
    now = sum(v for (d, _), v in sales.items() if d in days)
    same_days = sum(v for (d, _), v in sales.items() if d + timedelta(days=7) in days)
    whole_week = sum(v for (d, _), v in sales.items() if MONDAY - timedelta(days=7) <= d < MONDAY)
    figures = {f["key"]: f for f in json.loads((brief / "figures.json").read_text())["figures"]}
    assert figures["turnover_idr"]["value"] == now
    assert figures["days_with_data"]["value"] == 3 and figures["compared_days"]["value"] == 3
    assert figures["week_on_week_base_idr"]["value"] == same_days
    assert figures["week_on_week_change_pct"]["value"] == _pct(now, same_days)

    # The category table: each category and the total against their own Monday–Wednesday a week earlier.
    table = pl.read_csv(brief / "ringkasan-mingguan-2024-W12-tabel-2.csv")
    labels = {"Makanan": "makanan", "Food": "makanan"}
    compared = 0
    for row in table.iter_rows(named=True):
        category = labels.get(row["category"])
        if row["category"] in ("Total", "Jumlah"):
            assert row["previous_week_idr"] == same_days and row["change_pct"] == _pct(now, same_days)
            compared += 1
        elif category and row["change_pct"] is not None:
            base = sum(v for (d, c), v in sales.items() if c == category and d + timedelta(days=7) in days)
            mine = sum(v for (d, c), v in sales.items() if c == category and d in days)
            assert row["previous_week_idr"] == base and row["change_pct"] == _pct(mine, base)
            compared += 1
    assert compared >= 1

    # Three days against seven appears nowhere: not in any data file, not in the text of either language.
    wrong = _pct(now, whole_week)
    for path in brief.iterdir():
        if path.suffix in (".csv", ".json", ".html"):
            text = path.read_text(encoding="utf-8")
            for shown in (f"{wrong}", f"{wrong}".replace(".", ","), f"{abs(wrong)}".replace(".", ",")):
                assert shown not in text, (path.name, shown)
    html_id = re.sub(r"<[^>]+>", " ", (brief / "ringkasan-mingguan-2024-W12.id.html").read_text())
    html_en = re.sub(r"<[^>]+>", " ", (brief / "weekly-brief-2024-W12.en.html").read_text())
    assert "3 hari yang sama pada minggu sebelumnya (11–13 Maret 2024)" in " ".join(html_id.split())
    assert "Omzet · Minggu ini Rp17,5 juta 18–24 Maret 2024" in " ".join(html_id.split())  # the card: this week
    assert "same 3 days" in " ".join(html_en.split())


def test_the_comparison_rule() -> None:
    monday = date(2026, 1, 5)
    week = [monday + timedelta(days=i) for i in range(7)]
    before = [d - timedelta(days=7) for d in week]
    whole = like_for_like(week, before, week_before, (7, 7))
    assert whole.comparable and whole.whole and whole.counterparts == tuple(before)
    three = like_for_like(week[:3], before, week_before, (7, 7))
    assert three.comparable and not three.whole and three.counterparts == tuple(before[:3])
    gap = like_for_like(week, before[:5], week_before, (7, 7))  # no data last Saturday and Sunday
    assert not gap.comparable and gap.reason == DAYS_MISSING and gap.missing == 2
    assert like_for_like(week, [], week_before, (7, 7)).reason == NO_BASE
    leap = like_for_like([date(2024, 2, 29)], [date(2023, 2, 28)], year_before, (29, 28))
    assert leap.reason == DAYS_MISSING  # 29 February has no same date a year earlier
    march, february = ([date(2025, m, d) for d in range(1, n + 1)] for m, n in ((3, 31), (2, 28)))
    months = like_for_like(march, february, month_before, (31, 28))
    assert months.comparable and months.whole  # two complete months: their totals
    assert like_for_like(march[:30], february, month_before, (31, 28)).reason == DAYS_MISSING  # 29, 30 March
