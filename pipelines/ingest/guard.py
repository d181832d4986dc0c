"""Refuse a landing file before a parser sees it: too big, binary, a line too long, a zip bomb.

Every check reads the file in bounded chunks, so a hostile file costs bounded memory and time.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipelines.core.i18n import Said
from pipelines.ingest.settings import IngestSettings

# What a file really is, from its first bytes, for errors like "x.xlsx is really a PDF" (`filekind.*` texts).
_MAGIC = (
    (b"PK\x03\x04", "zip"),
    (b"PAR1", "parquet"),
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"\x1f\x8b", "gzip"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
)


class Refused(Exception):
    """One sentence on what is wrong with the file and how to fix it (the caller adds the file name), said from
    the catalogue's `reject.<key>` in either language; `str()` is the English."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.said = Said.of(f"reject.{key}", **values)
        super().__init__(str(self.said))


def kind_of(path: Path) -> str | None:
    """What the first bytes say the file is: "zip", "parquet", "pdf", … (None: nothing recognised)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    return next((what for magic, what in _MAGIC if head.startswith(magic)), None)


def _kind(kind: str | None, otherwise: str) -> Said:
    return Said.of(f"filekind.{kind or otherwise}")


def check_size(path: Path, limits: IngestSettings) -> None:
    size = path.stat().st_size
    if size == 0:
        raise Refused("empty")
    if size > limits.max_file_mb << 20:
        raise Refused("too_big", mb=-(-size >> 20), limit=limits.max_file_mb)


def check_text(path: Path, limits: IngestSettings) -> None:
    """A text file: no NUL bytes, and no line longer than the limit (checked exactly, in chunks of that size)."""
    what = kind_of(path)
    if what:
        raise Refused("not_text", what=_kind(what, ""))
    limit = limits.max_line_kb << 10
    run, lines = 0, 1  # bytes since the last newline; line number at the chunk's start
    with path.open("rb") as fh:
        while chunk := fh.read(limit):
            if b"\x00" in chunk:
                raise Refused("nul")
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            else:  # lines inside a chunk are shorter than the chunk, so only the ends can exceed the limit
                if run + first > limit:
                    raise Refused("long_line", line=lines, limit=limits.max_line_kb)
                lines += chunk.count(b"\n")
                run = len(chunk) - chunk.rfind(b"\n") - 1
            if run > limit:
                raise Refused("long_line", line=lines, limit=limits.max_line_kb)


def check_xlsx(path: Path, limits: IngestSettings) -> None:
    """A real workbook whose content unzips to no more than the limit (declared sizes can lie: count them)."""
    what = kind_of(path)
    if what != "zip":
        raise Refused("not_workbook", what=_kind(what, "not_workbook"))
    limit = limits.max_xlsx_mb << 20
    too_big = Refused("unzips_too_big", limit=limits.max_xlsx_mb)
    try:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
            if not any(e.filename == "xl/workbook.xml" for e in entries):
                raise Refused("zip_not_workbook")
            if sum(e.file_size for e in entries) > limit:
                raise too_big
            total = 0
            for e in entries:
                with zf.open(e) as member:
                    while block := member.read(1 << 20):
                        total += len(block)
                        if total > limit:
                            raise too_big
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise Refused("workbook_damaged", detail=exc) from None


def check_parquet(path: Path) -> None:
    what = kind_of(path)
    if what != "parquet":
        raise Refused("not_parquet", what=_kind(what, "not_parquet"))
