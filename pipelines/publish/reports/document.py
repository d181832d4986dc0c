"""The report document model: what the HTML and PDF renderers draw.

Both formats are built from one `Document`, so the HTML and the PDF say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars

    from pipelines.publish.workbook import Cell


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    small: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Cards:
    cards: tuple[tuple[str, str, str], ...]  # label, value, detail


@dataclass(frozen=True)
class Figure:
    png: bytes
    caption: str


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    widths: tuple[float, ...]  # relative column widths (PDF)
    total_rows: int = 0  # the last rows are totals (bold)
    notes: tuple[str, ...] = ()
    # The raw numbers behind the rows, for CSV and the XLSX's "data" sheet; not drawn, not compared.
    data: polars.DataFrame | None = field(default=None, compare=False, hash=False)
    # The rows as the XLSX's first sheet shows them: numbers in the printed units, with formats, or symbols.
    sheet: tuple[tuple[Cell, ...], ...] = field(default=(), compare=False, hash=False)


Block = Heading | Para | Bullets | Cards | Figure | Table


@dataclass(frozen=True)
class Document:
    lang: str
    title: str
    kind: str
    meta: tuple[str, ...]  # lines under the title: period, data as of, run
    blocks: tuple[Block, ...]
    footer: str
    pdf_title: str = ""
