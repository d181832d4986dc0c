"""The data folder's two published trees, and moving an older folder to them with nothing lost.

* `publish/` is **public**: what the portal links and `sentra serve` hands out — disclosure-controlled charts,
  reports and their data, the portal. No database, no producer's row, id, NIB or name, no hidden figure.
* `internal/` is the office's own: the marts snapshot (DuckDB and Parquet), the quality reports with their
  quarantined rows, and the charts' provenance with file names (`internal/index.html` links them).

A Sentra before this layout wrote the snapshot and the quality reports into `publish/`, and chart metadata
listing every landing file by path (which names producers: `tiktok/BKS-0284/…`). `upgrade` moves the first
two into `internal/`, and moves each file list into `internal/provenance/`, leaving public provenance per
source (files, rows, one combined hash). It runs at the start of every publish run and of `sentra serve`,
and does nothing once done.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from models.codes import TIMEZONE
from pipelines.core.config import Settings
from pipelines.publish import templating
from pipelines.publish.files import write_atomic

LEGACY_INTERNAL = ("snapshot", "quality")  # publish/<name> as an older Sentra wrote them
META = "metadata.json"


def public_provenance(inputs: list[dict], rows: Callable[[str], int | None]) -> list[dict]:
    """Per source: how many files and rows, and one sha256 over the files' own (sorted) — no file names.

    The office recomputes the combined hash from the internal file list to prove which files they were."""
    out = []
    for source in sorted({i["source"] for i in inputs}):
        shas = sorted(i["sha256"] for i in inputs if i["source"] == source)
        counted = [rows(s) for s in shas]
        out.append(
            {
                "source": source,
                "files": len(shas),
                "rows": sum(c for c in counted if c is not None) if all(c is not None for c in counted) else None,
                "sha256": combined_sha(shas),
            }
        )
    return out


def combined_sha(shas: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(shas)).encode("ascii")).hexdigest()


def provenance_path(internal: Path, chart_id: str, period: str) -> Path:
    return internal / "provenance" / "charts" / chart_id / f"{period}.json"


def write_provenance(internal: Path, chart_id: str, period: str, inputs: list[dict]) -> Path:
    """The full list of a chart edition's input files (source, name, path, sha256, rows), kept internal."""
    path = provenance_path(internal, chart_id, period)
    sources = sorted({i["source"] for i in inputs})
    by_source = {src: combined_sha([i["sha256"] for i in inputs if i["source"] == src]) for src in sources}
    payload = {"chart": chart_id, "period": period, "inputs": inputs, "sha256_by_source": by_source}
    write_atomic(path, json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"))
    return path


def upgrade(s: Settings, rows: Callable[[str], int | None] = lambda _: None) -> list[str]:
    """Move what an older Sentra left in the public tree to the internal one; one line per thing moved.

    `rows` gives a landing file's accepted rows by its sha256 (from the warehouse), for public provenance."""
    done: list[str] = []
    for name in LEGACY_INTERNAL:
        old = s.publish / name
        if not old.exists():
            continue
        new = s.internal / name
        _merge(old, new)
        done.append(f"moved {old} to {new} (internal: not for the public portal)")
    for meta in sorted((s.publish / "charts").glob(f"*/*/{META}")):
        if _split_provenance(meta, s.internal, rows):
            done.append(f"{meta}: file names moved to the internal provenance; public provenance per source")
    return done


def write_internal_index(s: Settings, lake_attach: str | None = None) -> Path:
    """`internal/index.html`: links to the snapshot, the quality reports and the provenance files."""
    internal = s.internal
    internal.mkdir(parents=True, exist_ok=True)

    def rel(path: Path) -> str:
        return quote(path.relative_to(internal).as_posix())

    snapshot = sorted(p for p in (internal / "snapshot").rglob("*") if p.is_file() and not p.name.startswith("."))
    charts = sorted(p for p in (internal / "provenance" / "charts").glob("*") if p.is_dir())
    quality = internal / "quality" / "index.html"
    page = (
        templating.environment()
        .get_template("internal_index.html.j2")
        .render(
            public=str(s.publish),
            updated=datetime.now(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%d %H:%M WIB"),
            snapshot=[(p.relative_to(internal / "snapshot").as_posix(), rel(p)) for p in snapshot],
            lake=lake_attach,
            quality=rel(quality) if quality.is_file() else None,
            provenance=[(c.name, [(p.stem, rel(p)) for p in sorted(c.glob("*.json"), reverse=True)]) for c in charts],
        )
    )
    path = internal / "index.html"
    write_atomic(path, page.encode("utf-8"))
    return path


def _merge(old: Path, new: Path) -> None:
    """Move `old` into `new`; what `new` already has (written by the current layout) wins, the rest moves."""
    if not new.exists():
        new.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(old, new)
        return
    for child in old.iterdir():
        target = new / child.name
        if child.is_dir() and not child.is_symlink() and target.is_dir():
            _merge(child, target)
        elif not target.exists():
            shutil.move(child, target)
    shutil.rmtree(old)


def _split_provenance(meta: Path, internal: Path, rows: Callable[[str], int | None]) -> bool:
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    inputs = data.get("inputs") if isinstance(data, dict) else None
    if not isinstance(inputs, list) or not inputs or "name" not in inputs[0]:
        return False  # already public provenance (or none)
    chart_id, period = meta.parent.parent.name, meta.parent.name
    if period == "latest":
        period = (data.get("period") or {}).get("label") or period
    listed = [{**i, "rows": rows(i["sha256"])} for i in inputs]
    try:  # a list the current layout already wrote for this edition: keep it, and add what it lacks
        kept = json.loads(provenance_path(internal, chart_id, period).read_text(encoding="utf-8"))["inputs"]
    except (OSError, ValueError, KeyError, TypeError):
        kept = []
    known = {i.get("sha256") for i in kept}
    write_provenance(internal, chart_id, period, kept + [i for i in listed if i["sha256"] not in known])
    data["inputs"] = public_provenance(inputs, rows)
    write_atomic(meta, json.dumps(data, indent=2, ensure_ascii=False, default=str).encode())
    return True
