"""Code lists shared by every contract: categories, places, channels, ISO codes."""

from __future__ import annotations

import pycountry

TIMEZONE = "Asia/Jakarta"

CATEGORIES: tuple[str, ...] = (
    "boneka",
    "ikan_hias",
    "makanan",
    "konveksi",
    "kerajinan",
    "furnitur",
    "lainnya",
)

# The 12 kecamatan of Kota Bekasi (Perda Kota Bekasi No. 04/2004).
KECAMATAN: tuple[str, ...] = (
    "Bantar Gebang",
    "Bekasi Barat",
    "Bekasi Selatan",
    "Bekasi Timur",
    "Bekasi Utara",
    "Jatiasih",
    "Jatisampurna",
    "Medan Satria",
    "Mustika Jaya",
    "Pondok Gede",
    "Pondok Melati",
    "Rawalumbu",
)

CHANNELS: tuple[str, ...] = ("tunai", "qris", "marketplace", "pameran", "grosir")

# ISO 4217 and ISO 3166-1 alpha-2 from pycountry's bundled data (offline).
CURRENCIES: frozenset[str] = frozenset(c.alpha_3 for c in pycountry.currencies)
COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)

# HS heading (first four digits) -> commodity. Anything else is "lainnya".
COMMODITY_BY_HS_HEADING: dict[str, str] = {"0301": "ikan_hias", "9503": "boneka"}

# Names of categories, commodities and countries for readers: models/names.csv (models.names.name).
