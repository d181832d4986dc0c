"""The publication portal: one static, offline `index.html` listing every published chart and report.

The page is opened from a shared folder, a USB stick or `sentra serve`, so it needs no server code
and no network: CSS and a little JavaScript are inline, every link is a relative path inside the
publish folder, and nothing is loaded from outside (no CDN, no web fonts, no favicon request).
It is Indonesian by default; a button switches every text to English and back (see "Language switch").

Manifest
--------
The pipeline writes `<publish>/manifest.json`; `write_portal` only reads it. Schema (UTF-8 JSON)::

    {
      "generated_at": "2026-11-28T13:45:00+07:00",        # ISO 8601; naive = Jakarta time (WIB)
      "data_status": {                                     # optional; default: not delayed
        "delayed": false,
        "message_id": "", "message_en": ""                 # optional detail shown in the banner
      },
      "items": [                                           # what is current, shown with a preview
        {
          "kind": "chart",                                 # "chart" | "report"
          "id": "daily_turnover",                          # stable identifier, [A-Za-z0-9_.-]+
          "title": {"id": "Omzet harian", "en": "Daily turnover"},   # both languages required
          "description": {"id": "...", "en": "..."},       # optional
          "period": "2025-12",                             # "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-Qn"
          "latest": true,                                  # optional, default true; false = archive only
          "files": [
            {"lang": "id", "format": "png", "path": "charts/daily_turnover/latest/id/daily_turnover.png"}
          ],
          "metadata": "charts/daily_turnover/latest/metadata.json"   # optional
        }
      ],
      "archive": [                                         # optional; earlier periods
        {"kind": "chart", "id": "daily_turnover", "period": "2025-11", "files": [...],
         "title": {"id": "...", "en": "..."}}              # title optional: taken from `items` by id
      ],
      "changelog": [                                       # optional; revisions of published figures
        {"date": "2026-11-28", "item": "daily_turnover", "period": "2025-03-01",
         "old": 1000, "new": 1500, "note_id": "...", "note_en": "..."}   # old/new: number or null
      ]
    }

Texts: `title` needs both languages; `description` is optional but, when given, needs both too;
`note_id`/`note_en` and the status messages may be empty (the other language is shown instead).

File entries: `format` is one of `FORMATS` (png = slide, png_print = A4 at 300 dpi, svg, pdf,
html = interactive chart, csv, xlsx, json = metadata); `lang` is "id", "en", or null/absent for a
file that has no language (e.g. one CSV for both). Paths are relative to the publish folder, use
"/" and may not leave it: "..", absolute paths, "\\", ":" (URL schemes) and hidden segments are
rejected, because every path becomes an `href` in the page. A listed file that does not exist is
left off the page with a warning in the log, so one missing export does not break the portal.

A malformed manifest raises `ManifestError` naming the field (e.g. `items[1].files[0].format`).

Language switch
---------------
Every text exists twice in the page, in elements carrying `class="only-id" lang="id"` and
`class="only-en" lang="en"`; CSS hides the pair that does not match `<html data-lang>`. A small
inline script in <head> sets `data-lang` (and `<html lang>`, `document.title`) from localStorage
key `sentra.lang` before the body is drawn, so a reader who chose English never sees a flash of
Indonesian; the button `#lang-switch` flips it and stores the choice. Without JavaScript the page
is simply Indonesian.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict
from urllib.parse import quote

from pipelines.publish.files import write_atomic
from pipelines.publish.formatting import as_of_label, date_label, month_label, number

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
STORAGE_KEY = "sentra.lang"

Kind = Literal["chart", "report"]
KINDS: tuple[str, ...] = ("chart", "report")

# Display order and the words officials see for each format: (Indonesian, English).
FORMATS: dict[str, tuple[str, str]] = {
    "png": ("PNG (slide)", "PNG (slide)"),
    "png_print": ("PNG (cetak A4)", "PNG (A4 print)"),
    "svg": ("SVG", "SVG"),
    "pdf": ("PDF", "PDF"),
    "html": ("HTML interaktif", "Interactive HTML"),
    "csv": ("CSV", "CSV"),
    "xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "json": ("Metadata", "Metadata"),
}
# Files to save rather than open: data and images. PDF and the interactive HTML open in the browser.
DOWNLOAD_FORMATS = frozenset({"png", "png_print", "svg", "csv", "xlsx", "json"})


# ---------------------------------------------------------------------------------------------
# Manifest schema
# ---------------------------------------------------------------------------------------------


class LocalText(TypedDict):
    """A text in both languages."""

    id: str
    en: str


class DataStatus(TypedDict):
    """Whether the newest data is late (a source did not arrive), with an optional explanation."""

    delayed: bool
    message_id: str
    message_en: str


class FileEntry(TypedDict):
    """One downloadable file; `lang` None = the file has no language."""

    lang: str | None
    format: str
    path: str


class Item(TypedDict):
    """A current chart or report."""

    kind: Kind
    id: str
    title: LocalText
    description: NotRequired[LocalText]
    period: str
    latest: NotRequired[bool]
    files: list[FileEntry]
    metadata: NotRequired[str]


class ArchiveEntry(TypedDict):
    """A chart or report of an earlier period."""

    kind: Kind
    id: str
    period: str
    files: list[FileEntry]
    title: NotRequired[LocalText]
    metadata: NotRequired[str]


class ChangelogEntry(TypedDict):
    """A published figure that was revised: on `date`, `item`'s value for `period` went old -> new."""

    date: str
    item: str
    period: str
    old: int | float | None
    new: int | float | None
    note_id: NotRequired[str]
    note_en: NotRequired[str]


class Manifest(TypedDict):
    """The whole of manifest.json; `load_manifest` fills the optional parts with their defaults."""

    generated_at: str
    data_status: DataStatus
    items: list[Item]
    archive: list[ArchiveEntry]
    changelog: list[ChangelogEntry]


class ManifestError(ValueError):
    """manifest.json is not what the portal expects; the message names the field."""


def _fail(where: str, problem: str) -> ManifestError:
    return ManifestError(f"{MANIFEST_NAME}: {where}: {problem}")


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"expected an object, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(where, f"expected a list, got {type(value).__name__}")
    return value


def _str(value: Any, where: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise _fail(where, f"expected a non-empty string, got {value!r}")
    return value


def _local_text(value: Any, where: str) -> LocalText:
    obj = _obj(value, where)
    return {"id": _str(obj.get("id"), f"{where}.id"), "en": _str(obj.get("en"), f"{where}.en")}


_ID_RE = re.compile(r"[A-Za-z0-9_.-]+")


def _check_path(value: Any, where: str) -> str:
    """A relative path inside the publish folder, safe to put in an href as is (after quoting)."""
    path = _str(value, where)
    if "\\" in path or ":" in path or "\x00" in path or path.startswith("/"):
        raise _fail(where, f"path must be relative with '/' separators, got {path!r}")
    if any(part in ("", ".", "..") or part.startswith(".") for part in path.split("/")):
        raise _fail(where, f"path must stay inside the publish folder (no '..', hidden or empty parts): {path!r}")
    return path


def _files(value: Any, where: str) -> list[FileEntry]:
    out: list[FileEntry] = []
    for i, raw in enumerate(_list(value, where)):
        at = f"{where}[{i}]"
        obj = _obj(raw, at)
        fmt = obj.get("format")
        if fmt not in FORMATS:
            raise _fail(f"{at}.format", f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
        lang = obj.get("lang")
        if lang in ("", None):
            lang = None
        elif lang not in ("id", "en"):
            raise _fail(f"{at}.lang", f"expected 'id', 'en' or null, got {lang!r}")
        out.append({"lang": lang, "format": fmt, "path": _check_path(obj.get("path"), f"{at}.path")})
    return out


def _entry_common(obj: dict[str, Any], where: str) -> dict[str, Any]:
    kind = obj.get("kind")
    if kind not in KINDS:
        raise _fail(f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    ident = _str(obj.get("id"), f"{where}.id")
    if not _ID_RE.fullmatch(ident):
        raise _fail(f"{where}.id", f"use letters, digits, '_', '.', '-' only, got {ident!r}")
    out: dict[str, Any] = {
        "kind": kind,
        "id": ident,
        "period": _str(obj.get("period"), f"{where}.period"),
        "files": _files(obj.get("files", []), f"{where}.files"),
    }
    if obj.get("metadata") not in (None, ""):
        out["metadata"] = _check_path(obj["metadata"], f"{where}.metadata")
    return out


def _number_or_none(value: Any, where: str) -> int | float | None:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise _fail(where, f"expected a number or null, got {value!r}")


def parse_manifest(raw: Any) -> Manifest:
    """Check a decoded manifest against the schema and fill defaults; raise ManifestError if it is wrong."""
    root = _obj(raw, "top level")
    generated_at = _str(root.get("generated_at"), "generated_at")
    try:
        datetime.fromisoformat(generated_at)
    except ValueError:
        raise _fail("generated_at", f"not an ISO 8601 date-time: {generated_at!r}") from None

    status_raw = _obj(root.get("data_status") or {}, "data_status")
    delayed = status_raw.get("delayed", False)
    if not isinstance(delayed, bool):
        raise _fail("data_status.delayed", f"expected true or false, got {delayed!r}")
    status: DataStatus = {
        "delayed": delayed,
        "message_id": _str(status_raw.get("message_id") or "", "data_status.message_id", empty=True),
        "message_en": _str(status_raw.get("message_en") or "", "data_status.message_en", empty=True),
    }

    items: list[Item] = []
    for i, raw_item in enumerate(_list(root.get("items", []), "items")):
        at = f"items[{i}]"
        obj = _obj(raw_item, at)
        item: dict[str, Any] = _entry_common(obj, at)
        item["title"] = _local_text(obj.get("title"), f"{at}.title")
        if obj.get("description") is not None:
            item["description"] = _local_text(obj["description"], f"{at}.description")
        latest = obj.get("latest", True)
        if not isinstance(latest, bool):
            raise _fail(f"{at}.latest", f"expected true or false, got {latest!r}")
        item["latest"] = latest
        items.append(item)  # type: ignore[arg-type]

    archive: list[ArchiveEntry] = []
    for i, raw_entry in enumerate(_list(root.get("archive") or [], "archive")):
        at = f"archive[{i}]"
        obj = _obj(raw_entry, at)
        entry: dict[str, Any] = _entry_common(obj, at)
        if obj.get("title") is not None:
            entry["title"] = _local_text(obj["title"], f"{at}.title")
        archive.append(entry)  # type: ignore[arg-type]

    changelog: list[ChangelogEntry] = []
    for i, raw_change in enumerate(_list(root.get("changelog") or [], "changelog")):
        at = f"changelog[{i}]"
        obj = _obj(raw_change, at)
        change: ChangelogEntry = {
            "date": _str(obj.get("date"), f"{at}.date"),
            "item": _str(obj.get("item"), f"{at}.item"),
            "period": _str(obj.get("period"), f"{at}.period"),
            "old": _number_or_none(obj.get("old"), f"{at}.old"),
            "new": _number_or_none(obj.get("new"), f"{at}.new"),
            "note_id": _str(obj.get("note_id") or "", f"{at}.note_id", empty=True),
            "note_en": _str(obj.get("note_en") or "", f"{at}.note_en", empty=True),
        }
        changelog.append(change)

    return {
        "generated_at": generated_at,
        "data_status": status,
        "items": items,
        "archive": archive,
        "changelog": changelog,
    }


def load_manifest(publish: Path) -> Manifest:
    """Read and check `<publish>/manifest.json`."""
    path = Path(publish) / MANIFEST_NAME
    if not path.is_file():
        # One line, naming the file: this is what an operator sees when the portal step runs too early.
        raise FileNotFoundError(f"portal: manifest not found: {path} (the publish step writes it first)")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not valid JSON: {exc}") from None
    return parse_manifest(raw)


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------

_ROMAN = ("I", "II", "III", "IV")


def period_label(period: str, lang: str = "id") -> str:
    """ "2025-12" -> "Desember 2025" / "December 2025"; days, years and quarters likewise; else as given."""
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
            return month_label(date(int(m[1]), int(m[2]), 1), lang)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
            return date_label(date.fromisoformat(period), lang)
        if m := re.fullmatch(r"(\d{4})-?Q([1-4])", period):
            q = int(m[2])
            return f"Triwulan {_ROMAN[q - 1]} {m[1]}" if lang == "id" else f"Q{q} {m[1]}"
    except ValueError:
        pass  # e.g. "2025-13": show it as written rather than fail the whole page
    return period


def _value_label(value: int | float | None, lang: str) -> str:
    if value is None:
        return "—"
    decimals = 0 if float(value).is_integer() else 2
    return number(value, decimals, lang)


def _change_label(old: int | float | None, new: int | float | None, lang: str) -> str:
    if old is None or new is None or old == 0:
        return "—"
    pct = (new - old) / abs(old) * 100
    sign = "+" if pct > 0 else ""
    return f"{sign}{number(pct, 1, lang)}%"


def _size_label(size: int, lang: str) -> str:
    if size >= 1024 * 1024:
        return f"{number(size / (1024 * 1024), 1, lang)} MB"
    return f"{number(max(1, round(size / 1024)), 0, lang)} KB"


def _date_or_raw(value: str, lang: str) -> str:
    try:
        return date_label(date.fromisoformat(value[:10]), lang)
    except ValueError:
        return value


# ---------------------------------------------------------------------------------------------
# HTML pieces
# ---------------------------------------------------------------------------------------------


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def t(text_id: str, text_en: str, tag: str = "span", cls: str = "") -> str:
    """Both languages of a text, escaped; CSS shows the one matching <html data-lang>."""
    extra = f" {cls}" if cls else ""
    if text_id == text_en:
        # Same in both (e.g. "CSV"): one element, no toggling needed.
        return f'<{tag} class="both{extra}">{_e(text_id)}</{tag}>'
    return (
        f'<{tag} class="only-id{extra}" lang="id">{_e(text_id)}</{tag}>'
        f'<{tag} class="only-en{extra}" lang="en">{_e(text_en)}</{tag}>'
    )


def _lt(text: LocalText, tag: str = "span", cls: str = "") -> str:
    return t(text["id"], text["en"], tag, cls)


def _href(path: str) -> str:
    # Paths were checked by _check_path; quote spaces and the like, keep the "/" separators.
    return _e(quote(path, safe="/"))


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", value)


def _png_size(path: Path) -> tuple[int, int] | None:
    """Pixel size from a PNG header, so the browser reserves the space and the page does not jump."""
    try:
        with path.open("rb") as fh:
            head = fh.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


class _Page:
    """Renders one manifest; knows the publish folder to check files and read their sizes."""

    def __init__(self, publish: Path, manifest: Manifest) -> None:
        self.publish = publish
        self.manifest = manifest
        # Titles by id, for archive entries and changelog lines that carry only the id.
        self.titles: dict[str, LocalText] = {}
        for entry in manifest["archive"]:
            if "title" in entry:
                self.titles.setdefault(entry["id"], entry["title"])
        for item in manifest["items"]:
            self.titles[item["id"]] = item["title"]  # the current title wins
        self._missing_logged: set[str] = set()

    # -- files ---------------------------------------------------------------------------------

    def exists(self, rel: str) -> bool:
        path = self.publish / rel
        # A symlink leading out of the folder counts as missing: the server would refuse it anyway.
        ok = path.is_file() and path.resolve().is_relative_to(self.publish.resolve())
        if not ok and rel not in self._missing_logged:
            self._missing_logged.add(rel)
            log.warning(
                "portal: %s lists %s but the file is missing (or outside the folder); left off the page",
                MANIFEST_NAME,
                rel,
            )
        return ok

    def files_of(self, entry: Item | ArchiveEntry) -> list[FileEntry]:
        """The entry's existing files, the metadata file included once, in display order."""
        files = [f for f in entry["files"] if self.exists(f["path"])]
        meta = entry.get("metadata")
        if meta and all(f["path"] != meta for f in files) and self.exists(meta):
            files.append({"lang": None, "format": "json", "path": meta})
        order = list(FORMATS)
        return sorted(files, key=lambda f: order.index(f["format"]))

    # -- pieces --------------------------------------------------------------------------------

    def link(self, f: FileEntry) -> str:
        label_id, label_en = FORMATS[f["format"]]
        download = " download" if f["format"] in DOWNLOAD_FORMATS else ""
        size = (self.publish / f["path"]).stat().st_size
        size_html = t(_size_label(size, "id"), _size_label(size, "en"), cls="size")
        return f'<a href="{_href(f["path"])}"{download}>{t(label_id, label_en)} {size_html}</a>'

    def downloads(self, files: list[FileEntry]) -> str:
        """Links grouped by the language of the file: Indonesian, English, then language-free ones."""
        groups = (
            ("id", '<span lang="id">Bahasa Indonesia</span>'),
            ("en", '<span lang="en">English</span>'),
            (None, t("Semua bahasa", "All languages")),
        )
        rows = []
        for lang, label in groups:
            links = [self.link(f) for f in files if f["lang"] == lang]
            if links:
                items = "".join(f"<li>{a}</li>" for a in links)
                rows.append(f'<div class="dl-row"><p class="dl-lang">{label}</p><ul>{items}</ul></div>')
        if not rows:
            return f'<p class="muted">{t("Berkas belum tersedia.", "No files available yet.")}</p>'
        return f'<div class="downloads">{"".join(rows)}</div>'

    def preview(self, item: Item, files: list[FileEntry]) -> str:
        """The PNG preview per language (falling back to the other language's), linked to the chart."""

        def pick(fmt: str, lang: str) -> FileEntry | None:
            matches = [f for f in files if f["format"] == fmt]
            for want in (lang, None, "en" if lang == "id" else "id"):
                for f in matches:
                    if f["lang"] == want:
                        return f
            return None

        imgs = []
        for lang in ("id", "en"):
            png = pick("png", lang)
            if png is None:
                continue
            target = pick("html", lang) or png
            dims = _png_size(self.publish / png["path"])
            size_attr = f' width="{dims[0]}" height="{dims[1]}"' if dims else ""
            # Lazy: the browser skips the hidden language's image until it is shown.
            imgs.append(
                f'<a class="preview only-{lang}" href="{_href(target["path"])}">'
                f'<img src="{_href(png["path"])}" alt="{_e(item["title"][lang])}" lang="{lang}"'
                f'{size_attr} loading="lazy" decoding="async"></a>'
            )
        if not imgs:
            return ""
        return "".join(imgs)

    def card(self, item: Item) -> str:
        files = self.files_of(item)
        desc = _lt(item["description"], "p", "desc") if "description" in item else ""
        period = t(
            f"Periode: {period_label(item['period'], 'id')}",
            f"Period: {period_label(item['period'], 'en')}",
            "p",
            "period",
        )
        return (
            f'<article class="card" id="{_e(item["kind"])}-{_e(_slug(item["id"]))}">'
            f"{self.preview(item, files)}"
            f'<div class="card-body">{_lt(item["title"], "h3")}{period}{desc}'
            f'<h4 class="sr-only">{t("Unduhan", "Downloads")}</h4>{self.downloads(files)}</div>'
            f"</article>"
        )

    def latest_section(self, kind: Kind, anchor: str, heading: tuple[str, str], empty: tuple[str, str]) -> str:
        items = [i for i in self.manifest["items"] if i["kind"] == kind and i.get("latest", True)]
        body = f'<div class="cards">{"".join(self.card(i) for i in items)}</div>' if items else t(*empty, "p", "muted")
        return (
            f'<section id="{anchor}" aria-labelledby="h-{anchor}">'
            f'<h2 id="h-{anchor}">{t(*heading)}</h2>{body}</section>'
        )

    def archive_section(self) -> str:
        # Archived entries plus any item the pipeline marked as no longer the latest.
        entries: list[Item | ArchiveEntry] = [
            *self.manifest["archive"],
            *(i for i in self.manifest["items"] if not i.get("latest", True)),
        ]
        by_period: dict[str, list[Item | ArchiveEntry]] = {}
        for entry in entries:
            by_period.setdefault(entry["period"], []).append(entry)
        if not by_period:
            body = t("Belum ada arsip.", "No archive yet.", "p", "muted")
        else:
            blocks = []
            # ISO periods sort as text: "2025-12" > "2025-11" > "2025"; newest first.
            for period in sorted(by_period, reverse=True):
                rows = []
                for entry in sorted(by_period[period], key=lambda e: (KINDS.index(e["kind"]), e["id"])):
                    title = entry.get("title") or self.titles.get(entry["id"])
                    name = _lt(title) if title else f"<span>{_e(entry['id'])}</span>"
                    kind = t("Grafik", "Chart") if entry["kind"] == "chart" else t("Laporan", "Report")
                    rows.append(
                        f'<li class="archive-entry" data-id="{_e(entry["id"])}">'
                        f'<p class="archive-title"><span class="kind">{kind}</span> {name}</p>'
                        f"{self.downloads(self.files_of(entry))}</li>"
                    )
                blocks.append(
                    f'<div class="period-block" data-period="{_e(period)}">'
                    f"<h3>{t(period_label(period, 'id'), period_label(period, 'en'))}</h3>"
                    f'<ul class="archive-list">{"".join(rows)}</ul></div>'
                )
            body = "".join(blocks)
        heading = f'<h2 id="h-arsip">{t("Arsip", "Archive")}</h2>'
        return f'<section id="arsip" aria-labelledby="h-arsip">{heading}{body}</section>'

    def changelog_section(self) -> str:
        changes = sorted(self.manifest["changelog"], key=lambda c: c["date"], reverse=True)
        intro = t(
            "Angka yang sudah diterbitkan lalu diperbaiki karena data terlambat atau koreksi dari sumber.",
            "Published figures that were later corrected, after late data or a correction at the source.",
            "p",
            "muted",
        )
        if not changes:
            body = t("Belum ada revisi.", "No revisions yet.", "p", "muted")
        else:
            head = "".join(
                f'<th scope="col"{" class=num" if num else ""}>{t(a, b)}</th>'
                for a, b, num in (
                    ("Tanggal revisi", "Revised on", False),
                    ("Data", "Data", False),
                    ("Periode", "Period", False),
                    ("Semula", "Before", True),
                    ("Menjadi", "After", True),
                    ("Perubahan", "Change", True),
                    ("Catatan", "Note", False),
                )
            )
            rows = []
            for c in changes:
                title = self.titles.get(c["item"])
                name = _lt(title) if title else f"<span>{_e(c['item'])}</span>"
                note_id, note_en = c.get("note_id", ""), c.get("note_en", "")
                cells = (
                    t(_date_or_raw(c["date"], "id"), _date_or_raw(c["date"], "en")),
                    name,
                    t(period_label(c["period"], "id"), period_label(c["period"], "en")),
                    t(_value_label(c["old"], "id"), _value_label(c["old"], "en")),
                    t(_value_label(c["new"], "id"), _value_label(c["new"], "en")),
                    t(_change_label(c["old"], c["new"], "id"), _change_label(c["old"], c["new"], "en")),
                    t(note_id or note_en, note_en or note_id),
                )
                tds = "".join(f"<td{' class=num' if 3 <= i <= 5 else ''}>{cell}</td>" for i, cell in enumerate(cells))
                rows.append(f'<tr data-item="{_e(c["item"])}">{tds}</tr>')
            body = (
                f'<div class="table-wrap"><table class="changelog"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>"
            )
        return (
            f'<section id="revisi" aria-labelledby="h-revisi"><h2 id="h-revisi">{t("Revisi", "Revisions")}</h2>'
            f"{intro}{body}</section>"
        )

    def banner(self) -> str:
        status = self.manifest["data_status"]
        if not status["delayed"]:
            return ""
        msg_id, msg_en = status["message_id"], status["message_en"]
        detail = t(msg_id or msg_en, msg_en or msg_id, "p") if (msg_id or msg_en) else ""
        return (
            '<div class="banner" role="alert" id="data-delayed">'
            + t(
                "Data tertunda: angka terbaru belum lengkap dan dapat berubah.",
                "Data delayed: the latest figures are incomplete and may change.",
                "p",
                "banner-title",
            )
            + detail
            + "</div>"
        )

    # -- whole page ----------------------------------------------------------------------------

    def render(self) -> str:
        generated = datetime.fromisoformat(self.manifest["generated_at"])
        updated = t(f"Diperbarui {as_of_label(generated, 'id')}", f"Updated {as_of_label(generated, 'en')}")
        title_id, title_en = "Sentra — Portal Data IKM Kota Bekasi", "Sentra — IKM Data Portal, Kota Bekasi"
        nav = "".join(
            f'<li><a href="#{anchor}">{t(a, b)}</a></li>'
            for anchor, a, b in (
                ("grafik", "Grafik", "Charts"),
                ("laporan", "Laporan", "Reports"),
                ("arsip", "Arsip", "Archive"),
                ("revisi", "Revisi", "Revisions"),
            )
        )
        main = "".join(
            (
                self.banner(),
                self.latest_section(
                    "chart", "grafik", ("Grafik terbaru", "Latest charts"), ("Belum ada grafik.", "No charts yet.")
                ),
                self.latest_section(
                    "report",
                    "laporan",
                    ("Laporan terbaru", "Latest reports"),
                    ("Belum ada laporan.", "No reports yet."),
                ),
                self.archive_section(),
                self.changelog_section(),
            )
        )
        # The button names the language it switches *to*, written in that language.
        switch = '<span class="only-id" lang="en">English</span><span class="only-en" lang="id">Bahasa Indonesia</span>'
        footer = t(
            "Semua berkas di halaman ini tersimpan di folder yang sama dan dapat dibuka tanpa internet.",
            "Every file on this page is stored in the same folder and opens without internet access.",
            "p",
        )
        # Only the page's own CSS and script (pinned by hash) may run: if escaping ever missed a spot,
        # injected markup still could not execute. Images are not restricted: 'self' does not match
        # file:// in every browser, and the page is meant to be opened straight from a folder.
        csp = (
            "object-src 'none'; "
            f"style-src '{_sha256(CSS)}'; script-src '{_sha256(SCRIPT)}'; "
            "base-uri 'none'; form-action 'none'"
        )
        return f"""<!doctype html>
<html lang="id" data-lang="id" data-title-id="{_e(title_id)}" data-title-en="{_e(title_en)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="Sentra">
<title>{_e(title_id)}</title>
<link rel="icon" href="data:,">
<style>{CSS}</style>
<script>{SCRIPT}</script>
</head>
<body>
<a class="skip" href="#main">{t("Langsung ke isi", "Skip to content")}</a>
<header class="site">
<div class="wrap head">
<div>
<p class="brand">Sentra</p>
<h1>{t("Portal Data IKM Kota Bekasi", "IKM Data Portal, Kota Bekasi")}</h1>
<p class="updated">{updated}</p>
</div>
<button type="button" id="lang-switch">{switch}</button>
</div>
<nav class="wrap"><ul>{nav}</ul></nav>
</header>
<main id="main" class="wrap">
{main}
</main>
<footer class="wrap">
{footer}
</footer>
</body>
</html>
"""


def _sha256(source: str) -> str:
    """CSP hash of an inline <style>/<script>: only this exact code may run, nothing injected."""
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


# ---------------------------------------------------------------------------------------------
# Inline CSS and JavaScript
# ---------------------------------------------------------------------------------------------

CSS = """
:root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#f4f6f8;--card:#fff;--accent:#0b4f8a;
--accent-dark:#083a66;--focus:#f0b400;--warn-bg:#fff4d6;--warn-line:#b7791f}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans","DejaVu Sans",Arial,sans-serif;
line-height:1.5;color:var(--ink);background:var(--bg);-webkit-text-size-adjust:100%}
body{margin:0}
html:not([data-lang="en"]) .only-en,html[data-lang="en"] .only-id{display:none!important}
.wrap{max-width:74rem;margin:0 auto;padding:0 1rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999rem;top:.5rem;background:#fff;color:var(--ink);padding:.5rem .75rem;z-index:9}
.skip:focus{left:1rem}
a{color:var(--accent)}
a:focus-visible,button:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
header.site{background:var(--accent);color:#fff}
.head{display:flex;justify-content:space-between;align-items:flex-start;gap:1rem;padding-top:1.25rem}
.brand{margin:0;font-weight:700;letter-spacing:.08em;text-transform:uppercase;font-size:.8rem;opacity:.85}
h1{margin:.1rem 0 .2rem;font-size:1.7rem;line-height:1.2}
.updated{margin:0 0 .75rem;opacity:.9}
#lang-switch{font:inherit;font-weight:600;background:#fff;color:var(--accent-dark);border:0;border-radius:999px;
padding:.45rem 1rem;cursor:pointer;white-space:nowrap}
#lang-switch:hover{background:#e8f0f8}
nav ul{list-style:none;margin:0;padding:0 0 .6rem;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
nav a{color:#fff;font-weight:600;text-decoration:none;border-bottom:2px solid transparent}
nav a:hover{border-bottom-color:#fff}
main{padding-bottom:2rem}
section{margin-top:2rem}
h2{font-size:1.35rem;margin:0 0 .75rem;padding-bottom:.3rem;border-bottom:2px solid var(--line)}
h3{font-size:1.1rem;margin:0 0 .25rem;line-height:1.3}
.muted{color:var(--muted)}
.banner{background:var(--warn-bg);border-left:.4rem solid var(--warn-line);padding:.75rem 1rem;margin-top:1.5rem;
border-radius:.25rem}
.banner p{margin:0}.banner .banner-title{font-weight:700}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,21rem),1fr));gap:1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;overflow:hidden;display:flex;
flex-direction:column}
.preview{display:block;border-bottom:1px solid var(--line);background:#fff}
.preview img{display:block;width:100%;height:auto}
.card-body{padding:.85rem 1rem 1rem}
.period{margin:0 0 .4rem;color:var(--muted);font-size:.9rem}
.desc{margin:0 0 .6rem}
.downloads{display:grid;gap:.4rem}
.dl-row{display:grid;gap:.2rem}
.dl-lang{margin:0;font-size:.85rem;font-weight:600;color:var(--muted)}
.downloads ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.35rem}
.downloads a{display:inline-block;padding:.15rem .6rem;border:1px solid var(--line);border-radius:999px;
text-decoration:none;font-size:.875rem;background:#fff}
.downloads a:hover{border-color:var(--accent);background:#eef4fa}
.size{color:var(--muted);font-size:.8em}
.archive-list{list-style:none;margin:0 0 1rem;padding:0}
.archive-entry{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.6rem .85rem;
margin-bottom:.5rem}
.archive-title{margin:0 0 .35rem;font-weight:600}
.kind{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.05em;
color:var(--accent-dark);background:#e3edf7;border-radius:.25rem;padding:0 .4rem;margin-right:.3rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:.925rem}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eaeef2}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
footer{color:var(--muted);font-size:.875rem;padding-bottom:2rem}
@media (max-width:40rem){.head{flex-direction:column}h1{font-size:1.4rem}}
@media print{
html{background:#fff}header.site{background:none;color:#000;border-bottom:2px solid #000}
#lang-switch,nav,.skip,.downloads,.card h4{display:none}
.table-wrap{overflow:visible}
.card,.archive-entry,tr{break-inside:avoid}
.cards{grid-template-columns:1fr 1fr}
a{color:#000}.downloads a{border-color:#999}
section{margin-top:1rem}
}
"""

# Runs in <head>: applies the stored language before the body is drawn (no flash of the other one),
# then wires the button once the document is parsed. localStorage can throw (private mode, file://
# in some browsers); the page then just does not remember the choice.
SCRIPT = """
(function () {
  var KEY = "__KEY__";
  var root = document.documentElement;
  function apply(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang);
    document.title = root.getAttribute("data-title-" + lang) || document.title;
    var button = document.getElementById("lang-switch");
    if (button) { button.setAttribute("aria-pressed", lang === "en" ? "true" : "false"); }
  }
  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
  apply(saved === "en" ? "en" : "id");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("lang-switch");
    apply(root.getAttribute("data-lang"));
    button.addEventListener("click", function () {
      var next = root.getAttribute("data-lang") === "en" ? "id" : "en";
      apply(next);
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* not remembered */ }
    });
  });
})();
""".replace("__KEY__", STORAGE_KEY)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def render_portal(publish: Path, manifest: Manifest) -> str:
    """The index.html text for `manifest`; files are looked up under `publish`."""
    return _Page(Path(publish), manifest).render()


def write_portal(publish: Path) -> Path:
    """Read `<publish>/manifest.json` and write `<publish>/index.html` atomically; return its path."""
    publish = Path(publish)
    manifest = load_manifest(publish)
    path = publish / INDEX_NAME
    write_atomic(path, render_portal(publish, manifest).encode("utf-8"))
    return path
