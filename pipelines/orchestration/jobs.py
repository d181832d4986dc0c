"""Jobs: one per partitioning, so a range is one run (the assets' backfill policy is single-run)."""

from __future__ import annotations

import dagster as dg

from pipelines.core import partitions

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups("raw") | dg.AssetSelection.assets("stg_producers", "stg_fx_rates"),
    description="Ingest new or changed landing files and refresh the registry and the reference rates.",
)
daily_job = dg.define_asset_job(
    "daily_job",
    selection=dg.AssetSelection.assets("stg_transactions").downstream() & dg.AssetSelection.groups("stg", "marts"),
    partitions_def=partitions.daily,
    description="Staging and marts of transactions for a range of days.",
)
monthly_job = dg.define_asset_job(
    "monthly_job",
    selection=dg.AssetSelection.assets("stg_exports").downstream() & dg.AssetSelection.groups("stg", "marts"),
    partitions_def=partitions.monthly,
    description="Staging and marts of exports for a range of months.",
)
publish_job = dg.define_asset_job(
    "publish_job",
    selection=dg.AssetSelection.groups("publish"),
    description="Published cells, charts, the marts' snapshot and the portal.",
)
monthly_report_job = dg.define_asset_job(
    "monthly_report_job", selection=dg.AssetSelection.assets("report_monthly"), partitions_def=partitions.monthly,
    description="The monthly report of a range of months.",
)  # fmt: skip
weekly_report_job = dg.define_asset_job(
    "weekly_report_job", selection=dg.AssetSelection.assets("report_weekly"), partitions_def=partitions.weekly,
    description="The weekly turnover brief of a range of weeks.",
)  # fmt: skip
portal_job = dg.define_asset_job(
    "portal_job", selection=dg.AssetSelection.assets("portal_index"),
    description="The portal's index and manifest, after new reports.",
)  # fmt: skip
JOBS = [ingest_job, daily_job, monthly_job, monthly_report_job, weekly_report_job, publish_job, portal_job]
