"""Many writers on one table at once: each process writes its own days of `stg.transactions` as new versions
(`pipelines.warehouse.versions`), round after round, and counts the commits it lost to another writer's.

What the scale profile's "writers never queue" rests on, measured without Dagster in between (a step's own
work, checks and the executor would hide it): `python -m pipelines.scale.writers --writers 4` on the lake
that `SENTRA_WAREHOUSE` names. `concurrent` checks that every day then shows exactly its last version.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import duckdb

from pipelines.warehouse import versions
from pipelines.warehouse.connection import connect, retry_conflicts, sql, transaction

TABLE = "stg.transactions"
FIRST_DAY = date(2030, 1, 1)  # far from any real data the lake may hold
ATTEMPTS = 50  # per commit: in place, four writers lose most commits to each other


@dataclass(frozen=True)
class Outcome:
    writers: int
    days_each: int
    rounds: int
    rows: int
    seconds: float
    commits: int
    conflicts: int
    rows_per_second: float
    in_place: bool


def days_of(writer: int, days_each: int) -> list[date]:
    return [FIRST_DAY + timedelta(days=writer * days_each + i) for i in range(days_each)]


def write(target: str, writer: int, days_each: int, rounds: int, rows: int, in_place: bool) -> dict[str, int]:
    """One writer's work: every round, a new version of each of its days (`in_place`: the day's rows deleted
    first, as replaces did before versions); commits and lost commits."""
    con = connect(target)
    commits = conflicts = 0
    try:
        for r in range(1, rounds + 1):
            for day in days_of(writer, days_each):
                attempts = 0

                def once(day: date = day, r: int = r) -> None:
                    nonlocal attempts
                    attempts += 1
                    with transaction(con):
                        if in_place:
                            con.execute(sql("writers_delete"), [day])
                        versions.write(
                            con, TABLE, sql("writers_rows"), day, day + timedelta(days=1), f"writer-{writer}",
                            params=[day, writer, r, rows],
                        )  # fmt: skip

                retry_conflicts(once, attempts=ATTEMPTS)
                commits += 1
                conflicts += attempts - 1
    finally:
        con.close()
    return {"commits": commits, "conflicts": conflicts}


def concurrent(
    env: Mapping[str, str], writers: int, days_each: int, rounds: int, rows: int, in_place: bool = False
) -> Outcome:
    """`writers` processes at once; then every day must show its writer's last round, `rows` rows of it."""
    cmd = [sys.executable, "-m", "pipelines.scale.writers", "--days", str(days_each), "--rounds", str(rounds)]
    cmd += ["--in-place"] if in_place else []
    started = time.perf_counter()
    procs = [
        subprocess.Popen([*cmd, "--rows", str(rows), "--as-writer", str(w)], env=dict(env), stdout=subprocess.PIPE)
        for w in range(writers)
    ]
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=1800)
        if p.returncode:
            raise RuntimeError(f"writer {procs.index(p)} failed (exit {p.returncode})")
        results.append(json.loads(out))
    seconds = time.perf_counter() - started
    # Read back in a process of the lake's environment (the writers' own), as any reader would.
    checked = subprocess.run([*cmd, "--rows", str(rows), "--check", str(writers)], env=dict(env), capture_output=True)
    if checked.returncode:
        raise RuntimeError(checked.stderr.decode().strip().splitlines()[-1])
    written = writers * days_each * rounds * rows
    return Outcome(
        writers, days_each, rounds, rows, round(seconds, 2),
        sum(r["commits"] for r in results), sum(r["conflicts"] for r in results), round(written / seconds), in_place,
    )  # fmt: skip


def check(target: str, writers: int, days_each: int, rounds: int, rows: int) -> None:
    """Every day shows exactly its writer's last version: `rows` rows, each with that round's amount."""
    con: duckdb.DuckDBPyConnection = connect(target, read_only=True)
    try:
        for w in range(writers):
            for day in days_of(w, days_each):
                got = con.execute(
                    "SELECT count(*), min(amount_idr), max(amount_idr) FROM stg.transactions WHERE date = ?", [day]
                ).fetchall()[0]
                want = (rows, w * 1_000_000 + rounds * 1000 + 1, w * 1_000_000 + rounds * 1000 + 1)
                if got != want:
                    raise RuntimeError(f"{day}: writer {w}'s last version should show {want}, shows {got}")
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--days", type=int, default=3, help="days each writer writes")
    ap.add_argument("--rounds", type=int, default=2, help="versions each writer writes of each of its days")
    ap.add_argument("--rows", type=int, default=10_000, help="rows of each version")
    ap.add_argument("--in-place", action="store_true", help="delete each day's rows before writing (the old way)")
    ap.add_argument("--as-writer", type=int, default=None, help=argparse.SUPPRESS)  # one writer process
    ap.add_argument("--check", type=int, default=None, help=argparse.SUPPRESS)  # read back, after N writers
    args = ap.parse_args()
    target = os.environ.get("SENTRA_WAREHOUSE", "")
    if args.check is not None:
        check(target, args.check, args.days, args.rounds, args.rows)
        return
    if args.as_writer is not None:
        print(json.dumps(write(target, args.as_writer, args.days, args.rounds, args.rows, args.in_place)))
        return
    outcome = concurrent(os.environ, args.writers, args.days, args.rounds, args.rows, args.in_place)
    print(json.dumps(asdict(outcome)))


if __name__ == "__main__":
    main()
