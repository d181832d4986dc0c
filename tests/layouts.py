"""Landing files in real third-party layouts, filled with our own crafted values, each with its known truth.

Where `formats.py` dresses the same four sales in many clothes, this corpus copies the *cut* of files
people really download (Bank Indonesia's Kurs Transaksi and JISDOR pages, Shopee, Tokopedia and TikTok
Shop order exports) and the damage they suffer on the way (a US-locale spreadsheet re-save, a comma
thousands separator in a CSV, amounts with zeros too many or too few). No published file is copied:
every value below is made up, so the expected outcome is known exactly.

Every writer takes the landing folder (`.../landing`) and writes into its subfolder. It returns its
truth: `Rates` (middle rate per (date, currency)), a `SalesTruth` (turnover and sales per local day,
excluded orders, quarantined lines) or `Refused` (the whole file must be turned away, and why).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from formats import _csv, _sheet

from models.contracts import TRANSACTIONS

Rates = dict[tuple[date, str], Decimal]
# name, unit price after discount (IDR), quantity[, unit price before discount (IDR); the same when absent]
Item = tuple[str, int, int] | tuple[str, int, int, int]
# order number, status, created (Asia/Jakarta local, no offset), items, shipping paid by the buyer (IDR)
Order = tuple[str, str, datetime, list[Item], int]


@dataclass(frozen=True)
class SalesTruth:
    """What ingesting a transactions file must give."""

    totals: dict[date, int]  # turnover per local (Asia/Jakarta) day, whole rupiah
    sales: dict[date, int]  # sales (for marketplaces: orders) per local day
    excluded: int = 0  # orders kept aside as not sales (cancelled, returned, unpaid)
    quarantined: tuple[int, ...] = ()  # line numbers (header = line 1) of rows that must be quarantined

    @property
    def accepted(self) -> int:
        return sum(self.sales.values())


@dataclass(frozen=True)
class Refused:
    """The whole file must be refused (moved aside), for the reason given."""

    path: Path
    why: str


def _price(text: str) -> Decimal:
    return Decimal(text)


def _plain(d: Decimal) -> str:
    """Decimal('16242.80') -> '16242.8', Decimal('16242.00') -> '16242' (what a spreadsheet writes)."""
    return format(d.normalize(), "f")


def _thousands(n: int) -> str:
    """99500 -> '99.500' (Indonesian thousands separator, as marketplace exports write money)."""
    return f"{n:,}".replace(",", ".")


def _items(order: Order) -> list[tuple[str, int, int, int]]:
    """(name, price, qty, original) for each item of an order."""
    out = []
    for item in order[3]:
        name, price, qty, *rest = item
        out.append((name, price, qty, rest[0] if rest else price))
    return out


def _goods(order: Order) -> int:
    return sum(price * qty for _, price, qty, _ in _items(order))


def outcome(orders: list[Order], sale_statuses: set[str]) -> SalesTruth:
    """Turnover = Σ unit price after discount × quantity over the orders whose status is a sale."""
    totals: dict[date, int] = defaultdict(int)
    sales: Counter[date] = Counter()
    excluded = 0
    for order in orders:
        if order[1] in sale_statuses:
            totals[order[2].date()] += _goods(order)
            sales[order[2].date()] += 1
        else:
            excluded += 1
    return SalesTruth(dict(totals), dict(sales), excluded)


# ---- Bank Indonesia: Kurs Transaksi BI --------------------------------------------------------------
# One row per business day: (date, kurs jual, kurs beli, nilai). Rates are rupiah per `nilai` units.

BiRow = tuple[date, str, str, int]

# Two months; days above 12 (27, 30, 31) prove the file writes the month first; 1/2, 1/3 and 1/6 alone
# would read as 1 February, 1 March and 1 June day first. Trailing zeros (…80, …00) for the CSV variant.
BI_USD: list[BiRow] = [
    (date(2024, 12, 27), "16242.81", "16081.19", 1),
    (date(2024, 12, 30), "16242.80", "16080.15", 1),
    (date(2024, 12, 31), "16242.00", "16080.00", 1),
    (date(2025, 1, 2), "16300.37", "16138.18", 1),
    (date(2025, 1, 3), "16278.10", "16116.14", 1),
    (date(2025, 1, 6), "16321.65", "16159.23", 1),
]
BI_USD_MID: dict[date, Decimal] = {
    date(2024, 12, 27): Decimal("16162"),
    date(2024, 12, 30): Decimal("16161.475"),
    date(2024, 12, 31): Decimal("16161"),
    date(2025, 1, 2): Decimal("16219.275"),
    date(2025, 1, 3): Decimal("16197.12"),
    date(2025, 1, 6): Decimal("16240.44"),
}
BI_JPY: list[BiRow] = [  # quoted per 100 yen
    (date(2024, 12, 27), "10342.11", "10238.44", 100),
    (date(2024, 12, 30), "10398.52", "10293.71", 100),
    (date(2025, 1, 2), "10355.40", "10251.00", 100),
    (date(2025, 1, 3), "10377.06", "10272.29", 100),
]
BI_JPY_MID: dict[date, Decimal] = {
    date(2024, 12, 27): Decimal("102.90275"),
    date(2024, 12, 30): Decimal("103.46115"),
    date(2025, 1, 2): Decimal("103.032"),
    date(2025, 1, 3): Decimal("103.24675"),
}
BI_SGD: list[BiRow] = [
    (date(2025, 1, 2), "12010.55", "11889.31", 1),
    (date(2025, 1, 3), "11995.20", "11874.10", 1),
    (date(2025, 1, 6), "12023.81", "11902.45", 1),
]
BI_SGD_MID: dict[date, Decimal] = {
    date(2025, 1, 2): Decimal("11949.93"),
    date(2025, 1, 3): Decimal("11934.65"),
    date(2025, 1, 6): Decimal("11963.13"),
}
# Every day ≤ 12 (3–7 February 2025: 2/3/2025 … 2/7/2025): nothing in the file tells the order, so the
# layout's convention (month first) decides. Day first would give 2 March … 2 July.
BI_AMBIGUOUS: list[BiRow] = [
    (date(2025, 2, 3), "16445.12", "16281.48", 1),
    (date(2025, 2, 4), "16429.90", "16266.42", 1),
    (date(2025, 2, 5), "16380.00", "16217.00", 1),
    (date(2025, 2, 6), "16357.74", "16194.98", 1),
    (date(2025, 2, 7), "16371.53", "16208.63", 1),
]
BI_AMBIGUOUS_MID: dict[date, Decimal] = {
    date(2025, 2, 3): Decimal("16363.3"),
    date(2025, 2, 4): Decimal("16348.16"),
    date(2025, 2, 5): Decimal("16298.5"),
    date(2025, 2, 6): Decimal("16276.36"),
    date(2025, 2, 7): Decimal("16290.08"),
}

BI_HEADER = ["NO", "Nilai", "Kurs Jual", "Kurs Beli", "Tanggal"]
BI_SHEET = "Kurs Transaksi BI   "  # trailing spaces, as downloaded
BI_FILE = "Kurs Transaksi BI.xlsx"


def mid_rates(rows: list[BiRow]) -> dict[date, Decimal]:
    """Middle rate per date and per single unit: (jual + beli) / 2 / nilai, exact."""
    return {d: (_price(jual) + _price(beli)) / 2 / nilai for d, jual, beli, nilai in rows}


def rates(currency: str, rows: list[BiRow]) -> Rates:
    return {(d, currency): mid for d, mid in mid_rates(rows).items()}


def _us_time(d: date) -> str:
    """date(2025, 1, 2) -> '1/2/2025 12:00:00 AM' (month first, no padding)."""
    return f"{d.month}/{d.day}/{d.year} 12:00:00 AM"


def _newest_first(rows: list[BiRow]) -> list[BiRow]:
    return sorted(rows, key=lambda r: r[0], reverse=True)


def bi_kurs_transaksi_xlsx(
    landing: Path,
    currency: str,
    rows: list[BiRow],
    *,
    title: str | None = None,
    sheet: str = BI_SHEET,
    name: str = BI_FILE,
) -> Rates:
    """`fx_rates/Kurs Transaksi BI.xlsx` as downloaded from bi.go.id: rows 1–2 blank, the title merged over
    A3:E3 (default 'KURS TRANSAKSI BI <currency>'), row 4 blank, header on row 5, data from row 6 newest
    day first; Nilai, Kurs Jual and Kurs Beli numbers, Tanggal text '12/31/2024 12:00:00 AM'.

    `currency` only fills the default title: pass `title`, `sheet` and `name` to move it elsewhere or drop it.
    Returns the middle rates the file stands for (`rates(currency, rows)`).
    """
    path = landing / "fx_rates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(path)
    bold = wb.add_format({"bold": True, "align": "center"})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet(sheet)
    ws.merge_range(2, 0, 2, 4, f"KURS TRANSAKSI BI {currency}" if title is None else title, bold)
    for c, h in enumerate(BI_HEADER):
        ws.write_string(4, c, h, bold)
    for i, (d, jual, beli, nilai) in enumerate(_newest_first(rows)):
        r = 5 + i
        ws.write_number(r, 0, i + 1)
        ws.write_number(r, 1, nilai)
        ws.write_number(r, 2, float(jual), money)
        ws.write_number(r, 3, float(beli), money)
        ws.write_string(r, 4, _us_time(d))
    wb.close()
    return rates(currency, rows)


def bi_kurs_transaksi_csv(
    landing: Path, currency: str, rows: list[BiRow], name: str = "Kurs Transaksi BI.csv", *, title: str | None = None
) -> Rates:
    """The CSV people save from the Kurs Transaksi sheet: line 1 'KURS TRANSAKSI BI USD,,,,', line 2 empty,
    line 3 the header, data newest first; rates with a dot and trailing zeros dropped ('16242.8', '16242').
    """
    path = landing / "fx_rates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [(f"KURS TRANSAKSI BI {currency}" if title is None else title) + ",,,,", "", ",".join(BI_HEADER)]
    for i, (d, jual, beli, nilai) in enumerate(_newest_first(rows)):
        lines.append(f"{i + 1},{nilai},{_plain(_price(jual))},{_plain(_price(beli))},{_us_time(d)}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return rates(currency, rows)


def bi_currency_in_sheet(landing: Path, currency: str = "USD", rows: list[BiRow] = BI_USD) -> Rates:
    """The code only in the sheet name ('Kurs USD  '); title 'Kurs Transaksi BI', file 'Kurs Transaksi BI (1).xlsx'."""
    return bi_kurs_transaksi_xlsx(
        landing,
        currency,
        rows,
        title="Kurs Transaksi BI",
        sheet=f"Kurs {currency}  ",
        name="Kurs Transaksi BI (1).xlsx",
    )


def bi_currency_in_file_name(landing: Path, currency: str = "SGD", rows: list[BiRow] = BI_SGD) -> Rates:
    """The code only in the file name ('kurs_transaksi_sgd.xlsx'); title and sheet without one."""
    return bi_kurs_transaksi_xlsx(
        landing, currency, rows, title="Kurs Transaksi BI", name=f"kurs_transaksi_{currency.lower()}.xlsx"
    )


def bi_no_currency(landing: Path, rows: list[BiRow] = BI_USD) -> Refused:
    """No currency in title, sheet or file name: the rates cannot be attributed, the file must be refused."""
    bi_kurs_transaksi_xlsx(landing, "USD", rows, title="Kurs Transaksi BI")
    return Refused(landing / "fx_rates" / BI_FILE, "no currency in the title, the sheet name or the file name")


def bi_all_ambiguous(landing: Path) -> Rates:
    """USD, every date ambiguous (day ≤ 12): read month first by the layout, i.e. 3–7 February 2025."""
    return bi_kurs_transaksi_xlsx(landing, "USD", BI_AMBIGUOUS, name="Kurs Transaksi BI (2).xlsx")


# ---- Bank Indonesia: JISDOR ------------------------------------------------------------------------

# (date, kurs): days 13 and 14 prove month first. Rupiah per US dollar (the title names the currency).
JISDOR: list[tuple[date, str]] = [
    (date(2025, 2, 10), "16371.52"),
    (date(2025, 2, 11), "16393.40"),
    (date(2025, 2, 12), "16400.00"),
    (date(2025, 2, 13), "16385.17"),
    (date(2025, 2, 14), "16302.66"),
]
JISDOR_TITLE = "Jakarta Interbank Spot Dollar Rate (JISDOR)"


def jisdor_xlsx(landing: Path, rows: list[tuple[date, str]] = JISDOR) -> Rates:
    """`fx_rates/JISDOR.xlsx`: title on row 1, row 2 blank, header 'NO, Tanggal, Kurs' on row 3, newest first;
    Tanggal text '2/14/2025 12:00:00 AM', Kurs a number with 2 decimals. The currency is USD by the title.
    """
    path = landing / "fx_rates" / "JISDOR.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(path)
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("JISDOR")
    ws.merge_range(0, 0, 0, 2, JISDOR_TITLE, bold)
    for c, h in enumerate(["NO", "Tanggal", "Kurs"]):
        ws.write_string(2, c, h, bold)
    for i, (d, kurs) in enumerate(sorted(rows, reverse=True)):
        ws.write_number(3 + i, 0, i + 1)
        ws.write_string(3 + i, 1, _us_time(d))
        ws.write_number(3 + i, 2, float(kurs), money)
    wb.close()
    return {(d, "USD"): _price(kurs) for d, kurs in rows}


# ---- marketplaces: common ------------------------------------------------------------------------

# Seller SKU and the platform's (TikTok) 19-digit SKU ID of each crafted product.
_CATALOGUE: dict[str, tuple[str, str]] = {
    "Boneka Beruang 30cm": ("BS-BRG-30", "1729384756102930001"),
    "Gantungan Kunci Boneka": ("BS-GKB-01", "1729384756102930002"),
    "Boneka Kelinci Rajut": ("BS-KLC-RJ", "1729384756102930003"),
    "Boneka Panda Jumbo": ("BS-PND-JB", "1729384756102930004"),
    "Boneka Mini": ("BS-MINI-10", "1729384756102930005"),
    "Pita Kado": ("BS-PITA-01", "1729384756102930006"),
}
_BUYERS = [
    ("Rina Setiawati", "rina_s88", "Kota Bekasi"),
    ("Agus Pratama", "aguspr4t", "Kota Depok"),
    ("Dewi Lestari", "dewi.lst", "Jakarta Timur"),
    ("Hendra Wijaya", "hendra_wj", "Kabupaten Bogor"),
]


def _sku(name: str) -> tuple[str, str]:
    return _CATALOGUE.get(name, ("BS-LAIN", "1729384756102939999"))


# ---- Shopee Order.all ----------------------------------------------------------------------------

SHOPEE_SALE = {"Selesai", "Dikirim"}  # Batal, Belum Bayar, Pengembalian Dana/Barang are not sales
_SHOPEE_REASON = {"Batal": "Dibatalkan oleh Pembeli. Alasan: Ingin mengubah alamat pengiriman"}

# Multi-item orders with shipping: summing `Total Pembayaran` per line gives Rp5.289.969 for the sales,
# `Harga Awal` × `Jumlah` Rp2.364.000; the truth (Harga Setelah Diskon × Jumlah) is Rp2.056.969.
# 2503043J8K9L0M is created at 00:30 local (17:30 UTC the day before): it belongs to 4 March.
SHOPEE_ORDERS: list[Order] = [
    ("2503031A2B3C4D", "Selesai", datetime(2025, 3, 3, 9, 15),
     [("Boneka Beruang 30cm", 99_500, 2, 110_000), ("Gantungan Kunci Boneka", 135_000, 1)], 12_000),
    ("2503032E5F6G7H", "Dikirim", datetime(2025, 3, 3, 23, 50), [("Boneka Kelinci Rajut", 223_469, 1, 249_000)], 0),
    ("2503034N1P2Q3R", "Batal", datetime(2025, 3, 3, 10, 0), [("Boneka Beruang 30cm", 99_500, 1, 110_000)], 12_000),
    ("2503043J8K9L0M", "Selesai", datetime(2025, 3, 4, 0, 30),
     [("Boneka Panda Jumbo", 1_250_000, 1, 1_500_000), ("Boneka Mini", 45_000, 3), ("Pita Kado", 5_000, 3)], 25_000),
    ("2503045S4T5U6V", "Belum Bayar", datetime(2025, 3, 4, 11, 20),
     [("Boneka Kelinci Rajut", 223_469, 2, 249_000)], 9_000),
    ("2503046W7X8Y9Z", "Pengembalian Dana/Barang", datetime(2025, 3, 4, 15, 5),
     [("Boneka Mini", 45_000, 2), ("Gantungan Kunci Boneka", 135_000, 1)], 9_000),
    ("2503047A1C3E5G", "Selesai", datetime(2025, 3, 4, 19, 45), [("Boneka Beruang 30cm", 99_500, 1, 110_000)], 0),
]  # fmt: skip
SHOPEE_EXPECTED = SalesTruth(
    totals={date(2025, 3, 3): 557_469, date(2025, 3, 4): 1_499_500},
    sales={date(2025, 3, 3): 2, date(2025, 3, 4): 2},
    excluded=3,
)
SHOPEE_FILE = "Order.all.20250301_20250331.xlsx"
_SHOPEE_FRONT = ["No. Pesanan", "Status Pesanan", "Alasan Pembatalan", "No. Resi", "Waktu Pesanan Dibuat",
                 "Nama Produk", "Harga Awal", "Harga Setelah Diskon", "Jumlah"]  # fmt: skip
_SHOPEE_BACK = ["Ongkos Kirim Dibayar oleh Pembeli", "Total Pembayaran"]
SHOPEE_OLD_HEADER = [*_SHOPEE_FRONT, "Total Harga Produk", *_SHOPEE_BACK]
SHOPEE_NEW_HEADER = [*_SHOPEE_FRONT, "Subtotal Pesanan", *_SHOPEE_BACK]


def _resi(i: int, status: str, numeric: bool) -> str:
    """A crafted tracking number: 'SPXID05…' or 19 digits; none for orders never shipped."""
    if status in ("Batal", "Belum Bayar"):
        return ""
    return f"20815739204618{i:05d}" if numeric else f"SPXID05{523461890 + i:09d}"


def _shopee_rows(orders: list[Order], form: str, numeric_resi: bool = False) -> list[list[str | int]]:
    """One row per item; money as Indonesian text; order-level values repeated on each of its rows."""
    rows: list[list[str | int]] = []
    for i, order in enumerate(orders):
        number, status, created, _, shipping = order
        goods = _goods(order)
        for name, price, qty, original in _items(order):
            middle = price * qty if form == "old" else goods  # Total Harga Produk / Subtotal Pesanan
            rows.append([number, status, _SHOPEE_REASON.get(status, ""), _resi(i, status, numeric_resi),
                         f"{created:%Y-%m-%d %H:%M}", name, _thousands(original), _thousands(price), qty,
                         _thousands(middle), _thousands(shipping), _thousands(goods + shipping)])  # fmt: skip
    return rows


def shopee_old(
    landing: Path, producer: str, orders: list[Order] = SHOPEE_ORDERS, name: str = SHOPEE_FILE
) -> SalesTruth:
    """`transactions/shopee/<producer>/Order.all.20250301_20250331.xlsx`, sheet 'orders', the older form with
    `Total Harga Produk` (price × quantity of the line); `Total Pembayaran` (goods + shipping of the ORDER)
    repeated on every line; money text '99.500'; times '2025-03-03 09:15'.
    """
    rows = _shopee_rows(orders, "old")
    _sheet(landing / "transactions" / "shopee" / producer / name, {"orders": [SHOPEE_OLD_HEADER, *rows]})
    return outcome(orders, SHOPEE_SALE)


def shopee_new(
    landing: Path, producer: str, orders: list[Order] = SHOPEE_ORDERS, name: str = SHOPEE_FILE
) -> SalesTruth:
    """The newer form: no `Total Harga Produk`; `Subtotal Pesanan` (goods of the ORDER) repeated per line."""
    rows = _shopee_rows(orders, "new")
    _sheet(landing / "transactions" / "shopee" / producer / name, {"orders": [SHOPEE_NEW_HEADER, *rows]})
    return outcome(orders, SHOPEE_SALE)


def _us_resaved(text: str) -> str:
    """What a US-locale spreadsheet makes of Indonesian money text: '99.500' is read as 99.5 and written back
    '99.5', '135.000' -> '135', '223.469' stays; '1.250.000' is no number to it and stays text.
    """
    return _plain(Decimal(text)) if text.count(".") == 1 else text


def shopee_us_roundtrip(
    landing: Path,
    producer: str,
    orders: list[Order] = SHOPEE_ORDERS,
    *,
    amounts: bool = True,
    resi: bool = True,
    times: bool = True,
    name: str = "Order.all.resaved.csv",
) -> Refused:
    """The old form opened and re-saved as CSV by a US-locale spreadsheet: with `amounts`, money '99.5'
    (was 99.500), '135' (was 135.000), '223.469' unchanged but now read as 223.469; with `resi`, 19-digit
    tracking numbers as '2.08E+18'; with `times`, '3/4/2025 0:30' (month first, no padding). Refused: the
    amounts can no longer be told apart from decimals, the tracking numbers are lost.
    """
    rows = _shopee_rows(orders, "old", numeric_resi=resi)
    for row in rows:
        if amounts:
            for c in (6, 7, 9, 10, 11):
                row[c] = _us_resaved(str(row[c]))
        if resi and row[3]:
            row[3] = f"{float(row[3]):.2E}"
        if times:
            t = datetime.strptime(str(row[4]), "%Y-%m-%d %H:%M")
            row[4] = f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}"
    path = landing / "transactions" / "shopee" / producer / name
    _csv(path, SHOPEE_OLD_HEADER, rows)
    why = [w for w, on in (("amounts re-read as decimals", amounts), ("Resi in scientific notation", resi)) if on]
    return Refused(path, ", ".join(why) or "none: times only")


def shopee_us_amounts_only(landing: Path, producer: str) -> Refused:
    """Only the amounts damaged: Resi 'SPXID05…', times '2025-03-03 09:15' as exported."""
    return shopee_us_roundtrip(landing, producer, resi=False, times=False, name="Order.all.amounts.csv")


def shopee_us_resi_only(landing: Path, producer: str) -> Refused:
    """Only the Resi damaged ('2.08E+18'): amounts '99.500' and times '2025-03-03 09:15' as exported."""
    return shopee_us_roundtrip(landing, producer, amounts=False, times=False, name="Order.all.resi.csv")


# ---- Tokopedia Laporan Penjualan -------------------------------------------------------------------

TOKOPEDIA_SALE = {"Pesanan Selesai"}  # Dibatalkan Pembeli, Dibatalkan Sistem are not sales
# Order totals include shipping, repeated per line; 13 March proves day first; 00:10 belongs to 4 March.
TOKOPEDIA_ORDERS: list[Order] = [
    ("INV/20250303/MPL/3912345678", "Pesanan Selesai", datetime(2025, 3, 3, 9, 15),
     [("Boneka Beruang 30cm", 99_500, 2, 110_000), ("Gantungan Kunci Boneka", 35_000, 1)], 15_000),
    ("INV/20250303/MPL/3912345702", "Dibatalkan Pembeli", datetime(2025, 3, 3, 13, 40, 12),
     [("Boneka Kelinci Rajut", 185_000, 1)], 12_000),
    ("INV/20250304/MPL/3913400219", "Pesanan Selesai", datetime(2025, 3, 4, 0, 10, 5),
     [("Boneka Panda Jumbo", 1_150_000, 1, 1_300_000)], 0),
    ("INV/20250313/MPL/3920077431", "Pesanan Selesai", datetime(2025, 3, 13, 16, 2, 44),
     [("Boneka Mini", 42_500, 4, 50_000), ("Pita Kado", 5_000, 4), ("Boneka Kelinci Rajut", 185_000, 1)], 18_000),
    ("INV/20250313/MPL/3920081155", "Dibatalkan Sistem", datetime(2025, 3, 13, 20, 30),
     [("Boneka Beruang 30cm", 99_500, 3, 110_000)], 15_000),
]  # fmt: skip
TOKOPEDIA_EXPECTED = SalesTruth(
    totals={date(2025, 3, 3): 234_000, date(2025, 3, 4): 1_150_000, date(2025, 3, 13): 375_000},
    sales={date(2025, 3, 3): 1, date(2025, 3, 4): 1, date(2025, 3, 13): 1},
    excluded=2,
)
TOKOPEDIA_HEADER = ["Nomor", "Nomor Invoice", "Tanggal Pembayaran", "Status Terakhir", "Nama Produk", "Nomor SKU",
                    "Jumlah Produk Dibeli", "Harga Awal (IDR)", "Harga Jual (IDR)", "Total Penjualan (IDR)",
                    "Nama Pembeli", "Kota"]  # fmt: skip


def tokopedia(landing: Path, producer: str, orders: list[Order] = TOKOPEDIA_ORDERS) -> SalesTruth:
    """`transactions/tokopedia/<producer>/Laporan Penjualan 2025-03.xlsx`: three title rows, row 4 blank,
    header on row 5; `Tanggal Pembayaran` text '03-03-2025 09:15:00' (day first); money whole numbers;
    `Harga Jual (IDR)` the unit price after discount; `Total Penjualan (IDR)` the order total (goods +
    shipping) repeated on every line of the order.
    """
    rows: list[list[object]] = [["Laporan Penjualan"], ["Toko: Boneka Sejahtera"],
                                ["Periode: 01-03-2025 - 31-03-2025"], [], TOKOPEDIA_HEADER]  # fmt: skip
    n = 0
    for i, order in enumerate(orders):
        invoice, status, paid, _, shipping = order
        buyer, _, city = _BUYERS[i % len(_BUYERS)]
        for name, price, qty, original in _items(order):
            n += 1
            rows.append([n, invoice, f"{paid:%d-%m-%Y %H:%M:%S}", status, name, _sku(name)[0], qty, original, price,
                         _goods(order) + shipping, buyer, city])  # fmt: skip
    _sheet(landing / "transactions" / "tokopedia" / producer / "Laporan Penjualan 2025-03.xlsx",
           {"Laporan Penjualan": rows})  # fmt: skip
    return outcome(orders, TOKOPEDIA_SALE)


# ---- TikTok Shop: Semua pesanan ----------------------------------------------------------------------

TIKTOK_SALE = {"Selesai"}  # Dibatalkan, Belum dibayar are not sales
# 06:45 local on 4 March is 23:45 UTC on the 3rd; 14 March proves day first.
TIKTOK_ORDERS: list[Order] = [
    ("576912345678901234", "Selesai", datetime(2025, 3, 3, 9, 15),
     [("Boneka Beruang 30cm", 95_000, 2, 110_000), ("Gantungan Kunci Boneka", 35_000, 2)], 9_000),
    ("576912345678905678", "Belum dibayar", datetime(2025, 3, 3, 21, 5, 30),
     [("Boneka Panda Jumbo", 1_200_000, 1, 1_300_000)], 0),
    ("576913400219874411", "Selesai", datetime(2025, 3, 4, 6, 45, 10),
     [("Boneka Kelinci Rajut", 179_900, 1, 185_000)], 11_500),
    ("576913400219879902", "Dibatalkan", datetime(2025, 3, 4, 12, 0), [("Boneka Mini", 42_500, 2)], 9_000),
    ("576920077431236610", "Selesai", datetime(2025, 3, 14, 19, 59, 59),
     [("Boneka Mini", 42_500, 3, 50_000), ("Boneka Beruang 30cm", 95_000, 1, 110_000)], 0),
]  # fmt: skip
TIKTOK_EXPECTED = SalesTruth(
    totals={date(2025, 3, 3): 260_000, date(2025, 3, 4): 179_900, date(2025, 3, 14): 222_500},
    sales={date(2025, 3, 3): 1, date(2025, 3, 4): 1, date(2025, 3, 14): 1},
    excluded=2,
)
# Column -> the description TikTok puts on the line under the header (our own wording).
TIKTOK_COLUMNS: dict[str, str] = {
    "Order ID": "Platform unique order ID.",
    "Order Status": "Current status of the order.",
    "Order Substatus": "Detailed status of the order.",
    "Cancelation/Return Type": "Whether the order was cancelled or returned.",
    "SKU ID": "Platform unique SKU ID.",
    "Seller SKU": "SKU code set by the seller.",
    "Product Name": "Name of the product.",
    "Variation": "Variation of the product.",
    "Quantity": "Units of this SKU in the order.",
    "SKU Unit Original Price": "Price of one unit before discounts.",
    "SKU Subtotal Before Discount": "Unit original price times quantity.",
    "SKU Platform Discount": "Discount funded by the platform.",
    "SKU Seller Discount": "Discount funded by the seller.",
    "SKU Subtotal After Discount": "Subtotal of this SKU after discounts.",
    "Shipping Fee After Discount": "Shipping fee paid by the buyer after discounts.",
    "Order Amount": "Total paid by the buyer for the order.",
    "Created Time": "Time the order was placed.",
    "Paid Time": "Time the order was paid.",
    "Buyer Username": "Username of the buyer.",
    "Province": "Province of the delivery address.",
    "Regency and City": "Regency or city of the delivery address.",
}
_TIKTOK_SUB = {"Selesai": ("Selesai", ""), "Dibatalkan": ("Dibatalkan oleh pembeli", "Cancel"),
               "Belum dibayar": ("Belum dibayar", "")}  # fmt: skip


def tiktok(landing: Path, producer: str, orders: list[Order] = TIKTOK_ORDERS) -> SalesTruth:
    """`transactions/tiktok/<producer>/Semua pesanan.csv`, UTF-8 with BOM; a description line under the header;
    18-digit Order IDs; `SKU Subtotal After Discount` the line value (platform discount 0, the seller's
    discount the rest); `Order Amount` the order total (goods + shipping) repeated per line; times
    '03/03/2025 09:15:00' day first; no Paid Time for unpaid orders.
    """
    rows: list[list[object]] = [list(TIKTOK_COLUMNS.values())]
    for i, order in enumerate(orders):
        number, status, created, _, shipping = order
        sub, kind = _TIKTOK_SUB.get(status, (status, ""))
        _, user, city = _BUYERS[i % len(_BUYERS)]
        paid = "" if status == "Belum dibayar" else f"{created.replace(second=59):%d/%m/%Y %H:%M:%S}"
        for name, price, qty, original in _items(order):
            seller_sku, sku_id = _sku(name)
            rows.append([number, status, sub, kind, sku_id, seller_sku, name, "Default", qty, original,
                         original * qty, 0, (original - price) * qty, price * qty, shipping,
                         _goods(order) + shipping, f"{created:%d/%m/%Y %H:%M:%S}", paid, user, "Jawa Barat",
                         city.upper()])  # fmt: skip
    _csv(landing / "transactions" / "tiktok" / producer / "Semua pesanan.csv", list(TIKTOK_COLUMNS), rows,
         encoding="utf-8-sig")  # fmt: skip
    return outcome(orders, TIKTOK_SALE)


# ---- generic transactions CSVs: dates, ragged lines, implausible amounts -------------------------------

TX_HEADER = list(TRANSACTIONS.names)  # transaction_id,producer_id,occurred_at,amount_idr,quantity,category,channel


def _generic(landing: Path, name: str) -> Path:
    return landing / "transactions" / (name if name.endswith(".csv") else f"{name}.csv")


# case -> (occurred_at texts, the local days they stand for, or None when the file must be refused).
# Row i (0-based) sells Rp(i + 1) × 100.000, quantity 1, producer P1.
DATE_CASES: dict[str, tuple[list[str], list[date] | None]] = {
    "day first": (["24/03/2025 10:00", "03/04/2025 10:00"], [date(2025, 3, 24), date(2025, 4, 3)]),
    "month first": (["03/24/2025 10:00", "04/03/2025 10:00"], [date(2025, 3, 24), date(2025, 4, 3)]),
    "both in one column": (["24/03/2025 10:00", "04/03/2025 10:00", "03/25/2025 10:00"], None),
    "all ambiguous": (["03/04/2025", "04/03/2025"], [date(2025, 4, 3), date(2025, 3, 4)]),  # our layout: day first
}


def tx_dates(landing: Path, name: str, texts: list[str]) -> Path:
    """`transactions/<name>.csv` in the contract's columns, `occurred_at` holding `texts`; truth in DATE_CASES
    (`date_case` writes a case by name and returns its SalesTruth or Refused).
    """
    rows = [[f"D{i + 1}", "P1", t, (i + 1) * 100_000, 1, "", "tunai"] for i, t in enumerate(texts)]
    path = _generic(landing, name)
    _csv(path, TX_HEADER, rows)
    return path


def date_case(landing: Path, case: str) -> SalesTruth | Refused:
    texts, days = DATE_CASES[case]
    path = tx_dates(landing, case.replace(" ", "_"), texts)
    if days is None:
        return Refused(path, "day-first and month-first dates in one column")
    totals: dict[date, int] = defaultdict(int)
    for i, d in enumerate(days):
        totals[d] += (i + 1) * 100_000
    return SalesTruth(dict(totals), dict(Counter(days)))


# Line 4 writes Rp75.000 as `75,000` unquoted: one field more than the header (8 for 7).
TX_RAGGED = """\
transaction_id,producer_id,occurred_at,amount_idr,quantity,category,channel
G1,P1,2025-03-03T09:15:00,1250000,2,,tunai
G2,P1,2025-03-03T14:30:00,75000,1,,qris
G3,P2,2025-03-04T08:00:00,75,000,1,,tunai
G4,P2,2025-03-04T19:45:00,980500,3,,marketplace
G5,P2,2025-03-04T20:00:00,150000,1,,pameran
"""
TX_RAGGED_EXPECTED = SalesTruth(
    totals={date(2025, 3, 3): 1_325_000, date(2025, 3, 4): 1_130_500},
    sales={date(2025, 3, 3): 2, date(2025, 3, 4): 2},
    quarantined=(4,),
)


def tx_ragged(landing: Path) -> SalesTruth:
    """`transactions/ragged.csv`: four good rows accepted, line 4 (G3, an extra field) quarantined."""
    path = _generic(landing, "ragged")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(TX_RAGGED.replace("\n", "\r\n").encode("utf-8"))
    return TX_RAGGED_EXPECTED


# Line -> (transaction, amount) of the implausible rows: Rp500 (zeros missing) and Rp50.000.000.000 (above
# QualitySettings.amount_ceiling_idr, Rp1.000.000.000). Both are valid contract values: what the checks make
# of them is their business; `IMPLAUSIBLE_PLAUSIBLE` are the other rows alone.
IMPLAUSIBLE: dict[int, tuple[str, int]] = {2: ("I1", 500), 4: ("I3", 50_000_000_000)}
IMPLAUSIBLE_ROWS = [
    ["I1", "P1", "2025-03-03T09:00:00", 500, 1, "", "tunai"],
    ["I2", "P1", "2025-03-03T10:00:00", 125_000, 1, "", "qris"],
    ["I3", "P2", "2025-03-04T11:00:00", 50_000_000_000, 1, "", "grosir"],
    ["I4", "P2", "2025-03-04T19:45:00", 980_500, 3, "", "marketplace"],
]
IMPLAUSIBLE_PLAUSIBLE = SalesTruth(
    totals={date(2025, 3, 3): 125_000, date(2025, 3, 4): 980_500}, sales={date(2025, 3, 3): 1, date(2025, 3, 4): 1}
)
IMPLAUSIBLE_ALL = SalesTruth(
    totals={date(2025, 3, 3): 125_500, date(2025, 3, 4): 50_000_980_500},
    sales={date(2025, 3, 3): 2, date(2025, 3, 4): 2},
)


def tx_implausible(landing: Path) -> dict[int, tuple[str, int]]:
    """`transactions/implausible.csv`; returns IMPLAUSIBLE (line -> (transaction, amount))."""
    _csv(_generic(landing, "implausible"), TX_HEADER, IMPLAUSIBLE_ROWS)
    return IMPLAUSIBLE
