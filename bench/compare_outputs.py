"""Compare what two Sentra data folders published: the marts, the published cells, every chart's CSV and every
report's figures.json, timestamps and run ids aside. Exit 0 when identical, 1 with the differences.

Usage: python bench/compare_outputs.py DATA_A DATA_B

What a refactoring must not change (issue 24): run `make demo` (or `sentra sample` + `sentra run`) from the same
sample into two data folders, one on each version, and compare them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import duckdb

VOLATILE = {"run_id", "built_at", "generated_at", "as_of", "dagster_run_id"}  # when and by which run, not what


def marts(data: Path) -> dict[str, str]:
    """Each mart table's rows, sorted, as a digest; and the published cells without run and build time."""
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()]  # fmt: skip
        out = {f"marts.{n}": _digest(con.execute(f'SELECT * FROM marts."{n}" ORDER BY ALL').fetchall()) for n in names}  # noqa: S608
        cells = con.execute("SELECT * EXCLUDE (run_id, built_at) FROM publish.cells ORDER BY ALL").fetchall()
        out["publish.cells"] = _digest(cells)
        return out
    finally:
        con.close()


def files(data: Path) -> dict[str, str]:
    """Every chart CSV and report figures.json under publish/, by path, as a digest (JSON without volatile keys)."""
    publish = data / "publish"
    out = {}
    for path in sorted([*publish.glob("charts/**/*.csv"), *publish.glob("reports/**/figures.json")]):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            text = json.dumps(_without_volatile(json.loads(text)), sort_keys=True)
        out[path.relative_to(publish).as_posix()] = hashlib.sha256(text.encode()).hexdigest()
    return out


def _without_volatile(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def _digest(rows: list[tuple]) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def main(a: Path, b: Path) -> int:
    left, right = {**marts(a), **files(a)}, {**marts(b), **files(b)}
    differ = sorted(k for k in left.keys() & right.keys() if left[k] != right[k])
    only = sorted(left.keys() ^ right.keys())
    print(f"compared {len(left.keys() & right.keys())} outputs: {len(differ)} differ, {len(only)} in one folder only")
    for key in differ:
        print(f"  differs: {key}")
    for key in only:
        print(f"  only in {'A' if key in left else 'B'}: {key}")
    return 1 if differ or only else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
