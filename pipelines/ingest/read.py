"""Read any accepted landing format into one shape: text columns named by the contract, plus `_line`.

CSV (`,` `;` or tab; UTF-8 with or without BOM, or Windows-1252), Excel `.xlsx` (header searched below
title rows; totals and notes below the data dropped and reported), Parquet and JSON Lines. Headers go
through the alias table in `models.aliases`; columns the contract does not know are kept as one JSON
text `_extra` and reported once per file. A file that cannot be read raises `LandingFileError` with one
sentence on what is wrong and how to fix it.
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from models import aliases
from models.contracts import Contract
from pipelines.ingest import guard
from pipelines.ingest.landing import FORMATS, LandingFile
from pipelines.ingest.parse import LandingFileError
from pipelines.ingest.settings import IngestSettings

_SEPARATORS = (",", ";", "\t")
# An empty column makes fastexcel warn on stderr ("could not determine dtype"): expected here, not news.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


@dataclass
class Table:
    frame: pl.LazyFrame  # String columns named by the contract (or the marketplace layout), `_line`, `_extra`
    notes: list[str] = field(default_factory=list)  # said once per file: extra columns, encoding, dropped rows


@dataclass(frozen=True)
class Layout:
    """The columns a file must or may have, and how their spellings map to them."""

    required: tuple[str, ...]
    known: dict[str, str]  # normalised spelling -> column name
    key: tuple[str, ...]  # a row without all of these is not a data row when it trails the data

    @classmethod
    def of(cls, contract: Contract) -> Layout:
        names = {n: aliases.ALIASES[contract.source].get(n, ()) for n in contract.names}
        required = tuple(f.name for f in contract.fields if f.required)
        return cls(required, aliases.lookup(names), contract.key)


MARKETPLACE = Layout(tuple(aliases.MARKETPLACE), aliases.lookup(aliases.MARKETPLACE), ("order_id",))


def read(lf: LandingFile, layout: Layout, limits: IngestSettings, windows_1252: bool = False) -> Table:
    """The file as lazy text columns, or LandingFileError naming the file and the problem.

    A CSV is scanned lazily, so it is read in batches while it is ingested; a problem found only then
    (a ragged row, a byte that is not UTF-8) surfaces as a Polars error from the batches: the caller
    calls `failure` for the one-line message, or retries with `windows_1252=True`.
    """
    try:
        guard.check_size(lf.path, limits)
        match lf.format:
            case "csv":
                table = _csv(lf.path, limits, windows_1252)
            case "xlsx":
                table = _xlsx(lf.path, lf.source, layout, limits)
            case "parquet":
                table = _parquet(lf.path, limits)
            case "jsonl":
                table = _jsonl(lf.path, limits)
            case _:
                accepted = ", ".join(sorted(FORMATS))
                raise guard.Refused(f"'{lf.path.suffix or 'no extension'}' files are not accepted (use {accepted})")
        return _map_headers(table, layout, lf.source, limits)
    except guard.Refused as exc:
        raise LandingFileError(f"{lf.path}: {exc}") from None
    except (pl.exceptions.PolarsError, fastexcel.FastExcelError, OSError, ValueError) as exc:
        raise failure(lf, exc) from None


def failure(lf: LandingFile, exc: Exception) -> LandingFileError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    if "more fields than defined" in first:
        return LandingFileError(
            f"{lf.path}: a row has more fields than the header (a separator inside an unquoted value?); "
            "quote that value or export the file again"
        )
    return LandingFileError(f"{lf.path}: cannot be read as {lf.format} ({first}); export it again")


def not_utf8(exc: Exception) -> bool:
    return isinstance(exc, pl.exceptions.ComputeError) and "utf-8" in str(exc).lower()


def _separator(path: Path, limits: IngestSettings) -> str:
    """The separator the header line uses most (outside quotes); refuse thousands of columns before parsing."""
    with path.open("rb") as fh:
        header = re.sub(r'"[^"]*"', "", fh.readline().decode("utf-8", errors="replace"))  # bounded: line limit
    sep = max(_SEPARATORS, key=header.count)
    if header.count(sep) + 1 > limits.max_columns:
        raise guard.Refused(f"its header has {header.count(sep) + 1} columns, above the limit of {limits.max_columns}")
    return sep


def _csv(path: Path, limits: IngestSettings, windows_1252: bool) -> Table:
    guard.check_text(path, limits)
    if not windows_1252:
        return Table(_scan_csv(path, limits))
    # Not UTF-8: Excel on Windows writes Windows-1252 (such files are small). Transcode in chunks, then read.
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        with path.open("rb") as src:
            while chunk := src.read(1 << 20):
                try:
                    tmp.write(chunk.decode("cp1252").encode("utf-8"))
                except UnicodeDecodeError:
                    raise guard.Refused(
                        "it is neither UTF-8 nor Windows-1252 text; save it again as CSV UTF-8"
                    ) from None
        tmp.flush()
        frame = _scan_csv(Path(tmp.name), limits).collect()
    return Table(frame.lazy(), ["read as Windows-1252 (it is not valid UTF-8)"])


def _scan_csv(path: Path, limits: IngestSettings) -> pl.LazyFrame:
    sep = _separator(path, limits)
    scan = pl.scan_csv(path, separator=sep, infer_schema=False, raise_if_empty=True, truncate_ragged_lines=False)
    try:
        scan.collect_schema()
    except pl.exceptions.NoDataError:
        raise guard.Refused("the file has no header row; send it again with a header row and data rows") from None
    # The header is line 1, so record i (0-based) is line i + 2 (a quoted newline makes it the record number).
    return scan.with_row_index("_line", offset=2).with_columns(pl.col("_line").cast(pl.Int64))


def _xlsx(path: Path, source: str, layout: Layout, limits: IngestSettings) -> Table:
    guard.check_xlsx(path, limits)
    reader = fastexcel.read_excel(path)
    wanted = limits.sheets.get(source)
    if wanted is not None and wanted not in reader.sheet_names:
        raise guard.Refused(f"it has no sheet named '{wanted}' (it has {', '.join(reader.sheet_names)})")
    candidates = [wanted] if wanted is not None else reader.sheet_names
    found = None
    for sheet in candidates:
        top = pl.DataFrame(
            reader.load_sheet(sheet, header_row=None, n_rows=limits.header_search_rows, dtypes="string").to_arrow()
        )
        if top.width > limits.max_columns:
            raise guard.Refused(f"sheet '{sheet}' has {top.width} columns, above the limit of {limits.max_columns}")
        row = _header_row(top, layout)
        if row is not None:
            found = (sheet, row)
            break
    if found is None:
        raise guard.Refused(
            f"no sheet has a header row with the columns {', '.join(layout.required)} in its first "
            f"{limits.header_search_rows} rows; put the header above the data"
        )
    sheet, row = found
    df = _as_text(pl.DataFrame(reader.load_sheet(sheet, header_row=row).to_arrow()))
    df = df.select(c for c in df.columns if not (c.startswith("__UNNAMED__") and df[c].null_count() == df.height))
    # Excel row numbers: the header is on row `row + 1`, so data row i (0-based) is row `row + 2 + i`.
    df = df.with_row_index("_line", offset=row + 2).with_columns(pl.col("_line").cast(pl.Int64))
    return _drop_trailer(df, layout, sheet)


def _header_row(top: pl.DataFrame, layout: Layout) -> int | None:
    """The first row naming every required column (title rows above the header are common)."""
    for i, cells in enumerate(top.iter_rows()):  # at most `header_search_rows` rows
        names = {layout.known.get(aliases.normalise(c)) for c in cells if c}
        if set(layout.required) <= names:
            return i
    return None


def _drop_trailer(df: pl.DataFrame, layout: Layout, sheet: str) -> Table:
    """Drop blank rows, and rows after the last one with every key value (totals, notes); report both."""
    by_name = {layout.known.get(aliases.normalise(c)): c for c in df.columns}
    key_cols = [by_name[k] for k in layout.key if k in by_name]
    data = [c for c in df.columns if c != "_line"]
    blank = pl.all_horizontal(pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in data)
    has_key = pl.all_horizontal(pl.col(c).is_not_null() for c in key_cols) if key_cols else ~blank
    last = df.select(pl.when(has_key).then(pl.col("_line")).max()).item()
    trailer = df.filter(pl.col("_line") > last) if last is not None else df
    body = df.filter((pl.col("_line") <= last) & ~blank) if last is not None else df.clear()
    notes = []
    if trailer.height:
        shown = trailer.filter(~blank)
        lines = shown["_line"].to_list()
        if lines:
            notes.append(
                f"ignored {len(lines)} row(s) below the data in sheet '{sheet}' (totals or notes, rows "
                f"{lines[0]}–{lines[-1]})"
            )
    skipped = df.height - body.height - trailer.height
    if skipped:
        notes.append(f"skipped {skipped} blank row(s) in sheet '{sheet}'")
    return Table(body.lazy(), notes)


def _parquet(path: Path, limits: IngestSettings) -> Table:
    guard.check_parquet(path)
    width = len(pl.read_parquet_schema(path))
    if width > limits.max_columns:
        raise guard.Refused(f"it has {width} columns, above the limit of {limits.max_columns}")
    return _records(pl.read_parquet(path))


def _jsonl(path: Path, limits: IngestSettings) -> Table:
    guard.check_text(path, limits)
    with path.open("rb") as fh:
        first = fh.readline()  # bounded by the line limit just checked
    if first.count(b'":') > limits.max_columns:
        raise guard.Refused(f"its first record has more than {limits.max_columns} fields")
    return _records(pl.read_ndjson(path, infer_schema_length=10_000))


def _records(df: pl.DataFrame) -> Table:
    # Record i (0-based) is reported as record i + 1.
    return Table(_as_text(df).lazy().with_row_index("_line", offset=1).with_columns(pl.col("_line").cast(pl.Int64)))


def _as_text(df: pl.DataFrame) -> pl.DataFrame:
    """Typed columns (Excel, Parquet, JSON) as text the contract's parsers read without ambiguity."""
    exprs = []
    for name, dtype in df.schema.items():
        c = pl.col(name)
        if dtype.is_float():
            # A whole float is written as an integer (NIBs, rupiah); others with six decimals, so a value
            # like 0.125 can never be read as an Indonesian thousands group.
            whole = c.is_finite() & (c == c.round(0)) & (c.abs() < 2**53)
            fraction = c.cast(pl.Decimal(38, 6), strict=False).cast(pl.String)
            exprs.append(pl.when(whole).then(c.cast(pl.Int64, strict=False).cast(pl.String)).otherwise(fraction))
        elif isinstance(dtype, pl.Struct):
            exprs.append(c.struct.json_encode())
        elif isinstance(dtype, pl.List | pl.Array):
            exprs.append(c.cast(pl.List(pl.String), strict=False).list.join(","))
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            exprs.append(c.dt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z"))
        elif dtype != pl.String:
            exprs.append(c.cast(pl.String, strict=False))
        else:
            continue
        exprs[-1] = exprs[-1].alias(name)
    return df.with_columns(exprs) if exprs else df


def _map_headers(table: Table, layout: Layout, source: str, limits: IngestSettings) -> Table:
    """Rename columns through the alias table; refuse a file missing a required column or naming one twice."""
    df = table.frame
    columns = [c for c in df.collect_schema().names() if c != "_line"]
    if len(columns) > limits.max_columns:
        raise guard.Refused(f"it has {len(columns)} columns, above the limit of {limits.max_columns}")
    mapped: dict[str, str] = {}
    for c in columns:
        name = layout.known.get(aliases.normalise(c))
        if name is None:
            continue
        if name in mapped.values():
            other = next(k for k, v in mapped.items() if v == name)
            raise guard.Refused(f"columns '{other}' and '{c}' both mean {name}; keep one of them")
        mapped[c] = name
    missing = [n for n in layout.required if n not in mapped.values()]
    if missing:
        hint = " (is the separator , or ; ?)" if len(columns) == 1 else ""
        raise guard.Refused(
            f"missing column(s) {', '.join(missing)}{hint}; a {source} file needs "
            f"{', '.join(layout.required)} (other spellings: docs/FORMATS.md)"
        )
    extra = [c for c in columns if c not in mapped]
    notes = list(table.notes)
    if extra:
        df = df.with_columns(pl.struct(extra).struct.json_encode().alias("_extra"))
        notes.append(f"extra column(s) {', '.join(repr(c) for c in extra)} kept in the raw lineage (_extra), ignored")
    out = df.rename(mapped).select(*mapped.values(), "_line", *(["_extra"] if extra else []))
    optional = sorted(n for n in set(layout.known.values()) if n not in mapped.values())
    return Table(out.with_columns(pl.lit(None, dtype=pl.String).alias(n) for n in optional), notes)
