"""Words of the monthly report and weekly brief, Indonesian and English: labels, sentences, methodology.

Numbers arrive already computed (Decimal percentages, rupiah amounts) from `pipelines.publish.reports`;
this module only phrases them, with `pipelines.publish.formatting` for every figure. The wording
itself lives in the catalogue (`pipelines/core/locale/<lang>/LC_MESSAGES/sentra.po`, read through
`pipelines.core.i18n`): here is only the grammar, which entry to pick and what to fill it with.
Names of countries, commodities and categories come from `models.names`.

Percent changes are written the way BPS's "Berita Resmi Statistik" writes them: "naik 4,3 persen
dibanding Februari 2025 (month-to-month)". A comparison whose base period has no data is said to be
unavailable, never replaced by a number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from models import names
from pipelines.core import i18n
from pipelines.publish.formatting import Number, check_lang, date_label, month_label, month_name, number, rupiah_short

# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------


def t(key: str, lang: str, **values: object) -> str:
    """The label `key` in `lang` ("id" or "en"): catalogue entry `report.<key>`.

    Without `values` a label with placeholders comes back unfilled ("Lainnya ({n} negara)"), for the
    caller to `.format`; with them it is filled.
    """
    return i18n.text(f"report.{key}", lang, **values)


def _say(key: str, lang: str, **values: object) -> str:
    return i18n.text(key, lang, **values)


# ---------------------------------------------------------------------------------------------
# Figures in words
# ---------------------------------------------------------------------------------------------


def percent(value: Number, lang: str, decimals: int = 1) -> str:
    """A percentage in words: "4,3 persen" / "4.3 percent" (the sign kept: "-4,3 persen")."""
    return _say("number.percent", check_lang(lang), number=number(value, decimals, lang))


def signed(value: Decimal | None, lang: str, decimals: int = 1) -> str:
    """A change for a table cell: "+4,3", "-1,0", "0,0"; "–" when not available."""
    if value is None:
        return "–"
    text = number(value, decimals, lang)
    return text if text.startswith("-") or set(text) <= set("0,.") else f"+{text}"


def usd_short(value: Number, lang: str) -> str:
    """US dollars in words, two decimals, as BPS writes them: "US$0,95 juta" / "US$0.95 million".

    Amounts of at least US$100 thousand read in juta (million) so a month's total keeps one unit from
    month to month; smaller ones are written in full ("US$95.120"). Never SI suffixes.
    """
    lang = check_lang(lang)
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= Decimal(10) ** 9:
        return f"{sign}US${number(amount / Decimal(10) ** 9, 2, lang)} {_say('number.scale.miliar', lang)}"
    if amount >= Decimal(10) ** 5:
        return f"{sign}US${number(amount / Decimal(10) ** 6, 2, lang)} {_say('number.scale.juta', lang)}"
    return f"{sign}US${number(amount, 0, lang)}"


def join_words(items: Sequence[str], lang: str) -> str:
    """ "a, b dan c" / "a, b and c" (no serial comma in Indonesian)."""
    items = list(items)
    conj = f" {_say('word.and', check_lang(lang))} "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + conj + items[-1]


def months_span(first: date, last: date, lang: str) -> str:
    """ "Januari–Maret 2025" (same year), "Maret 2025" (one month)."""
    if first == last:
        return month_label(last, lang)
    if first.year == last.year:
        return f"{month_name(first.month, lang)}–{month_label(last, lang)}"
    return f"{month_label(first, lang)}–{month_label(last, lang)}"


def days_span(first: date, last: date, lang: str) -> str:
    """ "10–16 Maret 2025", "28 April – 4 Mei 2025", "30 Desember 2024 – 5 Januari 2025"."""
    if first.year != last.year:
        return f"{first.day} {month_label(first, lang)} – {last.day} {month_label(last, lang)}"
    if first.month != last.month:
        return f"{first.day} {month_name(first.month, lang)} – {last.day} {month_label(last, lang)}"
    return f"{first.day}–{last.day} {month_label(last, lang)}"


# ---------------------------------------------------------------------------------------------
# Names (models/names.csv: the same names the charts use)
# ---------------------------------------------------------------------------------------------


def commodity_label(code: str, lang: str) -> str:
    """Table label of a commodity code ("Ikan hias" / "Ornamental fish"); category codes work too."""
    return names.name("commodity", code, check_lang(lang))


def category_label(code: str, lang: str) -> str:
    """Table label of a category code ("Makanan" / "Food")."""
    return names.name("category", code, check_lang(lang))


def country_name(code: str, lang: str) -> str:
    """Country name from an ISO 3166 alpha-2 code: "JP" -> "Jepang" / "Japan"; unknown codes as given."""
    return names.name("country", code, check_lang(lang))


# English country names that take "the" mid-sentence: plural names and those naming a union, kingdom or republic.
_WITH_ARTICLE = re.compile(r"\b(United|Kingdom|Republic|States|Emirates|Islands|Netherlands|Philippines|Maldives)\b")


def _country_in_sentence(code: str, lang: str) -> str:
    """A country named in a sentence: "the United States", "the Netherlands"; Indonesian names as they are."""
    name = country_name(code, lang)
    return f"the {name}" if lang == "en" and _WITH_ARTICLE.search(name) else name


def _commodity_in_sentence(code: str, lang: str, kind: str = "commodity") -> str:
    # Mid-sentence a commodity is a common noun: lower case, and "other" needs a noun to lean on.
    if code == names.OTHER:
        return _say(f"sentence.other_{kind}", lang)
    return names.name(kind, code, lang).lower()


def _capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]


# ---------------------------------------------------------------------------------------------
# Changes
# ---------------------------------------------------------------------------------------------


def change_clause(pct: Decimal, against: str, tag: str, lang: str) -> str:
    """ "naik 4,3 persen dibanding Februari 2025 (month-to-month)" / "up 4.3 percent from February 2025 (...)"."""
    lang = check_lang(lang)
    shown = number(abs(pct), 1, lang)
    tag_text = f" ({tag})" if tag else ""
    # Rounds to 0,0: no direction to report.
    direction = "none" if set(shown) <= set("0,.") else "up" if pct > 0 else "down"
    return _say(f"sentence.change.{direction}", lang, percent=percent(abs(pct), lang), against=against, tag=tag_text)


def unavailable_sentence(what: str, missing: Sequence[date], zero: bool, lang: str, base: str = "") -> str:
    """Why a change is not given: "Perubahan month-to-month tidak dapat dihitung karena data Februari 2025 tidak
    tersedia." `missing` lists the months without data; `zero` says the base was zero instead."""
    lang = check_lang(lang)
    if zero:
        reason = _say("sentence.reason.zero_base", lang, base=base)
    else:
        reason = _say("sentence.reason.no_data", lang, months=join_words([month_label(m, lang) for m in missing], lang))
    return _say("sentence.change_unavailable", lang, what=what, reason=reason)


def confidential_change_sentence(what: str, against: str, lang: str) -> str:
    """A change not given because one of its figures is confidential: "Perubahan month-to-month dibanding
    Februari 2025 tidak ditampilkan karena salah satu angkanya dirahasiakan." """
    return _say("sentence.change_confidential", check_lang(lang), what=what, against=against)


def confidential_sentence(period: str, lang: str) -> str:
    """A figure of `period` ("Maret 2025", "Januari–Maret 2025", "minggu ini") withheld for confidentiality."""
    return _say("sentence.confidential", check_lang(lang), period=period)


# ---------------------------------------------------------------------------------------------
# Key-point sentences
# ---------------------------------------------------------------------------------------------


def no_exports_sentence(month: date, lang: str) -> str:
    """The month has no export row."""
    return _say("sentence.no_exports", check_lang(lang), month=month_label(month, lang))


def export_sentence(month: date, idr: Decimal, usd: Decimal, clauses: Sequence[str], lang: str) -> str:
    """The headline: value of the month in rupiah and USD, then the available changes."""
    lang = check_lang(lang)
    return _say(
        "sentence.export",
        lang,
        month=month_label(month, lang),
        idr=rupiah_short(idr, lang),
        usd=usd_short(usd, lang),
        changes=f", {join_words(clauses, lang)}" if clauses else "",
    )


def cumulative_sentence(first: date, last: date, idr: Decimal, usd: Decimal, clause: str | None, lang: str) -> str:
    """Year to date: "Secara kumulatif, nilai ekspor IKM Januari–Maret 2025 mencapai …"."""
    lang = check_lang(lang)
    return _say(
        "sentence.cumulative",
        lang,
        span=months_span(first, last, lang),
        idr=rupiah_short(idr, lang),
        usd=usd_short(usd, lang),
        changes=f", {clause}" if clause else "",
    )


def cumulative_unavailable(first: date, last: date, missing: Sequence[date], lang: str) -> str:
    """The year to date cannot be summed because a month of it has no data."""
    lang = check_lang(lang)
    months = join_words([month_label(m, lang) for m in missing], lang)
    return _say("sentence.cumulative_unavailable", lang, span=months_span(first, last, lang), months=months)


def _followed_by(items: Sequence[str], lang: str) -> str:
    return _say("sentence.followed_by", lang, items=join_words(items, lang)) if items else ""


def commodity_sentence(month: date, shares: Sequence[tuple[str, Decimal, Decimal]], lang: str) -> str:
    """Commodity shares, largest first: `shares` = (code, share in percent, value in rupiah)."""
    lang = check_lang(lang)
    code, share, idr = shares[0]
    rest = [f"{_commodity_in_sentence(c, lang)} ({percent(s, lang)})" for c, s, _ in shares[1:3]]
    return _say(
        "sentence.commodity",
        lang,
        head=_capitalise(_commodity_in_sentence(code, lang)),
        percent=percent(share, lang),
        month=month_label(month, lang),
        idr=rupiah_short(idr, lang),
        follow=_followed_by(rest, lang),
    )


def category_sentence(period: str, shares: Sequence[tuple[str, Decimal]], lang: str) -> str:
    """Turnover shares by category, largest first: `shares` = (category code, share in percent).

    `period` follows "omzet" / "of turnover": "minggu ini" / "this week", "Maret 2025" / "in March 2025"."""
    lang = check_lang(lang)
    (code, share), rest = shares[0], shares[1:3]
    # After "Menurut kategori," / "By category," the category stays lower case.
    others = [f"{_commodity_in_sentence(c, lang, 'category')} ({percent(s, lang)})" for c, s in rest]
    return _say(
        "sentence.category",
        lang,
        head=_commodity_in_sentence(code, lang, "category"),
        percent=percent(share, lang),
        period=period,
        follow=_followed_by(others, lang),
    )


def destination_sentence(month: date, top: Sequence[tuple[str, Decimal]], combined: Decimal, lang: str) -> str:
    """Main destinations: `top` = (ISO code, share in percent), up to three; `combined` their total share."""
    lang = check_lang(lang)
    if len(top) == 1:  # every export, or the only destination that may be shown
        key = "sentence.destination.one" if top[0][1] == 100 else "sentence.destination.main"
        return _say(
            key,
            lang,
            month=month_label(month, lang),
            country=_country_in_sentence(top[0][0], lang),
            percent=percent(top[0][1], lang),
        )
    return _say(
        f"sentence.destination.{'three' if len(top) == 3 else 'two'}",  # "ketiganya" / "keduanya"
        lang,
        month=month_label(month, lang),
        names=join_words([f"{_country_in_sentence(c, lang)} ({percent(s, lang)})" for c, s in top], lang),
        percent=percent(combined, lang),
    )


def exporters_sentence(month: date, exporters: int, registered: int, items: int, lang: str) -> str:
    """How many registered exporters exported in the month, and in how many PEB items."""
    lang = check_lang(lang)
    return _say(
        "sentence.exporters",
        lang,
        exporters=number(exporters, 0, lang),
        registered=number(registered, 0, lang),
        share=f" ({percent(Decimal(exporters) * 100 / registered, lang)})" if registered else "",
        month=month_label(month, lang),
        items=number(items, 0, lang),
    )


def turnover_sentence(
    period: str,
    total: int,
    days: int,
    calendar_days: int,
    avg_active: Decimal,
    registered: int | None,
    lang: str,
) -> str:
    """Turnover of a period with the average per day with data and the average active producers."""
    lang = check_lang(lang)
    avg = Decimal(total) / days
    if days == calendar_days:
        days_text = _say("sentence.turnover.days_complete", lang, days=number(days, 0, lang))
    else:
        days_text = _say(
            "sentence.turnover.days_partial",
            lang,
            days=number(days, 0, lang),
            calendar_days=number(calendar_days, 0, lang),
        )
    cover = (
        _say(
            "sentence.turnover.coverage",
            lang,
            percent=percent(avg_active * 100 / registered, lang),
            registered=number(registered, 0, lang),
        )
        if registered
        else ""
    )
    return _say(
        "sentence.turnover",
        lang,
        period=period,
        total=rupiah_short(total, lang),
        average=rupiah_short(avg, lang),
        days=days_text,
        active=number(avg_active, 0, lang),
        coverage=cover,
    )


def turnover_change_sentence(pct: Decimal, against: str, same_days: int | None, lang: str) -> str:
    """The change of turnover: of the totals when both periods are complete; else, with `same_days`, of the
    current period's days with data against the same days of the other period, said as such."""
    lang = check_lang(lang)
    if same_days is None:
        return _say("sentence.turnover_change.total", lang, clause=change_clause(pct, against, "", lang))
    days = number(same_days, 0, lang)
    against = _say("report.same_days_of", lang, days=days, period=against)
    return _say("sentence.turnover_change.same_days", lang, days=days, clause=change_clause(pct, against, "", lang))


def lebaran_sentence(fitri: date, lang: str) -> str:
    """The period contains the Lebaran period: its changes mostly show the holiday moving."""
    return _say("sentence.lebaran", check_lang(lang), date=date_label(fitri, lang))


def lebaran_change_sentence(window: tuple[date, date], before: tuple[date, date], pct: Decimal, lang: str) -> str:
    """The days up to Idul Fitri against the same days up to the previous Idul Fitri."""
    lang = check_lang(lang)
    against = _say("report.lebaran_window_before", lang, year=before[1].year, span=days_span(*before, lang))
    clause = change_clause(pct, against, "", lang)
    return _say(
        "sentence.lebaran_change",
        lang,
        days=number((window[1] - window[0]).days + 1, 0, lang),
        span=days_span(*window, lang),
        clause=clause,
    )


def lebaran_unavailable_sentence(before: tuple[date, date], lang: str) -> str:
    """No Lebaran comparison: the previous year's days up to Idul Fitri are incomplete, hidden or absent."""
    lang = check_lang(lang)
    return _say("sentence.lebaran_unavailable", lang, year=before[1].year, span=days_span(*before, lang))


def not_comparable_sentence(against: str, missing: int | None, lang: str) -> str:
    """Why no change is given: the other period has no data on `missing` of the same days (None: on none)."""
    lang = check_lang(lang)
    if missing is None:
        return turnover_unavailable_sentence(against, lang)
    return _say("sentence.not_like_for_like", lang, against=against, missing=number(missing, 0, lang))


def turnover_unavailable_sentence(against: str, lang: str) -> str:
    """No turnover for the comparison period."""
    return _say("sentence.turnover_unavailable", check_lang(lang), against=against)


def producer_coverage_sentence(share: Decimal, registered: int, days: int, calendar_days: int, lang: str) -> str:
    """Average share (percent) of registered producers reporting each day, and the days with turnover."""
    lang = check_lang(lang)
    return _say(
        "sentence.coverage.producers",
        lang,
        percent=percent(share, lang),
        registered=number(registered, 0, lang),
        days=number(days, 0, lang),
        calendar_days=number(calendar_days, 0, lang),
    )


def exporter_coverage_sentence(month: date, share: Decimal, registered: int, lang: str) -> str:
    """Share (percent) of registered exporters with exports in the month."""
    lang = check_lang(lang)
    return _say(
        "sentence.coverage.exporters",
        lang,
        month=month_label(month, lang),
        percent=percent(share, lang),
        registered=number(registered, 0, lang),
    )


def low_coverage_sentence(month: date, days: Sequence[date], lang: str) -> str:
    """The days of `month` whose producer coverage was below the threshold: read them as missing data."""
    lang = check_lang(lang)
    return _say(
        "sentence.coverage.low_days",
        lang,
        days=join_words([str(d.day) for d in days], lang),
        month=month_label(month, lang),
    )


# ---------------------------------------------------------------------------------------------
# Quality checks in words
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Methodology
# ---------------------------------------------------------------------------------------------

_METHOD = (
    "sources",
    "export_value",
    "monthly_value",
    "day",
    "duplicates",
    "quarantine",
    "changes",
    "coverage",
    "confidentiality",
)
# The weekly brief has no exports: its own source line, then day and turnover, duplicates and
# corrections, quarantine, coverage.
_WEEKLY_METHOD = ("weekly_sources", "day", "duplicates", "quarantine", "coverage", "confidentiality")


def methodology(lang: str) -> tuple[str, ...]:
    """The methodology paragraphs."""
    lang = check_lang(lang)
    return tuple(_say(f"method.{key}", lang) for key in _METHOD)


def weekly_methodology(lang: str) -> tuple[str, ...]:
    """The methodology paragraphs that concern turnover (the weekly brief has no exports)."""
    lang = check_lang(lang)
    return tuple(_say(f"method.{key}", lang) for key in _WEEKLY_METHOD)
