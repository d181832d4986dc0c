"""The portal's manifest, rebuilt from what is on disk and in the warehouse (so it can never disagree).

Charts and reports are read from their folders (`latest/` is current, dated folders are the archive),
revisions from `publish.revisions`, and the data status from the latest check outcomes: a partition whose
blocking checks fail keeps its previous figures, and the portal says the data is delayed.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from models.codes import TIMEZONE
from pipelines.publish.exports import FORMATS
from pipelines.publish.files import write_atomic
from pipelines.resources import sql

MANIFEST = "manifest.json"
_REPORT_FORMATS = {".html": "html", ".pdf": "pdf"}


def _chart_files(folder: Path, publish: Path, chart_id: str) -> list[dict]:
    files = []
    for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        for suffix, (fmt, _) in FORMATS.items():
            path = lang_dir / f"{chart_id}.{suffix}"
            if path.exists():
                files.append({"lang": lang_dir.name, "format": fmt, "path": path.relative_to(publish).as_posix()})
    meta = folder / "metadata.json"
    if meta.exists():
        files.append({"lang": None, "format": "json", "path": meta.relative_to(publish).as_posix()})
    return files


def _charts(publish: Path) -> tuple[list[dict], list[dict]]:
    items, archive = [], []
    for chart_dir in sorted(p for p in (publish / "charts").glob("*") if p.is_dir()):
        latest = chart_dir / "latest"
        if not (latest / "metadata.json").exists():
            continue
        meta = json.loads((latest / "metadata.json").read_text(encoding="utf-8"))
        entry = {"kind": "chart", "id": chart_dir.name, "title": meta["title"], "description": meta["description"]}
        files = _chart_files(latest, publish, chart_dir.name)
        metadata = (latest / "metadata.json").relative_to(publish).as_posix()
        items.append({**entry, "period": meta["period"]["label"], "files": files, "metadata": metadata})
        earlier = (p for p in chart_dir.iterdir() if p.is_dir() and p.name not in ("latest", meta["period"]["label"]))
        for dated in sorted(earlier, reverse=True):
            archive.append({**entry, "period": dated.name, "files": _chart_files(dated, publish, chart_dir.name)})
    return items, archive


def _reports(publish: Path) -> tuple[list[dict], list[dict]]:
    """Reports: `reports/<kind>/<period>/` folders with a `report.json` (titles) and HTML/PDF per language."""
    items, archive = [], []
    for kind_dir in sorted(p for p in (publish / "reports").glob("*") if p.is_dir()):
        periods = sorted((p for p in kind_dir.iterdir() if p.is_dir() and (p / "report.json").exists()), reverse=True)
        for i, folder in enumerate(periods):
            info = json.loads((folder / "report.json").read_text(encoding="utf-8"))
            files = [
                {"lang": lang, "format": _REPORT_FORMATS[path.suffix], "path": path.relative_to(publish).as_posix()}
                for lang, names in info["files"].items()
                for name in names
                if (path := folder / name).suffix in _REPORT_FORMATS and path.exists()
            ]
            entry = {
                "kind": "report",
                "id": kind_dir.name,
                "title": info["title"],
                "period": folder.name,
                "files": files,
            }
            (items if i == 0 else archive).append(entry)
    return items, archive


def _changelog(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute(sql("publish_changelog")).fetchall()
    return [
        {"date": at.date().isoformat(), "item": chart, "period": ", ".join(str(v) for v in json.loads(cell).values()),
         "old": old, "new": new}
        for chart, cell, old, new, at in rows
    ]  # fmt: skip


def _status(con: duckdb.DuckDBPyConnection) -> dict:
    held = con.execute(sql("data_status")).fetchall()
    if not held:
        return {"delayed": False, "message_id": "", "message_en": ""}
    periods = sorted({str(p) for _, p, _ in held if p is not None})
    shown = ", ".join(periods[:5]) + (" …" if len(periods) > 5 else "")
    return {
        "delayed": True,
        "message_id": f"Data untuk {shown} tertunda: pemeriksaan mutu belum lolos; angka sebelumnya tetap ditampilkan.",
        "message_en": f"Data for {shown} is delayed: quality checks have not passed; earlier figures are shown.",
    }


def write_manifest(con: duckdb.DuckDBPyConnection, publish: Path) -> Path:
    charts, chart_archive = _charts(publish)
    reports, report_archive = _reports(publish)
    manifest = {
        "generated_at": datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0).isoformat(),
        "data_status": _status(con),
        "items": charts + reports,
        "archive": chart_archive + report_archive,
        "changelog": _changelog(con),
    }
    path = publish / MANIFEST
    write_atomic(path, json.dumps(manifest, indent=2, ensure_ascii=False, default=str).encode("utf-8"))
    return path
