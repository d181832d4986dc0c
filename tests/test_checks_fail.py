"""Tier 2: every check can fail inside a pipeline run (docs/CHECKS.md names the test of each).

Each test builds real data through the real assets, brings about the failure the check exists for — a stale
registry, a stale staging table, a lost row, a second writer's damage — and reads the outcome back from
the run and from `quality.check_results`.
"""

from datetime import date, timedelta

import dagster as dg
import pytest
from conftest import REGISTRY
from helpers import ASSETS, DAILY, MONTHLY, build, ingest, instance, query, resources_now

from pipelines.core.config import settings
from pipelines.core.periods import range_tags
from pipelines.ingest import rowsql
from pipelines.publish import gate
from pipelines.quality.settings import QualitySettings
from pipelines.warehouse.connection import connect

TIER = "pipeline"  # tests/conftest.py: the runner's tiers

EXPORTER_NOT = ["P3", "UD Kayu", "1234567890125", "Jatiasih", "", "furnitur", "31001", "2020-01-01", "tidak"]
FX = [["2025-03-06", "USD", "16000"], ["2025-03-07", "EUR", "17500"]]


def _tx(tid: str, at: str, amount: int = 1000, producer: str = "P1") -> list:
    return [tid, producer, at, amount, 1, "", "tunai"]


def _export(peb: str, day: str, hs: str, fob: str, cur: str, producer: str = "P2") -> list:
    return [peb, day, producer, hs, "barang", "10", "EKOR", "2.5", fob, cur, "CN", "IDCGK"]


def _materialize(*names: str, first: str | None = None, last: str | None = None, grain: str = "day",
                 quality: QualitySettings | None = None) -> dg.ExecuteInProcessResult:  # fmt: skip
    """Materialize some assets (a selection, or the daily/monthly jobs' when `names` is empty)."""
    selection = dg.AssetSelection.assets(*names) if names else (DAILY if grain == "day" else MONTHLY)
    tags = range_tags(date.fromisoformat(first), date.fromisoformat(last or first), grain) if first else {}
    resources = {**resources_now(), **({"quality": quality} if quality else {})}
    return dg.materialize(ASSETS, selection=selection, instance=instance(), resources=resources, tags=tags,
                          raise_on_error=False)  # fmt: skip


def _outcome(asset: str, check: str) -> list[tuple]:
    return query("SELECT partition, passed, observed FROM quality.check_results WHERE asset = ? AND check_name = ? "
                 "ORDER BY checked_at, partition", [asset, check])  # fmt: skip


def _tamper(*statements: str) -> None:
    """What another writer, or a bug upstream, would leave in the warehouse."""
    con = connect(settings().warehouse_target)
    for statement in statements:
        con.execute(statement)
    con.close()


def _failure(result: dg.ExecuteInProcessResult | None) -> str:
    """What a blocking check stopped: the failed step's message, or (the run went on) each period the
    publication gate holds, as "check (period: observed)"; empty when nothing was stopped."""
    if result is not None and not result.success:
        return result.get_step_failure_events()[0].step_failure_data.error.message
    con = connect(settings().warehouse_target, read_only=True)
    try:
        holds = gate.held(con)
    finally:
        con.close()
    return "; ".join(f"{f.check} ({h.period or 'all'}: {f.observed})" for h in holds for f in h.failures)


def test_rows_accounted_for_fails_when_rows_of_a_file_are_not_stored(write_landing, monkeypatch) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("b", "2025-03-01T11:00", 0)])
    # A loader bug: the rows the parser rejected never reach the quarantine. The reader counted 2 records.
    rejected = rowsql.rejected
    with monkeypatch.context() as patch:
        patch.setattr(rowsql, "rejected", lambda *a, **k: f"{rejected(*a, **k)} AND false")  # selects no row
        result = _materialize("raw_producers", "raw_transactions")
    assert not result.success
    assert "rows_accounted_for failed — 1 of 1 new file(s) do not balance: t.csv (2 read, 1 stored)" in _failure(result)
    ((_, passed, _),) = _outcome("raw_transactions", "rows_accounted_for")
    assert passed is False
    assert query("SELECT count(*) FROM raw.transactions") == [(1,)]  # what was stored stays
    write_landing("transactions", "t2.csv", [_tx("c", "2025-03-02T10:00")])
    assert _materialize("raw_producers", "raw_transactions").success  # the next file balances


def test_a_stale_registry_stops_the_day_and_names_the_producers(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    ingest()
    # A new producer is registered and sells, but the registry's staging step has not run (blocked or late).
    write_landing("producers", "p-new.csv", [["P9", "UD Baru", "1234567890199", "Jatiasih", "", "makanan", "10792",
                                              "2025-01-01", "tidak"]])  # fmt: skip
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("b", "2025-03-01T11:00", 5000, "P9")])
    assert _materialize("raw_producers", "raw_transactions").success
    result = _materialize(first="2025-03-01")
    assert result.success  # the day is held, not the run
    message = _failure(result)
    assert "producer_registered (2025-03-01: 1 of 2 rows from 1 producer(s) missing from stg.producers" in message
    assert ": P9" in message
    assert query("SELECT count(*) FROM stg.transactions") == [(0,)]
    # Once the registry is staged the sale is counted: none was lost.
    assert _materialize("stg_producers").success
    assert _materialize(first="2025-03-01").success
    assert query("SELECT turnover_idr FROM marts.daily_turnover") == [(6000,)]


def test_a_stale_registry_stops_the_month_of_exports(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("fx_rates", "fx.csv", FX)
    ingest()
    write_landing("producers", "p3.csv", [EXPORTER_NOT])
    write_landing("exports", "e.csv", [_export("PEB-1", "2025-03-06", "03011100", "100", "USD", "P3")])
    assert _materialize("raw_producers", "raw_exports").success
    result = _materialize(first="2025-03-01", grain="month")
    assert "producer_registered" in _failure(result) and ": P3" in _failure(result)


def test_exporter_flagged_warns_for_exports_of_a_producer_not_registered_as_exporter(write_landing) -> None:
    write_landing("producers", "p.csv", [*REGISTRY, EXPORTER_NOT])
    write_landing("fx_rates", "fx.csv", FX)
    write_landing("exports", "e.csv", [_export("PEB-1", "2025-03-06", "03011100", "100", "USD", "P3"),
                                       _export("PEB-2", "2025-03-06", "03011100", "100", "USD")])  # fmt: skip
    ingest()
    assert _materialize(first="2025-03-01", grain="month").success  # a warning
    ((_, passed, observed),) = _outcome("stg_exports", "exporter_flagged")
    assert passed is False and observed == "1 of 2 rows from 1 producer(s) not registered as exporters: P3"


def test_local_date_consistent_fails_when_a_stored_time_disagrees_with_its_instant(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("b", "2025-03-01T23:30")])
    ingest()
    # Another writer (or a parser bug) shifts one sale's UTC instant: its local date no longer follows.
    _tamper(
        "UPDATE raw.transactions SET occurred_at_utc = occurred_at_utc + INTERVAL 1 HOUR WHERE transaction_id = 'b'"
    )
    result = _materialize(first="2025-03-01")
    assert result.success  # the day is held, not the run
    assert "local_date_consistent (2025-03-01: 1 of 2 rows disagree)" in _failure(result)


def test_rate_used_fails_when_staged_rates_lag_behind_raw(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("fx_rates", "fx.csv", FX)
    write_landing("exports", "e.csv", [_export("PEB-1", "2025-03-07", "03011100", "100", "USD")])
    ingest()
    assert _materialize(first="2025-03-01", grain="month").success
    # A corrected rate reaches raw, but the rates' staging step does not run (ingest stopped there).
    write_landing("fx_rates", "fx-fix.csv", [["2025-03-06", "USD", "16050"]])
    assert _materialize("raw_fx_rates").success
    result = _materialize(first="2025-03-01", grain="month")
    assert result.success  # the month is held
    assert "rate_used (2025-03-01: 1 of 1 rows disagree)" in _failure(result)
    assert query("SELECT export_value_idr FROM marts.monthly_export_value") == [(1_600_000,)]  # kept
    (samples,) = query("SELECT samples FROM quality.check_results WHERE check_name = 'rate_used' AND NOT passed")[0]
    assert '"rate_in_raw": "16050.000000"' in samples and '"usd_rate_used": "16000.000000"' in samples


@pytest.mark.parametrize("mart", ["daily_turnover", "daily_turnover_by_category", "daily_turnover_by_kecamatan"])
def test_reconciles_fails_when_a_daily_mart_is_built_from_stale_staging(write_landing, mart: str) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("b", "2025-03-01T11:00")])
    ingest()
    build("2025-03-01", "2025-03-01")
    write_landing("transactions", "t-fix.csv", [_tx("b", "2025-03-01T11:00", 4000)])
    ingest()
    # Only the mart is rebuilt: staging still holds the old sale, raw the corrected one.
    result = _materialize(mart, first="2025-03-01")
    assert result.success  # the day is held
    assert "reconciles (2025-03-01: mart 2000 in 2 rows; accepted rows in raw 5000 in 2)" in _failure(result)
    assert query(f"SELECT sum(turnover_idr) FROM marts.{mart}") == [(2000,)]  # noqa: S608 (the previous rows stay)


@pytest.mark.parametrize(
    "mart", ["monthly_export_value", "monthly_export_value_by_commodity", "monthly_export_value_by_destination"]
)
def test_reconciles_fails_when_a_monthly_mart_is_built_from_stale_staging(write_landing, mart: str) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("fx_rates", "fx.csv", FX)
    write_landing("exports", "e.csv", [_export("PEB-1", "2025-03-07", "03011100", "100", "USD"),
                                       _export("PEB-2", "2025-03-07", "95030010", "10", "EUR")])  # fmt: skip
    ingest()
    build("2025-03-01", "2025-03-01", "month")
    assert _outcome(mart, "reconciles")[0][1] is True
    write_landing("exports", "e-fix.csv", [_export("PEB-2", "2025-03-07", "95030010", "20", "EUR")])
    ingest()
    result = _materialize(mart, first="2025-03-01", grain="month")
    assert result.success  # the month is held
    assert "mart 1775000.00 in 2 rows; accepted rows in raw 1950000.00 in 2" in _failure(result)


def test_key_unique_fails_when_two_versions_of_a_sale_are_current(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00")])
    write_landing("transactions", "t-fix.csv", [_tx("a", "2025-03-01T10:00", 2000)])
    ingest()
    _tamper("UPDATE raw.transactions SET _is_current = true")  # a second writer undoes the supersede
    result = _materialize(first="2025-03-01")
    assert result.success and "key_unique (2025-03-01: 2 of 2 rows unexpected)" in _failure(result)
    (samples,) = query("SELECT samples FROM quality.check_results WHERE check_name = 'key_unique' AND NOT passed")[0]
    assert samples.count('"transaction_id": "a"') == 2 and '"copies": 2' in samples  # both versions, named


def test_key_unique_fails_on_both_days_when_a_sale_moved_by_a_correction_stays_current(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("b", "2025-03-01T11:00")])
    write_landing("transactions", "t-fix.csv", [_tx("a", "2025-03-02T10:00")])  # the sale was a day later
    ingest()
    _tamper("UPDATE raw.transactions SET _is_current = true")  # a second writer undoes the supersede
    assert "key_unique" in _failure(_materialize(first="2025-03-01", last="2025-03-02"))
    outcomes = {p: (ok, seen) for p, ok, seen in _outcome("stg_transactions", "key_unique")}
    assert outcomes == {date(2025, 3, 1): (False, "1 of 2 rows unexpected"),
                        date(2025, 3, 2): (False, "1 of 1 rows unexpected")}  # fmt: skip
    assert query("SELECT count(*) FROM stg.transactions") == [(0,)]  # nothing written


def test_key_unique_fails_for_the_registry_and_duplicate_nibs_warn(write_landing) -> None:
    twin = [["P3", "UD Boneka Ceria 2", "1234567890123", "Bekasi Barat", "", "boneka", "32400", "", "ya"]]
    write_landing("producers", "p.csv", REGISTRY + twin)
    ingest()
    ((_, passed, observed),) = _outcome("stg_producers", "nib_unique")
    assert passed is False and observed == "2 of 3 rows unexpected"
    write_landing("producers", "p-fix.csv", [[*REGISTRY[0][:1], "UD Boneka Ceria Baru", *REGISTRY[0][2:]]])
    assert _materialize("raw_producers").success
    _tamper("UPDATE raw.producers SET _is_current = true")
    result = _materialize("stg_producers")
    assert not result.success and "key_unique (all: 2 of 4 rows unexpected)" in _failure(result)


def test_key_unique_fails_for_rates_and_exports_when_versions_are_current(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("fx_rates", "fx.csv", FX)
    write_landing("fx_rates", "fx-fix.csv", [["2025-03-06", "USD", "16050"]])
    write_landing("exports", "e.csv", [_export("PEB-1", "2025-03-07", "03011100", "100", "USD")])
    write_landing("exports", "e-fix.csv", [_export("PEB-1", "2025-03-07", "03011100", "120", "USD")])
    ingest()
    _tamper("UPDATE raw.fx_rates SET _is_current = true", "UPDATE raw.exports SET _is_current = true")
    assert "key_unique" in _failure(_materialize("stg_fx_rates"))
    assert "key_unique (2025-03-01: 2 of 2 rows unexpected)" in _failure(
        _materialize(first="2025-03-01", grain="month")
    )


def test_volume_typical_warns_on_a_day_loaded_twice(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    days = [date(2025, 3, 3) + timedelta(days=7 * w) for w in range(5)]  # five Mondays
    rows = [_tx(f"{d}-{i}", f"{d}T10:00") for d in days[:4] for i in range(10)]
    rows += [_tx(f"{days[4]}-{i}", f"{days[4]}T10:00") for i in range(30)]  # three times the usual Monday
    write_landing("transactions", "t.csv", rows)
    ingest()
    assert _materialize(first=days[0].isoformat(), last=days[4].isoformat()).success  # a warning
    outcomes = {p: (ok, seen) for p, ok, seen in _outcome("stg_transactions", "volume_typical")}
    assert outcomes[days[4]] == (False, "30 sales against a mean of 10.0 on the same weekday before")
    assert outcomes[days[3]][0] is True
    (samples,) = query("SELECT samples FROM quality.check_results WHERE check_name = 'volume_typical' AND NOT passed")[
        0
    ]
    assert '"sales": 30' in samples and '"baseline": 10.0' in samples


def test_amount_scale_typical_warns_when_a_shops_amounts_come_in_another_unit(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    start = date(2025, 3, 1)
    rows = [_tx(f"a{d}-{i}", f"{start + timedelta(days=d)}T10:00", 99_500 + i) for d in range(7) for i in range(3)]
    rows += [_tx("b", f"{start}T10:00", 250_000, "P2")]
    # A spreadsheet round trip: Rp99.500 read as 99.5 and written back as 100 (thousands separator lost).
    rows += [_tx(f"z{i}", f"{start + timedelta(days=7)}T10:00", 100 + i) for i in range(3)]
    write_landing("transactions", "t.csv", rows)
    ingest()
    assert _materialize(first="2025-03-01", last="2025-03-08").success  # a warning
    outcomes = {p: (ok, seen) for p, ok, seen in _outcome("stg_transactions", "amount_scale_typical")}
    assert outcomes[date(2025, 3, 8)] == (
        False,
        "1 of 1 producers off their usual amounts: P1 (median 101 against 99,501)",
    )
    assert outcomes[date(2025, 3, 7)][0] is True
    (samples,) = query("SELECT samples FROM quality.check_results WHERE check_name = 'amount_scale_typical' "
                       "AND NOT passed")[0]  # fmt: skip
    assert '"producer_id": "P1"' in samples and '"median_idr": 101.0' in samples


def test_producer_silent_warns_and_names_the_producer(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    start = date(2025, 3, 1)
    rows = [_tx(f"a{i}", f"{start + timedelta(days=i)}T10:00") for i in range(12)]
    rows.append(_tx("b", f"{start}T11:00", producer="P2"))
    write_landing("transactions", "t.csv", rows)
    ingest()
    quality = QualitySettings(silent_producer_days=10)
    assert _materialize(first="2025-03-01", last="2025-03-12", quality=quality).success
    ((partition, passed, observed),) = _outcome("daily_turnover", "producer_silent")
    assert (partition, passed) == (date(2025, 3, 12), False)
    assert observed == "1 producer(s) silent for more than 10 days: P2 (11 days)"


def test_fresh_fails_when_yesterday_has_no_sales(write_landing) -> None:
    from pipelines.core import dates

    yesterday = dates.today() - timedelta(days=1)
    before = yesterday - timedelta(days=1)
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", f"{before}T10:00")])
    ingest()
    assert _materialize(first=before.isoformat(), last=yesterday.isoformat()).success
    assert [(p, ok) for p, ok, _ in _outcome("daily_turnover", "fresh")] == [(yesterday, False)]


def test_net_weight_plausible_warns_on_an_implausible_weight(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("fx_rates", "fx.csv", FX)
    heavy = _export("PEB-1", "2025-03-07", "03011100", "100", "USD")
    heavy[7] = "500"  # 50 kg a fish
    write_landing("exports", "e.csv", [heavy])
    ingest()
    assert _materialize(first="2025-03-01", grain="month").success
    ((_, passed, observed),) = _outcome("stg_exports", "net_weight_plausible")
    assert passed is False and observed == "1 of 1 rows unexpected"


def test_files_readable_warns_and_the_file_is_kept(write_landing, isolated) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    folder = isolated / "landing" / "transactions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.csv").write_text("what,ever\n1,2\n")
    ingest()
    ((_, passed, observed),) = _outcome("raw_transactions", "files_readable")
    assert passed is False and observed == "1 file(s) rejected"
    assert (isolated / "landing" / "rejected" / "transactions" / "broken.csv").exists()


def test_coverage_to_publish_holds_a_day_and_a_month_with_too_few_reporting(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("fx_rates", "fx.csv", FX)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("b", "2025-03-02T10:00"),
                                            _tx("c", "2025-03-02T11:00", producer="P2")])  # fmt: skip
    write_landing("exports", "e.csv", [_export("PEB-1", "2025-03-06", "03011100", "100", "USD")])
    ingest()
    strict = QualitySettings(min_daily_coverage_to_publish=0.75, min_monthly_exporter_coverage_to_publish=0.75)
    # One of the two producers sold on 03-01: held as incomplete; 03-02 (both) is written in the same run.
    assert _materialize(first="2025-03-01", last="2025-03-02", quality=strict).success
    assert "coverage_to_publish (2025-03-01: 50.0% (1 of 2 registered producers reported))" in _failure(None)
    assert query("SELECT date FROM marts.daily_turnover") == [(date(2025, 3, 2),)]
    # One of the two exporters declared in March.
    assert _materialize(first="2025-03-01", grain="month", quality=strict).success
    assert "coverage_to_publish (2025-03-01: 50.0% (1 of 2 registered exporters reported))" in _failure(None)
    assert query("SELECT count(*) FROM marts.monthly_export_value") == [(0,)]
    # At the default thresholds both are complete enough: published, nothing held.
    assert _materialize(first="2025-03-01", last="2025-03-02", quality=QualitySettings()).success
    assert _materialize(first="2025-03-01", grain="month", quality=QualitySettings()).success
    assert _failure(None) == "" and query("SELECT count(*) FROM marts.daily_turnover") == [(2,)]
