"""Every published change equals an independent recomputation from the published cells (issue 25), and the Lebaran
comparison holds on the sample, where the Lebaran dip is known.

Fourteen months of the sample (March 2024 to April 2025, across two Lebarans) go through `sentra run`. Then every
change in every data file a user downloads is recomputed here from the published values beside it: the monthly
reports' tables and figures.json, the weekly briefs' tables and figures.json, and the monthly export chart's CSV.
A change that could be computed and is missing fails too, as does a change whose flag says something else.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import Built
from independent import daily_turnover

from pipelines.core import lebaran
from pipelines.publish.formatting import round_half_up

TIER = "e2e"  # tests/conftest.py: the runner's tiers
GROUP = "fourteen_months"  # on the worker that builds conftest.fourteen_months, with tests/test_print_ready.py
SHOWN = ("published", "nil")


@pytest.fixture(scope="module")
def run(fourteen_months: Built) -> Built:
    return fourteen_months


# --- Reading what was published --------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _dec(row: dict[str, str], column: str) -> Decimal | None:
    """A published number, or None unless its flag says it is shown."""
    return Decimal(row[column]) if row.get(f"{column}_flag") in SHOWN and row[column] != "" else None


def _pct(now: Decimal | None, base: Decimal | None) -> Decimal | None:
    """The change as a user recomputes it, rounded as printed; None when it cannot be computed."""
    if now is None or base is None or base == 0:
        return None
    return round_half_up((now - base) * 100 / base, 1)


def _tables(publish: Path, kind: str) -> Iterator[tuple[str, list[dict[str, str]]]]:
    for path in sorted((publish / "reports" / kind).glob("*/*-tabel-*.csv")):
        yield path.parent.name, _rows(path)


def _figures(publish: Path, kind: str) -> dict[str, dict[str, dict]]:
    """{period folder: {key: figure}} of every report of `kind`."""
    return {
        path.parent.name: {f["key"]: f for f in json.loads(path.read_text())["figures"]}
        for path in sorted((publish / "reports" / kind).glob("*/figures.json"))
    }


def _check(where: str, row: dict[str, str], column: str, expected: Decimal | None, comparable: bool = True) -> int:
    """The published change `column` of `row` against the recomputed `expected`: equal when published, published
    whenever it can be computed and the two periods are comparable; returns 1 for each change compared."""
    flag = row[f"{column}_flag"]
    if flag == "published":
        assert expected is not None, f"{where}: {column} {row[column]} published, but it cannot be computed"
        assert Decimal(row[column]) == expected, f"{where}: {column} {row[column]} != recomputed {expected}"
        return 1
    assert row[column] == "", f"{where}: {column} has a value ({row[column]}) but is flagged {flag}"
    assert not (comparable and expected is not None), f"{where}: {column} flagged {flag}, recomputed {expected}"
    return 0


# --- The tests ---------------------------------------------------------------------------------------------------


def test_every_change_in_the_monthly_reports_equals_its_recomputation(run: Built) -> None:
    publish = run.data / "publish"
    trend: dict[date, Decimal] = {}
    checked = 0
    for month, rows in _tables(publish, "monthly"):
        columns = rows[0].keys()
        if "mtm_pct" in columns and "prev_month_idr" in columns:  # by commodity or by destination
            key = next(iter(columns))
            total = next(r for r in rows if r[key] == "Total")
            for r in rows:
                where, own = f"{month} {key} {r[key]}", r[key] not in ("lainnya", "Total")
                comparable = own or r[key] == "Total"  # what "lainnya" holds changes from month to month
                checked += _check(
                    where, r, "mtm_pct", _pct(_dec(r, "month_idr"), _dec(r, "prev_month_idr")), comparable
                )
                checked += _check(where, r, "yoy_pct", _pct(_dec(r, "month_idr"), _dec(r, "last_year_idr")), comparable)
                share = _dec(r, "month_idr"), _dec(total, "month_idr")
                expected = round_half_up(share[0] * 100 / share[1], 1) if None not in share and share[1] else None
                checked += _check(where, r, "share_pct", expected)
        elif "ctc_pct" in columns:
            for r in rows:
                now, then = _dec(r, "year_to_date_idr"), _dec(r, "last_year_idr")
                checked += _check(
                    f"{month} ytd {r['commodity']}", r, "ctc_pct", _pct(now, then), r["commodity"] != "lainnya"
                )
        elif "export_value_idr" in columns:  # the trend: gathered, then checked across every report
            for r in rows:
                value = _dec(r, "export_value_idr")  # None for the months before the sample's first
                if value is not None:
                    assert trend.setdefault(date.fromisoformat(r["month"]), value) == value, f"{month}: {r['month']}"
    for month, rows in _tables(publish, "monthly"):
        for r in (r for r in rows if "export_value_idr" in r and "month" in r):
            m = date.fromisoformat(r["month"])
            before = date(m.year - (m.month == 1), (m.month - 2) % 12 + 1, 1)
            checked += _check(f"{month} trend {m}", r, "mtm_pct", _pct(trend.get(m), trend.get(before)))
            checked += _check(
                f"{month} trend {m}", r, "yoy_pct", _pct(trend.get(m), trend.get(m.replace(year=m.year - 1)))
            )
    assert checked > 300, checked  # fourteen reports of five tables: nothing was skipped by mistake


def test_the_monthly_figures_json_changes_equal_their_recomputation(run: Built) -> None:
    figures = _figures(run.data / "publish", "monthly")
    months = sorted(figures)
    assert months[0] == "2024-03" and months[-1] == "2025-04"

    def value(month: str, key: str) -> Decimal | None:
        f = figures.get(month, {}).get(key)
        return Decimal(str(f["value"])) if f and f["status"] in SHOWN else None

    def check(month: str, key: str, expected: Decimal | None) -> None:
        f = figures[month][key]
        if f["status"] == "published":
            assert Decimal(str(f["value"])) == expected, f"{month} {key}: {f['value']} != {expected}"
        else:
            assert f["value"] is None and expected is None, f"{month} {key}: {f}, recomputed {expected}"

    for month in months:
        y, m = map(int, month.split("-"))
        prev, last_year = f"{y - (m == 1)}-{(m - 2) % 12 + 1:02d}", f"{y - 1}-{m:02d}"
        check(month, "export_mtm_change_pct", _pct(value(month, "export_value_idr"), value(prev, "export_value_idr")))
        check(
            month, "export_yoy_change_pct", _pct(value(month, "export_value_idr"), value(last_year, "export_value_idr"))
        )
        # Every day of these months has data: turnover compares whole months, by their totals.
        assert value(month, "turnover_days_with_data") == value(month, "turnover_calendar_days")
        for key, base in (("mtm", prev), ("yoy", last_year)):
            check(month, f"turnover_{key}_change_pct", _pct(value(month, "turnover_idr"), value(base, "turnover_idr")))
    assert figures["2025-04"]["export_yoy_change_pct"]["status"] == "published"  # the year-on-year is there


def test_every_change_in_the_weekly_briefs_equals_its_recomputation(run: Built) -> None:
    publish = run.data / "publish"
    days: dict[date, Decimal | None] = {}
    weeks: dict[str, dict[str, Decimal | None]] = {}
    for week, rows in _tables(publish, "weekly"):
        for r in rows:
            if "vs_same_day_last_week_pct" in r and r["date"]:
                days[date.fromisoformat(r["date"])] = _dec(r, "turnover_idr")
            elif "week_idr" in r:
                weeks.setdefault(week, {})[r["category"]] = _dec(r, "week_idr")
    checked = 0
    for week, rows in _tables(publish, "weekly"):
        for r in rows:
            if "vs_same_day_last_week_pct" in r and r["date"]:
                d = date.fromisoformat(r["date"])
                checked += _check(
                    f"{week} {d}", r, "vs_same_day_last_week_pct", _pct(days[d], days.get(d - timedelta(7)))
                )
            elif "week_idr" in r and r["category"] != "lainnya":
                where = f"{week} {r['category']}"
                checked += _check(where, r, "change_pct", _pct(_dec(r, "week_idr"), _dec(r, "previous_week_idr")))
                year, number = map(int, re.findall(r"\d+", week))
                before = date.fromisocalendar(year, number, 1) - timedelta(days=7)
                previous = weeks.get(f"{before.isocalendar()[0]}-W{before.isocalendar()[1]:02d}", {})
                whole = all(days.get(before + timedelta(days=k)) is not None for k in range(14))
                if whole and r["category"] in previous:  # two whole weeks: last week's own cell
                    assert _dec(r, "previous_week_idr") == previous[r["category"]], where
    figures = _figures(publish, "weekly")
    for week, f in figures.items():
        now, base = (
            Decimal(str(f[k]["value"])) if f[k]["value"] is not None else None
            for k in ("turnover_idr", "week_on_week_base_idr")
        )
        change = f["week_on_week_change_pct"]
        if change["status"] == "published":
            assert Decimal(str(change["value"])) == _pct(now, base), week
            checked += 1
    assert checked > 300, checked


def test_each_commodity_in_the_export_chart_has_its_own_change(run: Built) -> None:
    rows = _rows(
        run.data / "publish" / "charts" / "monthly_export_value" / "latest" / "id" / "monthly_export_value.csv"
    )
    value = {(date.fromisoformat(r["month"]), r["commodity"]): _dec(r, "export_value_idr") for r in rows}
    checked = 0
    for r in rows:
        m, c = date.fromisoformat(r["month"]), r["commodity"]
        before = date(m.year - (m.month == 1), (m.month - 2) % 12 + 1, 1)
        own = c != "lainnya"  # "lainnya" is compared only with the same composition, which its row does not show
        checked += _check(f"{m} {c}", r, "mom_change_pct", _pct(value[m, c], value.get((before, c))), own)
        checked += _check(
            f"{m} {c}", r, "yoy_change_pct", _pct(value[m, c], value.get((m.replace(year=m.year - 1), c))), own
        )
    assert checked >= 24, checked
    changes = {r["mom_change_pct"] for r in rows if r["month"] == "2025-04-01" and r["mom_change_pct"]}
    assert len(changes) > 1  # not the total's change printed on every row


def test_the_lebaran_comparison_on_the_sample_equals_the_same_days_a_lebaran_earlier(run: Built) -> None:
    """The sample closes shops around Idul Fitri (pipelines/sample/calendar.py): March 2025 holds the 2025 dip, so
    its change against March 2024 mostly measures the holiday moving. The report sets the 30 days up to Idul Fitri
    against the 30 days up to the one before, and that comparison is recomputed here from the landing files."""
    publish, landing = run.data / "publish", run.data / "landing"
    turnover = daily_turnover(landing)
    fitri, earlier = lebaran.idul_fitri(2025), lebaran.idul_fitri(2024)
    window, before = lebaran.window(fitri), lebaran.window(earlier)

    def total(first: date, last: date) -> int:
        return sum(v for d, v in turnover.items() if first <= d <= last)

    expected = round_half_up(Decimal(total(*window) - total(*before)) * 100 / total(*before), 1)
    html = (publish / "reports" / "monthly" / "2025-03" / "laporan-bulanan-2025-03.id.html").read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Idulfitri 31 Maret 2025" in text
    said = f"{'naik' if expected > 0 else 'turun'} {str(abs(expected)).replace('.', ',')} persen"
    assert said in text[text.index("hari menjelang Idulfitri (") :][:400], (said, expected)
    # The dip is in the daily figures: Idul Fitri's day is far below the month's mean.
    march = [v for d, v in turnover.items() if d.year == 2025 and d.month == 3]
    assert turnover[fitri] < 0.7 * sum(march) / len(march)
    # April 2025 names it too, and so does its daily chart.
    april = (publish / "reports" / "monthly" / "2025-04" / "laporan-bulanan-2025-04.id.html").read_text()
    assert "Idulfitri 31 Maret 2025" in april
