"""`sentra status` end to end: real ingest and daily runs on the test's instance and warehouse, then the command."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
from conftest import REGISTRY
from helpers import ASSETS, instance, resources_now

from pipelines.cli.main import main
from pipelines.core.periods import range_tags
from pipelines.orchestration.jobs import daily_job, ingest_job
from pipelines.quality.settings import QualitySettings

TIER = "pipeline"  # tests/conftest.py: the runner's tiers
WAREHOUSE = False  # starts from no warehouse at all (tests/conftest.py copies an empty one otherwise)
HISTORY = True  # reads run history: the persistent Dagster instance (tests/conftest.py)

WIB = ZoneInfo("Asia/Jakarta")


def _tx(tid: str, at: str, amount: int = 1000) -> list:
    return [tid, "P1", at, amount, 1, "", "tunai"]


def _wib(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).astimezone(WIB).strftime("%Y-%m-%d %H:%M")


def _section(out: str, heading: str) -> str:
    """The lines from the one starting with `heading` to the next blank line."""
    return out[out.index(f"\n{heading}") + 1 :].split("\n\n")[0]


def _row(out: str, first: str) -> list[str]:
    """The columns of the one output line that starts with `first` (columns are two or more spaces apart)."""
    [line] = [ln for ln in out.splitlines() if ln.startswith(f"{first} ")]
    return re.split(r"\s{2,}", line.strip())


def _status(data: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["status", "--data-dir", str(data)]) == 0
    return capsys.readouterr().out


def test_status_shows_runs_freshness_held_periods_and_rejected_files(write_landing, isolated, capsys) -> None:
    now = time.time()
    write_landing("producers", "p.csv", REGISTRY, mtime=now - 40 * 86400)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00", 1900), _tx("b", "2025-03-01T11:00", 1100)],
                  mtime=now - 7200)  # fmt: skip
    # This test's settings (its own data folder), not those the module-level definitions were built with.
    here = dg.Definitions(assets=ASSETS, jobs=[ingest_job, daily_job], resources=resources_now())
    ingest = here.resolve_job_def("ingest_job")
    assert ingest.execute_in_process(instance=instance()).success
    tags = range_tags(date(2025, 3, 1), date(2025, 3, 1), "day")
    assert here.resolve_job_def("daily_job").execute_in_process(instance=instance(), tags=tags).success

    # A correction that a lowered ceiling blocks, and a file missing columns, in the last ingest.
    write_landing("transactions", "t2.csv", [_tx("b", "2025-03-01T11:00", 5000)], mtime=now - 3600)
    write_landing("transactions", "bad.csv", [["x", "P1", "5"]], header=["transaction_id", "producer_id", "amount_idr"],
                  mtime=now - 5000)  # fmt: skip
    last_ingest = ingest.execute_in_process(instance=instance())
    assert last_ingest.success
    strict_quality = {**resources_now(), "quality": QualitySettings(amount_ceiling_idr=1000)}
    strict = dg.Definitions(assets=ASSETS, jobs=[daily_job], resources=strict_quality)
    held = strict.resolve_job_def("daily_job").execute_in_process(instance=instance(), tags=tags,
                                                                  raise_on_error=False)  # fmt: skip
    assert held.success  # the day is held by the publication gate, the run goes on
    failing = [e for e in held.get_asset_check_evaluations() if not e.passed and e.blocking]
    # the staged day fails its amount check; its marts, built from the previous staging, fail to reconcile
    [check] = [e for e in failing if e.asset_key == dg.AssetKey("stg_transactions")]

    out = _status(isolated, capsys)
    assert out.startswith("sentra status at ") and "alerts: off" in out
    ingested, daily = _row(out, "ingest_job"), _row(out, "daily_job")
    assert (ingested[1], ingested[-1]) == ("SUCCESS", last_ingest.run_id[:8])
    assert ingested[2] == _wib(instance().get_run_record_by_id(last_ingest.run_id).start_time)
    assert (daily[1], daily[-1]) == ("SUCCESS", held.run_id[:8])
    assert _row(out, "publish_job") == ["publish_job", "never"]

    fresh = _section(out, "Freshness per source")
    transactions = _row(fresh, "transactions")
    assert transactions[:3] == ["transactions", "t2.csv", _wib(now - 3600)]
    assert transactions[-2:] == ["daily by 05:00 WIB", "ok"]
    record = instance().get_run_record_by_id(last_ingest.run_id)
    assert _wib(record.start_time) <= transactions[4] <= _wib(record.end_time)  # the last ingest took t2.csv in
    producers = _row(fresh, "producers")
    assert producers[:3] == ["producers", "p.csv", _wib(now - 40 * 86400)]
    assert producers[-2:] == ["no deadline", "—"]
    fx_rates, exports = _row(fresh, "fx_rates"), _row(fresh, "exports")
    assert fx_rates[:5] == ["fx_rates", "none", "—", "—", "never"] and fx_rates[-1].startswith("LATE (due ")
    assert exports[-2] == "monthly by day 4 00:00 WIB" and exports[-1].startswith("LATE (due ")

    assert "Periods held, not published: 1 (previous figures kept; docs/CHECKS.md)" in out
    observed = check.metadata["observed"].value  # one partition: the run's observation is the partition's
    assert _row(out, "2025-03-01") == ["2025-03-01", "turnover", f"stg_transactions {check.check_name}: {observed}"]
    assert "Other blocking checks failing" not in out

    assert f"Files rejected since the last ingest run (run {last_ingest.run_id[:8]}, " in out
    rejected = _row(_section(out, "Files rejected since"), "transactions")
    assert rejected[:2] == ["transactions", "bad.csv"] and rejected[2].startswith("missing column(s) occurred_at")
    assert f"1 rejected file(s) in all wait in {isolated / 'landing' / 'rejected'}/" in out


def test_status_before_anything_ran_says_so(isolated, capsys) -> None:
    out = _status(isolated, capsys)
    assert "nothing has run yet" in out and "Last run per job" not in out
    assert _row(out, "transactions")[:6] == ["transactions", "none", "—", "—", "never", "daily by 05:00 WIB"]


def test_status_while_a_step_holds_the_warehouse_shows_what_dagster_knows(isolated, capsys) -> None:
    warehouse = isolated / "warehouse.duckdb"
    holder = subprocess.Popen(  # another process writing, as a pipeline step does
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(warehouse)!r}); print('open', "
         "flush=True); sys.stdin.read()"],  # fmt: skip
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        out = _status(isolated, capsys)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert f"warehouse {warehouse} is locked by a running step: showing what Dagster knows" in out
    assert _row(out, "ingest_job") == ["ingest_job", "never"] and "Freshness per source" in out
    assert "Periods held" not in out
