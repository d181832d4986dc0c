"""Marketplace order exports (Shopee style, one row per item) as transactions: one sale per order.

The producer is the folder the export lands in: `landing/transactions/shopee/<producer_id>/`. An order's
amount is the sum over its items of `Harga Setelah Diskon` × `Jumlah` (what the buyer paid for the goods;
`Total Pembayaran` also holds shipping and vouchers, so it is not turnover). Cancelled, returned,
refunded and unpaid orders are not sales: they are kept, with their reason, in `raw.excluded`.
"""

from __future__ import annotations

import polars as pl

from models.aliases import MARKETPLACE_EXCLUDED, MARKETPLACE_FOLDER
from pipelines.ingest import normalise
from pipelines.ingest.parse import cell


def _whole_or_raw(total: str, unreadable: str) -> pl.Expr:
    """The order's sum as text, or the first unreadable item value so the quarantine reason shows it."""
    return pl.coalesce(pl.col(unreadable), pl.col(total).cast(pl.String))


def orders(items: pl.DataFrame, producer_id: str) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    """(sales as transactions-contract text rows, excluded orders with reasons, a note for the run summary)."""
    qty = normalise.whole_number(cell("quantity")).cast(pl.Int64, strict=False)
    value = normalise.number(cell("unit_price")).cast(pl.Decimal(38, 4), strict=False) * qty
    extra = [pl.col("_extra").str.join(",")] if "_extra" in items.columns else []
    grouped = (
        items.with_columns(
            value.alias("_value"),
            qty.alias("_qty"),
            pl.when(value.is_null()).then(pl.col("unit_price").fill_null("")).alias("_bad_value"),
            pl.when(qty.is_null()).then(pl.col("quantity").fill_null("")).alias("_bad_qty"),
        )
        .group_by("order_id", maintain_order=True)
        .agg(
            pl.col("_line").min(),
            pl.col("created_at").drop_nulls().first(),
            pl.col("status").drop_nulls().first(),
            pl.col("_value", "_qty").sum(),
            pl.col("_bad_value", "_bad_qty").drop_nulls().first(),
            *extra,
        )
    )
    if extra:  # the items' own extra columns (product names, …), as one JSON array per order
        grouped = grouped.with_columns(("[" + pl.col("_extra") + "]").alias("_extra"))
    status = pl.col("status").str.to_lowercase()
    sales = grouped.select(
        (pl.lit(f"{MARKETPLACE_FOLDER.upper()}-") + pl.col("order_id")).alias("transaction_id"),
        pl.lit(producer_id).alias("producer_id"),
        pl.col("created_at").alias("occurred_at"),
        _whole_or_raw("_value", "_bad_value").alias("amount_idr"),
        _whole_or_raw("_qty", "_bad_qty").alias("quantity"),
        pl.lit(None, dtype=pl.String).alias("category"),
        pl.lit("marketplace").alias("channel"),
        "_line",
        *(["_extra"] if extra else []),
        reason=pl.when(status.str.contains(MARKETPLACE_EXCLUDED)).then(
            pl.lit("order status '") + pl.col("status") + "' is not a sale (cancelled, returned or unpaid)"
        ),
    )
    record = pl.struct(c for c in sales.columns if c not in ("reason", "_line")).struct.json_encode()
    excluded = sales.filter(pl.col("reason").is_not_null()).select("_line", "reason", record.alias("record"))
    note = (
        f"marketplace export of {producer_id}: {items.height} item row(s) in {grouped.height} order(s), "
        f"{excluded.height} excluded (cancelled, returned or unpaid)"
    )
    return sales.filter(pl.col("reason").is_null()).drop("reason"), excluded, note
