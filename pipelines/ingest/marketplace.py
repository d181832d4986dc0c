"""Marketplace order exports (Shopee, Tokopedia, TikTok Shop: one line per item) as transactions: one sale
per order.

The producer is the folder the export lands in: `landing/transactions/<marketplace>/<producer_id>/`, and the
marketplace folder names the layout (`models.aliases.MARKETPLACES`). An order's amount is the sum over its
lines of the line's value after discounts — its `line_total` column, else unit price × quantity — or, only
in an export with neither, its `order_subtotal` taken once. Totals that repeat on every line of an order
(`Total Pembayaran`, `Subtotal Pesanan`, `Order Amount`) are never summed per line; `Total Pembayaran`
also holds shipping, so it is not turnover. Cancelled, returned, refunded and unpaid orders are not sales:
they are kept, with their reason, in `raw.excluded`.
"""

from __future__ import annotations

import polars as pl

from models.aliases import MARKETPLACE_EXCLUDED, KnownLayout
from pipelines.ingest import normalise
from pipelines.ingest.conventions import Conventions
from pipelines.ingest.guard import Refused
from pipelines.ingest.parse import cell


def _whole(name: str, conv: Conventions) -> pl.Expr:
    return normalise.whole_number(cell(name), conv.numbers.get(name)).cast(pl.Decimal(38, 0), strict=False)


def _line_value(present: set[str], conv: Conventions) -> tuple[pl.Expr, str]:
    """A line's value and the column(s) it comes from; None when only an order-level subtotal exists."""
    if "line_total" in present:
        return _whole("line_total", conv), "line_total"
    if "unit_price" in present:
        qty = normalise.whole_number(cell("quantity"), conv.numbers.get("quantity")).cast(pl.Int64, strict=False)
        return _whole("unit_price", conv) * qty, "unit_price"
    if "order_subtotal" in present:
        return _whole("order_subtotal", conv), "order_subtotal"
    raise Refused("no_amount")


def orders(
    items: pl.DataFrame, producer_id: str, layout: KnownLayout, present: set[str], conv: Conventions
) -> tuple[pl.DataFrame, pl.DataFrame, str, Conventions]:
    """(sales as transactions-contract text rows, excluded orders with reasons, a note for the run summary, the
    conventions renamed to the contract's columns)."""
    qty = normalise.whole_number(cell("quantity"), conv.numbers.get("quantity")).cast(pl.Int64, strict=False)
    value, source = _line_value(present, conv)
    once = source == "order_subtotal"
    level = [c for c in layout.order_level if c in present and c != source]
    extra = [pl.col("_extra").str.join(",")] if "_extra" in items.columns else []
    reject = [pl.col("_reject").drop_nulls().first()] if "_reject" in items.columns else []
    grouped = (
        items.with_columns(
            value.alias("_value"),
            qty.alias("_qty"),
            pl.when(value.is_null()).then(pl.col(source).fill_null("")).alias("_bad_value"),
            pl.when(qty.is_null()).then(pl.col("quantity").fill_null("")).alias("_bad_qty"),
        )
        .group_by("order_id", maintain_order=True)
        .agg(
            pl.col("_line").min(),
            pl.col("created_at").drop_nulls().first(),
            pl.col("status").drop_nulls().first(),
            (pl.col("_value").first() if once else pl.col("_value").sum()).alias("_value"),
            pl.col("_value").drop_nulls().n_unique().alias("_values"),
            pl.col("_qty").sum(),
            pl.col("_bad_value", "_bad_qty").drop_nulls().first(),
            *(pl.col(c).drop_nulls().first() for c in level),
            *extra,
            *reject,
        )
    )
    # Order-level columns and the items' own extra columns (product names, …) stay in the lineage.
    parts = [pl.format('"{}":', pl.lit(c)) + pl.col(c).cast(pl.String).fill_null("").map_batches(_json) for c in level]
    if extra:
        parts.append(pl.lit('"items":[') + pl.col("_extra") + "]")
    extra_json = pl.lit("{") + pl.concat_str(parts, separator=",") + "}" if parts else None
    disagree = pl.when(pl.lit(once) & (pl.col("_values") > 1)).then(
        pl.lit(f"the order's {source} differs between its lines, so its amount is unknown")
    )
    status = pl.col("status").str.to_lowercase()
    sales = grouped.select(
        (pl.lit(f"{layout.name.upper()}-") + pl.col("order_id")).alias("transaction_id"),
        pl.lit(producer_id).alias("producer_id"),
        pl.col("created_at").alias("occurred_at"),
        pl.coalesce(pl.col("_bad_value"), pl.col("_value").cast(pl.String)).alias("amount_idr"),
        pl.coalesce(pl.col("_bad_qty"), pl.col("_qty").cast(pl.String)).alias("quantity"),
        pl.lit(None, dtype=pl.String).alias("category"),
        pl.lit("marketplace").alias("channel"),
        "_line",
        *([extra_json.alias("_extra")] if extra_json is not None else []),
        pl.concat_str([*(["_reject"] if reject else []), disagree], separator="; ", ignore_nulls=True).alias("_reject"),
        reason=pl.when(status.str.contains(MARKETPLACE_EXCLUDED)).then(
            pl.lit("order status '") + pl.col("status") + "' is not a sale (cancelled, returned or unpaid)"
        ),
    ).with_columns(pl.when(pl.col("_reject") != "").then(pl.col("_reject")).alias("_reject"))
    record = pl.struct(c for c in sales.columns if c not in ("reason", "_line", "_reject")).struct.json_encode()
    excluded = sales.filter(pl.col("reason").is_not_null()).select("_line", "reason", record.alias("record"))
    note = (
        f"{layout.name} export of {producer_id}: {items.height} item line(s) in {grouped.height} order(s), "
        f"{excluded.height} excluded (cancelled, returned or unpaid); amounts from {source}"
        + (" once per order" if once else " summed over each order's lines")
    )
    renamed = Conventions({"occurred_at": conv.date_order["created_at"]} if "created_at" in conv.date_order else {})
    return sales.filter(pl.col("reason").is_null()).drop("reason"), excluded, note, renamed


def _json(s: pl.Series) -> pl.Series:
    """Text as a JSON string literal."""
    return pl.DataFrame({"v": s}).select(pl.struct("v").struct.json_encode().str.slice(5).str.head(-1)).to_series()
