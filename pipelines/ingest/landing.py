"""Landing files: find them, fingerprint them, and order them the way they are ingested."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SUFFIXES = (".csv",)


@dataclass(frozen=True)
class LandingFile:
    source: str
    path: Path
    size: int
    mtime: float

    @property
    def modified_at(self) -> datetime:
        return datetime.fromtimestamp(self.mtime, UTC).replace(tzinfo=None)

    def sha256(self) -> str:
        h = hashlib.sha256()
        with self.path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        return h.hexdigest()


def scan(landing: Path, source: str) -> list[LandingFile]:
    """The source's files in ingest order (modification time, then name), without hidden files."""
    folder = landing / source
    if not folder.is_dir():
        return []
    files = []
    for p in folder.iterdir():
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~")):
            st = p.stat()
            files.append(LandingFile(source, p, st.st_size, st.st_mtime))
    return sorted(files, key=lambda f: (f.mtime, f.path.name))
