"""Great Expectations suites: rules that describe the data, not copies of the parser's field rules.

The parser (`pipelines.ingest.parse`) already refuses rows that break a field rule of `models/contracts.py`
(required, code list, format, bounds) and keeps them in quarantine with the reason; re-checking the
rows it accepted could never fail. GX checks what no single row shows: keys unique across files, bounds
set per deployment, plausibility per commodity, duplicate registrations, and volume against history.

The rules on staged rows are judged in bulk (`pipelines.quality.bulk`): GX reads per-partition figures and
distinct values with their counts that DuckDB computed, never the rows themselves.
"""

from __future__ import annotations

from models.contracts import EXPORTS, FX_RATES, PRODUCERS, TRANSACTIONS, Contract
from pipelines.quality.bulk import AtMost, BulkRule, InSet, Unique
from pipelines.quality.gx import Rule
from pipelines.quality.outcome import Check


def key_unique(contract: Contract) -> Unique:
    """The key names one current row, whichever files its versions came from."""
    key = tuple(contract.key)
    check = Check("key_unique", f"({', '.join(key)}) is unique among the current rows of every file.")
    return Unique(check, key, f"unique ({', '.join(key)})" if len(key) > 1 else f"unique {key[0]}")


def transactions_rules(ceiling_idr: int) -> list[BulkRule]:
    ceiling = AtMost(
        Check("amount_under_ceiling", "No sale above the configured ceiling (a likely typo of extra zeros)."),
        "amount_idr",
        ceiling_idr,
        f"amount_idr ≤ {ceiling_idr:,}",
    )
    return [key_unique(TRANSACTIONS), ceiling]


VOLUME = Check(
    "volume_typical",
    "A day's number of sales is within the configured band around the mean of the same weekday in the 4 weeks "
    "before (a missing or doubled file).",
    severity="WARN",
    blocking=False,
)


def volume_rules(low: float, high: float) -> list[Rule]:
    """Over one row per day (`sales`, `baseline`, `ratio`), not over the sales themselves."""
    return [
        Rule(
            VOLUME,
            "ExpectColumnValuesToBeBetween",
            {"column": "ratio", "min_value": low, "max_value": high},
            f"sales between {low:.0%} and {high:.0%} of the same weekday's mean over the 4 weeks before",
        )
    ]


SCALE = Check(
    "amount_scale_typical",
    "Each producer's median sale of a day is within the configured factor of its median over the 4 weeks "
    "before (amounts in another unit: thousands separators lost in a spreadsheet).",
    severity="WARN",
    blocking=False,
)


def scale_rules(factor: float) -> list[Rule]:
    """Over one row per producer and day (`median_idr`, `usual_idr`, `scale`), not over the sales."""
    return [
        Rule(
            SCALE,
            "ExpectColumnValuesToBeBetween",
            {"column": "scale", "min_value": 1 / factor, "max_value": factor},
            f"a producer's median sale within 1/{factor:g} and {factor:g} × its median of the 4 weeks before",
        )
    ]


def exports_rules() -> list[BulkRule]:
    weight = InSet(
        Check(
            "net_weight_plausible",
            "Net weight per unit within the configured bounds of its commodity.",
            severity="WARN",
            blocking=False,
        ),
        "weight_ok",
        (True,),
        "net_weight_kg / quantity within the bounds of its commodity (no weight passes)",
    )
    return [key_unique(EXPORTS), weight]


def producers_rules() -> list[BulkRule]:
    nib = Unique(
        Check(
            "nib_unique",
            "No two producer ids share an NIB (one business registered twice splits its sales).",
            severity="WARN",
            blocking=False,
        ),
        ("nib",),
        "unique nib",
    )
    return [key_unique(PRODUCERS), nib]


def fx_rules() -> list[BulkRule]:
    return [key_unique(FX_RATES)]
