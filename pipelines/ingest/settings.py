"""Limits that keep a hostile or broken landing file from costing unbounded memory or time, and how long a
file must stay unchanged before it is read.

Configurable per deployment: the `ingest` resource's config, or SENTRA_INGEST, e.g. '{"max_columns": 500}'.
"""

import dagster as dg
from pydantic import field_validator

from pipelines.core.config import settings_from_env


class IngestSettings(dg.ConfigurableResource):
    """A file beyond any limit is rejected with the limit named; raise a limit only for a file you trust."""

    max_file_mb: int = 4096  # any one landing file
    max_line_kb: int = 1024  # one physical line of a CSV or JSON Lines file
    max_columns: int = 200  # the contracts have at most 12; extra columns are kept, but not thousands
    max_xlsx_mb: int = 512  # an .xlsx's content once unzipped (a zip bomb unzips to gigabytes)
    header_search_rows: int = 30  # rows of a sheet searched for the header (title rows above it)
    sheets: dict[str, str] = {}  # source -> sheet name to read; default: the first sheet with a header
    # A file modified more recently than this is looked at twice, this far apart, and read only if it held
    # still: a file still being copied in is left for the next run, never parsed half-written or rejected.
    settle_seconds: float = 2.0
    # Landing folder (relative to landing/, e.g. "transactions" or "transactions/shopee/BKS-0001") -> the order
    # of numeric dates there, "dmy" (day first) or "mdy" (month first), for columns no value settles.
    date_order: dict[str, str] = {}
    # Plausible sale amounts in rupiah, per product category ("*": every category without its own bound).
    # A sale outside them is quarantined with its reason, never accepted.
    sale_min_idr: dict[str, int] = {"*": 1_000}
    sale_max_idr: dict[str, int] = {"*": 10_000_000_000}

    @field_validator("date_order")
    @classmethod
    def _orders(cls, value: dict[str, str]) -> dict[str, str]:
        bad = {k: v for k, v in value.items() if v not in ("dmy", "mdy")}
        if bad:
            raise ValueError(f"date_order values are 'dmy' (day first) or 'mdy' (month first), got {bad}")
        return value


def from_environment() -> IngestSettings:
    return settings_from_env(IngestSettings, "SENTRA_INGEST")
