"""Benchmark: validating one day of N transactions with the transactions suite (target ≤ 2 s for 1M rows).

`python -m pipelines.quality.bench --rows 1000000` (run by `make bench`). GX's import is timed apart: it is
paid once per process, not per validation.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, datetime

import numpy as np
import polars as pl

from models.codes import CATEGORIES, CHANNELS


def frame(rows: int, producers: int = 300, seed: int = 0) -> pl.DataFrame:
    """One day of clean staged transactions, as `stg_transactions` validates them."""
    rng = np.random.default_rng(seed)
    day = date(2025, 3, 1)
    ids = [f"BKS-{i:04d}" for i in range(1, producers + 1)]
    return pl.DataFrame(
        {
            "date": [day] * rows,
            "transaction_id": [f"T{i}" for i in range(rows)],
            "producer_id": rng.choice(ids, rows),
            "occurred_at_local": [datetime(2025, 3, 1, 10)] * rows,
            "amount_idr": rng.integers(1_000, 5_000_000, rows),
            "quantity": rng.integers(1, 20, rows),
            "category": rng.choice(list(CATEGORIES), rows),
            "channel": rng.choice(list(CHANNELS), rows),
            "_partition": [day] * rows,
        }
    ), ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    from pipelines.quality import gx, suites

    gx.expectations()  # the one-off import
    imported = time.perf_counter() - started
    df, _ = frame(args.rows)
    rules = suites.transactions_rules(1_000_000_000)
    timings = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        outcomes = gx.validate("bench", df, rules, ["producer_id", "transaction_id"])
        timings.append(time.perf_counter() - t)
        assert all(o.passed for o in outcomes), [o for o in outcomes if not o.passed][:3]
    result = {
        "rows": args.rows,
        "expectations": len(rules),
        "gx_import_s": round(imported, 2),
        "validate_s_median": round(sorted(timings)[len(timings) // 2], 2),
        "validate_s_all": [round(t, 2) for t in timings],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
