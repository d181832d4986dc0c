"""Weekly turnover brief (HTML, Indonesian and English) from the published cells.

The week against the week before, by day and by category, with coverage and quality notes. Every figure
is a published cell: the week's total is the marts' own, a confidential day says so, and a change needs
both ends published. Files (written atomically): `ringkasan-mingguan-YYYY-Www.id.html`,
`weekly-brief-YYYY-Www.en.html` (ISO week of `week_start`), the tables as CSV and XLSX, and figures.json.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.core import i18n
from pipelines.publish import gate, symbols
from pipelines.publish.comparison import Comparison, week_before
from pipelines.publish.files import write_atomic
from pipelines.publish.formatting import LANGS, as_of_label, check_lang, date_label, day_name, number, rupiah_short
from pipelines.publish.published import Figure, Published
from pipelines.publish.reports import check_wording as cw
from pipelines.publish.reports import flagged
from pipelines.publish.reports import wording as rt
from pipelines.publish.reports.common import (
    TurnoverChange,
    coverage_rows,
    flagged_change,
    juta,
    lebaran_points,
    num,
    period_turnover,
    quality_blocks,
    turnover_change,
)
from pipelines.publish.reports.data import Headline, write_data
from pipelines.publish.reports.document import Block, Bullets, Cards, Document, Heading, Para, Table
from pipelines.publish.reports.html import render_html
from pipelines.publish.symbols import Number, Value

EXPORTS_ONLY = (set(gate.FAMILIES["exports"]) - set(gate.FAMILIES["turnover"])) | {"raw_exports", "raw_fx_rates"}


def weekly_brief_names(week_start: date) -> dict[str, str]:
    """{lang: html name} of the weekly brief of the ISO week starting on `week_start`."""
    year, week, _ = week_start.isocalendar()
    return {
        "id": f"ringkasan-mingguan-{year:04d}-W{week:02d}.id.html",
        "en": f"weekly-brief-{year:04d}-W{week:02d}.en.html",
    }


def weekly_documents(
    week_start: date,
    turnover: Published,
    coverage: pl.DataFrame,
    as_of: datetime,
    quarantined: Mapping[str, int] | None = None,
) -> dict[str, Document]:
    """The brief in each language, built (and its figures looked up) before anything is written; `quarantined`:
    the week's open quarantined transactions (`{"transactions": n}`), said in its quality note."""
    if week_start.isoweekday() != 1:
        raise ValueError(f"week_start must be a Monday (ISO weeks), got {week_start} ({day_name(week_start, 'en')})")
    return {lang: weekly_document(week_start, turnover, coverage, as_of, lang, quarantined) for lang in LANGS}


def headline_figures(week_start: date, turnover: Published) -> list[Headline]:
    week_end, period = week_start + timedelta(days=6), _week_id(week_start)
    prev_end = week_start - timedelta(days=1)
    cur, prev = turnover.get("week", week_end), turnover.get("week", prev_end)
    change = _week_change(turnover, week_start)
    compared = Decimal(len(change.comparison.days)) if change and change.comparison.comparable else None
    base, pct = flagged_change(change)
    return [
        Headline.of("turnover_idr", cur, "IDR", period),
        Headline.of("transactions", cur, "count", period, "count"),
        Headline.of("previous_week_turnover_idr", prev, "IDR", _week_id(week_start - timedelta(days=7))),
        # Like with like: the week's days with data against the same weekdays of the week before.
        Headline.flagged("week_on_week_change_pct", pct, "percent", period),
        Headline.flagged("week_on_week_base_idr", base, "IDR", period),
        Headline.derived("compared_days", compared, "days", period),
        Headline.derived("days_with_data", Decimal(len(turnover.days(week_start, week_end))), "days", period),
    ]


def _week_change(turnover: Published, week_start: date) -> TurnoverChange | None:
    """The week against the week before, like with like (None when the week has no data)."""
    prev_start = week_start - timedelta(days=7)
    cur = period_turnover(turnover, "week", week_start, week_start + timedelta(days=6))
    prev = period_turnover(turnover, "week", prev_start, week_start - timedelta(days=1))
    return turnover_change(turnover, cur, prev, week_before) if cur else None


def _week_id(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"


def write_weekly_brief(
    week_start: date, docs: dict[str, Document], headlines: list[Headline], out_dir: Path
) -> tuple[list[Path], list[Path]]:
    """Write the brief (HTML per language) and its data; returns (documents, data files)."""
    out_dir = Path(out_dir)
    written = []
    for lang, name in weekly_brief_names(week_start).items():
        write_atomic(out_dir / name, render_html(docs[lang]).encode("utf-8"))
        written.append(out_dir / name)
    stem = weekly_brief_names(week_start)["id"].removesuffix(".id.html")
    return written, write_data(out_dir, stem, docs["id"], headlines)


def weekly_document(
    week_start: date,
    turnover: Published,
    coverage: pl.DataFrame,
    as_of: datetime,
    lang: str,
    quarantined: Mapping[str, int] | None = None,
) -> Document:
    lang = check_lang(lang)
    week_end = week_start + timedelta(days=6)
    prev_start, prev_end = week_start - timedelta(days=7), week_start - timedelta(days=1)
    year, week, _ = week_start.isocalendar()
    span = rt.days_span(week_start, week_end, lang)
    week_label = rt.t("week", lang, week=week, year=year)
    period = rt.t("week_period", lang, week=week, year=year, span=span)

    cur = period_turnover(turnover, "week", week_start, week_end)
    prev = period_turnover(turnover, "week", prev_start, prev_end)
    # The brief's own subject only: the exports' checks (monthly, by exporter) belong to the monthly report.
    cov = coverage_rows(coverage, week_start, week_end).filter(~pl.col("asset").is_in(list(EXPORTS_ONLY)))
    daily_cov = _daily_coverage(cov)
    registered = max((reg for _, reg in daily_cov.values()), default=None)

    # One comparison for the sentence, the card and the category table.
    change = turnover_change(turnover, cur, prev, week_before) if cur else None
    points: list[str] = []
    cards: list[tuple[str, str, str]] = []
    if cur is None or change is None:
        points.append(rt.t("no_turnover", lang).format(period=span))
    elif not cur.total.shown:
        points.append(rt.confidential_sentence(period, lang))
    else:
        points.append(
            rt.turnover_sentence(period, cur.total.value, cur.days, cur.calendar_days, cur.avg_active, registered, lang)
        )
        prev_label = rt.t("previous_week", lang, span=rt.days_span(prev_start, prev_end, lang))
        pct, compared = change.pct, change.comparison
        if prev is None:
            points.append(rt.turnover_unavailable_sentence(prev_label, lang))
        elif not compared.comparable:
            points.append(rt.not_comparable_sentence(prev_label, compared.missing, lang))
        elif pct is not None and compared.whole:
            points.append(rt.turnover_change_sentence(pct, prev_label, None, lang))
        elif pct is not None:
            base_span = rt.days_span(compared.counterparts[0], compared.counterparts[-1], lang)
            points.append(
                rt.turnover_change_sentence(pct, rt.t("previous_week", lang, span=base_span), len(compared.days), lang)
            )
        shares = _category_shares(turnover, week_end, cur.total)
        if shares:
            points.append(rt.category_sentence(rt.t("this_week", lang).lower(), shares, lang))
        cards = [
            (f"{rt.t('turnover', lang)} · {rt.t('this_week', lang)}", rupiah_short(cur.total.value, lang), span),
            (
                rt.t("vs_prev_week", lang),
                flagged_change(change)[1].text(lambda v: i18n.text("number.percent", lang, number=rt.signed(v, lang))),
                _base_card(change, lang),
            ),
            (
                rt.t("avg_per_day", lang),
                symbols.number(cur.avg_per_day).text(lambda v: rupiah_short(v, lang)),
                rt.t("card.days_of", lang, days=cur.days, calendar_days=7),
            ),
            (rt.t("transactions", lang), number(cur.transactions, 0, lang), ""),
        ]
    # The brief holds two weeks of cells: it names Lebaran; the monthly report compares it with the year before.
    points += lebaran_points(turnover, week_start, week_end, lang, compare=False)
    points.append(cw.quality_sentence(cov.filter(~pl.col("passed")).height, cov.height, lang, quarantined))

    blocks: list[Block] = [Heading(rt.t("highlights", lang)), Bullets(tuple(points))]
    if cards:
        blocks += [Heading(rt.t("headline", lang)), Cards(tuple(cards))]
    blocks += [Heading(rt.t("daily_section", lang)), weekly_daily_table(turnover, week_start, daily_cov, lang)]
    category_table = weekly_category_table(turnover, week_start, lang, change)
    if category_table is not None:
        blocks += [Heading(rt.t("category_section", lang)), category_table]
    blocks += quality_blocks(cov, lang, [], 3 if category_table is not None else 2, quarantined)
    blocks.append(Heading(rt.t("method_section", lang)))
    blocks += [Para(p, small=True) for p in rt.weekly_methodology(lang)]

    title = f"{rt.t('weekly_title', lang)}, {week_label}"
    as_of_text = rt.t("as_of", lang, when=as_of_label(as_of, lang))
    return Document(
        lang=lang,
        title=title,
        kind=rt.t("weekly_kind", lang),
        meta=(span, as_of_text, rt.t("weekly_source", lang)),
        blocks=tuple(blocks),
        footer=f"Sentra · {title} ({span}) · {as_of_text}",
    )


def _daily_coverage(cov: pl.DataFrame) -> dict[date, tuple[int, int]]:
    """{day: (reporting, registered)} from the coverage checks on producers (their numerator, denominator)."""
    producers = cov.filter(
        (pl.col("check_name") == "coverage")
        & pl.col("asset").is_in(list(cw.PRODUCER_ASSETS))
        & pl.col("period").is_not_null()
        & pl.col("numerator").is_not_null()
        & pl.col("denominator").is_not_null()
    )
    return {r["period"]: (r["numerator"], r["denominator"]) for r in producers.iter_rows(named=True)}


def _category_shares(turnover: Published, week_end: date, total: Figure) -> list[tuple[str, Decimal]]:
    """(category, share of the week's true total) of the published categories, largest first."""
    if not total.shown or not total.value:
        return []
    return [(c, f.value * 100 / total.value) for c, f in turnover.members("week_category", week_end) if f.shown]


def weekly_daily_table(
    turnover: Published, week_start: date, daily_cov: dict[date, tuple[int, int]], lang: str
) -> Table:
    """The week's days against the same days a week earlier, and the week's true total."""
    week_end = week_start + timedelta(days=6)
    rows = []
    for d in (week_start + timedelta(days=i) for i in range(7)):
        f, before = turnover.get("day", d), turnover.get("day", d - timedelta(days=7))
        cov = daily_cov.get(d)
        coverage = symbols.number(Decimal(cov[0]) * 100 / cov[1] if cov and cov[1] else None)
        value = symbols.of(f)
        values = (value, symbols.of(f, "count"), symbols.of(f, "producers"), coverage)
        rows.append(
            flagged.Row(
                f"{day_name(d, lang)}, {date_label(d, lang)}", d, (*values, symbols.change(value, symbols.of(before)))
            )
        )
    total = turnover.get("week", week_end)
    rows.append(
        flagged.Row(rt.t("total", lang), None, (symbols.of(total), symbols.of(total, "count"), None, None, None))
    )
    money, count, pct = _formats(lang)
    columns = (
        flagged.Column("turnover_idr", rt.t("turnover", lang), money, 1.3),
        flagged.Column("transactions", rt.t("transactions", lang), count),
        flagged.Column("active_producers", rt.t("active_producers", lang), count),
        flagged.Column("coverage_pct", rt.t("coverage_pct", lang), lambda v: num(v, lang, 1), 1.0),
        flagged.Column("vs_same_day_last_week_pct", rt.t("vs_same_day", lang), pct, 1.3),
    )
    caption = rt.t("table.weekly_daily", lang, n=1, unit=rt.t("unit_idr_million", lang))
    return flagged.table(
        caption,
        flagged.Column("date", rt.t("day", lang), str, 2.4),
        columns,
        rows,
        lang,
        total_rows=1,
        if_hidden=(rt.t("confidential_note", lang),),
    )


def _formats(lang: str) -> tuple[Callable[[Number], str], Callable[[Number], str], Callable[[Number], str]]:
    """How rupiah (in millions), counts and changes print in the brief's tables."""
    return (lambda v: juta(v, lang)), (lambda v: num(v, lang)), (lambda v: rt.signed(Decimal(v), lang))


def weekly_category_table(
    turnover: Published, week_start: date, lang: str, change: TurnoverChange | None = None
) -> Table | None:
    """The week's categories (their week cells) against the week before, like with like: two complete weeks by
    their week cells, an incomplete week against the same days of the week before (its day cells); no change
    when the days do not match. "lainnya" holds the merged ones."""
    week_end, prev_end = week_start + timedelta(days=6), week_start - timedelta(days=1)
    total = turnover.get("week", week_end)
    parts = turnover.members("week_category", week_end)
    if not parts and not turnover.other("week_category", week_end).exists:
        return None
    compared = change.comparison if change else None
    whole = symbols.of(total)
    rows = []
    for c, f in parts:
        value, base = symbols.of(f), _category_base(turnover, prev_end, c, compared)
        values = (value, symbols.share_of(value, whole), symbols.of(f, "count"), base, symbols.change(value, base))
        rows.append(flagged.Row(rt.category_label(c, lang), c, values))
    other = turnover.other("week_category", week_end)
    if other.exists:  # what "lainnya" holds differs from week to week: no comparison
        value, none = symbols.of(other), symbols.Value(None, symbols.NOT_AVAILABLE)
        values = (value, symbols.share_of(value, whole), symbols.of(other, "count"), none, none)
        rows.append(flagged.Row(rt.t("others_categories", lang).format(n=len(other.holds)), "lainnya", values))
    base, pct = flagged_change(change)
    rows.append(
        flagged.Row(
            rt.t("total", lang), None, (whole, symbols.share_of(whole, whole), symbols.of(total, "count"), base, pct)
        )
    )
    money, count, signed = _formats(lang)
    columns = (
        flagged.Column("week_idr", rt.t("this_week", lang), money, 1.3),
        flagged.Column("share_pct", rt.t("share", lang), lambda v: num(v, lang, 1), 1.0),
        flagged.Column("transactions", rt.t("transactions", lang), count),
        flagged.Column(
            "previous_week_idr",
            rt.t("prev_week" if compared is None or compared.whole else "prev_week_same_days", lang),
            money,
            1.3,
        ),
        flagged.Column("change_pct", rt.t("change_pct", lang), signed),
    )
    return flagged.table(
        rt.t("table.weekly_category", lang, n=2, unit=rt.t("unit_idr_million", lang)),
        flagged.Column("category", rt.t("category", lang), str, 2.2),
        columns,
        rows,
        lang,
        notes=(rt.t("not_like_for_like_note", lang),),
        total_rows=1,
        if_hidden=(rt.t("confidential_note", lang),),
    )


def _category_base(turnover: Published, prev_end: date, category: str, compared: Comparison | None) -> Value:
    """What a category's week is set against: last week's cell when both weeks are complete, the sum of its day
    cells on the same days when the week is incomplete; not available when not comparable, confidential when a
    needed cell is hidden. A category with no sale on a day with data sold nothing then (nil)."""
    if compared is None or not compared.comparable:
        return symbols.Value(None, symbols.NOT_AVAILABLE)
    if compared.whole:
        base = turnover.get("week_category", prev_end, category)
        return symbols.of(base) if base.exists else symbols.amount(0)
    total = Decimal(0)
    for d in compared.counterparts:
        f = turnover.get("day_category", d, category)
        if f.exists and not f.shown:
            return symbols.of(f)
        total += f.value if f.exists else 0
    return symbols.amount(total)


def _base_card(change: TurnoverChange | None, lang: str) -> str:
    """Under the change card: what the week was set against."""
    if change is None or change.base_value is None:
        return rt.t("no_data", lang)
    if change.comparison.whole:
        return rupiah_short(change.base_value, lang)
    same = rt.t("same_days_of", lang, days=len(change.comparison.days), period=rt.t("prev_week", lang).lower())
    return f"{rupiah_short(change.base_value, lang)} ({same})"
