"""Raw layer: landing files into `raw.*` and `quarantine.*`, one asset per source."""

from collections.abc import Iterator
from contextlib import nullcontext

import dagster as dg

from models.contracts import CONTRACTS, Contract
from pipelines.assets.checked import Run, recorded
from pipelines.core import dates, markdown
from pipelines.core.config import Settings
from pipelines.ingest.landing import SEEN_METADATA
from pipelines.ingest.load import INGEST_MEMORY, ingest_source
from pipelines.ingest.results import SourceResult
from pipelines.ingest.settings import IngestSettings
from pipelines.quality import accounting
from pipelines.quality.outcome import blocking_failures, specs, to_results
from pipelines.quality.settings import QualitySettings
from pipelines.warehouse.connection import Sentra, Warehouse, memory_at_most, on_lake, pool

# Rows of a source can only be checked once the sources they refer to are in.
_DEPS = {"transactions": ["raw_producers"], "exports": ["raw_producers"]}


def _files_table(result: SourceResult) -> str:
    headers = ("file", "status", "read", "accepted", "quarantined", "duplicates", "excluded", "corrections")
    rows = (
        (f.name, f.status, f.rows_read, f.accepted, f.quarantined, f.duplicates, f.excluded, f.corrections)
        for f in result.files
    )
    return markdown.table(headers, rows)


def build_raw_asset(contract: Contract, s: Settings) -> dg.AssetsDefinition:
    name = f"raw_{contract.source}"

    @dg.asset(
        name=name,
        group_name="raw",
        deps=_DEPS.get(contract.source, []),
        pool=pool(name, s),
        kinds={"duckdb", "csv", "excel", "parquet"},
        description=f"{contract.description} New or changed files from `landing/{contract.source}/` are "
        "ingested (each once, whatever its name; CSV, Excel, Parquet or JSON Lines); rejected rows go to "
        "`quarantine` with their reasons, unreadable files to `landing/rejected/` with an explanation.",
        check_specs=specs(name, accounting.CHECKS),
    )
    def _raw(
        context: dg.AssetExecutionContext,
        warehouse: Warehouse,
        ingest: IngestSettings,
        quality: QualitySettings,
        sentra: Sentra,
    ) -> Iterator[dg.MaterializeResult]:
        with warehouse.connection() as con:
            lower = nullcontext() if on_lake(con) else memory_at_most(con, warehouse.memory, INGEST_MEMORY)
            with lower:
                result = ingest_source(
                    con, contract, sentra.landing, context.run_id, sentra.partitions_start, dates.today(), ingest
                )
            outcomes = [accounting.accounting(con, contract.source, context.run_id), accounting.readable(result)]
            recorded(con, Run.of(context.run_id, sentra, quality), name, outcomes)
        for f in result.rejected:
            context.log.warning(f.reason)
        for f in result.waiting:
            context.log.info(f.reason)
        notes = [f"{f.name}: {n}" for f in result.files for n in f.notes]
        if notes:  # one event, not one per note: a year of messy files has ~490 (all in `notes` and raw.files)
            context.log.warning(f"{len(notes)} note(s) on the files read, e.g. {notes[0]}")
        touched = sorted(result.touched)
        yield dg.MaterializeResult(
            metadata={
                "files_ingested": sum(f.status == "ingested" for f in result.files),
                "files_skipped": sum(f.status == "skipped" for f in result.files),
                "files_rejected": len(result.rejected),
                "files_waiting": len(result.waiting),
                "rows_read": result.total("rows_read"),
                "rows_accepted": result.total("accepted"),
                "rows_quarantined": result.total("quarantined"),
                "rows_duplicate": result.total("duplicates"),
                "rows_corrected": result.total("corrections"),
                "rows_excluded": result.total("excluded"),
                "notes": dg.MetadataValue.json(notes),
                "touched_days": dg.MetadataValue.json([p.isoformat() for g, p in touched if g == "day"]),
                "touched_months": dg.MetadataValue.json([p.isoformat() for g, p in touched if g == "month"]),
                "files": dg.MetadataValue.md(_files_table(result)),
                "rejected": dg.MetadataValue.json([f.reason for f in result.rejected]),
                # The same reasons in each language, for `sentra run --lang`.
                "rejected_texts": dg.MetadataValue.json([f.texts for f in result.rejected]),
                "waiting": dg.MetadataValue.json([f.reason for f in result.waiting]),
                # Read by the landing sensor, so files ingested outside it (`sentra run`) start no run.
                SEEN_METADATA: dg.MetadataValue.json(result.seen),
            },
            check_results=to_results(outcomes),
        )
        # The rows are stored (nothing is lost) but a file that does not balance stops the run here, before
        # any partition is built from it.
        for o in blocking_failures(outcomes):
            raise dg.Failure(description=f"{name}: {o.check.name} failed — {o.observed}")

    return _raw


def raw_assets(s: Settings) -> list[dg.AssetsDefinition]:
    return [build_raw_asset(c, s) for c in CONTRACTS.values()]
