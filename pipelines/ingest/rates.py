"""Bank Indonesia's rate downloads as fx_rates rows: the currency from the file, the middle rate from jual/beli.

"Kurs Transaksi BI" gives, per day, `Kurs Jual` and `Kurs Beli` for `Nilai` units of one currency (100 for
the yen): Sentra takes BI's middle rate, (jual + beli) / 2 / Nilai, computed exactly in decimal. The JISDOR
download (and any rate file of one currency) gives the rate itself. Neither names its currency in a column:
it is read from the title above the header, else the sheet's name, else the file's name.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import polars as pl

from models import aliases, codes
from pipelines.core.i18n import Said
from pipelines.ingest import normalise
from pipelines.ingest.conventions import Conventions
from pipelines.ingest.guard import Refused
from pipelines.ingest.parse import cell


def currency(places: list[tuple[str, str]]) -> tuple[str, str]:
    """(currency, where it was found) from [(where, text)], tried in order; Refused when none or two. `where` is
    a `place.*` text's key: "title", "sheet" or "file_name"."""
    for where, text in places:
        found = set()
        for word in re.findall(r"[A-Za-z]+", text):
            code = aliases.CURRENCY_WORDS.get(word.lower(), word.upper() if len(word) == 3 else "")
            if code in codes.CURRENCIES and code != "IDR":
                found.add(code)
        if len(found) > 1:
            raise Refused("currency_two", where=Said.of(f"place.{where}"), codes=sorted(found))
        if found:
            return found.pop(), where
    raise Refused("currency_none")


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except InvalidOperation:
        return None


def _mid(row: dict) -> str | None:
    sell, buy = _decimal(row["_sell"]), _decimal(row["_buy"])
    unit = _decimal(row["_unit"]) if row["_unit"] is not None else Decimal(1)
    if sell is None or buy is None or not unit:
        return None
    return format(((sell + buy) / 2 / unit).normalize(), "f")


def rows(frame: pl.DataFrame, kind: str, places: list[tuple[str, str]], conv: Conventions) -> tuple[pl.DataFrame, str]:
    """(fx_rates-contract text rows, a note for the run summary). The file is one currency's (a year of
    business days at most, so the exact decimal arithmetic runs per row in Python)."""
    cur, where = currency(places)
    number = lambda c: normalise.number_expr(cell(c), conv.numbers.get(c))  # noqa: E731
    if kind == "rates_bid_ask":
        parts = frame.with_columns(_sell=number("sell"), _buy=number("buy"), _unit=number("unit"))
        mid = pl.Series(
            [_mid(r) for r in parts.select("_sell", "_buy", "_unit").iter_rows(named=True)], dtype=pl.String
        )
        shown = pl.format("jual '{}' beli '{}' nilai '{}'", *(pl.col(c).fill_null("") for c in ("sell", "buy", "unit")))
        rate = pl.when(mid.is_not_null()).then(pl.lit(mid)).otherwise(shown)
        how = "the middle rate (Kurs Jual + Kurs Beli) / 2 / Nilai"
        kept = ["sell", "buy", "unit"]
    else:
        rate, how, kept = pl.col("rate"), "the rate as given", []
    extra = pl.struct(kept).struct.json_encode() if kept else None
    if extra is not None and "_extra" in frame.columns:
        extra = pl.concat_str([extra, pl.col("_extra")], separator=",")
        extra = pl.lit("[") + extra + "]"
    out = frame.select(
        "date",
        pl.lit(cur).alias("currency"),
        rate.alias("rate_idr"),
        "_line",
        *([extra.alias("_extra")] if extra is not None else (["_extra"] if "_extra" in frame.columns else [])),
        *(["_reject"] if "_reject" in frame.columns else []),
    )
    return out, f"currency {cur} from its {Said.of(f'place.{where}')}; rate_idr is {how}"
