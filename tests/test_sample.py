"""Tests for the sample landing-file generator (pipelines.sample)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from models import codes
from models.contracts import CONTRACTS
from pipelines.sample.generate import generate

TIER = "pure"  # tests/conftest.py: the runner's tiers

START, END = date(2025, 2, 1), date(2025, 3, 31)  # covers Ramadan 2025 and Lebaran (2025-03-31)
MONTHS = ("2025-02", "2025-03")

COLUMNS = {
    "producers": [
        "producer_id",
        "name",
        "nib",
        "kecamatan",
        "kelurahan",
        "category",
        "kbli",
        "registered_on",
        "exporter",
    ],
    "transactions": [
        "transaction_id",
        "producer_id",
        "occurred_at",
        "amount_idr",
        "quantity",
        "category",
        "channel",
    ],
    "exports": [
        "peb_number",
        "peb_date",
        "producer_id",
        "hs_code",
        "description",
        "quantity",
        "unit",
        "net_weight_kg",
        "fob_value",
        "currency",
        "destination_country",
        "port_of_loading",
    ],
    "fx_rates": ["date", "currency", "rate_idr"],
}
KBLI = {
    "boneka": "32400",
    "ikan_hias": "03225",
    "makanan": "10792",
    "konveksi": "14111",
    "kerajinan": "32909",
    "furnitur": "31001",
    "lainnya": "47999",
}
DIRTY_KINDS = (
    "dirty_duplicates_same_file",
    "dirty_duplicates_later_file",
    "dirty_corrections",
    "dirty_unknown_producers",
    "dirty_bad_amounts",
    "dirty_bad_dates",
    "dirty_exports_unknown_producer",
    "dirty_exports_zero_fob",
)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|\+07:00)?$")
DECIMAL2 = re.compile(r"^\d+(\.\d{1,2})?$")


# --- helpers


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _read_all(root: Path, source: str, pattern: str = "*.csv") -> pl.DataFrame:
    files = sorted((root / source).glob(pattern))
    return pl.concat([_read(f).with_columns(_file=pl.lit(f.name)) for f in files])


def _regular_transactions(root: Path) -> pl.DataFrame:
    return _read_all(root, "transactions", "transactions_????-??.csv")


def _with_local_time(df: pl.DataFrame) -> pl.DataFrame:
    """Local Asia/Jakarta time of occurred_at: no suffix and +07:00 are local, Z is UTC."""
    ts = pl.col("occurred_at").str.replace(r"(Z|\+07:00)$", "").str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False)
    is_utc = pl.col("occurred_at").str.ends_with("Z")
    return df.with_columns(_ts=ts).with_columns(
        local=pl.when(is_utc).then(pl.col("_ts") + pl.duration(hours=7)).otherwise(pl.col("_ts"))
    )


def _fx(root: Path) -> pl.DataFrame:
    return _read_all(root, "fx_rates").with_columns(pl.col("date").str.to_date(), pl.col("rate_idr").cast(pl.Float64))


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.csv"))}


def _mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*.csv"))}


# --- fixtures


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("dirty")
    return root, generate(root, START, END, producers=50, seed=1, dirty_rate=0.05)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("clean")
    return root, generate(root, START, END, producers=50, seed=1, dirty_rate=0.0)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A full year at the reference size (300 producers); takes about a second."""
    root = tmp_path_factory.mktemp("year")
    return root, generate(root, date(2025, 1, 1), date(2025, 12, 31), producers=300, seed=0, dirty_rate=0.0)


# --- arguments


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": date(2025, 3, 1), "end": date(2025, 2, 1)}, "after end"),
        ({"producers": 0}, "producers"),
        ({"dirty_rate": -0.01}, "dirty_rate"),
        ({"dirty_rate": 0.51}, "dirty_rate"),
        ({"seed": -1}, "seed"),
    ],
)
def test_rejects_bad_arguments(tmp_path: Path, kwargs: dict, message: str) -> None:
    args = {"start": START, "end": END} | kwargs
    with pytest.raises(ValueError, match=message):
        generate(tmp_path, **args)


# --- determinism


def test_same_seed_gives_identical_files_and_mtimes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    counts_a = generate(a, START, END, producers=40, seed=7, dirty_rate=0.05)
    counts_b = generate(b, START, END, producers=40, seed=7, dirty_rate=0.05)
    generate(c, START, END, producers=40, seed=8, dirty_rate=0.05)
    assert counts_a == counts_b
    assert _files(a) == _files(b)
    assert _mtimes(a) == _mtimes(b)
    files_a, files_c = _files(a), _files(c)
    assert any(files_a[name] != files_c.get(name) for name in files_a)


# --- layout


def test_files_and_columns(dirty: tuple[Path, dict[str, int]]) -> None:
    root, _ = dirty
    names = set(_files(root))
    assert "producers/producers.csv" in names
    assert "fx_rates/fx_rates_2025.csv" in names
    for month in MONTHS:
        assert f"transactions/transactions_{month}.csv" in names
        assert f"exports/exports_{month}.csv" in names
    assert any(n.endswith("_koreksi.csv") for n in names)
    for name in names:
        source = name.split("/")[0]
        header = (root / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == COLUMNS[source], name
        assert header == list(CONTRACTS[source].names), name


def test_counts_match_files(dirty: tuple[Path, dict[str, int]]) -> None:
    root, counts = dirty
    for source in ("producers", "transactions", "exports", "fx_rates"):
        assert counts[source] == _read_all(root, source).height, source
    # The duplicates it reports are the extra copies of whole rows in the monthly files, no more, no fewer.
    t = _regular_transactions(root).drop("_file")
    assert t.height - t.unique().height == counts["dirty_duplicates"] > 0


def test_mtimes_follow_ingest_order(dirty: tuple[Path, dict[str, int]]) -> None:
    root, _ = dirty
    m = _mtimes(root)
    fx = [m[n] for n in m if n.startswith("fx_rates/")]
    regular = [m[f"{s}/{s}_{month}.csv"] for month in MONTHS for s in ("transactions", "exports")]
    koreksi = [m[n] for n in sorted(m) if n.endswith("_koreksi.csv")]
    assert m["producers/producers.csv"] < min(fx)
    assert max(fx) < min(regular)
    assert regular == sorted(regular) and len(set(regular)) == len(regular)
    assert koreksi and min(koreksi) > max(regular)
    assert koreksi == sorted(koreksi)


# --- producers


def test_producers_are_valid(clean: tuple[Path, dict[str, int]]) -> None:
    root, counts = clean
    p = _read(root / "producers" / "producers.csv")
    assert p.height == counts["producers"] == 50
    assert p["producer_id"].str.contains(r"^BKS-\d{4}$").all() and p["producer_id"].is_unique().all()
    assert p["nib"].str.contains(r"^\d{13}$").all() and p["nib"].is_unique().all()
    assert p["kbli"].str.contains(r"^\d{5}$").all()
    assert (p["kbli"] == p["category"].replace_strict(KBLI)).all()
    assert p["category"].is_in(codes.CATEGORIES).all()
    assert set(p["kecamatan"]) == set(codes.KECAMATAN)  # all 12 used
    assert p["kelurahan"].str.len_chars().min() > 0
    assert (p["registered_on"].str.to_date() < START).all()
    assert set(p["exporter"]) == {"true", "false"}
    exporters = p.filter(pl.col("exporter") == "true")
    assert set(exporters["category"]) <= {"ikan_hias", "boneka"}
    assert "ikan_hias" in set(exporters["category"])


def test_reference_registry_mix(year: tuple[Path, dict[str, int]]) -> None:
    root, _ = year
    p = _read(root / "producers" / "producers.csv")
    assert 25 <= (p["exporter"] == "true").sum() <= 35
    shares = p["category"].value_counts(sort=True)
    assert shares["category"][0] == "makanan"
    assert set(shares["category"]) == set(codes.CATEGORIES)


# --- transactions


def test_clean_transactions_are_valid(clean: tuple[Path, dict[str, int]]) -> None:
    root, counts = clean
    producers = _read(root / "producers" / "producers.csv")["producer_id"]
    t = _with_local_time(_regular_transactions(root))
    assert t.height == counts["transactions"] == counts["transactions_clean"]
    assert t["producer_id"].is_in(producers.implode()).all()
    assert t["occurred_at"].str.contains(ISO.pattern).all()
    assert t["local"].null_count() == 0
    assert t["local"].dt.date().is_between(START, END).all()
    # Each row sits in the file of its local month.
    assert (("transactions_" + t["local"].dt.strftime("%Y-%m") + ".csv") == t["_file"]).all()
    amount = t["amount_idr"].cast(pl.Int64)
    assert (amount > 0).all()
    assert (t["quantity"].cast(pl.Int64) >= 1).all()
    assert t["channel"].str.to_lowercase().is_in(codes.CHANNELS).all()
    explicit = t["category"].drop_nulls()
    assert 0 < explicit.len() < t.height / 2  # mostly empty, sometimes given
    assert explicit.str.to_lowercase().is_in(codes.CATEGORIES).all()
    assert t.select(pl.struct("producer_id", "transaction_id").is_unique().all()).item()
    assert set(t["channel"].str.to_lowercase()) == set(codes.CHANNELS)


def test_timestamp_styles_and_hours(clean: tuple[Path, dict[str, int]]) -> None:
    root, _ = clean
    t = _with_local_time(_regular_transactions(root))
    z = t["occurred_at"].str.ends_with("Z").mean()
    plus = t["occurred_at"].str.ends_with("+07:00").mean()
    assert 0.005 < z < 0.1
    assert 0.03 < plus < 0.3
    assert t["local"].dt.hour().is_between(8, 20).mean() > 0.75  # mostly business hours
    # Some "Z" rows fall on the previous UTC date, including late-evening/early-morning sales.
    crosses = t.filter(pl.col("occurred_at").str.ends_with("Z") & (pl.col("_ts").dt.date() < pl.col("local").dt.date()))
    assert crosses.height > 0


def test_daily_coverage(clean: tuple[Path, dict[str, int]]) -> None:
    root, _ = clean
    t = _with_local_time(_regular_transactions(root))
    share = t.group_by(pl.col("local").dt.date()).agg(pl.col("producer_id").n_unique() / 50)["producer_id"]
    assert 0.5 <= share.mean() <= 0.8


def test_year_turnover_is_plausible(year: tuple[Path, dict[str, int]]) -> None:
    root, counts = year
    assert 150_000 <= counts["transactions"] <= 400_000
    t = _with_local_time(_regular_transactions(root))
    daily = t.group_by(pl.col("local").dt.date().alias("d")).agg(pl.col("amount_idr").cast(pl.Int64).sum())
    assert daily.height == 365
    assert 60e6 <= daily["amount_idr"].mean() <= 150e6


def test_year_seasonality(year: tuple[Path, dict[str, int]]) -> None:
    root, _ = year
    cats = _read(root / "producers" / "producers.csv").select("producer_id", pl.col("category").alias("pc"))
    t = _with_local_time(_regular_transactions(root)).join(cats, on="producer_id")
    daily = t.group_by(pl.col("local").dt.date().alias("d")).agg(
        total=pl.col("amount_idr").cast(pl.Int64).sum(),
        food=pl.col("amount_idr").cast(pl.Int64).filter(pl.col("pc") == "makanan").sum(),
    )
    lebaran = date(2025, 3, 31)
    normal = daily.filter(pl.col("d").is_between(date(2025, 5, 1), date(2025, 8, 31)))
    pre = daily.filter(pl.col("d").is_between(lebaran - timedelta(days=10), lebaran - timedelta(days=1)))
    after = daily.filter(pl.col("d").is_between(lebaran, lebaran + timedelta(days=2)))
    assert pre["food"].mean() > 1.3 * normal["food"].mean()
    assert pre["total"].mean() > 1.15 * normal["total"].mean()
    assert after["total"].mean() < 0.6 * normal["total"].mean()
    weekday = normal.with_columns(wd=pl.col("d").dt.weekday())
    weekend = weekday.filter(pl.col("wd") >= 6)["food"].mean()
    friday = weekday.filter(pl.col("wd") == 5)["food"].mean()
    assert weekend > friday


# --- exports


def test_clean_exports_are_valid(clean: tuple[Path, dict[str, int]]) -> None:
    root, _ = clean
    p = _read(root / "producers" / "producers.csv")
    e = _read_all(root, "exports")
    assert e.height > 0
    exporters = p.filter(pl.col("exporter") == "true")["producer_id"]
    assert e["producer_id"].is_in(exporters.implode()).all()
    assert e["peb_number"].str.contains(r"^PEB-\d{4}-\d{6}$").all()
    assert (e["peb_number"].str.slice(4, 4) == e["peb_date"].str.slice(0, 4)).all()
    assert e["peb_date"].str.to_date().is_between(START, END).all()
    hs = e["hs_code"].str.replace_all(".", "", literal=True)
    assert hs.str.contains(r"^(\d{8}|\d{10})$").all()
    items = e.with_columns(hs=hs)
    assert items.select(pl.struct("peb_number", "hs").is_unique().all()).item()
    per_peb = items.group_by("peb_number").len()["len"]
    assert per_peb.min() >= 1 and per_peb.max() <= 3
    for col in ("quantity", "net_weight_kg", "fob_value"):
        assert e[col].str.contains(DECIMAL2.pattern).all(), col
        assert (e[col].cast(pl.Float64) > 0).all(), col
    assert e["currency"].is_in(sorted(codes.CURRENCIES)).all()
    assert e["destination_country"].is_in(sorted(codes.COUNTRIES)).all()
    assert e["port_of_loading"].str.contains(r"^[A-Z]{2}[A-Z2-9]{3}$").all()
    fish = e.filter(hs.str.starts_with("0301"))
    assert fish.height > 0
    assert (fish["unit"] == "EKOR").all() and (fish["port_of_loading"] == "IDCGK").all()
    dolls = e.filter(hs.str.starts_with("9503"))
    assert (dolls["unit"] == "PCS").all() and (dolls["port_of_loading"] == "IDTPP").all()


def test_year_exports_mix_and_monthly_value(year: tuple[Path, dict[str, int]]) -> None:
    root, _ = year
    fx = _fx(root).sort("date")
    e = (
        _read_all(root, "exports")
        .with_columns(pl.col("peb_date").str.to_date(), fob=pl.col("fob_value").cast(pl.Float64))
        .sort("peb_date")
        .join_asof(
            fx,
            left_on="peb_date",
            right_on="date",
            by="currency",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(
            idr=pl.when(pl.col("currency") == "IDR").then(pl.col("fob")).otherwise(pl.col("fob") * pl.col("rate_idr"))
        )
    )
    assert e["idr"].null_count() == 0  # every non-IDR item has a rate on or before its date
    monthly = e.group_by(pl.col("peb_date").dt.month()).agg(pl.col("idr").sum())["idr"]
    assert monthly.len() == 12
    assert monthly.min() >= 8e9 and monthly.max() <= 25e9
    heading = e["hs_code"].str.replace_all(".", "", literal=True).str.slice(0, 4)
    value = e["idr"]
    fish_share = value.filter(heading == "0301").sum() / value.sum()
    doll_share = value.filter(heading == "9503").sum() / value.sum()
    assert fish_share > 0.7
    assert 0.03 < doll_share < 0.2
    currencies = e["currency"].value_counts(sort=True)
    assert currencies["currency"][0] == "USD"
    assert {"EUR", "SGD", "JPY", "IDR"} <= set(currencies["currency"])
    assert {"CN", "SG", "JP", "US"} <= set(e["destination_country"])


# --- fx rates


def test_fx_rates_only_on_business_days(clean: tuple[Path, dict[str, int]]) -> None:
    root, counts = clean
    fx = _fx(root)
    assert fx.height == counts["fx_rates"]
    assert (fx["date"].dt.weekday() <= 5).all()
    holidays = {date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 1)}
    assert not fx["date"].is_in(sorted(holidays)).any()
    assert START - timedelta(days=10) <= fx["date"].min() <= START - timedelta(days=5)
    assert fx["date"].max() <= END
    per_day = fx.group_by("date").agg(pl.col("currency").sort())
    assert (per_day["currency"].list.len() == 5).all()
    assert set(fx["currency"]) == {"USD", "EUR", "SGD", "JPY", "CNY"}
    assert fx["currency"].is_in(sorted(codes.CURRENCIES)).all()
    assert fx.select(pl.struct("date", "currency").is_unique().all()).item()
    usd = fx.filter(pl.col("currency") == "USD")["rate_idr"]
    jpy = fx.filter(pl.col("currency") == "JPY")["rate_idr"]
    assert usd.min() >= 15_500 and usd.max() <= 16_800
    assert jpy.min() >= 90 and jpy.max() <= 120


def test_fx_skips_fixed_holidays(tmp_path: Path) -> None:
    generate(tmp_path, date(2025, 8, 1), date(2026, 1, 5), producers=5, seed=2, dirty_rate=0)
    fx = _fx(tmp_path)
    assert {"fx_rates_2025.csv", "fx_rates_2026.csv"} == set(fx["_file"])
    for day in (date(2025, 8, 17), date(2025, 12, 25), date(2026, 1, 1)):
        assert not fx["date"].is_in([day]).any()
    assert (fx["date"].dt.weekday() <= 5).all()


# --- dirty rows


def test_no_dirty_rows_at_rate_zero(clean: tuple[Path, dict[str, int]]) -> None:
    root, counts = clean
    assert all(counts[k] == 0 for k in DIRTY_KINDS)
    assert counts["dirty_duplicates"] == 0
    assert counts["exports"] == counts["exports_clean"]
    assert not list((root / "transactions").glob("*_koreksi.csv"))
    t = _regular_transactions(root)
    assert not t.drop("_file").is_duplicated().any()
    e = _read_all(root, "exports")
    assert (e["fob_value"].cast(pl.Float64) > 0).all()


def test_dirty_rows_present(dirty: tuple[Path, dict[str, int]]) -> None:
    root, counts = dirty
    assert all(counts[k] > 0 for k in DIRTY_KINDS), counts
    injected = sum(counts[k] for k in DIRTY_KINDS[:6])
    assert 0.025 <= injected / counts["transactions_clean"] <= 0.1
    producers = _read(root / "producers" / "producers.csv")["producer_id"].implode()
    t = _regular_transactions(root)

    # Exact duplicates inside one file, and copies of earlier rows in a later file.
    same_file = t.filter(t.is_duplicated())
    assert same_file.height >= counts["dirty_duplicates_same_file"]
    first, later = (
        t.filter(pl.col("_file").str.contains(MONTHS[0])),
        t.filter(pl.col("_file").str.contains(MONTHS[1])),
    )
    cross = later.drop("_file").join(
        first.drop("_file").unique(), on=COLUMNS["transactions"], how="semi", nulls_equal=True
    )
    assert cross.height >= counts["dirty_duplicates_later_file"]

    # Corrections: existing key, different amount, later file.
    corr = _read_all(root, "transactions", "*_koreksi.csv")
    assert corr.height == counts["dirty_corrections"]
    joined = corr.join(
        t.unique(["producer_id", "transaction_id"]), on=["producer_id", "transaction_id"], suffix="_orig"
    )
    assert joined.height == corr.height
    assert (joined["amount_idr"] != joined["amount_idr_orig"]).all()

    unknown = t.filter(~pl.col("producer_id").is_in(producers))
    assert unknown.height == counts["dirty_unknown_producers"]
    assert unknown["producer_id"].str.contains(r"^BKS-\d+$").all()

    amounts = t["amount_idr"]
    assert {"0", "-5000", "abc"} <= set(amounts.drop_nulls())
    assert amounts.null_count() > 0
    stamps = t["occurred_at"]
    assert "kemarin" in set(stamps.drop_nulls())
    assert stamps.str.contains(r"-13-45$").any()
    assert stamps.null_count() > 0

    e = _read_all(root, "exports")
    assert (~e["producer_id"].is_in(producers)).sum() == counts["dirty_exports_unknown_producer"]
    assert (e["fob_value"].cast(pl.Float64) == 0).sum() == counts["dirty_exports_zero_fob"]
    assert e.select(pl.struct("peb_number", "hs_code").is_unique().all()).item()


# --- contract check


def test_clean_files_pass_the_parser(clean: tuple[Path, dict[str, int]]) -> None:
    """At dirty_rate 0 every row passes the contract's field rules as the ingest parser applies them."""
    from messy import read_file

    from pipelines.ingest import parse

    root, _ = clean
    for source, contract in CONTRACTS.items():
        for path in sorted((root / source).glob("*.csv")):
            typed = parse.type_rows(read_file(path, contract).frame.collect(), contract)
            bad = typed.filter(pl.col("_reason").is_not_null())
            assert bad.height == 0, f"{path.name}: {bad['_reason'].head(3).to_list()}"
