"""The marts, listed once: their name, the SQL family that builds them and their key columns.

A mart partition is computed into the temporary table `candidate` from the accepted, current rows of staging
(`sql/<family>.sql`, keys rendered as identifiers); the assets check it, then write it (`pipelines.assets.marts`).
"""

from __future__ import annotations

from datetime import date

import duckdb

from pipelines.warehouse.connection import render

# Each mart: the family's SQL template and its key columns.
MARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "daily_turnover": ("daily_turnover", ("date",)),
    "daily_turnover_by_category": ("daily_turnover", ("date", "category")),
    "daily_turnover_by_kecamatan": ("daily_turnover", ("date", "kecamatan")),
    "monthly_export_value": ("monthly_export_value", ("month",)),
    "monthly_export_value_by_commodity": ("monthly_export_value", ("month", "commodity")),
    "monthly_export_value_by_destination": ("monthly_export_value", ("month", "destination_country")),
}
DAILY_MARTS = tuple(n for n, (family, _) in MARTS.items() if family == "daily_turnover")
MONTHLY_MARTS = tuple(n for n, (family, _) in MARTS.items() if family == "monthly_export_value")


def is_total(name: str) -> bool:
    """A family's total (one key: its period), where coverage is measured."""
    return len(MARTS[name][1]) == 1


def candidate(con: duckdb.DuckDBPyConnection, name: str, start: date, end: date) -> None:
    """The mart's rows of [start, end) into the temporary table `candidate`."""
    family, keys = MARTS[name]
    con.execute(f"CREATE OR REPLACE TEMP TABLE candidate AS {render(family, keys=keys)}", [start, end])
