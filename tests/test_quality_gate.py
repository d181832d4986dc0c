"""Tier 2: quality checks through the real assets — gating, SQL checks, quarantine loop and the report."""

from datetime import date

import dagster as dg
import duckdb
import pytest
from conftest import REGISTRY
from helpers import ASSETS, DAILY, MONTHLY, build, ingest, instance, query, resources_now

from pipelines.core.config import settings
from pipelines.core.periods import range_tags
from pipelines.publish import gate
from pipelines.quality.settings import QualitySettings

TIER = "pipeline"  # tests/conftest.py: the runner's tiers


def _tx(tid: str, at: str, amount: int = 1000, producer: str = "P1") -> list:
    return [tid, producer, at, amount, 1, "", "tunai"]


def _checks(asset: str) -> dict[tuple[str, date | None], bool]:
    rows = query("SELECT check_name, partition, passed FROM quality.check_results WHERE asset = ?", [asset])
    return {(c, p): ok for c, p, ok in rows}


def _held() -> list[gate.Hold]:
    with duckdb.connect(settings().warehouse_target, read_only=True) as con:
        return gate.held(con)


def _build_with(quality: QualitySettings, first: str, last: str, grain: str = "day") -> dg.ExecuteInProcessResult:
    tags = range_tags(date.fromisoformat(first), date.fromisoformat(last), grain)
    return dg.materialize(
        ASSETS, selection=DAILY if grain == "day" else MONTHLY, instance=instance(),
        resources={**resources_now(), "quality": quality}, tags=tags, raise_on_error=False,
    )  # fmt: skip


def test_a_blocking_failure_holds_its_day_and_the_others_are_written(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00", 900), _tx("b", "2025-03-01T11:00", 100)])
    ingest()
    build("2025-03-01", "2025-03-01")
    before = query("SELECT * FROM marts.daily_turnover")
    # A later correction brings a sale above the (lowered) ceiling: the staged day fails amount_under_ceiling;
    # a new day beside it passes and is written in the same run.
    write_landing("transactions", "t2.csv", [_tx("b", "2025-03-01T11:00", 5000), _tx("c", "2025-03-02T09:00", 700)])
    ingest()
    result = _build_with(QualitySettings(amount_ceiling_idr=1000), "2025-03-01", "2025-03-02")
    assert result.success  # one held day does not stop the range
    materialized = {
        e.asset_key.to_user_string(): e.step_materialization_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    assert materialized["stg_transactions"]["held_partitions"].value == ["2025-03-01"]
    assert materialized["daily_turnover"]["held_partitions"].value == ["2025-03-01"]  # its staging was held
    assert query("SELECT * FROM marts.daily_turnover WHERE date = '2025-03-01'") == before
    assert query("SELECT turnover_idr FROM marts.daily_turnover WHERE date = '2025-03-02'") == [(700,)]
    assert query("SELECT sum(amount_idr) FROM stg.transactions WHERE date = '2025-03-01'") == [(1000,)]
    assert _checks("stg_transactions")[("amount_under_ceiling", date(2025, 3, 1))] is False
    assert [(h.family, h.label, [f.check for f in h.root]) for h in _held()] == [
        ("turnover", "2025-03-01", ["amount_under_ceiling"])
    ]
    evaluations = [
        e.asset_check_evaluation_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    failed = next(e for e in evaluations if e.check_name == "amount_under_ceiling")
    assert not failed.passed and "sample_failing_rows" in failed.metadata
    assert failed.severity == dg.AssetCheckSeverity.WARN  # held: an ERROR would stop the other days too
    assert failed.metadata["held_partitions"].value == ["2025-03-01"]
    assert "observed" in failed.metadata and "expectation" in failed.metadata
    # With the default ceiling the same data passes and the day is rebuilt.
    assert _build_with(QualitySettings(), "2025-03-01", "2025-03-01").success
    assert query("SELECT turnover_idr FROM marts.daily_turnover WHERE date = '2025-03-01'") == [(5900,)]
    assert _held() == []


def test_a_high_quarantine_share_holds_its_day(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("b", "2025-03-01T11:00", 0),
                                            _tx("c", "2025-03-02T11:00")])  # fmt: skip
    ingest()
    result = _build_with(QualitySettings(max_quarantine_share=0.05), "2025-03-01", "2025-03-02")
    assert result.success  # the other day continues
    # Half of 03-01's rows are unreadable: it is held (not in the marts), 03-02 is published.
    assert query("SELECT date, turnover_idr FROM marts.daily_turnover ORDER BY 1") == [(date(2025, 3, 2), 1000)]
    checks = _checks("stg_transactions")
    assert checks[("quarantine_share", date(2025, 3, 1))] is False  # 1 of 2 rows
    assert checks[("quarantine_share", date(2025, 3, 2))] is True
    structured = query("SELECT value, threshold, numerator, denominator FROM quality.check_results "
                       "WHERE check_name = 'quarantine_share' AND partition = '2025-03-01'")  # fmt: skip
    assert structured == [(0.5, 0.05, 1, 2)]


def test_a_fixed_row_resent_leaves_the_quarantine(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("b", "2025-03-01T11:00", 0)])
    ingest()
    assert query("SELECT transaction_id, resolved_file_id FROM quarantine.transactions") == [("b", None)]
    write_landing("transactions", "fixed.csv", [_tx("b", "2025-03-01T11:00", 250)])
    ingest()
    (fixed_id,) = query("SELECT file_id FROM raw.files WHERE name = 'fixed.csv'")[0]
    assert query("SELECT transaction_id, resolved_file_id FROM quarantine.transactions") == [("b", fixed_id)]
    build("2025-03-01", "2025-03-01")
    assert query("SELECT turnover_idr FROM marts.daily_turnover") == [(1250,)]
    assert _checks("stg_transactions")[("quarantine_share", date(2025, 3, 1))] is True


def test_coverage_missing_days_and_freshness_warn(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), _tx("c", "2025-03-03T10:00", producer="P2"),
                                            _tx("d", "2025-03-03T11:00")])  # fmt: skip
    ingest()
    result = _build_with(QualitySettings(min_daily_coverage=0.75), "2025-03-01", "2025-03-03")
    assert result.success  # warnings do not block
    checks = _checks("daily_turnover")
    assert checks[("coverage", date(2025, 3, 1))] is False  # 1 of 2 producers
    assert checks[("coverage", date(2025, 3, 3))] is True
    assert checks[("no_missing_period", date(2025, 3, 2))] is False
    assert checks[("fresh", None)] is True  # yesterday is not in this range
    observed = query("SELECT observed FROM quality.check_results WHERE check_name = 'coverage' ORDER BY partition")
    assert observed[0] == ("50.0% (1 of 2 registered producers reported)",)
    # The same figures as structured values, which the reports phrase (never parsing `observed` back).
    structured = query("SELECT partition, value, threshold, numerator, denominator FROM quality.check_results "
                       "WHERE check_name = 'coverage' ORDER BY partition")  # fmt: skip
    assert structured[0] == (date(2025, 3, 1), 0.5, 0.75, 1, 2)
    assert structured[-1] == (date(2025, 3, 3), 1.0, 0.75, 2, 2)
    missing = query("SELECT numerator, denominator FROM quality.check_results "
                    "WHERE check_name = 'no_missing_period' AND partition = '2025-03-02'")  # fmt: skip
    assert missing == [(0, None)]


def test_a_long_gap_between_rates_warns(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("fx_rates", "fx.csv", [["2025-03-03", "USD", "16000"], ["2025-03-20", "USD", "16100"]])
    ingest()
    assert _checks("stg_fx_rates")[("no_long_gap", None)] is False
    (observed,) = query("SELECT observed FROM quality.check_results WHERE check_name = 'no_long_gap'")[0]
    assert "USD: 17 days (to 2025-03-20)" in observed
    assert query("SELECT value, threshold FROM quality.check_results WHERE check_name = 'no_long_gap'") == [
        (17.0, float(QualitySettings().max_fx_gap_days))
    ]


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "-2+3"])
def test_the_report_links_a_formula_safe_quarantine_csv(write_landing, formula: str) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing(
        "transactions", "t.csv", [_tx("a", "2025-03-01T10:00"), [formula, "P1", "kemarin", 5, 1, "", "tunai"]]
    )
    ingest()
    build("2025-03-01", "2025-03-01")
    runs = settings().internal / "quality" / "runs"
    reports = sorted(runs.glob("*/index.html"))
    assert any("rows_accounted_for" in r.read_text() for r in reports)
    csvs = list(runs.glob("*/quarantine_transactions.csv"))
    assert csvs, "the ingest run's report links its quarantined rows"
    text = csvs[0].read_text()
    assert f"'{formula}".replace('"', '""') in text or f"'{formula}" in text
    index = (settings().internal / "quality" / "index.html").read_text()
    assert "Quality reports" in index and all(p.parent.name[:8] in index for p in reports)
    with duckdb.connect(settings().warehouse_target, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quality.check_results").fetchall()[0][0] > 0
