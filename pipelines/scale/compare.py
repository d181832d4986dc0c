"""The marts of a profile, byte for byte: what "both profiles give identical marts" compares (tests, bench)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from pipelines.warehouse.connection import connect, render, sql

_PROFILE = ("SENTRA_DATA_DIR", "SENTRA_WAREHOUSE", "SENTRA_LAKE_DATA_PATH")


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """This process's settings set to the profile's `env` for a moment (a lake's data path is read from it)."""
    saved = {k: os.environ.get(k) for k in _PROFILE}
    try:
        for k in _PROFILE:
            if k in env:
                os.environ[k] = env[k]
            else:
                os.environ.pop(k, None)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def dump_marts(env: Mapping[str, str]) -> dict[str, bytes]:
    """Every mart table as CSV bytes in a fixed row order, plus what each landing file gave (raw.files) and
    any file that does not balance: equal dumps mean byte-identical marts."""
    with _environment(env):
        from pipelines.core.config import settings

        con = connect(settings().warehouse_target, read_only=True)
    try:
        names = [r[0] for r in con.execute(sql("mart_tables"), [None, None]).fetchall()]
        out = {n: con.sql(f"SELECT * FROM marts.{n} ORDER BY ALL").pl().write_csv().encode() for n in names}  # noqa: S608 - catalog names
        out["raw.files"] = con.sql(render("compare_files", files="raw.files")).pl().write_csv().encode()
        out["unbalanced files"] = con.sql(sql("compare_unbalanced")).pl().write_csv().encode()
    finally:
        con.close()
    return out
