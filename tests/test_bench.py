"""The benchmarks keep working: a small, untimed smoke run (timings belong in docs/BENCHMARKS.md)."""

import json
import subprocess
import sys


def test_quality_benchmark_smoke() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.quality.bench", "--rows", "10000", "--repeat", "1"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == 10_000 and result["expectations"] == 13
    assert set(result) >= {"gx_import_s", "validate_s_median"}
