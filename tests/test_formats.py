"""Tier 2: every accepted format ingests to the same marts as its clean CSV twin; bad files are moved aside."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import REGISTRY
from formats import DAILY, EXPORT_TWINS, ITEMS, RATES, TRANSACTION_TWINS, rates_clean, rates_indonesian
from helpers import build, ingest, query

TIER = "pipeline"  # tests/conftest.py: the runner's tiers


@pytest.mark.parametrize("twin", list(TRANSACTION_TWINS))
def test_every_transactions_format_gives_the_marts_of_its_clean_twin(twin: str, write_landing, isolated) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    TRANSACTION_TWINS[twin](isolated / "landing" / "transactions")
    meta = ingest()["raw_transactions"]
    assert (meta["rows_accepted"], meta["rows_quarantined"], meta["files_rejected"]) == (4, 0, 0), meta
    build("2025-03-03", "2025-03-04")
    assert query("SELECT date, turnover_idr, transactions FROM marts.daily_turnover ORDER BY 1") == DAILY
    assert query("SELECT category, turnover_idr FROM marts.daily_turnover_by_category ORDER BY 1") == [
        ("boneka", 1_325_000),
        ("ikan_hias", 4_380_500),
    ]


def _monthly() -> list[tuple]:
    return query("SELECT month, export_value_idr, export_value_usd, items FROM marts.monthly_export_value")


def _expected_month() -> tuple[Decimal, Decimal]:
    usd, sgd = (Decimal(r) for _, _, r in RATES)
    idr = Decimal(ITEMS[0][8]) * usd + Decimal(ITEMS[1][8]) * sgd
    return idr.quantize(Decimal("0.01")), (Decimal(ITEMS[0][8]) + (Decimal(ITEMS[1][8]) * sgd / usd)).quantize(
        Decimal("0.01")
    )


@pytest.mark.parametrize("twin", list(EXPORT_TWINS))
def test_every_exports_format_gives_the_marts_of_its_clean_twin(twin: str, write_landing, isolated) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    # The clean twin has clean rates; the others get rates with Indonesian headers, numbers and dates.
    (rates_clean if twin == "clean csv" else rates_indonesian)(isolated / "landing" / "fx_rates")
    EXPORT_TWINS[twin](isolated / "landing" / "exports")
    meta = ingest()
    assert meta["raw_exports"]["rows_accepted"] == 2 and meta["raw_fx_rates"]["rows_accepted"] == 2, meta
    build("2025-03-01", "2025-03-01", "month")
    ((month, idr, usd, items),) = _monthly()
    idr_expected, usd_expected = _expected_month()
    assert (str(month), items) == ("2025-03-01", 2)
    assert idr == idr_expected and abs(usd - usd_expected) <= Decimal("0.01")


def test_marketplace_orders_are_one_sale_each_and_cancelled_ones_are_kept_aside(isolated) -> None:
    TRANSACTION_TWINS["shopee order exports"](isolated / "landing" / "transactions")
    (isolated / "landing" / "producers").mkdir()
    from conftest import HEADERS  # the registry as a plain CSV

    rows = [",".join(HEADERS["producers"])] + [",".join(r) for r in REGISTRY]
    (isolated / "landing" / "producers" / "p.csv").write_text("\n".join(rows) + "\n")
    meta = ingest()["raw_transactions"]
    assert (meta["rows_read"], meta["rows_accepted"], meta["rows_excluded"]) == (6, 4, 2)
    assert query("SELECT transaction_id, amount_idr, quantity, channel FROM raw.transactions ORDER BY 1")[0] == (
        "SHOPEE-T1", 1_250_000, 2, "marketplace",
    )  # fmt: skip
    excluded = query("SELECT reason, record FROM raw.excluded ORDER BY reason")
    assert [r[0] for r in excluded] == [
        "order status 'Batal' is not a sale (cancelled, returned or unpaid)",
        "order status 'Pengembalian Dana/Barang' is not a sale (cancelled, returned or unpaid)",
    ]
    assert json.loads(excluded[0][1])["transaction_id"] == "SHOPEE-X-P1"
    # Order-level columns once, and the items' own columns (product names, …) as a list, with each order.
    (extra,) = query("SELECT _extra FROM raw.transactions WHERE transaction_id = 'SHOPEE-T1'")[0]
    lineage = json.loads(extra)
    assert lineage["order_total"] == "1.265.000"
    assert [i["Nama Produk"] for i in lineage["items"]] == ["Boneka A", "Boneka B"]
    notes = "\n".join(meta["notes"])
    assert "shopee/P1/Order.all.20250301_20250331.xlsx: shopee export of P1: 4 item line(s) in 3 order(s)" in notes
    assert query("SELECT sum(rows_read), sum(excluded) FROM raw.files WHERE source = 'transactions'") == [(6, 2)]


def test_extra_columns_are_kept_in_the_lineage_and_reported_once(write_landing, isolated) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    TRANSACTION_TWINS["semicolon, Windows-1252, Indonesian numbers and headers, quoted newline"](
        isolated / "landing" / "transactions"
    )
    meta = ingest()["raw_transactions"]
    assert meta["notes"] == [
        "penjualan maret.csv: read as Windows-1252 (it is not valid UTF-8)",
        "penjualan maret.csv: occurred_at ('Tanggal'): dates read day first (no value settles it; the convention "
        "of Sentra's own transactions layout)",
        "penjualan maret.csv: extra column(s) 'Keterangan' kept in the raw lineage (_extra), ignored",
    ]
    extras = {json.loads(e)["Keterangan"] for (e,) in query("SELECT _extra FROM raw.transactions")}
    assert extras == {'Boneka café; "spesial"\nbaris kedua'}
    (notes,) = query("SELECT notes FROM raw.files WHERE source = 'transactions'")[0]
    assert notes.count("Keterangan") == 1


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "missing.csv": (b"transaction_id,producer_id,amount_idr\nx,P1,5\n", "missing column(s) occurred_at, quantity"),
    "empty.csv": (b"", "the file is empty"),
    "not really.xlsx": (b"transaction_id,producer_id\n", "not an Excel workbook"),
    "scan.xlsx": (b"%PDF-1.7\n...", "it is a PDF document"),
    "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "'.xls' files are not accepted"),
    "binary.csv": (b"a,b\n\x00\x01\x02", "NUL bytes"),
    "garbled.csv": (
        b"transaction_id,producer_id,occurred_at,amount_idr,quantity,channel\n\x81\x8d\x8f,1,2,3,4,5\n",
        "neither UTF-8 nor Windows-1252",
    ),
    "both.csv": (b"tanggal,occurred_at\n", "columns 'tanggal' and 'occurred_at' both mean occurred_at"),
    "data.parquet": (b"not parquet at all", "not a Parquet file"),
    "bad.jsonl": (b'{"transaction_id": "a"\n', "cannot be read as jsonl"),
}


def test_unreadable_files_move_to_rejected_with_an_explanation_and_the_rest_go_on(write_landing, isolated) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    folder = isolated / "landing" / "transactions"
    TRANSACTION_TWINS["clean csv"](folder)
    for name, (payload, _) in BAD_FILES.items():
        (folder / name).write_bytes(payload)
    meta = ingest()["raw_transactions"]
    assert (meta["files_ingested"], meta["files_rejected"], meta["rows_accepted"]) == (1, len(BAD_FILES), 4)
    rejected = isolated / "landing" / "rejected" / "transactions"
    for name, (payload, problem) in BAD_FILES.items():
        assert not (folder / name).exists() and (rejected / name).read_bytes() == payload
        error = (rejected / f"{name}.error.txt").read_text(encoding="utf-8")
        indonesian, _, english, _ = error.split("\n\n")  # both languages, Indonesian first
        assert english.startswith(f"{folder / name}: ") and problem in english, english
        assert indonesian.startswith(f"{folder / name}: ") and indonesian != english, error
        assert "Fix the file and put it back in" in error and "Perbaiki berkasnya lalu taruh kembali" in error
    reasons = dict(query("SELECT name, reason FROM raw.rejected_files"))
    assert set(reasons) == set(BAD_FILES) and all("\n" not in r for r in reasons.values())
    # A fixed file put back is ingested; the same rejected name again gets a numbered place.
    (folder / "missing.csv").write_bytes(BAD_FILES["missing.csv"][0])
    assert ingest()["raw_transactions"]["files_rejected"] == 1
    assert (rejected / "missing.1.csv").exists() and (rejected / "missing.1.csv.error.txt").exists()


def test_a_header_only_file_is_ingested_with_no_rows(write_landing, isolated) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "kosong.csv", [])
    meta = ingest()["raw_transactions"]
    assert (meta["files_ingested"], meta["rows_read"], meta["files_rejected"]) == (1, 0, 0)


def test_file_names_are_data_never_sql(write_landing, isolated) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    folder = isolated / "landing" / "transactions"
    TRANSACTION_TWINS["clean csv"](folder)
    names = ["'; DROP TABLE raw.files; --.csv", 'penjualan "Mei" ..csv', "Ñandú 日本 $x.csv"]
    body = (folder / "clean.csv").read_text()
    for i, name in enumerate(names):  # the same sales under new ids, so every file adds rows
        (folder / name).write_text(body.replace("\nT", f"\n{i}T"))
    (folder / "rusak '..\u00e9.csv").write_text("x\n1\n")
    meta = ingest()["raw_transactions"]
    assert (meta["files_ingested"], meta["files_rejected"], meta["rows_accepted"]) == (4, 1, 16)
    assert {n for (n,) in query("SELECT name FROM raw.files WHERE source = 'transactions'")} == {"clean.csv", *names}
    assert (isolated / "landing" / "rejected" / "transactions" / "rusak '..\u00e9.csv.error.txt").exists()
