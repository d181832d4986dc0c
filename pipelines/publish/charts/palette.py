"""One colour per category and commodity, the same in every chart and language: `palette.csv` beside this module
(data, not code), written into each chart's metadata.json.

The colours are Okabe-Ito's, chosen for colour-blind readers; neighbouring layers differ in lightness too, and
stacked bars are drawn with a white edge, so a greyscale print keeps them apart. The order of the file is the
stacking and legend order. A code the file does not name (a category added later) takes a spare colour, by its
place among such codes, so its colour never depends on the language of its label.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PALETTE_FILE = Path(__file__).with_name("palette.csv")


@cache
def _read() -> tuple[dict[str, str], tuple[str, ...]]:
    with PALETTE_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    members = {r["code"]: r["colour"] for r in rows if r["kind"] == "member"}
    spares = tuple(r["colour"] for r in rows if r["kind"] == "spare")
    return members, spares


def order(codes: Iterable[str]) -> list[str]:
    """`codes` in the palette's order, those it does not name after them by code."""
    members, _ = _read()
    rank = {code: i for i, code in enumerate(members)}
    return sorted(set(codes), key=lambda c: (rank.get(c, len(rank)), c))


def colours(codes: Iterable[str]) -> dict[str, str]:
    """{code: colour} for `codes`: the palette's own, else a spare one by the code's place among the unknown."""
    members, spares = _read()
    unknown = sorted(c for c in set(codes) if c not in members)
    return {c: members.get(c) or spares[unknown.index(c) % len(spares)] for c in order(codes)}
