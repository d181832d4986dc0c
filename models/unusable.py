"""Exports Sentra knows but cannot use as sales records (a shop's daily summary, a payout report, a bank
statement), from `unusable.toml` beside this file: a file that fits no layout is named as one of them, with
the export to download instead."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).with_name("unusable.toml")


@dataclass(frozen=True)
class Unusable:
    name: str
    title: dict[str, str]  # lang -> text
    why: dict[str, str]
    instead: dict[str, str]
    headers: frozenset[str]
    at_least: int


def _load() -> tuple[Unusable, ...]:
    data = tomllib.loads(PATH.read_text("utf-8"))
    return tuple(
        Unusable(e["name"], e["title"], e["why"], e["instead"], frozenset(e["headers"]), e["at_least"])
        for e in data["export"]
    )


EXPORTS = _load()


def recognise(normalised_headers: set[str]) -> Unusable | None:
    """The known export whose headers the file names most (at least its `at_least`), if any."""
    scored = [(len(e.headers & normalised_headers), e) for e in EXPORTS]
    best = max(scored, key=lambda s: s[0], default=(0, None))
    return best[1] if best[1] is not None and best[0] >= best[1].at_least else None
