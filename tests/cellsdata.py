"""Published cells made from small mart-like frames, for report tests that need no warehouse.

Every cell is published (disclosure control has its own tests); sums of weeks, months and years to date
are the frames' own sums, as `sql/cells_*_values.sql` computes them from the marts. Destinations keep
their ten largest per month and merge the rest into "lainnya", as the cell builder does.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from pipelines.publish.published import Published

COLUMNS = {
    "grid": pl.String, "period": pl.Date, "period_end": pl.Date, "dimension": pl.String, "member": pl.String,
    "value": pl.Decimal(38, 2), "usd": pl.Decimal(38, 2), "count": pl.Int64, "producers": pl.Int64,
    "status": pl.String, "reason": pl.String, "holds": pl.List(pl.String),
}  # fmt: skip


def _end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _cell(grid: str, first: date, last: date, dim: str | None, member: str | None, value: object,
          usd: object = None, count: int = 0, producers: int = 0, status: str = "published",
          holds: list | None = None) -> dict:  # fmt: skip
    shown = status == "published"
    return {"grid": grid, "period": first, "period_end": last, "dimension": dim, "member": member,
            "value": Decimal(value) if shown else None, "usd": Decimal(usd) if shown and usd is not None else None,
            "count": count, "producers": producers, "status": status,
            "reason": None if shown else "merged_not_top", "holds": holds}  # fmt: skip


def exports(totals: pl.DataFrame, commodities: pl.DataFrame, destinations: pl.DataFrame, keep: int = 10) -> Published:
    """Frames as marts.monthly_export_value(_by_commodity, _by_destination)."""
    rows = []
    for r in totals.iter_rows(named=True):
        rows.append(_cell("month", r["month"], _end(r["month"]), None, None, r["export_value_idr"],
                          r["export_value_usd"], r["items"], r["exporters"]))  # fmt: skip
        same_year = totals.filter((pl.col("month").dt.year() == r["month"].year) & (pl.col("month") <= r["month"]))
        rows.append(_cell("ytd", r["month"].replace(month=1), _end(r["month"]), None, None,
                          same_year["export_value_idr"].sum(), same_year["export_value_usd"].sum(),
                          int(same_year["items"].sum())))  # fmt: skip
        upto = commodities.filter((pl.col("month").dt.year() == r["month"].year) & (pl.col("month") <= r["month"]))
        for c in upto.group_by("commodity").agg(pl.col("export_value_idr", "export_value_usd").sum()).iter_rows():
            rows.append(_cell("ytd_commodity", r["month"].replace(month=1), _end(r["month"]), "commodity", *c))
    for r in commodities.iter_rows(named=True):
        rows.append(_cell("month_commodity", r["month"], _end(r["month"]), "commodity", r["commodity"],
                          r["export_value_idr"], r["export_value_usd"], r["items"], r["exporters"]))  # fmt: skip
    ranked = destinations.sort("export_value_idr", descending=True)
    for (month,), group in ranked.group_by("month", maintain_order=True):
        for i, r in enumerate(group.iter_rows(named=True)):
            status = "published" if i < keep else "merged"
            rows.append(_cell("month_destination", month, _end(month), "destination_country",
                              r["destination_country"], r["export_value_idr"], r["export_value_usd"], r["items"],
                              r["exporters"], status))  # fmt: skip
        rest = group[keep:]
        if rest.height:
            rows.append(_cell("month_destination", month, _end(month), "destination_country", "lainnya",
                              rest["export_value_idr"].sum(), rest["export_value_usd"].sum(), int(rest["items"].sum()),
                              holds=rest["destination_country"].to_list()))  # fmt: skip
    return Published("exports", pl.DataFrame(rows, schema=COLUMNS))


def turnover(
    days: pl.DataFrame, categories: pl.DataFrame | None = None, hidden: frozenset[date] = frozenset()
) -> Published:
    """Frames as marts.daily_turnover (and _by_category); the day cells of `hidden` are confidential."""
    rows = []
    weeks: dict[date, list] = defaultdict(lambda: [0, 0])
    months: dict[date, list] = defaultdict(lambda: [0, 0])
    for r in days.iter_rows(named=True):
        d = r["date"]
        status = "confidential" if d in hidden else "published"
        rows.append(_cell("day", d, d, None, None, r["turnover_idr"], None, r["transactions"], r["active_producers"],
                          status))  # fmt: skip
        for bucket, key in ((weeks, d - timedelta(days=d.weekday())), (months, d.replace(day=1))):
            bucket[key][0] += r["turnover_idr"]
            bucket[key][1] += r["transactions"]
    rows += [_cell("week", w, w + timedelta(days=6), None, None, v, None, n) for w, (v, n) in weeks.items()]
    rows += [_cell("month", m, _end(m), None, None, v, None, n) for m, (v, n) in months.items()]
    if categories is not None:
        week_cat: dict[tuple, list] = defaultdict(lambda: [0, 0])
        for r in categories.iter_rows(named=True):
            d = r["date"]
            rows.append(_cell("day_category", d, d, "category", r["category"], r["turnover_idr"], None,
                              r["transactions"], r["active_producers"]))  # fmt: skip
            key = (d - timedelta(days=d.weekday()), r["category"])
            week_cat[key][0] += r["turnover_idr"]
            week_cat[key][1] += r["transactions"]
        rows += [_cell("week_category", w, w + timedelta(days=6), "category", c, v, None, n)
                 for (w, c), (v, n) in week_cat.items()]  # fmt: skip
    return Published("turnover", pl.DataFrame(rows, schema=COLUMNS))
