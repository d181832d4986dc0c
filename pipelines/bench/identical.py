"""Do two warehouses hold the same results? Every mart, every source's quarantine and what each landing file
gave (rows read, accepted, quarantined, duplicates, corrections, not sales), compared row for row.

How a change to the path rows take is shown to change no figure: build the same landing folder with the code
before and after, then

    python -m pipelines.bench.identical BEFORE.duckdb AFTER.duckdb

Each file is opened read-only by DuckDB itself, so two schema versions compare (file and run ids, which each
build numbers, are left out). Exit 0 when identical, 1 when not, each table said in one line.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from models.contracts import CONTRACTS
from models.ddl import qualified
from pipelines.warehouse.connection import render, sql
from pipelines.warehouse.sqlbuild import lit


@dataclass(frozen=True)
class Compared:
    """One table of both warehouses: its rows in each, and the rows only one of them has (with repeats)."""

    table: str
    rows: tuple[int, int]
    only: tuple[int, int]

    @property
    def same(self) -> bool:
        return self.only == (0, 0)

    def line(self) -> str:
        if self.same:
            return f"{self.table}: identical ({self.rows[0]:,} row{'' if self.rows[0] == 1 else 's'})"
        a, b = self.only
        rows = f"{self.rows[0]:,} against {self.rows[1]:,} rows"
        return f"{self.table}: DIFFERS ({rows}; {a:,} only in the first, {b:,} only in the second)"


def _tables(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, str]:
    """The compared relations of the warehouse attached as `db`, by name: a query each."""
    marts = [r[0] for r in con.execute(sql("mart_tables"), [db, db]).fetchall()]
    out = {f"marts.{m}": f"SELECT * FROM {qualified(f'{db}.marts.{m}')}" for m in marts}  # noqa: S608
    for source in CONTRACTS:
        out[f"quarantine.{source}"] = render(
            "compare_quarantine", quarantine=f"{db}.quarantine.{source}", files=f"{db}.raw.files"
        )
    out["raw.files"] = render("compare_files", files=f"{db}.raw.files")
    return out


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM ({query}\n)").fetchall()[0][0])  # noqa: S608 - our SQL files


def compare(first: Path, second: Path) -> list[Compared]:
    """Each compared table of the two warehouses (a table only one of them has differs by all its rows)."""
    con = duckdb.connect()
    try:
        for db, path in (("a", first), ("b", second)):
            con.execute(f"ATTACH {lit(str(path))} AS {db} (READ_ONLY)")
        qa, qb = _tables(con, "a"), _tables(con, "b")
        out = []
        for table in sorted(qa.keys() | qb.keys()):
            a, b = qa.get(table), qb.get(table)
            if a is None or b is None:
                n = _count(con, a or b or "")
                out.append(Compared(table, (n, 0) if a else (0, n), (n, 0) if a else (0, n)))
                continue
            # Each side in parentheses (a file's query may end in ORDER BY), on its own lines (it starts with comments).
            only = (_count(con, f"({a}\n) EXCEPT ALL ({b}\n)"), _count(con, f"({b}\n) EXCEPT ALL ({a}\n)"))
            out.append(Compared(table, (_count(con, a), _count(con, b)), only))
        return out
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench.identical", description=__doc__.splitlines()[0])
    p.add_argument("first", type=Path, help="a warehouse file (e.g. built by the code before a change)")
    p.add_argument("second", type=Path, help="another warehouse file (the same landing folder, the code after)")
    args = p.parse_args(argv)
    for path in (args.first, args.second):
        if not path.is_file():
            print(f"identical: {path}: no such warehouse file", file=sys.stderr)
            return 2
    results = compare(args.first, args.second)
    for r in results:
        print(r.line())
    return 0 if all(r.same for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
