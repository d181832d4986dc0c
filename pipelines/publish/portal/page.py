"""The publication portal: one static, offline `index.html` listing every published chart and report.

The page is opened from a shared folder, a USB stick or `sentra serve`, so it needs no server and no
network: `static/portal.css` and `static/portal.js` are inlined at render time (pinned by a CSP hash),
every link is a relative path inside the publish folder, nothing is loaded from outside. `write_portal`
reads `manifest.json` (schema and checks: `manifest_model`), fills `templates/portal.html.j2`
(autoescaped; every word from the catalogue's `portal.*` entries, `pipelines.core.i18n`) and writes
the page atomically. A listed file that does not exist is left off the page with a warning in the log,
so one missing export does not break it.

Language switch: every text exists twice, in elements with `class="only-id" lang="id"` and
`class="only-en" lang="en"`; CSS hides the pair not matching `<html data-lang>`, which the inline
script sets from localStorage (`sentra.lang`) before the body is drawn; `#lang-switch` flips and
stores it. Without JavaScript the page is simply Indonesian.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from pipelines.core import i18n
from pipelines.publish import templating
from pipelines.publish.files import write_atomic
from pipelines.publish.formatting import as_of_label
from pipelines.publish.portal.model import (
    FORMATS,
    KINDS,
    MANIFEST_NAME,
    ArchiveEntry,
    FileEntry,
    Item,
    LocalText,
    Manifest,
    ManifestError,
    parse_manifest,
)
from pipelines.publish.portal.words import (
    Pair,
    bilingual,
    both,
    change_label,
    date_or_raw,
    href,
    month_of,
    pair,
    period_label,
    size_label,
    slug,
    texts,
    value_label,
)

log = logging.getLogger(__name__)

INDEX_NAME = "index.html"
_HERE = Path(__file__).parent.parent
# Files to save rather than open: data and images. PDF and HTML open in the browser.
DOWNLOAD_FORMATS = frozenset({"png", "png_print", "svg", "csv", "xlsx", "figures", "json"})


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


# --- What the template shows: plain values and (Indonesian, English) pairs; the template escapes them


@dataclass(frozen=True)
class Link:
    href: str
    label: Pair
    size: Pair
    download: bool
    filename: str = ""  # the name a download is saved under: what, which period, which language


@dataclass(frozen=True)
class Group:
    lang: str | None  # None = language-free files
    links: list[Link]


@dataclass(frozen=True)
class Preview:
    lang: str
    href: str  # the interactive chart if there is one, else the image itself
    src: str
    alt: str
    size: tuple[int, int] | None


@dataclass(frozen=True)
class Entry:
    """A chart or report: a card among the latest (with period and previews), or a line in the archive."""

    kind: str
    id: str
    title: Pair
    groups: list[Group]
    period: Pair | None = None
    description: Pair | None = None
    print_period: Pair | None = None  # a daily chart's PNG, SVG and PDF: drawn once a month
    previews: tuple[Preview, ...] = ()
    primary: tuple[tuple[str, Link], ...] = ()  # (language, link): the one download a card offers up front
    page: str | None = None  # a chart's own page, with every format, its metadata and its archive

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{re.sub(r'[^A-Za-z0-9_-]', '-', self.id)}"


@dataclass(frozen=True)
class ArchiveBlock:
    period: str
    label: Pair
    entries: list[Entry]


@dataclass(frozen=True)
class Banner:
    families: Pair | None  # which data is late, when the manifest says
    detail: Pair | None


class _Page:
    """Turns one manifest into what the template shows; knows the publish folder to check files and sizes."""

    def __init__(self, publish: Path, manifest: Manifest) -> None:
        self.publish = publish
        self.manifest = manifest
        # Titles by id, for archive entries and changelog lines that carry only the id.
        self.titles: dict[str, LocalText] = {}
        for entry in manifest.archive:
            if entry.title:
                self.titles.setdefault(entry.id, entry.title)
        for item in manifest.items:
            self.titles[item.id] = item.title  # the current title wins
        self._missing_logged: set[str] = set()

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
        files = [f for f in entry.files if self.exists(f.path)]
        meta = entry.metadata
        if meta and all(f.path != meta for f in files) and self.exists(meta):
            files.append(FileEntry(lang=None, format="json", path=meta))
        return sorted(files, key=lambda f: FORMATS.index(f.format))

    def link(self, f: FileEntry, entry: Item | ArchiveEntry | None = None) -> Link:
        size = both(size_label, (self.publish / f.path).stat().st_size)
        # A chart's PDF is a 16:9 slide page (its print PDF is A4); a report's is the report.
        kind = "pdf_slide" if f.format == "pdf" and entry is not None and entry.kind == "chart" else f.format
        label = bilingual(f"portal.format.{kind}")
        if f.title is not None:  # a report's table: named by its caption, then the format
            label = (f"{f.title.id} ({label[0]})", f"{f.title.en} ({label[1]})")
        return Link(href(f.path), label, size, f.format in DOWNLOAD_FORMATS, self.filename(f, entry))

    def filename(self, f: FileEntry, entry: Item | ArchiveEntry | None) -> str:
        """`nilai-ekspor-bulanan_2025-12_id.png`: a download says what it is, of which period, in which language,
        so two downloads never overwrite each other (the files themselves keep their paths)."""
        name = Path(f.path).name
        if entry is None or entry.kind != "chart":
            return name  # report files carry their period and language in their names already
        title = entry.title or self.titles.get(entry.id)
        words = (title.id if f.lang != "en" else title.en) if title else entry.id
        suffix = name.split(".", 1)[1] if "." in name else ""
        parts = [slug(words), f.period or entry.period, *([f.lang] if f.lang else [])]
        return "_".join(parts) + (f".{suffix}" if suffix else "")

    def groups(self, files: list[FileEntry], entry: Item | ArchiveEntry | None = None) -> list[Group]:
        """Links by the language of the file: Indonesian, English, then language-free ones."""
        by_lang = [(lang, [self.link(f, entry) for f in files if f.lang == lang]) for lang in ("id", "en", None)]
        return [Group(lang, links) for lang, links in by_lang if links]

    def previews(self, item: Item, files: list[FileEntry]) -> tuple[Preview, ...]:
        """The PNG preview per language (falling back to the other language's), linked to the chart."""

        def pick(fmt: str, lang: str) -> FileEntry | None:
            wanted = (lang, None, "en" if lang == "id" else "id")
            return next((f for want in wanted for f in files if f.format == fmt and f.lang == want), None)

        out = []
        for lang in ("id", "en"):
            if png := pick("png", lang):
                target = pick("html", lang) or png
                alt = item.title.id if lang == "id" else item.title.en
                out.append(Preview(lang, href(target.path), href(png.path), alt, _png_size(self.publish / png.path)))
        return tuple(out)

    def cards(self, kind: str) -> list[Entry]:
        return [self.entry(i) for i in self.manifest.items if i.kind == kind and i.latest]

    def entry(self, item: Item) -> Entry:
        """A current chart or report as its card (and a chart's page) shows it."""
        files = self.files_of(item)
        printed = next((f.period for f in files if f.period and f.period != item.period), None)
        # Up front: a chart's slide PNG, a report's PDF (a brief's page, which has none), in each language.
        wanted = ("png",) if item.kind == "chart" else ("pdf", "html")
        first = next((fmt for fmt in wanted if any(f.format == fmt for f in files)), None)
        primary = tuple(
            (f.lang, self.link(f, item)) for lang in ("id", "en") for f in files if f.format == first and f.lang == lang
        )
        return Entry(
            item.kind,
            item.id,
            pair(item.title, item.id),
            self.groups(files, item),
            period=bilingual(
                "portal.card.period_incomplete" if item.incomplete else "portal.card.period",
                period=both(period_label, item.period),
            ),
            description=pair(item.description, item.id) if item.description else None,
            previews=self.previews(item, files),
            print_period=printed and bilingual("portal.card.print_period", period=both(period_label, printed)),
            primary=primary,
            page=chart_page_name(item.id) if item.kind == "chart" else None,
        )

    def archive(self, only: str | None = None) -> list[ArchiveBlock]:
        """The archive by month, newest first (a week in the month of its Monday, a day in its month), each entry
        with its own period; `only`: one item's (a chart's page)."""
        # Archived entries plus any item the pipeline marked as no longer the latest.
        entries = [*self.manifest.archive, *(i for i in self.manifest.items if not i.latest)]
        by_month: dict[str, list[Item | ArchiveEntry]] = {}
        for entry in entries:
            if only is None or entry.id == only:
                by_month.setdefault(month_of(entry.period), []).append(entry)
        # ISO periods sort as text: "2025-12" > "2025-11" > "2025"; newest first.
        return [
            ArchiveBlock(
                month,
                both(period_label, month),
                [
                    Entry(
                        e.kind,
                        e.id,
                        pair(e.title or self.titles.get(e.id), e.id),
                        self.groups(self.files_of(e), e),
                        period=both(period_label, e.period),
                    )
                    for e in sorted(by_month[month], key=lambda e: (KINDS.index(e.kind), e.id, _desc(e.period)))
                ],
            )
            for month in sorted(by_month, reverse=True)
        ]

    def changes(self) -> list[tuple[str, list[Pair]]]:
        """(item id, cells in the template's column order) per revision, newest first."""
        out = []
        for c in sorted(self.manifest.changelog, key=lambda c: c.date, reverse=True):
            cells = [
                both(date_or_raw, c.date),
                pair(self.titles.get(c.item), c.item),
                both(period_label, c.period),
                both(value_label, c.old),
                both(value_label, c.new),
                both(change_label, c.old, c.new),
                (c.note_id or c.note_en, c.note_en or c.note_id),
            ]
            out.append((c.item, cells))
        return out

    def banner(self) -> Banner | None:
        status = self.manifest.data_status
        if not status.is_delayed:
            return None
        families = status.delayed_families
        # A family without a word in the catalogue is shown by its name rather than dropped.
        names = [texts().get(f"portal.family.{f}", (f, f)) for f in families]
        listed = bilingual(
            "portal.status.families", families=(", ".join(n[0] for n in names), ", ".join(n[1] for n in names))
        )
        msg_id, msg_en = status.message_id, status.message_en
        detail = (msg_id or msg_en, msg_en or msg_id) if (msg_id or msg_en) else None
        return Banner(listed if families else None, detail)


# --- Rendering ---------------------------------------------------------------------------------


@cache
def _static(name: str) -> str:
    source = (_HERE / "static" / name).read_text(encoding="utf-8")
    # Inlined into <style>/<script> as is (not escaped): "</" could end the element early.
    if "</" in source:
        raise ValueError(f"portal: static/{name} must not contain '</' (it is inlined into the page)")
    return source


def _desc(period: str) -> tuple[int, ...]:
    """Newest first among periods of one kind: their characters' codes, negated."""
    return tuple(-ord(c) for c in period)


def _sha256(source: str) -> str:
    """CSP hash of an inline <style>/<script>: only this exact code may run, nothing injected."""
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def _context(page: _Page, home: str) -> dict[str, Any]:
    """What every page of the portal shows around its own content: words, inline CSS and script, the header."""
    css, script = _static("portal.css"), _static("portal.js")
    # Only the page's own CSS and script (pinned by hash) may run: if escaping ever missed a spot,
    # injected markup still could not execute. Images are not restricted: 'self' does not match
    # file:// in every browser, and the page is meant to be opened straight from a folder.
    csp = (
        f"object-src 'none'; style-src '{_sha256(css)}'; script-src '{_sha256(script)}'; "
        "base-uri 'none'; form-action 'none'"
    )
    return {
        "text": texts(),
        "autonyms": {lang: i18n.text("language.autonym", lang) for lang in ("id", "en")},  # each named in itself
        "css": Markup(css),
        "script": Markup(script),
        "csp": csp,
        "updated": bilingual("portal.page.updated", when=both(as_of_label, page.manifest.generated_at)),
        "home": home,
    }


def render_portal(publish: Path, manifest: Manifest) -> str:
    """The index.html text for `manifest`; files are looked up under `publish`."""
    page = _Page(Path(publish), manifest)
    template = templating.environment().get_template("portal.html.j2")
    return template.render(
        **_context(page, ""),
        banner=page.banner(),
        charts=page.cards("chart"),
        reports=page.cards("report"),
        archive=page.archive(),
        changes=page.changes(),
    )


def render_chart_pages(publish: Path, manifest: Manifest) -> dict[str, str]:
    """{file name: text} of each current chart's own page (`chart-<id>.html`, beside index.html)."""
    page = _Page(Path(publish), manifest)
    template = templating.environment().get_template("portal_chart.html.j2")
    return {
        chart_page_name(item.id): template.render(
            **_context(page, INDEX_NAME), entry=page.entry(item), archive=page.archive(only=item.id)
        )
        for item in manifest.items
        if item.kind == "chart" and item.latest
    }


def chart_page_name(chart_id: str) -> str:
    return f"chart-{chart_id}.html"


def write_portal(publish: Path) -> Path:
    """Read `<publish>/manifest.json` and write `<publish>/index.html` and each chart's page atomically; return the
    index's path."""
    publish = Path(publish)
    manifest = load_manifest(publish)
    for name, text in render_chart_pages(publish, manifest).items():
        write_atomic(publish / name, text.encode("utf-8"))
    path = publish / INDEX_NAME
    write_atomic(path, render_portal(publish, manifest).encode("utf-8"))
    return path
