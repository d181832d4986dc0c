"""Benchmark: validating N staged transactions with the transactions suite (target ≤ 2 s for 1M rows in a day).

`python -m pipelines.bench.quality --rows 1000000` (run by `make bench`). Stages N rows in DuckDB as
`stg_transactions` does (the temporary table `candidate`, in a warehouse file with the configured memory
limit) and times `bulk.validate` — SQL computes what describes the rows, Great Expectations judges it — in
three layouts: every row in one day; the same rows spread over a year of days (the cost per partition); and
one day where both checks fail (their rows counted and named). GX's import is timed apart: it is paid once
per process, not per validation.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from pipelines.core.config import settings
from pipelines.quality import bulk, gx, suites

CEILING = 1_000_000_000
IDS = ["producer_id", "transaction_id"]

# One staged row per i, as `sql/stg_transactions.sql` stages them, with ids as `sentra bench` writes them
# (INV-<day>-<9 digits>; max(300, N/1000) producers): `days` days from 2025-01-01.
STAGE = """
CREATE OR REPLACE TEMP TABLE candidate AS
SELECT DATE '2025-01-01' + (i % ?)::INTEGER AS date,
       'INV-' || strftime(date, '%Y%m%d') || '-' || lpad(i::VARCHAR, 9, '0') AS transaction_id,
       'BKS-' || lpad((1 + hash(i) % greatest(300, ? // 1000))::VARCHAR, 4, '0') AS producer_id,
       date + INTERVAL 10 HOUR AS occurred_at_local, date + INTERVAL 3 HOUR AS occurred_at_utc,
       1000 + hash(i * 7) % 5000000 AS amount_idr, 1 + hash(i * 13) % 20 AS quantity,
       'boneka' AS category, 'qris' AS channel, 'Jatiasih' AS kecamatan,
       1::BIGINT AS _file_id, i + 2 AS _line, md5(i::VARCHAR) AS _row_hash, 'bench' AS _run_id,
       true AS _registered, date AS _partition
FROM range(?) t(i)
"""
# Both checks fail in the one-day layout: a sale typed with extra zeros, and two current versions of a sale.
DAMAGE = [
    "UPDATE candidate SET amount_idr = 5000000000 WHERE _line = 2",
    "INSERT INTO candidate SELECT * REPLACE (_line + 1 AS _line) FROM candidate WHERE _line = 3",
]


def stage(con: duckdb.DuckDBPyConnection, rows: int, days: int) -> None:
    con.execute(STAGE, [days, rows, rows])


def timed(con: duckdb.DuckDBPyConnection, repeat: int) -> tuple[list[float], list[float], list[Any]]:
    """Seconds of each `bulk.validate` of the staged candidate, the seconds inside GX's suite calls, outcomes."""
    inside: list[float] = []
    run: Callable[..., list[gx.Result]] = gx.run

    def counted(*args: Any) -> list[gx.Result]:
        t = time.perf_counter()
        try:
            return run(*args)
        finally:
            inside[-1] += time.perf_counter() - t

    gx.run = counted  # bulk calls GX through the module: count the time inside
    totals, outcomes = [], []
    try:
        for _ in range(repeat):
            inside.append(0.0)
            t = time.perf_counter()
            outcomes = bulk.validate(con, "bench", suites.transactions_rules(CEILING), IDS)
            totals.append(time.perf_counter() - t)
    finally:
        gx.run = run
    return totals, inside, outcomes


def _summary(totals: list[float], inside: list[float], partitions: int) -> dict[str, Any]:
    median = sorted(totals)[len(totals) // 2]
    return {
        "partitions": partitions,
        "validate_s_median": round(median, 3),
        "validate_s_all": [round(t, 3) for t in totals],
        "gx_s_median": round(sorted(inside)[len(inside) // 2], 3),
        "ms_per_partition": round(1000 * median / partitions, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--days", type=int, default=365, help="days in the spread layout (default a year)")
    args = parser.parse_args()
    started = time.perf_counter()
    gx.expectations()  # the one-off import
    imported = time.perf_counter() - started
    result: dict[str, Any] = {"rows": args.rows, "expectations": len(suites.transactions_rules(CEILING))}
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"), config={"memory_limit": settings().duckdb_memory})
        stage(con, args.rows, 1)
        totals, inside, outcomes = timed(con, args.repeat)
        assert all(o.passed for o in outcomes), [o for o in outcomes if not o.passed][:3]
        day = _summary(totals, inside, 1)
        stage(con, args.rows, args.days)
        totals, inside, outcomes = timed(con, args.repeat)
        assert len(outcomes) == 2 * min(args.days, args.rows) and all(o.passed for o in outcomes)
        spread = _summary(totals, inside, min(args.days, args.rows))
        stage(con, args.rows, 1)
        for statement in DAMAGE:
            con.execute(statement)
        totals, inside, outcomes = timed(con, args.repeat)
        assert sorted(o.observed for o in outcomes if not o.passed) == [
            f"1 of {args.rows + 1:,} rows unexpected",
            f"2 of {args.rows + 1:,} rows unexpected",
        ]
        failing = _summary(totals, inside, 1)
        con.close()
    result |= {
        "gx_import_s": round(imported, 2),
        "memory_limit": settings().duckdb_memory,
        "validate_s_median": day["validate_s_median"],
        "validate_s_all": day["validate_s_all"],
        "one_day": day,
        "spread": spread,
        "one_day_failing": failing,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
