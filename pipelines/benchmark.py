"""`sentra bench`: one day of N transactions through Sentra, against the DuckDB floor and plain pandas.

In one process tree and one run it

1. writes one day's transactions file of N valid rows and a matching producer registry into a fresh
   data folder (`landing/producers/`, `landing/transactions/`);
2. runs Sentra's full path as a user does: `sentra run --from D --to D --timings FILE` in a subprocess with
   a fresh warehouse and Dagster instance (ingest with lineage, validation, quarantine, dedupe, marts, charts);
3. times the floor: one DuckDB query, `read_csv` of the same file grouped to totals by category;
4. times what a user would write instead: pandas `read_csv` + `groupby` to the same totals;

then checks that the three give the same totals (exact integers), prints seconds, rows per second and
peak memory for each, and writes the figures to a JSON file.

Each contender runs in its own subprocess, so its peak memory is its own: the RSS of the subprocess
and all its descendants, summed, sampled every 50 ms from /proc, and never below the kernel's own
high-water mark of the subprocess (VmHWM), which catches a short peak between two samples.

Start-up is timed apart as a subprocess that only imports what `sentra run` imports (Python, Dagster,
the code location, Polars, DuckDB) and loads GX with its context (`gx.expectations()`): the fixed cost
the issue excludes. Everything else that does not grow with N (Dagster runs, charts, portal) stays in
Sentra's figure; `steps` in the JSON splits the run into its Dagster runs, from the step timings the run
writes itself (`--timings`, `pipelines.run.RunOutcome`), not from its printed output.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from models import codes
from models.contracts import PRODUCERS, TRANSACTIONS
from pipelines import sample
from pipelines.config import REPO_ROOT, settings

DEFAULT_ROWS = 10_000_000
MIN_ROWS = 1_000  # below this the producers' daily coverage check cannot be met
CHUNK_ROWS = 1_000_000  # rows generated and written at a time: memory stays flat whatever N
ROWS_PER_PRODUCER = 1_000
MIN_PRODUCERS = 300  # Kota Bekasi's registry
POLL_S = 0.05
FILE_NAME = "transactions_{day}.csv"
DEFAULT_PARTITIONS_START = date(2020, 1, 1)

# The contenders run with `python -c`, so their memory holds only what they need. Paths are bound
# parameters; each prints one JSON line: its own work time and totals by category.
FLOOR = """
import json, sys, time
import duckdb
t = time.perf_counter()
rows = duckdb.connect().execute(
    "SELECT category, sum(amount_idr)::BIGINT, count(*) FROM read_csv(?) GROUP BY category", [sys.argv[1]]
).fetchall()
print(json.dumps({"work_s": time.perf_counter() - t, "totals": {c: [s, n] for c, s, n in rows}}))
"""
PANDAS = """
import json, sys, time
t = time.perf_counter()
import pandas as pd
df = pd.read_csv(sys.argv[1])
g = df.groupby("category")["amount_idr"].agg(["sum", "size"])
print(json.dumps({"work_s": time.perf_counter() - t,
                  "totals": {c: [int(s), int(n)] for c, s, n in g.itertuples()}}))
"""
STARTUP = """
import pipelines.run
from pipelines.definitions import defs
from pipelines.quality import gx
gx.expectations()
"""


class BenchError(Exception):
    """The benchmark could not produce comparable figures (a run failed, or totals differ)."""


class BenchUsageError(ValueError):
    """A bad argument: `sentra bench` reports it as a usage error."""


# --------------------------------------------------------------------------------------------------
# Data


def generate(landing: Path, rows: int, day: date, seed: int = 0) -> dict[str, int]:
    """Write the registry and one day's file of `rows` valid transactions; return counts and bytes.

    Vectorised and written in chunks of CHUNK_ROWS, so 10M rows never sit in memory at once.
    """
    rng = np.random.default_rng(seed)
    n_prod = max(MIN_PRODUCERS, rows // ROWS_PER_PRODUCER)
    reg = sample._producers(rng, n_prod, day)  # the sample's registry: names, NIBs, kecamatan, categories
    (landing / "producers").mkdir(parents=True, exist_ok=True)
    (landing / "transactions").mkdir(parents=True, exist_ok=True)
    reg.frame.select(PRODUCERS.names).write_csv(landing / "producers" / "producers.csv")

    # Producers differ in size (share of sales) and ticket; every row uses its producer's category.
    size = np.exp(rng.normal(0.0, 0.8, n_prod))
    cum = np.cumsum(size / size.sum())
    ticket = 150_000 * np.exp(rng.normal(0.0, 0.6, n_prod))
    unit_price = np.maximum(1_000, ticket / np.exp(rng.normal(0.8, 0.5, n_prod)))
    hours = sample._HOURS_STORE / sample._HOURS_STORE.sum()
    ids = pl.Series(reg.ids)
    cats = pl.Series(list(codes.CATEGORIES))
    channels = pl.Series(list(codes.CHANNELS))
    midnight = np.datetime64(day, "s").astype(np.int64)

    path = landing / "transactions" / FILE_NAME.format(day=day.isoformat())
    with path.open("wb") as fh:
        for first in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - first)
            p = np.minimum(np.searchsorted(cum, rng.random(n)), n_prod - 1)
            cat = reg.cat[p]
            raw = ticket[p] * np.exp(rng.normal(-0.18, 0.6, n))
            amount = np.maximum(1_000, np.round(raw / 500) * 500).astype(np.int64)
            quantity = np.maximum(1, np.round(raw / unit_price[p])).astype(np.int64)
            channel = (sample._CHANNEL_CUM[cat] < rng.random(n)[:, None]).sum(axis=1).clip(0, len(channels) - 1)
            seconds = rng.choice(24, size=n, p=hours) * 3600 + rng.integers(0, 3600, n)
            chunk = pl.DataFrame(
                {
                    "transaction_id": pl.int_range(first + 1, first + n + 1, eager=True),
                    "producer_id": ids.gather(p),
                    "occurred_at": midnight + seconds,
                    "amount_idr": amount,
                    "quantity": quantity,
                    "category": cats.gather(cat),
                    "channel": channels.gather(channel),
                }
            ).with_columns(
                transaction_id=pl.lit(f"INV-{day:%Y%m%d}-") + pl.col("transaction_id").cast(pl.String).str.zfill(9),
                occurred_at=pl.from_epoch("occurred_at", "s").dt.strftime("%Y-%m-%dT%H:%M:%S"),  # WIB, no offset
            )
            chunk.select(TRANSACTIONS.names).write_csv(fh, include_header=first == 0)
    return {"producers": n_prod, "rows": rows, "file_bytes": path.stat().st_size}


# --------------------------------------------------------------------------------------------------
# Measuring a process tree


@dataclass
class Measured:
    seconds: float
    peak_rss_bytes: int
    returncode: int
    output: str


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc/<pid>/stat (`/proc/*/task/*/children` is not always built in)."""
    out: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_bytes()
            except OSError:  # gone since the listing
                continue
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])  # the command may contain spaces and ")"
            out.setdefault(ppid, []).append(int(entry.name))
    return out


_PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in bytes."""
    children, total, todo = _children(), 0, [pid]
    while todo:
        p = todo.pop()
        with suppress(OSError, IndexError, ValueError):  # gone, or a zombie with nothing left to count
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * _PAGE
        todo.extend(children.get(p, []))
    return total


def high_water(pid: int) -> int:
    """The kernel's peak RSS of `pid` since its exec (VmHWM), in bytes; 0 once it has exited."""
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def measure(cmd: list[str], env: dict[str, str], log: Path) -> Measured:
    """Run `cmd` with output to `log`; wall time and peak RSS of its whole process tree.

    The peak is the largest of the tree's summed RSS, sampled every POLL_S, and the main process's own
    VmHWM, which also catches a spike between two samples. (`wait4`'s ru_maxrss would not do: Linux
    charges the child with the parent's peak at exec, i.e. this benchmark's own memory.)
    """
    peak = 0
    done = threading.Event()
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO_ROOT)

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc.pid), high_water(proc.pid))
                done.wait(POLL_S)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        proc.wait()
        seconds = time.perf_counter() - started
        done.set()
        poller.join()
    return Measured(seconds, peak, proc.returncode, log.read_text(errors="replace"))


# --------------------------------------------------------------------------------------------------
# The contenders

Totals = dict[str, tuple[int, int]]  # category -> (turnover_idr, transactions)


@dataclass
class Figures:
    seconds: list[float] = field(default_factory=list)
    peak_rss_bytes: list[int] = field(default_factory=list)
    work_s: list[float] = field(default_factory=list)  # the contender's own timing of its work, when it has one

    def add(self, m: Measured, work_s: float | None = None) -> None:
        self.seconds.append(m.seconds)
        self.peak_rss_bytes.append(m.peak_rss_bytes)
        if work_s is not None:
            self.work_s.append(work_s)

    def summary(self, rows: int) -> dict[str, object]:
        s = statistics.median(self.seconds)
        out: dict[str, object] = {
            "seconds": round(s, 2),
            "seconds_all": [round(x, 2) for x in self.seconds],
            "rows_per_s": round(rows / s),
            "peak_rss_mb": round(max(self.peak_rss_bytes) / 2**20),  # the worst of the repeats
        }
        if self.work_s:
            out["work_s"] = round(statistics.median(self.work_s), 2)
        return out


def _child(script: str, path: Path, log: Path) -> tuple[Measured, Totals, float]:
    m = measure([sys.executable, "-c", script, str(path)], dict(os.environ), log)
    if m.returncode != 0:
        raise BenchError(f"{log.name}: exit {m.returncode}: {m.output.strip()[-2000:]}")
    result = json.loads(m.output.strip().splitlines()[-1])
    return m, {c: (int(s), int(n)) for c, (s, n) in result["totals"].items()}, float(result["work_s"])


def _steps(timings: Path) -> dict[str, float]:
    """Seconds by step label, from the `sentra run --timings` file (`pipelines.run.RunOutcome.to_json`)."""
    steps: dict[str, float] = {}
    for step in json.loads(timings.read_text(encoding="utf-8"))["steps"]:
        steps[step["label"]] = steps.get(step["label"], 0.0) + float(step["seconds"])
    return steps


def _sentra_env(data: Path, run: Path, day: date) -> dict[str, str]:
    """A fresh warehouse and Dagster instance for each run, reading the shared landing folder."""
    home = run / "dagster"
    home.mkdir(parents=True)
    shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    env = dict(os.environ)
    env.update(
        SENTRA_DATA_DIR=str(data),
        SENTRA_WAREHOUSE=str(run / "warehouse.duckdb"),
        DAGSTER_HOME=str(home),
        SENTRA_PARTITIONS_START=min(DEFAULT_PARTITIONS_START, day).isoformat(),
        GX_ANALYTICS_ENABLED="false",
    )
    return env


def _sentra(data: Path, run: Path, day: date) -> tuple[Measured, Totals, dict[str, float]]:
    """`sentra run` for `day` in a subprocess: its measure, totals by category and seconds by step."""
    shutil.rmtree(data / "publish", ignore_errors=True)  # each run publishes from scratch
    env = _sentra_env(data, run, day)
    timings = run / "sentra-run-timings.json"
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--from", day.isoformat(), "--to", day.isoformat(),
           "--timings", str(timings)]  # fmt: skip
    m = measure(cmd, env, run / "sentra-run.log")
    if m.returncode != 0:
        raise BenchError(f"sentra run failed (exit {m.returncode}): {m.output.strip()[-2000:]}")
    con = duckdb.connect(env["SENTRA_WAREHOUSE"], read_only=True)  # after the run: nobody else holds it
    try:
        rows = con.execute(
            "SELECT category, turnover_idr, transactions FROM marts.daily_turnover_by_category WHERE date = ?", [day]
        ).fetchall()
        total = con.execute(
            "SELECT turnover_idr, transactions FROM marts.daily_turnover WHERE date = ?", [day]
        ).fetchall()
    finally:
        con.close()
    totals = {c: (int(s), int(n)) for c, s, n in rows}
    expected = (sum(v for v, _ in totals.values()), sum(n for _, n in totals.values()))
    if [(int(v), int(n)) for v, n in total] != [expected]:
        raise BenchError(f"marts.daily_turnover {total} is not the sum of daily_turnover_by_category {totals}")
    return m, totals, _steps(timings)


# --------------------------------------------------------------------------------------------------
# The run


def run(
    rows: int = DEFAULT_ROWS,
    repeat: int = 1,
    json_path: Path | None = None,
    out: Path | None = None,
    keep: bool = False,
    seed: int = 0,
    echo: Callable[[str], None] = print,
) -> dict[str, object]:
    """Generate, run the three contenders `repeat` times, compare totals; return (and write) the figures."""
    from pipelines import dates  # imports Dagster; only needed to name the day

    if rows < MIN_ROWS:
        raise BenchUsageError(f"--rows must be at least {MIN_ROWS:,}, got {rows:,}")
    if repeat < 1:
        raise BenchUsageError(f"--repeat must be at least 1, got {repeat}")
    day = dates.last_complete("day")
    if out is not None and out.exists() and any(out.iterdir()):
        raise BenchUsageError(f"{out}: not empty (the benchmark needs a fresh data folder)")
    load_before = os.getloadavg()[0]  # 2 cores shared with others: say how busy the machine was
    data = out or Path(tempfile.mkdtemp(prefix="sentra-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        made = generate(data / "landing", rows, day, seed)
        generated_s = time.perf_counter() - t
        path = data / "landing" / "transactions" / FILE_NAME.format(day=day.isoformat())
        echo(f"bench: wrote {rows:,} rows ({made['file_bytes'] / 1e6:,.0f} MB) for {day} and "
             f"{made['producers']:,} producers in {generated_s:.1f} s to {data}")  # fmt: skip

        sentra, startup, floor, pandas = Figures(), Figures(), Figures(), Figures()
        steps: list[dict[str, float]] = []
        results: dict[str, Totals] = {}
        for i in range(repeat):
            run_dir = data / "runs" / str(i + 1)
            echo(f"bench: run {i + 1} of {repeat}: sentra run --from {day} --to {day} …")
            m, results["sentra"], run_steps = _sentra(data, run_dir, day)
            sentra.add(m)
            steps.append(run_steps)
            echo(f"bench:   sentra {m.seconds:.1f} s, {m.peak_rss_bytes / 2**20:,.0f} MB; start-up, floor, pandas …")
            env = _sentra_env(data, run_dir / "startup", day)
            startup.add(measure([sys.executable, "-c", STARTUP], env, run_dir / "startup.log"))
            m, results["floor"], work = _child(FLOOR, path, run_dir / "floor.log")
            floor.add(m, work)
            m, results["pandas"], work = _child(PANDAS, path, run_dir / "pandas.log")
            pandas.add(m, work)

        figures = _report(rows, day, made, generated_s, repeat, sentra, startup, floor, pandas, steps, results)
        figures["machine"]["load_avg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]  # before, after
        json_path = json_path or settings().data_dir / "bench" / f"sentra-bench-{rows}.json"
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        for line in _table(figures):
            echo(line)
        echo(f"bench: figures written to {json_path}")
        if not figures["totals_match"]:
            raise BenchError(f"totals differ: {json.dumps(figures['totals_by_contender'])}")
        return figures
    finally:
        if keep or out is not None:
            echo(f"bench: data kept in {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)


def _report(
    rows: int,
    day: date,
    made: dict[str, int],
    generated_s: float,
    repeat: int,
    sentra: Figures,
    startup: Figures,
    floor: Figures,
    pandas: Figures,
    steps: list[dict[str, float]],
    results: dict[str, Totals],
) -> dict[str, object]:
    s, st, f, p = (x.summary(rows) for x in (sentra, startup, floor, pandas))
    st.pop("rows_per_s")
    sentra_s, startup_s, floor_s, pandas_s = s["seconds"], st["seconds"], f["seconds"], p["seconds"]
    reference = results["floor"]
    match = all(r == reference for r in results.values())
    return {
        "rows": rows,
        "day": day.isoformat(),
        "producers": made["producers"],
        "file_mb": round(made["file_bytes"] / 2**20, 1),
        "repeat": repeat,
        "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "polars": pl.__version__,
        },
        "generate_s": round(generated_s, 2),
        "sentra": {**s, "steps": {k: round(statistics.median(d.get(k, 0.0) for d in steps), 2) for k in steps[0]}},
        "startup": st,
        "floor": f,
        "pandas": p,
        "ratios": {
            "sentra_over_floor": round(sentra_s / floor_s, 2),
            "sentra_excluding_startup_over_floor": round(max(sentra_s - startup_s, 0.0) / floor_s, 2),
            "pandas_over_sentra": round(pandas_s / sentra_s, 2),
        },
        "totals_match": match,
        "totals": {c: {"turnover_idr": v, "transactions": n} for c, (v, n) in sorted(reference.items())},
        "totals_by_contender": {k: {c: list(v) for c, v in sorted(r.items())} for k, r in results.items()},
    }


def _table(fig: dict) -> list[str]:
    rows = fig["rows"]
    line = "{:<34} {:>9} {:>12} {:>11}"
    out = [
        f"Sentra bench: {rows:,} rows ({fig['file_mb']:,} MB), day {fig['day']}, {fig['producers']:,} producers, "
        f"{fig['machine']['cpus']} CPUs (load {fig['machine'].get('load_avg_1m')}), median of {fig['repeat']}",
        line.format("", "seconds", "rows/s", "peak RSS"),
    ]
    for key, label in (
        ("sentra", "Sentra (sentra run, whole path)"),
        ("startup", "  of which start-up (imports)"),
        ("floor", "DuckDB floor (one read_csv query)"),
        ("pandas", "pandas (read_csv + groupby)"),
    ):
        x = fig[key]
        per_s = f"{x['rows_per_s']:,}" if "rows_per_s" in x else ""
        out.append(line.format(label, f"{x['seconds']:.2f}", per_s, f"{x['peak_rss_mb']:,} MB"))
    for step, s in fig["sentra"]["steps"].items():
        out.append(f"  sentra step: {step}: {s:.1f} s")
    r = fig["ratios"]
    out.append(
        f"Sentra ÷ floor: {r['sentra_over_floor']:.1f}× ({r['sentra_excluding_startup_over_floor']:.1f}× excluding "
        f"start-up); pandas ÷ Sentra: {r['pandas_over_sentra']:.2f}"
    )
    total = sum(v["turnover_idr"] for v in fig["totals"].values())
    count = sum(v["transactions"] for v in fig["totals"].values())
    verdict = "identical in all three" if fig["totals_match"] else "DIFFER (see totals_by_contender)"
    out.append(f"totals by category: {verdict} ({len(fig['totals'])} categories, Rp{total:,}, {count:,} transactions)")
    return out
