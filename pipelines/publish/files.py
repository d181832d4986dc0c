"""Writing published files: atomically, and CSV cells that a spreadsheet cannot run as formulas.

Every file or folder published is built aside under a temporary name, `.<name>.<pid>.<random>.tmp`, then
renamed into place. A run killed meanwhile leaves it behind: `remove_stale_temps` removes those whose process
is gone (or that are older than an hour) at the start of the next publish run.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from datetime import datetime
from pathlib import Path

import polars as pl

FORMULA_START = ("=", "+", "-", "@")
XLSX_CREATED = datetime(2024, 1, 1)
# A DuckDB file being built also has its write-ahead log beside it, named after it: `<file>.wal`.
TEMP_NAME = re.compile(r"\..+\.(?P<pid>\d+)\.[0-9a-f]+\.tmp(\.wal)?")
STALE_AFTER_S = 3600.0  # no temp file lives this long: older ones are stale even if their pid was reused


def temp_path(path: Path) -> Path:
    """A free hidden name beside `path` to build it under, naming this process (nothing is created)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def write_atomic(path: Path, payload: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        with tmp.open("xb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def remove_stale_temps(root: Path) -> list[Path]:
    """Remove the temporary files and folders under `root` that a killed run left; return them.

    A temporary of a live process is kept (a run writing now), unless it is older than any write takes.
    """
    removed = []
    now = time.time()
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            match = TEMP_NAME.fullmatch(name)
            path = Path(folder) / name
            try:
                if match is None or (_alive(int(match["pid"])) and now - path.lstat().st_mtime < STALE_AFTER_S):
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except FileNotFoundError:  # renamed into place or removed by its writer meanwhile
                continue
            removed.append(path)
        dirs[:] = [d for d in dirs if not TEMP_NAME.fullmatch(d)]
    return removed


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix a quote to text cells that start like a formula, so an opened download cannot run one."""
    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.starts_with(FORMULA_START[0]) | pl.col(c).str.contains(r"^[+\-@]"))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def csv_bytes(df: pl.DataFrame) -> bytes:
    """A table as CSV bytes (formulas neutralised, ISO dates): what every download of data uses."""
    return neutralise_formulas(df).write_csv(date_format="%Y-%m-%d").encode("utf-8")


def write_csv(df: pl.DataFrame, path: Path) -> None:
    write_atomic(path, csv_bytes(df))
