"""Tier 3: `python -m pipelines.bench.identical`, the comparison that shows a change to the rows' path changed
no result (marts, quarantine, what each file gave), on copies of a month built through `sentra run`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import Built

TIER = "e2e"  # tests/conftest.py: the runner's tiers
GROUP = "month_run"  # on the worker that builds conftest.month_run


def _identical(a: Path, b: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pipelines.bench.identical", str(a), str(b)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_two_builds_compare_identical_until_one_figure_or_reason_differs(month_run: Built, tmp_path: Path) -> None:
    built = month_run.data / "warehouse.duckdb"
    first, second = tmp_path / "first.duckdb", tmp_path / "second.duckdb"
    shutil.copyfile(built, first)
    shutil.copyfile(built, second)
    same = _identical(first, second)
    assert same.returncode == 0, same.stdout + same.stderr
    lines = same.stdout.splitlines()
    assert {line.split(":")[0] for line in lines} >= {
        "marts.daily_turnover",
        "marts.monthly_export_value_by_destination",
        "quarantine.transactions",
        "raw.files",
    }
    assert all(": identical (" in line for line in lines)

    con = duckdb.connect(str(second))
    con.execute("UPDATE marts.daily_turnover_versions SET turnover_idr = turnover_idr + 1 WHERE date = '2025-01-15'")
    con.execute("UPDATE quarantine.transactions SET reason = reason || '!' WHERE rowid = 0")
    con.close()
    differs = _identical(first, second)
    assert differs.returncode == 1
    said = dict(line.split(": ", 1) for line in differs.stdout.splitlines())
    assert said["marts.daily_turnover"].startswith("DIFFERS (31 against 31 rows; 1 only in the first, 1 only in")
    assert said["quarantine.transactions"].startswith("DIFFERS")
    assert said["raw.files"].startswith("identical")

    missing = _identical(first, tmp_path / "none.duckdb")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"identical: {tmp_path / 'none.duckdb'}: no such warehouse file"
