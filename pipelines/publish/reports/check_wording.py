"""Words about quality checks in the reports, Indonesian and English: a check's name, its outcome in a sentence
with its counts, and the lines around the quality table. Wording in the catalogue (`check.*`, `report.*`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pipelines.core import i18n
from pipelines.publish.formatting import check_lang, number
from pipelines.publish.reports.wording import join_words, percent, t


def quality_sentence(warnings: int, checks: int, lang: str, quarantined: Mapping[str, int] | None = None) -> str:
    """How many quality checks warned for the period; and the rows of it still in quarantine (`quarantined`:
    per source), so "no warnings" never hides rows that are not counted."""
    lang = check_lang(lang)
    if not checks:
        text = t("no_checks", lang)
    elif not warnings:
        text = t("no_warnings", lang)
    else:
        text = i18n.text(
            "sentence.quality",
            lang,
            warnings=number(warnings, 0, lang),
            checks=number(checks, 0, lang),
            section=t("quality_section", lang),
        )
    held = [t(f"quarantined.{source}", lang, n=number(n, 0, lang)) for source, n in (quarantined or {}).items() if n]
    if held:
        text += " " + i18n.text("sentence.quarantined", lang, rows=join_words(held, lang))
    return text


# Assets whose coverage-type checks count producers (daily) and exporters (monthly).
PRODUCER_ASSETS: frozenset[str] = frozenset({"daily_turnover", "stg_transactions"})
EXPORTER_ASSETS: frozenset[str] = frozenset({"monthly_export_value", "stg_exports"})


# Checks whose counts are days or producers, not rows: their own sentence (catalogue `check.result.<name>`).
PLAIN_COUNTS = frozenset({"volume_typical", "amount_scale_typical"})


def check_name(name: str, lang: str) -> str:
    """A readable name for a quality check ("coverage" -> "Cakupan pelaporan"); unknown names as given."""
    lang = check_lang(lang)
    try:
        return i18n.text(f"check.name.{name}", lang)
    except KeyError:
        return name


def quality_table_caption(table_no: int, lang: str) -> str:
    """ "Tabel 5. Catatan pemeriksaan kualitas data" / "Table 5. Data-quality notes"."""
    return t("quality_table_caption", lang, n=table_no)


def more_notes(count: int, lang: str) -> str:
    """The note under a cut list of warnings: "… dan 12 catatan lain." / "… and 12 more."."""
    return t("more_notes", lang, n=number(count, 0, lang))


def _share(numerator: int | None, denominator: int | None, value: float | None) -> Decimal:
    """Percent from the counts when there are counts (exact), else from the stored share (a fraction)."""
    if numerator is not None and denominator:
        return Decimal(numerator) * 100 / denominator
    if value is not None:
        return Decimal(repr(float(value))) * 100
    return Decimal(0)


def check_result(result: Mapping[str, Any], lang: str) -> str:
    """A check's outcome for readers, from its structured columns (`quality.check_results`).

    `result` holds check_name, asset, value, threshold, numerator, denominator and observed (the
    English log text, the fallback for an outcome without structured values). Coverage and
    quarantine shares read "25,0 persen (75 dari 300 produsen terdaftar melapor)"; counts of
    unexpected rows (Great Expectations rules) "3 dari 120 baris tidak memenuhi aturan".
    """
    lang = check_lang(lang)
    name, asset = result.get("check_name"), result.get("asset")
    value, threshold = result.get("value"), result.get("threshold")
    numerator, denominator = result.get("numerator"), result.get("denominator")
    who = "exporters" if asset in EXPORTER_ASSETS else "producers"
    if name == "coverage" and numerator is not None and denominator is not None:
        return i18n.text(
            f"check.result.coverage.{who}",
            lang,
            percent=percent(_share(numerator, denominator, value), lang),
            reporting=number(numerator, 0, lang),
            registered=number(denominator, 0, lang),
        )
    if name == "quarantine_share" and numerator is not None and denominator is not None:
        return i18n.text(
            "check.result.quarantine_share",
            lang,
            percent=percent(_share(numerator, denominator, value), lang),
            held=number(numerator, 0, lang),
            total=number(denominator, 0, lang),
        )
    if name == "no_missing_period" and numerator is not None:
        return i18n.text(f"check.result.reported.{who}", lang, count=number(numerator, 0, lang))
    if name == "fresh" and numerator is not None:
        return i18n.text("check.result.reported_yesterday", lang, count=number(numerator, 0, lang))
    if name == "no_long_gap" and value is not None and threshold is not None:
        return i18n.text(
            "check.result.fx_gap", lang, days=number(int(value), 0, lang), max_days=number(int(threshold), 0, lang)
        )
    if name in PLAIN_COUNTS and numerator is not None and denominator is not None:
        # Judged over one row per day (or per producer and day): say what the rows are, and what to look for.
        return i18n.text(
            f"check.result.{name}", lang, unexpected=number(numerator, 0, lang), total=number(denominator, 0, lang)
        )
    if numerator is not None and denominator is not None:
        # Row-level rules record unexpected rows of rows checked.
        return i18n.text(
            "check.result.rows_unexpected",
            lang,
            unexpected=number(numerator, 0, lang),
            total=number(denominator, 0, lang),
        )
    return (result.get("observed") or "").strip()
