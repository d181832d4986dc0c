"""Does a new day cost the same whatever history is loaded? (`make bench`, docs/BENCHMARKS.md)

In one data folder, warehouse and Dagster instance it

0. writes the registry and day 0's transactions (N valid rows) and loads them, untimed, so that the two
   timed days do the same work (the registry is read, checked and staged once, by this run);
1. writes day 1's transactions and times `sentra run` of day 1 alone (each timed day is run `--repeat` times
   from the same state, the warehouse, instance and output trees restored from a copy; the median run is kept);
2. writes days 2 … K+1 and loads them with one `sentra run` (timed too, as the load's throughput);
3. writes day K+2 and times `sentra run` of that day,

then compares the last day with the first, whole and step by step (ingest, days, publish, …), from the
timings each run writes itself (`sentra run --timings`). Every day has the same registry and the same
number of rows, so any difference is what the history costs. Each day's marts are checked against the
day's own totals.

    python -m pipelines.bench.history --rows 1000000 --days 20 [--repeat 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pipelines.bench.contenders import FILE_NAME, generate, sentra_env, steps_of
from pipelines.bench.measure import BenchError, mart_totals, measure
from pipelines.core import dates
from pipelines.core.config import settings


@dataclass
class Timed:
    """One `sentra run`: its days, wall seconds, peak memory and seconds by step."""

    first: str
    last: str
    seconds: float
    peak_rss_mb: int
    steps: dict[str, float]
    repeats: list[float] = field(default_factory=list)  # ingest and day, seconds, of every run of a timed day


def _run(data: Path, env: dict[str, str], first: date, last: date, label: str) -> Timed:
    timings = data / f"timings-{label}.json"
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--from", str(first), "--to", str(last)]
    m = measure([*cmd, "--timings", str(timings)], env, data / f"run-{label}.log")
    if m.returncode != 0:
        raise BenchError(f"sentra run {first} … {last} failed (exit {m.returncode}): {m.output.strip()[-2000:]}")
    steps: dict[str, float] = {}
    for step, seconds in steps_of(timings).items():  # "day 2025-02-03" and "days 2025-02-04 … 2025-02-24": "day"
        what = re.sub(r"s? \d{4}-\d{2}(-\d{2})?( … \d{4}-\d{2}(-\d{2})?)?$", "", step)
        steps[what] = round(steps.get(what, 0.0) + seconds, 2)
    return Timed(str(first), str(last), round(m.seconds, 2), m.peak_rss_bytes >> 20, steps)


def _rows_cost(t: Timed) -> float:
    return t.steps.get("ingest landing files", 0.0) + t.steps.get("day", 0.0)


_STATE = ("run", "internal", "publish")  # what a run changes: warehouse and Dagster instance, both output trees


def _timed_day(data: Path, env: dict[str, str], day: date, label: str, repeat: int) -> Timed:
    """`sentra run` of one day `repeat` times from the same state (restored from a copy before each repeat):
    the run of median cost (ingest and day), so that one slow moment of a shared machine decides nothing."""
    saved = data / "saved"
    for name in _STATE:
        if (data / name).exists():
            shutil.copytree(data / name, saved / name, symlinks=True)
    runs = []
    for i in range(repeat):
        if i:
            for name in _STATE:
                shutil.rmtree(data / name, ignore_errors=True)
                if (saved / name).exists():
                    shutil.copytree(saved / name, data / name, symlinks=True)
        runs.append(_run(data, env, day, day, f"{label}-{i + 1}"))
    shutil.rmtree(saved)
    median = sorted(runs, key=_rows_cost)[len(runs) // 2]
    median.repeats = [round(_rows_cost(r), 2) for r in runs]
    return median


def _day_file(data: Path, rows: int, day: date) -> None:
    """Day `day`'s file in landing/transactions/ (written aside first: the registry stays day 1's)."""
    scratch = data / "scratch"
    generate(scratch, rows, day)
    name = FILE_NAME.format(day=day.isoformat())
    shutil.move(scratch / "transactions" / name, data / "landing" / "transactions" / name)
    shutil.rmtree(scratch)


def run(
    rows: int, days: int, json_path: Path | None, repeat: int = 3, say: Callable[[str], None] = print
) -> dict[str, object]:
    last = dates.last_complete("day")
    first = last - timedelta(days=days + 1)
    day0 = first - timedelta(days=1)
    data = Path(tempfile.mkdtemp(prefix="sentra-history-"))
    try:
        env = sentra_env(data, data / "run", day0)
        made = generate(data / "landing", rows, day0)
        say(f"history: the registry ({made['producers']:,} producers) and day 0 ({day0}), untimed …")
        _run(data, env, day0, day0, "setup")
        _day_file(data, rows, first)
        say(f"history: day 1 ({first}), {rows:,} rows …")
        day1 = _timed_day(data, env, first, "day1", repeat)
        for i in range(1, days + 1):
            _day_file(data, rows, first + timedelta(days=i))
        say(f"history: loading days 2 … {days + 1} ({days * rows:,} rows) …")
        load = _run(data, env, first + timedelta(days=1), last - timedelta(days=1), "load")
        _day_file(data, rows, last)
        say(f"history: day {days + 2} ({last}) on {(days + 2) * rows:,} rows of history …")
        day_k = _timed_day(data, env, last, "last", repeat)
        totals = [mart_totals(env["SENTRA_WAREHOUSE"], d, "Sentra's") for d in (first, last)]
        if any(sum(n for _, n in t.values()) != rows for t in totals):
            raise BenchError(f"a day's marts do not count its {rows:,} rows: {totals}")
        by_step = {k: round(v / day1.steps[k], 3) for k, v in day_k.steps.items() if day1.steps.get(k)}
        figures = {
            "rows_per_day": rows,
            "history_days": days + 2,
            "repeat": repeat,  # each timed day run this many times from the same state; the median run kept
            "day_1": asdict(day1),
            "load": asdict(load),
            "day_after_history": asdict(day_k),
            "ratio": round(day_k.seconds / day1.seconds, 3),
            # What a new day's rows cost (ingest, then its day's tables and checks): publish draws charts for the
            # first time on day 1, so the whole-run ratio flatters the later day.
            "ratio_ingest_and_day": round(_rows_cost(day_k) / _rows_cost(day1), 3),
            "ratio_by_step": by_step,
        }
        path = json_path or settings().data_dir / "bench" / f"sentra-history-{rows}x{days}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        say(f"history: day 1 {day1.seconds} s, day {days + 2} {day_k.seconds} s: ratio {figures['ratio']}")
        rows_cost = f"{_rows_cost(day1):.2f} s (of {day1.repeats}) → {_rows_cost(day_k):.2f} s (of {day_k.repeats})"
        say(f"history: ingest and day {rows_cost}: ratio {figures['ratio_ingest_and_day']}")
        for step, ratio in by_step.items():
            say(f"history:   {step}: {day1.steps[step]} s → {day_k.steps[step]} s ({ratio}×)")
        say(f"history: figures written to {path}")
        return figures
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench.history", description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="transactions per day (default 1,000,000)")
    p.add_argument("--days", type=int, default=20, help="days of history before the timed day (default 20)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each timed day, the median kept (default 3)")
    p.add_argument("--json", type=Path, help="figures file (default: <data dir>/bench/sentra-history-RxK.json)")
    args = p.parse_args(argv)
    try:
        run(args.rows, args.days, args.json, args.repeat)
    except BenchError as exc:
        print(f"history: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
