"""The portal's manifest, rebuilt from what is on disk and in the warehouse (so it can never disagree).

Charts and reports are read from their folders (`latest/` is current, dated folders are the archive),
revisions from `publish.revisions`, and the data status from the latest check outcomes: a partition whose
blocking checks fail keeps its previous figures, and the portal says the data is delayed. The manifest is
built as `manifest_model` objects, so a writer bug fails here, not in the portal.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from models.codes import TIMEZONE
from pipelines.core.i18n import text
from pipelines.publish import gate
from pipelines.publish.charts.catalogue import FORMATS
from pipelines.publish.charts.save import PRINT
from pipelines.publish.files import write_atomic
from pipelines.publish.formatting import date_label, month_label
from pipelines.publish.portal.model import (
    MANIFEST_NAME,
    ArchiveEntry,
    ChangelogEntry,
    DataStatus,
    FileEntry,
    HeldPeriod,
    Item,
    LocalText,
    Manifest,
    ReportInfo,
)
from pipelines.publish.reports.data import table_number
from pipelines.warehouse.connection import sql

# A report folder's files by suffix; its headline figures get their own format (and label in the portal).
_REPORT_FORMATS = {".html": "html", ".pdf": "pdf", ".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
_FIGURES = "figures.json"
MAX_LISTED = 5  # held periods the banner names; the rest are counted
_PRINT_FORMATS = {FORMATS[s][0] for s in PRINT}


def _file(
    path: Path, publish: Path, fmt: str, lang: str | None, period: str | None = None, title: LocalText | None = None
) -> FileEntry:
    rel = path.relative_to(publish).as_posix()
    return FileEntry.model_validate({"lang": lang, "format": fmt, "path": rel, "period": period, "title": title})


def _chart_files(folder: Path, publish: Path, chart_id: str, print_period: str | None = None) -> list[FileEntry]:
    """A chart folder's files; `print_period`: the period its print formats show, when not the folder's."""
    files = []
    for lang_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        for suffix, (fmt, _) in FORMATS.items():
            path = lang_dir / f"{chart_id}.{suffix}"
            if path.exists():
                files.append(_file(path, publish, fmt, lang_dir.name, print_period if suffix in PRINT else None))
    meta = folder / "metadata.json"
    if meta.exists():
        files.append(_file(meta, publish, "json", None))
    return files


def _charts(publish: Path) -> tuple[list[Item], list[ArchiveEntry]]:
    items, archive = [], []
    for chart_dir in sorted(p for p in (publish / "charts").glob("*") if p.is_dir()):
        latest = chart_dir / "latest"
        if not (latest / "metadata.json").exists():
            continue
        meta = json.loads((latest / "metadata.json").read_text(encoding="utf-8"))
        title = LocalText.model_validate(meta["title"])
        printed = (meta.get("editions") or {}).get("print", {}).get("period")
        printed = printed if printed != meta["period"]["label"] else None
        items.append(
            Item(
                kind="chart",
                id=chart_dir.name,
                title=title,
                description=LocalText.model_validate(meta["description"]),
                period=meta["period"]["label"],
                incomplete=bool(meta["period"].get("incomplete", False)),
                files=_chart_files(latest, publish, chart_dir.name, printed),
                metadata=(latest / "metadata.json").relative_to(publish).as_posix(),
            )
        )
        earlier = (p for p in chart_dir.iterdir() if p.is_dir() and p.name not in ("latest", meta["period"]["label"]))
        for dated in sorted(earlier, reverse=True):
            files = _chart_files(dated, publish, chart_dir.name)
            # A period is archived by its print edition (a daily chart's: each closed month), not by every run:
            # a day's screen files (HTML, CSV, XLSX) are superseded by the next day's, kept but not listed.
            if any(f.format in _PRINT_FORMATS for f in files):
                archive.append(
                    ArchiveEntry(kind="chart", id=chart_dir.name, title=title, period=dated.name, files=files)
                )
    return items, archive


def _report_files(folder: Path, publish: Path, info: ReportInfo) -> list[FileEntry]:
    """The files report.json lists (each language's, then the language-free data), those that exist."""
    named = [(lang, name) for lang, names in info.files.items() for name in names] + [(None, n) for n in info.data]
    files = []
    for lang, name in named:
        path = folder / name
        fmt = "figures" if name == _FIGURES else _REPORT_FORMATS.get(path.suffix)
        if fmt and path.is_file():
            files.append(_file(path, publish, fmt, lang, title=info.titles.get(name) or _table_title(name)))
    return files


def _table_title(name: str) -> LocalText | None:
    """A report table's file named by its number, for a folder written before report.json kept the captions."""
    if (n := table_number(name)) is None:
        return None
    return LocalText(id=text("portal.table_n", "id", n=n), en=text("portal.table_n", "en", n=n))


def _reports(publish: Path) -> tuple[list[Item], list[ArchiveEntry]]:
    """Reports: `reports/<kind>/<period>/` folders, each with a `report.json` naming its title and files."""
    items, archive = [], []
    for kind_dir in sorted(p for p in (publish / "reports").glob("*") if p.is_dir()):
        periods = sorted((p for p in kind_dir.iterdir() if p.is_dir() and (p / "report.json").exists()), reverse=True)
        for i, folder in enumerate(periods):
            info = ReportInfo.model_validate_json((folder / "report.json").read_bytes())
            entry = {
                "kind": "report",
                "id": kind_dir.name,
                "title": info.title,
                "period": folder.name,
                "files": _report_files(folder, publish, info),
            }
            if i == 0:  # the newest period is the current report
                items.append(Item.model_validate(entry))
            else:
                archive.append(ArchiveEntry.model_validate(entry))
    return items, archive


def _changelog(con: duckdb.DuckDBPyConnection) -> list[ChangelogEntry]:
    rows = con.execute(sql("publish_changelog")).fetchall()
    wib = ZoneInfo(TIMEZONE)  # revised_at is stored in UTC; the changelog dates a revision by the day in Jakarta
    return [
        ChangelogEntry(
            date=at.replace(tzinfo=UTC).astimezone(wib).date().isoformat(),
            item=chart,
            period=", ".join(str(v) for v in json.loads(cell).values()),
            old=old,
            new=new,
            note_id=_revision_note(old, new, "id"),
            note_en=_revision_note(old, new, "en"),
        )
        for chart, cell, old, new, at in rows
    ]


def _revision_note(old: float | None, new: float | None, lang: str) -> str:
    """What a revision that hides or reveals a figure means: a chart's hidden cell has no value (null)."""
    if new is None and old is not None:
        return text("portal.revisions.now_hidden", lang)
    if old is None and new is not None:
        return text("portal.revisions.now_shown", lang)
    return ""


def _status(con: duckdb.DuckDBPyConnection) -> DataStatus:
    """The publication gate's answer in public words: held periods with their reasons, families kept whole."""
    holds = [h for h in gate.held(con) if h.period is not None]
    families = [f for f, outcome, _, _ in con.execute(sql("cells_latest_builds")).fetchall() if outcome != "built"]
    if not holds and not families:
        return DataStatus()
    held = [
        HeldPeriod(family=h.family, period=h.label, reason_id=h.reason("id"), reason_en=h.reason("en")) for h in holds
    ]

    def listed(lang: str) -> str:
        shown = [f"{_period(h, lang)} ({h.reason(lang)})" for h in holds[:MAX_LISTED]]
        more = len(holds) - MAX_LISTED
        return "; ".join(shown) + (text("status.more", lang, count=more) if more > 0 else "")

    return DataStatus(
        delayed=True,
        delayed_families=families,
        held=held,
        # Without held periods (a family held for another reason) the banner names the families alone.
        message_id=text("status.delayed_periods", "id", periods=listed("id")) if holds else "",
        message_en=text("status.delayed_periods", "en", periods=listed("en")) if holds else "",
    )


def _period(h: gate.Hold, lang: str) -> str:
    assert h.period is not None
    return month_label(h.period, lang) if h.grain == "month" else date_label(h.period, lang)


def write_manifest(con: duckdb.DuckDBPyConnection, publish: Path) -> Path:
    charts, chart_archive = _charts(publish)
    reports, report_archive = _reports(publish)
    manifest = Manifest(
        generated_at=datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0),
        data_status=_status(con),
        items=charts + reports,
        archive=chart_archive + report_archive,
        changelog=_changelog(con),
    )
    path = publish / MANIFEST_NAME
    write_atomic(path, manifest.model_dump_json(indent=2).encode("utf-8"))
    return path
