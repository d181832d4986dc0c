"""A report's numbers as data: each table as CSV and XLSX, and the headline figures as figures.json.

Written from the same document (and so the same published cells) as the HTML and PDF, beside them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.publish import symbols
from pipelines.publish.files import csv_bytes, write_atomic
from pipelines.publish.formatting import round_half_up
from pipelines.publish.published import Figure
from pipelines.publish.reports.document import Document, Table
from pipelines.publish.symbols import Value
from pipelines.publish.workbook import workbook

FIGURES = "figures.json"


@dataclass(frozen=True)
class Headline:
    key: str
    value: float | int | None  # None unless published (or nil: zero)
    unit: str  # IDR, USD, percent, count, days
    period: str
    status: str  # a flag of `pipelines.publish.symbols`: published | nil | not_available | confidential | merged

    @staticmethod
    def of(key: str, figure: Figure, unit: str, period: str, attr: str = "value") -> Headline:
        # Counts of a hidden cell reveal no producer's figures; its value does (symbols.of).
        return Headline.flagged(key, symbols.of(figure, attr), unit, period)

    @staticmethod
    def derived(key: str, value: Decimal | None, unit: str, period: str) -> Headline:
        return Headline.flagged(key, symbols.number(value), unit, period)

    @staticmethod
    def flagged(key: str, value: Value, unit: str, period: str) -> Headline:
        number = value.value if value.shown else None
        if unit == "percent" and number is not None:
            number = round_half_up(Decimal(number), 1)  # as printed: reports and charts give changes to one decimal
        return Headline(key, _plain(number), unit, period, value.flag)


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
        # Percentages as printed: one decimal, half away from zero (as `formatting.number` rounds).
        pcts = [c for c, kind in table.data.schema.items() if c.endswith("_pct") and kind.is_float()]
        data = table.data.with_columns(pl.col(pcts).round(1, mode="half_away_from_zero"))
        # Whole rupiah as integers (Rp16.687.500, not 16687500.0); amounts with sen stay decimal.
        whole = [c for c, kind in data.schema.items() if c.endswith("_idr") and kind.is_float() and _integral(data[c])]
        data = data.with_columns(pl.col(whole).cast(pl.Int64))
        csv = csv_bytes(data)
        xlsx = workbook([table.caption, *doc.meta, *table.notes], table.headers, table.sheet, data, doc.lang)
        for suffix, payload in (("csv", csv), ("xlsx", xlsx)):
            path = out_dir / f"{stem}-tabel-{n}.{suffix}"
            write_atomic(path, payload)
            paths.append(path)
    figures = {"figures": [asdict(h) for h in headlines]}
    write_atomic(out_dir / FIGURES, json.dumps(figures, indent=2, ensure_ascii=False).encode("utf-8"))
    return [*paths, out_dir / FIGURES]


def _integral(values: pl.Series) -> bool:
    shown = values.drop_nulls()
    return bool((shown == shown.round(0)).all())


def table_titles(files: list[Path], docs: dict[str, Document]) -> dict[str, dict[str, str]]:
    """{data file name: {lang: caption}}: how the portal names each table's CSV and XLSX ("Tabel 1. Nilai ekspor
    IKM menurut komoditas, …"), not by format alone."""
    captions = {
        lang: [b.caption for b in doc.blocks if isinstance(b, Table) and b.data is not None]
        for lang, doc in docs.items()
    }
    out = {}
    for path in files:
        if (n := table_number(path.name)) is not None and n <= min(len(c) for c in captions.values()):
            out[path.name] = {lang: caps[n - 1] for lang, caps in captions.items()}
    return out


def table_number(name: str) -> int | None:
    """The number of the table a data file holds ("laporan-bulanan-2025-04-tabel-3.csv" -> 3), else None."""
    _, found, rest = name.rpartition("-tabel-")
    number = rest.split(".", 1)[0]
    return int(number) if found and number.isdigit() else None
