"""Tests for the messy sample (`pipelines.sample.messy`): the same records as the clean sample, other clothes."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from models.contracts import TRANSACTIONS
from pipelines.sample import marketplace as mp
from pipelines.sample.generate import MTIME_STEP, generate
from pipelines.sample.messy import BI_HEADER, PEB_HEADER, SEMICOLON_HEADER, messify
from pipelines.sample.rates import FX_CURRENCIES

TIER = "e2e"  # tests/conftest.py: the runner's tiers

START, END = date(2025, 1, 1), date(2025, 2, 28)  # fx rates reach back into 2024: two years of BI files
SEED, PRODUCERS, DIRTY = 7, 40, 0.05
CENT = Decimal("0.01")


def _pair(root: Path) -> tuple[Path, Path, dict[str, int]]:
    clean, messy = root / "clean", root / "messy"
    generate(clean, START, END, PRODUCERS, SEED, DIRTY)
    generate(messy, START, END, PRODUCERS, SEED, DIRTY)
    return clean, messy, messify(messy, SEED)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int]]:
    return _pair(tmp_path_factory.mktemp("messy"))


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def _sheet(path: Path) -> tuple[str, list[list[str | None]]]:
    """(sheet name, rows as text, blank rows kept); calamine starts at the first used row."""
    ((sheet, df),) = pl.read_excel(
        path, engine="calamine", sheet_id=0, has_header=False, infer_schema_length=0, drop_empty_rows=False
    ).items()
    return sheet, [list(r) for r in df.iter_rows()]


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def _clean_rows(root: Path, source: str, koreksi: bool = False) -> pl.DataFrame:
    paths = sorted((root / source).glob(f"{source}_*.csv"))
    frames = [pl.read_csv(p, infer_schema=False) for p in paths if koreksi or "_koreksi" not in p.name]
    return pl.concat(frames)


# --------------------------------------------------------------------------------------------------
# (a) layouts


def test_the_messy_folder_holds_every_layout(pair: tuple[Path, Path, dict[str, int]]) -> None:
    clean, messy, counts = pair
    names = set(_files(messy))
    assert not any(re.match(r"fx_rates/fx_rates_\d{4}\.csv$", n) for n in names)
    assert counts["bi_xlsx"] + counts["bi_csv"] == 2 * len(FX_CURRENCIES)  # 2024 and 2025
    for year in (2024, 2025):
        for i, cur in enumerate(FX_CURRENCIES):
            xlsx = f"fx_rates/Kurs Transaksi BI {cur} {year}.xlsx"
            assert (xlsx in names) == ((i + year) % 2 == 0)
            assert (f"fx_rates/kurs_transaksi_{cur.lower()}_{year}.csv" in names) != (xlsx in names)
    assert {"transactions/penjualan_2025-02.csv", "transactions/transactions_2025-01.csv"} <= names
    assert "transactions/transactions_2025-02.csv" not in names
    assert {"exports/Rekap PEB 2025-01.xlsx", "exports/exports_2025-02.csv"} <= names
    assert "exports/exports_2025-01.csv" not in names
    assert counts["marketplace_producers"] == 9 and counts["orders"] > 0 and counts["orders_excluded"] > 0
    for market in mp.MARKETPLACES:
        assert len(list((messy / "transactions" / market).iterdir())) == 3
    assert counts["shopee_older_xlsx"] and counts["shopee_newer_xlsx"] and counts["shopee_newer_csv"]
    assert counts["tokopedia"] and counts["tiktok"]
    # Files take the place of those they replace in ingest order: its mtime, then a second more each.
    old = {n: p.stat().st_mtime for n, p in _files(clean).items()}
    for name, path in _files(messy).items():
        stamp = old.get(name) or old[_replaced(name)]
        assert stamp <= path.stat().st_mtime < stamp + MTIME_STEP, name


def _replaced(name: str) -> str:
    """The clean file a messy file takes the place of."""
    source, base = name.split("/")[0], name.split("/")[-1]
    if source == "fx_rates":
        year = re.search(r"(\d{4})\.", base)
        assert year, name
        return f"fx_rates/fx_rates_{year[1]}.csv"
    m = re.search(r"(\d{4})-?(\d{2})(?:\d{2}_|\.)", base)
    assert m, name
    return f"{source}/{source}_{m[1]}-{m[2]}.csv"


def test_bi_files_look_like_the_bank_indonesia_download(pair: tuple[Path, Path, dict[str, int]]) -> None:
    _, messy, _ = pair
    titles = []
    for path in sorted((messy / "fx_rates").glob("*.xlsx")):
        cur = path.stem.split()[-2]
        sheet, rows = _sheet(path)
        xml = _sheet_xml(path)
        assert '<dimension ref="A3:E' in xml and '<mergeCell ref="A3:E3"/>' in xml and '<row r="5" ' in xml
        assert rows[1] == [None] * 5 and rows[2] == BI_HEADER  # title (row 3), blank row 4, header row 5
        assert len(sheet) <= 31 and sheet.endswith("  ") and sheet.startswith("Kurs Transaksi BI")
        titles.append((rows[0][0], sheet, cur))
        data = rows[3:]
        assert [r[0] for r in data] == [str(i) for i in range(1, len(data) + 1)]
        assert {r[1] for r in data} == {"100" if cur == "JPY" else "1"}
        assert all(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} 12:00:00 AM", r[4]) for r in data)
        days = [datetime.strptime(r[4], "%m/%d/%Y %I:%M:%S %p") for r in data]
        assert days == sorted(days, reverse=True)  # newest first
        assert '<c r="C6"><v>' in xml and 't="s"' not in xml.split('<c r="C6"')[1].split("</c>")[0]
    # Each year's first xlsx names its currency only in the sheet name (and the file name); others in the title.
    assert ("Kurs Transaksi BI", "Kurs Transaksi BI USD  ", "USD") in titles
    assert ("Kurs Transaksi BI - JPY", "Kurs Transaksi BI  ", "JPY") in titles
    for path in sorted((messy / "fx_rates").glob("*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        cur = path.stem.split("_")[2].upper()
        assert lines[:3] == [f"Kurs Transaksi BI - {cur},,,,", "", ",".join(BI_HEADER)]
        data = [line.split(",") for line in lines[3:]]
        assert [r[0] for r in data] == [str(i) for i in range(1, len(data) + 1)]
        # Dot decimal, trailing zeros dropped: 16242.81, 16242.8, 16242.
        assert all(re.fullmatch(r"\d+(\.\d?[1-9])?", v) for r in data for v in r[2:4])


def test_marketplace_exports_have_their_layouts(pair: tuple[Path, Path, dict[str, int]]) -> None:
    _, messy, _ = pair
    for path in (messy / "transactions" / "shopee").rglob("*"):
        if path.suffix == ".csv":
            header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
            assert header == mp.SHOPEE_NEWER
        elif path.suffix == ".xlsx":
            sheet, rows = _sheet(path)
            assert sheet == "orders" and rows[0] in (mp.SHOPEE_OLDER, mp.SHOPEE_NEWER)
            assert all(re.fullmatch(r"\d{6}[A-Z0-9]{8}", r[0]) for r in rows[1:])
            assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", r[6]) for r in rows[1:])
    for path in (messy / "transactions" / "tokopedia").rglob("*.xlsx"):
        _, rows = _sheet(path)
        assert rows[0][0] == "Laporan Penjualan" and rows[1][0].startswith("Toko: ")
        assert re.fullmatch(r"Periode: 01-\d{2}-\d{4} - \d{2}-\d{2}-\d{4}", rows[2][0])
        assert rows[3] == [None] * 12 and rows[4] == mp.TOKOPEDIA
        assert all(re.fullmatch(r"INV/\d{8}/MPL/\d{10}", r[1]) for r in rows[5:])
    for path in (messy / "transactions" / "tiktok").rglob("*.csv"):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert lines[0] == list(mp.TIKTOK) and lines[1] == list(mp.TIKTOK.values())
        assert all(re.fullmatch(r"\d{18}", r[0]) for r in lines[2:])


def test_semicolon_and_rekap_peb_files(pair: tuple[Path, Path, dict[str, int]]) -> None:
    clean, messy, _ = pair
    text = (messy / "transactions" / "penjualan_2025-02.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == ";".join(SEMICOLON_HEADER)
    times = [line.split(";")[2] for line in lines[1:]]
    assert any(re.fullmatch(r"\d{2}/\d{2}/2025 \d{2}\.\d{2}", t) for t in times)
    assert any(re.fullmatch(r"\d{2}/\d{2}/2025 \d{2}\.\d{2}\.\d{2}", t) for t in times)
    assert not any(re.fullmatch(mp.CLEAN_TIME, t) for t in times)
    assert any(line.split(";")[3].startswith("Rp ") for line in lines[1:])

    _, rows = _sheet(messy / "exports" / "Rekap PEB 2025-01.xlsx")
    items = pl.read_csv(clean / "exports" / "exports_2025-01.csv", infer_schema=False)
    assert rows[0][0] == "Rekap PEB" and rows[1][0] == "Dinas Perindustrian Kota Bekasi"
    assert rows[2] == [None] * len(PEB_HEADER) and rows[3] == PEB_HEADER
    assert rows[4:-1] == [list(r) for r in items.iter_rows()]
    total = rows[-1]
    assert total[0] == "TOTAL" and total[1:8] == [None] * 7 and total[9:] == [None] * 3
    assert Decimal(total[8]).quantize(CENT) == sum(Decimal(v) for v in items["fob_value"])
    assert '<row r="4" ' in _sheet_xml(messy / "exports" / "Rekap PEB 2025-01.xlsx")  # the header on row 4


# --------------------------------------------------------------------------------------------------
# (b) rates


def _bi_rates(folder: Path) -> list[tuple[str, str, Decimal]]:
    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".xlsx":
            cur = path.stem.split()[-2]
            data = _sheet(path)[1][3:]
        else:
            cur = path.stem.split("_")[2].upper()
            data = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[3:]
        for _, unit, sell, buy, day in data:
            values = []
            for v in (sell, buy):
                d = Decimal(v)  # an xlsx number read back as float64 rounds to at most 2 decimals
                assert abs(d - d.quantize(CENT)) < Decimal("1e-6"), (path.name, v)
                values.append(d.quantize(CENT))
            m, d_, y = (int(x) for x in day.split()[0].split("/"))
            out.append((date(y, m, d_).isoformat(), cur, (values[0] + values[1]) / 2 / Decimal(unit)))
    return out


def test_bi_middle_rates_are_the_clean_rates_each_once(pair: tuple[Path, Path, dict[str, int]]) -> None:
    clean, messy, _ = pair
    expected = Counter((d, c, Decimal(r)) for d, c, r in _clean_rows(clean, "fx_rates").iter_rows())
    got = _bi_rates(messy / "fx_rates")
    assert Counter(got) == expected and len(got) == len({(d, c) for d, c, _ in got})


# --------------------------------------------------------------------------------------------------
# (c) orders


def _read_orders(path: Path) -> tuple[pl.DataFrame, str]:
    """One export as (order, status, day, price, qty, total, paid, done) and how `total` relates to the lines."""
    market = path.parent.parent.name
    if market == "shopee":
        if path.suffix == ".csv":
            df = pl.read_csv(path, infer_schema=False)
        else:
            df = pl.read_excel(path, engine="calamine", infer_schema_length=0)
        newer = "Subtotal Pesanan" in df.columns
        df = df.select(order="No. Pesanan", status="Status Pesanan", day="Waktu Pesanan Dibuat",
                       price="Harga Setelah Diskon", qty="Jumlah",
                       total="Subtotal Pesanan" if newer else "Total Harga Produk", paid="Total Pembayaran",
                       done=pl.lit("Selesai"))  # fmt: skip
        df = df.with_columns(pl.col("price", "total", "paid").str.replace_all(".", "", literal=True))
        mode = "order" if newer else "line"
    elif market == "tokopedia":
        rows = _sheet(path)[1]
        df = pl.DataFrame(rows[5:], schema=rows[4], orient="row").select(
            order="Nomor Invoice", status="Status Terakhir", day="Tanggal Pembayaran", price="Harga Jual (IDR)",
            qty="Jumlah Produk Dibeli", total="Total Penjualan (IDR)", paid="Total Penjualan (IDR)",
            done=pl.lit("Pesanan Selesai"))  # fmt: skip
        mode = "order"
    else:
        df = pl.read_csv(path, infer_schema=False).slice(1)  # the description row under the header
        line = pl.col("SKU Subtotal After Discount").cast(pl.Int64)
        df = df.select(order="Order ID", status="Order Status", day="Created Time",
                       price=line // pl.col("Quantity").cast(pl.Int64), qty="Quantity", total=line,
                       paid="Order Amount", done=pl.lit("Selesai"))  # fmt: skip
        mode = "line"
    return df.with_columns(pl.col("price", "qty", "total", "paid").cast(pl.Int64)), mode


def _iso_day(text: str) -> str:
    """'2025-01-05 10:11', '05-01-2025 10:11:12' or '05/01/2025 10:11:12' -> '2025-01-05'."""
    day = text.split()[0]
    return day if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else "-".join(reversed(re.split("[-/]", day)))


def _orders(folder: Path) -> tuple[Counter, int]:
    """(multiset of completed orders as (producer, local day, amount, quantity), number of excluded orders)."""
    done: Counter = Counter()
    excluded = 0
    for path in sorted(p for m in mp.MARKETPLACES for p in (folder / m).rglob("*.*")):
        df, mode = _read_orders(path)
        for (order,), lines in df.group_by("order", maintain_order=True):
            assert lines["paid"].n_unique() == 1 and lines["status"].n_unique() == 1, (path, order)
            if lines["status"][0] != lines["done"][0]:
                excluded += 1
                continue
            amount = int((lines["price"] * lines["qty"]).sum())
            if mode == "line":
                assert (lines["total"] == lines["price"] * lines["qty"]).all()
            else:
                assert lines["total"].n_unique() == 1 and lines["total"][0] == amount
            assert lines["paid"][0] >= amount
            done[(path.parent.name, _iso_day(lines["day"][0]), amount, int(lines["qty"].sum()))] += 1
    return done, excluded


def test_completed_orders_are_exactly_the_moved_sales(pair: tuple[Path, Path, dict[str, int]]) -> None:
    clean, messy, counts = pair
    before = _clean_rows(clean, "transactions")
    after = pl.concat(
        [pl.read_csv(p, infer_schema=False) for p in sorted((messy / "transactions").glob("transactions_*-??.csv"))]
        + [
            pl.read_csv(p, infer_schema=False, separator=";", new_columns=list(TRANSACTIONS.names))
            for p in sorted((messy / "transactions").glob("penjualan_*.csv"))
        ]
    )
    left = set(after.select("producer_id", "transaction_id").iter_rows())
    moved = before.filter(
        pl.Series([k not in left for k in before.select("producer_id", "transaction_id").iter_rows()])
    )
    assert moved.height == counts["orders"] > 0 and set(moved["channel"]) == {"marketplace"}
    assert before.height - moved.height == after.height
    expected = Counter(
        (p, mp.local_time(at).date().isoformat(), int(a), int(q))
        for p, at, a, q in moved.select("producer_id", "occurred_at", "amount_idr", "quantity").iter_rows()
    )
    done, excluded = _orders(messy / "transactions")
    assert done == expected
    assert excluded == counts["orders_excluded"]
    # The koreksi files are untouched, and so are the rows of the producers' other sales.
    for path in (clean / "transactions").glob("*_koreksi.csv"):
        assert (messy / "transactions" / path.name).read_bytes() == path.read_bytes()


def test_split_lines_add_up() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    for amount, qty in [(1000, 1), (1000, 3), (75_500, 7), (1_250_000, 2), (3_400_000, 10), (999_500, 13)]:
        for _ in range(50):
            lines = mp.split(rng, amount, qty)
            assert 1 <= len(lines) <= 3 and all(p > 0 and q > 0 for p, q in lines)
            assert sum(p * q for p, q in lines) == amount and sum(q for _, q in lines) == qty


def test_semicolon_files_read_to_the_same_rows(pair: tuple[Path, Path, dict[str, int]]) -> None:
    from messy import read_file

    from pipelines.ingest.parse import type_rows

    clean, messy, _ = pair

    def typed(path: Path) -> pl.DataFrame:
        df = type_rows(read_file(path, TRANSACTIONS).frame.collect(), TRANSACTIONS)
        cols = [f"__{n}" for n in TRANSACTIONS.names]
        return df.select("_key", *cols, "__occurred_at_utc", bad=pl.col("_reason").is_not_null())

    for path in sorted((messy / "transactions").glob("penjualan_*.csv")):
        got = typed(path)
        want = typed(clean / "transactions" / path.name.replace("penjualan", "transactions"))
        want = want.filter(pl.col("_key").is_in(got["_key"].implode()) | pl.col("_key").is_null())
        assert want.sort(pl.all()).equals(got.sort(pl.all()))


# --------------------------------------------------------------------------------------------------
# (d) determinism


def test_same_seed_gives_byte_identical_messy_folders(tmp_path: Path, pair: tuple[Path, Path, dict]) -> None:
    _, messy, counts = pair
    _, again, counts_again = _pair(tmp_path)
    a, b = _files(messy), _files(again)
    assert a.keys() == b.keys() and counts == counts_again
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes(), name
        assert a[name].stat().st_mtime == b[name].stat().st_mtime, name


def test_messify_refuses_a_folder_without_a_sample(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no clean sample"):
        messify(tmp_path, 0)


# --------------------------------------------------------------------------------------------------
# End to end: the real pipeline gives the same marts for both


def _marts(data: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list, dict]:
    from helpers import build, ingest, query

    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text((Path(__file__).parent.parent / "dagster.yaml").read_text())
    monkeypatch.setenv("SENTRA_DATA_DIR", str(data))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    meta = ingest()
    build(START.isoformat(), END.isoformat())
    build(START.isoformat(), END.replace(day=1).isoformat(), "month")
    days = query("SELECT date, turnover_idr, transactions FROM marts.daily_turnover ORDER BY 1")
    months = query("SELECT month, export_value_idr, export_value_usd, items FROM marts.monthly_export_value ORDER BY 1")
    return days, months, meta


def test_messy_sample_gives_the_clean_marts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers import query

    clean, messy = tmp_path / "clean" / "landing", tmp_path / "messy" / "landing"
    generate(clean, START, END, PRODUCERS, SEED, DIRTY)
    generate(messy, START, END, PRODUCERS, SEED, DIRTY)
    counts = messify(messy, SEED)
    days, months, _ = _marts(clean.parent, tmp_path / "clean_home", monkeypatch)
    messy_days, messy_months, meta = _marts(messy.parent, tmp_path / "messy_home", monkeypatch)
    assert len(days) == (END - START).days + 1 and len(months) == 2
    rejected = {s: meta[f"raw_{s}"]["files_rejected"] for s in ("fx_rates", "transactions", "exports")}
    assert rejected == dict.fromkeys(rejected, 0), query("SELECT name, reason FROM raw.rejected_files")
    assert meta["raw_transactions"]["rows_excluded"] == counts["orders_excluded"]
    assert messy_days == days
    assert messy_months == months
