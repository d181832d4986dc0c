"""A read-only copy of the marts for economists' own DuckDB, notebook or BI sessions.

The live warehouse has one writer at a time, so a session holding it would block the pipeline. After
each publish run the marts are copied to `internal/snapshot/sentra.duckdb` (built aside, then renamed
over the old copy: a session still reading the old one keeps it) and to one Parquet file per table.
The marts hold every figure, those disclosure control hides included: the copy is internal, never public.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from models.ddl import q
from pipelines.publish.files import temp_path
from pipelines.warehouse.connection import sql

FILE = "sentra.duckdb"


def write_snapshot(con: duckdb.DuckDBPyConnection, internal: Path, run_id: str) -> dict[str, int]:
    """Copy every mart table into `<internal>/snapshot/`; returns rows per table."""
    folder = internal / "snapshot"
    (folder / "parquet").mkdir(parents=True, exist_ok=True)
    names = [r[0] for r in con.execute(sql("mart_tables"), [None, None]).fetchall()]
    tmp = temp_path(folder / FILE)  # DuckDB creates it (an empty file is not a database)
    snap = duckdb.connect(str(tmp))
    rows: dict[str, int] = {}
    try:
        snap.execute("CREATE SCHEMA marts")
        for name in names:
            frame = con.sql(f"SELECT * FROM marts.{q(name)}").pl()  # noqa: S608 - a catalog name, quoted
            snap.register("frame", frame.to_arrow())
            snap.execute(f"CREATE TABLE marts.{q(name)} AS SELECT * FROM frame")  # noqa: S608
            snap.unregister("frame")
            parquet = temp_path(folder / "parquet" / f"{name}.parquet")
            frame.write_parquet(parquet)
            os.replace(parquet, folder / "parquet" / f"{name}.parquet")
            rows[name] = frame.height
        info = pl.DataFrame({"generated_at": [datetime.now(UTC).replace(tzinfo=None)], "run_id": [run_id]})
        snap.register("info", info.to_arrow())
        snap.execute("CREATE TABLE snapshot_info AS SELECT * FROM info")
        snap.execute("CHECKPOINT")
    except BaseException:
        snap.close()
        tmp.unlink(missing_ok=True)
        raise
    snap.close()
    os.chmod(tmp, 0o444)  # a copy to read: a session cannot change it by mistake
    os.replace(tmp, folder / FILE)
    return rows
