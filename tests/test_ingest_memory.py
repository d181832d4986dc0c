"""What keeps ingest's memory flat: batches gathered from small reads, and DuckDB's limit lowered, never raised."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipelines.ingest import load
from pipelines.warehouse.connection import memory_at_most, size_bytes

TIER = "pure"  # tests/conftest.py: the runner's tiers


CASES = [(2, 5, [6, 6, 6, 5]), (4, 4, [4] * 5 + [3]), (50, 7, [7, 7, 7, 2])]  # rows read, batch, batch sizes


@pytest.mark.parametrize(("read", "batch", "sizes"), CASES)
def test_batches_gather_reads_in_line_order_and_lose_nothing(
    monkeypatch: pytest.MonkeyPatch, read: int, batch: int, sizes: list[int]
) -> None:
    monkeypatch.setattr(load, "READ_ROWS", read)
    monkeypatch.setattr(load, "BATCH_ROWS", batch)
    frame = pl.LazyFrame({"_line": range(2, 25), "x": [str(i) for i in range(23)]})
    got = list(load.batches(frame))
    assert [b.height for b in got] == sizes  # a read larger than a batch is cut to the batch
    assert pl.concat(got)["_line"].to_list() == list(range(2, 25))


def test_batches_of_an_empty_frame() -> None:
    assert [b.height for b in load.batches(pl.LazyFrame({"_line": []}, schema={"_line": pl.Int64}))] in ([], [0])


def test_size_bytes_reads_duckdb_sizes() -> None:
    assert size_bytes("512MB") == 512_000_000
    assert size_bytes("1.5 GiB") == 3 * 2**29
    assert size_bytes(" 256 mb ") == 256_000_000
    assert size_bytes("80%") is None and size_bytes("lots") is None


def _limit(con: duckdb.DuckDBPyConnection) -> str:
    return con.sql("SELECT current_setting('memory_limit')").fetchone()[0]


def test_memory_at_most_lowers_for_the_block_and_restores_even_on_failure() -> None:
    con = duckdb.connect(config={"memory_limit": "512MB"})
    with memory_at_most(con, "512MB", "256MB"):
        assert _limit(con) == "244.1 MiB"
    assert _limit(con) == "488.2 MiB"
    with pytest.raises(RuntimeError), memory_at_most(con, "512MB", "256MB"):
        raise RuntimeError
    assert _limit(con) == "488.2 MiB"


@pytest.mark.parametrize("configured", ["128MB", "256MB", "75%"])
def test_memory_at_most_never_raises_nor_guesses(configured: str) -> None:
    con = duckdb.connect(config={"memory_limit": "128MB"})
    with memory_at_most(con, configured, "256MB"):
        assert _limit(con) == "122.0 MiB"
