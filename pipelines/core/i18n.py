"""Every text a reader sees, from one gettext catalogue per language (`locale/<lang>/LC_MESSAGES/sentra.po`).

A message id is a stable dotted key, `<area>.<name>` (`report.turnover`, `chart.date`,
`sentence.export`, `check.name.coverage`, `calendar.month.3`, `method.sources`); its msgstr is the
text with `{named}` placeholders that `str.format` fills. Both catalogues hold exactly the same keys
with the same placeholders (tests/test_i18n.py), so a sentence cannot exist in one language only.

The .po files are read once per process with Babel (`babel.messages.pofile.read_po`), not compiled
to .mo: they are small, and one source file per language is easier to review than a binary.
Python keeps the grammar (choosing "naik" or "turun", joining lists); the words live here. The
supported languages are defined here too (`formatting` re-exports them).
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages.pofile import read_po

Lang = Literal["id", "en"]
LANGS: tuple[str, ...] = ("id", "en")

DOMAIN = "sentra"
LOCALE_DIR = Path(__file__).with_name("locale")


class UnknownLanguageError(KeyError, ValueError):
    """Raised for a language other than "id" or "en" (a KeyError, so lookups can catch it as one)."""

    def __str__(self) -> str:
        # KeyError would print the repr of its argument; show the plain message instead.
        return str(self.args[0]) if self.args else "unknown language"


def check_lang(lang: str) -> Lang:
    """Return `lang` if supported, else raise UnknownLanguageError naming the supported ones."""
    if lang not in LANGS:
        raise UnknownLanguageError(f"unknown language {lang!r}; supported: {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def catalogue_path(lang: str) -> Path:
    """The .po file of `lang`."""
    return LOCALE_DIR / check_lang(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalogues() -> dict[str, dict[str, str]]:
    """{lang: {key: text}} for every supported language, read once."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        with catalogue_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
        # The header entry has the empty id; plural entries would have a tuple id (none are used).
        out[lang] = {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}
    return out


def catalogue(lang: str) -> dict[str, str]:
    """A copy of `lang`'s catalogue, {key: text with placeholders}."""
    return dict(_catalogues()[check_lang(lang)])


def text(key: str, lang: str, /, **values: object) -> str:
    """The text `key` in `lang`, its `{placeholders}` filled from `values`.

    Without `values` the text comes back as written, placeholders included, so a caller may fill it
    later with `.format`. An unknown language raises UnknownLanguageError; an unknown key a KeyError
    naming the key and the catalogue; a placeholder without a value a KeyError naming both.
    """
    lang = check_lang(lang)
    try:
        template = _catalogues()[lang][key]
    except KeyError:
        raise KeyError(f"no text {key!r} in the {lang!r} catalogue ({catalogue_path(lang)})") from None
    if not values:
        return template
    try:
        return template.format(**values)
    except KeyError as missing:
        raise KeyError(f"text {key!r} ({lang}) needs a value for {missing}") from None


def placeholders(template: str) -> frozenset[str]:
    """The `{named}` placeholders of a text: "naik {percent} dibanding {against}" -> {"percent", "against"}."""
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field is not None)


@dataclass(frozen=True)
class Said:
    """A message for people kept as its key and values, so it can be said in either language.

    A value may itself be a Said (a phrase such as "a PDF document"), said in the same language, or a dict
    {lang: text}; a list is joined with commas. `str()` is the English text, which logs and the warehouse keep.
    """

    key: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **values: object) -> Said:
        return cls(key, tuple(values.items()))

    def text(self, lang: str) -> str:
        filled = {k: _said(v, lang) for k, v in self.values}
        return text(self.key, lang, **filled) if filled else text(self.key, lang)

    def __str__(self) -> str:
        return self.text("en")


def _said(value: object, lang: str) -> object:
    if isinstance(value, Said):
        return value.text(lang)
    if isinstance(value, dict):  # a text given in each language (a data file's)
        return value[lang]
    if isinstance(value, list | tuple):
        return ", ".join(str(_said(v, lang)) for v in value)
    return value


# The CLI's language for messages to people (rejections, `sentra check`): --lang, else SENTRA_LANG, else English.
LANG_ENV = "SENTRA_LANG"


def cli_lang(given: str | None) -> Lang:
    """`given` (a --lang option), else $SENTRA_LANG, else "en"; UnknownLanguageError for any other."""
    return check_lang(given or os.environ.get(LANG_ENV) or "en")
