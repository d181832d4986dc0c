"""Checks computed in SQL, next to the marts and partitions they guard (exact, in DuckDB).

Each function returns one Outcome per partition. Row-level rules go through Great Expectations
(`pipelines.quality.gx`); what needs sums across tables or the calendar is here.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from pipelines import dates
from pipelines.quality.outcome import Check, Outcome
from pipelines.resources import render, sql

QUARANTINE_SHARE = Check(
    "quarantine_share", "The share of the partition's rows in quarantine stays under the threshold.", blocking=False
)
RECONCILED = Check("reconciles", "The mart's totals equal the sums of the accepted rows of the partition, exactly.")
NON_NEGATIVE = Check("no_negative_values", "No negative value in the mart.")
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


def reconcile(con: duckdb.DuckDBPyConnection, grain: str, start: date, end: date) -> list[Outcome]:
    """The staged mart (`candidate`) against the accepted rows, and no negatives, per period."""
    rows = con.execute(sql(f"check_reconcile_{'daily' if grain == 'day' else 'monthly'}"), [start, end]).fetchall()
    if not rows:
        return [Outcome(c, None, True, "no rows in the range", c.description) for c in (RECONCILED, NON_NEGATIVE)]
    out = []
    for period, mart_value, rows_value, mart_n, rows_n, lowest, *usd in rows:
        same = mart_value == rows_value and mart_n == rows_n and (not usd or usd[0] == usd[1])
        observed = f"mart {mart_value} in {mart_n} rows; accepted rows {rows_value} in {rows_n}"
        out.append(Outcome(RECONCILED, period, same, observed, "mart total = sum of accepted rows, same count"))
        out.append(
            Outcome(
                NON_NEGATIVE,
                period,
                lowest is None or lowest >= 0,
                f"lowest value {lowest}",
                "every value ≥ 0",
                value=None if lowest is None else float(lowest),
                threshold=0.0,
            )
        )
    return out


def coverage(con: duckdb.DuckDBPyConnection, grain: str, start: date, end: date, minimum: float) -> list[Outcome]:
    """Coverage (WARN when low, so a low day reads as missing data), missing periods and, daily, freshness."""
    what = "producers" if grain == "day" else "exporters"
    rows = con.execute(sql(f"check_coverage_{'daily' if grain == 'day' else 'monthly'}"), [start, end]).fetchall()
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
