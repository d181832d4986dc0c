"""Writers on one table of the lake (docs/BENCHMARKS.md, "Writers on one table"): 1, 2 and 4 processes each
writing their own days of `stg.transactions` at once, as versions (today) and in place (each day's rows deleted
first, as partition replaces did before versions): seconds, rows per second, commits and lost commits.

Starts PostgreSQL (the lake's catalog) here and stops it at the end; each case gets a new lake.

    .venv/bin/python bench/writers.py [--rows 300000] [--days 3] [--rounds 2] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from pipelines.scale.services import Services
from pipelines.scale.writers import concurrent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=300_000, help="rows of each version")
    ap.add_argument("--days", type=int, default=3, help="days each writer writes")
    ap.add_argument("--rounds", type=int, default=2, help="versions of each day")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sentra-writers-"))
    services = Services(root / "services", workers=0)
    services.start_databases()
    results = []
    try:
        for in_place in (False, True):
            for n in (1, 2, 4):
                name = f"{'inplace' if in_place else 'versions'}{n}"
                env = {**os.environ, **services.profile(root / name / "data", root / name / "home", name)}
                outcome = concurrent(env, n, args.days, args.rounds, args.rows, in_place)
                results.append(asdict(outcome))
                print(
                    f"{'in place' if in_place else 'versions'}, {n} writer(s): {outcome.seconds:.1f} s, "
                    f"{outcome.rows_per_second:,} rows/s, {outcome.commits} commits, {outcome.conflicts} lost",
                    flush=True,
                )
    finally:
        services.stop()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
