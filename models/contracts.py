"""Record contracts: each landing source's columns, types, units, code lists and row rules.

A contract is the single definition of a source. The parser (`pipelines.ingest.parse`) types and
checks rows with it, the DDL (`models.ddl`) creates warehouse tables from it, and the quality layer
reads the same fields and rules. Change a rule here and all three follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from models import codes

Kind = Literal["text", "int", "decimal", "date", "timestamp", "bool", "code"]


@dataclass(frozen=True)
class Field:
    """One column of a landing file."""

    name: str
    kind: Kind
    description: str
    required: bool = True
    unit: str | None = None
    codes: frozenset[str] | None = None  # allowed values, for kind "code"
    case: Literal["lower", "upper", None] = None  # how codes are normalised before the lookup
    pattern: str | None = None  # regular expression a text value must match (after normalising)
    strip: str | None = None  # characters removed before matching (e.g. dots in HS codes)
    min_value: float | None = None  # inclusive lower bound for numbers
    min_exclusive: bool = False
    scale: int = 4  # decimal places kept, for kind "decimal"

    @property
    def duckdb_type(self) -> str:
        return f"DECIMAL(18,{self.scale})" if self.kind == "decimal" else _DUCKDB_TYPES[self.kind]


_DUCKDB_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DECIMAL(18,4)",
    "date": "DATE",
    "timestamp": "TIMESTAMP",  # naive Asia/Jakarta local time; the UTC instant is kept beside it
    "bool": "BOOLEAN",
}


@dataclass(frozen=True)
class Contract:
    """A landing source: where its files land, its fields, its key and the date that partitions it."""

    source: str
    description: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    date_field: str | None = None
    registry_checked: bool = False  # rows must name a producer_id in the registry
    extra_columns: tuple[tuple[str, str], ...] = field(default=())  # derived columns: (name, DuckDB type)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


PRODUCER_ID = Field(
    "producer_id",
    "text",
    "Producer identifier as in the registry, e.g. BKS-0001.",
    pattern=r"^[A-Za-z0-9_.\-]{1,40}$",
)

PRODUCERS = Contract(
    source="producers",
    description="The registry of IKM producers. Each file updates producers by producer_id; the latest wins.",
    key=("producer_id",),
    fields=(
        PRODUCER_ID,
        Field("name", "text", "Business name."),
        Field("nib", "text", "Nomor Induk Berusaha: 13 digits.", pattern=r"^\d{13}$"),
        Field("kecamatan", "code", "One of the 12 kecamatan of Kota Bekasi.", codes=frozenset(codes.KECAMATAN)),
        Field("kelurahan", "text", "Kelurahan (urban village).", required=False),
        Field(
            "category",
            "code",
            "Main product category.",
            codes=frozenset(codes.CATEGORIES),
            case="lower",
        ),
        Field("kbli", "text", "KBLI 2020 business classification: 5 digits.", pattern=r"^\d{5}$"),
        Field("registered_on", "date", "Date of registration (YYYY-MM-DD).", required=False),
        Field("exporter", "bool", "Whether the producer exports (true/false, ya/tidak, 1/0)."),
    ),
)

TRANSACTIONS = Contract(
    source="transactions",
    description="Producers' sales records, one row per sale.",
    key=("producer_id", "transaction_id"),
    date_field="occurred_at",
    registry_checked=True,
    extra_columns=(("occurred_at_utc", "TIMESTAMP"), ("local_date", "DATE")),
    fields=(
        Field("transaction_id", "text", "The producer's own identifier of the sale."),
        PRODUCER_ID,
        Field(
            "occurred_at",
            "timestamp",
            "ISO 8601 time of the sale; with an offset or Z it is converted, without one it is "
            "Asia/Jakarta local time.",
        ),
        Field("amount_idr", "int", "Sale amount in whole rupiah.", unit="IDR", min_value=0, min_exclusive=True),
        Field("quantity", "int", "Items sold.", unit="items", min_value=1),
        Field(
            "category",
            "code",
            "Product category; empty means the producer's category.",
            required=False,
            codes=frozenset(codes.CATEGORIES),
            case="lower",
        ),
        Field("channel", "code", "Sales channel.", codes=frozenset(codes.CHANNELS), case="lower"),
    ),
)

EXPORTS = Contract(
    source="exports",
    description="Export declaration (PEB) items, one row per item; key (peb_number, hs_code).",
    key=("peb_number", "hs_code"),
    date_field="peb_date",
    registry_checked=True,
    extra_columns=(("hs_chapter", "VARCHAR"), ("hs_heading", "VARCHAR"), ("commodity", "VARCHAR")),
    fields=(
        Field("peb_number", "text", "Export declaration (PEB) number."),
        Field("peb_date", "date", "Date of the declaration (YYYY-MM-DD)."),
        PRODUCER_ID,
        Field(
            "hs_code",
            "text",
            "HS code, 8 or 10 digits; dots allowed.",
            pattern=r"^(?:\d{8}|\d{10})$",
            strip=".",
        ),
        Field("description", "text", "Goods description.", required=False),
        Field("quantity", "decimal", "Quantity in `unit`.", min_value=0, min_exclusive=True),
        Field("unit", "text", "Unit of quantity (e.g. EKOR, PCS, KG).", required=False),
        Field("net_weight_kg", "decimal", "Net weight.", unit="kg", required=False, min_value=0),
        Field("fob_value", "decimal", "FOB value in `currency`.", min_value=0, min_exclusive=True),
        Field("currency", "code", "ISO 4217 currency of fob_value.", codes=codes.CURRENCIES, case="upper"),
        Field("destination_country", "code", "ISO 3166 alpha-2.", codes=codes.COUNTRIES, case="upper"),
        Field(
            "port_of_loading",
            "text",
            "UN/LOCODE, e.g. IDTPP (Tanjung Priok), IDCGK (Soekarno-Hatta).",
            pattern=r"^[A-Z]{2}[A-Z2-9]{3}$",
            required=False,
        ),
    ),
)

FX_RATES = Contract(
    source="fx_rates",
    description="Reference rates in rupiah per unit of currency (for USD, Bank Indonesia's JISDOR).",
    key=("date", "currency"),
    date_field="date",
    fields=(
        Field("date", "date", "Business day of the rate (YYYY-MM-DD)."),
        Field("currency", "code", "ISO 4217 currency.", codes=codes.CURRENCIES, case="upper"),
        # Six places: Bank Indonesia's middle rate of a currency quoted per 100 units (the yen) has five.
        Field("rate_idr", "decimal", "Rupiah per unit.", unit="IDR", min_value=0, min_exclusive=True, scale=6),
    ),
)

CONTRACTS: dict[str, Contract] = {c.source: c for c in (PRODUCERS, FX_RATES, TRANSACTIONS, EXPORTS)}
# Ingest order: the registry and rates first, so the rows that need them can be checked.
SOURCES: tuple[str, ...] = tuple(CONTRACTS)
