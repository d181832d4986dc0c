"""The portal's words: every `portal.*` text of the catalogue as an (Indonesian, English) pair, and the labels of
periods, values, changes and sizes in both languages (`pipelines.core.i18n`)."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from typing import Any
from urllib.parse import quote

from pipelines.core import i18n
from pipelines.publish import symbols
from pipelines.publish.formatting import date_label, month_label, month_name, number
from pipelines.publish.portal.model import LocalText

# --- Words: the catalogue's `portal.*` entries, as (Indonesian, English) pairs ------------------

Pair = tuple[str, str]


@cache
def texts() -> dict[str, Pair]:
    """Every `portal.` text of the catalogue as an (Indonesian, English) pair: what the template shows."""
    return {
        key: (i18n.text(key, "id"), i18n.text(key, "en")) for key in i18n.catalogue("id") if key.startswith("portal.")
    }


def bilingual(key: str, **values: object) -> Pair:
    """The (Indonesian, English) pair for `key`; a value that is itself a pair fills each language with its own."""

    def fill(i: int, lang: str) -> str:
        return i18n.text(key, lang, **{k: v[i] if isinstance(v, tuple) else v for k, v in values.items()})

    return fill(0, "id"), fill(1, "en")


# --- Labels ------------------------------------------------------------------------------------


def both(label: Callable[..., str], *args: Any) -> Pair:
    """`label(*args, lang)` in both languages."""
    return label(*args, "id"), label(*args, "en")


def period_label(period: str, lang: str = "id") -> str:
    """ "2025-12" -> "Desember 2025" / "December 2025"; days, years and quarters likewise; else as given."""
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
            return month_label(date(int(m[1]), int(m[2]), 1), lang)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
            return date_label(date.fromisoformat(period), lang)
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", period):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            span = _short_span(monday, monday + timedelta(days=6), lang)
            return i18n.text("portal.period.week", lang, week=int(m[2]), year=m[1], span=span)
        if m := re.fullmatch(r"(\d{4})-?Q([1-4])", period):
            number_ = i18n.text(f"portal.period.quarter_number.{m[2]}", lang)
            return i18n.text("portal.period.quarter", lang, number=number_, year=m[1])
    except ValueError:
        pass  # e.g. "2025-13": show it as written rather than fail the whole page
    return period


def _short_span(first: date, last: date, lang: str) -> str:
    """ "29 Des – 4 Jan": a week as people say it, months short."""
    return "{} – {}".format(*(f"{d.day} {month_name(d.month, lang, short=True)}" for d in (first, last)))


def value_label(value: int | float | None, lang: str) -> str:
    if value is None:  # a published cell without a value is hidden: confidential, or merged into "Lainnya"
        return symbols.SYMBOLS[symbols.CONFIDENTIAL]
    decimals = 0 if float(value).is_integer() else 2
    return number(value, decimals, lang)


def change_label(old: int | float | None, new: int | float | None, lang: str) -> str:
    if old is None or new is None or old == 0:
        return symbols.SYMBOLS[symbols.NOT_AVAILABLE]
    pct = (new - old) / abs(old) * 100
    sign = "+" if pct > 0 else ""
    return f"{sign}{number(pct, 1, lang)}%"


def size_label(size: int, lang: str) -> str:
    if size >= 1024 * 1024:
        return f"{number(size / (1024 * 1024), 1, lang)} MB"
    return f"{number(max(1, round(size / 1024)), 0, lang)} KB"


def date_or_raw(value: str, lang: str) -> str:
    try:
        return date_label(date.fromisoformat(value[:10]), lang)
    except ValueError:
        return value


def pair(title: LocalText | None, fallback: str) -> Pair:
    return (title.id, title.en) if title else (fallback, fallback)


def href(path: str) -> str:
    # Paths were checked by the manifest model; quote spaces and the like, keep the "/" separators.
    return quote(path, safe="/")


def slug(text: str) -> str:
    """A title as a file name: "Nilai ekspor bulanan" -> "nilai-ekspor-bulanan" (ASCII, lower case, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "sentra"


def month_of(period: str) -> str:
    """The month an archive lists a period under: "2025-04-30" and "2025-W18" (its Monday, 28 April) -> "2025-04";
    a month, year or anything else as it is."""
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", period):
        with contextlib.suppress(ValueError):
            return f"{date.fromisocalendar(int(m[1]), int(m[2]), 1):%Y-%m}"
    return period[:7] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period) else period
