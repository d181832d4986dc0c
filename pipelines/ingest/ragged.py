"""A CSV with rows that have more fields than its header, read so that each such row is kept with its reason.

The fast reader (Polars) stops at the first ragged row; then the file is read again here, with Python's
quote-aware `csv` module: good rows as usual, a ragged row with its fields cut to the header's width and a
`_reject` reason naming its line and the surplus values, so the row is quarantined and nothing is lost. This
path holds the file in memory: it is for the broken file, not the common one.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl


def read(path: Path, sep: str, skip: int, encoding: str) -> pl.LazyFrame:
    with path.open(encoding=encoding, newline="") as fh:
        for _ in range(skip):
            fh.readline()
        rows = csv.reader(fh, delimiter=sep)
        header = next(rows)
        width = len(header)
        columns: list[list[str | None]] = [[] for _ in range(width)]
        lines: list[int] = []
        reasons: list[str | None] = []
        start = skip + 2  # the physical line a record starts on (the header is line `skip + 1`)
        for record in rows:
            if not record:  # an empty line
                start = skip + rows.line_num + 1
                continue
            surplus = record[width:]
            reasons.append(
                f"line {start} has {len(record)} fields, the header {width} (a separator inside an unquoted "
                f"value?); the surplus was {surplus!r}"
                if surplus
                else None
            )
            record = record[:width] + [None] * (width - len(record))  # type: ignore[list-item]
            for i, value in enumerate(record):
                columns[i].append(value)
            lines.append(start)
            start = skip + rows.line_num + 1
    frame = pl.DataFrame({h: pl.Series(v, dtype=pl.String) for h, v in zip(_unique(header), columns, strict=True)})
    return frame.with_columns(
        pl.Series("_line", lines, dtype=pl.Int64), pl.Series("_reject", reasons, dtype=pl.String)
    ).lazy()


def _unique(header: list[str]) -> list[str]:
    """Polars names a repeated header `x_duplicated_0`; so does this reader, so both paths agree."""
    seen: dict[str, int] = {}
    out = []
    for h in header:
        if h in seen:
            out.append(f"{h}_duplicated_{seen[h]}")
            seen[h] += 1
        else:
            seen[h] = 0
            out.append(h)
    return out
