"""Upgrades keep the warehouse: numbered migrations bring a warehouse of an earlier release up to date.

The warehouses in tests/data/legacy/ were built by the releases' own code (make_legacy_warehouse.py):
9be5b8f, the release migrations start from, and a931e35, the release before it (no `_extra`,
`raw.excluded`, `raw.files.format/notes`, `raw.rejected_files.moved_to`, `publish.cells`).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from models import ddl
from pipelines.cli.main import main
from pipelines.warehouse import migrate
from pipelines.warehouse.connection import connect
from pipelines.warehouse.migrate import WarehouseSchemaError

TIER = "pipeline"  # tests/conftest.py: the runner's tiers
WAREHOUSE = False  # starts from no warehouse at all (tests/conftest.py copies an empty one otherwise)

LEGACY = Path(__file__).parent / "data" / "legacy"
RELEASES = ("9be5b8f", "a931e35")
START, END = "2025-03-24", "2025-04-06"  # the range the legacy warehouses were built over
WIB_OFFSET = timedelta(hours=7)
# Written as Jakarta wall-clock time before 002: UTC is 7 hours earlier.
FROM_WIB = {("publish", "published_cells", "published_at"), ("publish", "revisions", "revised_at")}
# Written as now()::TIMESTAMP (the host's zone) before 002: converted from the zone of the upgrading host.
FROM_HOST = {("raw", "files", "ingested_at"), ("raw", "rejected_files", "rejected_at"),
             ("quality", "check_results", "checked_at")}  # fmt: skip
COLUMNS = (
    "SELECT table_schema, table_name, column_name, data_type, is_nullable, column_default, ordinal_position "
    "FROM information_schema.columns WHERE table_schema NOT IN ('meta', 'information_schema', 'pg_catalog') "
    "ORDER BY ALL"
)


@pytest.fixture
def host_zone() -> Iterator[Callable[[str], None]]:
    """Set the process's time zone (DuckDB reads TZ for each new database); restored afterwards."""
    before = os.environ.get("TZ")

    def set_zone(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def legacy(release: str, folder: Path) -> Path:
    """A working copy of the release's warehouse (checked in gzipped)."""
    target = folder / "warehouse.duckdb"
    with gzip.open(LEGACY / f"warehouse-{release}.duckdb.gz", "rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return target


def snapshot(path: Path) -> dict[tuple[str, str], tuple[list[str], list[tuple]]]:
    """Every table's and view's columns and rows, read with plain DuckDB, read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN "
            "('meta', 'information_schema', 'pg_catalog') ORDER BY ALL"
        ).fetchall()
        out = {}
        for schema, table in names:
            cur = con.execute(f"SELECT * FROM {ddl.qualified(f'{schema}.{table}')}")  # noqa: S608
            out[(schema, table)] = ([d[0] for d in cur.description], cur.fetchall())
        return out
    finally:
        con.close()


def rows(columns: list[str], data: list[tuple], keep: list[str]) -> list[tuple]:
    """`data` reduced to the columns `keep`, as a sorted multiset."""
    idx = [columns.index(c) for c in keep]
    return sorted((tuple(r[i] for i in idx) for r in data), key=repr)


def expected_after(before: dict, host_offset: timedelta) -> dict:
    """What 002 makes of the old rows: Jakarta times and host times shifted to UTC, the rest unchanged."""
    out = {}
    for (schema, table), (columns, data) in before.items():
        shifts = {
            columns.index(c): (WIB_OFFSET if (schema, table, c) in FROM_WIB else host_offset)
            for c in columns
            if (schema, table, c) in FROM_WIB | FROM_HOST
        }
        moved = [tuple(v - shifts[i] if i in shifts else v for i, v in enumerate(r)) for r in data]
        out[(schema, table)] = (columns, moved)
    return out


def assert_rows_intact(before: dict, after: dict) -> None:
    assert set(before) <= set(after)
    for key, (columns, data) in before.items():
        new_columns, new_data = after[key]
        assert set(columns) <= set(new_columns), key
        assert rows(new_columns, new_data, columns) == rows(columns, data, columns), key


def schema_of(con: duckdb.DuckDBPyConnection, ordered: bool = True) -> set[tuple]:
    return {r if ordered else r[:-1] for r in con.execute(COLUMNS).fetchall()}


def contract_schema(ordered: bool = True) -> set[tuple]:
    con = duckdb.connect()
    for stmt in ddl.contract_ddl():
        con.execute(stmt)
    return schema_of(con, ordered)


def write_correction(warehouse: Path, landing: Path) -> str:
    """A transactions file correcting one sale on a published day (amount +5 %); returns that day."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sale = con.execute(
            "WITH shown AS (SELECT DISTINCT json_extract_string(cell, '$.date')::DATE AS day "
            "    FROM publish.published_cells WHERE chart_id = 'daily_turnover' AND value IS NOT NULL "
            "    ORDER BY day DESC LIMIT 1) "
            "SELECT transaction_id, producer_id, occurred_at, amount_idr, quantity, category, channel, local_date "
            "FROM raw.transactions JOIN shown ON local_date = day WHERE _is_current "
            "ORDER BY amount_idr, transaction_id LIMIT 1"
        ).fetchall()[0]
    finally:
        con.close()
    folder = landing / "transactions"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "koreksi-setelah-upgrade.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["transaction_id", "producer_id", "occurred_at", "amount_idr", "quantity", "category", "channel"])
        tid, pid, at, amount, qty, cat, channel, day = sale
        w.writerow([tid, pid, at.isoformat(), amount * 21 // 20, qty, cat or "", channel])
    return day.isoformat()


@pytest.mark.parametrize("release", RELEASES)
def test_upgrade_keeps_every_row_and_revision(release: str, isolated: Path, host_zone) -> None:
    warehouse = legacy(release, isolated)
    before = snapshot(warehouse)
    assert before[("publish", "revisions")][1], "the legacy warehouse has revisions to keep"

    host_zone("UTC")  # the zone the legacy warehouse was written in (make_legacy_warehouse.py)
    con = connect(str(warehouse))
    assert migrate.version(con) == migrate.latest() == len(migrate.migrations())
    con.close()
    after = snapshot(warehouse)
    assert_rows_intact(expected_after(before, timedelta(0)), after)
    con = duckdb.connect(str(warehouse), read_only=True)
    # The same columns and types as the contracts call for (an upgraded table has its new columns last).
    assert contract_schema(ordered=False) <= schema_of(con, ordered=False)
    con.close()

    # A real run over the upgraded warehouse, on a host in Jakarta: the new times are stored in UTC all the same.
    host_zone("Asia/Jakarta")
    day = write_correction(warehouse, isolated / "landing")
    t0 = datetime.now(UTC).replace(tzinfo=None)
    assert main(["run", "--from", day, "--to", day]) == 0
    t1 = datetime.now(UTC).replace(tzinfo=None)

    final = snapshot(warehouse)
    old_revisions = after[("publish", "revisions")][1]
    columns, revisions = final[("publish", "revisions")]
    kept = [r for r in revisions if r in old_revisions]
    assert sorted(kept, key=repr) == sorted(old_revisions, key=repr), "every earlier revision is still there"
    new = [r for r in revisions if r not in old_revisions]
    assert new, "the correction revised a published figure"
    assert all(t0 <= r[columns.index("revised_at")] <= t1 for r in new)
    for (schema, table, column), old_run in (
        (("raw", "files", "ingested_at"), after[("raw", "files")]),
        (("quality", "check_results", "checked_at"), after[("quality", "check_results")]),
        (("publish", "published_cells", "published_at"), after[("publish", "published_cells")]),
    ):
        cols, data = final[(schema, table)]
        fresh = [r[cols.index(column)] for r in data if r not in old_run[1]]
        assert fresh and all(t0 <= t <= t1 for t in fresh), (table, column)

    # The portal's changelog lists every revision, dated by the day in Jakarta.
    manifest = json.loads((isolated / "publish" / "manifest.json").read_text(encoding="utf-8"))
    wib_days = sorted((r[columns.index("revised_at")] + WIB_OFFSET).date().isoformat() for r in revisions)
    assert sorted(c["date"] for c in manifest["changelog"]) == wib_days


def test_host_local_times_are_converted_from_the_upgrading_hosts_zone(tmp_path: Path) -> None:
    warehouse = legacy("9be5b8f", tmp_path)
    before = snapshot(warehouse)
    # Upgraded on a host in Jakarta, as a user would (`TZ=Asia/Jakarta sentra run`): in a new process, since
    # DuckDB 1.5.5 takes the zone once per process (TZ changed later is not seen).
    upgrade = "import sys; from pipelines.warehouse.connection import connect; connect(sys.argv[1]).close()"
    subprocess.run(
        [sys.executable, "-c", upgrade, str(warehouse)], env={**os.environ, "TZ": "Asia/Jakarta"}, check=True
    )
    assert_rows_intact(expected_after(before, WIB_OFFSET), snapshot(warehouse))


def test_fresh_warehouse_has_exactly_the_contract_tables() -> None:
    con = duckdb.connect()
    applied = migrate.upgrade(con, ":memory:")
    assert [m.version for m in applied] == list(range(1, migrate.latest() + 1))
    contract = contract_schema()
    tables = {(s, t) for s, t, *_ in contract}
    # Same columns, order, types, NOT NULL and defaults: a contract change needs a migration.
    assert {r for r in schema_of(con) if (r[0], r[1]) in tables} == contract
    versions = con.execute("SELECT version, name FROM meta.schema_version ORDER BY version").fetchall()
    assert versions == [(m.version, m.name) for m in migrate.migrations()]


def test_migrations_are_idempotent(tmp_path: Path) -> None:
    path = str(tmp_path / "w.duckdb")
    connect(path).close()
    con = connect(path)
    recorded = con.execute("SELECT * FROM meta.schema_version ORDER BY version").fetchall()
    assert migrate.upgrade(con, path) == []
    # The baseline also applies over what it created (how a warehouse older than migrations comes up).
    con.execute(migrate.migrations()[0].text)
    con.close()
    con = connect(path, read_only=True)
    assert con.execute("SELECT * FROM meta.schema_version ORDER BY version").fetchall() == recorded
    con.close()


def test_a_failing_migration_applies_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    shutil.copy(migrate.migrations()[0].path, folder / "001_baseline.sql")
    path = str(tmp_path / "w.duckdb")
    con = duckdb.connect(path)
    migrate.upgrade(con, path, folder)
    con.execute(
        "INSERT INTO raw.files VALUES (1, 'transactions', 'a.csv', '/a.csv', 'x', 1, TIMESTAMP '2025-03-01 00:00', "
        "TIMESTAMP '2025-03-01 00:00', 'r', 1, 1, 0, 0, 0, 0, 'csv', NULL)"
    )
    (folder / "002_add_things.sql").write_text(
        "CREATE TABLE raw.things (a INTEGER);\nALTER TABLE raw.files ADD COLUMN checked BOOLEAN;\n", encoding="utf-8"
    )
    (folder / "003_broken.sql").write_text(
        "-- a mistake on line 3\nDELETE FROM raw.files;\nUPDATE raw.files SET nosuchcolumn = 1;\n", encoding="utf-8"
    )
    with pytest.raises(WarehouseSchemaError) as err:
        migrate.upgrade(con, path, folder)
    message = str(err.value)
    assert message.startswith(f"{path}: migration 003_broken.sql failed at line 3, nothing was applied: ")
    assert "nosuchcolumn" in message and "\n" not in message
    assert migrate.version(con) == 1
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'things'").fetchall() == [(0,)]
    assert "checked" not in [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                                        "WHERE table_name = 'files'").fetchall()]  # fmt: skip
    assert con.execute("SELECT count(*) FROM raw.files").fetchall() == [(1,)]
    con.close()


def test_migration_files_are_numbered_without_gaps(tmp_path: Path) -> None:
    assert [m.name[:4] for m in migrate.migrations()] == [f"{i:03d}_" for i in range(1, migrate.latest() + 1)]
    (tmp_path / "001_a.sql").write_text("SELECT 1;")
    (tmp_path / "003_c.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="003_c.sql: expected migration number 002"):
        migrate.migrations(tmp_path)
    (tmp_path / "002-b.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="named NNN_name.sql"):
        migrate.migrations(tmp_path)


def _newer(path: Path) -> int:
    connect(str(path)).close()
    con = duckdb.connect(str(path))
    newer = migrate.latest() + 1
    con.execute("INSERT INTO meta.schema_version VALUES (?, '999_from_the_future.sql', timezone('UTC', now()), 'x')",
                [newer])  # fmt: skip
    con.close()
    return newer


def test_a_newer_warehouse_is_refused(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = isolated / "warehouse.duckdb"
    newer = _newer(path)
    message = (
        f"{path}: the warehouse is at schema version {newer}, newer than this Sentra ({migrate.latest()}): "
        "upgrade Sentra, or point SENTRA_WAREHOUSE at another file"
    )
    for read_only in (False, True):
        with pytest.raises(WarehouseSchemaError) as err:
            connect(str(path), read_only=read_only)
        assert str(err.value) == message
    # The CLI says it in one line; `sentra run` stops before any Dagster step, before anything is written.
    assert main(["quality", "--from", START, "--to", END]) == 2
    assert capsys.readouterr().err == f"sentra: error: {message}\n"
    (isolated / "landing" / "transactions").mkdir()
    (isolated / "landing" / "transactions" / "a.csv").write_text("transaction_id,producer_id\n", encoding="utf-8")
    assert main(["run", "--from", START, "--to", START]) == 2
    assert capsys.readouterr().err == f"sentra: error: {message}\n"


def test_a_reader_refuses_a_warehouse_that_needs_migrations(tmp_path: Path) -> None:
    warehouse = legacy("a931e35", tmp_path)
    with pytest.raises(
        WarehouseSchemaError, match=r"schema version 0, older than this Sentra \(\d+\): the next run that writes"
    ):
        connect(str(warehouse), read_only=True)


def test_a_warehouse_written_by_duckdb_2_is_refused_with_the_conversion_to_run(tmp_path: Path) -> None:
    # What a931e35 wrote with DuckDB 2.0.1 before the project moved to 1.5.5 (docs/DEPLOY.md, "Upgrades").
    warehouse = tmp_path / "warehouse.duckdb"
    with gzip.open(LEGACY / "warehouse-a931e35-duckdb2.duckdb.gz", "rb") as src:
        warehouse.write_bytes(src.read())
    for read_only in (False, True):
        with pytest.raises(
            WarehouseSchemaError, match=r"written by a newer DuckDB .*make convert-warehouse WAREHOUSE="
        ):
            connect(str(warehouse), read_only=read_only)


def test_every_command_explains_a_warehouse_of_another_storage_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sentra status`, `quality` and `check` say it in one line with the fix, as `sentra run` does (issue 28)."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    with gzip.open(LEGACY / "warehouse-a931e35-duckdb2.duckdb.gz", "rb") as src:
        (data / "warehouse.duckdb").write_bytes(src.read())
    monkeypatch.setenv("SENTRA_DATA_DIR", str(data))
    monkeypatch.delenv("SENTRA_WAREHOUSE", raising=False)
    sample = tmp_path / "t.csv"
    sample.write_text("transaction_id,producer_id,occurred_at,amount_idr,quantity,category,channel\n")
    for args in (["status"], ["quality", "--from", "2025-03-01", "--to", "2025-03-01"], ["check", str(sample)]):
        code = main(args)
        err = capsys.readouterr().err
        assert code != 0 and "internal error" not in err, (args, err)
        assert "make convert-warehouse WAREHOUSE=" in err and len(err.strip().splitlines()) == 1, (args, err)
