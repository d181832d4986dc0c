"""Tier 2: files in real third-party layouts (`tests/layouts.py`) ingest to the truth their writers state.

Bank Indonesia's rate downloads give the middle rates exactly; marketplace order exports give the turnover
of their sales per local day; damaged files (a US-locale spreadsheet re-save, dates written both ways) are
refused with their reason; ragged and implausible rows are quarantined, the rest accepted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import layouts
import pytest
from helpers import build, ingest, query
from layouts import Order, Rates, Refused, SalesTruth

TIER = "pipeline"  # tests/conftest.py: the runner's tiers

# Seven producers, so every marketplace export lands in a producer's own folder.
REGISTRY = [
    [f"P{i}", f"IKM Uji {i}", f"12345678901{i:02d}", kecamatan, "", category, "32400", "2020-01-01", "ya"]
    for i, kecamatan, category in (
        (1, "Bekasi Barat", "boneka"),
        (2, "Rawalumbu", "ikan_hias"),
        (3, "Bekasi Timur", "boneka"),
        (4, "Jatiasih", "boneka"),
        (5, "Medan Satria", "boneka"),
        (6, "Pondok Gede", "boneka"),
        (7, "Bekasi Utara", "boneka"),
    )
]


def _use_settings(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    """Set SENTRA_INGEST (None: clear it, so the defaults apply); `ingest()` reads it when it runs."""
    if value is None:
        monkeypatch.delenv("SENTRA_INGEST", raising=False)
    else:
        monkeypatch.setenv("SENTRA_INGEST", value)


@pytest.fixture
def landing(isolated: Path, write_landing) -> Path:
    write_landing("producers", "p.csv", REGISTRY)
    return isolated / "landing"


RATES_SQL = {
    "raw": "SELECT date, currency, rate_idr FROM raw.fx_rates WHERE _is_current",
    "stg": "SELECT date, currency, rate_idr FROM stg.fx_rates",
}


def _rates(layer: str = "raw") -> Rates:
    """(date, currency) -> rate_idr of the current rates in a layer, compared as numbers (any DECIMAL scale)."""
    rows = query(RATES_SQL[layer])
    out = {(d, c): Decimal(str(r)) for d, c, r in rows}
    assert len(out) == len(rows), f"{layer}: more than one rate for a (date, currency): {rows}"
    return out


def _file_notes(source: str) -> dict[str, str]:
    return {n: notes or "" for n, notes in query("SELECT name, notes FROM raw.files WHERE source = ?", [source])}


def _assert_refused(landing: Path, refused: Refused, *phrases: str) -> str:
    """The file moved to landing/rejected/<source>/ beside its .error.txt, and recorded in raw.rejected_files,
    each saying every phrase. Returns the recorded reason."""
    relative = refused.path.relative_to(landing)
    source = relative.parts[0]
    name = relative.relative_to(source).as_posix()
    moved = landing / "rejected" / source / refused.path.name
    assert not refused.path.exists() and moved.exists(), f"{relative} was not moved to {moved}"
    error = moved.with_name(moved.name + ".error.txt").read_text(encoding="utf-8")
    reasons = [
        r for (r,) in query("SELECT reason FROM raw.rejected_files WHERE source = ? AND name = ?", [source, name])
    ]
    assert len(reasons) == 1, f"{name}: raw.rejected_files has {reasons}"
    indonesian, _, english, _ = error.split("\n\n")  # each language: the reason, then what to do
    assert indonesian.startswith(f"{refused.path}: ") and indonesian != english, error
    for phrase in phrases:
        assert phrase in english, (phrase, error)
        assert phrase in reasons[0], (phrase, reasons[0])
    return reasons[0]


def _raw_days(producer: str | None = None) -> dict[date, tuple[int, int]]:
    """Accepted transactions (of one producer, or all): local day -> (turnover, sales)."""
    rows = query(
        "SELECT local_date, sum(amount_idr)::BIGINT, count(*) FROM raw.transactions "
        "WHERE _is_current AND (?::VARCHAR IS NULL OR producer_id = ?) GROUP BY 1",
        [producer, producer],
    )
    return {d: (t, n) for d, t, n in rows}


def _days(outcome: SalesTruth) -> dict[date, tuple[int, int]]:
    return {d: (t, outcome.sales[d]) for d, t in outcome.totals.items()}


# ---- Bank Indonesia ---------------------------------------------------------------------------------


def test_bi_kurs_transaksi_xlsx_and_its_csv_give_the_exact_middle_rates(landing: Path) -> None:
    usd = layouts.bi_kurs_transaksi_xlsx(landing, "USD", layouts.BI_USD)
    jpy = layouts.bi_kurs_transaksi_csv(landing, "JPY", layouts.BI_JPY)
    # The writers' stated truth, per single unit (the yen is quoted per 100).
    assert usd == {(d, "USD"): m for d, m in layouts.BI_USD_MID.items()}
    assert jpy == {(d, "JPY"): m for d, m in layouts.BI_JPY_MID.items()}
    meta = ingest()["raw_fx_rates"]
    counts = (meta["files_ingested"], meta["files_rejected"], meta["rows_accepted"], meta["rows_quarantined"])
    assert counts == (2, 0, len(usd) + len(jpy), 0), meta
    notes = _file_notes("fx_rates")
    assert "month first" in notes[layouts.BI_FILE], notes
    assert "currency USD from its title" in notes[layouts.BI_FILE], notes
    assert "month first" in notes["Kurs Transaksi BI.csv"], notes
    assert "currency JPY from its title" in notes["Kurs Transaksi BI.csv"], notes
    assert _rates() == usd | jpy
    assert _rates("stg") == usd | jpy


def test_the_currency_comes_from_the_sheet_or_file_name_and_a_file_naming_none_is_refused(landing: Path) -> None:
    expected = layouts.bi_currency_in_sheet(landing) | layouts.bi_currency_in_file_name(landing)
    refused = layouts.bi_no_currency(landing)
    meta = ingest()["raw_fx_rates"]
    assert (meta["files_ingested"], meta["files_rejected"], meta["rows_accepted"]) == (2, 1, len(expected)), meta
    assert _rates() == expected
    notes = _file_notes("fx_rates")
    assert "currency USD from its sheet's name" in notes["Kurs Transaksi BI (1).xlsx"], notes
    assert "currency SGD from its file name" in notes["kurs_transaksi_sgd.xlsx"], notes
    _assert_refused(landing, refused, "no currency column")


def test_bi_dates_no_value_settles_are_read_month_first(landing: Path) -> None:
    expected = layouts.bi_all_ambiguous(landing)
    assert {d for d, _ in expected} == {date(2025, 2, d) for d in range(3, 8)}
    meta = ingest()["raw_fx_rates"]
    assert (meta["rows_accepted"], meta["rows_quarantined"]) == (len(expected), 0), meta
    assert _rates() == expected == {(d, "USD"): m for d, m in layouts.BI_AMBIGUOUS_MID.items()}
    note = _file_notes("fx_rates")["Kurs Transaksi BI (2).xlsx"]
    assert "month first" in note and "no value settles it" in note, note


def test_jisdor_xlsx_gives_the_dollar_rate_of_each_day(landing: Path) -> None:
    expected = layouts.jisdor_xlsx(landing)
    meta = ingest()["raw_fx_rates"]
    assert (meta["files_ingested"], meta["rows_accepted"], meta["rows_quarantined"]) == (1, len(expected), 0), meta
    assert _rates() == expected
    assert _rates("stg") == expected
    assert "currency USD" in _file_notes("fx_rates")["JISDOR.xlsx"]


# ---- marketplace order exports ------------------------------------------------------------------------

Writer = Callable[[Path, str], SalesTruth]
# case -> (writer, producer, its orders, the statuses that are sales, the transaction_id prefix)
MARKETPLACES: dict[str, tuple[Writer, str, list[Order], set[str], str]] = {
    "shopee old form": (layouts.shopee_old, "P3", layouts.SHOPEE_ORDERS, layouts.SHOPEE_SALE, "SHOPEE"),
    "shopee new form": (layouts.shopee_new, "P4", layouts.SHOPEE_ORDERS, layouts.SHOPEE_SALE, "SHOPEE"),
    "tokopedia": (layouts.tokopedia, "P5", layouts.TOKOPEDIA_ORDERS, layouts.TOKOPEDIA_SALE, "TOKOPEDIA"),
    "tiktok": (layouts.tiktok, "P6", layouts.TIKTOK_ORDERS, layouts.TIKTOK_SALE, "TIKTOK"),
}
EXPECTED = {
    "shopee old form": layouts.SHOPEE_EXPECTED,
    "shopee new form": layouts.SHOPEE_EXPECTED,
    "tokopedia": layouts.TOKOPEDIA_EXPECTED,
    "tiktok": layouts.TIKTOK_EXPECTED,
}


@pytest.mark.parametrize("case", list(MARKETPLACES))
def test_marketplace_exports_give_the_turnover_of_their_sales_per_local_day(case: str, landing: Path) -> None:
    writer, producer, orders, sale, prefix = MARKETPLACES[case]
    outcome = writer(landing, producer)
    assert outcome == EXPECTED[case]  # the writer's truth: Σ price after discount × quantity, no shipping
    meta = ingest()["raw_transactions"]
    counts = (meta["files_ingested"], meta["files_rejected"], meta["rows_accepted"], meta["rows_excluded"])
    assert counts == (1, 0, outcome.accepted, outcome.excluded), meta
    assert meta["rows_quarantined"] == 0, meta
    assert _raw_days(producer) == _days(outcome)
    days = sorted(outcome.totals)
    build(days[0].isoformat(), days[-1].isoformat())
    daily = query("SELECT date, turnover_idr, transactions FROM marts.daily_turnover ORDER BY 1")
    assert daily == [(d, outcome.totals[d], outcome.sales[d]) for d in days]
    # Orders that are not sales are kept aside, each with its status in the reason.
    kept_aside = {o[0]: o[1] for o in orders if o[1] not in sale}
    excluded = query("SELECT reason, record FROM raw.excluded WHERE source = 'transactions'")
    found = {json.loads(record)["transaction_id"]: reason for reason, record in excluded}
    assert set(found) == {f"{prefix}-{number}" for number in kept_aside}, found
    for number, status in kept_aside.items():
        reason = found[f"{prefix}-{number}"]
        assert f"'{status}'" in reason and "not a sale" in reason, reason


# ---- a US-locale spreadsheet re-save -------------------------------------------------------------------

US_ROUNDTRIPS: dict[str, Callable[[Path, str], Refused]] = {
    "amounts, resi and times": layouts.shopee_us_roundtrip,
    "amounts only": layouts.shopee_us_amounts_only,
    "resi only": layouts.shopee_us_resi_only,
}


def test_a_shopee_export_saved_again_by_a_us_locale_spreadsheet_is_refused(landing: Path) -> None:
    refused = {case: write(landing, "P7") for case, write in US_ROUNDTRIPS.items()}
    meta = ingest()["raw_transactions"]
    assert (meta["files_ingested"], meta["files_rejected"]) == (0, len(refused)), meta
    assert (meta["rows_read"], meta["rows_accepted"], meta["rows_quarantined"], meta["rows_excluded"]) == (0, 0, 0, 0)
    for case, r in refused.items():
        phrase = "saved again in a spreadsheet" if "amounts" in r.why else "scientific notation"
        reason = _assert_refused(landing, r, phrase)
        # The run summary says it too.
        assert any(reason in shown for shown in meta["rejected"]), (case, meta["rejected"])
    assert query("SELECT count(*) FROM raw.transactions") == [(0,)]
    assert query("SELECT count(*) FROM quarantine.transactions") == [(0,)]
    assert query("SELECT count(*) FROM raw.excluded") == [(0,)]


# ---- dates: day first, month first, both, neither -----------------------------------------------------

_ORDER_WORD = {"day first": "day first", "month first": "month first", "all ambiguous": "day first"}


@pytest.mark.parametrize("case", list(layouts.DATE_CASES))
def test_the_date_order_of_a_column_is_proved_by_its_values_or_else_our_layouts_day_first(
    case: str, landing: Path
) -> None:
    expected = layouts.date_case(landing, case)
    meta = ingest()["raw_transactions"]
    if isinstance(expected, Refused):
        assert (meta["files_ingested"], meta["files_rejected"]) == (0, 1), meta
        _assert_refused(landing, expected, "day first", "month first")
        assert query("SELECT count(*) FROM raw.transactions") == [(0,)]
        return
    assert (meta["rows_accepted"], meta["rows_quarantined"]) == (expected.accepted, 0), meta
    assert _raw_days() == _days(expected)
    (note,) = _file_notes("transactions").values()
    assert f"dates read {_ORDER_WORD[case]}" in note, note
    if case == "all ambiguous":
        assert "no value settles it" in note and "Sentra's own transactions layout" in note, note


def test_a_folders_date_order_setting_reads_dates_no_value_settles_month_first(
    landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_settings(monkeypatch, '{"date_order": {"transactions": "mdy"}}')
    texts, _ = layouts.DATE_CASES["all ambiguous"]
    layouts.tx_dates(landing, "all_ambiguous", texts)  # '03/04/2025', '04/03/2025'
    meta = ingest()["raw_transactions"]
    assert (meta["rows_accepted"], meta["rows_quarantined"]) == (2, 0), meta
    assert _raw_days() == {date(2025, 3, 4): (100_000, 1), date(2025, 4, 3): (200_000, 1)}
    (note,) = _file_notes("transactions").values()
    assert "dates read month first" in note and "the folder's date_order setting" in note, note


# ---- ragged lines and implausible amounts ---------------------------------------------------------------


def test_a_ragged_line_is_quarantined_with_its_line_number_and_the_rest_accepted(landing: Path) -> None:
    expected = layouts.tx_ragged(landing)
    meta = ingest()["raw_transactions"]
    counts = (meta["files_ingested"], meta["files_rejected"], meta["rows_accepted"], meta["rows_quarantined"])
    assert counts == (1, 0, expected.accepted, len(expected.quarantined)), meta
    assert _raw_days() == _days(expected)
    quarantined = query("SELECT _line, transaction_id, reason FROM quarantine.transactions ORDER BY 1")
    assert [(line, t) for line, t, _ in quarantined] == [(4, "G3")]
    reason = quarantined[0][2]
    # The line, and the value beyond the header's seven fields.
    assert "line 4" in reason and "'tunai'" in reason, reason


def test_implausible_amounts_are_quarantined_with_the_bound_they_break(
    landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_settings(monkeypatch, None)  # the default bounds: Rp1.000 … Rp10 miliar per sale
    implausible = layouts.tx_implausible(landing)
    meta = ingest()["raw_transactions"]
    plausible = layouts.IMPLAUSIBLE_PLAUSIBLE
    assert (meta["rows_accepted"], meta["rows_quarantined"]) == (plausible.accepted, len(implausible)), meta
    assert _raw_days() == _days(plausible)
    quarantined = query("SELECT _line, transaction_id, reason FROM quarantine.transactions ORDER BY 1")
    assert [(line, t) for line, t, _ in quarantined] == [(line, t) for line, (t, _) in sorted(implausible.items())]
    (low, high) = (reason for _, _, reason in quarantined)
    assert "plausible minimum" in low and "plausible maximum" not in low, low
    assert "plausible maximum" in high and "plausible minimum" not in high, high


def test_a_day_whose_every_row_is_quarantined_builds_and_says_so(write_landing, isolated, monkeypatch) -> None:
    monkeypatch.delenv("SENTRA_INGEST")  # the default bounds: Rp500 is below the plausible minimum
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [["a", "P1", "2025-03-01T10:00", 500, 1, "", "tunai"]])
    assert ingest()["raw_transactions"]["rows_quarantined"] == 1
    result = build("2025-03-01", "2025-03-01")
    assert result.success  # no row to stage: every declared check still reports, none is left unanswered
    staged = [e for e in result.get_asset_check_evaluations() if e.asset_key.to_user_string() == "stg_transactions"]
    assert staged and all(e.passed for e in staged if e.check_name != "quarantine_share")
