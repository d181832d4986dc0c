"""Tier 1: every Great Expectations rule catches a crafted bad input of its own, and only that one fails.

The rules describe the data (keys across files, deployment bounds, plausibility, volume); the parser's
field rules are not repeated here (tests/test_parse.py holds those). Rules on staged rows are judged in
bulk: GX reads what DuckDB computed from the staged `candidate` table, never the rows themselves."""

from datetime import date, timedelta

import duckdb
import polars as pl
import pytest

from pipelines.quality import bulk, gx, suites

TIER = "pure"  # tests/conftest.py: the runner's tiers

DAY = date(2025, 3, 1)
LINEAGE = {"_file_id": 1, "_line": 2}

TX = {
    "date": DAY,
    "transaction_id": "t1",
    "producer_id": "P1",
    "amount_idr": 5_000,
    "quantity": 2,
    "category": "boneka",
    "channel": "qris",
    **LINEAGE,
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
    **LINEAGE,
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
    **LINEAGE,
    "_partition": DAY,
}
FX = {"date": DAY, "currency": "USD", "rate_idr": 16_000.0, **LINEAGE, "_partition": None}
TX_IDS = ["producer_id", "transaction_id"]


def _staged(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """A connection holding `rows` as the staged `candidate` table, as a staging step leaves it."""
    con = duckdb.connect()
    df = pl.DataFrame(rows, infer_schema_length=None).with_columns(pl.col("_partition").cast(pl.Date))
    con.register("rows", df.to_arrow())
    con.execute("CREATE TEMP TABLE candidate AS SELECT * FROM rows")
    return con


def _validate(name: str, rows: list[dict], rules: list[bulk.BulkRule], ids: list[str]) -> list:
    return bulk.validate(_staged(rows), name, rules, ids)


def _failures(name: str, rows: list[dict], rules: list[bulk.BulkRule], ids: list[str]) -> set[str]:
    return {o.check.name for o in _validate(name, rows, rules, ids) if not o.passed}


def _tx_rules() -> list[bulk.BulkRule]:
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
    assert _failures("transactions", [good], _tx_rules(), TX_IDS) == set()
    bad_row = {**TX, **bad} if check == "key_unique" else {**TX, "transaction_id": "t2", **bad}
    assert _failures("transactions", [good, TX, bad_row], _tx_rules(), TX_IDS) == {check}


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
        o for o in _validate("transactions", rows, _tx_rules(), TX_IDS) if o.check.name == "amount_under_ceiling"
    ]
    assert {o.partition: o.passed for o in outcomes} == {DAY: True, other: False}
    failing = next(o for o in outcomes if not o.passed)
    assert failing.observed == "1 of 1 rows unexpected"
    assert (failing.numerator, failing.denominator) == (1, 1)  # unexpected rows of rows checked, for reports
    assert failing.samples == [{"amount_idr": 2_000_000, "producer_id": "P1", "transaction_id": "t2", **LINEAGE}]


def test_a_key_current_on_two_days_fails_both_days_and_names_both_lines() -> None:
    other = DAY + timedelta(days=1)
    moved = {**TX, "date": other, "_partition": other, "_file_id": 2, "_line": 7}  # a correction moved the sale
    rows = [TX, {**TX, "transaction_id": "t2"}, moved]
    outcomes = {o.partition: o for o in _validate("transactions", rows, _tx_rules(), TX_IDS)
                if o.check.name == "key_unique"}  # fmt: skip
    assert {p: o.observed for p, o in outcomes.items()} == {
        DAY: "1 of 2 rows unexpected",
        other: "1 of 1 rows unexpected",
    }
    assert outcomes[other].samples == [{"producer_id": "P1", "transaction_id": "t1", "_file_id": 2, "_line": 7,
                                        "copies": 2}]  # fmt: skip


def test_gx_reads_one_row_per_partition_and_the_distinct_values_not_the_rows(monkeypatch) -> None:
    """However many rows are staged, GX is given what describes them: per-partition figures, distinct values."""
    seen: dict[str, int] = {}
    run = gx.run

    def spy(name: str, df: pl.DataFrame, rules: list[gx.Rule], index: list[str]) -> list[gx.Result]:
        seen[name] = df.height
        return run(name, df, rules, index)

    monkeypatch.setattr(gx, "run", spy)
    other = DAY + timedelta(days=1)
    rows = [{**EXPORT, "hs_code": f"{i:08d}", "weight_ok": i % 3 != 0, "_partition": DAY if i % 2 else other}
            for i in range(1_000)]  # fmt: skip
    outcomes = {
        (o.check.name, o.partition): o
        for o in _validate("exports", rows, suites.exports_rules(), ["peb_number", "hs_code"])
    }
    assert seen == {"exports_partitions": 2, "exports_weight_ok_values": 4}
    # The rows behind an unexpected value are its count: 1,000 rows, every third implausible.
    implausible = outcomes[("net_weight_plausible", DAY)]
    assert implausible.observed == "167 of 500 rows unexpected" and len(implausible.samples) == 20
    assert outcomes[("net_weight_plausible", other)].numerator == 167
    assert outcomes[("key_unique", DAY)].passed and outcomes[("key_unique", other)].passed


def test_no_staged_rows_still_reports_every_check() -> None:
    outcomes = bulk.validate(_staged([TX]).execute("DELETE FROM candidate"), "transactions", _tx_rules(), TX_IDS)
    assert [(o.check.name, o.partition, o.passed, o.observed) for o in outcomes] == [
        ("key_unique", None, True, "no rows to check"),
        ("amount_under_ceiling", None, True, "no rows to check"),
    ]
