"""Compaction: superseded partition versions deleted on a schedule (`pipelines.warehouse.versions`).

Writers only append versions, so nothing they write is ever deleted in place; this job is the one writer that
deletes, weekly at a quiet hour. On a lake its delete of a table conflicts with a concurrent write of that
table: the table's transaction is retried, and the conflicts are counted in the run's metadata. A lake then
gets the storage back through DuckLake's own maintenance (`pipelines.warehouse.reclaim`).
"""

from dataclasses import asdict

import dagster as dg

from pipelines.core.config import Settings
from pipelines.warehouse import reclaim, versions
from pipelines.warehouse.connection import Sentra, Warehouse, on_lake, pool

JOB = "compact_job"


def compact_job(s: Settings) -> dg.JobDefinition:
    """The compaction job for the settings' warehouse (its op in the file's single-writer pool, or a lake's own)."""

    @dg.op(pool=pool("compaction", s), out=dg.Out(dg.Nothing))
    def compact_versions(context: dg.OpExecutionContext, warehouse: Warehouse, sentra: Sentra) -> None:
        """Delete every version a later one superseded, table by table; the record of each version stays. On a
        lake, then give their storage back (`pipelines.warehouse.reclaim`)."""
        with warehouse.connection() as con:
            done = versions.compact(con)
            freed = reclaim.reclaim(con, sentra.lake_retention_days) if on_lake(con) else None
        for c in done:
            context.log.info(f"{c.table}: {c.deleted:,} superseded rows deleted, {c.conflicts} conflicts retried")
        metadata: dict[str, object] = {
            "rows_deleted": sum(c.deleted for c in done),
            "conflicts_retried": sum(c.conflicts for c in done),
            "tables": dg.MetadataValue.json({c.table: c.deleted for c in done}),
        }
        if freed is not None:
            context.log.info(
                f"lake: {freed.files_rewritten} files rewritten, {freed.files_merged} merged, "
                f"{freed.snapshots_expired} snapshots expired, {freed.files_deleted} files deleted "
                f"(retention {sentra.lake_retention_days} days)"
            )
            metadata |= {f"lake_{k}": v for k, v in asdict(freed).items()}
        context.add_output_metadata(metadata)

    @dg.job(
        name=JOB,
        description="Delete superseded partition versions of the staging and mart tables (on a lake, and "
        "expire its old snapshots and files).",
    )
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
