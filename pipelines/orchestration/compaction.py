"""Compaction: superseded partition versions deleted on a schedule (`pipelines.warehouse.versions`).

Writers only append versions, so nothing they write is ever deleted in place; this job is the one writer that
deletes, weekly at a quiet hour. On a lake its delete of a table conflicts with a concurrent write of that
table: the table's transaction is retried, and the conflicts are counted in the run's metadata.
"""

import dagster as dg

from pipelines.core.config import Settings
from pipelines.warehouse import versions
from pipelines.warehouse.connection import Warehouse, pool

JOB = "compact_job"


def compact_job(s: Settings) -> dg.JobDefinition:
    """The compaction job for the settings' warehouse (its op in the file's single-writer pool, or a lake's own)."""

    @dg.op(pool=pool("compaction", s), out=dg.Out(dg.Nothing))
    def compact_versions(context: dg.OpExecutionContext, warehouse: Warehouse) -> None:
        """Delete every version a later one superseded, table by table; the record of each version stays."""
        with warehouse.connection() as con:
            done = versions.compact(con)
        for c in done:
            context.log.info(f"{c.table}: {c.deleted:,} superseded rows deleted, {c.conflicts} conflicts retried")
        context.add_output_metadata(
            {
                "rows_deleted": sum(c.deleted for c in done),
                "conflicts_retried": sum(c.conflicts for c in done),
                "tables": dg.MetadataValue.json({c.table: c.deleted for c in done}),
            }
        )

    @dg.job(name=JOB, description="Delete superseded partition versions of the staging and mart tables.")
    def _job() -> None:
        compact_versions()

    return _job


def compact_schedule(job: dg.JobDefinition) -> dg.ScheduleDefinition:
    """Every Sunday at 02:00 WIB, before the day's first scheduled run (06:00)."""
    return dg.ScheduleDefinition(
        name="compact_schedule",
        job=job,
        cron_schedule="0 2 * * 0",
        execution_timezone="Asia/Jakarta",
        description="Superseded partition versions deleted, every Sunday at 02:00 WIB.",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
