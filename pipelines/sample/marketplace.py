"""Marketplace order exports for the messy sample (`pipelines.sample.messy`): Shopee, Tokopedia, TikTok Shop.

A few producers' clean marketplace sales leave the generic transactions files and come back as the order
exports their shops download, one file per producer and month in `transactions/<marketplace>/<producer_id>/`.
Each sale becomes one completed order whose item lines add up exactly to its amount and quantity; a few
cancelled, returned or unpaid orders (no sale, excluded by ingest) are added to every file.

Also the small writers both messy modules share: xlsx (fixed creation date, so files are byte-identical),
CSV, Indonesian thousands and clean ISO times as Asia/Jakarta local time.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from models import aliases
from pipelines.sample.marketplace_headers import SHOPEE_NEWER, SHOPEE_OLDER, TIKTOK, TOKOPEDIA

MARKETPLACES: tuple[str, ...] = tuple(aliases.MARKETPLACES)  # the landing folders ingest reads
LAYOUTS: tuple[str, ...] = ("shopee_older_xlsx", "shopee_newer_xlsx", "shopee_newer_csv", "tokopedia", "tiktok")
PER_MARKETPLACE = 3
CREATED = datetime(2025, 1, 1)  # xlsx document property: fixed, so the same seed gives the same bytes
WIB = timezone(timedelta(hours=7))  # Asia/Jakarta has kept +07:00 since 1964
CLEAN_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$"
_WHOLE = r"^[1-9]\d*$"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

# Product lines per category: (name, variation); the SKU is derived from the position.
_PRODUCTS: dict[str, tuple[tuple[str, str], ...]] = {
    "makanan": (
        ("Keripik Singkong Balado 250 gr", "Pedas"),
        ("Kue Nastar Premium 500 gr", ""),
        ("Sambal Bawang Botol 200 ml", "Original"),
        ("Basreng Pedas Daun Jeruk 100 gr", "Level 3"),
        ("Dodol Betawi Kotak 400 gr", ""),
    ),
    "konveksi": (
        ("Kaos Polos Cotton Combed 30s", "Hitam, L"),
        ("Gamis Syari Busui", "Navy, XL"),
        ("Seragam Kerja Drill", "Abu, M"),
        ("Mukena Katun Rayon Bordir", "Putih"),
    ),
    "kerajinan": (
        ("Tas Anyaman Eceng Gondok", "Natural"),
        ("Souvenir Miniatur Tugu Bekasi", ""),
        ("Kotak Tisu Rotan", "Coklat"),
        ("Hiasan Dinding Batik Bekasi", "40x60 cm"),
    ),
    "ikan_hias": (
        ("Ikan Cupang Halfmoon Jantan", "Merah"),
        ("Ikan Guppy Full Black Sepasang", ""),
        ("Ikan Koi Kohaku 15 cm", ""),
        ("Pakan Ikan Hias Pelet 100 gr", ""),
    ),
    "boneka": (
        ("Boneka Beruang Teddy 50 cm", "Coklat"),
        ("Boneka Kelinci Rajut", "Pink"),
        ("Boneka Karakter Bantal", "Biru"),
    ),
    "furnitur": (
        ("Rak Buku Kayu Jati Belanda", "3 susun"),
        ("Kursi Rotan Sintetis", "Hitam"),
        ("Meja Lipat Kayu", "60x40 cm"),
    ),
    "lainnya": (
        ("Sabun Sereh Wangi Handmade", "100 gr"),
        ("Sandal Kulit Pria", "42"),
        ("Parfum Non Alkohol 30 ml", "Musk"),
    ),
}
_CITIES = (
    ("KOTA BEKASI", "JAWA BARAT"),
    ("KAB. BEKASI", "JAWA BARAT"),
    ("KOTA JAKARTA TIMUR", "DKI JAKARTA"),
    ("KOTA DEPOK", "JAWA BARAT"),
    ("KOTA BOGOR", "JAWA BARAT"),
    ("KOTA TANGERANG", "BANTEN"),
    ("KOTA BANDUNG", "JAWA BARAT"),
    ("KOTA SURABAYA", "JAWA TIMUR"),
)
_BUYERS = ("Siti", "Rina", "Dewi", "Budi", "Agus", "Yanti", "Andi", "Fitri", "Rahmat", "Lilis", "Hendra", "Maya")
_SHIPPING = (0, 8000, 9000, 10000, 12000, 15000, 18000, 22000)
# Excluded states per marketplace: (status, Shopee's reason or TikTok's cancellation type, paid?).
_EXCLUDED = {
    "shopee": (
        ("Batal", "Dibatalkan oleh Pembeli. Alasan: Ingin mengubah alamat pengiriman", True),
        ("Belum Bayar", "", False),
        ("Pengembalian Dana/Barang", "", True),
    ),
    "tokopedia": (("Dibatalkan Pembeli", "", True), ("Dibatalkan Sistem", "", False)),
    "tiktok": (("Dibatalkan", "Cancel", True), ("Belum dibayar", "", False)),
}
_DONE = {"shopee": "Selesai", "tokopedia": "Pesanan Selesai", "tiktok": "Selesai"}


@dataclass(frozen=True)
class Order:
    number: str
    created: datetime  # Asia/Jakarta local time
    paid: datetime | None
    status: str
    reason: str  # Shopee's cancellation reason, TikTok's cancellation type
    lines: tuple[tuple[int, int, int, int], ...]  # (product index, original unit price, unit price, quantity)
    shipping: int
    buyer: str  # username, e.g. siti1234
    city: tuple[str, str]  # (city or regency, province)
    tracking: str  # courier's tracking number (No. Resi)

    @property
    def goods(self) -> int:
        return sum(p * q for _, _, p, q in self.lines)


# --------------------------------------------------------------------------------------------------
# Shared writers


def thousands(n: int) -> str:
    """1250000 -> '1.250.000' (Indonesian thousands dots)."""
    return f"{n:,}".replace(",", ".")


def local_time(text: str) -> datetime:
    """A clean ISO time (naive = local, or with Z / an offset) as naive Asia/Jakarta local time."""
    t = datetime.fromisoformat(text)
    return t.astimezone(WIB).replace(tzinfo=None) if t.tzinfo else t


def is_clean_time(text: str | None) -> bool:
    """An ISO time as the clean sample writes it (seconds, optional Z or offset) that is a real time."""
    if text is None or re.match(CLEAN_TIME, text) is None:
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def write_xlsx(path: Path, sheet: str, rows: Sequence[Sequence[object]], title: str | None = None) -> None:
    """One sheet; text stays text, numbers numbers; `title` merged over A3:E3 (Bank Indonesia downloads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": CREATED})
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                if value:
                    ws.write_string(r, c, value)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
    if title is not None:
        ws.merge_range(2, 0, 2, 4, title, wb.add_format({"bold": True, "align": "center"}))
    wb.close()


def write_csv(path: Path, rows: Sequence[Sequence[object]], sep: str = ",", bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig" if bom else "utf-8"))


# --------------------------------------------------------------------------------------------------
# Which sales move


def movable(rows: pl.DataFrame, registry: pl.DataFrame) -> pl.Series:
    """Clean marketplace sales a shop's export can carry: in a monthly file, the only row with their key,
    a registered producer, the producer's own category (or none), a whole amount and quantity, an ISO time."""
    cats = dict(zip(registry["producer_id"].to_list(), registry["category"].to_list(), strict=True))
    key_rows = pl.len().over("producer_id", "transaction_id")
    own = pl.col("producer_id").replace_strict(cats, default=None, return_dtype=pl.String)
    return rows.select(
        pl.col("_monthly")
        & (key_rows == 1)
        & pl.col("transaction_id").is_not_null()
        & own.is_not_null()
        & (pl.col("category").is_null() | (pl.col("category") == own))
        & (pl.col("channel") == "marketplace")
        & pl.col("amount_idr").str.contains(_WHOLE).fill_null(False)
        & pl.col("quantity").str.contains(_WHOLE).fill_null(False)
    ).to_series().fill_null(False) & pl.Series(
        [is_clean_time(t) for t in rows["occurred_at"].to_list()], dtype=pl.Boolean
    )


def choose_shops(rows: pl.DataFrame, ok: pl.Series, rng: np.random.Generator) -> dict[str, str]:
    """producer_id -> marketplace: PER_MARKETPLACE producers with movable sales for each marketplace."""
    candidates = sorted(set(rows.filter(ok)["producer_id"].to_list()))
    picked = [candidates[i] for i in rng.permutation(len(candidates))[: PER_MARKETPLACE * len(MARKETPLACES)]]
    return {pid: MARKETPLACES[min(i // PER_MARKETPLACE, len(MARKETPLACES) - 1)] for i, pid in enumerate(picked)}


# --------------------------------------------------------------------------------------------------
# Orders


def split(rng: np.random.Generator, amount: int, qty: int) -> list[tuple[int, int]]:
    """1–3 item lines (unit price, quantity) with Σ price × quantity == amount and Σ quantity == qty."""
    k = min(qty, int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])))
    if k == 1 and amount % qty == 0:
        return [(amount // qty, qty)]
    for _ in range(5 if k > 1 else 0):
        cuts = np.sort(rng.choice(np.arange(1, qty), size=k - 1, replace=False))
        qs = np.diff(np.r_[0, cuts, qty]).tolist()
        shares = rng.dirichlet(np.full(k, 2.0))
        prices = [max(100, round(amount * s / q / 100) * 100) for s, q in zip(shares[:-1], qs[:-1], strict=True)]
        rest = amount - sum(p * q for p, q in zip(prices, qs, strict=False))
        if rest > 0 and rest % qs[-1] == 0:
            return [*zip(prices, qs[:-1], strict=True), (rest // qs[-1], qs[-1])]
    if amount % qty == 0:
        return [(amount // qty, qty)]
    unit = amount // qty  # qty >= 2 here: qty - 1 items at `unit`, the last one takes the rest
    return [(unit, qty - 1), (amount - unit * (qty - 1), 1)]


class _Numbers:
    """Order numbers in each marketplace's own form, unique across the whole sample."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.used = rng, set[str]()

    def digits(self, n: int) -> str:
        return "".join(str(d) for d in self.rng.integers(0, 10, n))

    def new(self, market: str, at: datetime) -> str:
        while True:
            if market == "shopee":
                number = f"{at:%y%m%d}" + "".join(_ALNUM[i] for i in self.rng.integers(0, len(_ALNUM), 8))
            elif market == "tokopedia":
                number = f"INV/{at:%Y%m%d}/MPL/{self.digits(10)}"
            else:
                number = "57" + self.digits(16)
            if number not in self.used:
                self.used.add(number)
                return number


def _order(
    rng: np.random.Generator,
    numbers: _Numbers,
    market: str,
    at: datetime,
    lines: list[tuple[int, int]],
    n_products: int,
    status: tuple[str, str, bool],
) -> Order:
    day_end = datetime.combine(at.date(), datetime.max.time()).replace(microsecond=0)
    paid = min(day_end, at + timedelta(minutes=int(rng.integers(1, 30)), seconds=int(rng.integers(0, 60))))
    items = []
    for price, q in lines:
        markup = 1.0 if rng.random() < 0.6 else float(rng.uniform(1.05, 1.3))
        items.append((int(rng.integers(n_products)), max(price, int(-(-price * markup // 100) * 100)), price, q))
    city = _CITIES[int(rng.integers(len(_CITIES)))]
    buyer = f"{_BUYERS[int(rng.integers(len(_BUYERS)))].lower()}{int(rng.integers(10, 9999))}"
    shipping = _SHIPPING[int(rng.integers(len(_SHIPPING)))]
    tracking = "SPXID" + numbers.digits(10)
    return Order(
        numbers.new(market, at),
        at,
        paid if status[2] else None,
        status[0],
        status[1],
        tuple(items),
        shipping,
        buyer,
        city,
        tracking,
    )


def orders_for(
    rng: np.random.Generator, numbers: _Numbers, market: str, sales: list[tuple[datetime, int, int]], n_products: int
) -> tuple[list[Order], int]:
    """One completed order per sale, plus 1–3 excluded orders on days with sales; (orders by time, excluded)."""
    done = (_DONE[market], "", True)
    out = [_order(rng, numbers, market, at, split(rng, amount, qty), n_products, done) for at, amount, qty in sales]
    n_excluded = int(rng.integers(1, 4))
    for _ in range(n_excluded):
        day = sales[int(rng.integers(len(sales)))][0].date()
        at = datetime.combine(day, datetime.min.time()) + timedelta(seconds=int(rng.integers(0, 86_400)))
        lines = [(int(rng.integers(40, 600)) * 500, int(rng.integers(1, 4))) for _ in range(int(rng.integers(1, 3)))]
        states = _EXCLUDED[market]
        out.append(_order(rng, numbers, market, at, lines, n_products, states[int(rng.integers(len(states)))]))
    return sorted(out, key=lambda o: (o.created, o.number)), n_excluded


# --------------------------------------------------------------------------------------------------
# The three layouts


def _shopee_rows(orders: list[Order], products: tuple[tuple[str, str], ...], newer: bool, as_text: bool) -> list:
    rows: list[list[object]] = [SHOPEE_NEWER if newer else SHOPEE_OLDER]
    refund = {"Batal": "Pembatalan Disetujui", "Pengembalian Dana/Barang": "Pengembalian Dana Disetujui"}
    for o in orders:
        resi = "" if o.paid is None or o.status == "Batal" else o.tracking
        for p_idx, orig, price, q in o.lines:
            name, variation = products[p_idx]
            head = [
                o.number,
                o.status,
                o.reason,
                refund.get(o.status, ""),
                resi,
                "SPX Standard",
                f"{o.created:%Y-%m-%d %H:%M}",
                f"{o.paid:%Y-%m-%d %H:%M}" if o.paid else "",
                f"SKU-{p_idx + 1:03d}",
                name,
                variation,
                thousands(orig),
                thousands(price),
                str(q) if as_text else q,
            ]
            middle = (
                [thousands((orig - price) * q), thousands(o.goods)]
                if newer
                else [thousands(price * q), thousands((orig - price) * q)]
            )
            tail = [thousands(o.shipping), thousands(o.goods + o.shipping), o.buyer, *o.city]
            rows.append(head + middle + tail)
    return rows


def _tokopedia_rows(
    orders: list[Order], products: tuple[tuple[str, str], ...], shop: str, first: date, last: date
) -> list:
    rows: list[list[object]] = [
        ["Laporan Penjualan"],
        [f"Toko: {shop}"],
        [f"Periode: {first:%d-%m-%Y} - {last:%d-%m-%Y}"],
        [],
        TOKOPEDIA,
    ]
    for o in orders:
        for p_idx, orig, price, q in o.lines:
            name = o.buyer.rstrip("0123456789")
            rows.append(
                [
                    len(rows) - 4,
                    o.number,
                    f"{o.created:%d-%m-%Y %H:%M:%S}",
                    o.status,
                    products[p_idx][0],
                    f"SKU-{p_idx + 1:03d}",
                    q,
                    orig,
                    price,
                    o.goods,
                    f"{name[0].upper()}***{name[-1]}",
                    o.city[0].title(),
                ]
            )
    return rows


def _tiktok_rows(orders: list[Order], products: tuple[tuple[str, str], ...], pid: str) -> list:
    rows: list[list[object]] = [list(TIKTOK), list(TIKTOK.values())]
    substatus = {"Selesai": "Selesai", "Dibatalkan": "Dibatalkan", "Belum dibayar": "Menunggu pembayaran"}
    for o in sorted(orders, key=lambda o: (o.created, o.number), reverse=True):  # newest first, as TikTok lists
        for p_idx, orig, price, q in o.lines:
            off = (orig - price) * q
            sku_id = str(1_729_000_000_000_000_000 + zlib.crc32(pid.encode()) % 10**9 * 1000 + p_idx)
            rows.append(
                [
                    o.number,
                    o.status,
                    substatus[o.status],
                    o.reason,
                    sku_id,
                    f"SKU-{p_idx + 1:03d}",
                    products[p_idx][0],
                    products[p_idx][1],
                    q,
                    orig,
                    orig * q,
                    off // 2,
                    off - off // 2,
                    price * q,
                    o.shipping,
                    o.goods + o.shipping,
                    f"{o.created:%d/%m/%Y %H:%M:%S}",
                    f"{o.paid:%d/%m/%Y %H:%M:%S}" if o.paid else "",
                    o.buyer,
                    o.city[1].title(),
                    o.city[0].title(),
                ]
            )
    return [[str(v) for v in row] for row in rows]


@dataclass(frozen=True)
class Shop:
    producer_id: str
    market: str
    rank: int  # position among the marketplace's producers: picks the Shopee form
    name: str
    category: str


def write_month(folder: Path, shop: Shop, month: int, tag: str, orders: list[Order]) -> tuple[Path, str]:
    """Write one producer's month of orders in its marketplace's layout; (path, layout name)."""
    y, m = int(tag[:4]), int(tag[5:])
    first, last = date(y, m, 1), date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
    products = _PRODUCTS.get(shop.category, _PRODUCTS["lainnya"])
    base = folder / shop.market / shop.producer_id
    if shop.market == "tokopedia":
        path = base / f"Laporan Penjualan {tag}.xlsx"
        write_xlsx(path, "Laporan Penjualan", _tokopedia_rows(orders, products, shop.name, first, last))
        return path, "tokopedia"
    if shop.market == "tiktok":
        path = base / f"Semua pesanan-{y:04d}{m:02d}.csv"
        write_csv(path, _tiktok_rows(orders, products, shop.producer_id), bom=True)
        return path, "tiktok"
    newer = (month + shop.rank) % 2 == 1
    stem = f"Order.all.{first:%Y%m%d}_{last:%Y%m%d}"
    if newer and shop.rank % 2 == 0:
        path = base / f"{stem}.csv"
        write_csv(path, _shopee_rows(orders, products, newer=True, as_text=True))
        return path, "shopee_newer_csv"
    path = base / f"{stem}.xlsx"
    write_xlsx(path, "orders", _shopee_rows(orders, products, newer=newer, as_text=False))
    return path, "shopee_newer_xlsx" if newer else "shopee_older_xlsx"


def write_exports(
    folder: Path, moved: pl.DataFrame, shops: dict[str, Shop], months: list[str], rng: np.random.Generator
) -> tuple[list[tuple[str, Path]], dict[str, int]]:
    """The moved sales (columns producer_id, occurred_at, amount_idr, quantity, `_tag`) as order exports.

    Returns (month tag, path) per file written, and counts per layout, of orders and of excluded orders.
    """
    numbers = _Numbers(rng)
    written: list[tuple[str, Path]] = []
    counts = {"orders": 0, "orders_excluded": 0} | dict.fromkeys(LAYOUTS, 0)
    for (pid, tag), part in sorted(moved.group_by("producer_id", "_tag"), key=lambda g: (str(g[0][0]), str(g[0][1]))):
        shop = shops[str(pid)]
        sales = sorted(
            (local_time(t), int(a), int(q))
            for t, a, q in part.select("occurred_at", "amount_idr", "quantity").iter_rows()
        )
        products = _PRODUCTS.get(shop.category, _PRODUCTS["lainnya"])
        orders, excluded = orders_for(rng, numbers, shop.market, sales, len(products))
        path, layout = write_month(folder, shop, months.index(str(tag)), str(tag), orders)
        written.append((str(tag), path))
        counts[layout] += 1
        counts["orders"] += len(sales)
        counts["orders_excluded"] += excluded
    return written, counts


def known_shops(registry: pl.DataFrame, markets: dict[str, str]) -> dict[str, Shop]:
    info = {r["producer_id"]: r for r in registry.iter_rows(named=True)}
    ranks: dict[str, int] = {}
    shops = {}
    for pid, market in markets.items():
        ranks[market] = ranks.get(market, -1) + 1
        shops[pid] = Shop(pid, market, ranks[market], str(info[pid]["name"]), str(info[pid]["category"]))
    return shops
