"""The notes a chart carries under its title, in the chart's language: what is held, hidden, incomplete or
revised, and the export chart's changes of its latest month (`pipelines.publish.charts.editions` draws them)."""

from __future__ import annotations

import polars as pl

from pipelines.core.i18n import text
from pipelines.publish import disclosure, gate
from pipelines.publish.charts.catalogue import ChartDef, low_coverage_pct
from pipelines.publish.formatting import date_label, month_label, number

HELD_NAMED = 3  # held periods a chart's note names; the rest are counted


def _confidentiality(data: pl.DataFrame, rule: disclosure.Rule, lang: str) -> str | None:
    """The line a chart carries when any of its cells was merged or is confidential."""
    merged, hidden = int(data["merged"].sum()), int(data["suppressed"].sum())
    if not merged and not hidden:
        return None
    share = number(rule.max_share * 100, 0, lang)
    return text(
        "chart.note.confidentiality", lang, merged=merged, hidden=hidden, min_producers=rule.min_producers, share=share
    )


def notes(
    chart: ChartDef, data: pl.DataFrame, revised: pl.DataFrame, rule: disclosure.Rule, lang: str, holds: list[gate.Hold]
) -> list[str]:
    """The lines under a chart's title: held periods, confidentiality, incomplete days and weeks, revisions, and the
    export chart's changes of its latest month."""
    notes = []
    if holds:  # a held period is absent or shows its previous figures: say so on the chart itself
        shown = [h.label if h.period is None else _period_label(h, lang) for h in holds[:HELD_NAMED]]
        more = text("status.more", lang, count=len(holds) - HELD_NAMED) if len(holds) > HELD_NAMED else ""
        notes.append(text("chart.note.held", lang, periods=", ".join(shown) + more))
    if line := _confidentiality(data, rule, lang):
        notes.append(line)
    if "low_coverage" in data.columns and (low := int(data["low_coverage"].fill_null(False).sum())):
        threshold = number(low_coverage_pct(), 0, lang)
        notes.append(text("chart.note.low_coverage", lang, days=low, threshold=threshold))
    if "days_with_data" in data.columns and (weeks := data.filter(pl.col("days_with_data") < 7)["week"].unique()).len():
        weeks = weeks.sort()
        shown = ", ".join(date_label(w, lang) for w in weeks.to_list())
        notes.append(text("chart.note.incomplete_weeks", lang, weeks=shown))
    if revised.height:
        notes.append(text("chart.note.revised", lang, count=revised.height))
    if chart.id == "monthly_export_value":
        notes.append(_change_line(data, lang))
    return notes


def _period_label(h: gate.Hold, lang: str) -> str:
    assert h.period is not None
    return month_label(h.period, lang) if h.grain == "month" else date_label(h.period, lang)


def _change_line(data: pl.DataFrame, lang: str) -> str:
    """Month-on-month and year-on-year change of the latest month's total (the marts' totals), as BPS states it."""
    last = data["month"].max()
    row = data.filter(pl.col("month") == last).row(0, named=True)

    def change(pct: float | None) -> str:
        if pct is None:
            return text("chart.note.not_available", lang)
        return f"{'+' if pct >= 0 else ''}{number(pct, 1, lang)}%"

    return text(
        "chart.note.changes",
        lang,
        month=month_label(last, lang),
        mom=text("chart.note.mom", lang, change=change(row["month_total_mom_change_pct"])),
        yoy=text("chart.note.yoy", lang, change=change(row["month_total_yoy_change_pct"])),
    )
