"""Expectation suites generated from the contracts in `models/`, plus the few rules that need context.

A field's rules (required, code list, format, bounds, key) are written once in `models/contracts.py`:
the parser filters rows with them and these suites re-check the staged data with Great Expectations.
"""

from __future__ import annotations

from datetime import date, timedelta

from models.contracts import EXPORTS, FX_RATES, PRODUCERS, TRANSACTIONS, Contract, Field
from pipelines.quality.gx import Rule
from pipelines.quality.outcome import Check


def _field_rules(f: Field, ceiling: float | None) -> list[Rule]:
    c, rules = f.name, []
    if f.required:
        rules.append(
            Rule(
                Check(f"{c}_present", f"Every row has {c}."),
                "ExpectColumnValuesToNotBeNull",
                {"column": c},
                f"{c} is not null",
            )
        )
    if f.codes is not None:
        codes = sorted(f.codes)
        words = ", ".join(codes) if len(codes) <= 12 else f"the {len(codes)} ISO codes"
        rules.append(
            Rule(
                Check(f"{c}_in_code_list", f"{c} is one of its allowed codes."),
                "ExpectColumnValuesToBeInSet",
                {"column": c, "value_set": codes},
                f"{c} in {words}",
            )
        )
    if f.pattern is not None:
        rules.append(
            Rule(
                Check(f"{c}_format", f"{c} matches {f.pattern}."),
                "ExpectColumnValuesToMatchRegex",
                {"column": c, "regex": f.pattern},
                f"{c} matches {f.pattern}",
            )
        )
    if f.min_value is not None:
        word = ">" if f.min_exclusive else "≥"
        expected = f"{c} {word} {f.min_value:g}" + (f" and ≤ {ceiling:,.0f}" if ceiling is not None else "")
        kwargs = {"column": c, "min_value": f.min_value, "max_value": ceiling, "strict_min": f.min_exclusive}
        rules.append(
            Rule(Check(f"{c}_range", f"{c} within its bounds."), "ExpectColumnValuesToBeBetween", kwargs, expected)
        )
    return rules


def contract_rules(contract: Contract, columns: set[str], ceilings: dict[str, float] | None = None) -> list[Rule]:
    """Rules of every contract field present in the staged columns, and the key's uniqueness."""
    rules = [r for f in contract.fields if f.name in columns for r in _field_rules(f, (ceilings or {}).get(f.name))]
    if set(contract.key) <= columns:
        key = list(contract.key)
        check = Check("key_unique", f"({', '.join(key)}) is unique.")
        if len(key) > 1:
            rules.append(
                Rule(check, "ExpectCompoundColumnsToBeUnique", {"column_list": key}, f"unique ({', '.join(key)})")
            )
        else:
            rules.append(Rule(check, "ExpectColumnValuesToBeUnique", {"column": key[0]}, f"unique {key[0]}"))
    return rules


def _registered(registry: list[str]) -> Rule:
    return Rule(
        Check("producer_registered", "Every producer_id is in the registry."),
        "ExpectColumnValuesToBeInSet",
        {"column": "producer_id", "value_set": registry},
        f"producer_id among {len(registry):,} registered",
    )


def transactions_rules(ceiling_idr: int, registry: list[str], start: date, end: date) -> list[Rule]:
    last = end - timedelta(days=1)
    inside = Rule(
        Check("date_in_partition", "Every transaction's Asia/Jakarta date is inside its partition."),
        "ExpectColumnValuesToBeBetween",
        {"column": "date", "min_value": start, "max_value": last},
        f"date between {start} and {last}",
    )
    columns = set(TRANSACTIONS.names) - {"occurred_at"}  # staged as `date` and local/UTC times
    return [*contract_rules(TRANSACTIONS, columns, {"amount_idr": ceiling_idr}), _registered(registry), inside]


def exports_rules(registry: list[str]) -> list[Rule]:
    rate = Rule(
        Check("rate_used", "Every non-IDR item was valued with a reference rate, and every item has a USD rate."),
        "ExpectColumnValuesToBeInSet",
        {"column": "rate_ok", "value_set": [True]},
        "a rate for every non-IDR item and a USD rate for every item",
    )
    weight = Rule(
        Check(
            "net_weight_plausible",
            "Net weight per unit within the configured bounds of its commodity.",
            severity="WARN",
            blocking=False,
        ),
        "ExpectColumnValuesToBeInSet",
        {"column": "weight_ok", "value_set": [True]},
        "net_weight_kg / quantity within the bounds of its commodity (no weight passes)",
    )
    return [*contract_rules(EXPORTS, set(EXPORTS.names)), _registered(registry), rate, weight]


def producers_rules() -> list[Rule]:
    return contract_rules(PRODUCERS, set(PRODUCERS.names))


def fx_rules() -> list[Rule]:
    return contract_rules(FX_RATES, set(FX_RATES.names))
