"""Statistical disclosure control: no published cell may reveal one producer's figures.

A cell (a chart point, a CSV or XLSX row) built from fewer than `min_producers` producers, or where one
producer makes up more than `max_share` of its value, is merged into "lainnya" along a breakdown
dimension when there is one, and suppressed (value missing) when merging is not possible or not enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

OTHER = "lainnya"


@dataclass(frozen=True)
class Rule:
    min_producers: int = 3
    max_share: float = 0.85


def _cells(contrib: pl.DataFrame, keys: list[str], extra: list[str]) -> pl.DataFrame:
    per_producer = contrib.group_by([*keys, "producer_id"]).agg(pl.col("value", *extra).sum())
    return per_producer.group_by(keys).agg(
        pl.col("value").sum().alias("value"),
        *(pl.col(c).sum() for c in extra),
        pl.col("producer_id").n_unique().alias("producers"),
        pl.col("value").max().alias("top"),
    )


def _risky(rule: Rule) -> pl.Expr:
    share = pl.when(pl.col("value") > 0).then(pl.col("top") / pl.col("value")).otherwise(1.0)
    return (pl.col("producers") < rule.min_producers) | (share > rule.max_share)


def protect(
    contrib: pl.DataFrame, keys: list[str], rule: Rule, merge_dim: str | None = None, extra: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Cells of `contrib` (one row per keys…, producer_id, value) made safe to publish.

    The risk is judged on `value`; `extra` columns (e.g. the USD value, item counts) follow the same
    merging and suppression. Returns keys…, value and extras (null when suppressed), producers,
    suppressed, merged.
    """
    extra_cols = list(extra)
    cells = _cells(contrib, keys, extra_cols)
    merged_keys: pl.DataFrame | None = None
    if merge_dim is not None:
        risky = cells.filter(_risky(rule)).select(keys)
        merged_keys = risky.with_columns(pl.lit(OTHER).alias(merge_dim)).unique()
        contrib = (
            contrib.join(risky.with_columns(pl.lit(True).alias("_move")), on=keys, how="left")
            .with_columns(pl.when(pl.col("_move")).then(pl.lit(OTHER)).otherwise(pl.col(merge_dim)).alias(merge_dim))
            .drop("_move")
        )
        cells = _cells(contrib, keys, extra_cols)
    out = cells.with_columns(_risky(rule).alias("suppressed"))
    merged = (
        out.join(merged_keys.with_columns(pl.lit(True).alias("merged")), on=keys, how="left")["merged"].fill_null(False)
        if merged_keys is not None and merged_keys.height
        else pl.Series("merged", [False] * out.height)
    )
    return (
        out.with_columns(merged.alias("merged"))
        .with_columns(
            pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in ["value", *extra_cols]
        )
        .drop("top")
        .sort(keys)
    )


def note(cells: pl.DataFrame, rule: Rule, lang: str) -> str | None:
    """The line a chart carries when anything was merged or suppressed."""
    merged, suppressed = int(cells["merged"].sum()), int(cells["suppressed"].sum())
    if not merged and not suppressed:
        return None
    share = f"{rule.max_share:.0%}".replace(".", ",") if lang == "id" else f"{rule.max_share:.0%}"
    if lang == "id":
        return (f"Kerahasiaan: {merged} sel digabung ke 'Lainnya', {suppressed} sel disembunyikan "
                f"(kurang dari {rule.min_producers} produsen atau satu produsen > {share})")  # fmt: skip
    return (f"Confidentiality: {merged} cells merged into 'Other', {suppressed} cells suppressed "
            f"(fewer than {rule.min_producers} producers or one producer > {share})")  # fmt: skip
