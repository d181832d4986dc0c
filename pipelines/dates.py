"""Calendar helpers in Asia/Jakarta, where a day is a day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

from models.codes import TIMEZONE
from pipelines.config import PARTITIONS_START


def today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def first_day() -> date:
    return date.fromisoformat(PARTITIONS_START)


def window(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """The run's partition range as local dates `[start, end)`."""
    tw = context.partition_time_window
    return tw.start.astimezone(ZoneInfo(TIMEZONE)).date(), tw.end.astimezone(ZoneInfo(TIMEZONE)).date()
