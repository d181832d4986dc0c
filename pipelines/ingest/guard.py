"""Refuse a landing file before a parser sees it: too big, binary, a line too long, a zip bomb.

Every check reads the file in bounded chunks, so a hostile file costs bounded memory and time.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipelines.ingest.settings import IngestSettings

# What a file really is, from its first bytes, for errors like "x.xlsx is really a PDF".
_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an .xlsx is one)"),
    (b"PAR1", "a Parquet file"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls or Word .doc file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


class Refused(Exception):
    """One sentence on what is wrong with the file and how to fix it (the caller adds the file name)."""


def looks_like(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(8)
    return next((what for magic, what in _MAGIC if head.startswith(magic)), None)


def check_size(path: Path, limits: IngestSettings) -> None:
    size = path.stat().st_size
    if size == 0:
        raise Refused("the file is empty; send it again with a header row and data rows")
    if size > limits.max_file_mb << 20:
        raise Refused(f"the file is {size >> 20} MB, above the {limits.max_file_mb} MB limit; split it by day or month")


def check_text(path: Path, limits: IngestSettings) -> None:
    """A text file: no NUL bytes, and no line longer than the limit (checked exactly, in chunks of that size)."""
    what = looks_like(path)
    if what:
        raise Refused(f"it is {what}, not text; export it as CSV (UTF-8) or use the matching file extension")
    limit = limits.max_line_kb << 10
    run, lines = 0, 1  # bytes since the last newline; line number at the chunk's start
    with path.open("rb") as fh:
        while chunk := fh.read(limit):
            if b"\x00" in chunk:
                raise Refused("it contains NUL bytes, so it is a binary file, not text; export it as CSV (UTF-8)")
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            else:  # lines inside a chunk are shorter than the chunk, so only the ends can exceed the limit
                if run + first > limit:
                    raise Refused(_long_line(lines, limits))
                lines += chunk.count(b"\n")
                run = len(chunk) - chunk.rfind(b"\n") - 1
            if run > limit:
                raise Refused(_long_line(lines, limits))


def _long_line(line: int, limits: IngestSettings) -> str:
    return (
        f"line {line} is longer than {limits.max_line_kb} KB, so the file is not a table of records; "
        "check that it was exported as CSV with one record per line"
    )


def check_xlsx(path: Path, limits: IngestSettings) -> None:
    """A real workbook whose content unzips to no more than the limit (declared sizes can lie: count them)."""
    what = looks_like(path)
    if what != _MAGIC[0][1]:
        raise Refused(f"it is {what or 'not an Excel workbook'}; save it from Excel as .xlsx (Excel Workbook)")
    limit = limits.max_xlsx_mb << 20
    too_big = f"it unzips to more than {limits.max_xlsx_mb} MB (a zip bomb or a huge sheet); split it or send CSV"
    try:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
            if not any(e.filename == "xl/workbook.xml" for e in entries):
                raise Refused("it is a zip archive but not an Excel workbook; save it from Excel as .xlsx")
            if sum(e.file_size for e in entries) > limit:
                raise Refused(too_big)
            total = 0
            for e in entries:
                with zf.open(e) as member:
                    while block := member.read(1 << 20):
                        total += len(block)
                        if total > limit:
                            raise Refused(too_big)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise Refused(f"the workbook is damaged ({exc}); open it in Excel and save it again as .xlsx") from None


def check_parquet(path: Path) -> None:
    if looks_like(path) != "a Parquet file":
        raise Refused(f"it is {looks_like(path) or 'not a Parquet file'}; write it again as Parquet or send CSV")
