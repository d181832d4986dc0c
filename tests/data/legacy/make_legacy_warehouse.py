"""Build a small warehouse with an earlier release's code, for tests/test_migrations.py.

    .venv/bin/python tests/data/legacy/make_legacy_warehouse.py 9be5b8f   # the release migrations start from
    .venv/bin/python tests/data/legacy/make_legacy_warehouse.py a931e35   # the release before it

checks the commit out into a temporary `git worktree`, runs its own `sentra sample` (two weeks, six
producers) and `sentra run`, then sends corrections of published days (so `publish.revisions` has rows)
and an unreadable file (so `raw.rejected_files` has one), runs again, and writes the warehouse to
`tests/data/legacy/warehouse-<commit>.duckdb.gz` (gzip: the 8 MB file is mostly empty blocks). It runs
with this checkout's virtualenv (the releases share their dependencies) and TZ=UTC. The worktree and
the data are removed afterwards.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
START, END = "2025-03-24", "2025-04-06"  # across a month boundary: daily and monthly marts, a monthly report
PRODUCERS, SEED = "6", "11"


def _run(args: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> None:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in ok:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _correct(warehouse: Path, landing: Path) -> None:
    """A new transactions file correcting a sale on three published days (+10 %), and a file that cannot be read."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "WITH shown AS (SELECT DISTINCT json_extract_string(cell, '$.date')::DATE AS day "
            "    FROM publish.published_cells WHERE chart_id = 'daily_turnover' AND value IS NOT NULL "
            "    ORDER BY day LIMIT 3) "
            "SELECT transaction_id, producer_id, occurred_at, amount_idr, quantity, category, channel "
            "FROM raw.transactions JOIN shown ON local_date = day WHERE _is_current "
            "QUALIFY row_number() OVER (PARTITION BY local_date ORDER BY amount_idr, transaction_id) = 1 "
            "ORDER BY local_date"
        ).fetchall()
    finally:
        con.close()
    with (landing / "transactions" / "koreksi-2025-04.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["transaction_id", "producer_id", "occurred_at", "amount_idr", "quantity", "category", "channel"])
        for tid, pid, at, amount, qty, cat, channel in rows:
            w.writerow([tid, pid, at.isoformat(), amount * 11 // 10, qty, cat or "", channel])
    (landing / "transactions" / "rusak.csv").write_text("bukan file penjualan\n\x00\x00\n", encoding="utf-8")


def build(commit: str, out: Path) -> Path:
    sha = subprocess.run(["git", "rev-parse", "--short", commit], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.strip()  # fmt: skip
    with tempfile.TemporaryDirectory(prefix=f"sentra-{sha}-") as tmp:
        src, data, home = Path(tmp) / "src", Path(tmp) / "data", Path(tmp) / "dagster_home"
        subprocess.run(["git", "worktree", "add", "--detach", str(src), sha], cwd=REPO, check=True,
                       capture_output=True)  # fmt: skip
        try:
            home.mkdir()
            shutil.copy(src / "dagster.yaml", home / "dagster.yaml")
            env = {**os.environ, "SENTRA_DATA_DIR": str(data), "DAGSTER_HOME": str(home), "PYTHONPATH": str(src),
                   "TZ": "UTC"}  # fmt: skip
            env.pop("SENTRA_WAREHOUSE", None)
            cli = [sys.executable, "-m", "pipelines.cli"]
            _run([*cli, "sample", "--out", str(data / "landing"), "--from", START, "--to", END,
                  "--producers", PRODUCERS, "--seed", SEED], src, env)  # fmt: skip
            _run([*cli, "run", "--from", START, "--to", END], src, env, ok=(0, 3))
            _correct(data / "warehouse.duckdb", data / "landing")
            _run([*cli, "run", "--from", START, "--to", END], src, env, ok=(0, 3))
            con = duckdb.connect(str(data / "warehouse.duckdb"))
            con.execute("CHECKPOINT")
            con.close()
            out.mkdir(parents=True, exist_ok=True)
            target = out / f"warehouse-{sha}.duckdb.gz"
            with (data / "warehouse.duckdb").open("rb") as src_fh, gzip.GzipFile(target, "wb", 9, mtime=0) as fh:
                shutil.copyfileobj(src_fh, fh)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(src)], cwd=REPO, check=False)
    return target


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("commit", help="the release to build with (e.g. 9be5b8f)")
    p.add_argument("--out", type=Path, default=HERE, help="folder for warehouse-<commit>.duckdb.gz")
    args = p.parse_args()
    target = build(args.commit, args.out)
    print(f"{target} ({target.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
