"""The `sentra` command: generate sample data and run the pipeline through Dagster, as a user does."""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from models.aliases import MARKETPLACES
from pipelines.core.errors import EXIT_FAILED, EXIT_USAGE, UserError, WarehouseLockedError
from pipelines.core.i18n import LANG_ENV, LANGS, cli_lang

CHECK_SOURCES = ("producers", "transactions", "exports", "fx_rates")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (use YYYY-MM-DD)") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sentra", description="Sentra: IKM economic-activity pipeline.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sample", help="write a realistic sample landing folder for Kota Bekasi")
    s.add_argument("--out", type=Path, required=True, help="landing folder to write (e.g. data/landing)")
    s.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    s.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    s.add_argument("--producers", type=int, default=300)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--dirty-rate", type=float, default=0.02, help="share of deliberately bad rows (0 to 0.5)")
    s.add_argument(
        "--messy",
        action="store_true",
        help="then rewrite the same records as real users send them: Bank Indonesia rate downloads, "
        "Shopee/Tokopedia/TikTok order exports, ';' CSVs, Excel with title rows",
    )

    r = sub.add_parser("run", help="ingest landing/ and build every asset for a range of days through Dagster")
    r.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    r.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    r.add_argument("--data-dir", type=Path, help="data folder (default: $SENTRA_DATA_DIR or data/)")
    r.add_argument("--lang", choices=LANGS, help="language of rejections (default: $SENTRA_LANG, else en)")
    r.add_argument(
        "--timings", type=Path, metavar="FILE", help="also write each step's Dagster run id and seconds to FILE as JSON"
    )
    qc = sub.add_parser("quality", help="checks and quarantine of a range of days, as a table")
    qc.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    qc.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    qc.add_argument("--data-dir", type=Path, help="data folder (default: $SENTRA_DATA_DIR or data/)")
    sv = sub.add_parser("serve", help="serve the portal (publish/) read-only over HTTP")
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: localhost only)")
    sv.add_argument("--port", type=int, default=8080)
    sv.add_argument("--data-dir", type=Path, help="data folder (default: $SENTRA_DATA_DIR or data/)")
    st = sub.add_parser("status", help="last run per job, freshness per source, blocked partitions, rejected files")
    st.add_argument("--data-dir", type=Path, help="data folder (default: $SENTRA_DATA_DIR or data/)")
    c = sub.add_parser("check", help="dry run: what ingesting each file would do (layout, rows); writes nothing")
    c.add_argument("files", nargs="+", metavar="FILE", help="landing file(s): csv, xlsx, parquet, jsonl")
    c.add_argument("--source", choices=CHECK_SOURCES, help="the source, when the path does not say it")
    c.add_argument("--marketplace", choices=sorted(MARKETPLACES), help="a marketplace export outside landing/ …")
    c.add_argument(
        "--producer", metavar="ID", help="… and the producer_id of its shop; alone: a file of the producer's own books"
    )
    c.add_argument("--data-dir", type=Path, help="data folder (default: $SENTRA_DATA_DIR or data/)")
    c.add_argument("--json", action="store_true", help="print a machine-readable report instead of text")
    c.add_argument(
        "--propose",
        action="store_true",
        help="print only the column mapping proposed for a producer's own books (to save as its sentra.toml)",
    )
    c.add_argument("--lang", choices=LANGS, help="language of the verdicts (default: $SENTRA_LANG, else en)")
    b = sub.add_parser("bench", help="one day of N transactions: Sentra vs a dbt peer, DuckDB floors, pandas")
    b.add_argument("--rows", type=int, default=10_000_000, help="transactions in the day's file (default 10,000,000)")
    b.add_argument("--repeat", type=int, default=1, help="runs of each contender; seconds are medians")
    b.add_argument("--json", type=Path, help="figures file (default: <data dir>/bench/sentra-bench-N.json)")
    b.add_argument("--out", type=Path, help="data folder to generate into and keep (default: a temporary one)")
    b.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    b.add_argument("--seed", type=int, default=0)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "sample":
            return _sample(args)
        if args.command == "bench":
            return _bench(args)
        if args.data_dir:
            os.environ["SENTRA_DATA_DIR"] = str(args.data_dir.resolve())
        if args.command in ("run", "check"):  # what the steps say to people, in the run's processes too
            try:
                os.environ[LANG_ENV] = cli_lang(args.lang)  # a wrong SENTRA_LANG: said now, not after the run
            except ValueError as exc:
                raise UserError(f"{LANG_ENV}: {exc}") from None
        if args.command == "serve":
            return _serve(args)
        if args.command == "check":
            from pipelines.cli import check

            return check.main(args, _echo)
        if args.command in ("status", "quality"):
            _require_data_dir()
        if args.command == "status":
            from pipelines.cli.status import status

            return status(_echo)
        if args.start > args.end:
            raise UserError(f"--from {args.start} is after --to {args.end}")
        if args.command == "quality":
            from pipelines.cli.quality import summarise

            return summarise(args.start, args.end, _echo)
        return _run(args)
    except UserError as exc:
        print(f"sentra: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except WarehouseLockedError as exc:  # a known condition of the warehouse: say it, and what to do
        print(f"sentra: {exc}; wait for the running step to finish, or stop it", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # a bug, not the user's input: one line, the traceback on request
        if os.environ.get("SENTRA_DEBUG"):
            raise
        print(f"sentra: internal error: {type(exc).__name__}: {exc} (set SENTRA_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_FAILED


def _require_data_dir() -> None:
    """A data folder that does not exist is a typo or a fresh clone: said in one line, not a table of nothing."""
    from pipelines.core.config import settings

    try:
        data = settings().data_dir
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if not data.is_dir():
        raise UserError(f"{data}: no such data folder (check --data-dir or SENTRA_DATA_DIR; `make demo` makes one)")


def _run(args: argparse.Namespace) -> int:
    from pipelines.cli.run import run_range
    from pipelines.core.config import settings

    try:
        s = settings()  # read once, here at the edge, and passed on
    except ValueError as exc:  # a wrong SENTRA_* value: one line naming it
        raise UserError(str(exc)) from None
    outcome = run_range(s, args.start, args.end, _echo)
    if args.timings:  # written whether the run succeeded or not: a failed step is the last, with "ok": false
        path = args.timings.resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        timings = {"from": args.start.isoformat(), "to": args.end.isoformat(), **outcome.to_json()}
        path.write_text(json.dumps(timings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return outcome.exit_code


def _serve(args: argparse.Namespace) -> int:
    from pipelines.core.config import settings
    from pipelines.publish.layout import upgrade
    from pipelines.publish.portal.serve import serve

    s = settings()
    publish = s.publish
    if not publish.is_dir():
        raise UserError(f"{publish}: nothing published yet (run `make demo` or `sentra run` first)")
    # An older Sentra left internal files (snapshot, quarantined rows) in publish/: move them out before serving.
    for line in upgrade(s):
        print(line, flush=True)
    try:
        serve(publish, args.host, args.port)
    except OSError as exc:
        raise UserError(f"cannot serve on {args.host}:{args.port} ({exc.strerror or exc})") from None
    return 0


def _bench(args: argparse.Namespace) -> int:
    from pipelines.bench import contenders

    try:
        contenders.run(args.rows, args.repeat, args.json, args.out, args.keep, args.seed, _echo)
    except contenders.BenchUsageError as exc:
        raise UserError(str(exc)) from None
    except contenders.BenchError as exc:
        print(f"sentra: bench failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def _echo(msg: str) -> None:
    print(msg, flush=True)


def _sample(args: argparse.Namespace) -> int:
    from pipelines.sample.generate import generate

    started = time.perf_counter()
    try:
        counts = generate(args.out, args.start, args.end, args.producers, args.seed, args.dirty_rate)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    rows = ", ".join(f"{k} {v:,}" for k, v in counts.items())
    _echo(f"wrote sample landing files to {args.out} in {time.perf_counter() - started:.1f} s ({rows})")
    if args.messy:
        from pipelines.sample.messy import messify

        started = time.perf_counter()
        try:
            rewritten = ", ".join(f"{k} {v:,}" for k, v in messify(args.out, args.seed).items())
        except ValueError as exc:
            raise UserError(str(exc)) from None
        _echo(f"rewrote them as real users send them in {time.perf_counter() - started:.1f} s ({rewritten})")
    return 0


def entry() -> None:
    """The `sentra` command. Everything a command writes is committed and closed when `main` returns, so the
    process ends there: Python's own teardown (Dagster's, Great Expectations' and DuckDB's modules) took 1.5 s."""
    # A run that hangs can be asked where it is: `kill -USR1 <pid>` prints every thread's stack to stderr
    # (docs/OPERATIONS.md). The scale tests do so before killing a run that hung. Here, not in `main`: a
    # caller of `main` in its own process (the tests) may have replaced stderr with one that has no file.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    code = main()
    logging.shutdown()  # what atexit would have flushed
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
