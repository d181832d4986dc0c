"""Why a file's header fits no layout, said usefully: the export it really is when Sentra knows it (a shop's daily
summary, a bank statement) with the export to download instead; a producer's mapping naming a column the file
lacks; else the columns missing beside those the file has."""

from __future__ import annotations

from collections.abc import Sequence

from models import aliases, unusable
from pipelines.ingest.guard import Refused
from pipelines.ingest.layouts import Layout

SHOWN = 12  # the file's own columns listed in a message, at most


def shown(columns: Sequence[str]) -> str:
    """The file's columns as a message lists them: 'a', 'b', … (at most SHOWN)."""
    named = [f"'{c}'" for c in columns if str(c).strip()]
    return ", ".join(named[:SHOWN]) + (", …" if len(named) > SHOWN else "") or "—"


def refusal(columns: Sequence[str], layout: Layout, source: str, mapped: set[str]) -> Refused:
    """The refusal of a file whose header (`columns`) lacks some of `layout`'s required columns (`mapped`:
    those it has)."""
    normalised = {aliases.normalise(str(c)) for c in columns}
    known = unusable.recognise(normalised)
    if known is not None:
        return Refused("known_export", title=known.title, why=known.why, instead=known.instead)
    for target, header in layout.mapped.items():
        if aliases.normalise(header) not in normalised:
            return Refused(
                "mapping_no_column", mapping=layout.mapping_file, key=target, header=header, has=shown(columns)
            )
    missing = [n for n in layout.required if n not in mapped]
    if layout.mapping_file is not None:
        return Refused("missing_book", missing=missing, has=shown(columns), mapping=layout.mapping_file)
    key = "missing_one_column" if len(columns) == 1 else "missing"
    return Refused(key, missing=missing, source=source, required=list(layout.required), has=shown(columns))
