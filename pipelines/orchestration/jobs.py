"""Jobs: one per partitioning (inferred from their assets), so a range is one run (the assets' backfill policy is
single-run), and the run
order of Sentra's steps, declared once (`STEPS`): `sentra run` takes them in this order, the sensors start each
after the ones it follows, and the tests select the same assets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:  # what define_asset_job returns; Dagster does not export the name
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups("raw") | dg.AssetSelection.assets("stg_producers", "stg_fx_rates"),
    description="Ingest new or changed landing files and refresh the registry and the reference rates.",
)
daily_job = dg.define_asset_job(
    "daily_job",
    selection=dg.AssetSelection.assets("stg_transactions").downstream() & dg.AssetSelection.groups("stg", "marts"),
    description="Staging and marts of transactions for a range of days.",
)
monthly_job = dg.define_asset_job(
    "monthly_job",
    selection=dg.AssetSelection.assets("stg_exports").downstream() & dg.AssetSelection.groups("stg", "marts"),
    description="Staging and marts of exports for a range of months.",
)
publish_job = dg.define_asset_job(
    "publish_job",
    selection=dg.AssetSelection.groups("publish"),
    description="Published cells, charts, the marts' snapshot and the portal.",
)
monthly_report_job = dg.define_asset_job(
    "monthly_report_job",
    selection=dg.AssetSelection.assets("report_monthly"),
    description="The monthly report of a range of months.",
)
weekly_report_job = dg.define_asset_job(
    "weekly_report_job",
    selection=dg.AssetSelection.assets("report_weekly"),
    description="The weekly turnover brief of a range of weeks.",
)
portal_job = dg.define_asset_job(
    "portal_job",
    selection=dg.AssetSelection.assets("portal_index"),
    description="The portal's index and manifest, after new reports.",
)


@dataclass(frozen=True)
class Step:
    """A step of the run order: its job, what `sentra run` prints for it, the grain of its partitions (None:
    unpartitioned), the steps whose success starts it under the daemon (none: a schedule or a landing file),
    and whether `sentra run` takes it every time or only when a step it follows built something."""

    job: UnresolvedAssetJobDefinition
    label: str
    grain: str | None = None
    after: tuple[str, ...] = ()
    always: bool = True


STEPS = (
    Step(ingest_job, "ingest landing files"),
    Step(daily_job, "", "day", after=("ingest_job",)),
    Step(monthly_job, "", "month", after=("ingest_job",)),
    Step(publish_job, "publish cells, charts and the portal", after=("daily_job", "monthly_job")),
    Step(monthly_report_job, "monthly report ", "month"),  # on their schedules: their periods are complete then
    Step(weekly_report_job, "weekly brief ", "week"),
    # The publish run writes the portal too: it is written again only to list new reports.
    Step(portal_job, "list the reports on the portal", after=("monthly_report_job", "weekly_report_job"), always=False),
)
JOBS = [step.job for step in STEPS]


def following(job: str) -> list[Step]:
    """The steps a successful run of `job` starts, in the run order."""
    return [step for step in STEPS if job in step.after]


def preceding(job: str) -> list[UnresolvedAssetJobDefinition]:
    """The jobs whose success starts `job`."""
    step = next(s for s in STEPS if s.job.name == job)
    return [s.job for s in STEPS if s.job.name in step.after]
