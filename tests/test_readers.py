"""Tier 1: the readers, the Indonesian number and date parsers, and hostile files (no warehouse)."""

from __future__ import annotations

import hashlib
import math
import re
import tempfile
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from formats import SHOPEE_HEADER, _sheet, tx_excel_with_title_rows
from hypothesis import given, settings
from hypothesis import strategies as st
from messy import read_file

from models import aliases
from models.contracts import TRANSACTIONS
from pipelines.ingest import conventions, guard, layouts, marketplace, normalise, parse, read
from pipelines.ingest.conventions import Conventions
from pipelines.ingest.guard import Refused
from pipelines.ingest.landing import LandingFile
from pipelines.ingest.parse import LandingFileError
from pipelines.ingest.settings import IngestSettings

TIER = "pure"  # tests/conftest.py: the runner's tiers

# ---- numbers and dates -------------------------------------------------------------------------


def _one(expr: pl.Expr, text: str) -> str | None:
    return pl.DataFrame({"t": [text]}).select(expr.alias("v")).item()


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@given(n=st.integers(min_value=0, max_value=10**15), style=st.sampled_from(range(6)))
def test_whole_rupiah_in_every_written_form(n: int, style: int) -> None:
    text = [
        str(n),
        _grouped(n, "."),
        f"Rp {_grouped(n, '.')},00",
        f"Rp{_grouped(n, '.')}",
        f"IDR {_grouped(n, ',')}.00",
        f"  Rp\u00a0{_grouped(n, '.')}  ",
    ][style]
    assert _one(normalise.whole_number(pl.col("t")), text) == str(n)


@given(units=st.integers(min_value=0, max_value=10**9), cents=st.integers(min_value=1, max_value=99))
def test_decimals_with_a_comma_or_a_dot(units: int, cents: int) -> None:
    expected = f"{units}.{cents:02d}"
    for text in (f"{_grouped(units, '.')},{cents:02d}", f"{units},{cents:02d}", f"{units}.{cents:02d}"):
        assert _one(normalise.number_expr(pl.col("t")), text) == expected
    assert _one(normalise.whole_number(pl.col("t")), f"{units},{cents:02d}") is None  # not whole: never rounded


@pytest.mark.parametrize("text", ["abc", "1e3", "12,5,0", "Rp", "1..2", "--5", "1.25.000", "5 ribu"])
def test_text_that_is_not_a_number(text: str) -> None:
    assert _one(normalise.number_expr(pl.col("t")), text) is None


def _local(text: str) -> datetime | None:
    iso = pl.DataFrame({"t": [text]}).select(normalise.iso_datetime(pl.col("t"))).to_series()
    return parse.parse_times(iso)["local"].item()


_WHEN = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2068, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@given(when=_WHEN, style=st.sampled_from(range(7)))
def test_dates_in_every_written_form(when: datetime, style: int) -> None:
    month = [k for k, v in normalise.MONTHS.items() if v == f"{when.month:02d}"][0].capitalize()
    text, has_time, has_seconds = [
        (when.strftime("%Y-%m-%dT%H:%M:%S"), True, True),
        (when.strftime("%d/%m/%Y"), False, False),
        (when.strftime("%d-%m-%Y %H.%M"), True, False),
        (f"{when.day}/{when.month}/{when:%y}", False, False),
        (when.strftime("%d/%m/%Y %H:%M:%S"), True, True),
        (f"{when.day} {month} {when.year}", False, False),
        (f"{when.day} {month} {when.year} {when:%H.%M}", True, False),
    ][style]
    expected = when.replace(second=when.second if has_seconds else 0)
    got = _local(text)
    if has_time:
        assert got == expected
    else:
        assert got == datetime(when.year, when.month, when.day)


@pytest.mark.parametrize("text", ["31/02/2025", "2025-13-45", "16 Juno 2025", "kemarin", "16/06/2025 25.00"])
def test_impossible_dates_are_not_read(text: str) -> None:
    assert _local(text) is None


# ---- row accounting: whatever the text, every row is accepted or rejected with a reason ------------------

_CELL = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["P1", "2025-03-01", "1.250", "tunai", "0", ""]))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries({n: _CELL for n in TRANSACTIONS.names}), min_size=1, max_size=30))
def test_every_row_is_accepted_or_rejected_with_a_reason(rows: list[dict]) -> None:
    frame = pl.DataFrame(rows, schema=dict.fromkeys(TRANSACTIONS.names, pl.String)).with_row_index("_line", 2)
    typed = parse.type_rows(frame.with_columns(pl.col("_line").cast(pl.Int64)), TRANSACTIONS)
    good, bad = parse.accepted(typed, TRANSACTIONS), parse.rejected(typed, TRANSACTIONS)
    assert good.height + bad.height == len(rows)
    assert sorted(good["_line"].to_list() + bad["_line"].to_list()) == frame["_line"].to_list()
    assert bad["_reason"].null_count() == 0


@settings(max_examples=40, deadline=None)
@given(
    orders=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C", "D"]),
            st.sampled_from(["Selesai", "Batal", "Dikirim", ""]),
            st.integers(1, 5),
            st.integers(1, 10**6),
        ),  # fmt: skip
        min_size=1,
        max_size=20,
    )
)
def test_marketplace_orders_account_for_every_item(orders: list[tuple]) -> None:
    items = pl.DataFrame(
        {
            "order_id": [o[0] for o in orders],
            "status": [o[1] for o in orders],
            "created_at": ["2025-03-03 10:00"] * len(orders),
            "quantity": [str(o[2]) for o in orders],
            "unit_price": [f"{o[3]:,}".replace(",", ".") for o in orders],
        }  # fmt: skip
    ).with_row_index("_line", 2)
    items = items.with_columns(pl.col("_line").cast(pl.Int64))
    present = {"order_id", "status", "created_at", "quantity", "unit_price"}
    sales, excluded, _, _ = marketplace.orders(items, "P1", aliases.SHOPEE, present, Conventions())
    assert sales.height + excluded.height == items["order_id"].n_unique()
    first_status = {}
    for o in orders:
        first_status.setdefault(o[0], o[1] or None)
    kept = {k for k, s in first_status.items() if s is None or s.lower() != "batal"}
    assert set(sales["transaction_id"].to_list()) == {f"SHOPEE-{k}" for k in kept}
    totals = {f"SHOPEE-{k}": sum(o[2] * o[3] for o in orders if o[0] == k) for k in kept}
    got = dict(zip(sales["transaction_id"], sales["amount_idr"], strict=True))
    assert {k: int(float(v)) for k, v in got.items()} == totals


# ---- the alias table ---------------------------------------------------------------------------


def test_every_alias_names_a_field_and_headers_normalise(monkeypatch: pytest.MonkeyPatch) -> None:
    assert aliases.normalise(" No. Pesanan ") == "no_pesanan" and aliases.normalise("Jumlah (Rp)") == "jumlah_rp"
    # The shipped table passed the check when models.aliases was imported; the check refuses a bad one.
    for bad in ({"nominal": ("jumlah_rp",)}, {"amount_idr": ("qty",), "quantity": ("qty",)},
                {"amount_idr": ("quantity",)}):  # fmt: skip
        monkeypatch.setitem(aliases.ALIASES, "transactions", bad)
        with pytest.raises(ValueError, match="transactions: an alias names no field, or one spelling means two"):
            aliases._check()
    monkeypatch.undo()
    aliases._check()
    shopee = aliases.lookup(aliases.SHOPEE.columns)
    found = {shopee[aliases.normalise(h)] for h in SHOPEE_HEADER if aliases.normalise(h) in shopee}
    assert found == {"order_id", "status", "created_at", "quantity", "unit_price", "order_total"}


# ---- Excel ---------------------------------------------------------------------------------------


def test_excel_header_below_title_rows_and_rows_below_the_data(tmp_path: Path) -> None:
    tx_excel_with_title_rows(tmp_path)
    table = read_file(tmp_path / "laporan.xlsx", TRANSACTIONS)
    assert table.notes == ["ignored 2 row(s) below the data in sheet 'Penjualan' (totals or notes, rows 9–11)"]
    # Excel row numbers: the header is on row 4, so the sales are rows 5–8.
    frame = table.frame.collect()
    assert frame["_line"].to_list() == [5, 6, 7, 8]
    assert frame["amount_idr"].to_list() == ["1250000", "75000", "3400000", "980500"]


def test_excel_named_sheet_and_no_header(tmp_path: Path) -> None:
    tx_excel_with_title_rows(tmp_path)
    path = tmp_path / "laporan.xlsx"
    with pytest.raises(LandingFileError, match=r"no sheet named 'Juni' \(it has Keterangan, Penjualan\)"):
        read_file(path, TRANSACTIONS, IngestSettings(sheets={"transactions": "Juni"}))
    with pytest.raises(LandingFileError, match="no sheet has a header row with the columns transaction_id"):
        read_file(path, TRANSACTIONS, IngestSettings(sheets={"transactions": "Keterangan"}))
    _sheet(tmp_path / "x.xlsx", {"S": [["judul"], ["a", "b"], [1, 2]]})
    with pytest.raises(LandingFileError, match="in its first 30 rows; put the header above the data"):
        read_file(tmp_path / "x.xlsx", TRANSACTIONS)


# ---- hostile files: refused early, within bounded memory and time ----------------------------------


def test_zip_bomb_xlsx_is_refused_before_unzipping(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(64):
                member.write(b"\x00" * (1 << 20))
    assert bomb.stat().st_size < 1 << 20  # 64 MB of content in well under 1 MB
    with pytest.raises(LandingFileError, match="unzips to more than 16 MB"):
        read_file(bomb, TRANSACTIONS, IngestSettings(max_xlsx_mb=16))


def test_a_single_huge_line_is_refused_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "satu baris.csv"
    with path.open("wb") as fh:
        fh.write(b"transaction_id,producer_id\n")
        for _ in range(256):  # 256 MB without a newline, read 1 MB at a time
            fh.write(b"a" * (1 << 20))
    with pytest.raises(LandingFileError, match="line 2 is longer than 1024 KB"):
        read_file(path, TRANSACTIONS)


def _expected(path: Path, limit_kb: int) -> tuple[str, bool, int | None, bool]:
    """What a scan must find, from the definitions: the file is checked `limit` bytes at a time, and the fault
    said is the first one met: a NUL byte (in its chunk), or the first line longer than the limit (met in the
    chunk that holds its byte number limit + 1, whether the line ends there or runs on); a NUL first in a tie."""
    data, limit = path.read_bytes(), limit_kb << 10
    nul_at = data.find(b"\x00")
    nul_chunk = nul_at // limit if nul_at >= 0 else math.inf
    long_chunk, long_line, start = math.inf, None, 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) > limit:
            long_chunk, long_line = (start + limit) // limit, number
            break
        start += len(line) + 1
    nul = nul_at >= 0 and nul_chunk <= long_chunk
    bare_cr = re.search(rb"\r(?!\n)", data) is not None
    return hashlib.sha256(data).hexdigest(), nul, None if nul else long_line, bare_cr


@settings(max_examples=300)
@given(
    parts=st.lists(st.sampled_from([b"a", b"x" * 700, b"\n", b"\r", b"\r\n", b"\x00", b"z" * 1500]), max_size=40),
    block_kb=st.integers(min_value=1, max_value=3),
    limit_kb=st.integers(min_value=1, max_value=2),
)
def test_one_read_finds_what_three_did(parts: list[bytes], block_kb: int, limit_kb: int) -> None:
    """Blocks and line limits of 1–3 KB against lines up to ~4 KB: faults and CRs fall on every boundary."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_bytes(b"".join(parts))
        scan = guard.scan_bytes(path, limit_kb, block_bytes=block_kb << 10)
        digest, nul, long_line, bare_cr = _expected(path, limit_kb)
        assert (scan.sha256, scan.nul, scan.long_line, scan.bare_cr) == (digest, nul, long_line, bare_cr)
        # Stopped at the first fault, for the reader alone: the same fault, and every lone CR before it.
        part = guard.scan_bytes(path, limit_kb, whole=False, block_bytes=block_kb << 10)
        assert (part.nul, part.long_line) == (nul, long_line)
        assert part.sha256 is None
        assert part.bare_cr <= bare_cr if nul or long_line else part.bare_cr == bare_cr


def test_ingest_reads_a_files_bytes_once_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest ingest records and the reader's checks come from one scan of the file; read on its own (as by
    `sentra check`), the file is scanned once too, without its digest."""
    path = tmp_path / "t.csv"
    header = "transaction_id,producer_id,occurred_at,amount_idr,quantity,channel"
    path.write_bytes(f"{header}\r\nT1,P1,2025-03-01 10:00:00,150000,1,offline\r\n".encode())
    scans: list[bool] = []
    real = guard.scan_bytes
    monkeypatch.setattr(guard, "scan_bytes", lambda p, kb, whole=True: scans.append(whole) or real(p, kb, whole))
    st = path.stat()
    lf = LandingFile("transactions", path, st.st_size, st.st_mtime)
    assert lf.sha256(1024) == hashlib.sha256(path.read_bytes()).hexdigest()
    read.read(lf, layouts.for_source("transactions"), IngestSettings())
    read.read(lf, layouts.for_source("transactions"), IngestSettings())  # read again (another encoding, say)
    assert scans == [True]
    read_file(path, TRANSACTIONS)
    assert scans == [True, False]


def test_a_hundred_thousand_columns_are_refused_from_the_header(tmp_path: Path) -> None:
    path = tmp_path / "lebar.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n")
    with pytest.raises(LandingFileError, match="its header has 100000 columns, above the limit of 200"):
        read_file(path, TRANSACTIONS)
    wide = tmp_path / "lebar.parquet"
    pl.DataFrame({f"c{i}": [1] for i in range(5_000)}).write_parquet(wide)
    with pytest.raises(LandingFileError, match="it has 5000 columns"):
        read_file(wide, TRANSACTIONS)
    lines = tmp_path / "lebar.jsonl"
    lines.write_text("{" + ",".join(f'"c{i}": 1' for i in range(5_000)) + "}\n")
    with pytest.raises(LandingFileError, match="first record has more than 200 fields"):
        read_file(lines, TRANSACTIONS)


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "besar.csv"
    with path.open("wb") as fh:
        fh.truncate((2 << 20) + 1)
    with pytest.raises(LandingFileError, match="3 MB is above the limit of 2 MB for one file; split it"):
        read_file(path, TRANSACTIONS, IngestSettings(max_file_mb=2))


def test_timestamps_from_typed_columns_keep_their_offset(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    at = datetime(2025, 3, 3, 2, 15)
    pl.DataFrame(
        {
            "transaction_id": ["a"],
            "producer_id": ["P1"],
            "occurred_at": [at],
            "amount_idr": [1250.0],
            "quantity": [2],
            "channel": ["tunai"],
        }  # fmt: skip
    ).with_columns(pl.col("occurred_at").dt.replace_time_zone("UTC")).write_parquet(path)
    frame = read_file(path, TRANSACTIONS).frame.collect()
    assert frame["amount_idr"].to_list() == ["1250"]  # a whole float, never "1.250" read as a thousands group
    assert parse.parse_times(frame["occurred_at"])["local"].item() == at + timedelta(hours=7)


def test_the_documented_alias_table_is_the_one_in_models() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "FORMATS.md").read_text(encoding="utf-8")
    assert aliases.markdown() in docs, "regenerate the table: python -m models.aliases"


# ---- conventions decided per column, per file ------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "marks", "read"),
    [
        (["1.250", "2.5"], "en", "1.25"),  # a decimal dot elsewhere in the column: `1.250` is 1.25
        (["1.250", "2,5"], "id", "1250"),  # a decimal comma: `1.250` is 1250
        (["1.250", "7"], None, "1250"),  # nothing settles it: each value read on its own (Indonesian)
    ],
)
def test_number_marks_are_decided_per_column_from_its_values(values: list[str], marks: str | None, read: str) -> None:
    layout = layouts.for_source("exports")[0]
    frame = pl.DataFrame({"Nilai FOB": values}).lazy()
    found = conventions.decide(frame, {"Nilai FOB": "fob_value"}, layout)
    assert found.numbers.get("fob_value") == marks
    assert Decimal(_one(normalise.number_expr(pl.col("t"), marks), values[0])) == Decimal(read)
    assert bool(found.notes) == (marks is not None)  # `1.250` depends on the choice: the note says which


def test_a_column_with_both_number_marks_or_both_date_orders_is_refused() -> None:
    layout = layouts.for_source("transactions")[0]
    both_marks = pl.DataFrame({"Harga": ["1.250,50", "1,250.50"]}).lazy()
    with pytest.raises(Refused, match="mixes Indonesian .* and English"):
        conventions.decide(both_marks, {"Harga": "amount_idr"}, layout)
    both_orders = pl.DataFrame({"Tanggal": ["24/03/2025", "03/24/2025"]}).lazy()
    with pytest.raises(Refused, match=r"day first \('24/03/2025'\) and with the month first \('03/24/2025'\)"):
        conventions.decide(both_orders, {"Tanggal": "occurred_at"}, layout)


def test_identifiers_in_scientific_notation_are_refused_as_spreadsheets_write_them() -> None:
    layout = layouts.for_source("transactions")[0]
    with pytest.raises(Refused, match=r"column 'No. Resi' holds identifiers in scientific notation .*'2.08E\+18'"):
        conventions.decide(pl.DataFrame({"No. Resi": ["SPXID01", "2.08E+18"]}).lazy(), {}, layout)
    # A code that only looks like an exponent (no "+", as a spreadsheet always writes it) is left alone.
    assert conventions.decide(pl.DataFrame({"Seller SKU": ["1E10", "AB-2"]}).lazy(), {}, layout).notes == []
