"""Schedules in WIB: yesterday's marts at 06:00, last month's on the 5th (when its declarations are in),
then last month's report on the 6th and last week's brief on Mondays, at 07:00."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

from pipelines.orchestration.jobs import daily_job, monthly_job, monthly_report_job, weekly_report_job

if TYPE_CHECKING:  # what define_asset_job returns; Dagster does not export the name
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition


def _schedule(job: UnresolvedAssetJobDefinition, description: str, **when: int) -> dg.ScheduleDefinition:
    """A schedule for the job's latest complete partition, on by default, named after the job."""
    return dg.build_schedule_from_partitioned_job(
        job,
        name=job.name.removesuffix("_job") + "_schedule",
        description=description,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        **when,
    )


SCHEDULES = [
    _schedule(daily_job, "Yesterday's marts, every day at 06:00 WIB.", hour_of_day=6),
    _schedule(monthly_job, "Last month's export marts, on the 5th at 06:00 WIB.", day_of_month=5, hour_of_day=6),
    _schedule(
        monthly_report_job,
        "Last month's report, on the 6th at 07:00 WIB (after its marts).",
        day_of_month=6,
        hour_of_day=7,
    ),
    _schedule(
        weekly_report_job, "Last week's turnover brief, every Monday at 07:00 WIB.", day_of_week=1, hour_of_day=7
    ),
]
