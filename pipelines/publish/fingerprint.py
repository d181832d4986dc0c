"""Fingerprints: is a published file still exactly what a publish run would draw now?

Every output — one edition of a chart in one language, one report — records the fingerprint of what it
was drawn from: a digest of the published cells it shows, the renderer (the source of the modules and
templates that draw it, the catalogue of texts, the versions of the drawing libraries and
`RENDERER_VERSION`), its language and settings; and the sha256 of each file written. A publish run draws
an output again only when its fingerprint differs or one of its files is missing or altered; otherwise the
files are left untouched (same bytes, same modification time).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path

import polars as pl

RENDERER_VERSION = "1"  # raise it to redraw every chart and report once (e.g. new fonts on the render hosts)
PUBLISH = Path(__file__).parent
MODELS = PUBLISH.parent.parent / "models"
_LIBRARIES = ("altair", "vl-convert-python", "polars", "xlsxwriter", "jinja2", "reportlab", "holidays")

# What draws a chart, and what draws a report (which embeds charts): a change to any redraws them.
CHART_SOURCES = (
    *(
        PUBLISH / "charts" / n
        for n in ("draw.py", "breakdowns.py", "save.py", "editions.py", "catalogue.py", "frames.py", "notes.py")
    ),
    *(PUBLISH / "charts" / n for n in ("palette.py", "palette.csv")),
    PUBLISH / "workbook.py",
    *(PUBLISH / n for n in ("figures.py", "formatting.py", "files.py", "symbols.py", "comparison.py")),
    PUBLISH.parent / "core" / "i18n.py",
    *sorted((PUBLISH.parent / "core" / "locale").rglob("*.po")),
    MODELS / "names.csv",
    MODELS / "names.py",
    MODELS / "codes.py",
    PUBLISH.parent / "core" / "lebaran.py",  # where Idul Fitri is marked
)
REPORT_SOURCES = (
    *CHART_SOURCES,
    PUBLISH.parent / "assets" / "reports.py",
    PUBLISH / "published.py",
    *sorted((PUBLISH / "reports").glob("*.py")),
    *sorted((PUBLISH / "templates").glob("report*")),
    *sorted((PUBLISH / "static").glob("report*")),
)


def sha(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


@cache
def renderer(sources: tuple[Path, ...]) -> str:
    """The renderer's fingerprint: its source files' bytes, the libraries' versions, RENDERER_VERSION."""
    h = hashlib.sha256(f"sentra renderer {RENDERER_VERSION}\n".encode())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} -\n".encode())
    for path in sources:
        h.update(f"{path.relative_to(PUBLISH.parent.parent)} {sha(path.read_bytes())}\n".encode())
    return h.hexdigest()


def frame(df: pl.DataFrame, drop: Iterable[str] = ("run_id",)) -> str:
    """A digest of a frame's schema and values, rows in their order (`drop`: columns that name the run)."""
    kept = df.drop([c for c in drop if c in df.columns])
    schema = json.dumps([[c, str(t)] for c, t in kept.schema.items()])
    # Nested columns (a merged cell's `holds`) have no CSV form: JSON is as exact.
    flat = kept.with_columns(pl.col(c).list.join("|") for c, t in kept.schema.items() if isinstance(t, pl.List))
    return sha(schema.encode() + b"\n" + flat.write_csv(date_format="%Y-%m-%d").encode("utf-8"))


def of(**parts: object) -> str:
    """The fingerprint of named parts (digests, renderer, language, settings)."""
    return sha(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))


def file_sha(path: Path) -> str | None:
    try:
        return sha(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def intact(folder: Path, files: Mapping[str, str]) -> bool:
    """Every file (relative name -> sha256) is in `folder` with exactly those bytes."""
    return bool(files) and all(file_sha(folder / name) == digest for name, digest in files.items())
