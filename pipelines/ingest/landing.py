"""Landing files: find them, fingerprint them, and order them the way they are ingested.

A file may still be in the middle of being copied in: only a file whose size and modification time hold
still between two looks is read (one that arrives by an atomic rename, with an older mtime, is read at once).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from models.aliases import MARKETPLACES
from pipelines.ingest import guard

# Tab-separated exports carry .txt (Excel's "Unicode Text") or .tsv: read as CSV, the separator found in the header.
FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
BOOKS_MAPPING = "sentra.toml"  # a producer's mapping of its books' columns (pipelines.ingest.books)
REJECTED = "rejected"  # landing/rejected/<source>/: refused files and their <name>.error.txt
# The raw assets' metadata entry of {path: fingerprint} of every file they dealt with (not those still being
# written): the landing sensor reads it, so files ingested by `sentra run` start no second ingest.
SEEN_METADATA = "landing_fingerprints"


class StillWriting(Exception):
    """A landing file changed while Sentra looked at it: nothing of it is kept; the next run takes it whole."""


@dataclass(frozen=True)
class LandingFile:
    source: str
    path: Path
    size: int
    mtime: float
    producer_id: str | None = None  # a marketplace export's or own books' producer, from its folder name
    marketplace: str | None = None  # the marketplace (and so the layout), from its folder name

    @property
    def books(self) -> bool:
        """A producer's own books: a file in `transactions/<producer_id>/`."""
        return self.producer_id is not None and self.marketplace is None

    @property
    def format(self) -> str | None:
        return FORMATS.get(self.path.suffix.lower())

    @property
    def name(self) -> str:
        """The name users know the file by: relative to its source folder."""
        return self.path.relative_to(self.path.parents[len(self._below())]).as_posix()

    @property
    def folder(self) -> str:
        """Its folder relative to landing/, the key of per-folder settings."""
        return "/".join((self.source, *self._below()))

    def _below(self) -> tuple[str, ...]:
        """The folders between the source's folder and the file."""
        return tuple(p for p in (self.marketplace, self.producer_id) if p is not None)

    @property
    def modified_at(self) -> datetime:
        return datetime.fromtimestamp(self.mtime, UTC).replace(tzinfo=None)

    @property
    def fingerprint(self) -> list[float]:
        """[size, mtime]: how the landing sensor and the raw assets tell a file they have seen."""
        return [self.size, self.mtime]

    def check_unchanged(self) -> None:
        """Raise StillWriting unless the file still has the size and mtime it was scanned with."""
        if _look(self.path) != (self.size, self.mtime):
            raise StillWriting(still_writing(self))

    def scanned(self, max_line_kb: int, whole: bool = True) -> guard.ByteScan:
        """The file's bytes read once (`guard.scan_bytes`): ingest hashes it, then the reader checks it without
        a second read. Kept on this look at the file (each run scans landing anew); a scan without the digest
        does for the reader's checks only (not `whole`)."""
        kept: guard.ByteScan | None = self.__dict__.get("_scanned")
        if kept is None or kept.max_line_kb != max_line_kb or (whole and kept.sha256 is None):
            kept = guard.scan_bytes(self.path, max_line_kb, whole)
            self.__dict__["_scanned"] = kept  # a cache, as functools.cached_property keeps one: no field changes
        return kept

    def sha256(self, max_line_kb: int) -> str:
        """The file's SHA-256, read with its checks (`scanned`)."""
        digest = self.scanned(max_line_kb).sha256
        assert digest is not None  # a whole scan always has it
        return digest


def still_writing(lf: LandingFile) -> str:
    return f"{lf.path}: still being written (its size or modification time changed); left for the next run"


def _look(path: Path) -> tuple[int, float] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime


def _files(
    folder: Path, source: str, producer_id: str | None = None, marketplace: str | None = None
) -> list[LandingFile]:
    out = []
    for p in folder.iterdir():
        # Hidden files, Office lock files, and a producer's mapping file (read with the books it describes).
        if p.is_file() and not p.name.startswith((".", "~")) and not (producer_id and p.name == BOOKS_MAPPING):
            st = p.stat()
            out.append(LandingFile(source, p, st.st_size, st.st_mtime, producer_id, marketplace))
    return out


def scan(landing: Path, source: str) -> list[LandingFile]:
    """The source's files in ingest order (modification time, then name), without hidden files.

    Transactions also come as marketplace order exports in `transactions/<marketplace>/<producer_id>/`, and as
    a producer's own books in `transactions/<producer_id>/`.
    """
    folder = landing / source
    if not folder.is_dir():
        return []
    files = _files(folder, source)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if source != "transactions":
            continue
        if sub.name not in MARKETPLACES:
            files += _files(sub, source, sub.name)
            continue
        for shop in sorted(p for p in sub.iterdir() if p.is_dir() and not p.name.startswith(".")):
            files += _files(shop, source, shop.name, sub.name)
    return sorted(files, key=lambda f: (f.mtime, f.name))


def settled(files: list[LandingFile], settle_seconds: float) -> tuple[list[LandingFile], list[LandingFile]]:
    """The files to read now, and those still being written (left for the next run).

    A file modified less than `settle_seconds` ago is looked at again once it is that old (one wait for all
    of them, at most `settle_seconds`); it is read only if its size and mtime did not change meanwhile.
    """
    now = time.time()
    young = {f.path for f in files if now - f.mtime < settle_seconds}
    if not young:
        return files, []
    time.sleep(settle_seconds - max(0.0, min(now - f.mtime for f in files if f.path in young)))
    ready, waiting = [], []
    for f in files:
        look = _look(f.path) if f.path in young else (f.size, f.mtime)
        if look == (f.size, f.mtime):
            ready.append(f)
        elif look is not None:  # gone: renamed away meanwhile, nothing to read
            waiting.append(f)
    return ready, waiting
