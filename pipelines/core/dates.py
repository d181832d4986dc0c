"""Calendar helpers in Asia/Jakarta, where a day is a day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from models.codes import TIMEZONE


def today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def partition_bounds(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """The run's partition range as local dates `[start, end)`."""
    tw = context.partition_time_window
    return tw.start.astimezone(ZoneInfo(TIMEZONE)).date(), tw.end.astimezone(ZoneInfo(TIMEZONE)).date()


def last_complete(grain: str) -> date:
    """The last day (or first day of the last month) that is over in Asia/Jakarta: the newest partition."""
    yesterday = today() - timedelta(days=1)
    return yesterday if grain == "day" else (today().replace(day=1) - timedelta(days=1)).replace(day=1)


def buildable(periods: set[date], grain: str, first_day: date) -> set[date]:
    """The periods that have a partition: from the first partition (`first_day`'s) up to the last complete one."""
    first = first_day if grain == "day" else first_day.replace(day=1)
    return {p for p in periods if first <= p <= last_complete(grain)}
