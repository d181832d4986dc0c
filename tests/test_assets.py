"""Tier 2: the real assets through `dg.materialize` on a temporary warehouse, one semantic rule per test."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest
from conftest import REGISTRY
from helpers import build, ingest, query

from pipelines.ingest.landing import LandingFile
from pipelines.warehouse import versions
from pipelines.warehouse.connection import connect, transaction

TIER = "pipeline"  # tests/conftest.py: the runner's tiers


def _tx(tid: str, producer: str, at: str, amount: int, category: str = "", channel: str = "tunai") -> list:
    return [tid, producer, at, amount, 1, category, channel]


def _turnover() -> dict[date, int]:
    return dict(query("SELECT date, turnover_idr FROM marts.daily_turnover ORDER BY date"))


def test_day_is_a_calendar_day_in_jakarta(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing(
        "transactions",
        "t.csv",
        [
            _tx("a", "P1", "2025-03-01T23:59:59", 100),  # local, still 1 March
            _tx("b", "P1", "2025-03-01T17:00:00Z", 200),  # 00:00 WIB on 2 March
            _tx("c", "P2", "2025-03-01T16:59:59+00:00", 400),  # 23:59:59 WIB on 1 March
            _tx("d", "P2", "2025-03-02T06:00:00+09:00", 800),  # 04:00 WIB on 2 March
        ],
    )
    meta = ingest()
    assert meta["raw_transactions"]["touched_days"] == ["2025-03-01", "2025-03-02"]
    build("2025-02-28", "2025-03-03")
    # Days without accepted transactions have no row: missing, not zero.
    assert _turnover() == {date(2025, 3, 1): 500, date(2025, 3, 2): 1000}
    assert query("SELECT date, transactions, active_producers FROM marts.daily_turnover ORDER BY 1") == [
        (date(2025, 3, 1), 2, 2),
        (date(2025, 3, 2), 2, 2),
    ]


def test_category_falls_back_to_the_producer_and_kecamatan_comes_from_the_registry(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing(
        "transactions",
        "t.csv",
        [_tx("a", "P1", "2025-03-01T10:00", 100), _tx("b", "P1", "2025-03-01T11:00", 50, category="kerajinan"),
         _tx("c", "P2", "2025-03-01T12:00", 7)],
    )  # fmt: skip
    ingest()
    build("2025-03-01", "2025-03-01")
    assert query("SELECT category, turnover_idr FROM marts.daily_turnover_by_category ORDER BY 1") == [
        ("boneka", 100),
        ("ikan_hias", 7),
        ("kerajinan", 50),
    ]
    assert query(
        "SELECT kecamatan, turnover_idr, active_producers FROM marts.daily_turnover_by_kecamatan ORDER BY 1"
    ) == [
        ("Bekasi Barat", 150, 1),
        ("Rawalumbu", 7, 1),
    ]


def test_rejected_rows_are_quarantined_with_file_line_and_reason(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing(
        "transactions",
        "t.csv",
        [_tx("a", "P1", "2025-03-01T10:00", 100), _tx("b", "P9", "2025-03-01T10:00", 100),
         _tx("c", "P1", "kemarin", 100), _tx("d", "P1", "2025-03-01T10:00", 0), _tx("", "P1", "2025-03-01T10:00", 5),
         _tx("e", "P1", "2099-01-01T10:00", 5)],
    )  # fmt: skip
    meta = ingest()["raw_transactions"]
    assert (meta["rows_read"], meta["rows_accepted"], meta["rows_quarantined"]) == (6, 1, 5)
    rows = query(
        "SELECT q._line, q.reason, f.name FROM quarantine.transactions q JOIN raw.files f ON f.file_id = q._file_id "
        "ORDER BY q._line"
    )
    assert [(line, name) for line, _, name in rows] == [
        (3, "t.csv"),
        (4, "t.csv"),
        (5, "t.csv"),
        (6, "t.csv"),
        (7, "t.csv"),
    ]
    reasons = [r for _, r, _ in rows]
    assert "producer_id 'P9' is not in the registry" in reasons[0]
    assert "occurred_at 'kemarin' is not a date and time" in reasons[1]
    assert "amount_idr must be greater than 0" in reasons[2]
    assert "missing transaction_id" in reasons[3]
    assert "outside the partitioned dates" in reasons[4]
    assert query("SELECT bool_and(balanced) FROM raw.file_accounting") == [(True,)]


def test_exact_duplicates_count_once_and_are_accounted_for(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    row = _tx("a", "P1", "2025-03-01T10:00", 100)
    write_landing("transactions", "t1.csv", [row, row, _tx("b", "P1", "2025-03-01T11:00", 5)])
    write_landing("transactions", "t2.csv", [row])  # the same sale re-sent in another file
    meta = ingest()["raw_transactions"]
    assert (meta["rows_read"], meta["rows_accepted"], meta["rows_duplicate"]) == (4, 2, 2)
    build("2025-03-01", "2025-03-01")
    assert _turnover() == {date(2025, 3, 1): 105}
    assert query("SELECT count(*) FROM raw.transactions_duplicates") == [(2,)]
    assert query(
        "SELECT name, rows_read, accepted, quarantined, duplicates, balanced FROM raw.file_accounting ORDER BY 1"
    ) == [
        ("p.csv", 2, 2, 0, 0, True),
        ("t1.csv", 3, 2, 0, 1, True),
        ("t2.csv", 1, 0, 0, 1, True),
    ]


def test_same_content_under_a_new_name_is_skipped(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    rows = [_tx("a", "P1", "2025-03-01T10:00", 100)]
    write_landing("transactions", "t.csv", rows)
    ingest()
    write_landing("transactions", "t (copy).csv", rows)
    meta = ingest()["raw_transactions"]
    assert (meta["files_ingested"], meta["files_skipped"], meta["rows_read"]) == (0, 2, 0)
    assert query("SELECT count(*) FROM raw.files WHERE source = 'transactions'") == [(1,)]


def test_a_correction_replaces_the_earlier_row_and_is_recorded(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing(
        "transactions",
        "t1.csv",
        [_tx("a", "P1", "2025-03-01T10:00", 100), _tx("b", "P1", "2025-03-02T10:00", 9)],
    )
    ingest()
    build("2025-03-01", "2025-03-02")
    assert _turnover() == {date(2025, 3, 1): 100, date(2025, 3, 2): 9}
    # A later file corrects the amount of "a" and moves "b" to the 3rd: every touched day is recomputed.
    write_landing(
        "transactions",
        "t2.csv",
        [_tx("a", "P1", "2025-03-01T10:00", 150), _tx("b", "P1", "2025-03-03T10:00", 9)],
    )
    meta = ingest()["raw_transactions"]
    assert meta["rows_corrected"] == 2
    assert meta["touched_days"] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    build("2025-03-01", "2025-03-03")
    assert _turnover() == {date(2025, 3, 1): 150, date(2025, 3, 3): 9}
    corrections = query("SELECT _key, old_line, new_line FROM raw.corrections ORDER BY 1")
    assert corrections == [("P1\x1fa", 2, 2), ("P1\x1fb", 3, 3)]
    assert query("SELECT count(*), count(*) FILTER (_is_current) FROM raw.transactions") == [(4, 2)]
    # The key index points at every current version: the next file's lookup finds them there.
    unindexed = "SELECT count(*) FROM raw.transactions r ANTI JOIN raw.transactions_keys k USING (_file_id, _line)"
    assert query(f"{unindexed} WHERE r._is_current") == [(0,)]


def test_keys_sharing_a_hash_in_the_key_index_stay_apart(write_landing, isolated) -> None:
    """The index is looked up by a 64-bit hash: a new key whose hash points at another key's row is a new
    sale, not a correction of that row (forced here by an index entry under the new key's hash)."""
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t1.csv", [_tx("a", "P1", "2025-03-01T10:00", 100)])
    ingest()
    con = connect(str(isolated / "warehouse.duckdb"))
    con.execute(
        "INSERT INTO raw.transactions_keys SELECT (md5_number('P1' || chr(31) || 'c') >> 64)::UBIGINT, "
        "_file_id, _line FROM raw.transactions"
    )
    con.close()
    write_landing("transactions", "t2.csv", [_tx("c", "P1", "2025-03-01T11:00", 7)])
    meta = ingest()["raw_transactions"]
    assert (meta["rows_accepted"], meta["rows_corrected"], meta["rows_duplicate"]) == (1, 0, 0)
    assert query("SELECT transaction_id, _is_current FROM raw.transactions ORDER BY 1") == [("a", True), ("c", True)]


def test_a_file_ingested_before_is_not_read_again(write_landing, monkeypatch: pytest.MonkeyPatch) -> None:
    """Landing keeps every file: one seen before, unchanged where it was, costs a run a stat, not a read."""
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "P1", "2025-03-01T10:00", 100)])
    ingest()

    def unread(self: LandingFile) -> str:
        raise AssertionError(f"{self.path} read again")

    with monkeypatch.context() as m:
        m.setattr(LandingFile, "sha256", unread)
        assert ingest()["raw_transactions"]["files_skipped"] == 1
    # Written again (write_landing gives it a new modification time): read, and ingested as its content is new.
    write_landing("transactions", "t.csv", [_tx("a", "P1", "2025-03-01T10:00", 150)])
    assert ingest()["raw_transactions"]["rows_corrected"] == 1


def test_a_late_file_lands_in_its_own_days_and_reruns_do_not_duplicate(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t1.csv", [_tx("a", "P1", "2025-03-05T10:00", 100)])
    ingest()
    build("2025-03-01", "2025-03-05")
    write_landing("transactions", "late.csv", [_tx("z", "P2", "2025-03-01T08:00", 70)])
    assert ingest()["raw_transactions"]["touched_days"] == ["2025-03-01"]
    build("2025-03-01", "2025-03-01")
    build("2025-03-01", "2025-03-05")  # the same range again changes nothing
    assert _turnover() == {date(2025, 3, 1): 70, date(2025, 3, 5): 100}
    assert query("SELECT count(*) FROM stg.transactions") == [(2,)]


def cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), ROUND_HALF_UP)


FX = [
    ["2025-03-06", "USD", "16000"],  # Thursday
    ["2025-03-07", "USD", "16100"],  # Friday; nothing on the weekend
    ["2025-03-07", "EUR", "17500.25"],
]


def _export(peb: str, day: str, hs: str, fob: str, cur: str, dest: str = "CN", producer: str = "P2") -> list:
    return [peb, day, producer, hs, "barang", "10", "EKOR", "2.5", fob, cur, dest, "IDCGK"]


def test_export_values_use_the_latest_rate_on_or_before_the_date(write_landing) -> None:
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("fx_rates", "fx.csv", FX)
    write_landing(
        "exports",
        "e.csv",
        [
            _export("PEB-1", "2025-03-08", "0301.11.00", "1000", "USD"),  # Saturday: Friday's rate
            _export("PEB-1", "2025-03-08", "9503.00.10", "200.50", "EUR", "SG"),
            _export("PEB-2", "2025-03-06", "03011100", "3200000", "IDR", "JP"),  # IDR needs no rate
            _export("PEB-3", "2025-03-05", "03011100", "10", "USD"),  # before any rate: quarantined
        ],
    )
    ingest()
    build("2025-03-01", "2025-03-01", "month")
    eur_idr = cents(Decimal("200.50") * Decimal("17500.25"))  # 3.508.800,125: half away from zero
    idr = Decimal("1000") * 16100 + eur_idr + 3_200_000
    usd = Decimal("1000") + cents(eur_idr / 16100) + cents(Decimal(3_200_000) / 16000)
    assert query(
        "SELECT month, export_value_idr, export_value_usd, items, exporters FROM marts.monthly_export_value"
    ) == [(date(2025, 3, 1), idr, usd, 3, 1)]
    assert query("SELECT commodity, items FROM marts.monthly_export_value_by_commodity ORDER BY 1") == [
        ("boneka", 1),
        ("ikan_hias", 2),
    ]
    assert query("SELECT destination_country FROM marts.monthly_export_value_by_destination ORDER BY 1") == [
        ("CN",),
        ("JP",),
        ("SG",),
    ]
    held = query("SELECT peb_number, reason, stage FROM quarantine.exports")
    assert held == [("PEB-3", "no usable USD reference rate on or before 2025-03-05", "rate")]
    assert query("SELECT accepted, quarantined, balanced FROM raw.file_accounting WHERE name = 'e.csv'") == [
        (3, 1, True)
    ]

    # The missing rate arrives: the month is touched, and rebuilding it values the held item.
    write_landing("fx_rates", "fx-late.csv", [["2025-03-04", "USD", "15900"]])
    assert ingest()["raw_fx_rates"]["touched_months"] == ["2025-03-01"]
    build("2025-03-01", "2025-03-01", "month")
    assert query("SELECT items FROM marts.monthly_export_value") == [(4,)]
    assert query("SELECT count(*) FROM quarantine.exports") == [(0,)]


def test_replacing_a_partition_is_all_or_nothing(isolated) -> None:
    con = connect(str(isolated / "warehouse.duckdb"))
    day, nxt = date(2025, 3, 1), date(2025, 3, 2)
    with transaction(con):
        versions.write(con, "marts.daily_turnover", "SELECT ?::DATE AS date, 5 AS turnover_idr, 1 AS transactions, "
                       "1 AS active_producers", day, nxt, "run-1", params=[day])  # fmt: skip
    # The new version's insert fails (a date is no turnover): nothing of it may be recorded or shown.
    with pytest.raises(duckdb.Error), transaction(con):
        versions.write(con, "marts.daily_turnover", "SELECT ?::DATE AS date, ?::DATE AS turnover_idr", day, nxt,
                       "run-2", params=[day, day])  # fmt: skip
    assert con.execute("SELECT turnover_idr FROM marts.daily_turnover").fetchall() == [(5,)]
    assert con.execute("SELECT run_id FROM meta.partition_versions WHERE table_name = 'marts.daily_turnover'"
                       ).fetchall() == [("run-1",)]  # fmt: skip
    con.close()
