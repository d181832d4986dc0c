"""Schedules in WIB: yesterday's day at 06:00, last month on the 5th (when its declarations are in)."""

import dagster as dg

from pipelines.jobs import daily_job, monthly_job, monthly_report_job, weekly_report_job

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
monthly_report_schedule = dg.build_schedule_from_partitioned_job(
    monthly_report_job,
    name="monthly_report_schedule",
    day_of_month=6,
    hour_of_day=7,
    description="Last month's report, on the 6th at 07:00 WIB (the day after its export marts are built).",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
weekly_report_schedule = dg.build_schedule_from_partitioned_job(
    weekly_report_job,
    name="weekly_report_schedule",
    day_of_week=1,
    hour_of_day=7,
    description="Last week's turnover brief, every Monday at 07:00 WIB.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
SCHEDULES = [daily_schedule, monthly_schedule, monthly_report_schedule, weekly_report_schedule]
