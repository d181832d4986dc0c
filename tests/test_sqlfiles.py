"""Tier 1: the SQL files in `sql/<layer>/` — each found by its name alone, each used, each one statement.

`sql(name)` and `render(name, …)` find `name.sql` in whichever layer's folder it sits, so a name must be
unique under `sql/` (migrations aside: `pipelines.warehouse.migrate` finds those). The names the code asks
for are read from the code itself: every `sql("…")` / `render("…", …)` call with a literal name must find
exactly one file, and every file must be named by some string in the code (a name may pass through a table
first, such as the cell queries of `pipelines.publish.cells`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from pipelines.core.config import REPO_ROOT, SQL_DIR
from pipelines.publish import cells
from pipelines.warehouse import sqlfiles

TIER = "pure"  # tests/conftest.py: the runner's tiers

LAYERS = {"ingest", "staging", "marts", "checks", "publish", "reports", "ops", sqlfiles.MIGRATIONS}
_SOURCES = sorted((REPO_ROOT / "pipelines").rglob("*.py"))
_LOOKUPS = {"sql", "render"}  # pipelines.warehouse.sqlfiles's, also imported through pipelines.warehouse.connection
_FROM = {"pipelines.warehouse.sqlfiles", "pipelines.warehouse.connection"}
# Files that hold more than one statement, and why.
SEVERAL = {
    "publish_record": 2,  # pipelines/publish/charts/editions.py runs its two INSERTs one by one, split on ";"
}


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in _SOURCES}


def _named_in_calls(tree: ast.Module) -> list[tuple[str, int]]:
    """The literal names the module passes to `sql(…)` / `render(…)` (imported, or through `sqlfiles.`)."""
    local = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in _FROM
        for a in node.names
        if a.name in _LOOKUPS
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        f = node.func
        ours = (isinstance(f, ast.Name) and f.id in local) or (
            isinstance(f, ast.Attribute) and f.attr in _LOOKUPS and isinstance(f.value, ast.Name)
            and f.value.id == "sqlfiles"
        )  # fmt: skip
        first = node.args[0]
        if ours and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((first.value, node.lineno))
    return found


def _strings(tree: ast.Module) -> set[str]:
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_files_sit_in_the_layer_folders() -> None:
    loose = sorted(p.name for p in SQL_DIR.glob("*.sql"))
    assert not loose, f"SQL files directly in sql/ (put each in its layer's folder): {loose}"
    folders = {p.name for p in SQL_DIR.iterdir() if p.is_dir()}
    assert folders <= LAYERS, f"unknown folders under sql/: {sorted(folders - LAYERS)}"
    assert not [p for p in SQL_DIR.rglob("*") if p.is_file() and p.suffix != ".sql"]


def test_no_two_files_share_a_name() -> None:
    twice = {n: [str(p.relative_to(SQL_DIR)) for p in ps] for n, ps in sqlfiles.files().items() if len(ps) > 1}
    assert not twice, f"names must be unique under sql/: {twice}"


def test_every_name_in_the_code_finds_exactly_one_file() -> None:
    calls = [(p, n, line) for p, tree in _trees().items() for n, line in _named_in_calls(tree)]
    assert len(calls) > 50  # the scan sees the code's lookups
    index = sqlfiles.files()
    wrong = [f"{p.relative_to(REPO_ROOT)}:{line} {n!r}" for p, n, line in calls if len(index.get(n, [])) != 1]
    assert not wrong, f"names that do not find exactly one file under sql/: {wrong}"
    for name in {n for _, n, _ in calls}:
        assert sqlfiles.path(name).parent.parent == SQL_DIR


def test_every_file_is_used_by_the_code() -> None:
    strings = set().union(*map(_strings, _trees().values()))
    unused = sorted(str(ps[0].relative_to(SQL_DIR)) for n, ps in sqlfiles.files().items() if n not in strings)
    assert not unused, f"SQL files no code names (dead?): {unused}"


def test_each_file_holds_one_statement() -> None:
    counts = {}
    for name, (path,) in sqlfiles.files().items():
        # `$identifier`s (filled in by render) become a quoted name, so the text parses as it will run.
        text = re.sub(r"\$([A-Za-z_]\w*)", '"x"', path.read_text(encoding="utf-8"))
        counts[name] = len(duckdb.extract_statements(text))
    wrong = {n: c for n, c in counts.items() if c != SEVERAL.get(n, 1)}
    assert not wrong, f"statements per file (one each, unless listed in SEVERAL): {wrong}"


def test_a_name_with_no_file_or_two_is_one_clear_error(tmp_path: Path) -> None:
    for folder in ("checks", "ops", "migrations"):
        (tmp_path / folder).mkdir()
    (tmp_path / "checks" / "twice.sql").write_text("SELECT 1")
    (tmp_path / "ops" / "twice.sql").write_text("SELECT 2")
    (tmp_path / "ops" / "once.sql").write_text("SELECT 3")
    (tmp_path / "migrations" / "001_once.sql").write_text("SELECT 4")
    assert sqlfiles.path("once", tmp_path) == tmp_path / "ops" / "once.sql"
    with pytest.raises(sqlfiles.SqlFileError, match=r"'twice'.*checks/twice\.sql, .*ops/twice\.sql"):
        sqlfiles.path("twice", tmp_path)
    with pytest.raises(sqlfiles.SqlFileError, match=r"'missing'.*found none"):
        sqlfiles.path("missing", tmp_path)
    with pytest.raises(sqlfiles.SqlFileError, match="001_once"):  # migrations are not looked up by name
        sqlfiles.path("001_once", tmp_path)
    with pytest.raises(sqlfiles.SqlFileError, match="no_such_statement"):
        sqlfiles.sql("no_such_statement")


def test_lookups_read_the_file_from_its_folder() -> None:
    assert sqlfiles.path("cells_read") == SQL_DIR / "publish" / "cells_read.sql"
    assert sqlfiles.sql("cells_read") == (SQL_DIR / "publish" / "cells_read.sql").read_text(encoding="utf-8")
    assert '"raw"."transactions"' in sqlfiles.render("raw_version", raw="raw.transactions")


def test_the_cells_fingerprint_reads_every_cell_query() -> None:
    """A change to any `cells_*` query builds the cells again (`pipelines.publish.cells.CELL_SOURCES`)."""
    queries = {ps[0] for n, ps in sqlfiles.files().items() if n.startswith("cells_")}
    assert queries and queries == {p for p in cells.CELL_SOURCES if p.suffix == ".sql"}
