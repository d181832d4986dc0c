"""`sentra check FILE…` end to end, as a user runs it: what ingesting would do, and nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import layouts as L

from pipelines.core.errors import EXIT_REJECTED_FILES, EXIT_USAGE

TIER = "e2e"  # tests/conftest.py: the runner's tiers


def sentra(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("sentra")
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, env=env or os.environ.copy(), timeout=300
    )


def _line(out: str, label: str) -> str:
    """The text after `label` on the first report line that has it."""
    return next(ln.split(label, 1)[1].strip() for ln in out.splitlines() if ln.strip().startswith(label))


def _snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file and folder under `folder`: size, mtime and content hash."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.stat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        out[str(p.relative_to(folder))] = (st.st_size, st.st_mtime_ns, digest)
    return out


def test_bi_download_reports_layout_month_first_and_its_rows(isolated: Path) -> None:
    expected = L.bi_kurs_transaksi_xlsx(isolated / "landing", "USD", L.BI_USD)
    done = sentra("check", isolated / "landing" / "fx_rates" / L.BI_FILE)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert _line(out, "source") == "fx_rates (from its folder)"
    assert _line(out, "layout").startswith("Bank Indonesia Kurs Transaksi BI download")
    assert _line(out, "read") == f"sheet '{L.BI_SHEET}', header on row 5"
    assert "Tanggal -> date" in _line(out, "columns") and "Kurs Jual -> sell" in _line(out, "columns")
    assert "dates read month first ('12/31/2024 12:00:00 AM' can only be month first)" in out
    assert "currency USD from its title" in out
    first, last = min(expected)[0], max(expected)[0]
    n = len(expected)
    assert _line(out, "rows") == f"{n} read: {n} would be accepted, 0 quarantined, 0 excluded; dates {first} … {last}"
    assert _line(out, "verdict") == "would be ingested"
    assert "registry" not in out  # rates name no producer


def test_us_roundtrip_shopee_export_is_refused_with_exit_3(isolated: Path) -> None:
    refused = L.shopee_us_roundtrip(isolated / "landing", "P1")
    done = sentra("check", refused.path)
    assert done.returncode == EXIT_REJECTED_FILES, done.stdout + done.stderr
    assert _line(done.stdout, "source") == "transactions (from its folder, shopee export of P1)"
    verdict = _line(done.stdout, "verdict")
    assert verdict.startswith("would be REFUSED: ") and "saved again in a spreadsheet" in verdict
    assert str(refused.path) not in verdict  # the file is named once, above
    assert "Traceback" not in done.stdout + done.stderr


def test_ragged_csv_reports_the_quarantined_line(isolated: Path) -> None:
    truth = L.tx_ragged(isolated / "landing")
    done = sentra("check", isolated / "landing" / "transactions" / "ragged.csv")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = _line(done.stdout, "rows")
    assert rows.startswith(f"5 read: {truth.accepted} would be accepted, 1 quarantined, 0 excluded")
    assert rows.endswith(f"dates {min(truth.sales)} … {max(truth.sales)}")
    quarantine = _line(done.stdout, "quarantine")
    assert quarantine.startswith("1 × line 4 has 8 fields, the header 7") and quarantine.endswith("(line 4)")
    assert "registry of producers: not checked (no warehouse yet)" in done.stdout
    assert "duplicates and corrections against earlier files: not evaluated" in done.stdout


def test_nothing_is_written(isolated: Path) -> None:
    landing = isolated / "landing"
    L.bi_kurs_transaksi_xlsx(landing, "USD", L.BI_USD)
    L.shopee_old(landing, "P1")
    refused = L.shopee_us_roundtrip(landing, "P1")
    L.tx_ragged(landing)
    L.date_case(landing, "both in one column")
    before = _snapshot(isolated)
    files = sorted(p for p in landing.rglob("*") if p.is_file())
    done = sentra("check", *files)
    assert done.returncode == EXIT_REJECTED_FILES, done.stdout + done.stderr
    assert done.stdout.count("would be REFUSED") == 2 and done.stdout.count("would be ingested") == 3
    assert str(refused.path) in done.stdout
    assert _snapshot(isolated) == before
    assert not (isolated / "warehouse.duckdb").exists() and not (landing / "rejected").exists()


def test_registry_is_checked_read_only_against_the_warehouse(isolated: Path) -> None:
    from pipelines.warehouse.connection import connect

    connect(str(isolated / "warehouse.duckdb")).close()  # migrated, no producer ingested yet
    L.tx_ragged(isolated / "landing")
    before = _snapshot(isolated)
    done = sentra("check", isolated / "landing" / "transactions" / "ragged.csv")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "registry of producers: checked against the warehouse (0 producers)" in done.stdout
    assert _line(done.stdout, "rows").startswith("5 read: 0 would be accepted, 5 quarantined")
    # The offending values themselves, a few of them, never "'…'".
    assert re.search(
        r"4 × producer_id '\w+', '\w+'(, '\w+')?(, …)? is not in the registry \(lines 2, 3, 5, …\)", done.stdout
    )
    assert "'…'" not in done.stdout
    assert _snapshot(isolated) == before


def test_json_report(isolated: Path) -> None:
    L.tx_ragged(isolated / "landing")
    L.shopee_old(isolated / "landing", "P7")
    shop = isolated / "landing" / "transactions" / "shopee" / "P7" / L.SHOPEE_FILE
    done = sentra("check", "--json", isolated / "landing" / "transactions" / "ragged.csv", shop)
    assert done.returncode == 0, done.stdout + done.stderr
    ragged, orders = json.loads(done.stdout)["files"]
    assert ragged["source"] == "transactions" and ragged["refused"] is None
    assert ragged["rows"] == {"read": 5, "accepted": 4, "quarantined": 1, "excluded": 0}
    assert [(g["count"], g["lines"]) for g in ragged["quarantined"]] == [(1, [4])]
    assert ragged["dates"] == ["2025-03-03", "2025-03-04"]
    assert ragged["read"]["encoding"] == "UTF-8" and ragged["columns"]["amount_idr"] == "amount_idr"
    assert (orders["marketplace"], orders["producer_id"]) == ("shopee", "P7")
    truth = L.SHOPEE_EXPECTED
    assert orders["rows"]["accepted"] == truth.accepted and orders["rows"]["excluded"] == truth.excluded
    assert sum(g["count"] for g in orders["excluded"]) == truth.excluded
    assert all(len(g["lines"]) <= 3 for g in orders["excluded"])


def test_source_outside_landing_guessed_or_given(isolated: Path, tmp_path: Path) -> None:
    L.tx_ragged(isolated / "landing")
    loose = tmp_path / "sales.csv"
    shutil.copy(isolated / "landing" / "transactions" / "ragged.csv", loose)
    L.shopee_old(isolated / "landing", "P1")
    export = tmp_path / "Order.all.xlsx"
    shutil.copy(isolated / "landing" / "transactions" / "shopee" / "P1" / L.SHOPEE_FILE, export)
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n", encoding="utf-8")

    guessed = sentra("check", loose, odd)
    assert guessed.returncode == EXIT_REJECTED_FILES, guessed.stdout + guessed.stderr
    assert "transactions (guessed from its columns)" in guessed.stdout
    assert "its header matches no source" in guessed.stdout
    given = sentra("check", "--marketplace", "shopee", "--producer", "P1", export)
    assert given.returncode == 0, given.stdout + given.stderr
    assert _line(given.stdout, "layout").startswith("Shopee Order.all")
    assert f"{L.SHOPEE_EXPECTED.accepted} would be accepted" in given.stdout
    assert "--source" in _line(sentra("check", "--source", "transactions", loose).stdout, "source")


def test_implausible_amounts_use_the_ingest_settings(isolated: Path) -> None:
    implausible = L.tx_implausible(isolated / "landing")
    env = {k: v for k, v in os.environ.items() if k != "SENTRA_INGEST"}  # the default plausible bounds
    done = sentra("check", "--json", isolated / "landing" / "transactions" / "implausible.csv", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    (report,) = json.loads(done.stdout)["files"]
    assert sorted(line for g in report["quarantined"] for line in g["lines"]) == sorted(implausible)
    assert {g["reason"].split(" is ")[1].split(" of ")[0] for g in report["quarantined"]} == {
        "below the plausible minimum",
        "above the plausible maximum",
    }


def test_missing_file_is_a_usage_error(isolated: Path) -> None:
    done = sentra("check", isolated / "landing" / "nope.csv")
    assert done.returncode == EXIT_USAGE
    assert done.stderr.strip() == f"sentra: error: {isolated / 'landing' / 'nope.csv'}: no such file"
