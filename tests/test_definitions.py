"""The code location loads, and its jobs, schedules and sensors are wired as docs/OPERATIONS.md says."""

import json
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from helpers import DEFS, ingest, resources_now

from pipelines.core import partitions
from pipelines.core.config import Settings, settings
from pipelines.definitions import build
from pipelines.orchestration.sensors import ingested_partitions_sensor, landing_sensor
from pipelines.warehouse.connection import POOL

TIER = "pipeline"  # tests/conftest.py: the runner's tiers
HISTORY = True  # reads run history: the persistent Dagster instance (tests/conftest.py)

CALENDAR = partitions.calendar(settings().partitions_start)


def test_definitions_load_with_every_layer() -> None:
    graph = DEFS.resolve_asset_graph()
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups == {"raw", "stg", "marts", "reports", "publish"}
    names = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for mart in ("daily_turnover", "daily_turnover_by_category", "daily_turnover_by_kecamatan", "monthly_export_value",
                 "monthly_export_value_by_commodity", "monthly_export_value_by_destination"):  # fmt: skip
        assert mart in names
    # Every asset opens the warehouse, so every one is in the single-writer pool.
    assert {a.op.pool for a in DEFS.assets} == {POOL}
    assert [n.definition.pool for n in DEFS.resolve_job_def("compact_job").nodes] == [POOL]


def test_on_a_lake_no_staging_or_mart_step_takes_a_pool(monkeypatch) -> None:
    """Their writes are appended versions (pipelines.warehouse.versions): many workers write one table at once.
    Ingest and publishing still update or delete in place, so each of their assets keeps a pool of its own."""
    monkeypatch.setenv("SENTRA_WAREHOUSE", "ducklake:postgres:dbname=lake host=127.0.0.1")
    defs = build(Settings.from_env())
    pools = {k.to_user_string(): a.op.pool for a in defs.assets for k in a.keys}
    groups = {k.to_user_string(): a.group_names_by_key[k] for a in defs.assets for k in a.keys}
    assert {n for n, g in groups.items() if g in ("stg", "marts") and pools[n] is not None} == set()
    assert pools["raw_transactions"] == "lake_raw_transactions"
    assert all(p is None or p.startswith("lake_") for p in pools.values())


def test_the_lake_retention_is_read_from_the_environment_and_a_wrong_one_named() -> None:
    assert Settings.from_env({}).lake_retention_days == 7
    assert Settings.from_env({"SENTRA_LAKE_RETENTION_DAYS": "0"}).lake_retention_days == 0
    with pytest.raises(ValueError, match=r"^SENTRA_LAKE_RETENTION_DAYS='a week': a whole number of days"):
        Settings.from_env({"SENTRA_LAKE_RETENTION_DAYS": "a week"})


def test_partitions_and_backfill_policy() -> None:
    graph = DEFS.resolve_asset_graph()
    daily = graph.get(dg.AssetKey("daily_turnover"))
    assert daily.partitions_def == CALENDAR.daily
    # A day is a day in Kota Bekasi: 1 March runs from midnight WIB, 17:00 UTC the day before.
    window = CALENDAR.daily.time_window_for_partition_key("2025-03-01")
    assert window.start.astimezone(UTC) == datetime(2025, 2, 28, 17, 0, tzinfo=UTC)
    assert window.end - window.start == timedelta(days=1)
    assert graph.get(dg.AssetKey("monthly_export_value")).partitions_def == CALENDAR.monthly
    assert daily.backfill_policy == dg.BackfillPolicy.single_run()


def test_schedules_run_in_wib() -> None:
    daily = DEFS.resolve_schedule_def("daily_schedule")
    monthly = DEFS.resolve_schedule_def("monthly_schedule")
    assert (daily.cron_schedule, daily.execution_timezone) == ("0 6 * * *", "Asia/Jakarta")
    assert (monthly.cron_schedule, monthly.execution_timezone) == ("0 6 5 * *", "Asia/Jakarta")
    assert {s.name for s in DEFS.sensors} == {
        "landing_sensor", "ingested_partitions_sensor", "publish_sensor", "portal_sensor",
        "run_failure_alert", "publication_held_alert", "silent_producers_alert", "late_data_alert",
    }  # fmt: skip
    reports = DEFS.resolve_schedule_def("monthly_report_schedule"), DEFS.resolve_schedule_def("weekly_report_schedule")
    assert [(r.cron_schedule, r.execution_timezone) for r in reports] == [
        ("0 7 6 * *", "Asia/Jakarta"), ("0 7 * * 1", "Asia/Jakarta")
    ]  # fmt: skip
    compaction = DEFS.resolve_schedule_def("compact_schedule")  # Sundays, before the 06:00 runs
    assert (compaction.cron_schedule, compaction.execution_timezone, compaction.job_name) == (
        "0 2 * * 0", "Asia/Jakarta", "compact_job"
    )  # fmt: skip


def test_landing_sensor_requests_an_ingest_once_per_change(write_landing) -> None:
    instance = dg.DagsterInstance.get()
    empty = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources_now()))
    assert isinstance(empty, dg.SkipReason)
    write_landing("producers", "p.csv", [])
    first = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources_now()))
    assert len(first.run_requests) == 1
    again = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources_now(), cursor=first.cursor))
    assert isinstance(again, dg.SkipReason)
    path = write_landing(
        "producers", "p.csv", [["P1", "x", "1234567890123", "Jatiasih", "", "makanan", "10792", "", "0"]]
    )
    changed = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources_now(), cursor=first.cursor))
    assert len(changed.run_requests) == 1 and str(path) in json.loads(changed.cursor)


def test_ingested_partitions_sensor_requests_each_touched_range(write_landing) -> None:
    from conftest import REGISTRY

    write_landing("producers", "p.csv", REGISTRY)
    rows = [["a", "P1", f"2025-03-{d:02d}T10:00", 5, 1, "", "tunai"] for d in (1, 2, 3, 9)]
    write_landing("transactions", "t.csv", rows)
    ingest()
    instance = dg.DagsterInstance.get()
    run = instance.get_runs(limit=1)[0]
    ctx = dg.build_run_status_sensor_context(
        sensor_name="ingested_partitions_sensor",
        dagster_instance=instance,
        dagster_run=run,
        dagster_event=dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name=run.job_name),
        resources=resources_now(),
    )
    requests = ingested_partitions_sensor(ctx)
    ranges = [
        (r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"]) for r in requests
    ]
    assert ranges == [("2025-03-01", "2025-03-03"), ("2025-03-09", "2025-03-09")]
    assert {r.job_name for r in requests} == {"daily_job"}
