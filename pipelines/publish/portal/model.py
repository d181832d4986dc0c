"""The portal's manifest, `<publish>/manifest.json`: one typed model that `manifest.py` writes and `portal.py` reads.

Schema (UTF-8 JSON)::

    {
      "generated_at": "2026-11-28T13:45:00+07:00",        # ISO 8601; naive = Jakarta time (WIB)
      "data_status": {                                     # optional; default: not delayed
        "delayed": false,
        "delayed_families": ["turnover", "exports"],       # optional; which data is late (non-empty = delayed)
        "message_id": "", "message_en": ""                 # optional detail shown in the banner
      },
      "items": [                                           # what is current, shown with a preview
        {
          "kind": "chart",                                 # "chart" | "report"
          "id": "daily_turnover",                          # stable identifier, [A-Za-z0-9_.-]+
          "title": {"id": "Omzet harian", "en": "Daily turnover"},   # both languages required
          "description": {"id": "...", "en": "..."},       # optional
          "period": "2025-12",                             # labelled when "YYYY", "YYYY-MM", "YYYY-MM-DD", "YYYY-Qn"
          "latest": true,                                  # optional, default true; false = archive only
          "incomplete": false,                             # optional; the period is incomplete in the data
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
Periods are non-empty text: other shapes (e.g. a weekly "2025-W03") are shown as written.

File entries: `format` is one of `FORMATS` (png = slide, 1920 x 1080; png_print = A4 at 300 dpi; svg;
pdf = slide, 16:9; pdf_print = A4 landscape;
html = interactive chart or report, csv, xlsx, figures = a report's headline figures as JSON,
json = metadata); `lang` is "id", "en", or null/absent for a file that has no language (e.g. one CSV
for both); `period` (optional) is set when the file shows another period than its entry: a daily
chart's print formats (png, png_print, svg, pdf, pdf_print) are drawn once per month and show the last month
that has closed, while its HTML, CSV and XLSX show the latest day. Paths are relative to the publish
folder, use "/" and may not leave it: "..", absolute paths, "\\", ":" (URL schemes) and hidden segments
are rejected, because every path becomes an `href`.

Values are checked strictly (no "1000" for 1000, no 1 for true); unknown keys are ignored so an older
portal can read a newer manifest. `parse_manifest` turns the first problem into a one-line
`ManifestError` naming the field, e.g. `manifest.json: items[1].files[0].format: Input should be ...`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainValidator, StrictBool, ValidationError
from pydantic_core import PydanticCustomError

MANIFEST_NAME = "manifest.json"

Kind = Literal["chart", "report"]
KINDS: tuple[str, ...] = get_args(Kind)
Lang = Literal["id", "en"]
# In display order; the words shown for each are in the catalogue (portal.format.*).
Format = Literal["png", "png_print", "svg", "pdf", "pdf_print", "html", "csv", "xlsx", "figures", "json"]
FORMATS: tuple[str, ...] = get_args(Format)

_ID_RE = re.compile(r"[A-Za-z0-9_.-]+")


class ManifestError(ValueError):
    """manifest.json is not what the portal expects; the message names the field."""


def _text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty", "expected a non-empty string")
    return value


def _ident(value: str) -> str:
    if not _ID_RE.fullmatch(value):
        raise PydanticCustomError("ident", "use letters, digits, '_', '.', '-' only")
    return value


def _path(value: str) -> str:
    """A relative path inside the publish folder, safe to put in an href as is (after quoting)."""
    if "\\" in value or ":" in value or "\x00" in value or value.startswith("/"):
        raise PydanticCustomError("path", "path must be relative with '/' separators")
    if any(part in ("", ".", "..") or part.startswith(".") for part in value.split("/")):
        raise PydanticCustomError("path", "path must stay inside the publish folder (no '..', hidden or empty parts)")
    return value


def _number(value: Any) -> int | float | None:
    # One check instead of a union: its error names the field alone, and "1000" or true are refused.
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise PydanticCustomError("number", "expected a number or null")


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("datetime", "not an ISO 8601 date-time") from None
    return value


def _or(default: Any) -> BeforeValidator:
    """Read null or "" as the field's default: manifests have always been allowed to write an absent part so."""
    return BeforeValidator(lambda value: default if value is None or value == "" else value)


Text = Annotated[str, AfterValidator(_text)]
Ident = Annotated[str, AfterValidator(_ident)]
RelPath = Annotated[str, AfterValidator(_path)]
Number = Annotated[int | float | None, PlainValidator(_number, json_schema_input_type=int | float | None)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True)


class LocalText(_Model):
    """A text in both languages."""

    id: Text
    en: Text


class FileEntry(_Model):
    """One downloadable file; `lang` None = the file has no language; `period` when the file shows another
    period than its entry (a daily chart's PNG, SVG and PDF show the last month that has closed)."""

    lang: Annotated[Lang | None, _or(None)] = None
    format: Format
    path: RelPath
    period: Annotated[Text | None, _or(None)] = None
    title: LocalText | None = None  # a report's table: its caption ("Tabel 1. Nilai ekspor …"), listed by it


class _Entry(_Model):
    kind: Kind
    id: Ident
    title: LocalText | None = None
    period: Text
    files: list[FileEntry] = []
    metadata: Annotated[RelPath | None, _or(None)] = None


class Item(_Entry):
    """A current chart or report."""

    title: LocalText
    description: LocalText | None = None
    latest: StrictBool = True
    incomplete: StrictBool = False  # its period is incomplete in the data (e.g. a day under the coverage threshold)


class ArchiveEntry(_Entry):
    """A chart or report of an earlier period; without a title it borrows the current item's."""


class ChangelogEntry(_Model):
    """A published figure that was revised: on `date`, `item`'s value for `period` went old -> new."""

    date: Text
    item: Text
    period: Text
    old: Number = None
    new: Number = None
    note_id: Annotated[str, _or("")] = ""
    note_en: Annotated[str, _or("")] = ""


class HeldPeriod(_Model):
    """A period the publication gate holds: not published (its previous figures stay), with the reason."""

    family: Ident
    period: str
    reason_id: str
    reason_en: str


class DataStatus(_Model):
    """Whether the newest data is late (a source did not arrive, or its checks failed), and which."""

    delayed: StrictBool = False
    delayed_families: Annotated[list[Ident], _or([])] = []
    held: Annotated[list[HeldPeriod], _or([])] = []
    message_id: Annotated[str, _or("")] = ""
    message_en: Annotated[str, _or("")] = ""

    @property
    def is_delayed(self) -> bool:
        return self.delayed or bool(self.delayed_families)


class Manifest(_Model):
    """The whole of manifest.json."""

    generated_at: Annotated[datetime, BeforeValidator(_iso_datetime)]
    data_status: Annotated[DataStatus, _or({})] = DataStatus()
    items: list[Item] = []
    archive: Annotated[list[ArchiveEntry], _or([])] = []
    changelog: Annotated[list[ChangelogEntry], _or([])] = []


class ReportInfo(_Model):
    """`report.json` in a report folder: its title and the files to list, by name within the folder.

    `files` holds each language's files (HTML, PDF, and tables with translated headers); `data` the
    language-free data files (CSV, XLSX, `figures.json`). Folders written before `data` existed lack it.
    """

    title: LocalText
    files: dict[Lang, list[str]] = {}
    data: list[str] = []
    titles: dict[str, LocalText] = {}  # a data file's title (its table's caption), by file name


def _where(loc: tuple[str | int, ...]) -> str:
    """('items', 1, 'files', 0, 'format') -> 'items[1].files[0].format'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "top level"


def parse_manifest(raw: Any) -> Manifest:
    """Check a decoded manifest against the model; raise a one-line ManifestError naming the first wrong field."""
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        got = "" if first["type"] == "missing" else f", got {repr(first['input'])[:80]}"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ManifestError(f"{MANIFEST_NAME}: {_where(first['loc'])}: {first['msg']}{got}{more}") from None
