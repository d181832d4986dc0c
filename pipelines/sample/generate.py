"""Deterministic generator of realistic sample landing files for Kota Bekasi IKM producers.

`generate` writes the producer registry, monthly sales (transactions), monthly export declarations
(PEB items) and daily reference fx rates as CSV files into a landing folder, with a controlled share of
deliberately dirty rows so the pipeline's checks have something to catch. The same arguments always
give byte-identical files with identical modification times.

Row-level work is vectorised with numpy/polars; Python loops only run over producers, days, months,
exporters and PEBs (a few thousand iterations at most).

This module checks the arguments, draws the random streams and writes the files; the data come from
`registry` (producers), `calendar` (months, Lebaran, holidays, seasons), `sales` (transactions and
their dirty rows), `rates` (fx rates) and `exports` (PEB items) beside it.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from models.contracts import EXPORTS, FX_RATES, PRODUCERS, TRANSACTIONS
from pipelines.sample.calendar import lebaran_periods, months_between
from pipelines.sample.exports import dirty_exports, exports, number_pebs
from pipelines.sample.rates import fx_rates
from pipelines.sample.registry import producer_registry
from pipelines.sample.sales import dirty_transactions, transactions

# Files get mtimes BASE_MTIME + MTIME_STEP * i in ingest order (see `_set_mtimes`).
BASE_MTIME = 1_704_067_200  # 2024-01-01T00:00:00Z; any fixed value works, only the order matters
MTIME_STEP = 60

FX_LEAD_DAYS = 10  # rates start this many days before `start` so the first PEBs have a rate


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

    months = months_between(start, end)
    lebarans = lebaran_periods(start - timedelta(days=400), end + timedelta(days=400))
    reg = producer_registry(rng_reg, int(producers), start)
    fx = fx_rates(rng_fx, start - timedelta(days=FX_LEAD_DAYS), end, lebarans)
    tx = transactions(rng_tx, reg, start, end, lebarans)
    exp = exports(rng_exp, reg, start, end, months, fx, lebarans)
    counts: dict[str, int] = {"producers": reg.frame.height, "fx_rates": fx.height}
    tx_all, tx_counts = dirty_transactions(rng_dirty, tx, reg, len(months), dirty_rate)
    exp_all, exp_counts = dirty_exports(rng_dirty, exp, reg, dirty_rate)
    exp_all = number_pebs(rng_exp, exp_all)

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
