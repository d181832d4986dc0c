"""Tier 1: a producer's own books (the mapping file, its proposal), exports Sentra knows but cannot use, and
every rejection and row reason said in both languages."""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from models.contracts import CONTRACTS
from pipelines.core import i18n
from pipelines.ingest import books, load, parse, propose, read, reasons
from pipelines.ingest.guard import Refused
from pipelines.ingest.landing import LandingFile, scan
from pipelines.ingest.rowsql import Rules
from pipelines.ingest.settings import IngestSettings

TIER = "pure"  # tests/conftest.py: the runner's tiers


@pytest.mark.parametrize(
    ("toml", "key", "words"),
    [
        ('[column]\namount_idr = "x"', "'column'", "not a part of a mapping"),
        ('[columns]\namount = "harga"', "'columns.amount'", "not a transactions column"),
        ('[columns]\nproducer_id = "kode"', "'columns.producer_id'", "the producer is the folder's name"),
        ("[columns]\namount_idr = 5", "'columns.amount_idr'", "the file's column name in quotes"),
        ('[columns]\namount_idr = "Harga"\ntransaction_id = "harga"', "'columns'", "named for two columns"),
        ('[defaults]\nchannel = "toko"', "'defaults.channel'", "'toko' is not allowed (use tunai, qris"),
        ("[defaults]\nquantity = 0", "'defaults.quantity'", "0 is not allowed"),
        ('[defaults]\ncategory = "boneka"', "'defaults.category'", "has no default"),
        ('date_order = "ymd"', "'date_order'", "'ymd' is not allowed"),
        ("[columns\n", None, "is not valid TOML"),
    ],
)
def test_a_wrong_mapping_is_one_line_naming_its_key_in_both_languages(
    tmp_path: Path, toml: str, key: str | None, words: str
) -> None:
    (tmp_path / "sentra.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(Refused) as caught:
        books.mapping_of(tmp_path, "P1")
    said = caught.value.said
    english, indonesian = said.text("en"), said.text("id")
    assert "transactions/P1/sentra.toml" in english and words in english, english
    assert key is None or key in english and key in indonesian
    assert "\n" not in english + indonesian and english != indonesian


def test_the_books_folder_names_the_producer_and_the_mapping_file_is_not_a_landing_file(tmp_path: Path) -> None:
    folder = tmp_path / "transactions" / "P1"
    folder.mkdir(parents=True)
    (folder / "buku.csv").write_text("a\n1\n", encoding="utf-8")
    (folder / "sentra.toml").write_text("", encoding="utf-8")
    (found,) = scan(tmp_path, "transactions")
    assert (found.producer_id, found.marketplace, found.books, found.name) == ("P1", None, True, "P1/buku.csv")
    assert found.folder == "transactions/P1"


def test_the_proposal_reads_the_values_not_only_the_names() -> None:
    sample = pl.DataFrame(
        {
            "no": ["1", "2", "3", "4"],  # numbers, each different, named "no": the sale's number
            "kapan": ["1/3/2025", "2/3/2025", "2/3/2025", "5/3/2025"],  # no date word: its values say so
            "keterangan": ["kue", "kue", "roti", "kue"],
            "uang": ["Rp150.000", "Rp 75.000", "200000", "1.250.000"],  # no price word: its values say so
            "jml": ["1", "2", "1", "3"],
            "bayar_via": ["tunai", "QRIS", "tunai", "tunai"],
        }
    )
    found = propose.propose(sample)
    assert {c: h for c, (h, _) in found.columns.items()} == {
        "transaction_id": "no",
        "occurred_at": "kapan",
        "amount_idr": "uang",
        "quantity": "jml",
        "channel": "bayar_via",
    }
    toml = found.toml("id", "P1", "buku.csv")
    assert "[columns]" in toml and "median Rp175.000" in toml
    assert books.validated(tomllib.loads(toml), "x").columns["amount_idr"] == "uang"


def _landing_file(path: Path) -> LandingFile:
    st = path.stat()
    parts = path.parent.relative_to(path.parents[2]).parts  # <marketplace>/<producer>
    return LandingFile("transactions", path, st.st_size, st.st_mtime, parts[1], parts[0])


SHOPEE_PERFORMA = [
    ["Tanggal", "Total Penjualan (IDR)", "Pesanan", "Penjualan per Pesanan", "Pengunjung", "Tingkat Konversi Pesanan"],
    ["01-02-2025", "1.250.000", "7", "178.571", "310", "2,26%"],
]


def test_a_shop_summary_in_a_marketplace_folder_names_the_export_to_download_instead(tmp_path: Path) -> None:
    path = tmp_path / "transactions" / "shopee" / "P1" / "performa.csv"
    path.parent.mkdir(parents=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(SHOPEE_PERFORMA)
    lf = _landing_file(path)
    with pytest.raises(parse.LandingFileError) as caught:
        load.read_then(lf, CONTRACTS["transactions"], IngestSettings(), lambda found: found)
    english, indonesian = caught.value.text("en"), caught.value.text("id")
    assert 'Shopee\'s "Data Performa Toko"' in english and "Pesanan Saya → Ekspor (Order.all)" in english
    assert "unduh ekspor pesanan" in indonesian and "order_id" not in english


# Rows breaking every rule the ingest has, so each kind of reason is written at least once.
BAD = {
    "transactions": {
        "transaction_id": [None, "T2", "T3", "T4", "T5"],
        "producer_id": ["P1", "bad id!", "ZZ", "P1", "P1"],
        "occurred_at": ["2025-02-03", "kemarin", "2025-02-03", "2030-01-01", "2025-02-03"],
        "amount_idr": ["100", "25rb", "0", "999", "99999999999999"],
        "quantity": ["1", "0", "x", "1", "1"],
        "category": [None, "mainan", None, None, None],
        "channel": ["tunai", "toko", "tunai", "tunai", "tunai"],
    },
    "exports": {c: ["", "x", "-5"] for c in CONTRACTS["exports"].names},
    "fx_rates": {c: ["", "abc", "-1"] for c in CONTRACTS["fx_rates"].names},
    "producers": {c: ["", "x y", "maybe"] for c in CONTRACTS["producers"].names},
}
REGISTRY = pl.DataFrame({"producer_id": ["P1"], "category": ["boneka"]})


@pytest.mark.parametrize("source", sorted(BAD))
def test_every_row_reason_the_rules_write_is_said_in_both_languages(source: str) -> None:
    contract = CONTRACTS[source]
    frame = pl.DataFrame(BAD[source]).with_row_index("_line").with_columns(pl.col("_line").cast(pl.Int64))
    registry = REGISTRY if contract.registry_checked else None
    rules = Rules(
        registry=registry is not None,
        sale_min_idr={"*": 1_000},
        sale_max_idr={"*": 10_000_000_000},
        first_day=date(2025, 1, 1),
        last_day=date(2025, 12, 31),
        date_column={"transactions": "local_date", "exports": "peb_date"}.get(source),
    )
    typed = parse.type_rows(frame, contract, None, rules, registry)
    found = [r for r in typed["_reason"].to_list() if r]
    assert found
    for reason in found:
        said = reasons.said(reason)
        assert all(s.key != "reason.as_written" for s in said), reason
        assert all(s.text("id") != s.text("en") for s in said if "kind" not in dict(s.values)), reason
    if source == "transactions":  # an amount of 0 breaks one rule, so it gets one reason
        zero = typed.filter(pl.col("amount_idr") == "0")["_reason"][0]
        assert zero.count("amount_idr") == 1, zero


def test_every_rejection_and_verdict_text_exists_in_both_languages() -> None:
    english, indonesian = i18n.catalogue("en"), i18n.catalogue("id")
    keys = [k for k in english if k.split(".")[0] in ("reject", "mapping", "reason", "check", "rejected", "propose")]
    assert len(keys) > 80
    same = [k for k in keys if english[k] == indonesian[k] and k != "reason.as_written"]
    assert not same, same


def test_a_workbook_of_books_with_a_title_row_is_proposed_from_its_real_header(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Buku Penjualan Toko Boneka Ceria - Maret 2025"], [], ["No", "Tgl", "Pembeli", "Uang Masuk"]):
        ws.append(row)
    for row in ([1, "01/03/2025", "Ani", 150000], [2, "02/03/2025", "Budi", 75000], [3, "02/03/2025", "Cici", 9000]):
        ws.append(row)
    folder = tmp_path / "transactions" / "P1"
    folder.mkdir(parents=True)
    wb.save(folder / "buku.xlsx")
    (lf,) = scan(tmp_path, "transactions")
    sample = read.sample(lf, IngestSettings(), propose.SAMPLE_ROWS)
    assert sample.columns == ["No", "Tgl", "Pembeli", "Uang Masuk"] and sample.height == 3
    found = {c: h for c, (h, _) in propose.propose(sample).columns.items()}
    assert found == {"transaction_id": "No", "occurred_at": "Tgl", "amount_idr": "Uang Masuk"}
