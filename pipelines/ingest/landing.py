"""Landing files: find them, fingerprint them, and order them the way they are ingested."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from models.aliases import MARKETPLACE_FOLDER

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
REJECTED = "rejected"  # landing/rejected/<source>/: refused files and their <name>.error.txt


@dataclass(frozen=True)
class LandingFile:
    source: str
    path: Path
    size: int
    mtime: float
    producer_id: str | None = None  # a marketplace export's producer, from its folder name

    @property
    def format(self) -> str | None:
        return FORMATS.get(self.path.suffix.lower())

    @property
    def name(self) -> str:
        """The name users know the file by: relative to its source folder."""
        return (
            self.path.name if self.producer_id is None else f"{MARKETPLACE_FOLDER}/{self.producer_id}/{self.path.name}"
        )

    @property
    def modified_at(self) -> datetime:
        return datetime.fromtimestamp(self.mtime, UTC).replace(tzinfo=None)

    def sha256(self) -> str:
        h = hashlib.sha256()
        with self.path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        return h.hexdigest()


def _files(folder: Path, source: str, producer_id: str | None = None) -> list[LandingFile]:
    out = []
    for p in folder.iterdir():
        if p.is_file() and not p.name.startswith((".", "~")):  # hidden files and Office lock files
            st = p.stat()
            out.append(LandingFile(source, p, st.st_size, st.st_mtime, producer_id))
    return out


def scan(landing: Path, source: str) -> list[LandingFile]:
    """The source's files in ingest order (modification time, then name), without hidden files.

    Transactions also come as marketplace order exports in `transactions/shopee/<producer_id>/`.
    """
    folder = landing / source
    if not folder.is_dir():
        return []
    files = _files(folder, source)
    shops = folder / MARKETPLACE_FOLDER
    if source == "transactions" and shops.is_dir():
        for shop in sorted(p for p in shops.iterdir() if p.is_dir()):
            files += _files(shop, source, shop.name)
    return sorted(files, key=lambda f: (f.mtime, f.name))
