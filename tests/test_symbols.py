"""One symbol, one meaning (issue 25): BPS's symbols in report tables, explained under each, and the same meanings
as flags in the tables' CSV and figures.json (`pipelines.publish.symbols`)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import cellsdata
import polars as pl
import pytest
from test_reports import MARCH, _coverage, _monthly_frames, _months, _turnover, make_data, write_monthly, write_weekly

from pipelines.publish import symbols
from pipelines.publish.published import ABSENT, Figure
from pipelines.publish.symbols import Value

TIER = "pure"  # tests/conftest.py: the runner's tiers


def test_each_status_has_one_symbol_and_one_flag() -> None:
    shown = Figure(Decimal(5), None, 3, 3, "published")
    assert symbols.of(shown) == Value(Decimal(5), "published")
    assert symbols.of(Figure(Decimal(0), None, 0, 0, "published")) == Value(Decimal(0), "nil")
    assert symbols.of(Figure(None, None, 2, 1, "confidential")) == Value(None, "confidential")
    assert symbols.of(Figure(None, None, 2, 1, "confidential"), "count") == Value(2, "published")  # counts are safe
    assert symbols.of(Figure(None, None, 2, 1, "merged")) == Value(None, "merged")
    assert symbols.of(ABSENT) == Value(None, "not_available")
    texts = {f: Value(None, f).text(str) for f in ("nil", "not_available", "confidential", "merged")}
    assert texts == {"nil": "-", "not_available": "…", "confidential": "x", "merged": "¹⁾"}
    assert Value(Decimal(0), "nil").text(str) == "-"


def test_a_change_says_why_it_is_missing() -> None:
    ten, eleven = Value(Decimal(10), "published"), Value(Decimal(11), "published")
    assert symbols.change(eleven, ten) == Value(Decimal(10), "published")
    assert symbols.change(eleven, Value(Decimal(0), "nil")).flag == "not_available"  # a zero base
    assert symbols.change(eleven, Value(None, "merged")).flag == "not_available"
    assert symbols.change(Value(None, "confidential"), ten).flag == "confidential"  # would reveal the hidden end
    assert symbols.change(eleven, Value(None, "confidential")).flag == "confidential"
    assert symbols.change(Value(Decimal(0), "nil"), ten) == Value(Decimal(-100), "published")  # 0 % is a number
    assert symbols.share_of(Value(None, "confidential"), ten).flag == "confidential"


def test_the_legend_names_only_the_symbols_shown_in_bps_order() -> None:
    assert symbols.legend(["published"], "id") is None
    assert symbols.legend(["merged", "not_available", "published"], "id") == (
        'Tanda: … tidak tersedia (tidak ada data, atau perubahan tidak dapat dihitung); ¹⁾ digabung ke dalam "Lainnya".'
    )
    assert symbols.legend(["confidential", "nil"], "en") == "Symbols: - nil; x confidential."


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """March 2025 with Korea among the ten largest destinations, while in February it was merged into "Lainnya"."""
    months = _months(date(2024, 1, 1), MARCH)
    exports, commodities, destinations = _monthly_frames(months)
    korea, value = pl.col("destination_country") == "KR", pl.col("export_value_idr")
    scaled = pl.when(korea & (pl.col("month") == MARCH)).then(value * 30).when(korea).then(value / 100)
    destinations = destinations.with_columns(scaled.otherwise(value).alias("export_value_idr"))
    data = make_data()
    data = type(data)(**{**data.__dict__, "exports": cellsdata.exports(exports, commodities, destinations)})
    out = tmp_path_factory.mktemp("moved")
    write_monthly(data, out)
    return out


def test_a_member_merged_a_month_earlier_shows_the_footnote_mark_and_its_flag(moved: Path) -> None:
    html = (moved / "laporan-bulanan-2025-03.id.html").read_text()
    row = html[html.index("<td>Korea Selatan") :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells[1] == "¹⁾" and cells[2] == "¹⁾"  # a year earlier and in February: in "Lainnya"
    assert cells[6] == "…" and cells[7] == "…"  # so no change of its own
    assert "¹⁾ digabung ke dalam &#34;Lainnya&#34;" in html or '¹⁾ digabung ke dalam "Lainnya"' in html
    table = next(p for p in moved.glob("*-tabel-*.csv") if "destination" in p.read_text().splitlines()[0])
    kr = pl.read_csv(table).filter(pl.col("destination") == "KR").row(0, named=True)
    assert (kr["prev_month_idr"], kr["prev_month_idr_flag"], kr["mtm_pct_flag"]) == (None, "merged", "not_available")
    assert kr["month_idr_flag"] == "published" and isinstance(kr["month_idr"], float | int)


def test_a_confidential_day_prints_x_in_the_brief_and_is_flagged_in_its_data(tmp_path: Path) -> None:
    hidden = date(2025, 3, 12)
    days = pl.DataFrame(_turnover(date(2025, 3, 3), 14))
    turnover = cellsdata.turnover(days, hidden=frozenset({hidden, hidden - timedelta(days=7)}))
    write_weekly(date(2025, 3, 10), turnover, _coverage(date(2025, 3, 10), 7), tmp_path)
    html = (tmp_path / "ringkasan-mingguan-2025-W11.id.html").read_text()
    row = html[html.index("<td>Rabu, 12 Maret 2025") :].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells[1] == "x" and cells[-1] == "x"
    assert "x dirahasiakan" in html and "Angka yang dirahasiakan tidak ditampilkan" in html
    daily = pl.read_csv(tmp_path / "ringkasan-mingguan-2025-W11-tabel-1.csv", try_parse_dates=True)
    wednesday = daily.filter(pl.col("date") == hidden).row(0, named=True)
    assert (wednesday["turnover_idr"], wednesday["turnover_idr_flag"]) == (None, "confidential")
    assert wednesday["transactions_flag"] == "published"  # counts reveal no producer's figures
    figures = {f["key"]: f for f in json.loads((tmp_path / "figures.json").read_text())["figures"]}
    assert figures["turnover_idr"]["status"] == "published"  # the week's true total
    assert {f["status"] for f in figures.values()} <= set(symbols.FLAGS)
