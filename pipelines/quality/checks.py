"""Checks computed in SQL, next to the marts and partitions they guard (exact, in DuckDB).

Each function returns one Outcome per partition. The rules Great Expectations judges are in
`pipelines.quality.suites` (over figures DuckDB computes from the staged rows, `pipelines.quality.bulk`); what
needs sums across tables, a recomputation per row or the calendar is here.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from pipelines.core import dates
from pipelines.quality.outcome import Check, Outcome
from pipelines.warehouse.connection import render, sql

QUARANTINE_SHARE = Check(
    "quarantine_share",
    "The share of the period's rows in quarantine stays under the threshold; above it the period is held "
    "(not published: its previous figures stay).",
)
COVERAGE_TO_PUBLISH = Check(
    "coverage_to_publish",
    "Enough of the registered producers (exporters, for a month) reported for the period to be published; "
    "below the threshold the period is held as incomplete.",
)
RECONCILED = Check(
    "reconciles",
    "The mart's totals and counts equal those of the current accepted rows in raw, counted apart from staging.",
)
REGISTERED = Check(
    "producer_registered",
    "Every staged row's producer is in the staged registry (stg.producers): a stale or blocked registry stops "
    "the write and names the producers, instead of dropping their sales.",
)
EXPORTER = Check(
    "exporter_flagged",
    "Every exporting producer is registered as an exporter (the registry's flag drives exporter coverage).",
    severity="WARN",
    blocking=False,
)
LOCAL_DATES = Check(
    "local_date_consistent",
    "Each sale's Asia/Jakarta time and date are its UTC instant in Asia/Jakarta, recomputed by DuckDB's ICU.",
)
RATES = Check(
    "rate_used",
    "Each item was valued with the current reference rates in raw for its date (or the latest before), in its "
    "currency and in USD, and its IDR value is fob_value × rate.",
)
SILENT = Check(
    "producer_silent",
    "No producer who has sold before is silent (no sale) for more than the configured number of days.",
    severity="WARN",
    blocking=False,
)
COVERAGE = Check(
    "coverage", "Share of registered producers (exporters, monthly) that reported.", severity="WARN", blocking=False
)
NO_MISSING = Check("no_missing_period", "Every period of the range has data.", severity="WARN", blocking=False)
FRESH = Check("fresh", "Yesterday's transactions arrived by the daily run.", severity="WARN", blocking=False)
FX_GAPS = Check(
    "no_long_gap", "No gap between reference rates longer than the threshold.", severity="WARN", blocking=False
)


def quarantine_share(
    con: duckdb.DuckDBPyConnection, source: str, date_col: str, grain: str, start: date, end: date, limit: float
) -> list[Outcome]:
    query = render("check_quarantine_share", raw=f"raw.{source}", quarantine=f"quarantine.{source}", date_col=date_col)
    rows = con.execute(query, [grain, start, end, grain, start, end]).fetchall()
    if not rows:
        return [Outcome(QUARANTINE_SHARE, None, True, "no rows in the range", f"≤ {limit:.0%} quarantined")]
    out = []
    for period, accepted, held in rows:
        share = held / (accepted + held) if accepted + held else 0.0
        out.append(
            Outcome(
                QUARANTINE_SHARE,
                period,
                share <= limit,
                f"{share:.1%} ({held:,} of {accepted + held:,} rows)",
                f"≤ {limit:.0%} of rows quarantined",
                value=share,
                threshold=limit,
                numerator=held,
                denominator=accepted + held,
            )
        )
    return out


def coverage_to_publish(con: duckdb.DuckDBPyConnection, grain: str, minimum: float) -> list[Outcome]:
    """The gate's coverage over the staged `candidate`, per period that has rows (see `sql/check_coverage_staged`)."""
    exporters = grain == "month"
    what = "exporters" if exporters else "producers"
    rows = con.execute(sql("check_coverage_staged"), [exporters, f"1 {grain}"]).fetchall()
    out = []
    for period, reporting, registered in rows:
        share = reporting / registered if registered else 1.0  # nobody registered yet: nothing is missing
        out.append(
            Outcome(
                COVERAGE_TO_PUBLISH,
                period,
                share >= minimum,
                f"{share:.1%} ({reporting:,} of {registered:,} registered {what} reported)",
                f"≥ {minimum:.0%} of {what} report for the period to be published",
                value=share,
                threshold=minimum,
                numerator=reporting,
                denominator=registered,
            )
        )
    return out


def reconcile(con: duckdb.DuckDBPyConnection, grain: str, start: date, end: date) -> list[Outcome]:
    """The staged mart (`candidate`) against the current accepted rows in raw, per period."""
    query = sql("check_reconcile_daily") if grain == "day" else sql("check_reconcile_monthly")
    rows = con.execute(query, [start, end]).fetchall()
    if not rows:
        return [Outcome(RECONCILED, None, True, "no rows in the range", RECONCILED.description)]
    out = []
    for period, mart_value, rows_value, mart_n, rows_n, *usd in rows:
        same = mart_value == rows_value and mart_n == rows_n and (not usd or usd[0] == usd[1])
        observed = f"mart {mart_value} in {mart_n} rows; accepted rows in raw {rows_value} in {rows_n}"
        if usd:
            observed += f"; USD {usd[0]} against {usd[1]}"
        out.append(
            Outcome(RECONCILED, period, same, observed, "mart total = sum of the accepted rows in raw, same count")
        )
    return out


def flagged(con: duckdb.DuckDBPyConnection, check: Check, flag: str, what: str) -> list[Outcome]:
    """Per partition, the staged rows whose producer fails a registry flag of the candidate, named."""
    out = []
    for period, rows, bad, producers in con.execute(render("check_flagged_producers", flag=flag)).fetchall():
        named = ", ".join(producers[:10]) + (f" and {len(producers) - 10} more" if len(producers) > 10 else "")
        observed = f"{bad:,} of {rows:,} rows from {len(producers)} producer(s) {what}" + (f": {named}" if bad else "")
        samples = [{"producer_id": p} for p in producers[:20]]
        out.append(
            Outcome(check, period, not bad, observed, check.description, samples, numerator=bad, denominator=rows)
        )
    return out


def unregistered(con: duckdb.DuckDBPyConnection) -> list[Outcome]:
    return flagged(
        con, REGISTERED, "_registered", "missing from stg.producers (materialize stg_producers, or fix what blocks it)"
    )


def not_exporters(con: duckdb.DuckDBPyConnection) -> list[Outcome]:
    return flagged(con, EXPORTER, "_exporter", "not registered as exporters")


def _row_rule(con: duckdb.DuckDBPyConnection, check: Check, query: str, expected: str) -> list[Outcome]:
    """Per partition, the staged rows a recomputation disagrees with (query: period, rows, wrong, samples)."""
    return [
        Outcome(
            check,
            period,
            not wrong,
            f"{wrong:,} of {rows:,} rows disagree",
            expected,
            samples,
            numerator=wrong,
            denominator=rows,
        )
        for period, rows, wrong, samples in con.execute(query).fetchall()
    ]


def local_dates(con: duckdb.DuckDBPyConnection) -> list[Outcome]:
    expected = "occurred_at_local = occurred_at_utc in Asia/Jakarta, and date = its date"
    return _row_rule(con, LOCAL_DATES, sql("check_local_dates"), expected)


def rates(con: duckdb.DuckDBPyConnection) -> list[Outcome]:
    expected = "rate_idr and usd_rate_idr = the current rates in raw.fx_rates on or before peb_date"
    return _row_rule(con, RATES, sql("check_rates"), expected)


def silent_producers(con: duckdb.DuckDBPyConnection, end: date, days: int) -> list[Outcome]:
    """As of the range's last day: producers with an earlier sale and none in the last `days` days."""
    last = end - timedelta(days=1)
    rows = con.execute(sql("check_silent_producers"), [end, last, last, days]).fetchall()
    samples = [{"producer_id": p, "name": n, "last_sale": s, "days_silent": d} for p, n, s, d in rows]
    named = ", ".join(f"{p} ({d} days)" for p, _, _, d in rows[:10]) + (" …" if len(rows) > 10 else "")
    observed = f"{len(rows)} producer(s) silent for more than {days} days" + (f": {named}" if rows else "")
    return [
        Outcome(
            SILENT,
            last,
            not rows,
            observed,
            f"every producer that has sold sold in the last {days} days",
            samples[:20],
            value=float(len(rows)),
            threshold=float(days),
            numerator=len(rows),
        )
    ]


def coverage(con: duckdb.DuckDBPyConnection, grain: str, start: date, end: date, minimum: float) -> list[Outcome]:
    """Coverage (WARN when low, so a low day reads as missing data), missing periods and, daily, freshness."""
    what = "producers" if grain == "day" else "exporters"
    query = sql("check_coverage_daily") if grain == "day" else sql("check_coverage_monthly")
    rows = con.execute(query, [start, end]).fetchall()
    out = []
    for period, reporting, registered in rows:
        share = reporting / registered if registered else 0.0
        observed = f"{share:.1%} ({reporting:,} of {registered:,} registered {what} reported)"
        out.append(
            Outcome(
                COVERAGE,
                period,
                share >= minimum,
                observed,
                f"≥ {minimum:.0%} of {what} report",
                value=share,
                threshold=minimum,
                numerator=reporting,
                denominator=registered,
            )
        )
        out.append(
            Outcome(
                NO_MISSING,
                period,
                reporting > 0,
                f"{reporting:,} {what} reported",
                "data for the period",
                value=float(reporting),
                threshold=1.0,
                numerator=reporting,
            )
        )
    if grain == "day":
        out.append(_freshness(rows, start, end))
    return out


def _freshness(rows: list[tuple], start: date, end: date) -> Outcome:
    yesterday = dates.today() - timedelta(days=1)
    if not start <= yesterday < end:
        return Outcome(FRESH, None, True, f"{yesterday} is not in this run", "yesterday's transactions arrived")
    reporting = next(r for p, r, _ in rows if p == yesterday)
    return Outcome(
        FRESH,
        yesterday,
        reporting > 0,
        f"{reporting:,} producers reported yesterday",
        "some by now",
        value=float(reporting),
        threshold=1.0,
        numerator=reporting,
    )


def fx_gaps(con: duckdb.DuckDBPyConnection, max_days: int) -> list[Outcome]:
    rows = con.execute(sql("check_fx_gaps")).fetchall()
    observed = "; ".join(f"{cur}: {gap} days (to {end})" for cur, gap, end in rows) or "no currency has two rates"
    longest = max((gap for _, gap, _ in rows), default=0)
    return [
        Outcome(
            FX_GAPS,
            None,
            longest <= max_days,
            f"longest gap {observed}",
            f"≤ {max_days} days between rates",
            value=float(longest),
            threshold=float(max_days),
        )
    ]


def usual_amounts(con: duckdb.DuckDBPyConnection, start: date) -> None:
    """Each producer's usual sale before each staged day of a range beginning `start`, into the temporary table
    `usual` (`check_amount_usual`): one query per day over its own 4 weeks, so a day costs the same whether
    it is checked alone or in a year's backfill, and the history read stays four weeks long."""
    con.execute("CREATE OR REPLACE TEMP TABLE usual (date DATE, producer_id VARCHAR, usual_idr DOUBLE, n BIGINT)")
    for (day,) in con.execute(sql("candidate_dates")).fetchall():
        con.execute(f"INSERT INTO usual {sql('check_amount_usual')}", [day, day, day, start, day])
