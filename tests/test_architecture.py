"""The tree's architecture holds: packages depend one way (no cycle, not even through an import inside a
function), `pipelines/` has few top-level modules, and no module grows past what one reads in a sitting."""

from __future__ import annotations

import ast
from pathlib import Path

TIER = "pure"  # tests/conftest.py: the runner's tiers

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: a package may import those before it (and itself), never one after it (docs/ARCHITECTURE.md).
LAYERS = (
    "models",
    "pipelines.core",
    "pipelines.warehouse",
    "pipelines.ingest",
    "pipelines.transform",
    "pipelines.quality",
    "pipelines.publish",
    "pipelines.assets",
    "pipelines.scale",
    "pipelines.orchestration",
    "pipelines.alerts",
    "pipelines.definitions",
    "pipelines.sample",
    "pipelines.bench",
    "pipelines.cli",
)
MAX_TOP_LEVEL_MODULES = 8
MAX_LINES = 500


def _package(module: str) -> str:
    return next((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), module)


def _modules() -> dict[str, Path]:
    out = {}
    for path in [*(ROOT / "pipelines").rglob("*.py"), *(ROOT / "models").rglob("*.py")]:
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(path: Path, known: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # every import, in functions too
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        found |= {n for n in names if n in known}
    return found


def test_packages_depend_one_way() -> None:
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        mine = _package(name)
        for target in _imports(path, set(modules)):
            theirs = _package(target)
            if theirs != mine and LAYERS.index(theirs) > LAYERS.index(mine):
                wrong.append(f"{name} imports {target} ({mine} may not depend on {theirs})")
    assert not wrong, "\n".join(sorted(wrong))


def test_every_module_is_in_a_layer() -> None:
    assert {_package(m) for m in _modules()} - {"pipelines"} <= set(LAYERS)


def test_few_top_level_modules_and_no_long_module() -> None:
    top = [p.name for p in (ROOT / "pipelines").glob("*.py")]
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    lines = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules().values()}
    assert not {path: n for path, n in lines.items() if n > MAX_LINES}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_crosses_modules() -> None:
    """A leading underscore means "this module's own": no other module imports it or reads it off the module."""
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: set[str] = set()  # names bound to one of our modules in this file
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in modules and node.level == 0:
                wrong += [f"{name} imports {node.module}.{a.name}" for a in node.names if _private(a.name)]
                aliases |= {a.asname or a.name for a in node.names if f"{node.module}.{a.name}" in modules}
            elif isinstance(node, ast.Import):
                aliases |= {a.asname for a in node.names if a.asname and a.name in modules}
        for node in ast.walk(tree):
            named = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            if named and node.value.id in aliases and _private(node.attr):
                wrong.append(f"{name} reads {node.value.id}.{node.attr}")
    assert not wrong, "\n".join(sorted(wrong))
