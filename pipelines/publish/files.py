"""Writing published files: atomically, and CSV cells that a spreadsheet cannot run as formulas."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import datetime
from pathlib import Path

import polars as pl
import xlsxwriter

FORMULA_START = ("=", "+", "-", "@")
XLSX_CREATED = datetime(2024, 1, 1)


def write_atomic(path: Path, payload: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix a quote to text cells that start like a formula, so an opened download cannot run one."""
    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.starts_with(FORMULA_START[0]) | pl.col(c).str.contains(r"^[+\-@]"))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def write_csv(df: pl.DataFrame, path: Path) -> None:
    write_atomic(path, neutralise_formulas(df).write_csv().encode("utf-8"))


def table_bytes(df: pl.DataFrame, sheet: str = "data") -> tuple[bytes, bytes]:
    """A table as CSV and XLSX bytes (formulas neutralised, ISO dates): what every download of data uses."""
    safe = neutralise_formulas(df)
    xlsx = io.BytesIO()
    book = xlsxwriter.Workbook(xlsx, {"in_memory": True})
    book.set_properties({"created": XLSX_CREATED})  # not the clock: the same table gives the same bytes
    safe.write_excel(book, worksheet=sheet, autofit=True)
    return safe.write_csv(date_format="%Y-%m-%d").encode("utf-8"), xlsx.getvalue()
