"""Export declarations of the sample: PEB items of the exporting producers, dirty items, PEB numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from pipelines.sample.calendar import np_days, weekday
from pipelines.sample.rates import FX_CURRENCIES, fmt2
from pipelines.sample.registry import CATEGORY_INDEX, REFERENCE_PRODUCERS, UNKNOWN_PRODUCER_BASE, Registry

# Calibrated for REFERENCE_PRODUCERS producers; scales linearly with the registry's size.
MONTHLY_EXPORTS_IDR = 15_000_000_000  # all exporters together, per month


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


def _hs_text(hs8: str, style: int) -> str:
    """An exporter's way of writing the HS code: dotted 8, plain 8, plain 10 or dotted 10 digits."""
    dotted = f"{hs8[:4]}.{hs8[4:6]}.{hs8[6:]}"
    return (dotted, hs8, hs8 + "00", dotted + ".00")[style]


def exports(
    rng: np.random.Generator,
    reg: Registry,
    start: date,
    end: date,
    months: list[tuple[int, int]],
    fx: pl.DataFrame,
    lebarans: list[tuple[date, date]],
) -> pl.DataFrame:
    """Clean PEB items; `_peb` is a provisional PEB id, numbered later by date (`number_pebs`)."""
    exp_idx = np.flatnonzero(reg.exporter)
    fish = reg.cat[exp_idx] == CATEGORY_INDEX["ikan_hias"]
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
        days = np_days(first, last)
        frac = len(days) / ((date(y + m // 12, m % 12 + 1, 1) - date(y, m, 1)).days)
        dow = weekday(days)
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
    return df.with_columns(net_weight_kg=fmt2(df["_weight"].to_numpy()), fob_value=fmt2(df["_fob"].to_numpy())).drop(
        "_weight", "_fob"
    )


def _rate_on(table: tuple[np.ndarray, np.ndarray], day: int) -> float:
    """The last rate on or before `day` (the fx file starts before the range, so one exists)."""
    days, rates = table
    i = int(np.searchsorted(days, day, side="right")) - 1
    return float(rates[max(i, 0)])


def dirty_exports(
    rng: np.random.Generator, exp: pl.DataFrame, reg: Registry, dirty_rate: float
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
    base = max(UNKNOWN_PRODUCER_BASE, len(reg.ids) + 1)
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


def number_pebs(rng: np.random.Generator, exp: pl.DataFrame) -> pl.DataFrame:
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
