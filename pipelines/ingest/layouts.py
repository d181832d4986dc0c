"""The layouts a landing file may come in, and how a header row is recognised as one of them.

A source's own layout is its contract with the alias table; third parties' layouts (Bank Indonesia's rate
downloads, marketplace order exports) are `models.aliases.KnownLayout`s. Each column has a kind, which
says what the file's conventions are decided for: dates (day or month first), rupiah (whole amounts, where
decimals betray a spreadsheet round trip), numbers (Indonesian or English marks) and identifiers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from models import aliases
from models.contracts import CONTRACTS, Contract

_KINDS = {"date": "date", "timestamp": "date", "int": "number", "decimal": "number"}
# The contracts' identifiers: text where a spreadsheet's scientific notation would lose digits.
_IDENTIFIERS = frozenset({"transaction_id", "peb_number", "nib", "producer_id", "order_id"})


@dataclass(frozen=True)
class Layout:
    """The columns a file must or may have, how their spellings map to them, and each column's kind."""

    name: str
    title: str
    required: tuple[str, ...]
    known: dict[str, str]  # normalised spelling -> column name
    key: tuple[str, ...]  # a row without all of these is not a data row when it trails the data
    kinds: dict[str, str] = field(default_factory=dict)  # column -> date | rupiah | number | id
    date_order: str = aliases.OWN_DATE_ORDER  # for columns no value settles
    dot_decimal: bool = False
    known_layout: aliases.KnownLayout | None = None  # None: the source's own layout
    mapping_file: str | None = None  # a producer's own books: the mapping file that named the columns
    mapped: dict[str, str] = field(default_factory=dict)  # ... and its column -> the file's header

    @classmethod
    def of(cls, contract: Contract) -> Layout:
        names = {n: aliases.ALIASES[contract.source].get(n, ()) for n in contract.names}
        required = tuple(f.name for f in contract.fields if f.required)
        kinds = {f.name: _kind(f.name, _KINDS.get(f.kind)) for f in contract.fields}
        title = f"Sentra's own {contract.source} layout"
        return cls(contract.source, title, required, aliases.lookup(names), contract.key, _only(kinds))

    @classmethod
    def known_one(cls, layout: aliases.KnownLayout) -> Layout:
        kinds = {c: _kind(c, "date" if c in ("date", "created_at") else "number") for c in layout.columns}
        kinds["status"] = ""
        return cls(
            layout.name,
            layout.title,
            layout.required,
            aliases.lookup(layout.columns),
            layout.key,
            _only(kinds),
            layout.date_order,
            layout.dot_decimal,
            layout,
        )

    def columns_of(self, cells: Iterable[object]) -> set[str]:
        return {self.known.get(aliases.normalise(str(c))) for c in cells if c} - {None}  # type: ignore[return-value]

    def matches(self, cells: Iterable[object]) -> bool:
        """Whether a row is this layout's header; with no required column (a file read as it is, to propose its
        mapping), the first row of two cells or more: a title above the header is one cell."""
        cells = list(cells)
        if not self.required:
            return sum(1 for c in cells if c is not None and str(c).strip()) > 1
        return set(self.required) <= self.columns_of(cells)


def _kind(name: str, default: str | None) -> str:
    if name in aliases.RUPIAH_COLUMNS:
        return "rupiah"
    return "id" if name in _IDENTIFIERS else (default or "")


def _only(kinds: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in kinds.items() if v}


def for_source(source: str) -> tuple[Layout, ...]:
    """The layouts tried for a file in a source's own folder: its own first, then third parties'."""
    own = Layout.of(CONTRACTS[source])
    return (own, *(Layout.known_one(k) for k in aliases.OTHER_LAYOUTS.get(source, ())))


def marketplace(folder: str) -> tuple[Layout, ...]:
    return (Layout.known_one(aliases.MARKETPLACES[folder]),)
