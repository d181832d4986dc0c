"""The tests of what changed since the last commit, for `make test-fast`: prints their files, one per line.

A test file is selected when it changed, or when it imports — itself or through the test helpers it imports —
a module of `pipelines/` or `models/` that changed or that imports one that changed (every import counts, those
inside functions too). A SQL file, template, catalogue or code list counts as a change of the modules that name
it. A change to what every test shares (conftest, pyproject.toml, the Makefile) selects every test file.
Nothing changed: nothing is printed.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipelines", "models")
SHARED = {"tests/conftest.py", "pyproject.toml", "Makefile", "requirements.lock", "dagster.yaml"}


def changed_paths() -> set[str]:
    def git(*args: str) -> list[str]:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [line for line in out.splitlines() if line]

    return set(git("diff", "--name-only", "HEAD")) | set(git("ls-files", "--others", "--exclude-standard"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """The known modules a file imports, anywhere in it (`from a.b import c` is a.b.c when that is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found |= {n for n in names if n in known}
    return found


def select(changed: set[str]) -> list[str]:
    tests = sorted((ROOT / "tests").glob("test_*.py"))
    if changed & SHARED:
        return [str(t.relative_to(ROOT)) for t in tests]
    sources = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    known = set(sources)
    graph = {name: imports(path, known) for name, path in sources.items()}
    texts = {name: path.read_text(encoding="utf-8") for name, path in sources.items()}
    touched = {module_name(ROOT / c) for c in changed if c.endswith(".py") and module_name(ROOT / c) in known}
    for c in changed:  # data the code reads by name: sql/x.sql, templates, catalogues, code lists
        if not c.endswith(".py") and c.split("/")[0] in ("sql", "pipelines", "models"):
            stem = Path(c).stem.split(".")[0]
            touched |= {name for name, text in texts.items() if f'"{stem}' in text or f"'{stem}" in text}
    affected = set(touched)
    while True:  # everything that imports an affected module, transitively
        more = {name for name, deps in graph.items() if deps & affected} - affected
        if not more:
            break
        affected |= more
    helpers = {p.stem: p for p in (ROOT / "tests").glob("*.py") if not p.stem.startswith("test_")}
    chosen = []
    for test in tests:
        local = {h for h in imports_local(test, set(helpers))}
        used = imports(test, known).union(*(imports(helpers[h], known) for h in local))
        mine = {str(test.relative_to(ROOT))} | {str(helpers[h].relative_to(ROOT)) for h in local}
        if used & affected or mine & changed:
            chosen.append(str(test.relative_to(ROOT)))
    return chosen


def imports_local(path: Path, helpers: set[str]) -> set[str]:
    """The test helper modules (tests/*.py) a test file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in helpers:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name in helpers}
    return names


if __name__ == "__main__":
    print("\n".join(select(changed_paths())))
