"""Sales of the sample: clean transactions per producer and day, then the dirty rows the checks must catch."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from models import codes
from models.contracts import TRANSACTIONS
from pipelines.sample.calendar import np_days, season, weekday
from pipelines.sample.registry import (
    CATEGORY_PROFILES,
    CHANNEL_CUM,
    HOURS_ONLINE,
    HOURS_STORE,
    REFERENCE_PRODUCERS,
    UNKNOWN_PRODUCER_BASE,
    Registry,
)

# Calibrated for REFERENCE_PRODUCERS producers; scales linearly with the registry's size.
DAILY_TURNOVER_IDR = 100_000_000  # all producers together, per day, before seasonality

# Monday..Sunday demand per category, normalised to mean 1.
_WEEKLY = np.array([p.weekly for p in CATEGORY_PROFILES])
_WEEKLY = _WEEKLY / _WEEKLY.mean(axis=1, keepdims=True)
_GROSIR = codes.CHANNELS.index("grosir")
_QRIS = codes.CHANNELS.index("qris")
_MARKETPLACE = codes.CHANNELS.index("marketplace")

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
_ID_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)


def transactions(
    rng: np.random.Generator, reg: Registry, start: date, end: date, lebarans: list[tuple[date, date]]
) -> pl.DataFrame:
    """Clean sales rows for the whole range, with helper columns `_month`, `_local`, `_p`."""
    days = np_days(start, end)
    n_days, n_prod = len(days), len(reg.ids)
    cat = reg.cat

    # Demand multiplier per category and day: weekday pattern x Ramadan/Lebaran x city-wide noise,
    # payday (gajian) bump at the turn of the month and mild growth (reference mid-2025).
    demand, open_season = season(days, lebarans)
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    payday = np.where((dom >= 25) | (dom <= 2), 1.06, np.where((dom >= 15) & (dom <= 20), 0.97, 1.0))
    trend = np.exp(np.log(1.05) * (days - np.datetime64("2025-07-01")).astype(np.int64) / 365.25)
    noise = np.exp(rng.normal(-0.0018, 0.06, n_days))
    mult = _WEEKLY[:, weekday(days)] * demand * (payday * trend * noise)[None, :]  # (C, D)

    # Producer size: lognormal, normalised so the registry's mean turnover weight is exactly 1.
    size = np.exp(rng.normal(0.0, 0.8, n_prod))
    weight = size * np.array([p.revenue_weight for p in CATEGORY_PROFILES])[cat]
    weight /= weight.mean()
    coverage = rng.uniform(0.45, 0.92, n_prod)  # share of days a producer records sales
    rate = np.array([p.sales_per_day for p in CATEGORY_PROFILES])[cat] * np.sqrt(size)
    per_producer = DAILY_TURNOVER_IDR / REFERENCE_PRODUCERS
    # Ticket size such that expected turnover on a neutral day matches the target level.
    ticket = per_producer * weight / (coverage * np.maximum(rate, 1.0))
    unit_price = np.maximum(
        1000,
        np.round(
            ticket
            / np.array([p.items_per_sale for p in CATEGORY_PROFILES])[cat]
            * np.exp(rng.normal(0, 0.3, n_prod))
            / 500
        )
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
    channel = (CHANNEL_CUM[rcat] < u[:, None]).sum(axis=1).clip(0, len(codes.CHANNELS) - 1)
    bulk = (raw > 3.5 * ticket[rp]) & (rng.random(n) < 0.6)  # large orders are mostly wholesale
    channel = np.where(bulk, _GROSIR, channel)
    online = channel == _MARKETPLACE

    hour = np.where(
        online,
        rng.choice(24, size=n, p=HOURS_ONLINE / HOURS_ONLINE.sum()),
        rng.choice(24, size=n, p=HOURS_STORE / HOURS_STORE.sum()),
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
    shown_cat = np.where(other, rng.integers(0, len(codes.CATEGORIES), n), rcat)

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
            "_cat": np.array(codes.CATEGORIES)[shown_cat],
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


def dirty_transactions(
    rng: np.random.Generator, tx: pl.DataFrame, reg: Registry, n_months: int, dirty_rate: float
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
        base = max(UNKNOWN_PRODUCER_BASE, len(reg.ids) + 1)
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
