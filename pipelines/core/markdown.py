"""Markdown tables for asset metadata previews in the Dagster UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines)


def preview(df: pl.DataFrame, limit: int = 10) -> str:
    return table(df.columns, df.head(limit).iter_rows())
