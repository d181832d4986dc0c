"""Ingest landing files into the raw layer: one file, one transaction, every row accounted for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from models.contracts import Contract
from pipelines.ingest import marketplace, parse, read
from pipelines.ingest.landing import LandingFile, scan
from pipelines.ingest.rejected import reject
from pipelines.ingest.settings import IngestSettings
from pipelines.resources import render, sql, transaction

# The date that partitions each source's rows, and the grain of that partition.
PARTITION_DATE = {"transactions": ("local_date", "day"), "exports": ("peb_date", "month")}


@dataclass
class FileResult:
    name: str
    status: str  # ingested, skipped (content seen before) or rejected
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    corrections: int = 0
    excluded: int = 0
    reason: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class SourceResult:
    source: str
    files: list[FileResult] = field(default_factory=list)
    touched: set[tuple[str, date]] = field(default_factory=set)  # (grain, period)

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "rejected"]


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    landing: Path,
    run_id: str,
    first_day: date,
    last_day: date,
    limits: IngestSettings,
) -> SourceResult:
    """Ingest every new or changed file of one source, oldest first. A bad file is moved aside and skipped."""
    result = SourceResult(contract.source)
    seen = {r[0] for r in con.execute("SELECT sha256 FROM raw.files WHERE source = ?", [contract.source]).fetchall()}
    for lf in scan(landing, contract.source):
        digest = lf.sha256()
        if digest in seen:
            result.files.append(FileResult(lf.name, "skipped"))
            continue
        try:
            records = _records(lf, contract, limits)
        except parse.LandingFileError as exc:
            reject(con, landing, lf, digest, str(exc), run_id)
            result.files.append(FileResult(lf.name, "rejected", reason=str(exc)))
            continue
        fr = _ingest_file(con, contract, lf, digest, records, run_id, first_day, last_day, result.touched)
        seen.add(digest)
        result.files.append(fr)
    return result


@dataclass
class Records:
    """A file's records in the contract's text columns, the records set aside as not sales, and notes."""

    frame: pl.DataFrame
    excluded: pl.DataFrame
    notes: list[str]


def _records(lf: LandingFile, contract: Contract, limits: IngestSettings) -> Records:
    if lf.producer_id is None:
        table = read.read(lf, read.Layout.of(contract), limits)
        none = pl.DataFrame(schema={"_line": pl.Int64, "reason": pl.String, "record": pl.String})
        return Records(table.frame, none, table.notes)
    table = read.read(lf, read.MARKETPLACE, limits)
    sales, excluded, note = marketplace.orders(table.frame, lf.producer_id)
    return Records(sales, excluded, [*table.notes, note])


def _row_rules(
    con: duckdb.DuckDBPyConnection, contract: Contract, typed: pl.DataFrame, first_day: date, last_day: date
) -> pl.DataFrame:
    """Rules that need more than the row: the registry and the partitioned date range."""
    extra: list[pl.Expr] = []
    if contract.registry_checked:
        registry = con.sql("SELECT producer_id FROM raw.producers WHERE _is_current").pl()["producer_id"]
        known = pl.col("__producer_id").is_in(registry.implode())
        msg = (
            pl.lit("producer_id ")
            + pl.lit("'")
            + pl.col("producer_id").fill_null("")
            + pl.lit("' is not in the registry")
        )
        extra.append(pl.when(pl.col("__producer_id").is_not_null() & ~known).then(msg))
    if contract.source in PARTITION_DATE:
        col, _ = PARTITION_DATE[contract.source]
        d = pl.col(f"__{col}")
        outside = (d < first_day) | (d > last_day)
        extra.append(
            pl.when(d.is_not_null() & outside).then(
                pl.lit(f"{contract.date_field} ")
                + pl.lit("'")
                + pl.col(contract.date_field or "").fill_null("")
                + pl.lit(f"' is outside the partitioned dates {first_day} … {last_day}")
            )
        )
    if not extra:
        return typed
    reason = pl.concat_str([pl.col("_reason"), *extra], separator="; ", ignore_nulls=True)
    return typed.with_columns(pl.when(reason == "").then(None).otherwise(reason).alias("_reason"))


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    lf: LandingFile,
    digest: str,
    records: Records,
    run_id: str,
    first_day: date,
    last_day: date,
    touched: set[tuple[str, date]],
) -> FileResult:
    raw_t, q_t, dup_t = (
        f"raw.{contract.source}",
        f"quarantine.{contract.source}",
        f"raw.{contract.source}_duplicates",
    )
    frame = records.frame
    typed = _row_rules(con, contract, parse.type_rows(frame, contract), first_day, last_day)
    good = parse.accepted(typed, contract)
    bad = parse.rejected(typed, contract, PARTITION_DATE.get(contract.source, (None,))[0])
    with transaction(con):
        (file_id,) = con.execute("SELECT nextval('raw.file_id_seq')").fetchall()[0]
        con.register("incoming", good.to_arrow())
        con.register("rejected_rows", bad.to_arrow())
        con.register("excluded_rows", records.excluded.to_arrow())
        try:
            con.execute(render("ingest_quarantine", quarantine=q_t), [file_id, run_id])
            con.execute(sql("ingest_excluded"), [contract.source, file_id, run_id])
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE classified AS {render('ingest_classify', raw=raw_t)}",
                [file_id],
            )
            new_periods = _touched(con, contract, raw_t, file_id)
            con.execute(render("ingest_duplicates", duplicates=dup_t), [file_id, run_id])
            con.execute(render("ingest_supersede", raw=raw_t))
            con.execute(render("ingest_insert", raw=raw_t), [file_id, run_id])
            con.execute(sql("ingest_corrections"), [contract.source, file_id, run_id])
            con.execute(render("ingest_resolve", quarantine=q_t), [file_id])
            dups, corrections = con.execute(
                "SELECT count(*) FILTER (is_duplicate), "
                "count(*) FILTER (NOT is_duplicate AND prev_row_hash IS NOT NULL) FROM classified"
            ).fetchall()[0]
            excluded = records.excluded.height
            result = FileResult(
                lf.name, "ingested", frame.height + excluded, good.height - dups, bad.height, dups, corrections,
                excluded, notes=records.notes,
            )  # fmt: skip
            # The pipeline checks its own accounting: a mismatch aborts the file's transaction.
            if result.rows_read != result.accepted + result.quarantined + result.duplicates + result.excluded:
                raise AssertionError(f"{lf.path}: row accounting does not balance ({result})")
            con.execute(
                sql("ingest_file"),
                [
                    file_id,
                    contract.source,
                    lf.name,
                    str(lf.path),
                    digest,
                    lf.size,
                    lf.modified_at,
                    run_id,
                    result.rows_read,
                    result.accepted,
                    result.quarantined,
                    result.duplicates,
                    result.corrections,
                    result.excluded,
                    lf.format,
                    "; ".join(records.notes) or None,
                ],
            )
            if new_periods.height:
                con.register("new_periods", new_periods.to_arrow())
                con.execute("INSERT INTO raw.file_partitions BY NAME SELECT * FROM new_periods")
                con.unregister("new_periods")
        finally:
            for view in ("incoming", "rejected_rows", "excluded_rows"):
                con.unregister(view)
    touched.update(zip(new_periods["grain"].to_list(), new_periods["period"].to_list(), strict=True))
    return result


def _touched(con: duckdb.DuckDBPyConnection, contract: Contract, raw_t: str, file_id: int) -> pl.DataFrame:
    """The (grain, period) partitions this file changes, computed before its rows are written."""
    if contract.source in PARTITION_DATE:
        col, grain = PARTITION_DATE[contract.source]
        query, params = render("ingest_touched", raw=raw_t, date_col=col), [file_id, grain, grain]
    else:
        query, params = sql(f"touched_by_{contract.source}"), [file_id]
    return con.sql(query, params=params).pl()
