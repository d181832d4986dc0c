"""Tier 1: every generated expectation catches a crafted bad input of its own, and only that one fails."""

from datetime import date, timedelta

import polars as pl
import pytest

from pipelines.quality import gx, suites

DAY = date(2025, 3, 1)
REGISTRY = ["P1", "P2"]

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
    "rate_ok": True,
    "weight_ok": True,
    "_partition": DAY,
}
FX = {"date": DAY, "currency": "USD", "rate_idr": 16_000.0, "_partition": None}


def _failures(name: str, rows: list[dict], rules: list[gx.Rule], ids: list[str]) -> set[str]:
    df = pl.DataFrame(rows, infer_schema_length=None)
    return {o.check.name for o in gx.validate(name, df, rules, ids) if not o.passed}


def _tx_rules() -> list[gx.Rule]:
    return suites.transactions_rules(1_000_000, REGISTRY, DAY, DAY + timedelta(days=1))


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ({"transaction_id": None}, "transaction_id_present"),
        ({"transaction_id": "t1"}, "key_unique"),  # the same key as the good row
        ({"producer_id": "P9"}, "producer_registered"),
        ({"amount_idr": 0}, "amount_idr_range"),
        ({"amount_idr": 1_000_001}, "amount_idr_range"),  # above the configured ceiling
        ({"quantity": 0}, "quantity_range"),
        ({"date": DAY + timedelta(days=1)}, "date_in_partition"),
        ({"category": "mainan"}, "category_in_code_list"),
        ({"channel": "transfer"}, "channel_in_code_list"),
    ],
)
def test_transaction_rules(bad: dict, check: str) -> None:
    good = {**TX, "transaction_id": "t0"}
    assert _failures("transactions", [good], _tx_rules(), ["producer_id", "transaction_id"]) == set()
    bad_row = {**TX, **bad} if check == "key_unique" else {**TX, "transaction_id": "t2", **bad}
    assert _failures("transactions", [good, TX, bad_row], _tx_rules(), ["producer_id", "transaction_id"]) == {check}


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ({"producer_id": "P1"}, "key_unique"),
        ({"nib": "12345"}, "nib_format"),
        ({"kecamatan": "Cikarang Utara"}, "kecamatan_in_code_list"),
        ({"kbli": "1079"}, "kbli_format"),
        ({"name": None}, "name_present"),
    ],
)
def test_producer_rules(bad: dict, check: str) -> None:
    rows = [{**PRODUCER, "producer_id": "P0"}, PRODUCER, {**PRODUCER, "producer_id": "P2", **bad}]
    assert _failures("producers", rows, suites.producers_rules(), ["producer_id"]) == {check}


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ({"peb_number": None}, "peb_number_present"),
        ({"hs_code": "0301"}, "hs_code_format"),
        ({"currency": "ABC"}, "currency_in_code_list"),
        ({"destination_country": "XY"}, "destination_country_in_code_list"),
        ({"fob_value": 0.0}, "fob_value_range"),
        ({"rate_ok": False}, "rate_used"),
        ({"weight_ok": False}, "net_weight_plausible"),
        ({"producer_id": "P9"}, "producer_registered"),
    ],
)
def test_export_rules(bad: dict, check: str) -> None:
    rows = [EXPORT, {**EXPORT, "hs_code": "95030010", **bad}]
    assert _failures("exports", rows, suites.exports_rules(REGISTRY), ["peb_number", "hs_code"]) == {check}


def test_weight_plausibility_only_warns() -> None:
    weight = next(r for r in suites.exports_rules(REGISTRY) if r.check.name == "net_weight_plausible")
    assert (weight.check.severity, weight.check.blocking) == ("WARN", False)
    assert all(r.check.blocking for r in suites.exports_rules(REGISTRY) if r.check.name != "net_weight_plausible")


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ({"rate_idr": 0.0}, "rate_idr_range"),
        ({"currency": "USD"}, "key_unique"),
        ({"currency": "QQQ"}, "currency_in_code_list"),
    ],
)
def test_fx_rules(bad: dict, check: str) -> None:
    rows = [FX, {**FX, "currency": "EUR", **bad}]
    assert _failures("fx_rates", rows, suites.fx_rules(), ["date", "currency"]) == {check}


def test_failures_are_attributed_to_their_partition_with_samples() -> None:
    other = DAY + timedelta(days=1)
    rows = [TX, {**TX, "transaction_id": "t2", "amount_idr": 0, "date": other, "_partition": other}]
    rules = suites.transactions_rules(1_000_000, REGISTRY, DAY, DAY + timedelta(days=2))
    outcomes = [
        o
        for o in gx.validate("transactions", pl.DataFrame(rows), rules, ["producer_id", "transaction_id"])
        if o.check.name == "amount_idr_range"
    ]
    assert {o.partition: o.passed for o in outcomes} == {DAY: True, other: False}
    failing = next(o for o in outcomes if not o.passed)
    assert failing.observed == "1 of 1 rows unexpected"
    assert (failing.numerator, failing.denominator) == (1, 1)  # unexpected rows of rows checked, for reports
    assert failing.samples == [{"amount_idr": 0, "producer_id": "P1", "transaction_id": "t2"}]


def test_rules_come_from_the_contract() -> None:
    """Changing a contract rule changes the suite: the check names are generated from the fields."""
    names = {r.check.name for r in suites.producers_rules()}
    assert {"nib_format", "kbli_format", "kecamatan_in_code_list", "key_unique"} <= names
    nib = next(r for r in suites.producers_rules() if r.check.name == "nib_format")
    assert nib.kwargs["regex"] == r"^\d{13}$"
