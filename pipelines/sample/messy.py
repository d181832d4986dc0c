"""Rewrite a clean sample landing folder (`pipelines.sample.generate`) into the variety real users send.

`messify` keeps exactly the same records (every sale, export item and rate, each once, with its value), so
ingesting the messy folder gives the marts of the clean one. What changes is how they are written:

- fx rates: Bank Indonesia "Kurs Transaksi BI" downloads, one currency and year per file, as xlsx
  (`Kurs Transaksi BI <CUR> <YYYY>.xlsx`) or the CSV saved from it (`kurs_transaksi_<cur>_<YYYY>.csv`),
  selling and buying rate around the clean middle rate;
- marketplace sales of a few producers: Shopee, Tokopedia and TikTok Shop order exports
  (`pipelines.sample.marketplace`), with cancelled, returned and unpaid orders besides;
- every third month of transactions: a `;` CSV with Indonesian headers, numbers and day-first times;
- every other month of exports: `Rekap PEB <YYYY-MM>.xlsx`, title rows above the header, a TOTAL row below.

A rewritten file takes the modification time of the one it replaces (new files a few seconds after it,
never reaching the next clean file's), so ingest order (mtime, name) is unchanged.
"""

from __future__ import annotations

import os
import re
import zlib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import polars as pl

from models.contracts import TRANSACTIONS
from pipelines.sample import marketplace as mp
from pipelines.sample.generate import MTIME_STEP
from pipelines.sample.rates import FX_CURRENCIES

_SALT = 0x4D455353  # "MESS": the messy rewrite's random stream, apart from the generator's
PER_100 = frozenset({"JPY", "KRW", "VND", "IDR"})  # quoted per 100 units by Bank Indonesia
SPREAD = Decimal("0.005")  # half the gap between selling and buying rate, as a share of the middle rate
BI_HEADER = ["NO", "Nilai", "Kurs Jual", "Kurs Beli", "Tanggal"]
SEMICOLON_HEADER = ["Nomor Transaksi", "Kode Produsen", "Tanggal", "Harga", "Jumlah", "Kategori", "Kanal"]
PEB_HEADER = [
    "Nomor PEB",
    "Tanggal PEB",
    "Kode Produsen",
    "Kode HS",
    "Uraian Barang",
    "Jumlah",
    "Satuan",
    "Berat Bersih (kg)",
    "Nilai FOB",
    "Valuta",
    "Negara Tujuan",
    "Pelabuhan Muat",
]
_MONTH_FILE = re.compile(r"^transactions_(\d{4}-\d{2})(_koreksi)?\.csv$")
_CENT = Decimal("0.01")


def messify(out: Path, seed: int) -> dict[str, int]:
    """Rewrite the clean sample in `out` (just written by `generate` with this `seed`) in place; return
    counts: files per layout (`bi_xlsx`, `bi_csv`, `shopee_*`, `tokopedia`, `tiktok`, `semicolon_csv`,
    `rekap_peb_xlsx`), `marketplace_producers`, `orders` (one per moved sale) and `orders_excluded`."""
    out = Path(out)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    tx_dir = out / "transactions"
    if not (out / "producers" / "producers.csv").is_file() or not list(tx_dir.glob("transactions_*.csv")):
        raise ValueError(f"{out}: no clean sample to rewrite (write one with `sentra sample` first)")
    rng = np.random.default_rng([int(seed), _SALT])
    counts = fx_rates(out / "fx_rates")
    counts |= transactions(tx_dir, pl.read_csv(out / "producers" / "producers.csv", infer_schema=False), rng)
    counts |= exports(out / "exports")
    return counts


def _replace(old: Path, new: list[Path]) -> None:
    """`new` files take `old`'s place in ingest order: its mtime, then a second more each; `old` goes."""
    stamp = old.stat().st_mtime
    if len(new) >= MTIME_STEP:
        raise ValueError(f"{old}: {len(new)} files cannot share its place in the ingest order")
    for i, path in enumerate(new):
        os.utime(path, (stamp + i, stamp + i))
    if old not in new:
        old.unlink()


def _months(folder: Path, prefix: str) -> list[tuple[str, Path]]:
    pattern = re.compile(rf"^{prefix}_(\d{{4}}-\d{{2}})\.csv$")
    return sorted((m.group(1), p) for p in folder.glob(f"{prefix}_*.csv") if (m := pattern.match(p.name)))


# --------------------------------------------------------------------------------------------------
# Fx rates: Bank Indonesia "Kurs Transaksi BI"


def _plain(x: Decimal) -> str:
    """Dot decimal without trailing zeros: 16242.80 -> '16242.8', 16242.00 -> '16242'."""
    text = f"{x:.2f}"
    return text.rstrip("0").rstrip(".")


def bi_rows(rates: list[tuple[str, str]], currency: str) -> list[list[object]]:
    """[NO, Nilai, Kurs Jual, Kurs Beli, Tanggal] newest first for (ISO date, rate_idr) pairs of a currency.

    Kurs Jual = rate × Nilai + s and Kurs Beli = rate × Nilai − s with s in whole cents, so the middle
    rate (jual + beli) / 2 / Nilai is the clean rate exactly."""
    unit = 100 if currency in PER_100 else 1
    rows: list[list[object]] = []
    for i, (day, rate) in enumerate(sorted(rates, reverse=True)):
        mid = Decimal(rate) * unit
        s = (mid * SPREAD).quantize(_CENT, ROUND_HALF_UP)
        y, m, d = (int(x) for x in day.split("-"))
        rows.append([i + 1, unit, mid + s, mid - s, f"{m}/{d}/{y} 12:00:00 AM"])
    return rows


def fx_rates(folder: Path) -> dict[str, int]:
    counts = {"bi_xlsx": 0, "bi_csv": 0}
    pattern = re.compile(r"^fx_rates_(\d{4})\.csv$")
    for path in sorted(folder.glob("fx_rates_*.csv")):
        if not (m := pattern.match(path.name)):
            continue
        year = int(m.group(1))
        fx = pl.read_csv(path, infer_schema=False)
        present = set(fx["currency"].to_list())
        currencies = [c for c in FX_CURRENCIES if c in present] + sorted(present - set(FX_CURRENCIES))
        written: list[Path] = []
        for i, cur in enumerate(currencies):
            part = fx.filter(pl.col("currency") == cur)
            rows = bi_rows(list(zip(part["date"].to_list(), part["rate_idr"].to_list(), strict=True)), cur)
            if (i + year) % 2 == 0:  # alternate: xlsx download for some currencies, the CSV saved from it for others
                # The title names the currency, except in the year's first xlsx: there only its sheet name
                # (and its file name) do.
                title, sheet = f"Kurs Transaksi BI - {cur}", "Kurs Transaksi BI  "
                if not any(p.suffix == ".xlsx" for p in written):
                    title, sheet = "Kurs Transaksi BI", f"Kurs Transaksi BI {cur}  "
                cells = [[r[0], r[1], float(r[2]), float(r[3]), r[4]] for r in rows]
                new = folder / f"Kurs Transaksi BI {cur} {year}.xlsx"
                mp.write_xlsx(new, sheet, [[], [], [], [], BI_HEADER, *cells], title=title)
                counts["bi_xlsx"] += 1
            else:
                new = folder / f"kurs_transaksi_{cur.lower()}_{year}.csv"
                text = [[r[0], r[1], _plain(r[2]), _plain(r[3]), r[4]] for r in rows]
                mp.write_csv(new, [[f"Kurs Transaksi BI - {cur}", "", "", "", ""], [], BI_HEADER, *text])
                counts["bi_csv"] += 1
            written.append(new)
        _replace(path, written)
    return counts


# --------------------------------------------------------------------------------------------------
# Transactions: marketplace exports out of the monthly files, then `;` CSVs


def transactions(folder: Path, registry: pl.DataFrame, rng: np.random.Generator) -> dict[str, int]:
    files = sorted((m.group(1), bool(m.group(2)), p) for p in folder.glob("*.csv") if (m := _MONTH_FILE.match(p.name)))
    months = [tag for tag, koreksi, _ in files if not koreksi]
    frames = [
        pl.read_csv(p, infer_schema=False).with_columns(_tag=pl.lit(tag), _monthly=pl.lit(not koreksi))
        for tag, koreksi, p in files
    ]
    rows = pl.concat(frames)
    ok = mp.movable(rows, registry)
    markets = mp.choose_shops(rows, ok, rng)
    moved = ok & rows["producer_id"].is_in(list(markets))
    written, counts = mp.write_exports(folder, rows.filter(moved), mp.known_shops(registry, markets), months, rng)
    counts = {"marketplace_producers": len(markets), **counts, "semicolon_csv": 0}
    kept = rows.filter(~moved)
    for i, tag in enumerate(months):
        path = folder / f"transactions_{tag}.csv"
        in_file = (pl.col("_tag") == tag) & pl.col("_monthly")
        part = kept.filter(in_file).select(TRANSACTIONS.names)
        new = [p for t, p in written if t == tag]
        if i % 3 == 1:
            semicolon = folder / f"penjualan_{tag}.csv"
            mp.write_csv(semicolon, [SEMICOLON_HEADER, *semicolon_rows(part)], sep=";")
            counts["semicolon_csv"] += 1
            _replace(path, [semicolon, *new])
        else:
            if part.height < rows.filter(in_file).height:  # sales moved out: rewrite, keeping its mtime
                stamp = path.stat().st_mtime
                part.write_csv(path)
                os.utime(path, (stamp, stamp))
            _replace(path, [path, *new])
    return counts


def _semicolon_time(text: str | None) -> str | None:
    """A clean ISO time as day-first local time `16/06/2025 14.30` (`14.30.05` with seconds); else as is."""
    if not mp.is_clean_time(text):
        return text
    t = mp.local_time(str(text))
    return t.strftime("%d/%m/%Y %H.%M" + (".%S" if t.second else ""))


def semicolon_rows(part: pl.DataFrame) -> list[list[object]]:
    """Rows for the `;` CSV: whole amounts as `1.250.000` or `Rp 1.250.000`; other text verbatim."""
    out: list[list[object]] = []
    for tid, pid, at, amount, qty, cat, channel in part.iter_rows():
        if amount is not None and re.match(r"^[1-9]\d*$", amount):
            prefix = "Rp " if zlib.crc32(f"{pid}|{tid}".encode()) % 3 == 0 else ""
            amount = prefix + mp.thousands(int(amount))
        out.append([tid, pid, _semicolon_time(at), amount, qty, cat, channel])
    return out


# --------------------------------------------------------------------------------------------------
# Exports: "Rekap PEB" workbooks


def peb_rows(part: pl.DataFrame) -> list[list[object]]:
    """Title rows, a blank row, the Indonesian header, the items as text, and a TOTAL row (Σ Nilai FOB)."""
    total = sum((Decimal(v) for v in part["fob_value"].to_list() if v is not None), Decimal(0))
    fob = PEB_HEADER.index("Nilai FOB")
    total_row: list[object] = ["TOTAL", *[""] * (fob - 1), float(total)]
    items = [["" if v is None else v for v in row] for row in part.iter_rows()]
    return [["Rekap PEB"], ["Dinas Perindustrian Kota Bekasi"], [], PEB_HEADER, *items, total_row]


def exports(folder: Path) -> dict[str, int]:
    counts = {"rekap_peb_xlsx": 0}
    for i, (tag, path) in enumerate(_months(folder, "exports")):
        if i % 2 == 0:
            new = folder / f"Rekap PEB {tag}.xlsx"
            mp.write_xlsx(new, "Rekap PEB", peb_rows(pl.read_csv(path, infer_schema=False)))
            counts["rekap_peb_xlsx"] += 1
            _replace(path, [new])
    return counts
