"""Partitions written as versions (pipelines.warehouse.versions): a rebuild appends, readers see the latest,
and the compaction job deletes only what a later version superseded. Through the real assets and job."""

from datetime import date

from conftest import REGISTRY
from helpers import DEFS, build, ingest, instance, query, resources_now

from pipelines.warehouse import versions
from pipelines.warehouse.connection import connect

TIER = "pipeline"  # tests/conftest.py: the runner's tiers

D1, D2, D3 = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)


def _tx(tid: str, at: str, amount: int) -> list:
    return [tid, "P1", at, amount, 1, "", "tunai"]


def _visible() -> dict[str, list[tuple]]:
    """What readers see: every versioned table's view, in a fixed order."""
    return {t: query(f"SELECT * FROM {t} ORDER BY ALL") for t in versions.VERSIONED}  # noqa: S608 - our names


def test_a_rebuilt_day_is_a_new_version_and_compaction_keeps_what_readers_see(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t1.csv", [_tx("a", "2025-03-01T10:00", 100), _tx("b", "2025-03-02T10:00", 9)])
    ingest()
    build("2025-03-01", "2025-03-02")
    # A correction of "a" and "b" moved to the 3rd: the three days are rebuilt, each as a new version.
    write_landing("transactions", "t2.csv", [_tx("a", "2025-03-01T10:00", 150), _tx("b", "2025-03-03T10:00", 9)])
    ingest()
    build("2025-03-01", "2025-03-03")
    record = query(
        "SELECT period, list(rows ORDER BY version) FROM meta.partition_versions "
        "WHERE table_name = 'stg.transactions' GROUP BY 1 ORDER BY 1"
    )
    # The 2nd's new version is empty: it hides the sale that moved away (a day without sales shows no row).
    assert record == [(D1, [1, 1]), (D2, [1, 0]), (D3, [1])]
    assert query("SELECT count(*) FROM stg.transactions_versions") == [(4,)]
    assert query("SELECT date, amount_idr FROM stg.transactions ORDER BY 1") == [(D1, 150), (D3, 9)]
    assert query("SELECT date, turnover_idr FROM marts.daily_turnover ORDER BY 1") == [(D1, 150), (D3, 9)]

    seen = _visible()
    con = connect(str(resources_now()["warehouse"].path), read_only=True)
    superseded = {t: versions.superseded(con, t) for t in versions.VERSIONED}
    con.close()
    assert superseded["stg.transactions"] == 2 and superseded["marts.daily_turnover"] == 2
    result = DEFS.resolve_job_def("compact_job").execute_in_process(instance=instance(), resources=resources_now())
    assert result.success
    (event,) = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = event.event_specific_data.metadata
    assert metadata["rows_deleted"].value == sum(superseded.values())
    assert metadata["conflicts_retried"].value == 0
    assert _visible() == seen  # readers see exactly what they saw
    assert query("SELECT count(*) FROM stg.transactions_versions") == [(2,)]
    # The record of every version stays (when each partition was written, by which run, with how many rows).
    assert query("SELECT count(*) FROM meta.partition_versions WHERE table_name = 'stg.transactions'") == [(5,)]
    # Compacting again finds nothing to delete.
    again = DEFS.resolve_job_def("compact_job").execute_in_process(instance=instance(), resources=resources_now())
    (event,) = [e for e in again.all_events if e.event_type_value == "STEP_OUTPUT"]
    assert event.event_specific_data.metadata["rows_deleted"].value == 0
