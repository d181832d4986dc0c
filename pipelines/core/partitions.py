"""Partitions, defined once: a day and a month are calendar periods in Asia/Jakarta."""

from __future__ import annotations

import warnings

import dagster as dg

from models.codes import TIMEZONE
from pipelines.core.config import PARTITIONS_START

daily = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone=TIMEZONE)
monthly = dg.MonthlyPartitionsDefinition(start_date=PARTITIONS_START, timezone=TIMEZONE)

# Single-run backfill policies are "beta" in this Dagster; we rely on them knowingly (see STACK-NOTES).
warnings.filterwarnings("ignore", category=dg.BetaWarning)
weekly = dg.WeeklyPartitionsDefinition(start_date=PARTITIONS_START, timezone=TIMEZONE, day_offset=1)  # Monday
