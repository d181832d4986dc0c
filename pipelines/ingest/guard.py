"""Refuse a landing file before a parser sees it: too big, binary, a line too long, a zip bomb.

Every check reads the file in bounded chunks, so a hostile file costs bounded memory and time.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
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


_BLOCK = 1 << 20  # bytes read at a time by `scan_bytes`
_BARE_CR = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True)
class ByteScan:
    """What one read of a file's bytes found: its SHA-256 (None unless read `whole`), the first fault
    of it as text (a NUL byte, or the number of the first line longer than `max_line_kb`), and whether a line
    ends in a lone carriage return."""

    sha256: str | None
    max_line_kb: int
    nul: bool
    long_line: int | None
    bare_cr: bool


def scan_bytes(path: Path, max_line_kb: int, whole: bool = True, block_bytes: int = _BLOCK) -> ByteScan:
    """The file read once, about `block_bytes` at a time (a whole number of line limits), for its digest and every
    check of its bytes (they used to read it three times). Not `whole`: no digest (the reader's checks alone),
    and the read stops after the block with the first fault (a 2 GB line is refused after 1 MB). The lone
    carriage returns found by then are all that matter: a line too long before any of them stays too long
    read with them as line ends.

    Each check is a byte search (memchr), not a count: lines are numbered only for a line found too long."""
    limit = max_line_kb << 10
    size = limit * max(1, block_bytes // limit)  # whole chunks of the limit: a block splits none
    digest = hashlib.sha256() if whole else None
    fault: str | None = None  # "nul" or "long_line": the first found, what is said
    run, line_start, offset = 0, 0, 0  # bytes since the last newline; where that line starts; block's start
    bare_cr, carry = False, b""  # a CR closing a block may be the first half of a CR LF split across blocks
    with path.open("rb") as fh:
        while block := fh.read(size):
            if digest is not None:
                digest.update(block)
            # Checked in chunks of the line limit: lines inside a chunk are shorter than it, so only the ends
            # of a chunk can exceed it.
            for at in range(0, len(block), limit) if fault is None else ():
                chunk = block[at : at + limit] if limit < len(block) else block
                if b"\x00" in chunk:
                    fault = "nul"
                    break
                first = chunk.find(b"\n")
                if first < 0:
                    run += len(chunk)
                elif run + first > limit:
                    fault = "long_line"
                    break
                else:
                    last = chunk.rfind(b"\n")
                    line_start, run = offset + at + last + 1, len(chunk) - last - 1
                if run > limit:
                    fault = "long_line"
                    break
            if not bare_cr:
                data, carry = carry + block, b""
                if data.endswith(b"\r"):
                    data, carry = data[:-1], b"\r"
                bare_cr = b"\r" in data and _BARE_CR.search(data) is not None
            offset += len(block)
            if fault is not None and not whole:
                break
    long_line = 1 + _newlines_before(path, line_start) if fault == "long_line" else None
    to_end = fault is None or whole  # read to its end: a CR closing the file ends a line
    sha256 = digest.hexdigest() if digest is not None else None
    return ByteScan(sha256, max_line_kb, fault == "nul", long_line, bare_cr or (to_end and carry == b"\r"))


def _newlines_before(path: Path, end: int) -> int:
    """Newlines in the file's first `end` bytes (read again only for a file refused for a long line)."""
    count = 0
    with path.open("rb") as fh:
        while end > 0 and (block := fh.read(min(end, _BLOCK))):
            count += block.count(b"\n")
            end -= len(block)
    return count


def check_text(path: Path, scan: ByteScan) -> None:
    """A text file: no NUL bytes, and no line longer than the limit (found exactly by `scan_bytes`)."""
    what = kind_of(path)
    if what:
        raise Refused("not_text", what=_kind(what, ""))
    if scan.nul:
        raise Refused("nul")
    if scan.long_line is not None:
        raise Refused("long_line", line=scan.long_line, limit=scan.max_line_kb)


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
