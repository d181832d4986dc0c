"""The rejected-files loop: a file that cannot be read moves to `landing/rejected/<source>/` beside a
`<name>.error.txt` that says what is wrong; fixed and put back in `landing/<source>/`, it is ingested."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from models.codes import TIMEZONE
from pipelines.core.i18n import text
from pipelines.ingest.landing import REJECTED, LandingFile


def _free(folder: Path, name: str) -> Path:
    """`name` in `folder`, numbered when a file of that name was rejected before."""
    target, n = folder / name, 1
    while target.exists() or target.with_name(target.name + ".error.txt").exists():
        stem, dot, suffix = name.rpartition(".")
        target = folder / (f"{stem}.{n}{dot}{suffix}" if dot else f"{name}.{n}")
        n += 1
    return target


def reject(
    con: duckdb.DuckDBPyConnection, landing: Path, lf: LandingFile, digest: str, texts: dict[str, str], run_id: str
) -> Path:
    """Record the rejection (its English reason), then move the file aside with its explanation in every
    language (`texts`: lang -> reason). Returns where it went.

    Recorded first: killed before the move, the file is simply rejected again on the next run. A file that
    changed since it was scanned was probably read half-written: StillWriting, and it stays where it is.
    """
    lf.check_unchanged()
    folder = landing / REJECTED / lf.source
    folder.mkdir(parents=True, exist_ok=True)
    target = _free(folder, lf.path.name)
    con.execute(
        "INSERT INTO raw.rejected_files VALUES (?, ?, ?, ?, ?, ?, timezone('UTC', now()), ?)",  # rejected_at: UTC
        [lf.source, lf.name, str(lf.path), digest, texts["en"], run_id, str(target)],
    )
    when = datetime.now(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%d %H:%M WIB")  # people read Jakarta time
    # Indonesian first: producers' assistants read it; the English below for everyone else.
    notes = [
        f"{texts[lang]}\n\n"
        + text("rejected.note", lang, when=when, run=run_id, digest=digest, folder=f"{lf.path.parent}/")
        for lang in ("id", "en")
    ]
    error = target.with_name(target.name + ".error.txt")
    error.write_text("\n\n".join(notes) + "\n", encoding="utf-8")
    os.replace(lf.path, target)
    return target
