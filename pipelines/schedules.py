"""Schedules in WIB: yesterday's day at 06:00, last month on the 5th (when its declarations are in)."""

import dagster as dg

from pipelines.jobs import daily_job, monthly_job

daily_schedule = dg.build_schedule_from_partitioned_job(
    daily_job,
    name="daily_schedule",
    hour_of_day=6,
    description="Yesterday's marts, every day at 06:00 WIB.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
monthly_schedule = dg.build_schedule_from_partitioned_job(
    monthly_job,
    name="monthly_schedule",
    day_of_month=5,
    hour_of_day=6,
    description="Last month's export marts, on the 5th at 06:00 WIB.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
SCHEDULES = [daily_schedule, monthly_schedule]
