"""A report table built from flagged values (`pipelines.publish.symbols`): the printed rows, the symbols' legend
under it, and the data frame its CSV and XLSX are written from, with a `<column>_flag` beside each number."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from pipelines.publish import symbols
from pipelines.publish.formatting import round_half_up
from pipelines.publish.reports.document import Table
from pipelines.publish.symbols import Number, Value
from pipelines.publish.workbook import Cell


@dataclass(frozen=True)
class Column:
    name: str  # the data file's column
    header: str  # the printed header
    fmt: Callable[[Number], str] | None  # how a published value prints; None: as its row says
    width: float = 1.1  # relative width in the PDF


@dataclass(frozen=True)
class Row:
    label: str  # printed in the first column
    key: str | date | None  # the first column of the data file (a code, a date); None for a total
    values: tuple[Value | None, ...]  # None: no cell in this row (printed empty, null in the data)
    fmt: Callable[[Number], str] | None = None  # for the columns without a format of their own (mixed units)


def table(
    caption: str,
    first: Column,
    columns: Sequence[Column],
    rows: Sequence[Row],
    lang: str,
    notes: Sequence[str] = (),
    total_rows: int = 0,
    if_hidden: Sequence[str] = (),
) -> Table:
    """The table with its rows as printed and as data, and the legend of the symbols it shows first in its notes;
    `if_hidden`: notes for when it shows a confidential or merged cell (what disclosure control does)."""
    printed = tuple((r.label, *(_text(v, c, r) for v, c in zip(r.values, columns, strict=True))) for r in rows)
    flags = {v.flag for r in rows for v in r.values if v is not None}
    legend = symbols.legend(flags, lang)
    if flags & {symbols.CONFIDENTIAL, symbols.MERGED}:
        notes = (*if_hidden, *notes)
    sheet = tuple((Cell(r.label), *(_cell(v, c, r) for v, c in zip(r.values, columns, strict=True))) for r in rows)
    return Table(
        caption,
        (first.header, *(c.header for c in columns)),
        printed,
        (False, *([True] * len(columns))),
        (first.width, *(c.width for c in columns)),
        total_rows=total_rows,
        notes=(*([legend] if legend else []), *notes),
        data=frame(first.name, columns, rows),
        sheet=sheet,
    )


# A column's unit in the XLSX, as the table prints it (by its name, or its row's for a column of mixed units):
# rupiah in millions, dollars in thousands, percentages and averages to one decimal, counts whole.
_UNITS = {"_idr": (Decimal(1_000_000), "#,##0.0"), "_usd": (Decimal(1_000), "#,##0.0"), "_pct": (Decimal(1), "0.0")}
_ONE_DECIMAL = ("avg_active_producers",)


def _cell(value: Value | None, column: Column, row: Row) -> Cell:
    """A value as the XLSX's first sheet shows it: in the printed unit with its format, or its symbol."""
    name = column.name if column.fmt is not None else str(row.key)
    scale, number_format = next(
        (unit for suffix, unit in _UNITS.items() if name.endswith(suffix)),
        (Decimal(1), "#,##0.0" if name in _ONE_DECIMAL else "#,##0"),
    )
    if value is None:
        return Cell(None)
    if value.flag != symbols.PUBLISHED or value.value is None:
        return Cell(symbols.SYMBOLS[value.flag], number_format)
    decimals = 1 if number_format.endswith(".0") else 0  # as printed: the sheet holds the table's own numbers
    return Cell(float(round_half_up(Decimal(value.value) / scale, decimals)), number_format)


def _text(value: Value | None, column: Column, row: Row) -> str:
    fmt = column.fmt or row.fmt
    if fmt is None:
        raise ValueError(f"column {column.name!r} has no format, nor has row {row.label!r}")
    return "" if value is None else value.text(fmt)


def frame(key: str, columns: Sequence[Column], rows: Sequence[Row]) -> pl.DataFrame:
    """The rows as data: the key, then each column's value (null unless shown) and its flag (null: no cell)."""
    keys = [r.key for r in rows]
    if not any(isinstance(k, date) for k in keys):  # a total's key is its label, unless the keys are dates
        keys = [r.label if r.key is None else r.key for r in rows]
    data = {key: pl.Series(key, keys)}
    for i, c in enumerate(columns):
        data.update(_series(c.name, [r.values[i] for r in rows]))
    return pl.DataFrame(data)


def transposed(key: str, columns: Sequence[Column], rows: Sequence[Row]) -> pl.DataFrame:
    """The rows as columns, for a table whose rows are indicators in different units: one row per column of the
    printed table (`key`: the column's name), one column (and its flag) per row's key."""
    data = {key: pl.Series(key, [c.name for c in columns])}
    for r in rows:
        data.update(_series(str(r.key), list(r.values)))
    return pl.DataFrame(data)


def _series(name: str, cells: list[Value | None]) -> dict[str, pl.Series]:
    """A column's numbers (integers when every one is whole, as whole rupiah are; percentages stay decimal) and
    their flags."""
    numbers = [None if v is None or not v.shown else v.value for v in cells]
    integral = all(n is None or Decimal(n) == Decimal(n).to_integral_value() for n in numbers)
    whole = integral and not name.endswith("_pct")
    values = [None if n is None else int(n) if whole else float(Decimal(n)) for n in numbers]
    flags = [None if v is None else v.flag for v in cells]
    return {
        name: pl.Series(name, values, pl.Int64 if whole else pl.Float64),
        f"{name}_flag": pl.Series(f"{name}_flag", flags, pl.String),
    }
