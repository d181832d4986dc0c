"""Deterministic generator of realistic sample landing files for Kota Bekasi IKM producers.

`generate` writes the producer registry, monthly sales (transactions), monthly export declarations
(PEB items) and daily reference fx rates as CSV files into a landing folder, with a controlled share of
deliberately dirty rows so the pipeline's checks have something to catch. The same arguments always
give byte-identical files with identical modification times.

Row-level work is vectorised with numpy/polars; Python loops only run over producers, days, months,
exporters and PEBs (a few thousand iterations at most).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from models import codes
from models.contracts import EXPORTS, FX_RATES, PRODUCERS, TRANSACTIONS

# Levels are calibrated for the reference registry size and scale linearly with `producers`.
REFERENCE_PRODUCERS = 300
DAILY_TURNOVER_IDR = 100_000_000  # all producers together, per day, before seasonality
MONTHLY_EXPORTS_IDR = 15_000_000_000  # all exporters together, per month

# Files get mtimes BASE_MTIME + MTIME_STEP * i in ingest order (see `_set_mtimes`).
BASE_MTIME = 1_704_067_200  # 2024-01-01T00:00:00Z; any fixed value works, only the order matters
MTIME_STEP = 60

FX_LEAD_DAYS = 10  # rates start this many days before `start` so the first PEBs have a rate
FX_CURRENCIES: tuple[str, ...] = ("USD", "EUR", "SGD", "JPY", "CNY")

# Ramadan start and Idul Fitri (Lebaran) day as observed in Indonesia.
RAMADAN_LEBARAN: dict[int, tuple[date, date]] = {
    2023: (date(2023, 3, 23), date(2023, 4, 22)),
    2024: (date(2024, 3, 11), date(2024, 4, 10)),
    2025: (date(2025, 3, 1), date(2025, 3, 31)),
    2026: (date(2026, 2, 18), date(2026, 3, 20)),
    2027: (date(2027, 2, 8), date(2027, 3, 10)),
}
_ISLAMIC_YEAR_DAYS = 354.367  # to extrapolate Lebaran outside the table above

# --------------------------------------------------------------------------------------------------
# Category profiles


@dataclass(frozen=True)
class _Profile:
    kbli: str
    share: float  # share among non-exporting producers
    sales_per_day: float  # sales on an open day for a median-sized producer
    revenue_weight: float  # relative daily turnover of a producer of this category
    items_per_sale: float
    weekly: tuple[float, ...]  # Monday..Sunday demand, normalised to mean 1 below
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

_CATS: tuple[str, ...] = codes.CATEGORIES
_C = {c: i for i, c in enumerate(_CATS)}
_P = [_PROFILES[c] for c in _CATS]
_SHARE = np.array([p.share for p in _P]) / sum(p.share for p in _P)
_WEEKLY = np.array([p.weekly for p in _P])
_WEEKLY = _WEEKLY / _WEEKLY.mean(axis=1, keepdims=True)
_CHANNEL_CUM = np.cumsum(np.array([p.channels for p in _P]) / np.array([p.channels for p in _P]).sum(1)[:, None], 1)
_GROSIR = codes.CHANNELS.index("grosir")
_QRIS = codes.CHANNELS.index("qris")
_MARKETPLACE = codes.CHANNELS.index("marketplace")

# Lebaran day (0) and the following days: shops close for mudik, then reopen gradually.
_LEBARAN_DEMAND = {0: 0.5, 1: 0.6, 2: 0.75, 3: 0.9}
_LEBARAN_OPEN = {0: 0.4, 1: 0.5, 2: 0.7, 3: 0.85}

# Hour-of-day weights (local time). Shops mostly trade 08-21, some food sellers from dawn (pasar subuh);
# marketplace orders run late into the night, which yields the rows near midnight.
_HOURS_STORE = np.array([0.2, 0.1, 0.05, 0.05, 0.3, 0.8, 1.5, 3, 5, 7, 8, 9, 9, 8, 7, 7, 8, 8, 9, 9, 8, 4, 2, 0.8])
_HOURS_ONLINE = np.array([2.5, 1.5, 0.8, 0.4, 0.3, 0.4, 0.8, 1.5, 3, 4, 5, 5.5, 6, 5.5, 5, 5, 5, 5.5, 6, 7, 8, 8, 7, 5])

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
# Export vocabulary


@dataclass(frozen=True)
class _Good:
    hs: str  # 8 digits, formatted per exporter
    description: str
    unit: str
    kg_per_unit: tuple[float, float]
    usd_per_unit: tuple[float, float]
    weight: float  # how often an exporter of this kind ships it


# HS codes follow BTKI 2022 subheadings 0301.11 (freshwater ornamental fish), 0301.19 (other ornamental
# fish) and 9503.00 (dolls); net weight of live fish includes the water they travel in.
# fmt: off
_FISH_GOODS = (
    #     hs          description                                   unit    kg/unit       USD/unit    weight
    _Good("03011195", "Ikan hias air tawar (arwana)",               "EKOR", (0.8, 2.0),   (60, 400),  0.25),
    _Good("03011191", "Ikan hias air tawar (koi)",                  "EKOR", (0.3, 1.2),   (4, 40),    0.2),
    _Good("03011192", "Ikan hias air tawar (mas koki)",             "EKOR", (0.05, 0.2),  (1, 6),     0.12),
    _Good("03011193", "Ikan hias air tawar (cupang)",               "EKOR", (0.03, 0.08), (0.8, 8),   0.15),
    _Good("03011194", "Ikan hias air tawar (louhan)",               "EKOR", (0.1, 0.5),   (3, 25),    0.08),
    _Good("03011199", "Ikan hias air tawar lainnya (guppy, tetra)", "EKOR", (0.02, 0.06), (0.2, 1.2), 0.12),
    _Good("03011990", "Ikan hias air laut (clownfish)",             "EKOR", (0.1, 0.4),   (2, 15),    0.05),
)
_FISH_EXTRA = _Good("23099090", "Pakan ikan hias", "KG", (1.0, 1.0), (3, 9), 1.0)
_DOLL_GOODS = (
    _Good("95030021", "Boneka berbentuk manusia",                   "PCS",  (0.15, 0.6),  (3, 12),    0.5),
    _Good("95030022", "Pakaian dan aksesori boneka",                "PCS",  (0.05, 0.2),  (0.8, 4),   0.2),
    _Good("95030099", "Boneka kain dan mainan boneka lainnya",      "PCS",  (0.1, 0.5),   (2, 9),     0.3),
)
_DOLL_EXTRA = _Good("63079090", "Barang tekstil jadi lainnya (sarung bantal)", "PCS", (0.1, 0.3), (1, 4), 1.0)

_FISH_DEST = {"CN": 0.22, "US": 0.14, "SG": 0.12, "JP": 0.12, "HK": 0.08, "TW": 0.07, "MY": 0.05,
              "NL": 0.05, "DE": 0.04, "AE": 0.03, "GB": 0.03, "KR": 0.03, "FR": 0.02}
_DOLL_DEST = {"US": 0.3, "JP": 0.2, "AU": 0.1, "NL": 0.1, "DE": 0.1, "SG": 0.1, "AE": 0.1}
# Destination -> (alternative currency, probability of using it instead of USD).
_ALT_CURRENCY = {"NL": ("EUR", 0.5), "DE": ("EUR", 0.5), "FR": ("EUR", 0.5), "SG": ("SGD", 0.35),
                 "JP": ("JPY", 0.35), "CN": ("CNY", 0.1)}
# fmt: on
_IDR_SHARE = 0.03
# Month-of-year demand for exports: Chinese New Year orders early in the year, slow mid-year.
_EXPORT_MONTH_FACTOR = np.array([1.1, 1.1, 1.0, 1.0, 1.0, 1.0, 0.95, 1.0, 1.0, 1.0, 1.0, 1.05])

# --------------------------------------------------------------------------------------------------
# Dirty rows

_DIRTY_SPLIT = {  # share of the dirty transaction rows per kind
    "dirty_duplicates_same_file": 0.18,
    "dirty_duplicates_later_file": 0.12,
    "dirty_corrections": 0.25,
    "dirty_unknown_producers": 0.15,
    "dirty_bad_amounts": 0.15,
    "dirty_bad_dates": 0.15,
}
_BAD_AMOUNTS: tuple[str | None, ...] = ("0", "-5000", "abc", None, "25rb")
# strftime patterns applied to the source row's local time ("kemarin" = "yesterday" has no field).
_BAD_DATES: tuple[str | None, ...] = ("%Y-13-45", "kemarin", None, "31/02/%Y %H:%M")  # Feb 31: impossible
_UNKNOWN_PRODUCER_BASE = 9900
_ID_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)


# --------------------------------------------------------------------------------------------------
# Public entry point


def generate(
    out: Path, start: date, end: date, producers: int = 300, seed: int = 0, dirty_rate: float = 0.02
) -> dict[str, int]:
    """Write sample landing files for `start`..`end` (inclusive) into `out`; return row counts.

    Files: producers/producers.csv, transactions/transactions_YYYY-MM.csv (+ `_koreksi` files),
    exports/exports_YYYY-MM.csv, fx_rates/fx_rates_YYYY.csv. Existing files with the same names are
    overwritten; other files in `out` are left alone.
    Keys of the result: `producers`, `transactions` and `exports` (all rows written, dirty included),
    `transactions_clean`, `exports_clean`, `fx_rates`, `dirty_*` per kind, and `dirty_duplicates`.
    """
    start, end = _as_date(start, "start"), _as_date(end, "end")
    if start > end:
        raise ValueError(f"start ({start}) is after end ({end}); give a range with start <= end")
    if isinstance(producers, bool) or not isinstance(producers, int | np.integer) or producers < 1:
        raise ValueError(f"producers must be a whole number >= 1, got {producers!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if not isinstance(dirty_rate, int | float) or not 0 <= dirty_rate <= 0.5:
        raise ValueError(f"dirty_rate must be between 0 and 0.5 (a share of rows), got {dirty_rate!r}")

    rng_reg, rng_tx, rng_fx, rng_exp, rng_dirty = (
        np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(5)
    )
    out = Path(out)
    dirs = {name: out / name for name in ("producers", "transactions", "exports", "fx_rates")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)

    months = _months(start, end)
    lebarans = _lebaran_periods(start - timedelta(days=400), end + timedelta(days=400))
    reg = _producers(rng_reg, int(producers), start)
    fx = _fx_rates(rng_fx, start - timedelta(days=FX_LEAD_DAYS), end, lebarans)
    tx = _transactions(rng_tx, reg, start, end, lebarans)
    exp = _exports(rng_exp, reg, start, end, months, fx, lebarans)
    counts: dict[str, int] = {"producers": reg.frame.height, "fx_rates": fx.height}
    tx_all, tx_counts = _dirty_transactions(rng_dirty, tx, reg, len(months), dirty_rate)
    exp_all, exp_counts = _dirty_exports(rng_dirty, exp, reg, dirty_rate)
    exp_all = _number_pebs(rng_exp, exp_all)

    ordered: list[Path] = []  # ingest order, oldest first
    path = dirs["producers"] / "producers.csv"
    reg.frame.select(PRODUCERS.names).write_csv(path)
    ordered.append(path)
    years = fx["date"].str.slice(0, 4)
    for year in sorted(years.unique().to_list()):
        path = dirs["fx_rates"] / f"fx_rates_{year}.csv"
        fx.filter(years == year).select(FX_RATES.names).write_csv(path)
        ordered.append(path)
    koreksi: list[Path] = []
    for mi, (y, m) in enumerate(months):
        tag = f"{y:04d}-{m:02d}"
        part = tx_all.filter((pl.col("_month") == mi) & ~pl.col("_koreksi"))
        path = dirs["transactions"] / f"transactions_{tag}.csv"
        part.select(TRANSACTIONS.names).write_csv(path)
        ordered.append(path)
        path = dirs["exports"] / f"exports_{tag}.csv"
        exp_all.filter(pl.col("_month") == mi).select(EXPORTS.names).write_csv(path)
        ordered.append(path)
        corr = tx_all.filter((pl.col("_month") == mi) & pl.col("_koreksi"))
        if corr.height:
            path = dirs["transactions"] / f"transactions_{tag}_koreksi.csv"
            corr.select(TRANSACTIONS.names).write_csv(path)
            koreksi.append(path)
    _set_mtimes(ordered + koreksi)

    counts["transactions"] = tx_all.height
    counts["transactions_clean"] = tx.height
    counts["exports"] = exp_all.height
    counts["exports_clean"] = exp.height
    counts.update(tx_counts)
    counts.update(exp_counts)
    counts["dirty_duplicates"] = tx_counts["dirty_duplicates_same_file"] + tx_counts["dirty_duplicates_later_file"]
    return counts


def _as_date(value: date, name: str) -> date:
    if isinstance(value, datetime):  # a datetime is a date subclass; keep only its calendar day
        return value.date()
    if not isinstance(value, date):
        raise ValueError(f"{name} must be a datetime.date, got {value!r}")
    return value


def _set_mtimes(paths: list[Path]) -> None:
    """Give files strictly increasing, fixed mtimes so ingest order (mtime, then name) is reproducible."""
    for i, path in enumerate(paths):
        t = BASE_MTIME + MTIME_STEP * i
        os.utime(path, (t, t))


# --------------------------------------------------------------------------------------------------
# Calendar


def _months(start: date, end: date) -> list[tuple[int, int]]:
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(k // 12, k % 12 + 1) for k in range(first, last + 1)]


def _lebaran_periods(first: date, last: date) -> list[tuple[date, date]]:
    """(Ramadan start, Lebaran) pairs overlapping first..last; table dates where known, else extrapolated."""
    anchor = RAMADAN_LEBARAN[2025][1]
    k0 = math.floor((first - anchor).days / _ISLAMIC_YEAR_DAYS) - 1
    k1 = math.ceil((last - anchor).days / _ISLAMIC_YEAR_DAYS) + 1
    periods = []
    for k in range(k0, k1 + 1):
        leb = anchor + timedelta(days=round(k * _ISLAMIC_YEAR_DAYS))
        known = RAMADAN_LEBARAN.get(leb.year)
        periods.append(known if known else (leb - timedelta(days=30), leb))
    return periods


def _np_days(first: date, last: date) -> np.ndarray:
    return np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)


def _weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (days.astype(np.int64) + 3) % 7


def _holidays(first: date, last: date, lebarans: list[tuple[date, date]]) -> np.ndarray:
    """A handful of Indonesian public holidays: fixed-date ones plus Idul Fitri (two days)."""
    out = [
        date(y, m, d) for y in range(first.year, last.year + 1) for m, d in ((1, 1), (5, 1), (6, 1), (8, 17), (12, 25))
    ]
    out += [leb + timedelta(days=k) for _, leb in lebarans for k in (0, 1)]
    return np.array(sorted(out), dtype="datetime64[D]")


def _season(days: np.ndarray, lebarans: list[tuple[date, date]]) -> tuple[np.ndarray, np.ndarray]:
    """Per-category demand multiplier (C, D) and share of shops open (D,) from Ramadan and Lebaran."""
    demand = np.ones((len(_CATS), len(days)))
    open_ = np.ones(len(days))
    ramadan = np.array([p.ramadan for p in _P])[:, None]
    peak = np.array([p.pre_lebaran for p in _P])[:, None]
    for r_start, leb in lebarans:
        offset = (days - np.datetime64(leb, "D")).astype(np.int64)
        in_ramadan = (days >= np.datetime64(r_start, "D")) & (offset < -10)
        demand[:, in_ramadan] *= ramadan
        pre = (offset >= -10) & (offset <= -1)
        # Ramp from the Ramadan level to the peak, reached 2 days before Lebaran (THR paid, mudik shopping).
        ramp = np.clip((offset[pre] + 11) / 9, 0, 1)[None, :]
        demand[:, pre] *= ramadan + (peak - ramadan) * ramp
        for k, f in _LEBARAN_DEMAND.items():
            demand[:, offset == k] *= f
            open_[offset == k] *= _LEBARAN_OPEN[k]
    return demand, open_


# --------------------------------------------------------------------------------------------------
# Producers


@dataclass(frozen=True)
class _Registry:
    frame: pl.DataFrame
    ids: np.ndarray  # producer_id strings
    cat: np.ndarray  # category index into codes.CATEGORIES
    exporter: np.ndarray  # bool


def _producers(rng: np.random.Generator, n: int, start: date) -> _Registry:
    """Registry: ~10% exporters (80% ornamental fish, the rest dolls), all 12 kecamatan covered."""
    n_exp = max(1, round(n * 0.1))
    n_fish = max(1, round(n_exp * 0.8))
    exp_idx = rng.choice(n, size=n_exp, replace=False)
    exporter = np.zeros(n, dtype=bool)
    exporter[exp_idx] = True
    cat = rng.choice(len(_CATS), size=n, p=_SHARE)
    cat[exp_idx[:n_fish]] = _C["ikan_hias"]
    cat[exp_idx[n_fish:]] = _C["boneka"]

    kec_idx = rng.permutation(np.arange(n) % len(codes.KECAMATAN))  # round-robin so every kecamatan appears
    kec = [codes.KECAMATAN[i] for i in kec_idx]
    kel = [_KELURAHAN[k][int(rng.integers(len(_KELURAHAN[k])))] for k in kec]
    names = _names(rng, [_CATS[c] for c in cat], kel)

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
            "category": [_CATS[c] for c in cat],
            "kbli": [_PROFILES[_CATS[c]].kbli for c in cat],
            "registered_on": np.datetime_as_string(reg_on, unit="D"),
            "exporter": exporter,
        }
    )
    return _Registry(frame=frame, ids=ids, cat=cat, exporter=exporter)


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


# --------------------------------------------------------------------------------------------------
# Transactions


def _transactions(
    rng: np.random.Generator, reg: _Registry, start: date, end: date, lebarans: list[tuple[date, date]]
) -> pl.DataFrame:
    """Clean sales rows for the whole range, with helper columns `_month`, `_local`, `_p`."""
    days = _np_days(start, end)
    n_days, n_prod = len(days), len(reg.ids)
    cat = reg.cat

    # Demand multiplier per category and day: weekday pattern x Ramadan/Lebaran x city-wide noise,
    # payday (gajian) bump at the turn of the month and mild growth (reference mid-2025).
    demand, open_season = _season(days, lebarans)
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    payday = np.where((dom >= 25) | (dom <= 2), 1.06, np.where((dom >= 15) & (dom <= 20), 0.97, 1.0))
    trend = np.exp(np.log(1.05) * (days - np.datetime64("2025-07-01")).astype(np.int64) / 365.25)
    noise = np.exp(rng.normal(-0.0018, 0.06, n_days))
    mult = _WEEKLY[:, _weekday(days)] * demand * (payday * trend * noise)[None, :]  # (C, D)

    # Producer size: lognormal, normalised so the registry's mean turnover weight is exactly 1.
    size = np.exp(rng.normal(0.0, 0.8, n_prod))
    weight = size * np.array([p.revenue_weight for p in _P])[cat]
    weight /= weight.mean()
    coverage = rng.uniform(0.45, 0.92, n_prod)  # share of days a producer records sales
    rate = np.array([p.sales_per_day for p in _P])[cat] * np.sqrt(size)
    per_producer = DAILY_TURNOVER_IDR / REFERENCE_PRODUCERS
    # Ticket size such that expected turnover on a neutral day matches the target level.
    ticket = per_producer * weight / (coverage * np.maximum(rate, 1.0))
    unit_price = np.maximum(
        1000,
        np.round(ticket / np.array([p.items_per_sale for p in _P])[cat] * np.exp(rng.normal(0, 0.3, n_prod)) / 500)
        * 500,
    )

    mp = mult[cat]  # (P, D)
    # Demand works through three channels: more producers open (weak, coverage is capped), more sales
    # per open day, and bigger baskets (THR is spent before Lebaran). The exponents add up to 1.
    p_open = np.clip(coverage[:, None] * mp**0.2 * open_season[None, :], 0.0, 0.97)
    pi, di = np.nonzero(rng.random((n_prod, n_days)) < p_open)
    lam = rate[pi] * mp[pi, di] ** 0.6
    n_sales = 1 + rng.poisson(np.maximum(lam - 1.0, 0.0))
    rp, rd = np.repeat(pi, n_sales), np.repeat(di, n_sales)
    n = len(rp)
    rcat = cat[rp]

    sigma = 0.7
    raw = ticket[rp] * mp[rp, rd] ** 0.2 * np.exp(rng.normal(-(sigma**2) / 2, sigma, n))
    step = np.where(raw >= 1_000_000, 5000, 500)  # prices are round numbers
    amount = np.maximum(1000, np.round(raw / step) * step).astype(np.int64)
    quantity = np.maximum(1, np.round(raw / unit_price[rp] * np.exp(rng.normal(0, 0.2, n)))).astype(np.int64)

    u = rng.random(n)
    channel = (_CHANNEL_CUM[rcat] < u[:, None]).sum(axis=1).clip(0, len(codes.CHANNELS) - 1)
    bulk = (raw > 3.5 * ticket[rp]) & (rng.random(n) < 0.6)  # large orders are mostly wholesale
    channel = np.where(bulk, _GROSIR, channel)
    online = channel == _MARKETPLACE

    hour = np.where(
        online,
        rng.choice(24, size=n, p=_HOURS_ONLINE / _HOURS_ONLINE.sum()),
        rng.choice(24, size=n, p=_HOURS_STORE / _HOURS_STORE.sum()),
    )
    minute = rng.integers(0, 60, n)
    machine = online | (channel == _QRIS)  # payment systems stamp seconds; hand-written records don't
    second = np.where(machine, rng.integers(0, 60, n), 0)
    local = days[rd].astype("datetime64[s]").astype(np.int64) + hour * 3600 + minute * 60 + second

    # Timestamp style: 0 naive local, 1 "+07:00", 2 UTC "Z" (marketplace APIs).
    u = rng.random(n)
    style = np.where(
        online,
        np.where(u < 0.3, 2, np.where(u < 0.5, 1, 0)),
        np.where(channel == _QRIS, np.where(u < 0.3, 1, 0), np.where(u < 0.04, 1, np.where(u < 0.045, 2, 0))),
    )

    # Sort by producer and time to number each producer's sales.
    order = np.lexsort((local, rp))
    month_idx = (days.astype("datetime64[M]").astype(np.int64) - days[0].astype("datetime64[M]").astype(np.int64))[rd]
    seq = _group_seq(rp[order])
    mseq = _group_seq((rp * 100_000 + month_idx)[order])
    inv_seq, inv_mseq = np.empty(n, np.int64), np.empty(n, np.int64)
    inv_seq[order], inv_mseq[order] = seq, mseq

    id_style = rng.choice(3, size=n_prod, p=[0.6, 0.25, 0.15])[rp]  # TRX-..., random 10 chars, INV/yymm/....
    explicit = rng.random(n) < 0.08
    other = rng.random(n) < 0.15
    shown_cat = np.where(other, rng.integers(0, len(_CATS), n), rcat)

    ts = pl.Series(np.where(style == 2, local - 7 * 3600, local) * 1_000_000).cast(pl.Datetime("us"))
    df = pl.DataFrame(
        {
            "_p": rp,
            "_month": month_idx,
            "_local": local,
            "_style": style,
            "_id_style": id_style,
            "_seq": inv_seq,
            "_mseq": inv_mseq,
            "_rand": _random_ids(rng, n),
            "producer_id": reg.ids[rp],
            "_ts": ts,
            "amount_idr": amount,
            "quantity": quantity,
            "_cat": np.array(_CATS)[shown_cat],
            "_explicit": explicit,
            "_channel": np.array(codes.CHANNELS)[channel],
            "_upper": rng.random(n) < 0.05,
        }
    )
    pnum = pl.col("producer_id").str.slice(4)
    df = df.with_columns(
        transaction_id=pl.when(pl.col("_id_style") == 0)
        .then(pl.concat_str([pl.lit("TRX-"), pnum, pl.lit("-"), pl.col("_seq").cast(pl.String).str.zfill(6)]))
        .when(pl.col("_id_style") == 1)
        .then(pl.col("_rand"))
        # INV numbers carry the local month (not the printed one, which differs for some "Z" rows).
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("INV/"),
                    (pl.col("_local") * 1_000_000).cast(pl.Datetime("us")).dt.strftime("%y%m"),
                    pl.lit("/"),
                    pl.col("_mseq").cast(pl.String).str.zfill(4),
                ]
            )
        ),
        occurred_at=pl.col("_ts").dt.strftime("%Y-%m-%dT%H:%M:%S")
        + pl.col("_style").replace_strict({0: "", 1: "+07:00", 2: "Z"}, return_dtype=pl.String),
        amount_idr=pl.col("amount_idr").cast(pl.String),
        category=pl.when(pl.col("_explicit")).then(pl.col("_cat")).otherwise(None),
        # People often write the acronym in capitals; the contract lower-cases codes.
        channel=pl.when(pl.col("_upper") & (pl.col("_channel") == "qris"))
        .then(pl.lit("QRIS"))
        .otherwise(pl.col("_channel")),
    )
    df = df.select(*TRANSACTIONS.names, "_p", "_month", "_local")
    return _ensure_unique_ids(rng, df)


def _group_seq(keys: np.ndarray) -> np.ndarray:
    """1-based running number within runs of equal, already grouped keys."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(keys)) + 1]
    lengths = np.diff(np.r_[starts, n])
    return np.arange(n) - np.repeat(starts, lengths) + 1


def _random_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n random 10-character [A-Z0-9] identifiers (like QRIS reference numbers)."""
    chars = _ID_ALPHABET[rng.integers(0, len(_ID_ALPHABET), size=(n, 10))]
    return np.ascontiguousarray(chars).view("S10").ravel().astype("U10")


def _ensure_unique_ids(rng: np.random.Generator, df: pl.DataFrame) -> pl.DataFrame:
    """Redraw random ids that collide within a producer (vanishingly rare, but keys must be unique)."""
    while True:
        dup = df.select(pl.struct("producer_id", "transaction_id").is_duplicated()).to_series()
        if not dup.any():
            return df
        fresh = pl.Series(_random_ids(rng, df.height))
        df = df.with_columns(transaction_id=pl.when(dup).then(fresh).otherwise(pl.col("transaction_id")))


def _dirty_transactions(
    rng: np.random.Generator, tx: pl.DataFrame, reg: _Registry, n_months: int, dirty_rate: float
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Add dirty rows (kinds in `_DIRTY_SPLIT`) and sort each file; `_koreksi` marks correction rows."""
    n = tx.height
    want = {k: 0 for k in _DIRTY_SPLIT}
    total = round(dirty_rate * n)
    if dirty_rate > 0 and n > 0:
        for k, share in _DIRTY_SPLIT.items():
            want[k] = max(1, round(total * share))
        if n_months < 2:  # no later file to copy into: keep all duplicates in the same file
            want["dirty_duplicates_same_file"] += want.pop("dirty_duplicates_later_file")
            want["dirty_duplicates_later_file"] = 0
        # Never ask for more source rows than exist (tiny ranges).
        scale = min(1.0, n / max(1, sum(want.values())))
        want = {k: int(v * scale) for k, v in want.items()}

    tx = tx.with_columns(_koreksi=pl.lit(False), _sort=pl.col("_local"), _ord=pl.int_range(pl.len(), dtype=pl.Int64))
    month = tx["_month"].to_numpy()
    perm = rng.permutation(n)
    taken = np.zeros(n, dtype=bool)

    def take(pool: np.ndarray, k: int) -> np.ndarray:
        """The first k not yet used rows of `pool`, so every dirty row has its own source row."""
        sel = pool[~taken[pool]][:k]
        taken[sel] = True
        return sel

    # Only some months get a correction file.
    koreksi_months = np.flatnonzero(rng.random(n_months) < 0.5)
    if len(koreksi_months) == 0:
        koreksi_months = rng.integers(0, n_months, size=1)
    picks: dict[str, np.ndarray] = {
        # Rows copied into a later file must come from a month that has one.
        "dirty_duplicates_later_file": take(perm[month[perm] < n_months - 1], want["dirty_duplicates_later_file"]),
        "dirty_corrections": take(perm[np.isin(month[perm], koreksi_months)], want["dirty_corrections"]),
    }
    for k in _DIRTY_SPLIT:
        if k not in picks:
            picks[k] = take(perm, want[k])

    parts = [tx]
    parts.append(tx[picks["dirty_duplicates_same_file"]])

    src = tx[picks["dirty_duplicates_later_file"]]
    if src.height:
        m = src["_month"].to_numpy()
        target = m + 1 + np.floor(rng.random(src.height) * (n_months - 1 - m)).astype(np.int64)
        # Re-sent rows land at the end of the later file.
        parts.append(src.with_columns(_month=pl.Series(target), _sort=pl.lit(np.iinfo(np.int64).max)))

    src = tx[picks["dirty_corrections"]]
    if src.height:
        old = src["amount_idr"].cast(pl.Int64).to_numpy()
        new = np.maximum(500, np.round(old * rng.uniform(0.5, 1.5, src.height) / 500) * 500).astype(np.int64)
        new = np.where(new == old, old + 500, new)
        parts.append(src.with_columns(amount_idr=pl.Series(new).cast(pl.String), _koreksi=pl.lit(True)))

    src = tx[picks["dirty_unknown_producers"]]
    if src.height:
        base = max(_UNKNOWN_PRODUCER_BASE, len(reg.ids) + 1)
        unknown = np.char.add("BKS-", (base + rng.integers(0, 100, src.height)).astype(str))
        parts.append(
            src.with_columns(producer_id=pl.Series(unknown), transaction_id=pl.Series(_random_ids(rng, src.height)))
        )

    src = tx[picks["dirty_bad_amounts"]]
    if src.height:
        bad = np.array(_BAD_AMOUNTS, dtype=object)[np.arange(src.height) % len(_BAD_AMOUNTS)]
        parts.append(
            src.with_columns(
                amount_idr=pl.Series(bad, dtype=pl.String),
                transaction_id=pl.Series(_random_ids(rng, src.height)),
            )
        )

    src = tx[picks["dirty_bad_dates"]]
    if src.height:
        stamp = (pl.col("_local") * 1_000_000).cast(pl.Datetime("us"))
        kind = pl.Series(np.arange(src.height) % len(_BAD_DATES))
        bad_expr = pl.lit(None, dtype=pl.String)
        for k, pattern in enumerate(_BAD_DATES):
            if pattern is not None:
                bad_expr = pl.when(kind == k).then(stamp.dt.strftime(pattern)).otherwise(bad_expr)
        bad = src.select(bad_expr).to_series()
        parts.append(src.with_columns(occurred_at=bad, transaction_id=pl.Series(_random_ids(rng, src.height))))

    out = pl.concat(parts, how="vertical").sort(["_month", "_koreksi", "_sort", "_p", "_ord"], maintain_order=True)
    counts = {k: len(v) for k, v in picks.items()}
    return out, {k: counts[k] for k in _DIRTY_SPLIT}


# --------------------------------------------------------------------------------------------------
# Fx rates


def _fx_rates(rng: np.random.Generator, first: date, last: date, lebarans: list[tuple[date, date]]) -> pl.DataFrame:
    """Business-day rates in rupiah per unit: USD a mean-reverting JISDOR-like walk, others via crosses."""
    days = _np_days(first, last)
    business = days[(_weekday(days) < 5) & ~np.isin(days, _holidays(first, last, lebarans))]
    n = len(business)
    # Mean-reverting log walks: level, daily volatility, pull towards the level (Ornstein-Uhlenbeck).
    usd = _ou(rng, n, 16_150.0, 0.0035, 0.02, start_sd=0.012)
    eurusd = _ou(rng, n, 1.09, 0.004, 0.02, start_sd=0.02)
    usdsgd = _ou(rng, n, 1.345, 0.002, 0.02, start_sd=0.01)
    usdjpy = _ou(rng, n, 152.0, 0.005, 0.02, start_sd=0.015)
    usdcny = _ou(rng, n, 7.2, 0.0015, 0.02, start_sd=0.005)
    usd = np.clip(np.round(usd), 15_500, 16_800)  # JISDOR is quoted in whole rupiah
    rates = np.stack([usd, usd * eurusd, usd / usdsgd, usd / usdjpy, usd / usdcny], axis=1)
    rates = np.round(rates, 2)
    return pl.DataFrame(
        {
            "date": np.repeat(np.datetime_as_string(business, unit="D"), len(FX_CURRENCIES)),
            "currency": np.tile(np.array(FX_CURRENCIES), n),
            "rate_idr": _fmt2(rates.ravel()),
            "_rate": rates.ravel(),
            "_day": np.repeat(business, len(FX_CURRENCIES)).astype(np.int64),
        }
    )


def _ou(rng: np.random.Generator, n: int, level: float, vol: float, pull: float, start_sd: float) -> np.ndarray:
    target = math.log(level)
    x = target + rng.normal(0, start_sd)
    shocks = rng.normal(0, vol, n)
    out = np.empty(n)
    for i in range(n):  # one step per business day
        x += pull * (target - x) + shocks[i]
        out[i] = x
    return np.exp(out)


def _fmt2(x: np.ndarray) -> pl.Series:
    """Numbers as text with a dot and exactly two decimals (no float repr surprises)."""
    cents = np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)
    whole = pl.Series(cents // 100).cast(pl.String)
    frac = pl.Series(cents % 100).cast(pl.String).str.zfill(2)
    return whole + "." + frac


# --------------------------------------------------------------------------------------------------
# Exports


def _hs_text(hs8: str, style: int) -> str:
    """An exporter's way of writing the HS code: dotted 8, plain 8, plain 10 or dotted 10 digits."""
    dotted = f"{hs8[:4]}.{hs8[4:6]}.{hs8[6:]}"
    return (dotted, hs8, hs8 + "00", dotted + ".00")[style]


def _exports(
    rng: np.random.Generator,
    reg: _Registry,
    start: date,
    end: date,
    months: list[tuple[int, int]],
    fx: pl.DataFrame,
    lebarans: list[tuple[date, date]],
) -> pl.DataFrame:
    """Clean PEB items; `_peb` is a provisional PEB id, numbered later by date (`_number_pebs`)."""
    exp_idx = np.flatnonzero(reg.exporter)
    fish = reg.cat[exp_idx] == _C["ikan_hias"]
    n_fish, n_doll = int(fish.sum()), int((~fish).sum())
    w = np.exp(rng.normal(0, 0.6, len(exp_idx)))
    fish_share = 0.9 if n_doll else 1.0
    if n_fish:
        w[fish] *= fish_share / w[fish].sum()
    if n_doll:
        w[~fish] *= (1 - fish_share if n_fish else 1.0) / w[~fish].sum()

    # Per-exporter habits: HS code style, catalogue, preferred markets.
    profiles = []
    for j, is_fish in enumerate(fish):
        goods, extra, dest = (
            (_FISH_GOODS, _FISH_EXTRA, _FISH_DEST) if is_fish else (_DOLL_GOODS, _DOLL_EXTRA, _DOLL_DEST)
        )
        k = int(rng.integers(2, len(goods) + 1))
        gw = np.array([g.weight for g in goods])
        catalogue = [goods[i] for i in rng.choice(len(goods), size=k, replace=False, p=gw / gw.sum())]
        if rng.random() < 0.3:
            catalogue.append(extra)
        countries = list(dest)
        dw = np.array(list(dest.values()))
        pick = rng.choice(
            len(countries), size=min(len(countries), int(rng.integers(2, 6))), replace=False, p=dw / dw.sum()
        )
        profiles.append(
            {
                "producer_id": reg.ids[exp_idx[j]],
                "fish": bool(is_fish),
                "hs_style": int(rng.choice(4, p=[0.6, 0.2, 0.15, 0.05])),
                "catalogue": catalogue,
                "countries": [countries[i] for i in pick],
                "weight": float(w[j]),
            }
        )

    fx_days = fx["_day"].to_numpy()
    fx_cur = fx["currency"].to_numpy()
    fx_rate = fx["_rate"].to_numpy()
    rate_tables = {c: (fx_days[fx_cur == c], fx_rate[fx_cur == c]) for c in FX_CURRENCIES}
    lebaran_months = {(leb.year, leb.month) for _, leb in lebarans}
    scale = MONTHLY_EXPORTS_IDR * len(reg.ids) / REFERENCE_PRODUCERS

    rows: list[dict[str, object]] = []
    peb_id = 0
    for mi, (y, m) in enumerate(months):
        first = max(start, date(y, m, 1))
        last = min(end, date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1))
        days = _np_days(first, last)
        frac = len(days) / ((date(y + m // 12, m % 12 + 1, 1) - date(y, m, 1)).days)
        dow = _weekday(days)
        # Declarations are filed on working days, some on Saturdays.
        day_w = np.where(dow < 5, 1.0, np.where(dow == 5, 0.3, 0.0))
        if day_w.sum() == 0:
            day_w = np.ones(len(days))
        day_w = day_w / day_w.sum()
        factor = _EXPORT_MONTH_FACTOR[m - 1] * (0.85 if (y, m) in lebaran_months else 1.0)
        for prof in profiles:
            if rng.random() < 0.08:  # exporters skip a month now and then
                continue
            value = scale * frac * factor * prof["weight"] / 0.92 * math.exp(rng.normal(-0.03, 0.25))
            lam = (4.0 if prof["fish"] else 1.5) * frac
            n_peb = 1 + int(rng.poisson(max(lam - 1.0, 0.0)))
            for peb_value in value * rng.dirichlet(np.full(n_peb, 3.0)):
                peb_day = days[int(rng.choice(len(days), p=day_w))]
                country = prof["countries"][int(rng.integers(len(prof["countries"])))]
                currency = "USD"
                alt = _ALT_CURRENCY.get(country)
                if alt and rng.random() < alt[1]:
                    currency = alt[0]
                if rng.random() < _IDR_SHARE:
                    currency = "IDR"
                day_int = int(peb_day.astype(np.int64))
                usd_rate = _rate_on(rate_tables["USD"], day_int)
                cur_rate = 1.0 if currency == "IDR" else _rate_on(rate_tables[currency], day_int)
                catalogue = prof["catalogue"]
                k = min(len(catalogue), int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])))
                items = [catalogue[i] for i in rng.choice(len(catalogue), size=k, replace=False)]
                shares = rng.dirichlet(np.full(k, 2.0))
                peb_id += 1
                for good, share in zip(items, shares, strict=True):
                    item_idr = peb_value * share
                    usd_unit = rng.uniform(*good.usd_per_unit)
                    qty = item_idr / usd_rate / usd_unit
                    if good.unit == "KG":
                        qty = max(0.5, round(qty, 2))
                        weight = qty
                        qty_text = f"{qty:.2f}"
                    else:
                        qty = max(1, round(qty))
                        weight = qty * rng.uniform(*good.kg_per_unit)
                        qty_text = str(qty)
                    rows.append(
                        {
                            "_peb": peb_id,
                            "_month": mi,
                            "_day": day_int,
                            "peb_date": str(peb_day),
                            "producer_id": prof["producer_id"],
                            "hs_code": _hs_text(good.hs, prof["hs_style"]),
                            "description": good.description,
                            "quantity": qty_text,
                            "unit": good.unit,
                            "_weight": max(0.01, weight),
                            "_fob": item_idr / cur_rate,
                            "currency": currency,
                            "destination_country": country,
                            "port_of_loading": "IDCGK" if prof["fish"] else "IDTPP",  # fish fly, dolls sail
                        }
                    )
    schema = {
        "_peb": pl.Int64,
        "_month": pl.Int64,
        "_day": pl.Int64,
        "peb_date": pl.String,
        "producer_id": pl.String,
        "hs_code": pl.String,
        "description": pl.String,
        "quantity": pl.String,
        "unit": pl.String,
        "_weight": pl.Float64,
        "_fob": pl.Float64,
        "currency": pl.String,
        "destination_country": pl.String,
        "port_of_loading": pl.String,
    }
    df = pl.DataFrame(rows, schema=schema)
    return df.with_columns(net_weight_kg=_fmt2(df["_weight"].to_numpy()), fob_value=_fmt2(df["_fob"].to_numpy())).drop(
        "_weight", "_fob"
    )


def _rate_on(table: tuple[np.ndarray, np.ndarray], day: int) -> float:
    """The last rate on or before `day` (the fx file starts before the range, so one exists)."""
    days, rates = table
    i = int(np.searchsorted(days, day, side="right")) - 1
    return float(rates[max(i, 0)])


def _dirty_exports(
    rng: np.random.Generator, exp: pl.DataFrame, reg: _Registry, dirty_rate: float
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Add a few PEB items with an unregistered producer or a zero FOB value, each in a PEB of its own."""
    counts = {"dirty_exports_unknown_producer": 0, "dirty_exports_zero_fob": 0}
    if dirty_rate <= 0 or exp.height == 0:
        return exp, counts
    each = max(1, round(dirty_rate * exp.height / 2))
    pick = rng.choice(exp.height, size=min(exp.height, 2 * each), replace=exp.height < 2 * each)
    next_peb = int(exp["_peb"].max()) + 1
    unknown = exp[pick[:each]]
    zero = exp[pick[each:]]
    base = max(_UNKNOWN_PRODUCER_BASE, len(reg.ids) + 1)
    unknown = unknown.with_columns(
        producer_id=pl.lit(f"BKS-{base + 98}"),
        _peb=pl.int_range(pl.len(), dtype=pl.Int64) + next_peb,
    )
    zero = zero.with_columns(
        fob_value=pl.lit("0"),
        _peb=pl.int_range(pl.len(), dtype=pl.Int64) + next_peb + unknown.height,
    )
    counts["dirty_exports_unknown_producer"] = unknown.height
    counts["dirty_exports_zero_fob"] = zero.height
    return pl.concat([exp, unknown, zero]), counts


def _number_pebs(rng: np.random.Generator, exp: pl.DataFrame) -> pl.DataFrame:
    """PEB numbers PEB-YYYY-nnnnnn, running per year in date order from a random first number."""
    if exp.height == 0:
        return exp.with_columns(peb_number=pl.lit(None, dtype=pl.String))
    pebs = exp.group_by("_peb").agg(pl.col("_day").first(), pl.col("peb_date").first()).sort(["_day", "_peb"])
    year = pebs["peb_date"].str.slice(0, 4)
    years = sorted(year.unique().to_list())
    first = dict(zip(years, rng.integers(100, 2000, size=len(years)).tolist(), strict=True))
    pebs = pebs.with_columns(_year=year).with_columns(
        _n=pl.int_range(pl.len(), dtype=pl.Int64).over("_year")
        + pl.col("_year").replace_strict(first, return_dtype=pl.Int64)
    )
    pebs = pebs.select(
        "_peb",
        peb_number=pl.concat_str(
            [pl.lit("PEB-"), pl.col("_year"), pl.lit("-"), pl.col("_n").cast(pl.String).str.zfill(6)]
        ),
    )
    return exp.join(pebs, on="_peb", how="left", maintain_order="left").sort(
        ["_month", "peb_number"], maintain_order=True
    )
