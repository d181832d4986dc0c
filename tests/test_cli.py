"""Tier 3: the `sentra` command end to end, as a user runs it, checked against independent totals."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from browser import chromium, collect_errors, need_chromium, offline
from conftest import Built, build_once
from independent import daily_turnover, monthly_exports

from pipelines.publish.portal.serve import CONTENT_TYPES, make_server
from pipelines.warehouse.sqlfiles import sql

TIER = "e2e"  # tests/conftest.py: the runner's tiers

START, END = "2025-03-24", "2025-04-06"  # across Lebaran 2025 and a month boundary


def sentra(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("sentra")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env or os.environ.copy(), timeout=600)


@pytest.fixture(scope="module")
def sampled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample landing folder, written once for the module."""
    landing = tmp_path_factory.mktemp("cli_sample") / "landing"
    done = sentra("sample", "--out", str(landing), "--from", START, "--to", END, "--producers", "40",
                  "--seed", "7", "--dirty-rate", "0.05")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return landing


@pytest.fixture(scope="module")
def first_run(sampled: Path, tmp_path_factory: pytest.TempPathFactory, instance_template: Path) -> Built:
    """`sentra run` over the sample, once for the module (its output and `--timings` kept): what most tests here
    start from, each on its own copy (`Built.copy_into`)."""
    root = tmp_path_factory.mktemp("cli_run")
    timings = ["--timings", str(root / "timings.json")]
    return build_once(root, instance_template, sampled, ["run", "--from", START, "--to", END, *timings])


@pytest.fixture
def sample(isolated: Path, sampled: Path) -> Path:
    """The test's own copy of the sample landing folder, nothing run yet."""
    landing = isolated / "landing"
    shutil.rmtree(landing)
    shutil.copytree(sampled, landing)
    return landing


@pytest.fixture
def ran(isolated: Path, first_run: Built, sampled: Path) -> Path:
    """The test's own copy of the data folder and Dagster instance after the first run; returns the landing."""
    first_run.copy_into(isolated)
    return isolated / "landing"


def _marts(warehouse: Path) -> tuple[dict, dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        days = dict(con.execute("SELECT date, turnover_idr FROM marts.daily_turnover").fetchall())
        sql = "SELECT month, export_value_idr, export_value_usd, items FROM marts.monthly_export_value"
        months = {m: (i, u, n) for m, i, u, n in con.execute(sql).fetchall()}
    finally:
        con.close()
    return days, months


def test_sample_then_run_matches_independent_totals(ran: Path, first_run: Built, isolated: Path) -> None:
    sample = ran
    assert "quarantined" in first_run.output and "Traceback" not in first_run.output
    _timings_match_the_runs(first_run.data.parent / "timings.json", first_run.output, exit_code=0)
    days, months = _marts(isolated / "warehouse.duckdb")

    expected_days = daily_turnover(sample)
    # Every day the files have, in and around the range (late "Z" rows can land on the day before).
    assert days == {d: v for d, v in expected_days.items() if d in days}
    assert {d for d in expected_days if date.fromisoformat(START) <= d <= date.fromisoformat(END)} <= set(days)
    assert months == monthly_exports(sample)
    assert set(months) == {date(2025, 3, 1), date(2025, 4, 1)}

    charts = isolated / "publish" / "charts"
    for stem in ("daily_turnover", "daily_turnover_by_category", "daily_turnover_by_kecamatan",
                 "monthly_export_value", "exports_by_destination", "kecamatan_evidence"):  # fmt: skip
        assert (charts / stem / "latest" / "metadata.json").exists()
        for lang in ("id", "en"):
            for ext in ("png", "print.png", "svg", "pdf", "html", "csv", "xlsx"):
                assert (charts / stem / "latest" / lang / f"{stem}.{ext}").stat().st_size > 0
    index = (isolated / "publish" / "index.html").read_text()
    assert "charts/monthly_export_value/latest/id/monthly_export_value.png" in index
    for name in ("laporan-bulanan-2025-03.id.html", "laporan-bulanan-2025-03.id.pdf", "monthly-report-2025-03.en.pdf"):
        assert (isolated / "publish" / "reports" / "monthly" / "2025-03" / name).stat().st_size > 0
        assert f"reports/monthly/2025-03/{name}" in index or "2025-03" in index
    assert (isolated / "publish" / "reports" / "weekly" / "2025-W13" / "weekly-brief-2025-W13.en.html").exists()
    assert "reports/monthly/2025-04/laporan-bulanan-2025-04.id.pdf" in index  # the latest report

    # Lebaran in view: Idul Fitri 2025 (31 March) is named in the April report, the week's brief and the charts.
    april = (isolated / "publish" / "reports" / "monthly" / "2025-04" / "laporan-bulanan-2025-04.id.html").read_text()
    assert "masa Lebaran (Idulfitri 31 Maret 2025" in april
    # The sample's dirty rows of March still in quarantine are named in its quality note, counted from quarantine.
    con = duckdb.connect(str(isolated / "warehouse.duckdb"), read_only=True)
    held = [con.execute(f"SELECT count(*) FROM quarantine.{source} WHERE resolved_file_id IS NULL "  # noqa: S608
                        "AND partition_date BETWEEN '2025-03-01' AND '2025-03-31'").fetchone()[0]
            for source in ("transactions", "exports")]  # fmt: skip
    con.close()
    march_id = (
        isolated / "publish" / "reports" / "monthly" / "2025-03" / "laporan-bulanan-2025-03.id.html"
    ).read_text()
    assert held[0] and f"Namun {held[0]} transaksi dan {held[1]} item PEB" in " ".join(
        re.sub("<[^>]+>", " ", march_id).split()
    )
    w14 = isolated / "publish" / "reports" / "weekly" / "2025-W14" / "weekly-brief-2025-W14.en.html"
    assert "Lebaran period (Idul Fitri on 31 March 2025" in w14.read_text()
    assert "Idulfitri 31 Maret 2025" in (charts / "daily_turnover" / "latest" / "id" / "daily_turnover.svg").read_text()
    assert "Idul Fitri" in (charts / "monthly_export_value" / "latest" / "en" / "monthly_export_value.svg").read_text()
    march = (isolated / "publish" / "reports" / "monthly" / "2025-03" / "monthly-report-2025-03.en.html").read_text()
    assert "No comparison with the same days up to Idul Fitri 2024" in " ".join(re.sub("<[^>]+>", " ", march).split())

    exports_csv = pl.read_csv(charts / "monthly_export_value" / "latest" / "en" / "monthly_export_value.csv")
    totals = dict(exports_csv.group_by("month").agg(pl.col("export_value_idr").sum()).iter_rows())
    change = round((totals["2025-04-01"] - totals["2025-03-01"]) / totals["2025-03-01"] * 100, 1)
    assert set(exports_csv.filter(pl.col("month") == "2025-04-01")["month_total_mom_change_pct"]) == {change}
    assert exports_csv["yoy_change_pct"].is_null().all()  # no 2024 data: no year-on-year change
    rows = exports_csv.filter(~pl.col("merged"))  # "lainnya" holding merged members: tests/test_published_figures
    mar, apr = (dict(rows.filter(pl.col("month") == m).select("commodity", "export_value_idr").iter_rows())
                for m in ("2025-03-01", "2025-04-01"))  # fmt: skip
    own = dict(rows.filter(pl.col("month") == "2025-04-01").select("commodity", "mom_change_pct").iter_rows())
    for commodity, value in apr.items():  # each commodity against itself, not the total
        base = mar.get(commodity)
        assert own[commodity] == (round((value - base) / base * 100, 1) if value is not None and base else None)

    # Running again is safe: nothing new is ingested and the marts do not change.
    again = sentra("run", "--from", START, "--to", END)
    assert again.returncode == 0, again.stderr
    assert "0 new" in again.stdout
    assert _marts(isolated / "warehouse.duckdb") == (days, months)

    # The runs are in the Dagster instance, for the UI.
    runs = list((Path(os.environ["DAGSTER_HOME"]) / "history" / "runs").glob("*.db"))
    assert len(runs) >= 8

    # Last, as it is the only part that needs Chromium (skips without it; fails under CI=true): the portal
    # the second run left works in a real browser.
    _portal_works_in_a_browser(isolated / "publish")


def test_a_bad_file_is_named_moved_aside_and_the_rest_go_on(sample: Path, isolated: Path) -> None:
    bad = sample / "transactions" / "kiriman 'rusak'.csv"
    bad.write_text("transaction_id,producer_id,amount_idr\nx,BKS-0001,5\n")
    done = sentra("run", "--from", START, "--to", END)
    assert done.returncode == 3
    assert "kiriman 'rusak'.csv: missing column(s) occurred_at, quantity, channel" in done.stdout
    moved = sample / "rejected" / "transactions" / bad.name
    assert not bad.exists() and moved.read_bytes().startswith(b"transaction_id")
    error = (moved.parent / f"{bad.name}.error.txt").read_text()
    assert "missing column(s) occurred_at" in error and f"put it back in {bad.parent}/" in error
    assert f"moved to {sample / 'rejected'}" in done.stdout
    con = duckdb.connect(str(isolated / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT name, moved_to FROM raw.rejected_files").fetchall() == [(bad.name, str(moved))]
    assert con.execute("SELECT count(*) > 0 FROM marts.daily_turnover").fetchall() == [(True,)]
    con.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--from", "2025-02-30", "--to", "2025-03-01"], "'2025-02-30' is not a date"),
        (["run", "--from", "2025-03-05", "--to", "2025-03-01"], "--from 2025-03-05 is after --to 2025-03-01"),
        (["run", "--from", "2025-03-01", "--to", "2999-01-01"], "--to 2999-01-01 is not a complete day yet"),
        (["run", "--from", "2019-03-01", "--to", "2019-03-02"], "before the first partition"),
        (["sample", "--out", "x", "--from", "2025-03-05", "--to", "2025-03-01"], "start"),
        (["status", "--data-dir", "/nonexistent/data"], "/nonexistent/data: no such data folder"),
        (["quality", "--from", "2025-03-01", "--to", "2025-03-02", "--data-dir", "/nonexistent/data"], "no such data"),
    ],
)
def test_user_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    done = sentra(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 3


def test_an_unknown_language_is_one_line_before_anything_runs() -> None:
    done = sentra("check", "nothing.csv", env={**os.environ, "SENTRA_LANG": "fr"})
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "sentra: error: SENTRA_LANG: unknown language 'fr'; supported: id, en"
    ], done.stderr


def test_the_cli_and_what_it_runs_do_not_import_each_other() -> None:
    """Exit codes and UserError live in pipelines.errors: `run` and `benchmark` never import the CLI, and the CLI
    imports them only for the command that needs them (each checked in a fresh interpreter)."""
    ours = ("pipelines.cli.main", "pipelines.cli.run", "pipelines.bench.contenders")
    code = "import importlib, sys\nimportlib.import_module(sys.argv[1])\n"
    code += f"print(*sorted(set({ours}) & set(sys.modules)))"
    for module in ours:
        done = subprocess.run([sys.executable, "-c", code, module], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == [module], f"importing {module} also imported {done.stdout}"


def test_empty_landing_and_empty_range_are_explained(sample: Path) -> None:
    done = sentra("run", "--from", "2024-01-01", "--to", "2024-01-31")
    assert done.returncode == 2
    assert "no landing file has a transaction or export dated 2024-01-01 … 2024-01-31" in done.stderr
    empty = sentra("run", "--from", START, "--to", END, "--data-dir", str(sample.parent / "nothing"))
    assert empty.returncode == 2 and "no landing files" in empty.stderr


def test_two_runs_at_once_queue_on_the_warehouse(sample: Path, isolated: Path) -> None:
    exe = str(Path(sys.executable).with_name("sentra"))
    runs = [
        subprocess.Popen(
            [exe, "run", "--from", START, "--to", END], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=600)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    assert not any("lock" in out.lower() for out in outputs)
    days = _marts(isolated / "warehouse.duckdb")[0]
    assert days == {d: v for d, v in daily_turnover(sample).items() if d in days}


def test_a_blocking_failure_holds_the_day_and_every_view_says_so(ran: Path, isolated: Path) -> None:
    csv = isolated / "publish/charts/daily_turnover/latest/en/daily_turnover.csv"
    figures = csv.read_text(encoding="utf-8")
    before = _marts(isolated / "warehouse.duckdb")
    # A wrong figure slips into the raw layer (say, a manual edit): the staged check must stop it.
    con = duckdb.connect(str(isolated / "warehouse.duckdb"))
    con.execute("UPDATE raw.transactions SET amount_idr = 9000000000 WHERE _is_current AND local_date = ? "
                "AND transaction_id = (SELECT min(transaction_id) FROM raw.transactions WHERE local_date = ?)",
                [date.fromisoformat(START), date.fromisoformat(START)])  # fmt: skip
    con.close()
    done = sentra("run", "--from", START, "--to", END, "--timings", str(isolated / "timings.json"))
    assert done.returncode == 4, done.stdout + done.stderr  # held, the rest of the range built and published
    assert f"held: {START} (turnover): stg_transactions amount_under_ceiling: 1 of " in done.stdout
    steps = _timings_match_the_runs(isolated / "timings.json", done.stdout, exit_code=4)
    assert all(s["ok"] for s in steps) and steps[-1]["job"] == "portal_job"
    assert _marts(isolated / "warehouse.duckdb") == before  # the day's previous figures
    assert csv.read_text(encoding="utf-8") == figures  # the chart's data too (its note now names the day)
    quality = sentra("quality", "--from", START, "--to", END)
    assert quality.returncode == 1
    assert "amount_under_ceiling" in quality.stdout and "fail" in quality.stdout
    assert f"{START} (turnover): stg_transactions amount_under_ceiling" in quality.stdout
    assert "quarantine.transactions" in quality.stdout
    assert f"{START}  turnover  stg_transactions amount_under_ceiling" in sentra("status").stdout


def _timings_match_the_runs(path: Path, stdout: str, exit_code: int) -> list[dict]:
    """`--timings FILE`: every step the CLI printed, in order, each a Dagster run of the instance."""
    timings = json.loads(path.read_text(encoding="utf-8"))
    assert (timings["from"], timings["to"], timings["exit_code"]) == (START, END, exit_code)
    steps = timings["steps"]
    assert [s["label"] for s in steps] == re.findall(r"^▶ (.+) …$", stdout, flags=re.M)
    assert steps[0]["job"] == "ingest_job" and all(s["ok"] for s in steps[:-1])
    assert all(s["seconds"] > 0 for s in steps) and timings["seconds"] == pytest.approx(
        sum(s["seconds"] for s in steps), abs=0.01
    )
    instance = dg.DagsterInstance.get()  # DAGSTER_HOME of this test
    for step in steps:
        run = instance.get_run_by_id(step["run_id"])
        assert run is not None and run.job_name == step["job"], step
        assert run.is_success == step["ok"], step
    return steps


def _portal_works_in_a_browser(publish: Path) -> None:
    """The real portal, served as `sentra serve` does: no errors, every link answers, charts work offline."""
    need_chromium()
    server = make_server(publish, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with chromium() as browser:
            context = browser.new_context()
            blocked = offline(context)
            page = context.new_page()
            errors = collect_errors(page)
            page.goto(f"{base}/", wait_until="load")
            hrefs = set(page.eval_on_selector_all("a[href]:not([href^='#'])", "els => els.map(e => e.href)"))
            assert len(hrefs) >= 6 * 15  # six charts, two languages, seven formats and metadata; reports
            for href in hrefs:
                response = page.request.get(href)
                assert response.status == 200, href
                assert response.headers["content-type"] == CONTENT_TYPES[Path(href).suffix.lower()], href
            page.goto(f"{base}/charts/monthly_export_value/latest/id/monthly_export_value.html")
            page.wait_for_selector("svg, canvas", state="attached", timeout=15_000)
            assert errors == [] and blocked == []
            context.close()
    finally:
        server.shutdown()


def _every_mart(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute(sql("mart_tables"), [None, None]).fetchall()]
        marts = {n: con.execute(f'SELECT * FROM marts."{n}" ORDER BY ALL').fetchall() for n in names}  # noqa: S608
        marts["files"] = con.execute(
            "SELECT source, name, rows_read, accepted, quarantined, duplicates FROM raw.files ORDER BY ALL"
        ).fetchall()
        marts["unbalanced"] = con.execute("SELECT * FROM raw.file_accounting WHERE NOT balanced").fetchall()
        return marts
    finally:
        con.close()


def test_killing_a_run_at_any_moment_then_running_again_gives_one_clean_run(
    sample: Path, isolated: Path, first_run: Built
) -> None:
    expected = _every_mart(first_run.data / "warehouse.duckdb")  # one clean run
    assert expected["files"] and not expected["unbalanced"]

    exe = str(Path(sys.executable).with_name("sentra"))
    for delay in (1.0, 3.5, 6.0, 9.0, 13.0, 18.0):  # during start-up, ingest, days, months, reports, publish
        run = subprocess.Popen([exe, "run", "--from", START, "--to", END], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=60)
    done = sentra("run", "--from", START, "--to", END)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _every_mart(isolated / "warehouse.duckdb") == expected


def test_economists_query_the_snapshot_and_never_block_a_run(ran: Path, isolated: Path) -> None:
    snapshot = isolated / "internal" / "snapshot" / "sentra.duckdb"
    session = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1], read_only=True); "
         "print(con.sql('SELECT count(*) FROM marts.daily_turnover').fetchall()[0][0], flush=True); time.sleep(600)",
         str(snapshot)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        days = int(session.stdout.readline())
        again = sentra("run", "--from", START, "--to", END)  # the session still holds the old snapshot
    finally:
        session.kill()
        session.wait()
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"snapshot:  {snapshot} (a read-only copy of the marts: query it)" in again.stdout
    live = _every_mart(isolated / "warehouse.duckdb")
    assert days == len(live["daily_turnover"])
    copy = duckdb.connect(str(snapshot), read_only=True)
    assert copy.execute("SELECT * FROM marts.daily_turnover ORDER BY ALL").fetchall() == live["daily_turnover"]
    copy.close()
    parquet = pl.read_parquet(isolated / "internal" / "snapshot" / "parquet" / "monthly_export_value.parquet")
    assert parquet.sort("month").rows() == live["monthly_export_value"]


def test_the_run_summary_prints_the_notes_of_the_first_files_and_counts_the_rest() -> None:
    from pipelines.cli import run

    notes = [f"f{i}.csv: note {j}" for i in range(run.NOTED_FILES + 3) for j in range(2)]
    lines: list[str] = []
    run._report_notes(notes, lines.append)
    assert lines[:2] == ["  note: f0.csv: note 0", "  note: f0.csv: note 1"]
    assert len(lines) == 2 * run.NOTED_FILES + 1
    assert lines[-1] == "  note: … and notes on 3 more file(s) (raw.files.notes, or `sentra check FILE`)"
