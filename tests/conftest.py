"""Shared fixtures: every test gets its own data folder, warehouse and Dagster instance."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import hypothesis
import pytest

from models.contracts import CONTRACTS

if TYPE_CHECKING:
    from pipelines.scale.services import Services

# The publication gate (docs/CHECKS.md) holds a day when more than 10 % of its rows are in quarantine or fewer than
# 10 % of producers reported. The tests' samples are tiny (2 to 40 producers, a handful of rows a day) and dirty on
# purpose (up to 5 %, to exercise the quarantine): a day of 6 rows with one bad is 17 %. Held, such days would hide
# what those tests check. So the gate's two thresholds are off here, read once when the definitions load; every
# other blocking check stays on. The gate's own tests set its thresholds themselves (production defaults in
# tests/test_publication_gate.py, explicit ones in tests/test_quality_gate.py and tests/test_checks_fail.py).
GATE_OFF = {
    "max_quarantine_share": 1.0,
    "min_daily_coverage_to_publish": 0.0,
    "min_monthly_exporter_coverage_to_publish": 0.0,
}
os.environ["SENTRA_QUALITY"] = json.dumps(GATE_OFF)
# Under pytest-xdist each worker (and the `sentra` processes it starts) takes its share of the cores for DuckDB.
if workers := int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0")):
    os.environ["SENTRA_DUCKDB_THREADS"] = str(max(1, (os.cpu_count() or 1) // workers))

# Hypothesis fails an example slower than 200 ms by default: a timed test, which a loaded machine fails
# (a date-parsing example took 258 ms beside a CI run). Speed is measured by `make bench`, never by tests.
hypothesis.settings.register_profile("sentra", deadline=None)
hypothesis.settings.load_profile("sentra")

HEADERS = {source: list(contract.names) for source, contract in CONTRACTS.items()}

# A small registry used by most tests: two producers in different kecamatan and categories.
REGISTRY = [
    [
        "P1",
        "UD Boneka Ceria",
        "1234567890123",
        "Bekasi Barat",
        "Bintara",
        "boneka",
        "32400",
        "2020-01-01",
        "ya",
    ],
    [
        "P2",
        "CV Mina Hias",
        "1234567890124",
        "Rawalumbu",
        "Bojong Rawalumbu",
        "ikan_hias",
        "03225",
        "2021-05-01",
        "true",
    ],
]

WriteLanding = Callable[..., Path]


def _skip_reason(longrepr: object) -> str:
    text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return text.removeprefix("Skipped: ")


TIERS = ("pure", "pipeline", "e2e", "browser", "scale")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is in one tier: its own mark (`browser`, `e2e`, `scale`), else its module's `TIER`. `-m pure`,
    `-m "pure or pipeline"` (make test-fast) and the like select by it; a test in no tier fails the collection.

    Under pytest-xdist (`--dist loadgroup`) a module's tests stay on one worker, so its module fixtures are built
    once; modules that start from the same session build (`GROUP`) stay together too. The costliest tiers go
    first, so the two workers end close together."""
    for item in items:
        group = getattr(item.module, "GROUP", item.module.__name__)
        item.add_marker(pytest.mark.xdist_group(group))
        marked = [m.name for m in item.iter_markers() if m.name in TIERS]
        if not marked:
            tier = getattr(item.module, "TIER", None)
            if tier not in TIERS:
                raise pytest.UsageError(f"{item.nodeid}: in no tier; set TIER in its module to one of {TIERS}")
            item.add_marker(tier)
        elif len(set(marked)) > 1:
            raise pytest.UsageError(f"{item.nodeid}: in several tiers {sorted(set(marked))}")
    cost = {"scale": 0, "e2e": 1, "browser": 1, "pipeline": 2, "pure": 3}
    items.sort(key=lambda item: cost[getattr(item.module, "TIER", "scale")])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """Under CI=true nothing may skip: a skipped test (a marker, `pytest.skip`, a missing tool) fails instead."""
    from tools import in_ci

    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and in_ci():
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run every test: {_skip_reason(report.longrepr)}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> pytest.CollectReport:
    """The same for a whole module skipped at collection (`pytest.importorskip`, `allow_module_level=True`)."""
    from tools import in_ci

    report = yield
    if report.skipped and in_ci():
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run every test: {_skip_reason(report.longrepr)}"
    return report


@pytest.fixture(scope="session")
def instance_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty persistent Dagster instance (the repo's dagster.yaml), made once: creating its SQLite storage
    takes a second, copying it a few milliseconds."""
    import dagster as dg

    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copyfile(Path(__file__).parent.parent / "dagster.yaml", home / "dagster.yaml")
    dg.DagsterInstance.from_config(str(home)).dispose()
    return home


TEST_SETTINGS = {
    # Crafted cases use small round amounts (Rp100); the plausible-sale bounds have their own tests
    # (tests/test_layouts.py), which clear this.
    "SENTRA_INGEST": '{"sale_min_idr": {"*": 1}}',
}


def run_env(data: Path, home: Path) -> dict[str, str]:
    """The environment of a `sentra` process for a data folder and a Dagster home of its own, as in a test."""
    env = {k: v for k, v in os.environ.items() if k != "SENTRA_WAREHOUSE"}
    return {**env, **TEST_SETTINGS, "SENTRA_DATA_DIR": str(data), "DAGSTER_HOME": str(home)}


@pytest.fixture(scope="session")
def warehouse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty warehouse with every migration applied, made once (0.4 s each time otherwise)."""
    from pipelines.warehouse.connection import connect

    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    connect(str(path)).close()
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instance_template: Path, warehouse_template: Path,
             request: pytest.FixtureRequest) -> Path:  # fmt: skip
    """SENTRA_DATA_DIR and DAGSTER_HOME in a temporary folder: tests never touch data/ or .dagster/. A test of
    the `pipeline` tier starts with an empty migrated warehouse (a copy), unless its module says
    `WAREHOUSE = False` (it starts from none)."""
    data = tmp_path / "data"
    (data / "landing").mkdir(parents=True)
    if getattr(request.module, "TIER", None) == "pipeline" and getattr(request.module, "WAREHOUSE", True):
        shutil.copyfile(warehouse_template, data / "warehouse.duckdb")
    home = tmp_path / "dagster_home"
    shutil.copytree(instance_template, home)
    monkeypatch.delenv("SENTRA_WAREHOUSE", raising=False)
    for name, value in {**TEST_SETTINGS, "SENTRA_DATA_DIR": str(data), "DAGSTER_HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    return data


@dataclass(frozen=True)
class Built:
    """A data folder and Dagster home built once for many tests (a session or module fixture), and what the
    command that built them printed. `copy_into` gives a test its own copy (milliseconds, not a pipeline run)."""

    data: Path
    home: Path
    output: str = ""
    codes: tuple[int, ...] = ()  # each command's exit status

    def copy_into(self, data: Path) -> Path:
        """Replace the test's data folder and Dagster home (`isolated`) with copies of these; return the data."""
        home = Path(os.environ["DAGSTER_HOME"])
        for source, target in ((self.data, data), (self.home, home)):
            shutil.rmtree(target)
            shutil.copytree(source, target)
        return data


def build_in_process(root: Path, template: Path, build: Callable[[Path], object]) -> tuple[Built, object]:
    """Run `build(data)` (the real assets, in this process) once in a fresh data folder and Dagster home under
    `root`, as a test would, on an in-memory instance; return the folders and what `build` returned."""
    import dagster as dg
    import helpers

    data, home = root / "data", root / "dagster_home"
    (data / "landing").mkdir(parents=True)
    shutil.copytree(template, home)
    ephemeral = dg.DagsterInstance.ephemeral()
    helpers.EPHEMERAL.append(ephemeral)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("SENTRA_WAREHOUSE", raising=False)
            for name, value in {**TEST_SETTINGS, "SENTRA_DATA_DIR": str(data), "DAGSTER_HOME": str(home)}.items():
                patch.setenv(name, value)
            result = build(data)
    finally:
        helpers.EPHEMERAL.remove(ephemeral)
        ephemeral.dispose()
    return Built(data, home), result


def build_once(root: Path, template: Path, landing: Path | None, *commands: list[str],
               settings: dict[str, str] | None = None) -> Built:  # fmt: skip
    """Run `sentra` commands in a fresh data folder (with a copy of `landing`) and Dagster home under `root`;
    `settings`: environment variables of these runs (say, the production thresholds of the gate)."""
    data, home = root / "data", root / "dagster_home"
    data.mkdir(parents=True)
    if landing is not None:
        shutil.copytree(landing, data / "landing")
    shutil.copytree(template, home)
    exe, output = str(Path(sys.executable).with_name("sentra")), []
    env = {**run_env(data, home), **(settings or {})}
    codes = []
    for args in commands:
        done = subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=900)
        assert done.returncode in (0, 3, 4), f"sentra {' '.join(args)}: {done.stdout}{done.stderr}"
        output.append(done.stdout)
        codes.append(done.returncode)
    return Built(data, home, "".join(output), tuple(codes))


@pytest.fixture
def write_landing(isolated: Path) -> WriteLanding:
    """Write a landing CSV with the contract header; `mtime` orders files the way ingestion does."""
    counter = iter(range(1_000_000))

    def _write(source: str, name: str, rows: Sequence[Sequence[object]], header: Sequence[str] | None = None,
               mtime: float | None = None) -> Path:  # fmt: skip
        folder = isolated / "landing" / source
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header or HEADERS[source])
            w.writerows(rows)
        stamp = mtime if mtime is not None else 1_700_000_000 + next(counter) * 10
        os.utime(path, (stamp, stamp))
        return path

    return _write


@pytest.fixture(autouse=True)
def dagster_instance(isolated: Path, request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests run the real assets on an in-memory Dagster instance, unless their module reads run history
    (`HISTORY = True`: sensors, alerts, `sentra status`), which gets the persistent one under DAGSTER_HOME."""
    import dagster as dg
    import helpers

    if getattr(request.module, "HISTORY", False):
        yield
        return
    ephemeral = dg.DagsterInstance.ephemeral()
    helpers.EPHEMERAL.append(ephemeral)
    try:
        yield
    finally:
        helpers.EPHEMERAL.remove(ephemeral)
        ephemeral.dispose()


@pytest.fixture(scope="session")
def month_run(tmp_path_factory: pytest.TempPathFactory, instance_template: Path) -> Built:
    """January 2025 of the sample (40 producers, its usual dirt) through `sentra run` at the publication gate's
    production thresholds, built once: what the crawler (tests/test_serve.py) and the gate's end-to-end test
    (tests/test_publication_gate.py) start from, each on a copy."""
    root = tmp_path_factory.mktemp("month_run")
    landing = str(root / "data" / "landing")
    return build_once(
        root, instance_template, None,
        ["sample", "--out", landing, "--from", "2025-01-01", "--to", "2025-01-31", "--producers", "40"],
        ["run", "--from", "2025-01-01", "--to", "2025-01-31"],
        settings={"SENTRA_QUALITY": "{}"},
    )  # fmt: skip


@pytest.fixture(scope="session")
def fourteen_months(tmp_path_factory: pytest.TempPathFactory, instance_template: Path) -> Built:
    """March 2024 to April 2025 of the sample (two Lebarans, a year-on-year for every month of 2025) through
    `sentra run`, built once: what the recomputed changes (tests/test_recomputed_changes.py) and the print-ready
    editions and portal (tests/test_print_ready.py) read. Read-only: a test that writes copies it first."""
    root = tmp_path_factory.mktemp("fourteen_months")
    landing = str(root / "data" / "landing")
    return build_once(
        root, instance_template, None,
        ["sample", "--out", landing, "--from", "2024-03-01", "--to", "2025-04-30"],
        ["run", "--from", "2024-03-01", "--to", "2025-04-30"],
    )  # fmt: skip


# --- The scale profile's fixtures (tests/test_scale.py, tests/test_scale_faults.py): each module gets its own
# services and reference, so both pytest-xdist workers run scale tests at once. Helpers: tests/scale_support.py.


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Services]:
    """PostgreSQL, PgBouncer and Redis for the module, and `CELERY_WORKERS` (module setting, default 2) workers."""
    from pipelines.scale.services import Services

    svc = Services(tmp_path_factory.mktemp("services"), workers=getattr(request.module, "CELERY_WORKERS", 2))
    try:
        svc.start_databases()
        yield svc
    finally:
        svc.stop()


@pytest.fixture(scope="module")
def scale_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scale tests' landing folder: two weeks across Lebaran 2025 and a month's end, with dirt."""
    from scale_support import END, START

    folder = tmp_path_factory.mktemp("sample") / "landing"
    exe = Path(sys.executable).with_name("sentra")
    subprocess.run([str(exe), "sample", "--out", str(folder), "--from", START, "--to", END, "--producers", "120",
                    "--seed", "7", "--dirty-rate", "0.05"], check=True, capture_output=True)  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def reference(scale_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The embedded profile on the sample, then after the late files: each run's marts."""
    from scale_support import END, START, embedded_env, late_files, sentra

    from pipelines.scale.compare import dump_marts

    folder = tmp_path_factory.mktemp("embedded")
    shutil.copytree(scale_sample, folder / "data" / "landing")
    env = embedded_env(folder)
    done = sentra("run", "--from", START, "--to", END, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    first = dump_marts(env)
    late_files(folder / "data" / "landing")
    done = sentra("run", "--from", START, "--to", END, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"first": first, "late": dump_marts(env), "log": done.stdout}


_SCALE_PROFILES = iter(range(1000))  # each test's own databases on the module's services


@pytest.fixture
def scale(services: Services, scale_sample: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A new scale profile (own databases, instance and data folder) with the sample landed, two workers up."""
    folder = tmp_path / "scale"  # tmp_path/data is the embedded profile's (conftest.isolated)
    env = {**os.environ, **services.profile(folder / "data", folder / "dagster_home", f"t{next(_SCALE_PROFILES)}")}
    shutil.copytree(scale_sample, folder / "data" / "landing")
    services.start_workers(env)
    try:
        yield env
    finally:
        services.stop_workers()
