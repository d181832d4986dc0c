"""Partitions, defined once: a day, a week (Monday to Sunday) and a month are calendar periods in Asia/Jakarta,
from the first partition the settings give (`Settings.partitions_start`)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from functools import cache

import dagster as dg

from models.codes import TIMEZONE


@dataclass(frozen=True)
class Calendar:
    daily: dg.DailyPartitionsDefinition
    weekly: dg.WeeklyPartitionsDefinition
    monthly: dg.MonthlyPartitionsDefinition


@cache
def calendar(start: date) -> Calendar:
    """The partitions from `start` (the same objects for the same start)."""
    first = start.isoformat()
    with warnings.catch_warnings():  # a weekly day_offset is "beta" in this Dagster; we rely on it knowingly
        warnings.simplefilter("ignore", dg.BetaWarning)
        weekly = dg.WeeklyPartitionsDefinition(start_date=first, timezone=TIMEZONE, day_offset=1)  # Monday
    return Calendar(
        daily=dg.DailyPartitionsDefinition(start_date=first, timezone=TIMEZONE),
        weekly=weekly,
        monthly=dg.MonthlyPartitionsDefinition(start_date=first, timezone=TIMEZONE),
    )


def single_run() -> dg.BackfillPolicy:
    """A range of partitions is one run (what `sentra run` and the schedules rely on)."""
    with warnings.catch_warnings():  # "beta" in this Dagster; measured to work (STACK-NOTES)
        warnings.simplefilter("ignore", dg.BetaWarning)
        return dg.BackfillPolicy.single_run()
