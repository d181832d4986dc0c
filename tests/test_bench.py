"""The benchmarks keep working: a small, untimed smoke run (timings belong in docs/BENCHMARKS.md)."""

import json
import subprocess
import sys
from pathlib import Path

TIER = "e2e"  # tests/conftest.py: the runner's tiers


def test_quality_benchmark_smoke() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.bench.quality", "--rows", "10000", "--repeat", "1"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    from pipelines.quality import suites

    assert result["rows"] == 10_000 and result["expectations"] == len(suites.transactions_rules(1))
    assert set(result) >= {"gx_import_s", "validate_s_median"}


def test_sentra_benchmark_smoke(tmp_path: Path) -> None:
    """100k rows through `sentra bench`: the five contenders agree and the figures are written."""
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "bench", "--rows", "100000", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text())
    assert set(result) >= {"rows", "day", "sentra", "startup", "peer", "peer_startup", "floor", "write_floor", "pandas",
                           "ratios", "totals", "totals_match", "sentra_bound_s"}  # fmt: skip
    for contender in ("sentra", "peer", "floor", "write_floor", "pandas"):
        assert set(result[contender]) >= {"seconds", "rows_per_s", "peak_rss_mb"}
        assert result[contender]["peak_rss_mb"] > 0
    for startup in ("startup", "peer_startup"):
        assert result[startup]["seconds"] > 0 and result[startup]["peak_rss_mb"] > 0
    assert set(result["ratios"]) == {
        "sentra_over_floor", "sentra_excluding_startup_over_floor", "peer_over_floor",
        "peer_excluding_startup_over_floor", "pandas_over_floor", "sentra_over_peer",
        "sentra_over_peer_excluding_startup", "pandas_over_sentra", "write_floor_over_floor", "sentra_over_write_floor",
    }  # fmt: skip
    # Storing the rows costs more than reading them; the bound is twice that plus a 5 s start-up.
    assert result["write_floor"]["seconds"] > 0 and result["write_floor"]["work_s"] > 0
    assert result["sentra_bound_s"] == round(2 * result["write_floor"]["seconds"] + 5, 2)
    # The peer really ran its dbt project: every model and test passed, none skipped.
    assert result["peer"]["dbt"]["pass"] >= 30 and result["peer"]["dbt"]["error"] == result["peer"]["dbt"]["skip"] == 0
    assert result["machine"]["dbt_core"] and result["machine"]["dbt_duckdb"]
    assert result["totals_match"] is True
    assert set(result["totals_by_contender"]) == {"sentra", "peer", "floor", "write_floor", "pandas"}
    assert len(set(map(json.dumps, result["totals_by_contender"].values()))) == 1
    assert "dbt-duckdb peer (dbt build)" in done.stdout and "identical in all five" in done.stdout
    assert "Sentra within 2 × write floor + 5 s" in done.stdout
    assert sum(t["transactions"] for t in result["totals"].values()) == 100_000
    # Seconds per step, from the run's own `--timings` file: every Dagster run of `sentra run`, each timed.
    steps = result["sentra"]["steps"]
    assert {"ingest landing files", f"day {result['day']}", "publish cells, charts and the portal"} <= set(steps)
    assert all(s > 0 for s in steps.values()) and sum(steps.values()) < result["sentra"]["seconds"]


def test_peer_code_lists_are_the_contracts() -> None:
    """The dbt peer's accepted values are models.codes' lists."""
    import yaml

    from models import codes
    from pipelines.bench import peer

    project = yaml.safe_load((peer.PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    assert project["vars"] == {"categories": list(codes.CATEGORIES), "channels": list(codes.CHANNELS)}


def test_bench_without_dbt_fails_in_one_line(tmp_path: Path) -> None:
    """No dbt-core or dbt-duckdb: `sentra bench` stops before any work, with one line saying why."""
    script = """
import sys
from importlib import metadata
real = metadata.version
def version(name):
    if name.startswith("dbt-"):
        raise metadata.PackageNotFoundError(name)
    return real(name)
metadata.version = version
from pipelines.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", script, "bench", "--rows", "1000", "--out", str(out), "--json", str(tmp_path / "j")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    errors = done.stderr.strip().splitlines()
    assert errors == ["sentra: bench failed: the dbt-duckdb peer needs dbt-core and dbt-duckdb, not installed: "
                      "they are dev dependencies (pip install -r requirements.lock)"], done.stderr  # fmt: skip
    assert not out.exists() and not (tmp_path / "j").exists()


def test_peer_quarantines_with_reasons_and_loads_incrementally(tmp_path: Path) -> None:
    """The peer does the work: typed rows, a reason per broken rule, and a second file replaces its keys only."""
    from datetime import date

    import duckdb

    from pipelines.bench import contenders, peer

    day = date(2026, 1, 5)
    contenders.generate(tmp_path / "landing", 1_000, day)
    producers = tmp_path / "landing" / "producers" / "producers.csv"
    first = tmp_path / "landing" / "transactions" / contenders.FILE_NAME.format(day=day.isoformat())
    header, row2, *_ = first.read_text().splitlines()
    corrected = row2.split(",")
    corrected[header.split(",").index("amount_idr")] = "777000"
    second = tmp_path / "second.csv"
    second.write_text(
        "\n".join([
            header,
            ",".join(corrected),  # a key of the first file again: replaced, not added
            "INV-X1,BKS-9999,2026-01-06T10:00:00,1000,1,makanan,tunai",
            ",BKS-0001,2026-01-06T10:00:00,1000,1,makanan,tunai",
            "INV-X2,BKS-0001,not a date,1000,1,makanan,tunai",
            "INV-X3,BKS-0001,2026-01-06T10:00:00,-5,1,makanan,tunai",
            "INV-X4,BKS-0001,2026-01-06T10:00:00,12.5,0,sepatu,kapal",
            "INV-X5,BKS-0001,2026-01-06T10:00:00,2000,1,,tunai",
            "INV-X5,BKS-0001,2026-01-06T11:00:00,3000,1,,tunai",
        ]) + "\n"
    )  # fmt: skip
    run = tmp_path / "peer"
    for path in (first, second):
        _, counts = peer.build(path, producers, run)
        assert counts["error"] == counts["skip"] == 0
    con = duckdb.connect(str(run / "peer.duckdb"), read_only=True)
    try:
        reasons = dict(con.execute("SELECT _line, reason FROM stg.quarantine_transactions").fetchall())
        accepted = con.execute("SELECT count(*) FROM core.transactions").fetchone()[0]
        days = con.execute("SELECT date, transactions FROM marts.daily_turnover ORDER BY date").fetchall()
        x5 = con.execute("SELECT amount_idr, _line FROM core.transactions WHERE transaction_id = 'INV-X5'").fetchall()
        fixed = con.execute("SELECT amount_idr, _line FROM core.transactions WHERE transaction_id = ?", [corrected[0]])
        fixed = fixed.fetchall()
        bks1 = con.execute("SELECT category FROM stg.stg_producers WHERE producer_id = 'BKS-0001'").fetchone()[0]
        x5_category = con.execute("SELECT category FROM core.transactions WHERE transaction_id = 'INV-X5'").fetchone()
    finally:
        con.close()
    assert reasons == {
        3: "producer not in the registry",
        4: "transaction_id missing",
        5: "occurred_at unparseable",
        6: "amount_idr not positive",
        7: "amount_idr unparseable; quantity below 1; category unknown; channel unknown",
        8: "duplicate: superseded by line 9",
    }
    assert accepted == 1_000 + 1  # the day's rows (one replaced) and INV-X5
    assert days == [(day, 1_000), (date(2026, 1, 6), 1)]
    assert fixed == [(777000, 2)]
    assert x5 == [(3000, 9)] and x5_category == (bks1,)  # empty category: the producer's


def test_history_benchmark_smoke(tmp_path: Path) -> None:
    """Two days of history at 1,000 rows a day, each timed day run twice from the same state: every run's
    figures and the ratios are written."""
    out = tmp_path / "history.json"
    args = ["--rows", "1000", "--days", "2", "--repeat", "2", "--json", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.bench.history", *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text())
    assert (result["rows_per_day"], result["history_days"], result["repeat"]) == (1000, 4, 2)
    assert result["load"]["first"] < result["load"]["last"] < result["day_after_history"]["first"]
    assert result["ratio"] > 0 and result["ratio_ingest_and_day"] > 0, result
    assert {"ingest landing files", "day"} <= set(result["ratio_by_step"]), result
