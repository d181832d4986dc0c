"""A file's conventions, decided per column from its own values: date order, number marks, damage.

- **Date order.** In a column of numeric dates, a first part above 12 proves day first (`24/07/2024`), a
  second part above 12 proves month first (`7/24/2024`). A column with both is refused. A column that no
  value settles takes the folder's `date_order` setting, else the layout's convention (month first for
  Bank Indonesia's downloads and Shopee, day first for Sentra's own layout). Never swapped silently: the
  decision and its reason are a note in the run summary.
- **Number marks.** `1.250.000` or `2,5` prove the Indonesian marks; `1,250,000` or `1250.50` the English
  ones. A column with both is refused; one with neither keeps the layout's default.
- **Spreadsheet damage.** A whole-rupiah column with `99.5` or `223.47` (one or two decimals after a
  thousands group) was opened and saved in a spreadsheet set to a US locale: thousands dots became
  decimal points and trailing zeros vanished, so `135` may be Rp135.000. It cannot be repaired
  provably (`135` may also be Rp135), so the file is refused. Identifiers in scientific notation
  (`2.08E+18`) or as numbers longer than a spreadsheet keeps lost their digits: refused too.

All evidence of a file is gathered in one pass over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from models import aliases
from pipelines.ingest.guard import Refused
from pipelines.ingest.layouts import Layout
from pipelines.ingest.normalise import NUMERIC_DATE

_ORDER_WORDS = {"dmy": "day first", "mdy": "month first"}
# A thousands group whose trailing zeros a US-locale spreadsheet dropped: `99.5`, `1.25`, `223.47`.
_ROUND_TRIP = r"^-?\d{1,3}\.(\d{1,2}|\d?[1-9]00000?)$"  # 6 decimals: a typed cell (`99.500000`)
_THREE_DECIMALS = r"^-?\d{1,3}\.\d{3}0*$"
_ID_PROOF = r"\d\.\d{3}\.|\d\.\d{3},\d|\d,\d{1,2}$"
_EN_PROOF = r"\d,\d{3},|\d,\d{3}\.\d|\d\.\d{1,2}$|\d\.\d{4,5}$|\d\.\d{7,}$"  # 6 decimals: a typed cell
_ONE_GROUP = r"^-?\d{1,3}[.,]\d{3}$"  # `1.250`, `1,250`: read by the column's marks, so worth a note
_SCIENTIFIC = r"(?i)^[+-]?\d(?:[.,]\d+)?e\+\d+$"  # as spreadsheets show it: `2.08E+18`; a SKU `1E10` is not
_FLOAT_ID = r"^\d{16,}\.0{6}$"  # an identifier typed as a number: past 15 digits it is rounded


@dataclass
class Conventions:
    """What was decided for each column, and the sentences that say so."""

    date_order: dict[str, str] = field(default_factory=dict)  # column -> dmy | mdy
    numbers: dict[str, str] = field(default_factory=dict)  # column -> id | en
    notes: list[str] = field(default_factory=list)
    # What lets the row path skip work: columns whose every value is trimmed already, and number columns
    # whose every value is plain digits (or empty).
    trimmed: set[str] = field(default_factory=set)
    digits: set[str] = field(default_factory=set)


# Cheap tests that let most values of a large file skip the costly regular expressions below: an ISO date,
# a plain whole number, an identifier with no exponent or float tail has nothing to say.
_MAYBE = {
    "date": lambda t: ~t.str.contains(r"^\d{4}-"),
    "id": lambda t: t.str.contains(r"[eE]|\.0{6}$"),
    "number": lambda t: t.str.contains(r"\D"),
}


_TAGS = ("day", "month", "numeric", "sci", "id", "en", "group", "trip", "three")


def _maybe(name: str, kind: str) -> pl.Expr:
    return _MAYBE["number" if kind == "rupiah" else kind](pl.col(name).str.strip_chars())


def _candidates(name: str, kind: str) -> pl.Expr:
    """The column's trimmed values that may carry evidence (the others cannot)."""
    return pl.col(name).str.strip_chars().filter(_maybe(name, kind))


def _first(values: pl.Expr, where: pl.Expr, tag: str, name: str) -> pl.Expr:
    return values.filter(where).first().alias(f"{tag}:{name}")


def _evidence(column: str, kind: str) -> list[pl.Expr]:
    text = _candidates(column, kind)
    if kind == "date":
        parts = text.str.extract_groups(NUMERIC_DATE)
        a, b = (parts.struct.field(i).cast(pl.Int32, strict=False) for i in ("1", "2"))
        return [
            _first(text, a > 12, "day", column),
            _first(text, b > 12, "month", column),
            a.is_not_null().any().alias(f"numeric:{column}"),
        ]
    if kind == "id":
        return [_first(text, text.str.contains(_SCIENTIFIC) | text.str.contains(_FLOAT_ID), "sci", column)]
    plain = text.str.replace_all(r"\s", "").str.replace(r"(?i)^(-?)(rp\.?|idr)", "${1}")
    tests = {"id": _ID_PROOF, "en": _EN_PROOF, "group": _ONE_GROUP}
    if kind == "rupiah":
        tests |= {"trip": _ROUND_TRIP, "three": _THREE_DECIMALS}
    return [_first(text, plain.str.contains(rx), tag, column) for tag, rx in tests.items()]


def decide(
    frame: pl.LazyFrame, mapping: dict[str, str], layout: Layout, folder_order: str | None = None
) -> Conventions:
    """Decide each mapped column's conventions from the file's values; Refused if the file is damaged.

    `mapping` is the file's header -> the layout's column; headers outside it are checked as identifiers
    when their name says they are one (`No. Resi`)."""
    kinds = {header: layout.kinds[name] for header, name in mapping.items() if name in layout.kinds}
    kinds |= {h: "id" for h in frame.collect_schema().names() if h not in mapping and _is_identifier(h)}
    # A first, cheap pass finds the columns with any value that may carry evidence; a clean file (ISO
    # dates, plain numbers) ends there. The costly pass reads only the columns that have some.
    untrimmed = [(pl.col(h) != pl.col(h).str.strip_chars()).any().alias(f"untrimmed:{h}") for h in mapping]
    cheap = [*(_maybe(h, k).any().alias(h) for h, k in kinds.items()), *untrimmed]
    maybe = frame.select(cheap).collect().row(0, named=True)
    costly = [e for h, k in kinds.items() if maybe[h] for e in _evidence(h, k)]
    seen = frame.select(costly).collect().row(0, named=True) if costly else {}
    seen = {f"{tag}:{h}": seen.get(f"{tag}:{h}") for h in kinds for tag in _TAGS}
    out = Conventions()
    out.trimmed = {name for header, name in mapping.items() if not maybe[f"untrimmed:{header}"]}
    out.digits = {mapping[h] for h, k in kinds.items() if k in ("number", "rupiah") and h in mapping and not maybe[h]}
    for header, kind in kinds.items():
        name = mapping.get(header, header)
        label = f"{name} ('{header}')" if name != header else f"'{header}'"
        if kind == "id" and seen[f"sci:{header}"] is not None:
            raise Refused("scientific_ids", header=header, value=seen[f"sci:{header}"])
        if kind == "rupiah" and seen[f"trip:{header}"] is not None:
            also, value = seen[f"three:{header}"], seen[f"trip:{header}"]
            if also is None:
                raise Refused("us_rupiah", header=header, value=value)
            raise Refused("us_rupiah_beside", header=header, value=value, also=also)
        if kind == "date":
            _date_order(out, header, name, label, seen, layout, folder_order)
        elif kind in ("number", "rupiah"):
            _number_marks(out, header, name, label, seen, layout)
    return out


def _is_identifier(header: str) -> bool:
    return re.search(aliases.IDENTIFIER_HEADER, aliases.normalise(header)) is not None


def _date_order(
    out: Conventions, header: str, name: str, label: str, seen: dict, layout: Layout, folder_order: str | None
) -> None:
    day, month = seen[f"day:{header}"], seen[f"month:{header}"]
    if day is not None and month is not None:
        raise Refused("dates_mixed", header=header, day=day, month=month)
    if day is not None or month is not None:
        order = "dmy" if day is not None else "mdy"
        why = f"'{day or month}' can only be {_ORDER_WORDS[order]}"
    elif not seen[f"numeric:{header}"]:
        return  # ISO dates or month names: nothing to decide
    elif folder_order is not None:
        order, why = folder_order, "no value settles it; the folder's date_order setting (SENTRA_INGEST)"
    else:
        order = layout.date_order
        why = f"no value settles it; the convention of {layout.title}"
    out.date_order[name] = order
    out.notes.append(f"{label}: dates read {_ORDER_WORDS[order]} ({why})")


def _number_marks(out: Conventions, header: str, name: str, label: str, seen: dict, layout: Layout) -> None:
    ind, eng = seen[f"id:{header}"], seen[f"en:{header}"]
    if ind is not None and eng is not None:
        raise Refused("marks_mixed", header=header, ind=ind, eng=eng)
    group = seen[f"group:{header}"]  # a value the marks decide; only then is the choice worth a note
    if ind is not None:
        out.numbers[name] = "id"
        if group is not None:
            out.notes.append(
                f"{label}: Indonesian number marks (dot for thousands), as '{ind}' shows; '{group}' is read so"
            )
    elif eng is not None:
        out.numbers[name] = "en"
        if group is not None:
            out.notes.append(
                f"{label}: English number marks (dot for decimals), as '{eng}' shows; '{group}' is read so"
            )
    elif layout.dot_decimal:
        out.numbers[name] = "en"
