"""A producer's own sales books: any file in `landing/transactions/<producer_id>/` (a reseller's ledger, a
cash register's export), its columns named by a small mapping file a person writes beside it.

The producer is the folder, as for marketplace exports. The mapping (`sentra.toml`, docs/FORMATS.md) names
the file's header for each transactions column it needs; columns it does not name are still found by the
alias table. A column the books do not have gets a documented default: `channel` "tunai" (a sale in hand) and
`quantity` 1 (one sale, one line), unless `[defaults]` says otherwise. A row naming another producer is
quarantined, never moved to the folder's producer.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from models import aliases, codes
from models.contracts import TRANSACTIONS
from pipelines.core.i18n import Said
from pipelines.ingest.guard import Refused
from pipelines.ingest.landing import BOOKS_MAPPING
from pipelines.ingest.layouts import Layout

MAPPING = BOOKS_MAPPING  # in the producer's folder; never ingested itself
DEFAULTS: dict[str, str] = {"channel": "tunai", "quantity": "1"}
_NOT_MAPPED = ("producer_id",)  # the folder says who the producer is
_SECTIONS = ("columns", "defaults", "date_order")


@dataclass(frozen=True)
class Mapping:
    """What the producer's mapping file says (empty when there is none)."""

    file: str  # as messages name it: transactions/<producer_id>/sentra.toml
    columns: dict[str, str] = field(default_factory=dict)  # transactions column -> the file's header
    defaults: dict[str, str] = field(default_factory=lambda: dict(DEFAULTS))
    date_order: str | None = None


def mapping_of(folder: Path, producer_id: str) -> Mapping:
    """The folder's mapping file, validated; Refused naming the key that is wrong."""
    name = f"transactions/{producer_id}/{MAPPING}"
    path = folder / MAPPING
    if not path.is_file():
        return Mapping(name)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise Refused("mapping_syntax", mapping=name, detail=str(exc).splitlines()[0]) from None
    return validated(data, name)


def validated(data: dict[str, object], name: str) -> Mapping:
    def wrong(key: str, problem: str, **values: object) -> Refused:
        return Refused("mapping", mapping=name, key=key, problem=Said.of(f"mapping.{problem}", **values))

    for key in data:
        if key not in _SECTIONS:
            raise wrong(key, "unknown_section", sections=list(_SECTIONS))
    columns, defaults = data.get("columns", {}), data.get("defaults", {})
    for section, table in (("columns", columns), ("defaults", defaults)):
        if not isinstance(table, dict):
            raise wrong(section, "not_table", section=section)
    assert isinstance(columns, dict) and isinstance(defaults, dict)
    names = [n for n in TRANSACTIONS.names if n not in _NOT_MAPPED]
    for key, header in columns.items():
        if key in _NOT_MAPPED:
            raise wrong(f"columns.{key}", "producer")
        if key not in names:
            raise wrong(f"columns.{key}", "unknown_column", columns=names)
        if not isinstance(header, str) or not header.strip():
            raise wrong(f"columns.{key}", "not_header")
    if len(set(map(aliases.normalise, columns.values()))) < len(columns):
        raise wrong("columns", "same_header")
    out = dict(DEFAULTS)
    for key, value in defaults.items():
        allowed = {"channel": list(codes.CHANNELS), "quantity": ["1", "2", "…"]}.get(key)
        if allowed is None:
            raise wrong(f"defaults.{key}", "no_default", defaults=list(DEFAULTS))
        ok = str(value).lower() in codes.CHANNELS if key == "channel" else type(value) is int and value >= 1
        if not ok:
            raise wrong(f"defaults.{key}", "bad_default", value=repr(value), allowed=allowed)
        out[key] = str(value).lower()
    order = data.get("date_order")
    if order is not None and order not in ("dmy", "mdy"):
        raise wrong("date_order", "date_order", value=repr(order))
    return Mapping(name, {k: str(v) for k, v in columns.items()}, out, order)  # type: ignore[arg-type]


def layout(own: Layout, m: Mapping, producer_id: str) -> Layout:
    """Sentra's transactions layout with the mapping's spellings first; the folder gives the producer and the
    defaults the columns the books lack, so neither is required."""
    known = {k: v for k, v in own.known.items() if v not in m.columns}
    known.update({aliases.normalise(h): c for c, h in m.columns.items()})
    required = tuple(n for n in own.required if n not in (*_NOT_MAPPED, *m.defaults))
    title = f"{producer_id}'s own books"
    return replace(own, title=title, required=required, known=known, mapping_file=m.file, mapped=dict(m.columns))


def rows(frame: pl.LazyFrame, producer_id: str, m: Mapping, present: set[str]) -> tuple[pl.LazyFrame, str]:
    """The books' rows as the transactions contract's text columns, and a note for the run summary."""
    exprs = [pl.lit(producer_id).alias("producer_id")]
    if "producer_id" in present:  # the books name a producer: another one's rows are not this producer's sales
        named = pl.col("producer_id").str.strip_chars()
        other = pl.format("producer_id '{}' is not this folder's producer {}", named, pl.lit(producer_id))
        reason = pl.when(named.is_not_null() & (named != producer_id)).then(other)
        has = "_reject" in frame.collect_schema().names()
        joined = pl.concat_str([pl.col("_reject"), reason], separator="; ", ignore_nulls=True) if has else reason
        exprs.append(pl.when(joined != "").then(joined).alias("_reject"))
    defaulted = {c: v for c, v in m.defaults.items() if c not in present}
    exprs += [pl.lit(v, dtype=pl.String).alias(c) for c, v in defaulted.items()]
    named_by = f"columns named by {m.file}" if m.columns else f"no {MAPPING}: columns by their usual names"
    by_default = ", ".join(f"{c} {v!r}" for c, v in defaulted.items())
    note = f"own books of {producer_id} ({named_by})" + (
        f"; by default (no such column): {by_default}" if by_default else ""
    )
    return frame.with_columns(exprs), note
