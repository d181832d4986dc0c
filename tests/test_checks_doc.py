"""docs/CHECKS.md lists every check declared on an asset, each with a test that exists and makes it fail."""

import ast
import re
from pathlib import Path

from helpers import DEFS

TIER = "pure"  # tests/conftest.py: the runner's tiers

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| `(?P<name>[a-z_]+)` \|.*\| (?P<tests>[^|]+) \|$")


def _documented() -> dict[str, list[str]]:
    rows = (ROW.match(line) for line in (ROOT / "docs" / "CHECKS.md").read_text(encoding="utf-8").splitlines())
    return {m["name"]: re.findall(r"`(tests/[\w/]+\.py::\w+)`", m["tests"]) for m in rows if m}


def _declared() -> set[str]:
    return {spec.name for asset in DEFS.assets or [] for spec in asset.check_specs}


def test_every_declared_check_is_documented_and_nothing_else() -> None:
    assert set(_documented()) == _declared()


def test_every_check_names_a_test_that_exists_and_asserts_on_it() -> None:
    for name, tests in _documented().items():
        assert tests, f"{name}: no test named"
        for ref in tests:
            path, function = ref.split("::")
            source = (ROOT / path).read_text(encoding="utf-8")
            found = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef) and n.name == function]
            assert found, f"{name}: {ref} does not exist"
            assert name in (ast.get_source_segment(source, found[0]) or ""), f"{name}: {ref} does not assert on it"
