"""Tier 1: the row path's SQL (`pipelines.ingest.rowsql`) reads every value as the Polars normalisers do.

The ingest types rows in DuckDB; marketplace and bank layouts regroup their (small) frames with the
Polars normalisers first. Both must read a written number or date the same way: any text, either
convention, the same answer.
"""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from models.contracts import TRANSACTIONS
from pipelines.ingest import normalise, parse
from pipelines.ingest.conventions import Conventions

TIER = "pure"  # tests/conftest.py: the runner's tiers

_GROUPED = st.integers(min_value=0, max_value=10**13).flatmap(
    lambda n: st.sampled_from(
        [str(n), f"{n:,}".replace(",", "."), f"{n:,}", f"Rp {n:,},00".replace(",", "."), f"IDR {n:,}.00", f"{n}.5"]
    )
)
_NUMBERS = st.one_of(_GROUPED, st.text(alphabet="0123456789.,- Rp\u00a0", max_size=14), st.text(max_size=8))
_DATES = st.one_of(
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2068, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [
                d.strftime("%Y-%m-%dT%H:%M:%S"),
                d.strftime("%d/%m/%Y %H.%M"),
                d.strftime("%m/%d/%Y %I:%M:%S %p"),
                f"{d.day}/{d.month}/{d:%y}",
                d.strftime("%d %B %Y"),
                d.strftime("%Y-%m-%d %H:%M:%S+08:00"),
                d.strftime("%Y-%m-%dT%H:%MZ"),
            ]
        )
    ),
    st.text(alphabet="0123456789/-.: TZapm+", max_size=22),
)


# The contract's ISO forms: a date, optionally a time with minutes (and seconds, a fraction), then Z or an offset.
_ACCEPTED = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$"


def _frame(column: str, values: list[str | None]) -> pl.DataFrame:
    rows = {n: ["x"] * len(values) for n in TRANSACTIONS.names} | {column: values}
    return pl.DataFrame(rows, schema=dict.fromkeys(TRANSACTIONS.names, pl.String)).with_row_index("_line")


@settings(max_examples=40, deadline=None)
@given(values=st.lists(_NUMBERS, min_size=1, max_size=40), marks=st.sampled_from([None, "id", "en"]))
def test_amounts_are_read_as_the_polars_normaliser_reads_them(values: list[str], marks: str | None) -> None:
    conv = Conventions(numbers={"amount_idr": marks} if marks else {})
    typed = parse.type_rows(_frame("amount_idr", values), TRANSACTIONS, conv)
    text = normalise.whole_number(parse.cell("t"), marks)
    want = pl.DataFrame({"t": values}).select(
        pl.when(text.str.contains(r"^-?\d+$")).then(text).cast(pl.Int64, strict=False)
    )
    assert typed["__amount_idr"].to_list() == want.to_series().to_list()


@settings(max_examples=40, deadline=None)
@given(values=st.lists(_DATES, min_size=1, max_size=40), order=st.sampled_from(["dmy", "mdy"]))
def test_times_are_read_as_the_polars_normaliser_reads_them(values: list[str], order: str) -> None:
    typed = parse.type_rows(_frame("occurred_at", values), TRANSACTIONS, Conventions(date_order={"occurred_at": order}))
    iso = pl.DataFrame({"t": values}).select(normalise.iso_datetime(parse.cell("t"), order)).to_series()
    for text, got, utc in zip(iso.to_list(), typed["__occurred_at"], typed["__occurred_at_utc"], strict=True):
        want = _iso(text)
        if want is None or want.tzinfo is not None:  # unreadable; or with an offset (converted: checked below)
            assert (got is None) == (want is None), text
            continue
        assert got == want, text
        assert utc is not None and (got - utc).total_seconds() in (7 * 3600, 7.5 * 3600, 8 * 3600, 9 * 3600), text


def _iso(text: str | None) -> datetime | None:
    """Python's reading of the ISO text the normaliser wrote (an independent parser), in the forms the contract
    accepts."""
    if text is None or not re.match(_ACCEPTED, text):
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when


def test_whitespace_of_every_kind_is_trimmed_and_an_empty_cell_is_missing() -> None:
    values = ["\u00a0 P1\t", "\u3000", " ", "P1\u202f", "\nP1"]
    typed = parse.type_rows(_frame("producer_id", values), TRANSACTIONS)
    assert typed["__producer_id"].to_list() == ["P1", None, None, "P1", "P1"]
    assert all("missing producer_id" in r for r in typed["_reason"].to_list()[1:3])
