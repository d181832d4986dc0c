"""The benchmarks keep working: a small, untimed smoke run (timings belong in docs/BENCHMARKS.md)."""

import json
import subprocess
import sys
from pathlib import Path


def test_quality_benchmark_smoke() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.quality.bench", "--rows", "10000", "--repeat", "1"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    from pipelines.quality import suites

    assert result["rows"] == 10_000 and result["expectations"] == len(suites.transactions_rules(1))
    assert set(result) >= {"gx_import_s", "validate_s_median"}


def test_sentra_benchmark_smoke(tmp_path: Path) -> None:
    """100k rows through `sentra bench`: the three contenders agree and the figures are written."""
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "bench", "--rows", "100000", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text())
    assert set(result) >= {"rows", "day", "sentra", "startup", "floor", "pandas", "ratios", "totals", "totals_match"}
    for contender in ("sentra", "floor", "pandas"):
        assert set(result[contender]) >= {"seconds", "rows_per_s", "peak_rss_mb"}
        assert result[contender]["peak_rss_mb"] > 0
    assert set(result["ratios"]) == {"sentra_over_floor", "sentra_excluding_startup_over_floor", "pandas_over_sentra"}
    assert result["totals_match"] is True
    assert len(set(map(json.dumps, result["totals_by_contender"].values()))) == 1
    assert sum(t["transactions"] for t in result["totals"].values()) == 100_000
    # Seconds per step, from the run's own `--timings` file: every Dagster run of `sentra run`, each timed.
    steps = result["sentra"]["steps"]
    assert {"ingest landing files", f"day {result['day']}", "publish cells, charts and the portal"} <= set(steps)
    assert all(s > 0 for s in steps.values()) and sum(steps.values()) < result["sentra"]["seconds"]
