"""Header aliases: the names people really give a contract's columns, and the marketplace export layout.

A landing file's header is normalised (`normalise`: lower case, every run of other characters to one
`_`), then looked up here. The contract's own name always works; this table is the one place to add
another spelling. `docs/FORMATS.md` lists it for users.
"""

from __future__ import annotations

import re

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
            "nomor_transaksi", "no_transaksi", "id_transaksi", "kode_transaksi", "nomor_nota", "no_nota", "no_faktur",
        ),
        "producer_id": _PRODUCER,
        "occurred_at": ("tanggal", "tgl", "waktu", "tanggal_transaksi", "waktu_transaksi", "tanggal_waktu"),
        # "harga" is the price of the whole sale; a unit price (harga_satuan) is not an amount.
        "amount_idr": ("harga", "jumlah_rp", "nilai", "nilai_transaksi", "total", "total_harga", "nominal", "omzet"),
        "quantity": ("jumlah", "qty", "kuantitas", "banyak", "jumlah_barang", "jumlah_unit"),
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
}  # fmt: skip

# Shopee-style order exports (one row per item) land in landing/transactions/shopee/<producer_id>/.
MARKETPLACE_FOLDER = "shopee"
MARKETPLACE: dict[str, tuple[str, ...]] = {
    "order_id": ("no_pesanan", "nomor_pesanan", "order_id"),
    "status": ("status_pesanan", "status"),
    "created_at": ("waktu_pesanan_dibuat", "tanggal_pesanan", "order_creation_date"),
    "quantity": ("jumlah", "kuantitas", "quantity"),
    "unit_price": ("harga_setelah_diskon", "deal_price"),
}
# Orders in these states are not sales: cancelled, returned or refunded, or never paid.
MARKETPLACE_EXCLUDED = r"batal|pengembalian|dikembalikan|refund|return|cancel|belum bayar|unpaid"


def normalise(header: str) -> str:
    """'No. Pesanan' -> 'no_pesanan', ' Jumlah (Rp) ' -> 'jumlah_rp'."""
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


def lookup(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised alias -> canonical name, the canonical names themselves included."""
    out = {normalise(c): c for c in names}
    for canonical, aliases in names.items():
        out.update({a: canonical for a in aliases})
    return out


def _check() -> None:
    """Aliases name real fields and never point one spelling at two of a source's fields."""
    for source, names in ALIASES.items():
        fields = set(CONTRACTS[source].names)
        spellings = [a for aliases in names.values() for a in aliases] + list(fields)
        if not set(names) <= fields or len(spellings) != len(set(spellings)):
            raise ValueError(f"models.aliases: {source}: an alias names no field, or one spelling means two")


_check()


def markdown() -> str:
    """The alias table for docs/FORMATS.md (`python -m models.aliases`; a test keeps the two equal)."""
    out = []
    for source, names in ALIASES.items():
        out += [f"### {source}", "", "| column | also accepted |", "|---|---|"]
        for f in CONTRACTS[source].fields:
            spelled = ", ".join(f"`{a}`" for a in names.get(f.name, ())) or "—"
            out.append(f"| `{f.name}`{'' if f.required else ' (optional)'} | {spelled} |")
        out.append("")
    out += ["### marketplace order exports", "", "| meaning | accepted headers |", "|---|---|"]
    out += [f"| {k} | {', '.join(f'`{a}`' for a in v)} |" for k, v in MARKETPLACE.items()]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
