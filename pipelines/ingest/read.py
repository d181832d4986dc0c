"""Read any accepted landing format into one shape: text columns named by the contract, plus `_line`.

CSV, TSV and tab-separated `.txt` (`,` `;` or tab; UTF-8 with or without BOM, Windows-1252, or UTF-16 as Excel's
"Unicode Text" writes it; line ends `\r\n`, `\n` or a lone `\r`, mixed), Excel `.xlsx` (header searched below
title rows; totals and notes below the data dropped and reported), Parquet and JSON Lines. Headers go
through the alias table in `models.aliases`; columns the contract does not know are kept as one JSON
text `_extra` and reported once per file. A file that cannot be read raises `LandingFileError` with one
sentence on what is wrong and how to fix it.
"""

from __future__ import annotations

import csv
import logging
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from models import aliases
from pipelines.core.i18n import Said
from pipelines.ingest import conventions, guard, ragged, unmatched
from pipelines.ingest.landing import FORMATS, LandingFile
from pipelines.ingest.layouts import Layout
from pipelines.ingest.parse import LandingFileError
from pipelines.ingest.settings import IngestSettings

_SEPARATORS = (",", ";", "\t")
# An empty column makes fastexcel warn on stderr ("could not determine dtype"): expected here, not news.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


@dataclass
class Table:
    frame: pl.LazyFrame  # String columns named by the layout, `_line`, `_extra` (and `_reject` when any)
    notes: list[str] = field(default_factory=list)  # said once per file: extra columns, encoding, dropped rows
    layout: Layout | None = None
    title: str = ""  # text above the header (a download's title)
    mapping: dict[str, str] = field(default_factory=dict)  # the file's header -> the layout's column
    how: dict[str, str] = field(default_factory=dict)  # encoding, separator, sheet, header row: and why
    conventions: conventions.Conventions = field(default_factory=conventions.Conventions)


def read(
    lf: LandingFile,
    layouts: Sequence[Layout],
    limits: IngestSettings,
    windows_1252: bool = False,
    ragged_rows: bool = False,
    date_order: str | None = None,
) -> Table:
    """The file as lazy text columns in the first layout whose header it has, or LandingFileError naming the
    file and the problem. `date_order` (a producer's mapping file's) comes before the folder's setting.

    A CSV is scanned lazily, so it is read in batches while it is ingested; a problem found only then
    (a ragged row, a byte that is not UTF-8) surfaces as a Polars error from the batches: the caller
    calls `failure` for the one-line message, or retries with `windows_1252=True` or `ragged_rows=True`.
    """
    try:
        guard.check_size(lf.path, limits)
        table = _table(lf, layouts, limits, windows_1252, ragged_rows)
        return _map_headers(table, layouts, lf.source, limits, date_order or limits.date_order.get(lf.folder))
    except guard.Refused as exc:
        raise LandingFileError(lf.path, exc.said) from None
    except pl.exceptions.PolarsError as exc:
        if lf.format == "csv" and ((not windows_1252 and not_utf8(exc)) or (not ragged_rows and is_ragged(exc))):
            raise  # the caller reads the file again, as Windows-1252 or row by row
        raise failure(lf, exc) from None
    except (fastexcel.FastExcelError, OSError, ValueError) as exc:
        raise failure(lf, exc) from None


def sample(lf: LandingFile, limits: IngestSettings, rows: int) -> pl.DataFrame:
    """The file's first `rows` records under its own header (the first line or row), as text: what a person
    proposing its column mapping looks at. LandingFileError if it cannot be read."""
    bare = (Layout("any", "any", (), {}, ()),)  # requires nothing: the first line is the header

    def first(windows_1252: bool) -> pl.DataFrame:
        table = _table(lf, bare, limits, windows_1252, False)
        return table.frame.head(rows).collect().drop("_line", strict=False)

    try:
        guard.check_size(lf.path, limits)
        try:
            return first(False)
        except pl.exceptions.ComputeError as exc:
            if lf.format == "csv" and not_utf8(exc):
                return first(True)
            raise
    except guard.Refused as exc:
        raise LandingFileError(lf.path, exc.said) from None
    except (pl.exceptions.PolarsError, fastexcel.FastExcelError, OSError, ValueError) as exc:
        raise failure(lf, exc) from None


def _table(
    lf: LandingFile, layouts: Sequence[Layout], limits: IngestSettings, windows_1252: bool, ragged_rows: bool
) -> Table:
    """The file in its format's reader, before its headers are mapped."""
    match lf.format:
        case "csv":
            scan = lf.scanned(limits.max_line_kb, whole=False)
            return _csv(lf.path, scan, layouts, limits, windows_1252, ragged_rows)
        case "xlsx":
            return _xlsx(lf.path, lf.source, layouts, limits)
        case "parquet":
            return _parquet(lf.path, limits)
        case "jsonl":
            return _jsonl(lf.path, lf.scanned(limits.max_line_kb, whole=False), limits)
        case _:
            suffix = f"'{lf.path.suffix}'" if lf.path.suffix else Said.of("filekind.no_extension")
            raise guard.Refused("extension", suffix=suffix, accepted=sorted(FORMATS))


def failure(lf: LandingFile, exc: Exception) -> LandingFileError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    if "more fields than defined" in first:
        return LandingFileError(lf.path, Said.of("reject.ragged"))
    return LandingFileError(lf.path, Said.of("reject.unreadable", format=lf.format, detail=first))


def is_ragged(exc: Exception) -> bool:
    return "more fields than defined" in str(exc)


def not_utf8(exc: Exception) -> bool:
    return isinstance(exc, pl.exceptions.ComputeError) and "utf-8" in str(exc).lower()


def _head(path: Path, limits: IngestSettings, windows_1252: bool) -> list[str]:
    """The first lines, where the header is searched for (each is bounded by the line limit)."""
    out = []
    with path.open("rb") as fh:
        for _ in range(limits.header_search_rows):
            line = fh.readline()
            if not line:
                break
            out.append(line.decode("cp1252" if windows_1252 else "utf-8-sig", errors="replace").rstrip("\r\n"))
    return out


def _find_header(lines: list[str], layouts: Sequence[Layout], limits: IngestSettings) -> tuple[int, str, Layout]:
    """(line index, separator, layout) of the first line that is a header of a layout; else line 1 as the
    header of the source's own layout (its missing columns are then reported). Title lines above the header
    (a download's title, an empty line) are common."""
    for i, line in enumerate(lines):
        for sep in sorted(_SEPARATORS, key=lambda c: -_unquoted(line).count(c)):
            cells = next(csv.reader([line], delimiter=sep), [])
            if len(cells) > limits.max_columns:
                raise guard.Refused("header_columns", n=len(cells), limit=limits.max_columns)
            layout = next((x for x in layouts if x.matches(cells)), None)
            if layout is not None:
                return i, sep, layout
    first = _unquoted(lines[0]) if lines else ""
    sep = max(_SEPARATORS, key=first.count)
    if first.count(sep) + 1 > limits.max_columns:
        raise guard.Refused("header_columns", n=first.count(sep) + 1, limit=limits.max_columns)
    return 0, sep, layouts[0]


def _unquoted(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


def _csv(
    path: Path,
    scan: guard.ByteScan,
    layouts: Sequence[Layout],
    limits: IngestSettings,
    windows_1252: bool,
    ragged_rows: bool,
) -> Table:
    encoding = _utf16(path)
    if encoding is not None or scan.bare_cr:
        return _normalised(path, encoding, layouts, limits, ragged_rows)
    guard.check_text(path, scan)
    lines = _head(path, limits, windows_1252)
    skip, sep, layout = _find_header(lines, layouts, limits)
    title = " ".join(c for line in lines[:skip] for c in next(csv.reader([line], delimiter=sep), []) if c.strip())
    how = {"separator": f"'{sep}' (the header line's)", "header": f"line {skip + 1}"}
    how["encoding"] = "Windows-1252 (it is not valid UTF-8)" if windows_1252 else "UTF-8"
    table = Table(pl.LazyFrame(), layout=layout, title=title, how=how)
    if ragged_rows:  # a row has more fields than the header: read again, each such row kept with its reason
        table.frame = ragged.read(path, sep, skip, "cp1252" if windows_1252 else "utf-8-sig")
        table.notes.append("rows with more fields than the header are quarantined with their line numbers")
        return table
    if not windows_1252:
        table.frame = _scan_csv(path, sep, skip)
        return table
    # Not UTF-8: Excel on Windows writes Windows-1252 (such files are small). Transcode in chunks, then read.
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        with path.open("rb") as src:
            while chunk := src.read(1 << 20):
                try:
                    tmp.write(chunk.decode("cp1252").encode("utf-8"))
                except UnicodeDecodeError:
                    raise guard.Refused("not_windows_1252") from None
        tmp.flush()
        table.frame = _scan_csv(Path(tmp.name), sep, skip).collect().lazy()
    table.notes.append("read as Windows-1252 (it is not valid UTF-8)")
    return table


def _utf16(path: Path) -> str | None:
    """ "utf-16" for a file with a UTF-16 byte-order mark (Excel's "Unicode Text"), "utf-16-le" for one whose first
    bytes are plainly ASCII text in UTF-16 little-endian without it; else None."""
    with path.open("rb") as fh:
        head = fh.read(512)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    pairs = len(head) // 2
    text_like = [head[2 * i + 1] == 0 and (32 <= head[2 * i] < 127 or head[2 * i] in b"\t\r\n") for i in range(pairs)]
    return "utf-16-le" if pairs >= 8 and all(text_like) else None


def _normalised(
    path: Path, encoding: str | None, layouts: Sequence[Layout], limits: IngestSettings, ragged_rows: bool
) -> Table:
    """A UTF-16 text, or one with lines ending in a lone carriage return, read as UTF-8 with one line ending: the
    same file, decoded and written aside, then read as any CSV (its notes say how it was read)."""
    data = path.read_bytes()
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError:
        if encoding is not None:
            raise guard.Refused("not_encoding", encoding=encoding.upper()) from None
        text = data.decode("cp1252", errors="replace")  # Excel on Windows, as for any CSV
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        tmp.write(text.encode("utf-8"))
        tmp.flush()
        scan = guard.scan_bytes(Path(tmp.name), limits.max_line_kb, whole=False)
        table = _csv(Path(tmp.name), scan, layouts, limits, False, ragged_rows)
        table.frame = table.frame.collect().lazy()  # read before the copy goes
    if encoding is not None:
        table.how["encoding"] = "UTF-16 (Excel's Unicode Text)"
        table.notes.append('read as UTF-16 text (Excel\'s "Unicode Text")')
    else:
        table.notes.append("lines ending in a lone carriage return read as line ends")
    return table


def _scan_csv(path: Path, sep: str, skip: int) -> pl.LazyFrame:
    scan = pl.scan_csv(
        path, separator=sep, skip_lines=skip, infer_schema=False, raise_if_empty=True, truncate_ragged_lines=False
    )
    try:
        scan.collect_schema()
    except pl.exceptions.NoDataError:
        raise guard.Refused("no_header") from None
    # The header is line `skip + 1`, so record i (0-based) is line `skip + 2 + i` (with no quoted newline).
    return scan.with_row_index("_line", offset=skip + 2).with_columns(pl.col("_line").cast(pl.Int64))


def _xlsx(path: Path, source: str, layouts: Sequence[Layout], limits: IngestSettings) -> Table:
    guard.check_xlsx(path, limits)
    reader = fastexcel.read_excel(path)
    wanted = limits.sheets.get(source)
    if wanted is not None and wanted not in reader.sheet_names:
        raise guard.Refused("no_sheet", wanted=wanted, sheets=reader.sheet_names)
    candidates = [wanted] if wanted is not None else reader.sheet_names
    found = None
    for sheet in candidates:
        top = pl.DataFrame(
            # skip_rows=0: rows counted from the top of the sheet, blank rows above the title included.
            reader.load_sheet(
                sheet, header_row=None, skip_rows=0, n_rows=limits.header_search_rows, dtypes="string"
            ).to_arrow()
        )
        if top.width > limits.max_columns:
            raise guard.Refused("sheet_columns", sheet=sheet, n=top.width, limit=limits.max_columns)
        found = _header_row(top, layouts)
        if found is not None:
            row, layout = found
            title = " ".join(str(c) for r in top.head(row).iter_rows() for c in r if c and str(c).strip())
            break
    if found is None:
        raise _no_header_row(reader, candidates[0], layouts, source, limits)
    df = _as_text(pl.DataFrame(reader.load_sheet(sheet, header_row=row).to_arrow()))
    df = df.select(c for c in df.columns if not (c.startswith("__UNNAMED__") and df[c].null_count() == df.height))
    # Excel row numbers: the header is on row `row + 1`, so data row i (0-based) is row `row + 2 + i`.
    df = df.with_row_index("_line", offset=row + 2).with_columns(pl.col("_line").cast(pl.Int64))
    table = _drop_trailer(df, layout, sheet)
    table.layout, table.title = layout, title
    table.how = {"sheet": f"'{sheet}'", "header": f"row {row + 1}"}
    return table


def _no_header_row(
    reader: fastexcel.ExcelReader, sheet: str, layouts: Sequence[Layout], source: str, limits: IngestSettings
) -> guard.Refused:
    """Why no sheet has a header: the first sheet's first row of several cells is taken as its header, to name
    the export it is or the columns it lacks."""
    top = reader.load_sheet(sheet, header_row=None, skip_rows=0, n_rows=limits.header_search_rows, dtypes="string")
    rows = pl.DataFrame(top.to_arrow()).iter_rows()
    cells = next(([str(c) for c in r if c is not None and str(c).strip()] for r in rows if sum(map(bool, r)) > 1), [])
    refused = unmatched.refusal(cells, layouts[0], source, layouts[0].columns_of(cells))
    if refused.said.key in ("reject.missing", "reject.missing_one_column"):
        required = list(layouts[0].required)
        return guard.Refused(
            "no_header_row", required=required, rows=limits.header_search_rows, has=unmatched.shown(cells)
        )
    return refused


def _header_row(top: pl.DataFrame, layouts: Sequence[Layout]) -> tuple[int, Layout] | None:
    """The first row naming every required column of a layout (title rows above the header are common)."""
    for i, cells in enumerate(top.iter_rows()):  # at most `header_search_rows` rows
        layout = next((x for x in layouts if x.matches(cells)), None)
        if layout is not None:
            return i, layout
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
        raise guard.Refused("columns", n=width, limit=limits.max_columns)
    return _records(pl.read_parquet(path))


def _jsonl(path: Path, scan: guard.ByteScan, limits: IngestSettings) -> Table:
    guard.check_text(path, scan)
    with path.open("rb") as fh:
        first = fh.readline()  # bounded by the line limit just checked
    if first.count(b'":') > limits.max_columns:
        raise guard.Refused("first_record_fields", limit=limits.max_columns)
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


def _map_headers(
    table: Table, layouts: Sequence[Layout], source: str, limits: IngestSettings, folder_order: str | None
) -> Table:
    """Rename columns through the layout's aliases, after deciding the file's conventions from its values;
    refuse a file missing a required column or naming one twice."""
    df = table.frame
    columns = [c for c in df.collect_schema().names() if c not in ("_line", "_reject")]
    if len(columns) > limits.max_columns:
        raise guard.Refused("columns", n=len(columns), limit=limits.max_columns)
    layout = table.layout or next((x for x in layouts if x.matches(columns)), layouts[0])
    mapped: dict[str, str] = {}
    for c in columns:
        name = layout.known.get(aliases.normalise(c))
        if name is None:
            continue
        if name in mapped.values():
            other = next(k for k, v in mapped.items() if v == name)
            raise guard.Refused("both_mean", first=other, second=c, name=name)
        mapped[c] = name
    if any(n not in mapped.values() for n in layout.required):
        raise unmatched.refusal(columns, layout, source, set(mapped.values()))
    if layout.known_layout is not None and layout.known_layout.description_row:
        df = _drop_description_row(df, next(k for k, v in mapped.items() if v == layout.key[0]), table.notes)
    found = conventions.decide(df, mapped, layout, folder_order)
    extra = [c for c in columns if c not in mapped]
    notes = [f"layout: {layout.title}"] if layout.known_layout else []
    notes += table.notes + found.notes
    if extra:
        df = df.with_columns(pl.struct(extra).struct.json_encode().alias("_extra"))
        notes.append(f"extra column(s) {', '.join(repr(c) for c in extra)} kept in the raw lineage (_extra), ignored")
    kept = ["_line", *(["_extra"] if extra else []), *(["_reject"] if "_reject" in df.collect_schema() else [])]
    out = df.rename(mapped).select(*mapped.values(), *kept)
    optional = sorted(n for n in set(layout.known.values()) if n not in mapped.values())
    out = out.with_columns(pl.lit(None, dtype=pl.String).alias(n) for n in optional)
    return Table(out, notes, layout, table.title, mapped, table.how, found)


def _drop_description_row(df: pl.LazyFrame, key: str, notes: list[str]) -> pl.LazyFrame:
    """A row right under the header that describes each column (its key is a sentence, not an identifier)."""
    first = df.head(1).collect()
    if first.height and re.search(r"\s", str(first[key][0] or "").strip()):
        notes.append(f"skipped the column descriptions under the header (line {first['_line'][0]})")
        return df.filter(pl.col("_line") != first["_line"][0])
    return df
