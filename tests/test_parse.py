"""Tier 1: the contract-driven parser and helpers, as pure functions."""

from datetime import date, datetime

import polars as pl
import pytest
from messy import read_file

from models import ddl
from models.contracts import CONTRACTS, EXPORTS, PRODUCERS, TRANSACTIONS
from pipelines.core.periods import periods, segments
from pipelines.ingest import parse

TIER = "pure"  # tests/conftest.py: the runner's tiers


def _frame(contract, rows: list[dict]) -> pl.DataFrame:
    base = {n: "" for n in contract.names}
    return pl.DataFrame([{**base, **r} for r in rows]).with_row_index("_line", offset=2)


def _tx(**over) -> dict:
    return {"transaction_id": "t1", "producer_id": "P1", "occurred_at": "2025-03-01T10:00:00",
            "amount_idr": "1000", "quantity": "1", "category": "", "channel": "tunai", **over}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "local", "utc"),
    [
        ("2025-03-01T10:00:00", datetime(2025, 3, 1, 10), datetime(2025, 3, 1, 3)),  # no offset: WIB
        ("2025-03-01 23:30", datetime(2025, 3, 1, 23, 30), datetime(2025, 3, 1, 16, 30)),
        (
            "2025-02-28T17:30:00Z",
            datetime(2025, 3, 1, 0, 30),
            datetime(2025, 2, 28, 17, 30),
        ),  # crosses midnight
        ("2025-03-01T00:30:00+08:00", datetime(2025, 2, 28, 23, 30), datetime(2025, 2, 28, 16, 30)),  # WITA
        (
            "2025-03-01T09:00:00.250+0700",
            datetime(2025, 3, 1, 9, 0, 0, 250000),
            datetime(2025, 3, 1, 2, 0, 0, 250000),
        ),
        ("2025-03-01", datetime(2025, 3, 1), datetime(2025, 2, 28, 17)),
    ],
)
def test_timestamps_are_converted_to_jakarta(text: str, local: datetime, utc: datetime) -> None:
    assert parse.parse_times(pl.Series([text])).row(0) == (local, utc)


@pytest.mark.parametrize("text", ["2025-13-45T10:00", "kemarin", "31/02/2025", "2025-03-01T25:00:00", "16 Juno 2025"])
def test_unparseable_times_are_rejected_with_the_value(text: str) -> None:
    typed = parse.type_rows(_frame(TRANSACTIONS, [_tx(occurred_at=text)]), TRANSACTIONS)
    assert parse.accepted(typed, TRANSACTIONS).is_empty()
    assert f"occurred_at '{text}' is not a date and time" in parse.rejected(typed, TRANSACTIONS)["_reason"][0]


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"transaction_id": ""}, "missing transaction_id"),
        ({"producer_id": " "}, "missing producer_id"),
        ({"amount_idr": "0"}, "amount_idr must be greater than 0"),
        ({"amount_idr": "-5000"}, "amount_idr must be greater than 0"),
        ({"amount_idr": "abc"}, "amount_idr 'abc' is not a whole number"),
        ({"amount_idr": "12.5"}, "amount_idr '12.5' is not a whole number"),
        ({"quantity": "0"}, "quantity must be at least 1"),
        ({"channel": "tunai-bank"}, "channel 'tunai-bank' is not an allowed code"),
        ({"category": "mainan"}, "category 'mainan' is not an allowed code"),
    ],
)
def test_each_transaction_rule_rejects_with_its_reason(over: dict, reason: str) -> None:
    typed = parse.type_rows(_frame(TRANSACTIONS, [_tx(), _tx(**{"transaction_id": "t2", **over})]), TRANSACTIONS)
    assert parse.accepted(typed, TRANSACTIONS)["transaction_id"].to_list() == ["t1"]
    rejected = parse.rejected(typed, TRANSACTIONS)
    assert rejected["_line"].to_list() == [3]
    assert reason in rejected["_reason"][0]


def test_codes_are_normalised_and_empty_category_stays_empty() -> None:
    typed = parse.type_rows(_frame(TRANSACTIONS, [_tx(channel=" QRIS ", category="")]), TRANSACTIONS)
    row = parse.accepted(typed, TRANSACTIONS).row(0, named=True)
    assert row["channel"] == "qris" and row["category"] is None and row["local_date"] == date(2025, 3, 1)


def test_all_reasons_of_a_row_are_kept() -> None:
    typed = parse.type_rows(_frame(TRANSACTIONS, [_tx(amount_idr="x", quantity="0", channel="")]), TRANSACTIONS)
    reason = parse.rejected(typed, TRANSACTIONS)["_reason"][0]
    assert reason.count(";") == 2 and "missing channel" in reason


def test_exports_hs_code_and_commodity() -> None:
    rows = [
        {"peb_number": "A", "peb_date": "2025-03-01", "producer_id": "P2", "hs_code": "0301.11.00",
         "quantity": "10", "fob_value": "1500.50", "currency": "usd", "destination_country": "cn"},
        {"peb_number": "A", "peb_date": "2025-03-01", "producer_id": "P2", "hs_code": "9503001000",
         "quantity": "5", "fob_value": "20", "currency": "EUR", "destination_country": "SG"},
        {"peb_number": "A", "peb_date": "2025-03-01", "producer_id": "P2", "hs_code": "44209090",
         "quantity": "5", "fob_value": "20", "currency": "JPY", "destination_country": "JP"},
        {"peb_number": "B", "peb_date": "2025-03-01", "producer_id": "P2", "hs_code": "0301.11",
         "quantity": "5", "fob_value": "0", "currency": "XXY", "destination_country": "ZZ"},
    ]  # fmt: skip
    typed = parse.type_rows(_frame(EXPORTS, rows), EXPORTS)
    good = parse.accepted(typed, EXPORTS)
    assert good.select("hs_code", "hs_chapter", "hs_heading", "commodity", "currency").rows() == [
        ("03011100", "03", "0301", "ikan_hias", "USD"),
        ("9503001000", "95", "9503", "boneka", "EUR"),
        ("44209090", "44", "4420", "lainnya", "JPY"),
    ]
    reason = parse.rejected(typed, EXPORTS)["_reason"][0]
    for part in (
        "hs_code '0301.11' has the wrong format",
        "fob_value must be greater than 0",
        "currency 'XXY' is not an allowed code",
        "destination_country 'ZZ' is not an allowed code",
    ):
        assert part in reason


def test_producer_rules() -> None:
    ok = {"producer_id": "P1", "name": "UD A", "nib": "1234567890123", "kecamatan": "Jatiasih",
          "category": "makanan", "kbli": "10792", "exporter": "tidak"}  # fmt: skip
    bad = {
        **ok,
        "producer_id": "P2",
        "nib": "12345",
        "kecamatan": "Cikarang",
        "kbli": "1079",
        "exporter": "mungkin",
    }
    typed = parse.type_rows(_frame(PRODUCERS, [ok, bad]), PRODUCERS)
    assert parse.accepted(typed, PRODUCERS)["exporter"].to_list() == [False]
    reason = parse.rejected(typed, PRODUCERS)["_reason"][0]
    for part in ("nib '12345' has the wrong format", "kecamatan 'Cikarang' is not an allowed code",
                 "kbli '1079' has the wrong format", "exporter 'mungkin' is not true/false"):  # fmt: skip
        assert part in reason


def test_missing_columns_name_the_file(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("transaction_id,producer_id,amount_idr\nt1,P1,5\n")
    with pytest.raises(parse.LandingFileError, match=r"t\.csv: missing column\(s\) occurred_at, quantity"):
        read_file(path, TRANSACTIONS)


def test_empty_and_binary_files_are_refused(tmp_path) -> None:
    empty, binary = tmp_path / "empty.csv", tmp_path / "bin.csv"
    empty.write_text("")
    binary.write_bytes(b"\xff\xfe\x00\x01garbage\x00\xc3\x28")
    with pytest.raises(parse.LandingFileError, match="empty.csv: the file is empty"):
        read_file(empty, TRANSACTIONS)
    with pytest.raises(parse.LandingFileError, match="bin.csv"):
        read_file(binary, TRANSACTIONS)


def test_line_numbers_count_the_header_as_line_one(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(",".join(TRANSACTIONS.names) + "\n" + "\n".join(f"t{i},P1,2025-03-01,1,1,,tunai" for i in range(3)))
    assert read_file(path, TRANSACTIONS).frame.collect()["_line"].to_list() == [2, 3, 4]


def test_ddl_follows_the_contracts() -> None:
    stmts = "\n".join(ddl.contract_ddl())
    for c in CONTRACTS.values():
        assert f'CREATE TABLE IF NOT EXISTS raw."{c.source}"' in stmts
        assert f'CREATE TABLE IF NOT EXISTS quarantine."{c.source}"' in stmts
    assert '"amount_idr" BIGINT' in ddl.raw_table(TRANSACTIONS)
    with pytest.raises(ValueError):
        ddl.q('x"; DROP TABLE raw.files; --')


def test_segments_split_on_gaps() -> None:
    days = [date(2025, 1, d) for d in (1, 2, 3, 7, 8, 20)]
    jan = [(1, 3), (7, 8), (20, 20)]
    assert segments(days, "day") == [(date(2025, 1, a), date(2025, 1, b)) for a, b in jan]
    months = [date(2024, 12, 1), date(2025, 1, 1), date(2025, 3, 1)]
    assert segments(months, "month") == [
        (date(2024, 12, 1), date(2025, 1, 1)),
        (date(2025, 3, 1), date(2025, 3, 1)),
    ]
    assert periods(date(2025, 1, 31), date(2025, 3, 1), "month") == [
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]
