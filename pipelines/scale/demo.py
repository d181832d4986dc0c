"""`make scale-demo`: the demo year on the scale profile, with every service started here and stopped at the end.

PostgreSQL (Dagster's storage through PgBouncer, and the lake's catalog), Redis, two Celery workers, the
Dagster daemon and UI; then `sentra sample` and `sentra run` exactly as `make demo` runs them, but with the
scale profile's settings. Ctrl-C, or the end of the run, stops everything (by pid) and leaves the folder.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.scale.services import Service, free_port, running


def _sentra(args: list[str], env: dict[str, str]) -> int:
    return subprocess.run([str(Path(sys.executable).parent / "sentra"), *args], env=env).returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="scale-demo", description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="start", default="2025-01-01")
    ap.add_argument("--to", dest="end", default="2025-12-31")
    ap.add_argument(
        "--folder", type=Path, default=None, help="where services and data live (default: a new temp folder)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the services and UI up after the run, until Ctrl-C")
    args = ap.parse_args(argv)
    folder = (args.folder or Path(tempfile.mkdtemp(prefix="sentra-scale-"))).resolve()
    data, home = folder / "data", folder / "dagster_home"
    # Ctrl-C (even when started from a shell that ignores SIGINT for background jobs) and SIGTERM both stop
    # everything through the same `finally` blocks.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with running(folder / "services", data, home) as (services, env):
            full = {**os.environ, **env}
            ui_port = free_port()
            bin_dir = Path(sys.executable).parent
            ui = Service("Dagster UI", folder / "webserver.log")
            ui.start(
                [
                    str(bin_dir / "dagster-webserver"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(ui_port),
                    "-m",
                    "pipelines.definitions",
                ],
                ui_port,
                full,
            )
            daemon = Service("Dagster daemon", folder / "daemon.log")
            daemon.start([str(bin_dir / "dagster-daemon"), "run", "-m", "pipelines.definitions"], None, full)
            try:
                print(f"scale profile up in {folder}", flush=True)
                print(f"  Dagster UI:  http://127.0.0.1:{ui_port}", flush=True)
                print(f"  PostgreSQL:  127.0.0.1:{services.postgres.port} (PgBouncer {services.bouncer_port})")
                print(f"  Redis:       127.0.0.1:{services.redis_port}; Celery workers: {len(services.celery)}")
                print(f"  warehouse:   {env['SENTRA_WAREHOUSE']} (Parquet in {env['SENTRA_LAKE_DATA_PATH']})")
                started = time.perf_counter()
                code = _sentra(
                    ["sample", "--messy", "--out", str(data / "landing"), "--from", args.start, "--to", args.end], full
                )
                code = code or _sentra(["run", "--from", args.start, "--to", args.end], full)
                print(f"scale demo finished with exit code {code} in {time.perf_counter() - started:.0f} s", flush=True)
                if args.keep:
                    print(f"the UI stays up at http://127.0.0.1:{ui_port}: Ctrl-C stops everything", flush=True)
                    signal.pause()
            finally:
                daemon.stop()
                ui.stop()
    except KeyboardInterrupt:
        print("stopped: every service is down", flush=True)
        return 130
    print("every service is down", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
