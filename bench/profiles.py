"""The embedded profile against the scale profile on this machine, in one run (docs/BENCHMARKS.md, "Profiles").

1. a year of Kota Bekasi days: the demo's messy sample, `sentra run` over 2025;
2. one day of N rows (10M by default) split into 10 files, on the scale profile with 2 Celery workers (or each
   count in `--workers 1 2 4`: ingest seconds per worker count);
3. Dagster instance events per second: SQLite, PostgreSQL direct, PostgreSQL through PgBouncer (session
   pool), and through PgBouncer with `synchronous_commit=off` on Dagster's database.

Each case runs `sentra run` as a user does, in a subprocess, with a fresh warehouse and instance per profile;
the scale profile's services (PostgreSQL, PgBouncer, Redis, two Celery workers) are started here. The two
profiles' marts are compared byte for byte (`pipelines.scale.compare`); a difference fails the benchmark.

    .venv/bin/python bench/profiles.py [--rows 10000000] [--workers 2] [--skip-year] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import dagster as dg

from pipelines.bench.contenders import FILE_NAME, generate
from pipelines.bench.measure import measure
from pipelines.core.config import REPO_ROOT
from pipelines.scale.compare import dump_marts
from pipelines.scale.services import Services

SENTRA = [sys.executable, "-m", "pipelines.cli"]
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}  # events stored, not printed
DAY = date(2025, 6, 11)


def _embedded(folder: Path) -> dict[str, str]:
    home = folder / "dagster_home"
    home.mkdir(parents=True)
    shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRA_", "DAGSTER_"))}
    return {**env, "SENTRA_DATA_DIR": str(folder / "data"), "DAGSTER_HOME": str(home), "GX_ANALYTICS_ENABLED": "false"}


def _run(env: dict[str, str], first: date, last: date, folder: Path) -> dict[str, object]:
    timings = folder / "timings.json"
    cmd = [*SENTRA, "run", "--from", first.isoformat(), "--to", last.isoformat(), "--timings", str(timings)]
    m = measure(cmd, env, folder / "run.log")
    if m.returncode != 0:
        raise SystemExit(f"sentra run failed in {folder}: {m.output.strip()[-1500:]}")
    steps = json.loads(timings.read_text())["steps"]
    by_job: dict[str, float] = {}
    for s in steps:
        by_job[s["job"]] = round(by_job.get(s["job"], 0.0) + s["seconds"], 1)
    return {"seconds": round(m.seconds, 1), "peak_rss_mb_cli": round(m.peak_rss_bytes / 2**20), "step_seconds": by_job}


def _case(
    services: Services, root: Path, name: str, landing: Path, first: date, last: date, workers: tuple[int, ...] = (2,)
) -> dict[str, object]:
    """One landing folder through the embedded profile, then the scale profile with each number of Celery
    workers in `workers` (a new lake and instance each); every profile's marts must be identical."""
    results: dict[str, object] = {}
    emb = root / name / "embedded"
    env = _embedded(emb)
    shutil.copytree(landing, emb / "data" / "landing")
    print(f"{name}: embedded …", flush=True)
    results["embedded"] = _run(env, first, last, emb)
    expected = dump_marts(env)
    shutil.rmtree(emb / "data" / "landing")
    by_workers: dict[str, object] = {}
    for n in workers:
        sc = root / name / f"scale{n}"
        scale_env = {**_embedded(sc), **services.profile(sc / "data", sc / "dagster_home", f"{name}_w{n}")}
        scale_env["SENTRA_PARALLEL_RUNS"] = str(n)
        shutil.copytree(landing, sc / "data" / "landing")
        services.workers = n
        services.start_workers(scale_env)
        try:
            print(f"{name}: scale, {n} worker(s) …", flush=True)
            by_workers[str(n)] = _run(scale_env, first, last, sc)
        finally:
            services.stop_workers()
        got = dump_marts(scale_env)
        if got != expected:
            differ = sorted(k for k in expected if got.get(k) != expected[k])
            raise SystemExit(f"{name}: the scale profile's marts ({n} workers) differ in {differ}")
        shutil.rmtree(sc / "data" / "landing")
    results["scale"] = by_workers[str(workers[0])] if len(workers) == 1 else by_workers
    results["marts_identical"] = True
    shutil.rmtree(root / name, ignore_errors=True)
    return results


def _split(landing: Path, files: int) -> None:
    """The one generated day file as `files` files of about equal rows (each with the header)."""
    path = landing / "transactions" / FILE_NAME.format(day=DAY.isoformat())
    with path.open("rb") as src:
        header = src.readline()
        lines = sum(1 for _ in src)
    per = -(-lines // files)
    with path.open("rb") as src:
        src.readline()
        for n in range(files):
            with (path.parent / f"transactions_{DAY}_part{n + 1:02d}.csv").open("wb") as out:
                out.write(header)
                for _ in range(per):
                    line = src.readline()
                    if not line:
                        break
                    out.write(line)
    path.unlink()


def _events_per_second(services: Services, root: Path, runs: int = 20) -> dict[str, float]:
    """Runs of a four-asset no-op job in process against each instance storage: events written per second."""

    @dg.asset
    def a() -> None: ...
    @dg.asset(deps=[a])
    def b() -> None: ...
    @dg.asset(deps=[b])
    def c() -> None: ...
    @dg.asset(deps=[c])
    def d() -> None: ...

    pg = services.postgres.port
    storages = {
        "sqlite": None,
        "postgres_direct": f"postgresql+psycopg2://postgres@127.0.0.1:{pg}/events_direct",
        "pgbouncer": f"postgresql+psycopg2://postgres@127.0.0.1:{services.bouncer_port}/events_bouncer",
        "pgbouncer_sync_off": f"postgresql+psycopg2://postgres@127.0.0.1:{services.bouncer_port}/events_async",
    }
    services.postgres.create_databases("events_direct", "events_bouncer", "events_async")
    services.postgres.execute("ALTER DATABASE events_async SET synchronous_commit = off")
    out = {}
    for name, url in storages.items():
        home = root / f"events_{name}"
        home.mkdir(parents=True)
        if url is None:
            shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
        else:
            shutil.copyfile(REPO_ROOT / "pipelines" / "scale" / "dagster.yaml", home / "dagster.yaml")
            os.environ["SENTRA_DAGSTER_PG_URL"] = url
        with dg.DagsterInstance.from_config(str(home)) as instance:
            started = time.perf_counter()
            ids = [dg.materialize([a, b, c, d], instance=instance, run_config=QUIET).run_id for _ in range(runs)]
            seconds = time.perf_counter() - started
            events = sum(len(instance.all_logs(i)) for i in ids)
        out[name] = {"events": events, "seconds": round(seconds, 2), "events_per_s": round(events / seconds, 1)}
        print(f"events: {name} {out[name]}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--event-runs", type=int, default=20, help="runs of the no-op job per instance storage")
    ap.add_argument("--skip-year", action="store_true")
    ap.add_argument("--skip-day", action="store_true")
    ap.add_argument(
        "--workers", type=int, nargs="+", default=[2], help="the scale profile's Celery workers for the day (1 2 4)"
    )
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sentra-profiles-"))
    figures: dict[str, object] = {"machine": {"cpus": os.cpu_count(), "load_at_start": os.getloadavg()}}
    services = Services(root / "services")
    try:
        services.start_databases()
        figures["events"] = _events_per_second(services, root, args.event_runs)
        if not args.skip_year:
            year = root / "year_landing"
            subprocess.run([*SENTRA, "sample", "--messy", "--out", str(year), "--from", "2025-01-01",
                            "--to", "2025-12-31"], check=True, capture_output=True)  # fmt: skip
            figures["year"] = _case(services, root, "year", year, date(2025, 1, 1), date(2025, 12, 31))
        if not args.skip_day:
            day = root / "day_landing"
            generate(day, args.rows, DAY)
            _split(day, args.files)
            figures["day"] = {"rows": args.rows, "files": args.files,
                              **_case(services, root, "day", day, DAY, DAY, tuple(args.workers))}  # fmt: skip
    finally:
        services.stop()
        figures["machine"]["load_at_end"] = os.getloadavg()
        shutil.rmtree(root, ignore_errors=True)
    text = json.dumps(figures, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
