"""What a run covers: partition ranges as contiguous segments, and the tags that make a range one run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_period(d: date, grain: str) -> date:
    if grain in ("day", "week"):
        return d + timedelta(days=1 if grain == "day" else 7)
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def periods(first: date, last: date, grain: str) -> list[date]:
    """Every day (or first-of-month) from first to last inclusive."""
    out, d = [], first if grain == "day" else month_start(first)
    while d <= last:
        out.append(d)
        d = next_period(d, grain)
    return out


def segments(dates: Iterable[date], grain: str) -> list[tuple[date, date]]:
    """Contiguous runs of periods as (first, last): a Dagster run each, so untouched gaps are not rebuilt."""
    out: list[tuple[date, date]] = []
    for d in sorted(set(dates)):
        if out and next_period(out[-1][1], grain) == d:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def partition_key(d: date, grain: str) -> str:
    return d.replace(day=1).isoformat() if grain == "month" else d.isoformat()


def range_tags(first: date, last: date, grain: str) -> dict[str, str]:
    return {
        ASSET_PARTITION_RANGE_START_TAG: partition_key(first, grain),
        ASSET_PARTITION_RANGE_END_TAG: partition_key(last, grain),
    }


def range_run_requests(job: str, dates: Iterable[date], grain: str, key_prefix: str) -> list[dg.RunRequest]:
    return [
        dg.RunRequest(run_key=f"{key_prefix}:{first}:{last}", job_name=job, tags=range_tags(first, last, grain))
        for first, last in segments(dates, grain)
    ]


def complete_weeks(days: set[date], last_day: date) -> set[date]:
    """Mondays of the weeks that touch `days` and are over by `last_day` (weeks start on Monday)."""
    mondays = {d - timedelta(days=d.weekday()) for d in days}
    return {m for m in mondays if m + timedelta(days=6) <= last_day}
