"""A report's numbers as data: each table as CSV and XLSX, and the headline figures as figures.json.

Written from the same document (and so the same published cells) as the HTML and PDF, beside them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from pipelines.publish.files import table_bytes, write_atomic
from pipelines.publish.published import Figure
from pipelines.publish.reports.document import Document, Table

FIGURES = "figures.json"


@dataclass(frozen=True)
class Headline:
    key: str
    value: float | int | None  # None unless published
    unit: str  # IDR, USD, percent, count, days
    period: str
    status: str  # published | confidential | merged | missing | not_available

    @staticmethod
    def of(key: str, figure: Figure, unit: str, period: str, attr: str = "value") -> Headline:
        # Counts of a hidden cell reveal no producer's figures; its value does.
        shown = figure.shown or (attr in ("count", "producers") and figure.exists)
        value = _plain(getattr(figure, attr)) if shown else None
        return Headline(key, value, unit, period, "published" if shown else figure.status)

    @staticmethod
    def derived(key: str, value: Decimal | None, unit: str, period: str) -> Headline:
        return Headline(key, _plain(value), unit, period, "published" if value is not None else "not_available")


def _plain(value: object) -> float | int | None:
    """A figure as JSON writes it: whole rupiah as integers, the rest to two decimals."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return round(float(value), 2)


def write_data(out_dir: Path, stem: str, doc: Document, headlines: list[Headline]) -> list[Path]:
    """`<stem>-tabel-<n>.csv/.xlsx` for each table with data, and figures.json; returns the paths."""
    paths = []
    tables = [b for b in doc.blocks if isinstance(b, Table) and b.data is not None]
    for n, table in enumerate(tables, start=1):
        csv, xlsx = table_bytes(table.data, sheet=f"tabel-{n}")
        for suffix, payload in (("csv", csv), ("xlsx", xlsx)):
            path = out_dir / f"{stem}-tabel-{n}.{suffix}"
            write_atomic(path, payload)
            paths.append(path)
    figures = {"figures": [asdict(h) for h in headlines]}
    write_atomic(out_dir / FIGURES, json.dumps(figures, indent=2, ensure_ascii=False).encode("utf-8"))
    return [*paths, out_dir / FIGURES]
