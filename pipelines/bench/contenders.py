"""`sentra bench`: one day of N transactions through Sentra, against a dbt-duckdb peer, DuckDB's floors and pandas.

In one process tree and one run it

1. writes one day's transactions file of N valid rows and a matching producer registry into a fresh
   data folder (`landing/producers/`, `landing/transactions/`);
2. runs Sentra's full path as a user does: `sentra run --from D --to D --timings FILE` in a subprocess with
   a fresh warehouse and Dagster instance (ingest with lineage, validation, quarantine, dedupe, marts, charts);
3. times the floor: one DuckDB query, `read_csv` of the same file grouped to totals by category; and the
   write floor: the same `read_csv` into a persisted table of a fresh DuckDB file (what storing costs);
4. times what a user would write instead: pandas `read_csv` + `groupby` to the same totals;
5. runs the peer a capable engineer would build instead of Sentra: `dbt build` of the dbt-duckdb project in
   `bench/peers/dbt_duckdb` (typing, quarantine, incremental load, marts, dbt tests; `pipelines.bench_peer`),
   and reads its marts back;

then checks that the five give the same totals (exact integers), prints seconds, start-up, peak memory
and ratios for each, and writes the figures to a JSON file.

Each contender runs in its own subprocess tree, measured alike (`pipelines.bench_measure`): wall time, and
the peak RSS of the subprocess and all its descendants.

Start-up is timed apart as a subprocess that only imports what `sentra run` imports (Python, Dagster,
the code location, Polars, DuckDB) and loads GX with its context (`gx.expectations()`): the fixed cost
the issue excludes (the peer's start-up: see `pipelines.bench_peer`). Everything else that does not grow
with N (Dagster runs, charts, portal) stays in Sentra's figure; `steps` in the JSON splits the run into its
Dagster runs, from the step timings the run writes itself (`--timings`, `pipelines.run.RunOutcome`), not
from its printed output.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from models import codes
from models.contracts import PRODUCERS, TRANSACTIONS
from pipelines.bench import peer
from pipelines.bench.measure import BenchError, BenchUsageError, Measured, Totals, mart_totals, measure
from pipelines.core.config import REPO_ROOT, settings
from pipelines.sample.registry import CHANNEL_CUM, HOURS_STORE, producer_registry

DEFAULT_ROWS = 10_000_000
MIN_ROWS = 1_000  # below this the producers' daily coverage check cannot be met
CHUNK_ROWS = 1_000_000  # rows generated and written at a time: memory stays flat whatever N
ROWS_PER_PRODUCER = 1_000
MIN_PRODUCERS = 300  # Kota Bekasi's registry
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
# The write floor: the same file read into a persisted table of a fresh DuckDB file (what storing the rows
# costs at the least), its totals then read from that table.
WRITE_FLOOR = """
import json, sys, time
import duckdb
t = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE transactions AS SELECT * FROM read_csv(?)", [sys.argv[1]])
con.execute("CHECKPOINT")
work = time.perf_counter() - t
rows = con.execute("SELECT category, sum(amount_idr)::BIGINT, count(*) FROM transactions GROUP BY category").fetchall()
print(json.dumps({"work_s": work, "totals": {c: [s, n] for c, s, n in rows}}))
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
import pipelines.cli.run
from pipelines.definitions import build
from pipelines.quality import gx
gx.expectations()
"""


# --------------------------------------------------------------------------------------------------
# Data


def generate(landing: Path, rows: int, day: date, seed: int = 0) -> dict[str, int]:
    """Write the registry and one day's file of `rows` valid transactions; return counts and bytes.

    Vectorised and written in chunks of CHUNK_ROWS, so 10M rows never sit in memory at once.
    """
    rng = np.random.default_rng(seed)
    n_prod = max(MIN_PRODUCERS, rows // ROWS_PER_PRODUCER)
    reg = producer_registry(rng, n_prod, day)  # the sample's registry: names, NIBs, kecamatan, categories
    (landing / "producers").mkdir(parents=True, exist_ok=True)
    (landing / "transactions").mkdir(parents=True, exist_ok=True)
    reg.frame.select(PRODUCERS.names).write_csv(landing / "producers" / "producers.csv")

    # Producers differ in size (share of sales) and ticket; every row uses its producer's category.
    size = np.exp(rng.normal(0.0, 0.8, n_prod))
    cum = np.cumsum(size / size.sum())
    ticket = 150_000 * np.exp(rng.normal(0.0, 0.6, n_prod))
    unit_price = np.maximum(1_000, ticket / np.exp(rng.normal(0.8, 0.5, n_prod)))
    hours = HOURS_STORE / HOURS_STORE.sum()
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
            channel = (CHANNEL_CUM[cat] < rng.random(n)[:, None]).sum(axis=1).clip(0, len(channels) - 1)
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
# The contenders


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


def _child(script: str, path: Path, log: Path, *more: Path) -> tuple[Measured, Totals, float]:
    m = measure([sys.executable, "-c", script, str(path), *map(str, more)], dict(os.environ), log)
    if m.returncode != 0:
        raise BenchError(f"{log.name}: exit {m.returncode}: {m.output.strip()[-2000:]}")
    result = json.loads(m.output.strip().splitlines()[-1])
    return m, {c: (int(s), int(n)) for c, (s, n) in result["totals"].items()}, float(result["work_s"])


def steps_of(timings: Path) -> dict[str, float]:
    """Seconds by step label, from the `sentra run --timings` file (`pipelines.run.RunOutcome.to_json`)."""
    steps: dict[str, float] = {}
    for step in json.loads(timings.read_text(encoding="utf-8"))["steps"]:
        steps[step["label"]] = steps.get(step["label"], 0.0) + float(step["seconds"])
    return steps


def sentra_env(data: Path, run: Path, day: date) -> dict[str, str]:
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
    for tree in ("publish", "internal"):  # each run publishes from scratch
        shutil.rmtree(data / tree, ignore_errors=True)
    env = sentra_env(data, run, day)
    timings = run / "sentra-run-timings.json"
    cmd = [
        sys.executable,
        "-m",
        "pipelines.cli",
        "run",
        "--from",
        day.isoformat(),
        "--to",
        day.isoformat(),
        "--timings",
        str(timings),
    ]
    m = measure(cmd, env, run / "sentra-run.log")
    if m.returncode != 0:
        raise BenchError(f"sentra run failed (exit {m.returncode}): {m.output.strip()[-2000:]}")
    totals = mart_totals(env["SENTRA_WAREHOUSE"], day, "Sentra's")  # after the run: nobody else holds it
    return m, totals, steps_of(timings)


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
    """Generate, run the four contenders `repeat` times, compare totals; return (and write) the figures."""
    from pipelines.core import dates

    if rows < MIN_ROWS:
        raise BenchUsageError(f"--rows must be at least {MIN_ROWS:,}, got {rows:,}")
    if repeat < 1:
        raise BenchUsageError(f"--repeat must be at least 1, got {repeat}")
    day = dates.last_complete("day")
    if out is not None and out.exists() and any(out.iterdir()):
        raise BenchUsageError(f"{out}: not empty (the benchmark needs a fresh data folder)")
    dbt_versions = peer.versions()  # before any work: no dbt, no comparison
    load_before = os.getloadavg()[0]  # 2 cores shared with others: say how busy the machine was
    data = out or Path(tempfile.mkdtemp(prefix="sentra-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        made = generate(data / "landing", rows, day, seed)
        generated_s = time.perf_counter() - t
        path = data / "landing" / "transactions" / FILE_NAME.format(day=day.isoformat())
        producers = data / "landing" / "producers" / "producers.csv"
        echo(
            f"bench: wrote {rows:,} rows ({made['file_bytes'] / 1e6:,.0f} MB) for {day} and "
            f"{made['producers']:,} producers in {generated_s:.1f} s to {data}"
        )

        kinds = ("sentra", "startup", "peer", "peer_startup", "floor", "write_floor", "pandas")
        figs = {k: Figures() for k in kinds}
        steps: list[dict[str, float]] = []
        results: dict[str, Totals] = {}
        for i in range(repeat):
            run_dir = data / "runs" / str(i + 1)
            echo(f"bench: run {i + 1} of {repeat}: sentra run --from {day} --to {day} …")
            m, results["sentra"], run_steps = _sentra(data, run_dir, day)
            figs["sentra"].add(m)
            steps.append(run_steps)
            echo(f"bench:   sentra {m.seconds:.1f} s, {m.peak_rss_bytes / 2**20:,.0f} MB; start-up …")
            env = sentra_env(data, run_dir / "startup", day)
            figs["startup"].add(measure([sys.executable, "-c", STARTUP], env, run_dir / "startup.log"))
            echo("bench:   dbt-duckdb peer: dbt build, then its start-up (a 1-row file) …")
            m, results["peer"], peer_startup, dbt = peer.run(path, producers, run_dir, day)
            figs["peer"].add(m)
            figs["peer_startup"].add(peer_startup)
            echo(f"bench:   peer {m.seconds:.1f} s, {m.peak_rss_bytes / 2**20:,.0f} MB; floors, pandas …")
            m, results["floor"], work = _child(FLOOR, path, run_dir / "floor.log")
            figs["floor"].add(m, work)
            table = run_dir / "write_floor.duckdb"
            m, results["write_floor"], work = _child(WRITE_FLOOR, path, run_dir / "write_floor.log", table)
            figs["write_floor"].add(m, work)
            table.unlink()
            m, results["pandas"], work = _child(PANDAS, path, run_dir / "pandas.log")
            figs["pandas"].add(m, work)

        figures = _report(rows, day, made, generated_s, repeat, figs, steps, results)
        figures["peer"].update(dbt=dbt, project=str(peer.PROJECT.relative_to(REPO_ROOT)))
        figures["machine"].update({k.replace("-", "_"): v for k, v in dbt_versions.items()})
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
    figs: dict[str, Figures],
    steps: list[dict[str, float]],
    results: dict[str, Totals],
) -> dict[str, object]:
    summary = {k: f.summary(rows) for k, f in figs.items()}
    for k in ("startup", "peer_startup"):
        summary[k].pop("rows_per_s")
    s = {k: float(v["seconds"]) for k, v in summary.items()}
    sentra_net, peer_net = max(s["sentra"] - s["startup"], 0.0), max(s["peer"] - s["peer_startup"], 0.0)
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
        "sentra": {
            **summary["sentra"],
            "steps": {k: round(statistics.median(d.get(k, 0.0) for d in steps), 2) for k in steps[0]},
        },
        "startup": summary["startup"],
        "peer": summary["peer"],
        "peer_startup": summary["peer_startup"],
        "floor": summary["floor"],
        "write_floor": summary["write_floor"],
        "pandas": summary["pandas"],
        "ratios": {
            "sentra_over_floor": round(s["sentra"] / s["floor"], 2),
            "sentra_excluding_startup_over_floor": round(sentra_net / s["floor"], 2),
            "peer_over_floor": round(s["peer"] / s["floor"], 2),
            "peer_excluding_startup_over_floor": round(peer_net / s["floor"], 2),
            "write_floor_over_floor": round(s["write_floor"] / s["floor"], 2),
            "pandas_over_floor": round(s["pandas"] / s["floor"], 2),
            "sentra_over_write_floor": round(s["sentra"] / s["write_floor"], 2),
            "sentra_over_peer": round(s["sentra"] / s["peer"], 2),
            # None when the peer's run is no longer than its start-up (a tiny file: noise)
            "sentra_over_peer_excluding_startup": round(sentra_net / peer_net, 2) if peer_net > 0 else None,
            "pandas_over_sentra": round(s["pandas"] / s["sentra"], 2),
        },
        # Issue 27's bound: the whole path within twice what storing the rows costs, plus a 5 s start-up.
        "sentra_bound_s": round(2 * s["write_floor"] + 5, 2),
        "totals_match": match,
        "totals": {c: {"turnover_idr": v, "transactions": n} for c, (v, n) in sorted(reference.items())},
        "totals_by_contender": {k: {c: list(v) for c, v in sorted(r.items())} for k, r in results.items()},
    }


CONTENDERS = (  # key in the figures, key of its start-up, label, key of its ratio to the floor
    ("sentra", "startup", "Sentra (sentra run, whole path)", "sentra"),
    ("peer", "peer_startup", "dbt-duckdb peer (dbt build)", "peer"),
    ("floor", None, "DuckDB floor (one read_csv query)", None),
    ("write_floor", None, "DuckDB write floor (into a table)", "write_floor"),
    ("pandas", None, "pandas (read_csv + groupby)", "pandas"),
)


def _table(fig: dict) -> list[str]:
    rows = fig["rows"]
    line = "{:<34} {:>8} {:>9} {:>10}  {}"
    out = [
        f"Sentra bench: {rows:,} rows ({fig['file_mb']:,} MB), day {fig['day']}, {fig['producers']:,} producers, "
        f"{fig['machine']['cpus']} CPUs (load {fig['machine'].get('load_avg_1m')}), median of {fig['repeat']}",
        line.format("", "seconds", "start-up", "peak RSS", "÷ floor (excluding start-up)"),
    ]
    r = fig["ratios"]
    for key, startup, label, ratio in CONTENDERS:
        x = fig[key]
        st = f"{fig[startup]['seconds']:.2f}" if startup else "–"
        if ratio is None:
            times = "1.0×"
        elif startup:
            times = f"{r[f'{ratio}_over_floor']:.1f}× ({r[f'{ratio}_excluding_startup_over_floor']:.1f}×)"
        else:
            times = f"{r[f'{ratio}_over_floor']:.1f}×"
        out.append(line.format(label, f"{x['seconds']:.2f}", st, f"{x['peak_rss_mb']:,} MB", times))
    for step, s in fig["sentra"]["steps"].items():
        out.append(f"  sentra step: {step}: {s:.1f} s")
    dbt = fig["peer"].get("dbt", {})
    out.append(f"  peer: {dbt.get('pass', 0)} dbt models and tests passed ({fig['peer'].get('project', '')})")
    net = r["sentra_over_peer_excluding_startup"]
    net = "n/a" if net is None else f"{net:.2f}×"
    out.append(
        f"Sentra ÷ peer: {r['sentra_over_peer']:.2f}× ({net} excluding both start-ups); "
        f"pandas ÷ Sentra: {r['pandas_over_sentra']:.2f}"
    )
    bound, met = fig["sentra_bound_s"], fig["sentra"]["seconds"] <= fig["sentra_bound_s"]
    out.append(
        f"Sentra ÷ write floor: {r['sentra_over_write_floor']:.2f}×; Sentra within 2 × write floor + 5 s "
        f"({bound:.1f} s): {'yes' if met else 'no'}"
    )
    total = sum(v["turnover_idr"] for v in fig["totals"].values())
    count = sum(v["transactions"] for v in fig["totals"].values())
    verdict = "identical in all five" if fig["totals_match"] else "DIFFER (see totals_by_contender)"
    out.append(f"totals by category: {verdict} ({len(fig['totals'])} categories, Rp{total:,}, {count:,} transactions)")
    return out
