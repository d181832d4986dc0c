"""Tier 3: a producer's own books and Excel's "Unicode Text" go in through `sentra run`, and the marts' daily
turnover equals the sums of the rows written here (the ledger's mapping file is the one `sentra check`
proposed, saved as it came)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
from conftest import HEADERS, REGISTRY

TIER = "e2e"  # tests/conftest.py: the runner's tiers

FIRST, LAST = "2025-02-03", "2025-02-09"
# A reseller's ledger as kept by hand: its own names, day-first dates, Indonesian thousands, a channel column
# it calls "mode", typing slips. (number, buyer, day, amount as written, mode)
LEDGER = [
    ("A-01", "Bu Ani", "03/02/2025", "150.000", "tunai"),
    ("A-02", "Pak Budi", "03/02/2025", "275.000", "qris"),
    ("A-03", "Bu Cici", "04/02/2025", "1.250.000", "tunai"),
    ("A-04", "Toko Dedi", "13/02/2025", "90.000", "tunai"),  # after the run's days: ingested, its day built too
    ("A-05", "Bu Eka", "05/02/2025", "25rb", "tunai"),  # not a number: quarantined with its value
    ("A-06", "Bu Fani", "05/02/2025", "0", "qris"),  # zero: one reason, not two
    ("A-07", "Pak Gilang", "06/02/2025", "2.400.000", "qris"),
]
LEDGER_HEADER = ("kode", "pembeli", "hari_jual", "nilai_jual", "mode")
# Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated, CR LF, named .txt.
UNICODE = [
    ("U-1", "P2", "2025-02-03 10:15", "500000", "2", "ikan_hias", "grosir"),
    ("U-2", "P2", "2025-02-06 16:40", "125000", "1", "ikan_hias", "tunai"),
]


def sentra(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("sentra")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=os.environ.copy(), timeout=600)


def _expected() -> dict[date, int]:
    out: dict[date, int] = defaultdict(int)
    for _, _, day, amount, _ in LEDGER:
        d = date(int(day[6:]), int(day[3:5]), int(day[:2]))
        if amount.replace(".", "").isdigit() and int(amount.replace(".", "")) > 0:
            out[d] += int(amount.replace(".", ""))
    for row in UNICODE:
        out[date.fromisoformat(row[2][:10])] += int(row[3])
    return dict(out)


def test_a_ledger_with_its_proposed_mapping_and_a_unicode_text_export_give_the_right_daily_turnover(
    isolated: Path,
) -> None:
    landing = isolated / "landing"
    (landing / "producers").mkdir(parents=True)
    with (landing / "producers" / "registry.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADERS["producers"], *REGISTRY])
    books = landing / "transactions" / "P1"
    books.mkdir(parents=True)
    ledger = books / "buku penjualan.csv"
    with ledger.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([LEDGER_HEADER, *LEDGER])
    text = "\r\n".join("\t".join(r) for r in [HEADERS["transactions"], *UNICODE]) + "\r\n"
    (landing / "transactions" / "penjualan P2.txt").write_bytes(text.encode("utf-16"))

    # Refused with its own columns beside the missing ones, and a mapping proposed from its values.
    first = sentra("check", str(ledger))
    assert first.returncode == 3, first.stdout + first.stderr
    assert "missing column(s) transaction_id, occurred_at, amount_idr" in first.stdout
    assert "'kode', 'pembeli', 'hari_jual', 'nilai_jual', 'mode'" in first.stdout
    proposed = sentra("check", "--propose", str(ledger))
    assert proposed.returncode == 0, proposed.stderr
    for line in (
        'transaction_id = "kode"',
        'occurred_at = "hari_jual"',
        'amount_idr = "nilai_jual"',
        'channel = "mode"',
    ):
        assert line in proposed.stdout, proposed.stdout
    (books / "sentra.toml").write_text(proposed.stdout, encoding="utf-8")
    again = sentra("check", "--lang", "id", str(ledger))
    assert "akan dimasukkan" in again.stdout, again.stdout
    assert "amount_idr '25rb' bukan bilangan bulat (baris 6)" in again.stdout, again.stdout
    assert "1 × amount_idr harus lebih dari 0, tertulis '0' (baris 7)" in again.stdout, again.stdout

    done = sentra("run", "--from", FIRST, "--to", LAST)
    assert done.returncode == 0, done.stdout + done.stderr
    con = duckdb.connect(str(isolated / "warehouse.duckdb"), read_only=True)
    try:
        days = dict(con.execute("SELECT date, turnover_idr FROM marts.daily_turnover").fetchall())
        channels = dict(con.execute("SELECT transaction_id, channel FROM raw.transactions").fetchall())
        reasons = [r for (r,) in con.execute("SELECT reason FROM quarantine.transactions ORDER BY reason").fetchall()]
    finally:
        con.close()
    assert {d: v for d, v in days.items() if v} == _expected()
    assert channels["A-02"] == "qris" and channels["U-1"] == "grosir"  # the mapped "mode", the file's own channel
    assert len(reasons) == 2 and any("'0'" in r and ";" not in r for r in reasons), reasons
