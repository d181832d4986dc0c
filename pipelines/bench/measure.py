"""Measuring a contender of `sentra bench`: wall time and peak memory of a subprocess and all its descendants.

Each contender runs in its own subprocess, so its peak memory is its own: the RSS of the subprocess
and all its descendants, summed, sampled every 50 ms from /proc, and never below the kernel's own
high-water mark of the subprocess (VmHWM), which catches a short peak between two samples.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipelines.core.config import REPO_ROOT

POLL_S = 0.05

Totals = dict[str, tuple[int, int]]  # category -> (turnover_idr, transactions)


class BenchError(Exception):
    """The benchmark could not produce comparable figures (a run failed, or totals differ)."""


class BenchUsageError(ValueError):
    """A bad argument: `sentra bench` reports it as a usage error."""


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
    log.parent.mkdir(parents=True, exist_ok=True)
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


def mart_totals(warehouse: str, day: date, whose: str) -> Totals:
    """`day`'s daily_turnover_by_category read back from a finished run's DuckDB file (nobody else holds it),
    checked to add up to its daily_turnover: category -> (turnover_idr, transactions)."""
    con = duckdb.connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            "SELECT category, turnover_idr, transactions FROM marts.daily_turnover_by_category WHERE date = ?", [day]
        ).fetchall()
        total = con.execute(
            "SELECT turnover_idr, transactions FROM marts.daily_turnover WHERE date = ?", [day]
        ).fetchall()
    finally:
        con.close()
    result = {c: (int(s), int(n)) for c, s, n in rows}
    expected = (sum(v for v, _ in result.values()), sum(n for _, n in result.values()))
    if [(int(v), int(n)) for v, n in total] != [expected]:
        raise BenchError(f"{whose} marts.daily_turnover {total} is not the sum of its by-category mart {result}")
    return result
