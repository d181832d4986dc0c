"""Ingest landing files into the raw layer: one file, one transaction, every row accounted for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from models.contracts import Contract
from pipelines.ingest import marketplace, parse, read
from pipelines.ingest.landing import LandingFile, StillWriting, scan, settled, still_writing
from pipelines.ingest.rejected import reject
from pipelines.ingest.settings import IngestSettings
from pipelines.resources import render, sql, transaction

# The date that partitions each source's rows, and the grain of that partition.
PARTITION_DATE = {"transactions": ("local_date", "day"), "exports": ("peb_date", "month")}
_TOUCHED_BY = {"producers": "touched_by_producers", "fx_rates": "touched_by_fx_rates"}
# Rows typed and stored at a time: memory stays flat whatever the file's size.
BATCH_ROWS = 500_000
_NO_PERIODS = pl.DataFrame(schema={"file_id": pl.Int64, "grain": pl.String, "period": pl.Date})


@dataclass
class FileResult:
    name: str
    status: str  # ingested, skipped (content seen before), rejected or waiting (still being written)
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
    seen: dict[str, list[float]] = field(default_factory=dict)  # path -> fingerprint of every file dealt with

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "rejected"]

    @property
    def waiting(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "waiting"]


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    landing: Path,
    run_id: str,
    first_day: date,
    last_day: date,
    limits: IngestSettings,
) -> SourceResult:
    """Ingest every new or changed file of one source, oldest first. A bad file is moved aside and skipped;
    a file still being written is left for the next run."""
    result = SourceResult(contract.source)
    seen = {r[0] for r in con.execute("SELECT sha256 FROM raw.files WHERE source = ?", [contract.source]).fetchall()}
    rules = RowRules(con, contract, first_day, last_day)
    ready, waiting = settled(scan(landing, contract.source), limits.settle_seconds)
    for lf in ready:
        # Hashed before it is parsed; `_ingest_file` commits only if the file is unchanged after parsing, so
        # the digest is that of the bytes parsed.
        digest = lf.sha256()
        if digest in seen:
            fr = FileResult(lf.name, "skipped")
        else:
            try:
                fr = _ingest_new(con, contract, landing, lf, digest, run_id, rules, limits, result.touched)
            except StillWriting as exc:  # rolled back, or not moved to rejected/
                fr = FileResult(lf.name, "waiting", reason=str(exc))
        if fr.status == "ingested":
            seen.add(digest)
        if fr.status != "waiting":
            result.seen[str(lf.path)] = lf.fingerprint
        result.files.append(fr)
    result.files += [FileResult(lf.name, "waiting", reason=still_writing(lf)) for lf in waiting]
    return result


def _ingest_new(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    landing: Path,
    lf: LandingFile,
    digest: str,
    run_id: str,
    rules: RowRules,
    limits: IngestSettings,
    touched: set[tuple[str, date]],
) -> FileResult:
    """Ingest a file whose content is new, or move it to rejected/ if it cannot be read."""
    try:
        return _ingest_readable(con, contract, lf, digest, run_id, rules, limits, touched)
    except parse.LandingFileError as exc:
        reject(con, landing, lf, digest, str(exc), run_id)
        return FileResult(lf.name, "rejected", reason=str(exc))


def _ingest_readable(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    lf: LandingFile,
    digest: str,
    run_id: str,
    rules: RowRules,
    limits: IngestSettings,
    touched: set[tuple[str, date]],
) -> FileResult:
    """Ingest the file; a CSV that turns out not to be UTF-8 part-way is read again as Windows-1252."""
    windows_1252 = False
    while True:
        try:
            records = _records(lf, contract, limits, windows_1252)
            return _ingest_file(con, contract, lf, digest, records, run_id, rules, touched)
        except pl.exceptions.PolarsError as exc:  # found while reading the batches: nothing was kept
            if windows_1252 or lf.format != "csv" or not read.not_utf8(exc):
                raise read.failure(lf, exc) from None
            windows_1252 = True


@dataclass
class Records:
    """A file's records in the contract's text columns, the records set aside as not sales, and notes."""

    frame: pl.LazyFrame
    excluded: pl.DataFrame
    notes: list[str]
    count: int | None = None  # records in the file by the reader's own count, when the frame regroups them


def _records(lf: LandingFile, contract: Contract, limits: IngestSettings, windows_1252: bool) -> Records:
    if lf.producer_id is None:
        table = read.read(lf, read.Layout.of(contract), limits, windows_1252)
        none = pl.DataFrame(schema={"_line": pl.Int64, "reason": pl.String, "record": pl.String})
        return Records(table.frame, none, table.notes)
    table = read.read(lf, read.MARKETPLACE, limits, windows_1252)
    items = table.frame.collect()
    sales, excluded, note = marketplace.orders(items, lf.producer_id)
    # One record per order, counted on the items themselves, so the accounting check sees an order lost in
    # the regrouping.
    orders = items.select(pl.col("order_id").n_unique()).item() if items.height else 0
    return Records(sales.lazy(), excluded, [*table.notes, note], orders)


class RowRules:
    """Rules that need more than the row: the registry and the partitioned date range."""

    def __init__(self, con: duckdb.DuckDBPyConnection, contract: Contract, first_day: date, last_day: date) -> None:
        self.exprs: list[pl.Expr] = []
        if contract.registry_checked:
            registry = con.sql("SELECT producer_id FROM raw.producers WHERE _is_current").pl()["producer_id"]
            known = pl.col("__producer_id").is_in(registry.implode())
            msg = pl.lit("producer_id '") + pl.col("producer_id").fill_null("") + pl.lit("' is not in the registry")
            self.exprs.append(pl.when(pl.col("__producer_id").is_not_null() & ~known).then(msg))
        if contract.source in PARTITION_DATE:
            d = pl.col(f"__{PARTITION_DATE[contract.source][0]}")
            outside = (d < first_day) | (d > last_day)
            self.exprs.append(
                pl.when(d.is_not_null() & outside).then(
                    pl.lit(f"{contract.date_field} '")
                    + pl.col(contract.date_field or "").fill_null("")
                    + pl.lit(f"' is outside the partitioned dates {first_day} … {last_day}")
                )
            )

    def apply(self, typed: pl.DataFrame) -> pl.DataFrame:
        if not self.exprs:
            return typed
        reason = pl.concat_str([pl.col("_reason"), *self.exprs], separator="; ", ignore_nulls=True)
        return typed.with_columns(pl.when(reason == "").then(None).otherwise(reason).alias("_reason"))


@dataclass
class _Counts:
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    corrections: int = 0
    periods: list[pl.DataFrame] = field(default_factory=list)


def _ingest_batch(
    con: duckdb.DuckDBPyConnection, contract: Contract, batch: pl.DataFrame, file_id: int, run_id: str,
    rules: RowRules, counts: _Counts,
) -> None:  # fmt: skip
    """Type, check, classify and store one batch of a file, inside the file's transaction.

    Batches go in line order and see the rows of earlier ones, so duplicates and corrections within a
    file are found across batches exactly as within one.
    """
    raw_t, q_t, dup_t = f"raw.{contract.source}", f"quarantine.{contract.source}", f"raw.{contract.source}_duplicates"
    typed = rules.apply(parse.type_rows(batch, contract))
    good = parse.accepted(typed, contract)
    bad = parse.rejected(typed, contract, PARTITION_DATE.get(contract.source, (None,))[0])
    con.register("incoming", good.to_arrow())
    con.register("rejected_rows", bad.to_arrow())
    try:
        con.execute(render("ingest_quarantine", quarantine=q_t), [file_id, run_id])
        con.execute(f"CREATE OR REPLACE TEMP TABLE classified AS {render('ingest_classify', raw=raw_t)}", [file_id])
        counts.periods.append(_touched(con, contract, raw_t, file_id))
        con.execute(render("ingest_duplicates", duplicates=dup_t), [file_id, run_id])
        con.execute(render("ingest_supersede", raw=raw_t))
        con.execute(render("ingest_insert", raw=raw_t), [file_id, run_id])
        con.execute(sql("ingest_corrections"), [contract.source, file_id, run_id])
        con.execute(render("ingest_resolve", quarantine=q_t), [file_id])
        dups, corrections = con.execute(
            "SELECT count(*) FILTER (is_duplicate), "
            "count(*) FILTER (NOT is_duplicate AND prev_row_hash IS NOT NULL) FROM classified"
        ).fetchall()[0]
    finally:
        con.unregister("incoming")
        con.unregister("rejected_rows")
    counts.read += batch.height
    counts.accepted += good.height - dups
    counts.quarantined += bad.height
    counts.duplicates += dups
    counts.corrections += corrections


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    lf: LandingFile,
    digest: str,
    records: Records,
    run_id: str,
    rules: RowRules,
    touched: set[tuple[str, date]],
) -> FileResult:
    """One file, one transaction: all of its batches and its provenance, or nothing."""
    counts = _Counts()
    with transaction(con):
        (file_id,) = con.execute("SELECT nextval('raw.file_id_seq')").fetchall()[0]
        for batch in records.frame.collect_batches(chunk_size=BATCH_ROWS):
            _ingest_batch(con, contract, batch, file_id, run_id, rules, counts)
        lf.check_unchanged()  # changed while it was parsed: roll back, the next run reads it whole
        con.register("excluded_rows", records.excluded.to_arrow())
        con.execute(sql("ingest_excluded"), [contract.source, file_id, run_id])
        con.unregister("excluded_rows")
        excluded = records.excluded.height
        read_ = counts.read + excluded if records.count is None else records.count
        result = FileResult(
            lf.name, "ingested", read_, counts.accepted, counts.quarantined, counts.duplicates, counts.corrections,
            excluded, notes=records.notes,
        )  # fmt: skip
        con.execute(
            sql("ingest_file"),
            [file_id, contract.source, lf.name, str(lf.path), digest, lf.size, lf.modified_at, run_id,
             result.rows_read, result.accepted, result.quarantined, result.duplicates, result.corrections,
             result.excluded, lf.format, "; ".join(records.notes) or None],
        )  # fmt: skip
        new_periods = pl.concat(counts.periods).unique() if counts.periods else _NO_PERIODS
        if new_periods.height:
            con.register("new_periods", new_periods.to_arrow())
            con.execute("INSERT INTO raw.file_partitions BY NAME SELECT * FROM new_periods")
            con.unregister("new_periods")
    touched.update(zip(new_periods["grain"].to_list(), new_periods["period"].to_list(), strict=True))
    return result


def _touched(con: duckdb.DuckDBPyConnection, contract: Contract, raw_t: str, file_id: int) -> pl.DataFrame:
    """The (grain, period) partitions this file changes, computed before its rows are written."""
    if contract.source in PARTITION_DATE:
        col, grain = PARTITION_DATE[contract.source]
        query, params = render("ingest_touched", raw=raw_t, date_col=col), [file_id, grain, grain]
    else:  # the registry and the rates change whole tables: what they touch is looked up
        query, params = sql(_TOUCHED_BY[contract.source]), [file_id]
    return con.sql(query, params=params).pl()
