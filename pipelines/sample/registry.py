"""Producer registry of the sample: category profiles, business names and `producer_registry`.

The category profiles (demand pattern, ticket sizes, channel mix, hours of sale) also drive the seasons
(`pipelines.sample.calendar`) and the sales (`pipelines.sample.sales`); `sentra bench`
(`pipelines.bench.contenders`) reuses the registry, channel mix and shop hours for its one-day file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from models import codes

# The sales and export levels (`sales.DAILY_TURNOVER_IDR`, `exports.MONTHLY_EXPORTS_IDR`) are calibrated
# for this registry size and scale linearly with `producers`.
REFERENCE_PRODUCERS = 300
UNKNOWN_PRODUCER_BASE = 9900  # dirty rows' unregistered producer ids start here (or past a larger registry)

# --------------------------------------------------------------------------------------------------
# Category profiles


@dataclass(frozen=True)
class _Profile:
    kbli: str
    share: float  # share among non-exporting producers
    sales_per_day: float  # sales on an open day for a median-sized producer
    revenue_weight: float  # relative daily turnover of a producer of this category
    items_per_sale: float
    weekly: tuple[float, ...]  # Monday..Sunday demand, normalised to mean 1 in `sales`
    ramadan: float  # demand multiplier during Ramadan
    pre_lebaran: float  # peak demand multiplier in the 10 days before Lebaran
    channels: tuple[float, ...]  # per codes.CHANNELS: tunai, qris, marketplace, pameran, grosir


# Weekends are busy for food, crafts and fish hobbyists; Friday (Jumatan) is slow; garments sell on
# weekdays (wholesale buyers). Food and garments carry Ramadan and the pre-Lebaran peak (THR, baju
# lebaran, kue kering).
# fmt: off
_PROFILES: dict[str, _Profile] = {
    #                     kbli     share  sales rev  items weekly (Mon..Sun)                     ramadan peak
    "boneka":    _Profile("32400", 0.045, 2.5, 1.1, 2.0, (0.95, 0.95, 1.0, 1.0, 0.85, 1.15, 1.2),  1.05, 1.35,
                          (0.26, 0.22, 0.34, 0.03, 0.15)),
    "ikan_hias": _Profile("03225", 0.025, 3.0, 1.0, 4.0, (0.9, 0.9, 0.95, 1.0, 0.9, 1.2, 1.3),     0.9,  0.9,
                          (0.42, 0.30, 0.15, 0.03, 0.10)),
    "makanan":   _Profile("10792", 0.45,  4.5, 0.8, 3.0, (0.95, 0.92, 0.95, 1.0, 0.85, 1.2, 1.25), 1.25, 1.9,
                          (0.52, 0.38, 0.05, 0.02, 0.03)),
    "konveksi":  _Profile("14111", 0.20,  2.5, 1.4, 6.0, (1.05, 1.05, 1.05, 1.0, 0.85, 1.0, 0.9),  1.35, 2.3,
                          (0.25, 0.20, 0.30, 0.03, 0.22)),
    "kerajinan": _Profile("32909", 0.16,  2.0, 0.9, 2.0, (0.9, 0.9, 0.95, 0.95, 0.85, 1.25, 1.3),  1.0,  1.2,
                          (0.38, 0.30, 0.20, 0.05, 0.07)),
    "furnitur":  _Profile("31001", 0.07,  1.0, 2.0, 1.2, (1.0, 1.0, 1.0, 1.0, 0.8, 1.15, 0.9),     1.1,  1.3,
                          (0.42, 0.20, 0.15, 0.03, 0.20)),
    "lainnya":   _Profile("47999", 0.05,  2.5, 0.8, 2.0, (1.0, 1.0, 1.0, 1.0, 0.9, 1.05, 0.95),    1.05, 1.2,
                          (0.42, 0.35, 0.15, 0.02, 0.06)),
}
# fmt: on

CATEGORY_INDEX = {c: i for i, c in enumerate(codes.CATEGORIES)}
CATEGORY_PROFILES = [_PROFILES[c] for c in codes.CATEGORIES]
_SHARE = np.array([p.share for p in CATEGORY_PROFILES]) / sum(p.share for p in CATEGORY_PROFILES)
_CHANNELS = np.array([p.channels for p in CATEGORY_PROFILES])
CHANNEL_CUM = np.cumsum(_CHANNELS / _CHANNELS.sum(1)[:, None], 1)  # (category, channel) cumulative shares

# Hour-of-day weights (local time). Shops mostly trade 08-21, some food sellers from dawn (pasar subuh);
# marketplace orders run late into the night, which yields the rows near midnight.
HOURS_STORE = np.array([0.2, 0.1, 0.05, 0.05, 0.3, 0.8, 1.5, 3, 5, 7, 8, 9, 9, 8, 7, 7, 8, 8, 9, 9, 8, 4, 2, 0.8])
HOURS_ONLINE = np.array([2.5, 1.5, 0.8, 0.4, 0.3, 0.4, 0.8, 1.5, 3, 4, 5, 5.5, 6, 5.5, 5, 5, 5, 5.5, 6, 7, 8, 8, 7, 5])

# --------------------------------------------------------------------------------------------------
# Registry vocabulary

_KELURAHAN: dict[str, tuple[str, ...]] = {
    "Bantar Gebang": ("Bantargebang", "Cikiwul", "Ciketing Udik", "Sumur Batu"),
    "Bekasi Barat": ("Bintara", "Bintara Jaya", "Jakasampurna", "Kota Baru", "Kranji"),
    "Bekasi Selatan": ("Jakamulya", "Jakasetia", "Kayuringin Jaya", "Marga Jaya", "Pekayon Jaya"),
    "Bekasi Timur": ("Aren Jaya", "Bekasi Jaya", "Duren Jaya", "Margahayu"),
    "Bekasi Utara": (
        "Harapan Baru",
        "Harapan Jaya",
        "Kaliabang Tengah",
        "Marga Mulya",
        "Perwira",
        "Teluk Pucung",
    ),
    "Jatiasih": ("Jatiasih", "Jatikramat", "Jatiluhur", "Jatimekar", "Jatirasa", "Jatisari"),
    "Jatisampurna": ("Jatikarya", "Jatiraden", "Jatirangga", "Jatiranggon", "Jatisampurna"),
    "Medan Satria": ("Harapan Mulya", "Kali Baru", "Medan Satria", "Pejuang"),
    "Mustika Jaya": ("Cimuning", "Mustikajaya", "Mustikasari", "Padurenan"),
    "Pondok Gede": ("Jatibening", "Jatibening Baru", "Jaticempaka", "Jatimakmur", "Jatiwaringin"),
    "Pondok Melati": ("Jatimelati", "Jatimurni", "Jatirahayu", "Jatiwarna"),
    "Rawalumbu": ("Bojong Menteng", "Bojong Rawalumbu", "Pengasinan", "Sepanjang Jaya"),
}
assert set(_KELURAHAN) == set(codes.KECAMATAN)  # noqa: S101 - guards the code list staying in sync

# fmt: off
_ADJ = (
    "Sejahtera", "Mandiri", "Jaya", "Makmur", "Abadi", "Berkah", "Sentosa", "Lestari", "Barokah", "Maju",
    "Sukses", "Utama", "Bersama", "Amanah", "Indah", "Mulia", "Sakinah", "Mitra", "Nusantara", "Cemerlang",
)
_FEMALE = (
    "Sari", "Rina", "Yanti", "Dewi", "Siti", "Ani", "Lilis", "Neneng", "Euis", "Wati",
    "Nur", "Ratna", "Fitri", "Yuli", "Eka", "Tuti", "Endang", "Lia", "Maya", "Ika",
)
_MALE = (
    "Joko", "Budi", "Agus", "Dedi", "Asep", "Ujang", "Slamet", "Hendra", "Rudi", "Bambang",
    "Heru", "Iwan", "Yusuf", "Rahmat", "Andi", "Eko", "Dadang", "Ahmad", "Hasan", "Wahyu",
)
_NAME_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # category -> (templates, products)
    "makanan": (
        ("{p} Bu {f}", "{p} Pak {m}", "Dapur {f}", "Rumah {p} {f}", "UD {p} {a}", "CV {p} {a} {b}"),
        ("Kue", "Keripik", "Dodol", "Sambal", "Kerupuk", "Bakso", "Roti", "Kopi", "Basreng", "Rempeyek",
         "Nastar", "Frozen Food", "Seblak", "Tahu", "Rendang", "Opak", "Kue Kering", "Pempek", "Lapis Legit"),
    ),
    "konveksi": (
        ("Konveksi {m}", "CV {p} {a}", "UD {p} {a}", "{p} {f} Collection", "Konveksi {a} {b}", "{f} Hijab"),
        ("Garmen", "Bordir", "Kaos", "Seragam", "Jahit", "Batik", "Sablon Kaos", "Busana Muslim", "Mukena"),
    ),
    "kerajinan": (
        ("UD {p} {a}", "CV {p} {a}", "Sanggar {p} {a}", "{p} {f}", "Galeri {p} {m}"),
        ("Kriya", "Anyaman", "Bambu", "Rotan", "Souvenir", "Kerajinan Kulit", "Lukis Kaca", "Batik Bekasi",
         "Eceng Gondok", "Manik-manik"),
    ),
    "ikan_hias": (
        ("CV {p} {a}", "UD {p} {a}", "PT {p} {a} Indonesia", "{p} {m}", "CV {p} {a} {b}"),
        ("Mina Hias", "Aquatic", "Koi", "Arwana", "Cupang", "Guppy", "Louhan", "Aqua Farm", "Ikan Hias",
         "Tropical Fish"),
    ),
    "boneka": (
        ("UD Boneka {a}", "CV Boneka {a} {b}", "PT {p} {a} Indonesia", "Boneka {f}", "{p} {m}"),
        ("Boneka", "Toys", "Doll", "Plush", "Boneka Kain", "Mainan"),
    ),
    "furnitur": (
        ("UD {p} {a}", "CV {p} {a}", "Mebel {m}", "{p} Jati {a}", "Bengkel Kayu {m}"),
        ("Mebel", "Furniture", "Kayu", "Interior", "Meubel", "Rotan"),
    ),
    "lainnya": (
        ("UD {p} {a}", "CV {p} {a}", "{p} {f}", "Toko {p} {m}"),
        ("Sabun", "Herbal", "Percetakan", "Daur Ulang", "Parfum", "Sablon", "Tas Kulit", "Sandal"),
    ),
}
# fmt: on

# --------------------------------------------------------------------------------------------------
# Producers


@dataclass(frozen=True)
class Registry:
    """The producers as written to producers.csv (`frame`), with arrays the sales and exports draw from."""

    frame: pl.DataFrame
    ids: np.ndarray  # producer_id strings
    cat: np.ndarray  # category index into codes.CATEGORIES
    exporter: np.ndarray  # bool


def producer_registry(rng: np.random.Generator, n: int, start: date) -> Registry:
    """Registry: ~10% exporters (80% ornamental fish, the rest dolls), all 12 kecamatan covered."""
    n_exp = max(1, round(n * 0.1))
    n_fish = max(1, round(n_exp * 0.8))
    exp_idx = rng.choice(n, size=n_exp, replace=False)
    exporter = np.zeros(n, dtype=bool)
    exporter[exp_idx] = True
    cat = rng.choice(len(codes.CATEGORIES), size=n, p=_SHARE)
    cat[exp_idx[:n_fish]] = CATEGORY_INDEX["ikan_hias"]
    cat[exp_idx[n_fish:]] = CATEGORY_INDEX["boneka"]

    kec_idx = rng.permutation(np.arange(n) % len(codes.KECAMATAN))  # round-robin so every kecamatan appears
    kec = [codes.KECAMATAN[i] for i in kec_idx]
    kel = [_KELURAHAN[k][int(rng.integers(len(_KELURAHAN[k])))] for k in kec]
    names = _names(rng, [codes.CATEGORIES[c] for c in cat], kel)

    nib = rng.integers(10**12, 10**13, size=n, dtype=np.int64)
    while len(np.unique(nib)) < n:  # NIBs are unique; redraw the (astronomically rare) collisions
        _, first = np.unique(nib, return_index=True)
        dup = np.setdiff1d(np.arange(n), first)
        nib[dup] = rng.integers(10**12, 10**13, size=len(dup), dtype=np.int64)

    s = np.datetime64(start, "D")
    reg_on = s - rng.integers(30, 15 * 365, size=n)
    ids = np.array([f"BKS-{i + 1:04d}" for i in range(n)])
    frame = pl.DataFrame(
        {
            "producer_id": ids,
            "name": names,
            "nib": nib.astype(str),
            "kecamatan": kec,
            "kelurahan": kel,
            "category": [codes.CATEGORIES[c] for c in cat],
            "kbli": [_PROFILES[codes.CATEGORIES[c]].kbli for c in cat],
            "registered_on": np.datetime_as_string(reg_on, unit="D"),
            "exporter": exporter,
        }
    )
    return Registry(frame=frame, ids=ids, cat=cat, exporter=exporter)


def _names(rng: np.random.Generator, cats: list[str], kel: list[str]) -> list[str]:
    """Indonesian-style business names, made unique with the kelurahan and then a number."""
    out: list[str] = []
    seen: set[str] = set()
    for cat, place in zip(cats, kel, strict=True):
        templates, products = _NAME_WORDS[cat]
        a, b = rng.choice(len(_ADJ), size=2, replace=False)
        name = templates[int(rng.integers(len(templates)))].format(
            p=products[int(rng.integers(len(products)))],
            a=_ADJ[a],
            b=_ADJ[b],
            f=_FEMALE[int(rng.integers(len(_FEMALE)))],
            m=_MALE[int(rng.integers(len(_MALE)))],
        )
        if name in seen:
            name = f"{name} {place}"
        k = 2
        base = name
        while name in seen:
            name = f"{base} {k}"
            k += 1
        seen.add(name)
        out.append(name)
    return out
