"""An XLSX a person opens: the table as printed, with what it is above it, and the machine columns on a second sheet.

The first sheet ("Tabel" / "Table") starts with the title, then the period, unit, source, "data as of" and the
notes (what each symbol means among them), then the table: headers in the edition's language, frozen under them,
numbers as numbers with formats (whole rupiah `#,##0`, percentages `0.0`), and BPS's symbols where a cell has no
number (`pipelines.publish.symbols`). The second sheet ("data") holds the same rows as the CSV, column names and
flags as analysts and scripts read them. Text cells are written as text: a label starting with "=" never becomes
a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
import xlsxwriter

from pipelines.core import i18n
from pipelines.publish import symbols
from pipelines.publish.files import XLSX_CREATED, neutralise_formulas

Value = float | int | str | bool | date | None


@dataclass(frozen=True)
class Cell:
    value: Value
    number_format: str | None = None  # Excel's, e.g. "#,##0" (shown with the reader's own separators)


WHOLE, DECIMAL, PERCENT, DATE = "#,##0", "#,##0.00", "0.0", "d mmm yyyy"
_TITLE_ROWS_GAP = 1


def workbook(
    lines: Sequence[str], headers: Sequence[str], rows: Sequence[Sequence[Cell]], machine: pl.DataFrame, lang: str
) -> bytes:
    """The workbook: `lines` above the table (the first is the title), `headers` and `rows` as printed, and
    `machine` on the second sheet."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"created": XLSX_CREATED})  # not the clock: the same table gives the same bytes
    sheet = book.add_worksheet(i18n.text("workbook.sheet", lang))
    title, text, head = (
        book.add_format({"bold": True, "font_size": 14}),
        book.add_format({"font_color": "#444444"}),
        book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom", "bg_color": "#EEEEEE"}),
    )
    right = book.add_format({"align": "right"})
    formats: dict[str, xlsxwriter.format.Format] = {}
    for r, line in enumerate(lines):
        sheet.write_string(r, 0, line, title if r == 0 else text)
    top = len(lines) + _TITLE_ROWS_GAP
    for c, header in enumerate(headers):
        sheet.write_string(top, c, header, head)
    widths = [max(10, min(40, len(h) + 2)) for h in headers]
    for r, row in enumerate(rows, start=top + 1):
        for c, cell in enumerate(row):
            fmt = None
            if cell.number_format is not None:  # one format a number format: not one a cell
                fmt = formats.get(cell.number_format)
                if fmt is None:
                    fmt = formats[cell.number_format] = book.add_format({"num_format": cell.number_format})
            _write(sheet, r, c, cell, fmt, right)
            widths[c] = max(widths[c], min(40, len(_shown(cell.value)) + 2))
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(top + 1, 1)  # the header row and the first column stay in view
    neutralise_formulas(machine).write_excel(book, worksheet="data", autofit=True)
    book.close()
    return out.getvalue()


def _write(sheet: object, r: int, c: int, cell: Cell, fmt: object, right: object) -> None:
    value = cell.value
    if value is None:
        sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value, fmt)
    elif cell.number_format is not None:  # a symbol in a column of numbers: aligned with them
        sheet.write_string(r, c, value, right)
    else:
        sheet.write_string(r, c, value)


def _shown(value: Value) -> str:
    """Roughly how wide a value prints, for its column's width."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


# Columns that only carry what the symbols already say, or codes a label column names for people.
_HIDDEN = {"suppressed", "merged"}
_LABELS = {"label": ("category", "kecamatan", "destination_country"), "commodity_label": ("commodity",)}


def sheet_of(data: pl.DataFrame, lang: str) -> tuple[list[str], list[list[Cell]]]:
    """A chart's data as a person reads it: headers from the catalogue (`column.<name>`), names instead of codes,
    each number in its format, and a flagged value without a number shown as its symbol."""
    columns = [c for c in data.columns if not c.endswith("_flag") and c not in _HIDDEN]
    for label, codes in _LABELS.items():
        code = next((c for c in codes if c in columns), None)
        if label in columns and code is not None:  # the name takes the code's place and header
            columns.remove(label)
            columns[columns.index(code)] = label
    headers = [i18n.text(f"column.{_header_key(c, data)}", lang) for c in columns]
    formats = {c: _format(data[c]) for c in columns}
    rows = []
    for row in data.iter_rows(named=True):
        cells = []
        for c in columns:
            flag = row.get(f"{c}_flag")
            shown = flag is None or flag == symbols.PUBLISHED
            cells.append(Cell(row[c] if shown else symbols.SYMBOLS[flag], formats[c]))
        rows.append(cells)
    return headers, rows


def _header_key(column: str, data: pl.DataFrame) -> str:
    if column == "label":  # named after the code it stands for
        return next(c for c in _LABELS["label"] if c in data.columns)
    return "commodity" if column == "commodity_label" else column


def _format(values: pl.Series) -> str | None:
    name, kind = values.name, values.dtype
    if kind == pl.Date or kind == pl.Datetime:
        return DATE
    if name.endswith("_pct"):
        return PERCENT
    if kind.is_integer():
        return WHOLE
    if kind.is_float():  # rupiah shown whole (the value keeps its sen); dollars and the rest with two decimals
        return WHOLE if name.endswith("_idr") else DECIMAL
    return None


def chart_workbook(spec: dict, data: pl.DataFrame, lang: str) -> bytes:
    """A chart's XLSX: its title and subtitle lines (period, source and data as of, notes), the unit, the symbols
    it shows, then its data as a person reads it (`sheet_of`); the CSV's columns on the "data" sheet."""
    title = spec.get("title") or {}
    subtitle = title.get("subtitle") or []
    lines = [title.get("text", ""), *([subtitle] if isinstance(subtitle, str) else subtitle)]
    lines.append(i18n.text("workbook.unit", lang))
    flags = {f for c in data.columns if c.endswith("_flag") for f in data[c].drop_nulls().to_list()}
    if legend := symbols.legend(flags, lang):
        lines.append(legend)
    headers, rows = sheet_of(data, lang)
    return workbook(lines, headers, rows, data, lang)
