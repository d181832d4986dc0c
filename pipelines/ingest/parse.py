"""Typed rows with a reason for every rejected row, for callers holding a small frame (tests, checks).

The typing itself is `pipelines.ingest.rowsql`: the contract's rules as one DuckDB SELECT. The ingest
runs it on the warehouse connection; here it runs on an in-memory DuckDB and comes back as a frame.
"""

from __future__ import annotations

from functools import cache

import duckdb
import polars as pl

from models.contracts import TRANSACTIONS, Contract
from pipelines.core.i18n import Said
from pipelines.ingest import rowsql
from pipelines.ingest.conventions import Conventions


class LandingFileError(Exception):
    """A whole file cannot be read; the message names the file and the problem in one line, in either language
    (`text`); `str()` is the English."""

    def __init__(self, path: object, said: Said) -> None:
        self.path, self.said = path, said
        super().__init__(f"{path}: {said}")

    def text(self, lang: str) -> str:
        return f"{self.path}: {self.said.text(lang)}"


def cell(name: str) -> pl.Expr:
    """A column's text, trimmed; an empty cell is missing."""
    s = pl.col(name).str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def type_rows(
    df: pl.DataFrame,
    contract: Contract,
    conv: Conventions | None = None,
    rules: rowsql.Rules | None = None,
    registry: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """`df`'s rows with typed columns `__<name>`, derived columns, `_reason` (null when the row passes), `_key`
    and `_row_hash`, as the ingest types them.

    `conv` holds the file's conventions (date order, number marks) decided from all of its values; a
    `_reject` column holds reasons found while reading (a ragged row, an order whose lines disagree)."""
    con = _memory()
    rowsql.type_into(con, "typed", contract, df.lazy(), conv, rules or rowsql.Rules(), registry)
    return con.sql("SELECT * FROM typed").pl()


@cache
def _memory() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per process for small frames (a connection costs more than typing a few rows)."""
    return duckdb.connect()


def parse_times(text: pl.Series) -> pl.DataFrame:
    """`local` and `utc` of each ISO text (no offset is Asia/Jakarta local time), as the ingest reads them."""
    field = TRANSACTIONS.field("occurred_at")
    alone = Contract("times", "", (field,), key=(field.name,), extra_columns=(("occurred_at_utc", "TIMESTAMP"),))
    frame = pl.DataFrame({field.name: text.cast(pl.String), "_line": pl.int_range(text.len(), eager=True)})
    typed = type_rows(frame, alone)
    return typed.select(local="__occurred_at", utc="__occurred_at_utc")


def accepted(typed: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    """Rows that pass every rule, with contract column names and their derived columns."""
    names = list(contract.names) + [n for n, _ in contract.extra_columns]
    return typed.filter(pl.col("_reason").is_null()).select(
        *[pl.col(f"__{n}").alias(n) for n in names], "_key", "_row_hash", "_line", *_extra(typed)
    )


def rejected(typed: pl.DataFrame, contract: Contract, date_column: str | None = None) -> pl.DataFrame:
    """Rows that fail a rule, as received, with their reason, key and (when readable) partition date."""
    day = pl.col(f"__{date_column}") if date_column else pl.lit(None, dtype=pl.Date)
    return typed.filter(pl.col("_reason").is_not_null()).select(
        *contract.names, "_reason", "_row_hash", "_line", "_key", day.alias("_partition_date"), *_extra(typed)
    )


def _extra(frame: pl.DataFrame) -> list[str]:
    """The file's extra columns as one JSON text, when it has any (kept in the raw lineage)."""
    return ["_extra"] if "_extra" in frame.columns else []
