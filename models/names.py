"""Names of countries, commodities and categories in Indonesian and English, from `models/names.csv`.

The one place every chart, table and report takes a name from, so a chart and a report never name
the same code differently. The CSV (columns kind, code, id, en) was generated once from pycountry's
ISO 3166 names (Indonesian from the iso-codes translations it ships) with the usage official
Indonesian statistics prefer over the ISO list (BPS writes "Tiongkok", "Taiwan", "Inggris"), short
English names where ISO's are formal ("South Korea", "Russia"), and the category and commodity labels.
It is maintained by hand from then on: edit the row, not the code.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

PATH = Path(__file__).with_name("names.csv")
KINDS: tuple[str, ...] = ("country", "commodity", "category")
LANGS: tuple[str, ...] = ("id", "en")
OTHER = "lainnya"  # the merged remainder, in every kind
_OTHER = {"id": "Lainnya", "en": "Other"}


@cache
def _names() -> dict[tuple[str, str], dict[str, str]]:
    with PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out: dict[tuple[str, str], dict[str, str]] = {}
    for i, row in enumerate(rows, start=2):
        kind, code = row["kind"], row["code"]
        if kind not in KINDS or (kind, code) in out or not all(row[lang] for lang in LANGS):
            raise ValueError(f"{PATH.name} line {i}: unknown kind, duplicate code or empty name: {row}")
        out[kind, code] = {lang: row[lang] for lang in LANGS}
    return out


def name(kind: str, code: str, lang: str) -> str:
    """The name of `code` ("CN" -> "Tiongkok" / "China"); an unknown code is returned as given."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; supported: {', '.join(LANGS)}")
    found = _names().get((kind, code))
    if found is not None:
        return found[lang]
    return _OTHER[lang] if code == OTHER else code


def codes(kind: str) -> tuple[str, ...]:
    """Every code of `kind` the file names, in file order."""
    return tuple(code for k, code in _names() if k == kind)
