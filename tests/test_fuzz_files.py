"""One bad file never stops the others (issue 28): hundreds of seeded mutations of the sample's landing files —
cut short, bytes flipped, NULs, a header lost or doubled, other separators and encodings, mixed line endings,
damaged or missing zip members (`pipelines.bench.mutate`) — through `sentra check` and through an ingest by
`sentra run`. No file gives a traceback or an internal error, `sentra check` gives each file its own verdict, and
the ingest records or rejects every file, a rejected one with its reason and an `.error.txt`. More seeds run in
`make bench` (`python -m pipelines.bench.mutate`).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import run_env

from pipelines.bench import mutate
from pipelines.core.errors import EXIT_HELD, EXIT_REJECTED_FILES

TIER = "e2e"  # tests/conftest.py: the runner's tiers
SEED, PER_FILE = 2026, 14
SENTRA = str(Path(sys.executable).with_name("sentra"))


@pytest.fixture(scope="module")
def mutated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("fuzz")
    base = root / "base"
    sample = [SENTRA, "sample", "--messy", "--out", str(base), "--from", "2025-03-01", "--to", "2025-03-02"]
    subprocess.run([*sample, "--producers", "20"], check=True, capture_output=True)
    landing = root / "data" / "landing"
    files = mutate.write(base, landing, SEED, PER_FILE)
    assert len(files) >= 200, len(files)  # hundreds of cases, all different
    return root, files


def _clean(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text, text[-3000:]


def test_sentra_check_gives_every_mutated_file_its_own_verdict(mutated: tuple[Path, list[Path]]) -> None:
    root, files = mutated
    done = subprocess.run(
        [SENTRA, "check", "--json", *map(str, files)],
        capture_output=True,
        text=True,
        env=run_env(root / "data", root / "home"),
    )
    _clean(done.stderr)
    assert done.returncode in (0, EXIT_REJECTED_FILES), done.stderr[-2000:]
    reports = json.loads(done.stdout)["files"]
    assert [r["file"] for r in reports] == [str(f) for f in files]
    for r in reports:
        assert r["refused"] or r["rows"], r  # refused with a reason, or read
    assert sum(1 for r in reports if r["refused"]) > len(reports) // 3  # the damage is real: many are refused


def test_an_ingest_records_or_rejects_every_mutated_file(mutated: tuple[Path, list[Path]]) -> None:
    root, files = mutated
    shas = {hashlib.sha256(f.read_bytes()).hexdigest(): f for f in files}
    (root / "home").mkdir(exist_ok=True)
    (root / "home" / "dagster.yaml").write_text((Path(__file__).parent.parent / "dagster.yaml").read_text())
    done = subprocess.run(
        [SENTRA, "run", "--from", "2025-03-01", "--to", "2025-03-02"],
        capture_output=True,
        text=True,
        env=run_env(root / "data", root / "home"),
        timeout=900,
    )
    _clean(done.stdout + done.stderr)
    assert done.returncode in (0, EXIT_REJECTED_FILES, EXIT_HELD), done.stdout[-3000:] + done.stderr[-3000:]
    con = duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True)
    try:
        recorded = {r[0] for r in con.execute("SELECT sha256 FROM raw.files").fetchall()}
        rejected = dict(con.execute("SELECT sha256, reason FROM raw.rejected_files").fetchall())
    finally:
        con.close()
    missing = [str(f) for sha, f in shas.items() if sha not in recorded and sha not in rejected]
    assert missing == []  # every file is either ingested or rejected, none lost and none stopping the rest
    assert recorded and rejected  # both happen: the good survive the bad
    assert all(reason.strip() for reason in rejected.values())
    errors = list((root / "data" / "landing" / "rejected").rglob("*.error.txt"))
    assert len(errors) == len(rejected)  # each rejected file is kept with its reason beside it
