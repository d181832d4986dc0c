"""`make convert-warehouse WAREHOUSE=FILE`: a warehouse written by DuckDB 2.0.1 made readable by this Sentra.

Sentra moved to DuckDB 1.5.5 with the scale profile (the last DuckDB whose DuckLake and postgres extensions
ship as wheels), and DuckDB cannot open a file a newer DuckDB wrote. This exports the file with DuckDB 2.0.1,
installed into a throw-away virtualenv (`EXPORT DATABASE`, Parquet), imports the export with this Sentra's
DuckDB (`IMPORT DATABASE`: tables, views and the file-id sequence at its current value), checks that every
table has the same rows, then keeps the original beside the new file as `FILE.duckdb2`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

OLD_DUCKDB = "duckdb==2.0.1"
_EXPORT = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
).fetchall()
counts = {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchall()[0][0] for s, t in tables}
con.execute(f"EXPORT DATABASE '{sys.argv[2]}' (FORMAT parquet)")
print(json.dumps(counts))
"""


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchall()[0][0] for s, t in tables}  # noqa: S608


def convert(path: Path) -> Path:
    """Convert `path` in place; returns where the original was kept."""
    if not path.is_file():
        raise SystemExit(f"{path}: no such warehouse file")
    kept = path.with_name(path.name + "2")  # warehouse.duckdb -> warehouse.duckdb2
    if kept.exists():
        raise SystemExit(f"{kept} exists: a conversion was already done (move it away to convert again)")
    work = Path(tempfile.mkdtemp(prefix="sentra-convert-"))
    venv, export, new = work / "venv", work / "export", path.with_name(path.name + ".converting")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", OLD_DUCKDB], check=True)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", _EXPORT, str(path), str(export)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{path}: DuckDB 2.0.1 could not export it: {done.stderr.strip().splitlines()[-1]}")
    before = json.loads(done.stdout)
    new.unlink(missing_ok=True)
    con = duckdb.connect(str(new))
    try:
        con.execute("IMPORT DATABASE '" + str(export).replace("'", "''") + "'")
        after = _counts(con)
    finally:
        con.close()
    if after != before:
        new.unlink()
        differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        raise SystemExit(f"{path}: the imported copy differs in {differ}; the original is untouched")
    os.replace(path, kept)
    os.replace(new, path)
    print(
        f"{path}: converted for DuckDB {duckdb.__version__} ({len(after)} tables, {sum(after.values()):,} rows "
        f"checked); the original is kept as {kept}"
    )
    return kept


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m pipelines.convert WAREHOUSE_FILE")
    convert(Path(sys.argv[1]))
