"""Header aliases: the names people really give a contract's columns, and the marketplace export layout.

A landing file's header is normalised (`normalise`: lower case, every run of other characters to one
`_`), then looked up here. The contract's own name always works; this table is the one place to add
another spelling. `docs/FORMATS.md` lists it for users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from models.contracts import CONTRACTS

_PRODUCER = ("kode_produsen", "id_produsen", "kode_ikm", "id_ikm", "kode_umkm", "producer_code", "produsen")
_CATEGORY = ("kategori", "kategori_produk", "jenis_produk")

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "producers": {
        "producer_id": _PRODUCER,
        "name": ("nama", "nama_usaha", "nama_produsen", "nama_ikm", "business_name"),
        "nib": ("nomor_induk_berusaha", "no_nib", "nomor_nib"),
        "kecamatan": ("kec", "district"),
        "kelurahan": ("kel", "desa", "village"),
        "category": _CATEGORY,
        "kbli": ("kode_kbli",),
        "registered_on": ("tanggal_daftar", "tgl_daftar", "tanggal_registrasi", "registration_date"),
        "exporter": ("eksportir", "ekspor", "is_exporter"),
    },
    "transactions": {
        "transaction_id": (
            "nomor_transaksi",
            "no_transaksi",
            "id_transaksi",
            "kode_transaksi",
            "nomor_nota",
            "no_nota",
            "no_faktur",
            "nomor_faktur",
            "nomor_seri",
            "no_seri",
            "nomor_struk",
            "no_struk",
            "nomor_kwitansi",
            "no_kwitansi",
        ),
        "producer_id": _PRODUCER,
        "occurred_at": (
            "tanggal",
            "tgl",
            "waktu",
            "tanggal_transaksi",
            "waktu_transaksi",
            "tanggal_waktu",
            "tanggal_jual",
            "tgl_jual",
            "tanggal_penjualan",
            "tanggal_nota",
        ),
        # "harga" is the price of the whole sale; a unit price (harga_satuan) is not an amount.
        "amount_idr": (
            "harga",
            "jumlah_rp",
            "nilai",
            "nilai_transaksi",
            "total",
            "total_harga",
            "nominal",
            "omzet",
            "harga_jual",
            "total_penjualan",
            "nilai_penjualan",
            "jumlah_harga",
            "total_bayar",
        ),
        "quantity": ("jumlah", "qty", "kuantitas", "banyak", "jumlah_barang", "jumlah_unit", "jumlah_beli", "terjual"),
        "category": _CATEGORY,
        "channel": ("kanal", "saluran", "saluran_penjualan", "metode_penjualan"),
    },
    "exports": {
        "peb_number": ("nomor_peb", "no_peb", "nomor_pendaftaran_peb", "nomor_aju"),
        "peb_date": ("tanggal_peb", "tgl_peb", "tanggal"),
        "producer_id": _PRODUCER,
        "hs_code": ("kode_hs", "hs", "pos_tarif"),
        "description": ("uraian", "uraian_barang", "deskripsi"),
        "quantity": ("jumlah", "jumlah_barang", "kuantitas", "qty"),
        "unit": ("satuan",),
        "net_weight_kg": ("berat_bersih", "berat_bersih_kg", "netto", "netto_kg"),
        "fob_value": ("nilai_fob", "fob"),
        "currency": ("valuta", "mata_uang"),
        "destination_country": ("negara_tujuan", "negara", "tujuan"),
        "port_of_loading": ("pelabuhan_muat", "pelabuhan"),
    },
    "fx_rates": {
        "date": ("tanggal", "tgl"),
        "currency": ("mata_uang", "valuta", "kode_valuta"),
        "rate_idr": ("kurs", "kurs_tengah", "nilai_kurs", "kurs_jisdor", "rate"),
    },
}


@dataclass(frozen=True)
class KnownLayout:
    """A third party's own file layout (a bank's download, a marketplace's order export), taken as it comes.

    `columns` maps each meaning to the header spellings of that layout (normalised). Its rows are turned
    into the source's contract by the ingest step named after the layout's kind.
    """

    name: str
    title: str  # how users know it
    source: str
    kind: Literal["rates_bid_ask", "rates_one_currency", "marketplace"]
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    key: tuple[str, ...]
    date_order: Literal["dmy", "mdy"]  # the layout's convention, used when no value proves either order
    dot_decimal: bool = False  # `16242.81`: the dot is the decimal mark (no value has thousands dots)
    order_level: tuple[str, ...] = ()  # repeated on every line of a multi-item order: never summed
    description_row: bool = False  # a row under the header describes each column (TikTok Shop)


# Orders in these states are not sales: cancelled, returned or refunded, or never paid.
MARKETPLACE_EXCLUDED = (
    r"batal|pengembalian|dikembalikan|refund|return|cancel|belum (di)?bayar|unpaid|menunggu pembayaran|awaiting payment"
)
# Meanings of a marketplace export's columns. A line's value is `line_total`, else `unit_price` × `quantity`;
# `order_subtotal` (goods of the whole order, on every line) is taken once per order, only without either.
_ORDER = ("order_id", "status", "created_at", "quantity")

SHOPEE = KnownLayout(
    "shopee",
    "Shopee Order.all (Pesanan Saya → Ekspor), older and newer forms",
    "transactions",
    "marketplace",
    {
        "order_id": ("no_pesanan", "nomor_pesanan", "order_id"),
        "status": ("status_pesanan", "order_status"),
        "created_at": ("waktu_pesanan_dibuat", "tanggal_pesanan", "order_creation_date"),
        "quantity": ("jumlah", "kuantitas", "quantity"),
        "unit_price": ("harga_setelah_diskon", "deal_price"),
        "line_total": ("total_harga_produk", "product_subtotal"),
        "order_subtotal": ("subtotal_pesanan", "order_subtotal"),
        "order_total": ("total_pembayaran", "total_amount", "grand_total"),
    },
    _ORDER,
    ("order_id",),
    "mdy",
    order_level=("order_subtotal", "order_total"),
)
TOKOPEDIA = KnownLayout(
    "tokopedia",
    "Tokopedia Laporan Penjualan (Daftar Pesanan → Download Laporan)",
    "transactions",
    "marketplace",
    {
        "order_id": ("nomor_invoice", "invoice"),
        "status": ("status_terakhir", "status_pesanan"),
        "created_at": ("tanggal_pembayaran", "waktu_pembayaran", "tanggal_pesanan"),
        "quantity": ("jumlah_produk_dibeli", "jumlah_produk"),
        "unit_price": ("harga_jual_idr", "harga_jual"),
        "order_total": ("total_penjualan_idr", "total_penjualan"),
    },
    _ORDER,
    ("order_id",),
    "dmy",
    order_level=("order_total",),
)
TIKTOK = KnownLayout(
    "tiktok",
    "TikTok Shop order export (Pesanan → Ekspor)",
    "transactions",
    "marketplace",
    {
        "order_id": ("order_id", "id_pesanan"),
        "status": ("order_status", "status_pesanan"),
        "created_at": ("created_time", "waktu_dibuat"),
        "quantity": ("quantity", "jumlah"),
        "line_total": ("sku_subtotal_after_discount", "subtotal_sku_setelah_diskon"),
        "order_total": ("order_amount", "jumlah_pesanan"),
    },
    _ORDER,
    ("order_id",),
    "dmy",
    order_level=("order_total",),
    description_row=True,
)
# landing/transactions/<folder>/<producer_id>/: the folder names the marketplace, and so its layout.
MARKETPLACES: dict[str, KnownLayout] = {m.name: m for m in (SHOPEE, TOKOPEDIA, TIKTOK)}

BI_KURS_TRANSAKSI = KnownLayout(
    "bi_kurs_transaksi",
    "Bank Indonesia Kurs Transaksi BI download (xlsx, or the CSV saved from it)",
    "fx_rates",
    "rates_bid_ask",
    {"unit": ("nilai",), "sell": ("kurs_jual",), "buy": ("kurs_beli",), "date": ("tanggal",)},
    ("sell", "buy", "date"),
    ("date",),
    "mdy",
    dot_decimal=True,
)
ONE_CURRENCY = KnownLayout(
    "one_currency",
    "Bank Indonesia JISDOR download, or any rate file of one currency",
    "fx_rates",
    "rates_one_currency",
    {"date": ("tanggal", "tgl"), "rate": ("kurs", "jisdor", "kurs_jisdor", "kurs_tengah", "rate", "rate_idr")},
    ("date", "rate"),
    ("date",),
    "mdy",
    dot_decimal=True,
)
# Layouts tried, after the source's own, for files in a source's own folder (first match wins).
OTHER_LAYOUTS: dict[str, tuple[KnownLayout, ...]] = {"fx_rates": (BI_KURS_TRANSAKSI, ONE_CURRENCY)}
# A one-currency file names its currency in its title, sheet or file name; JISDOR is US dollars by definition.
CURRENCY_WORDS = {"jisdor": "USD"}
# Our own layouts: slash dates no value settles are day first, as Indonesians write them.
OWN_DATE_ORDER = "dmy"


def normalise(header: str) -> str:
    """'No. Pesanan' -> 'no_pesanan', ' Jumlah (Rp) ' -> 'jumlah_rp'."""
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


def lookup(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised alias -> canonical name, the canonical names themselves included."""
    out = {normalise(c): c for c in names}
    for canonical, aliases in names.items():
        out.update({a: canonical for a in aliases})
    return out


# Headers of identifier columns (any column, mapped or not): scientific notation there means digits were lost.
IDENTIFIER_HEADER = r"(^|_)(no|nomor|id|kode|resi|invoice|nib|npwp|sku)(_|$)"
# Columns of whole rupiah, where a decimal is the mark of a spreadsheet's US-locale round trip.
RUPIAH_COLUMNS = frozenset({"amount_idr", "unit_price", "line_total", "order_subtotal", "order_total"})


def _check() -> None:
    """Aliases name real fields and never point one spelling at two of a source's (or a layout's) fields."""
    for source, names in ALIASES.items():
        fields = set(CONTRACTS[source].names)
        spellings = [a for aliases in names.values() for a in aliases] + list(fields)
        if not set(names) <= fields or len(spellings) != len(set(spellings)):
            raise ValueError(f"models.aliases: {source}: an alias names no field, or one spelling means two")
    for layout in [*MARKETPLACES.values(), *(x for xs in OTHER_LAYOUTS.values() for x in xs)]:
        spellings = [a for aliases in layout.columns.values() for a in aliases]
        known = set(layout.columns)
        if len(spellings) != len(set(spellings)) or not {*layout.required, *layout.order_level} <= known:
            raise ValueError(f"models.aliases: layout {layout.name}: one spelling means two, or a column is unknown")


_check()


def markdown() -> str:
    """The alias tables for docs/FORMATS.md (`python -m models.aliases`; a test keeps the two equal)."""
    out = []
    for source, names in ALIASES.items():
        out += [f"### {source}", "", "| column | also accepted |", "|---|---|"]
        for f in CONTRACTS[source].fields:
            spelled = ", ".join(f"`{a}`" for a in names.get(f.name, ())) or "—"
            out.append(f"| `{f.name}`{'' if f.required else ' (optional)'} | {spelled} |")
        out.append("")
    for layout in [*(x for xs in OTHER_LAYOUTS.values() for x in xs), *MARKETPLACES.values()]:
        order = "month first" if layout.date_order == "mdy" else "day first"
        out += [
            f"### {layout.title}",
            "",
            f"Layout `{layout.name}`, source `{layout.source}`; ambiguous slash dates are read {order}.",
            "",
            "| meaning | accepted headers |",
            "|---|---|",
        ]
        for meaning, spellings in layout.columns.items():
            tag = " (required)" if meaning in layout.required else ""
            tag += " (once per order, never summed)" if meaning in layout.order_level else ""
            out.append(f"| {meaning}{tag} | {', '.join(f'`{a}`' for a in spellings)} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
