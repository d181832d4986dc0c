"""What ingesting a source's landing files came to: one result per file, and the source's whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


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
    texts: dict[str, str] = field(default_factory=dict)  # a rejection's reason in each language


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
