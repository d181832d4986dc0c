"""The dbt-duckdb peer of `sentra bench`: the project a capable engineer would build instead of Sentra.

The dbt project in `bench/peers/dbt_duckdb/` reads the day's file with `read_csv(..., all_varchar=true)`,
types every field with `try_cast`, keeps each row's line and an md5 row hash, puts the rows that fail a
rule in a quarantine model with their reasons (a CASE per rule: missing, unparseable, not positive, unknown
code, producer not in the registry, superseded duplicate key), loads the accepted rows into an incremental
model keyed by (producer_id, transaction_id) (delete+insert), builds the daily marts (turnover by category
and in total) and tests them: not_null, unique keys, accepted values, relationships to the registry, and
a singular test that each day's marts add up to its accepted rows.

`dbt build` runs it in a subprocess tree measured like the other contenders, on a fresh DuckDB file (as
Sentra gets a fresh warehouse), with dbt's target/ and logs/ in the run folder: nothing is written in the
repository. Its start-up is the same `dbt build` of the same project on a file of the header and the first
row of the day's file, into another fresh DuckDB file and target folder: Python and dbt's imports, parsing
the project, connecting, and running each model and test once; none of it grows with the file.
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import suppress
from datetime import date
from importlib import metadata
from pathlib import Path

from pipelines.bench.measure import BenchError, Measured, Totals, mart_totals, measure
from pipelines.core.config import REPO_ROOT

PROJECT = REPO_ROOT / "bench" / "peers" / "dbt_duckdb"
DISTRIBUTIONS = ("dbt-core", "dbt-duckdb")
# What the `dbt` console script runs, with this interpreter (the venv's dbt, whatever PATH says).
DBT = "import sys; from dbt.cli.main import cli; sys.argv[0] = 'dbt'; sys.exit(cli())"
_DONE = re.compile(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)")


def versions() -> dict[str, str]:
    """dbt-core's and dbt-duckdb's versions; a one-line BenchError when either is not installed."""
    found: dict[str, str] = {}
    for name in DISTRIBUTIONS:
        with suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    missing = [n for n in DISTRIBUTIONS if n not in found]
    if missing:
        raise BenchError(
            f"the dbt-duckdb peer needs {' and '.join(missing)}, not installed: they are dev dependencies "
            f"(pip install -r requirements.lock)"
        )
    if not (PROJECT / "dbt_project.yml").is_file():
        raise BenchError(f"the dbt-duckdb peer's project is missing: {PROJECT} (a repository checkout is needed)")
    return found


def build(transactions: Path, producers: Path, run: Path) -> tuple[Measured, dict[str, int]]:
    """`dbt build` of the peer on `transactions` into the DuckDB file in `run` (created if new; then the
    incremental models load into it); its measure and counts of dbt nodes by status."""
    run.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        SENTRA_PEER_DUCKDB=str(run / "peer.duckdb"),
        SENTRA_PEER_TRANSACTIONS=str(transactions),
        SENTRA_PEER_PRODUCERS=str(producers),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    cmd = [
        sys.executable,
        "-c",
        DBT,
        "build",
        "--project-dir",
        str(PROJECT),
        "--profiles-dir",
        str(PROJECT),
        "--target-path",
        str(run / "target"),
        "--log-path",
        str(run / "logs"),
        "--no-version-check",
    ]
    m = measure(cmd, env, run / f"dbt-build-{transactions.stem}.log")
    done = _DONE.findall(m.output)
    if m.returncode != 0 or not done:
        raise BenchError(f"dbt build of the peer failed (exit {m.returncode}): {m.output.strip()[-2000:]}")
    return m, dict(zip(("pass", "warn", "error", "skip"), map(int, done[-1]), strict=True))


def totals(run: Path, day: date) -> Totals:
    """The peer's marts for `day`, read back: category -> (turnover_idr, transactions)."""
    return mart_totals(str(run / "peer.duckdb"), day, "the peer's")  # dbt has exited


def run(transactions: Path, producers: Path, run_dir: Path, day: date) -> tuple[Measured, Totals, Measured, dict]:
    """The peer on the day's file and its start-up on the file's first row: (measure, totals, start-up, dbt counts)."""
    one_row = run_dir / "peer-startup-input" / transactions.name
    one_row.parent.mkdir(parents=True)
    with transactions.open("rb") as src:
        one_row.write_bytes(src.readline() + src.readline())  # the header and the first row
    m, counts = build(transactions, producers, run_dir / "peer")  # first, as Sentra's run comes before its start-up
    startup, _ = build(one_row, producers, run_dir / "peer-startup")
    return m, totals(run_dir / "peer", day), startup, counts
