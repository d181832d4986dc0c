"""Tier 3: the publication gate and the two published trees, end to end through the `sentra` command.

A day whose file is half unreadable goes through `sentra run`: the run, `sentra status`, `sentra quality` and
the portal name the same held period for the same reason, and the day is on no chart, CSV, snapshot or
report until its rows are sent again. The same run moves what an older Sentra left in the public tree.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from pathlib import Path

import duckdb
import pytest
from conftest import Built
from test_cli import sentra

TIER = "e2e"  # tests/conftest.py: the runner's tiers
GROUP = "month_run"  # on the worker that builds conftest.month_run, with the other module starting from it

DAY = "2025-02-01"
HELD_LINE = f"{DAY} (turnover): stg_transactions quarantine_share: 50.5% (101 of 200 rows)"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _producers(landing: Path) -> list[str]:
    with (landing / "producers" / "producers.csv").open(encoding="utf-8") as fh:
        return [r["producer_id"] for r in csv.DictReader(fh)]


def _write_day(path: Path, producers: list[str], bad: int, ids: range) -> int:
    """Sales of DAY, the first `bad` with amounts a person wrote by hand; returns the sum of the good ones."""
    rnd, total = random.Random(len(ids)), 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["transaction_id", "producer_id", "occurred_at", "amount_idr", "quantity", "category", "channel"])
        for n, i in enumerate(ids):
            amount = rnd.choice(["25rb", "abc", "1,5jt"]) if n < bad else str(rnd.randrange(10_000, 500_000))
            total += int(amount) if n >= bad else 0
            w.writerow([f"HB-{i:04d}", producers[i % len(producers)], f"{DAY}T{8 + i % 10:02d}:15:00", amount, 1, "",
                        "tunai"])  # fmt: skip
    return total


def _views(data: Path, run_stdout: str) -> dict[str, set[tuple[str, str]]]:
    """The held periods as each view names them: (family, period)."""
    status = sentra("status").stdout
    quality = sentra("quality", "--from", DAY, "--to", DAY)
    manifest = json.loads((data / "publish" / "manifest.json").read_text(encoding="utf-8"))["data_status"]
    line = re.compile(r"(\d{4}-\d{2}(?:-\d{2})?) \((\w+)\): ")
    status_rows = re.findall(r"^(\d{4}-\d{2}(?:-\d{2})?)\s+(turnover|exports)\s", status, re.M)
    return {
        "run": {(f, p) for p, f in line.findall(" ".join(x for x in run_stdout.splitlines() if "held:" in x))},
        "status": {(f, p) for p, f in status_rows},
        "quality": {(f, p) for p, f in line.findall(quality.stdout)}
        | ({("exit", "1")} if quality.returncode else set()),
        "portal": {(h["family"], h["period"]) for h in manifest.get("held", [])},
    }


def _csv_days(data: Path) -> set[str]:
    out = set()
    for lang in ("id", "en"):
        text = (data / "publish/charts/daily_turnover/latest" / lang / "daily_turnover.csv").read_text(encoding="utf-8")
        out |= {row.split(",")[0] for row in text.splitlines()[1:]}
    return out


def test_a_half_unreadable_day_is_held_in_every_view_then_published_when_fixed(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, month_run: Built
) -> None:
    monkeypatch.setenv("SENTRA_QUALITY", "{}")  # the production thresholds (tests/conftest.py turns them off)
    month_run.copy_into(isolated)  # January through `sentra run`, at those thresholds
    landing = isolated / "landing"
    assert month_run.codes == (0, 0)
    assert f"public (may be shared: office network, USB stick, `sentra serve`): {month_run.data / 'publish'}" in (
        month_run.output
    )
    assert "internal (never share: producers' rows and figures disclosure control hides): " in month_run.output
    assert "Periods held, not published: none" in sentra("status").stdout

    # An older Sentra's layout: the snapshot and the quality reports inside the public tree, chart metadata with
    # every input file by name. The next run moves them, losing nothing.
    publish, internal = isolated / "publish", isolated / "internal"
    (internal / "snapshot").rename(publish / "snapshot")
    (internal / "quality").rename(publish / "quality")
    # (The snapshot and the quality index are written anew by every run; the earlier runs' reports are not.)
    moved = {p.relative_to(publish): _sha(p) for p in (publish / "quality" / "runs").rglob("*") if p.is_file()}
    assert any(p.name == "quarantine_transactions.csv" for p in moved) or moved
    meta_path = publish / "charts/monthly_export_value/2025-01/metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    legacy = [{"source": "transactions", "name": "tiktok/BKS-0001/Semua pesanan-202501.csv", "sha256": "a" * 64},
              {"source": "transactions", "name": "t.csv", "sha256": "b" * 64}]  # fmt: skip
    meta_path.write_text(json.dumps({**meta, "inputs": legacy}), encoding="utf-8")

    producers = _producers(landing)
    good = _write_day(landing / "transactions" / "kasir-2025-02-01.csv", producers, bad=101, ids=range(200))
    held = sentra("run", "--from", DAY, "--to", DAY)
    out = held.stdout + held.stderr
    assert held.returncode == 4, out
    assert f"held: {HELD_LINE}" in out and "Traceback" not in out
    assert "stg_transactions quarantine_share: 50.5% (101 of 200 rows)" in out  # the gate's rule, by its check

    # Four views, one answer.
    views = _views(isolated, held.stdout)
    assert views["run"] == views["status"] == views["portal"] == {("turnover", DAY)}
    assert views["quality"] == {("turnover", DAY), ("exit", "1")}
    assert HELD_LINE.split(": ", 1)[1] in sentra("status").stdout
    manifest = json.loads((publish / "manifest.json").read_text(encoding="utf-8"))["data_status"]
    assert manifest["held"][0]["reason_id"] == "50,5% baris data tidak dapat dibaca: 101 dari 200, batas 10%"
    assert "1 Februari 2025" in (publish / "index.html").read_text(encoding="utf-8")

    # Never a normal value: not in the marts, the snapshot, any chart's data; the charts say why.
    assert DAY not in _csv_days(isolated)
    with duckdb.connect(str(internal / "snapshot" / "sentra.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.daily_turnover WHERE date = ?", [DAY]).fetchall() == [(0,)]
    latest = json.loads((publish / "charts/daily_turnover/latest/metadata.json").read_text(encoding="utf-8"))
    assert [h["period"] for h in latest["held"]] == [DAY]
    assert "Belum diterbitkan" in (publish / "charts/daily_turnover/latest/id/daily_turnover.svg").read_text()

    # The old layout was moved, byte for byte; the public tree holds no database and no file names.
    assert not (publish / "snapshot").exists() and not (publish / "quality").exists()
    for rel, sha in moved.items():
        assert _sha(internal / rel) == sha, rel
    public_meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert public_meta["inputs"] == [
        {
            "source": "transactions",
            "files": 2,
            "rows": None,
            "sha256": hashlib.sha256(("a" * 64 + "\n" + "b" * 64).encode()).hexdigest(),
        }
    ]
    kept = json.loads((internal / "provenance/charts/monthly_export_value/2025-01.json").read_text(encoding="utf-8"))
    assert {i["name"] for i in legacy} < {i["name"] for i in kept["inputs"]}  # added to the list of this edition
    assert not list(publish.rglob("*.duckdb")) and not list(publish.rglob("*.parquet"))
    assert "BKS-" not in "".join(p.read_text(encoding="utf-8") for p in publish.rglob("metadata.json"))
    index = (internal / "index.html").read_text(encoding="utf-8")
    assert "snapshot/sentra.duckdb" in index and "quality/index.html" in index and "provenance/charts/" in index

    # The producer sends the 101 rows again, readable: the day is published, and every view says none is held.
    fixed = _write_day(landing / "transactions" / "kasir-2025-02-01-perbaikan.csv", producers, bad=0,
                       ids=range(101))  # fmt: skip
    again = sentra("run", "--from", DAY, "--to", DAY)
    assert again.returncode == 0, again.stdout + again.stderr
    views = _views(isolated, again.stdout)
    assert not any(views.values()), views
    assert DAY in _csv_days(isolated)
    with duckdb.connect(str(internal / "snapshot" / "sentra.duckdb"), read_only=True) as con:
        assert con.execute("SELECT turnover_idr FROM marts.daily_turnover WHERE date = ?", [DAY]).fetchall() == [
            (good + fixed,)
        ]
