"""Ingest landing files into the raw layer: one file, one transaction, every row accounted for."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from models.contracts import Contract
from pipelines.core.i18n import LANGS
from pipelines.ingest import books, guard, layouts, marketplace, parse, rates, read, rowsql
from pipelines.ingest.conventions import Conventions
from pipelines.ingest.landing import LandingFile, StillWriting, scan, settled, still_writing
from pipelines.ingest.rejected import reject
from pipelines.ingest.results import FileResult, SourceResult
from pipelines.ingest.settings import IngestSettings
from pipelines.warehouse import leftovers
from pipelines.warehouse.connection import next_file_id, on_lake, render, sql, transaction

T = TypeVar("T")
# The date that partitions each source's rows, and the grain of that partition.
PARTITION_DATE = {"transactions": ("local_date", "day"), "exports": ("peb_date", "month")}
_TOUCHED_BY = {"producers": "touched_by_producers", "fx_rates": "touched_by_fx_rates"}
# Rows typed and stored at a time: memory stays flat whatever the file's size.
BATCH_ROWS = 500_000
# Rows the reader hands over at a time, gathered into batches. Polars' streaming reader keeps several chunks
# ahead of a slow consumer (DuckDB typing the batch): 500k-row chunks held ~190 MB more of a 10M-row file than
# 100k-row ones (docs/BENCHMARKS.md, "Peak memory"). Batches stay large: each costs a key lookup.
READ_ROWS = 100_000
# DuckDB's memory limit while a warehouse file ingests (when the configured one is higher). Its working set is
# one batch; beyond that DuckDB only caches blocks. 256MB against 512MB: the 10M-row day's peak 1.41 → 1.19 GB
# ingest alone, no slower (docs/BENCHMARKS.md, "Peak memory"). A lake keeps the configured limit: it holds a
# whole file's rows in one transaction.
INGEST_MEMORY = "256MB"
_NO_PERIODS = pl.DataFrame(schema={"file_id": pl.Int64, "grain": pl.String, "period": pl.Date})


log = logging.getLogger(__name__)


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
    known = {
        (path, size, at): sha
        for path, size, at, sha in con.execute(sql("ingest_known_files"), [contract.source]).fetchall()
    }
    seen = set(known.values())
    rules = RowRules(con, contract, first_day, last_day, limits)
    ready, waiting = settled(scan(landing, contract.source), limits.settle_seconds)
    for lf in ready:
        # A file ingested before, still where it was with its size and modification time, is not read again:
        # the landing folder's history costs a run a stat per file, not a read. Any other file is hashed
        # before it is parsed; `_ingest_file` commits only if the file is unchanged after parsing, so the digest
        # is that of the bytes parsed.
        digest = known.get((str(lf.path), lf.size, lf.modified_at)) or lf.sha256(limits.max_line_kb)
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
        texts = {lang: exc.text(lang) for lang in LANGS}
        reject(con, landing, lf, digest, texts, run_id)
        return FileResult(lf.name, "rejected", reason=str(exc), texts=texts)


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
    return read_then(
        lf, contract, limits, lambda found: _ingest_file(con, contract, lf, digest, found, run_id, rules, touched)
    )


def read_then(lf: LandingFile, contract: Contract, limits: IngestSettings, use: Callable[[Records], T]) -> T:
    """`use` the file's records; LandingFileError when the file cannot be read.

    A CSV that turns out not to be UTF-8 part-way is read again as Windows-1252, and one with a row of more
    fields than its header is read again with each such row quarantined: both show only while `use` reads
    the rows (ingest and `sentra check` alike)."""
    windows_1252 = ragged_rows = False
    while True:
        try:
            return use(records(lf, contract, limits, windows_1252, ragged_rows))
        except pl.exceptions.PolarsError as exc:  # found while reading the batches: nothing was kept
            if lf.format == "csv" and not windows_1252 and read.not_utf8(exc):
                windows_1252 = True
            elif lf.format == "csv" and not ragged_rows and read.is_ragged(exc):
                ragged_rows = True
            else:
                raise read.failure(lf, exc) from None
        except (parse.LandingFileError, StillWriting, *WAREHOUSE_ERRORS):
            raise
        except Exception as exc:  # noqa: BLE001 — any other failure of this one file (a damaged zip member, a
            # library's own error) rejects this file with its reason; the other files and sources go on
            log.debug("%s: rejected after %s", lf.path, type(exc).__name__, exc_info=True)
            raise read.failure(lf, exc) from None


# A failure of the warehouse itself stops the run; a failure while reading or typing one file rejects that file.
WAREHOUSE_ERRORS: tuple[type[BaseException], ...] = (
    duckdb.IOException,
    duckdb.FatalException,
    duckdb.InternalException,
    duckdb.TransactionException,
    duckdb.PermissionException,
    duckdb.OutOfMemoryException,
    duckdb.ConnectionException,
    MemoryError,
)


@dataclass
class Records:
    """A file's records in the contract's text columns, the records set aside as not sales, and notes."""

    frame: pl.LazyFrame
    excluded: pl.DataFrame
    notes: list[str]
    count: int | None = None  # records in the file by the reader's own count, when the frame regroups them
    conventions: Conventions = field(default_factory=Conventions)  # of the contract's columns
    table: read.Table | None = None  # how the file was read: layout, column mapping, encoding, separator


_NONE_EXCLUDED = pl.DataFrame(schema={"_line": pl.Int64, "reason": pl.String, "record": pl.String})


def records(
    lf: LandingFile, contract: Contract, limits: IngestSettings, windows_1252: bool = False, ragged_rows: bool = False
) -> Records:
    """The file read in whichever layout it comes in, as the contract's text columns (LandingFileError if it
    cannot be)."""
    try:
        return _records(lf, contract, limits, windows_1252, ragged_rows)
    except guard.Refused as exc:
        raise parse.LandingFileError(lf.path, exc.said) from None


def _records(
    lf: LandingFile, contract: Contract, limits: IngestSettings, windows_1252: bool, ragged_rows: bool
) -> Records:
    if lf.marketplace is not None and lf.producer_id is not None:
        table = read.read(lf, layouts.marketplace(lf.marketplace), limits, windows_1252, ragged_rows)
        assert table.layout is not None and table.layout.known_layout is not None
        items = table.frame.collect()
        sales, excluded, note, conv = marketplace.orders(
            items, lf.producer_id, table.layout.known_layout, set(table.mapping.values()), table.conventions
        )
        # One record per order, counted on the items themselves, so the accounting check sees an order lost in
        # the regrouping.
        orders = items.select(pl.col("order_id").n_unique()).item() if items.height else 0
        return Records(sales.lazy(), excluded, [*table.notes, note], orders, conv, table)
    if lf.books and lf.producer_id is not None:
        m = books.mapping_of(lf.path.parent, lf.producer_id)
        own = books.layout(layouts.Layout.of(contract), m, lf.producer_id)
        table = read.read(lf, (own,), limits, windows_1252, ragged_rows, m.date_order)
        frame, note = books.rows(table.frame, lf.producer_id, m, set(table.mapping.values()))
        return Records(frame, _NONE_EXCLUDED, [*table.notes, note], None, table.conventions, table)
    table = read.read(lf, layouts.for_source(contract.source), limits, windows_1252, ragged_rows)
    known = table.layout.known_layout if table.layout is not None else None
    if known is None:
        return Records(table.frame, _NONE_EXCLUDED, table.notes, None, table.conventions, table)
    places = [("title", table.title), ("sheet", table.how.get("sheet", "")), ("file_name", lf.path.stem)]
    frame, note = rates.rows(table.frame.collect(), known.kind, places, table.conventions)
    conv = Conventions({"date": table.conventions.date_order["date"]} if "date" in table.conventions.date_order else {})
    # The middle rate is computed as plain decimal text (`103.032`), never Indonesian thousands.
    marks = table.conventions.numbers.get("rate") if known.kind == "rates_one_currency" else "en"
    if marks is not None:
        conv.numbers["rate_idr"] = marks
    return Records(frame.lazy(), _NONE_EXCLUDED, [*table.notes, note], None, conv, table)


def batches(frame: pl.LazyFrame) -> Iterator[pl.DataFrame]:
    """The frame's rows in batches of about `BATCH_ROWS`, in line order, read `READ_ROWS` at a time (the
    chunks are not copied)."""
    chunks: list[pl.DataFrame] = []
    rows = 0
    for chunk in frame.collect_batches(chunk_size=min(READ_ROWS, BATCH_ROWS)):
        chunks.append(chunk)
        rows += chunk.height
        if rows >= BATCH_ROWS:
            yield pl.concat(chunks, rechunk=False)
            chunks, rows = [], 0
    if chunks:
        yield pl.concat(chunks, rechunk=False)


class RowRules:
    """Rules that need more than the row: the registry, plausible amounts per category, the partitioned dates
    (`rowsql.Rules`), with the registry's rows (small) when the source is checked against it."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection | None,
        contract: Contract,
        first_day: date | None,
        last_day: date | None,
        limits: IngestSettings,
    ) -> None:
        checked = contract.registry_checked and con is not None
        self.registry = con.sql(sql("registry_categories")).pl() if checked and con is not None else None
        self.sql = rowsql.Rules(
            registry=self.registry is not None,
            sale_min_idr=limits.sale_min_idr,
            sale_max_idr=limits.sale_max_idr,
            first_day=first_day,
            last_day=last_day,
            date_column=PARTITION_DATE.get(contract.source, (None,))[0],
        )


@dataclass
class _Counts:
    read: int = 0
    quarantined: int = 0
    duplicates: int = 0
    corrections: int = 0
    periods: list[pl.DataFrame] = field(default_factory=list)
    new_periods: pl.DataFrame = field(default_factory=lambda: _NO_PERIODS)  # all of them, once recorded


def _ingest_batch(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    batch: pl.DataFrame,
    file_id: int,
    run_id: str,
    rules: RowRules,
    counts: _Counts,
    conventions: Conventions,
    commit: bool,
) -> None:
    """Type, check, classify and store one batch of a file's rows in DuckDB (`rowsql`). Batches go in line
    order and see the rows of earlier ones, so duplicates and corrections within a file are found across
    batches exactly as within one; DuckDB's memory stays within its limit. Earlier versions are found through
    the key index (`raw.<source>_keys`), so a batch's lookup reads a narrow hash column, not raw's history
    (docs/BENCHMARKS.md, "A new day against its history").

    With `commit`, the batch's working tables are built outside any transaction and its writes commit on
    their own: DuckDB scans a table written inside an open transaction in one thread, which doubled the
    batch's cost (`pipelines.warehouse.leftovers` undoes a file that does not finish). Without, everything
    happens in the file's transaction."""
    raw_t, q_t = f"raw.{contract.source}", f"quarantine.{contract.source}"
    dup_t, keys_t = f"raw.{contract.source}_duplicates", f"raw.{contract.source}_keys"
    columns = rowsql.type_into(con, "typed", contract, batch.lazy(), conventions, rules.sql, rules.registry)
    date_column = PARTITION_DATE.get(contract.source, (None,))[0]
    con.execute(f"CREATE OR REPLACE TEMP VIEW incoming AS {rowsql.accepted(contract, 'typed', columns)}")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW rejected_rows AS {rowsql.rejected(contract, 'typed', columns, date_column)}"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE batch_keys AS {sql('ingest_batch_keys')}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE stored AS {render('ingest_stored', raw=raw_t, keys=keys_t)}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE classified AS {sql('ingest_classify')}", [file_id])
    counts.periods.append(_periods_of_file(con, contract, raw_t, file_id))
    with transaction(con) if commit else nullcontext(con):
        con.execute(render("ingest_quarantine", quarantine=q_t), [file_id, run_id])
        con.execute(render("ingest_duplicates", duplicates=dup_t), [file_id, run_id])
        con.execute(render("ingest_supersede", raw=raw_t))
        con.execute(render("ingest_insert", raw=raw_t), [file_id, run_id])
        con.execute(render("ingest_index_keys", keys=keys_t), [file_id])
        con.execute(sql("ingest_corrections"), [contract.source, file_id, run_id])
        con.execute(render("ingest_resolve", quarantine=q_t), [file_id])
    read_rows, bad, dups, corrections = con.execute(sql("ingest_counts")).fetchall()[0]
    con.execute("DROP TABLE typed; DROP TABLE classified; DROP TABLE batch_keys; DROP TABLE stored")
    counts.read += read_rows
    counts.quarantined += bad
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
    """One file, all of its batches and its provenance, or nothing. A lake ingests it in one transaction;
    a warehouse file commits each batch, and undoes them if the file does not finish (see `_ingest_batch`)."""
    commit = not on_lake(con)
    counts = _Counts()
    with nullcontext(con) if commit else transaction(con):
        file_id = next_file_id(con)
        try:
            for batch in batches(records.frame):
                _ingest_batch(con, contract, batch, file_id, run_id, rules, counts, records.conventions, commit)
            lf.check_unchanged()  # changed while it was parsed: undone, the next run reads it whole
            # The file counts from here: its record, set-aside rows and partitions commit together.
            with transaction(con) if commit else nullcontext(con):
                result = _record_file(con, file_id, counts, contract.source, lf, records, digest, run_id)
        except BaseException:
            # Unreadable part-way, still being written, or read again in another encoding: nothing of it
            # stays. Should undoing fail too, the next writer's connection sweeps it (`leftovers.sweep`).
            if commit:
                with suppress(duckdb.Error):
                    leftovers.undo(con, contract.source, file_id)
            raise
    touched.update(zip(counts.new_periods["grain"].to_list(), counts.new_periods["period"].to_list(), strict=True))
    return result


def _record_file(
    con: duckdb.DuckDBPyConnection,
    file_id: int,
    counts: _Counts,
    source: str,
    lf: LandingFile,
    records: Records,
    digest: str,
    run_id: str,
) -> FileResult:
    """The file's set-aside records, its row in `raw.files` and the partitions it changed."""
    con.register("excluded_rows", records.excluded.to_arrow())
    con.execute(sql("ingest_excluded"), [source, file_id, run_id])
    con.unregister("excluded_rows")
    excluded = records.excluded.height
    read_ = counts.read + excluded if records.count is None else records.count
    accepted = counts.read - counts.quarantined - counts.duplicates
    result = FileResult(
        lf.name,
        "ingested",
        read_,
        accepted,
        counts.quarantined,
        counts.duplicates,
        counts.corrections,
        excluded,
        notes=records.notes,
    )
    con.execute(
        sql("ingest_file"),
        [
            file_id,
            source,
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
    counts.new_periods = pl.concat(counts.periods).unique() if counts.periods else _NO_PERIODS
    if counts.new_periods.height:
        con.register("new_periods", counts.new_periods.to_arrow())
        con.execute("INSERT INTO raw.file_partitions BY NAME SELECT * FROM new_periods")
        con.unregister("new_periods")
    return result


def _periods_of_file(con: duckdb.DuckDBPyConnection, contract: Contract, raw_t: str, file_id: int) -> pl.DataFrame:
    """The (grain, period) partitions this file changes, computed before its rows are written."""
    if contract.source in PARTITION_DATE:
        col, grain = PARTITION_DATE[contract.source]
        query, params = render("ingest_touched", raw=raw_t, date_col=col), [file_id, grain, grain]
    else:  # the registry and the rates change whole tables: what they touch is looked up
        query, params = sql(_TOUCHED_BY[contract.source]), [file_id]
    return con.sql(query, params=params).pl()
