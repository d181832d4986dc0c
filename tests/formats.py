"""A small corpus of messy landing files, each the twin of one clean CSV: same records, other clothes.

Every writer puts the same four sales (or two export items, or two rates) in a landing folder the way a
producer, a district office or a marketplace would really send them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import polars as pl
import xlsxwriter

from models.contracts import EXPORTS, FX_RATES, TRANSACTIONS

# The clean records. Category is empty (the producer's), channel marketplace, so the Shopee twin matches.
SALES = [
    ("T1", "P1", datetime(2025, 3, 3, 9, 15), 1_250_000, 2),
    ("T2", "P1", datetime(2025, 3, 3, 14, 30, 5), 75_000, 1),
    ("T3", "P2", datetime(2025, 3, 4, 8, 0), 3_400_000, 10),
    ("T4", "P2", datetime(2025, 3, 4, 19, 45), 980_500, 3),
]
DAILY = [(date(2025, 3, 3), 1_325_000, 2), (date(2025, 3, 4), 4_380_500, 2)]
ITEMS = [  # peb, date, producer, hs, description, quantity, unit, kg, fob, currency, country, port
    ("PEB-1", date(2025, 3, 5), "P2", "03011190", "Ikan koi", 200, "EKOR", "40.5", "1250.50", "USD", "JP", "IDTPP"),
    ("PEB-2", date(2025, 3, 10), "P1", "95030021", "Boneka", 500, "PCS", "120", "3000", "SGD", "SG", "IDTPP"),
]
RATES = [(date(2025, 3, 3), "USD", "16250.50"), (date(2025, 3, 3), "SGD", "12100")]

_ID_MONTHS = ("", "Januari", "Februari", "Maret", "April", "Mei", "Juni")


def rupiah(n: int) -> str:
    """1250000 -> 'Rp 1.250.000,00'."""
    return "Rp " + f"{n:,}".replace(",", ".") + ",00"


def indonesian(x: str) -> str:
    """'1250.50' -> '1.250,50'."""
    whole, _, frac = x.partition(".")
    return f"{int(whole):,}".replace(",", ".") + (f",{frac}" if frac else "")


def _csv(path: Path, header: list[str], rows: list[list[object]], sep: str = ",", encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def _sheet(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(path)
    stamp = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    ws.write_datetime(r, c, value, stamp)
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()


# ---- transactions ------------------------------------------------------------------------------


def tx_clean(folder: Path) -> None:
    rows = [[t, p, at.isoformat(), amount, qty, "", "marketplace"] for t, p, at, amount, qty in SALES]
    _csv(folder / "clean.csv", list(TRANSACTIONS.names), rows)


def tx_semicolon_windows_1252(folder: Path) -> None:
    header = ["Nomor Transaksi", "Kode Produsen", "Tanggal", "Harga", "Jumlah", "Kategori", "Kanal", "Keterangan"]
    note = 'Boneka café; "spesial"\nbaris kedua'  # delimiter, quotes and a newline inside one quoted field
    rows = [
        [t, p, at.strftime("%d/%m/%Y %H.%M") + (f".{at.second:02d}" if at.second else ""), rupiah(a), q, "",
         "Marketplace", note]
        for t, p, at, a, q in SALES
    ]  # fmt: skip
    _csv(folder / "penjualan maret.csv", header, rows, sep=";", encoding="cp1252")


def tx_bom_month_names(folder: Path) -> None:
    header = ["No. Transaksi", "ID Produsen", "Waktu Transaksi", "Nilai Transaksi", "Qty", "Kategori", "Saluran"]
    rows = [
        [t, p, f"{at.day} {_ID_MONTHS[at.month]} {at.year} {at:%H:%M:%S}", "Rp" + f"{a:,}".replace(",", "."), q, "",
         "marketplace"]
        for t, p, at, a, q in SALES
    ]  # fmt: skip
    _csv(folder / "transaksi-bom.csv", header, rows, encoding="utf-8-sig")


def tx_excel_with_title_rows(folder: Path) -> None:
    header = ["Nomor Transaksi", "Kode Produsen", "Tanggal", "Jumlah (Rp)", "Qty", "Kategori", "Kanal"]
    rows: list[list[object]] = [["Laporan Penjualan IKM"], ["Dinas Perindustrian Kota Bekasi"], [], header]
    rows += [[t, p, at, a, q, None, "marketplace"] for t, p, at, a, q in SALES]
    rows += [["TOTAL", None, None, sum(s[3] for s in SALES)], [], ["Catatan: data sementara"]]
    _sheet(folder / "laporan.xlsx", {"Keterangan": [["Lembar ini hanya catatan"]], "Penjualan": rows})


def tx_parquet(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "transaction_id": [s[0] for s in SALES],
            "producer_id": [s[1] for s in SALES],
            "occurred_at": [s[2] for s in SALES],
            "amount_idr": [s[3] for s in SALES],
            "quantity": [s[4] for s in SALES],
            "category": [None] * len(SALES),
            "channel": ["marketplace"] * len(SALES),
        }
    ).write_parquet(folder / "t.parquet")


def tx_json_lines(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"transaction_id": t, "producer_id": p, "occurred_at": at.isoformat() + "+07:00",
                    "amount_idr": a, "quantity": q, "channel": "marketplace"})
        for t, p, at, a, q in SALES
    ]  # fmt: skip
    (folder / "t.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


SHOPEE_HEADER = ["No. Pesanan", "Status Pesanan", "Waktu Pesanan Dibuat", "Nama Produk", "Harga Awal",
                 "Harga Setelah Diskon", "Jumlah", "Total Pembayaran"]  # fmt: skip


def _shopee_rows(producer: str) -> list[list[object]]:
    """Item rows: T1 has two items; every producer also has one cancelled or returned order."""
    rows = []
    for t, p, at, a, q in SALES:
        if p != producer:
            continue
        when = at.strftime("%Y-%m-%d %H:%M:%S")
        if t == "T1":  # 500.000 × 1 + 750.000 × 1
            rows += [[t, "Selesai", when, "Boneka A", "550.000", "500.000", 1, "1.265.000"],
                     [t, "Selesai", when, "Boneka B", "750.000", "750.000", 1, "1.265.000"]]  # fmt: skip
        elif t == "T4":  # 490.250 × 1 + 245.125 × 2
            rows += [[t, "Selesai", when, "Koi", "490.250", "490.250", 1, "990.500"],
                     [t, "Selesai", when, "Koki", "245.125", "245.125", 2, "990.500"]]  # fmt: skip
        else:
            price = f"{a // q:,}".replace(",", ".")
            rows.append([t, "Selesai", when, "Produk", price, price, q, f"{a + 10_000:,}".replace(",", ".")])
    status = "Batal" if producer == "P1" else "Pengembalian Dana/Barang"
    rows.append([f"X-{producer}", status, "2025-03-03 10:00:00", "Produk", "99.000", "99.000", 1, "109.000"])
    return rows


def tx_shopee(folder: Path) -> None:
    _sheet(folder / "shopee" / "P1" / "Order.all.20250301_20250331.xlsx",
           {"orders": [SHOPEE_HEADER, *_shopee_rows("P1")]})  # fmt: skip
    _csv(folder / "shopee" / "P2" / "pesanan.csv", SHOPEE_HEADER, _shopee_rows("P2"))


TRANSACTION_TWINS: dict[str, Callable[[Path], None]] = {
    "clean csv": tx_clean,
    "semicolon, Windows-1252, Indonesian numbers and headers, quoted newline": tx_semicolon_windows_1252,
    "BOM, month names, Rp without space": tx_bom_month_names,
    "xlsx with title rows, totals and notes, second sheet": tx_excel_with_title_rows,
    "parquet": tx_parquet,
    "json lines with offsets": tx_json_lines,
    "shopee order exports": tx_shopee,
}

# ---- exports and rates ---------------------------------------------------------------------------


def exports_clean(folder: Path) -> None:
    rows = [[*i[:1], i[1].isoformat(), *i[2:]] for i in ITEMS]
    _csv(folder / "peb.csv", list(EXPORTS.names), rows)


def exports_excel(folder: Path) -> None:
    header = ["Nomor PEB", "Tanggal PEB", "Kode Produsen", "Kode HS", "Uraian Barang", "Jumlah", "Satuan",
              "Berat Bersih (kg)", "Nilai FOB", "Valuta", "Negara Tujuan", "Pelabuhan Muat"]  # fmt: skip
    rows: list[list[object]] = [["Rekap PEB Maret 2025"], header]
    for peb, day, p, hs, desc, qty, unit, kg, fob, cur, country, port in ITEMS:
        dotted = f"{hs[:4]}.{hs[4:6]}.{hs[6:]}"
        rows.append([peb, day.strftime("%d/%m/%Y"), p, dotted, desc, qty, unit, indonesian(kg), float(fob), cur,
                     country.lower(), port])  # fmt: skip
    _sheet(folder / "rekap peb.xlsx", {"PEB": rows})


def exports_semicolon(folder: Path) -> None:
    header = ["No PEB", "Tgl PEB", "Kode IKM", "HS", "Uraian", "Kuantitas", "Satuan", "Netto", "FOB", "Mata Uang",
              "Negara", "Pelabuhan"]  # fmt: skip
    rows = [[peb, f"{day.day} {_ID_MONTHS[day.month]} {day.year}", p, hs, desc, qty, unit, indonesian(kg),
             indonesian(fob), cur, country, port]
            for peb, day, p, hs, desc, qty, unit, kg, fob, cur, country, port in ITEMS]  # fmt: skip
    _csv(folder / "peb;titik koma.csv", header, rows, sep=";")


EXPORT_TWINS: dict[str, Callable[[Path], None]] = {
    "clean csv": exports_clean,
    "xlsx, Indonesian headers, dotted HS codes, dd/mm/yyyy": exports_excel,
    "semicolon, Indonesian numbers and month names": exports_semicolon,
}


def rates_clean(folder: Path) -> None:
    _csv(folder / "kurs.csv", list(FX_RATES.names), [[d.isoformat(), c, r] for d, c, r in RATES])


def rates_indonesian(folder: Path) -> None:
    rows = [[d.strftime("%d-%m-%Y"), c, indonesian(r)] for d, c, r in RATES]
    _csv(folder / "kurs jisdor.csv", ["Tanggal", "Mata Uang", "Kurs Tengah"], rows, sep=";")
