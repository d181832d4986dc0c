"""Tier 1: every Great Expectations rule catches a crafted bad input of its own, and only that one fails.

The rules describe the data (keys across files, deployment bounds, plausibility, volume); the parser's
field rules are not repeated here (tests/test_parse.py holds those)."""

from datetime import date, timedelta

import polars as pl
import pytest

from pipelines.quality import gx, suites

DAY = date(2025, 3, 1)

TX = {
    "date": DAY,
    "transaction_id": "t1",
    "producer_id": "P1",
    "amount_idr": 5_000,
    "quantity": 2,
    "category": "boneka",
    "channel": "qris",
    "_partition": DAY,
}
PRODUCER = {
    "producer_id": "P1",
    "name": "UD A",
    "nib": "1234567890123",
    "kecamatan": "Jatiasih",
    "kelurahan": None,
    "category": "makanan",
    "kbli": "10792",
    "registered_on": DAY,
    "exporter": True,
    "_partition": None,
}
EXPORT = {
    "peb_number": "PEB-1",
    "peb_date": DAY,
    "producer_id": "P2",
    "hs_code": "03011100",
    "description": "arwana",
    "quantity": 10.0,
    "unit": "EKOR",
    "net_weight_kg": 2.0,
    "fob_value": 100.0,
    "currency": "USD",
    "destination_country": "CN",
    "port_of_loading": "IDCGK",
    "weight_ok": True,
    "_partition": DAY,
}
FX = {"date": DAY, "currency": "USD", "rate_idr": 16_000.0, "_partition": None}


def _failures(name: str, rows: list[dict], rules: list[gx.Rule], ids: list[str]) -> set[str]:
    df = pl.DataFrame(rows, infer_schema_length=None)
    return {o.check.name for o in gx.validate(name, df, rules, ids) if not o.passed}


def _tx_rules() -> list[gx.Rule]:
    return suites.transactions_rules(1_000_000)


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ({"transaction_id": "t1"}, "key_unique"),  # the same key as the good row
        ({"amount_idr": 1_000_001}, "amount_under_ceiling"),
    ],
)
def test_transaction_rules(bad: dict, check: str) -> None:
    good = {**TX, "transaction_id": "t0"}
    assert _failures("transactions", [good], _tx_rules(), ["producer_id", "transaction_id"]) == set()
    bad_row = {**TX, **bad} if check == "key_unique" else {**TX, "transaction_id": "t2", **bad}
    assert _failures("transactions", [good, TX, bad_row], _tx_rules(), ["producer_id", "transaction_id"]) == {check}


@pytest.mark.parametrize(
    ("bad", "check"), [({"producer_id": "P1"}, "key_unique"), ({"nib": "1234567890123"}, "nib_unique")]
)
def test_producer_rules(bad: dict, check: str) -> None:
    rows = [{**PRODUCER, "producer_id": "P0", "nib": "1234567890000"}, PRODUCER,
            {**PRODUCER, "producer_id": "P2", "nib": "1234567890999", **bad}]  # fmt: skip
    assert _failures("producers", rows, suites.producers_rules(), ["producer_id"]) == {check}


@pytest.mark.parametrize(
    ("bad", "check"), [({"hs_code": "03011100"}, "key_unique"), ({"weight_ok": False}, "net_weight_plausible")]
)
def test_export_rules(bad: dict, check: str) -> None:
    rows = [EXPORT, {**EXPORT, "hs_code": "95030010", **bad}]
    assert _failures("exports", rows, suites.exports_rules(), ["peb_number", "hs_code"]) == {check}


def test_fx_rules() -> None:
    rows = [FX, {**FX, "currency": "EUR"}]
    assert _failures("fx_rates", rows, suites.fx_rules(), ["date", "currency"]) == set()
    assert _failures("fx_rates", [*rows, FX], suites.fx_rules(), ["date", "currency"]) == {"key_unique"}


def test_volume_rule_judges_each_day_against_its_band_and_skips_days_without_history() -> None:
    later = DAY + timedelta(days=7)
    days = pl.DataFrame({"_partition": [DAY, later, later + timedelta(days=7)], "sales": [10, 31, 9],
                         "baseline": [None, 10.0, 10.0], "ratio": [None, 3.1, 0.9]})  # fmt: skip
    outcomes = gx.validate("volume", days, suites.volume_rules(0.5, 2.0), ["sales", "baseline"])
    assert {o.partition: o.passed for o in outcomes} == {DAY: True, later: False, later + timedelta(days=7): True}
    assert next(o for o in outcomes if not o.passed).samples == [{"ratio": 3.1, "sales": 31, "baseline": 10.0}]


def test_failures_are_attributed_to_their_partition_with_samples() -> None:
    other = DAY + timedelta(days=1)
    rows = [TX, {**TX, "transaction_id": "t2", "amount_idr": 2_000_000, "date": other, "_partition": other}]
    outcomes = [
        o
        for o in gx.validate("transactions", pl.DataFrame(rows), _tx_rules(), ["producer_id", "transaction_id"])
        if o.check.name == "amount_under_ceiling"
    ]
    assert {o.partition: o.passed for o in outcomes} == {DAY: True, other: False}
    failing = next(o for o in outcomes if not o.passed)
    assert failing.observed == "1 of 1 rows unexpected"
    assert (failing.numerator, failing.denominator) == (1, 1)  # unexpected rows of rows checked, for reports
    assert failing.samples == [{"amount_idr": 2_000_000, "producer_id": "P1", "transaction_id": "t2"}]
