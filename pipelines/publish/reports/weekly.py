"""Weekly turnover brief (HTML, Indonesian and English) from the published cells.

The week against the week before, by day and by category, with coverage and quality notes. Every figure
is a published cell: the week's total is the marts' own, a confidential day says so, and a change needs
both ends published. Files (written atomically): `ringkasan-mingguan-YYYY-Www.id.html`,
`weekly-brief-YYYY-Www.en.html` (ISO week of `week_start`), the tables as CSV and XLSX, and figures.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.publish import gate, i18n
from pipelines.publish.comparison import Comparison, week_before
from pipelines.publish.figures import pct_change, share
from pipelines.publish.files import write_atomic
from pipelines.publish.formatting import LANGS, as_of_label, check_lang, date_label, day_name, number, rupiah_short
from pipelines.publish.published import Figure, Published
from pipelines.publish.reports import check_wording as cw
from pipelines.publish.reports import wording as rt
from pipelines.publish.reports.common import (
    TurnoverChange,
    coverage_rows,
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
    return [
        Headline.of("turnover_idr", cur, "IDR", period),
        Headline.of("transactions", cur, "count", period, "count"),
        Headline.of("previous_week_turnover_idr", prev, "IDR", _week_id(week_start - timedelta(days=7))),
        # Like with like: the week's days with data against the same weekdays of the week before.
        Headline.derived("week_on_week_change_pct", change.pct if change else None, "percent", period),
        Headline.derived("week_on_week_base_idr", change.base_value if change else None, "IDR", period),
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

    points: list[str] = []
    cards: list[tuple[str, str, str]] = []
    if cur is None:
        points.append(rt.t("no_turnover", lang).format(period=span))
    elif not cur.total.shown:
        points.append(rt.confidential_sentence(period, lang))
    else:
        points.append(
            rt.turnover_sentence(period, cur.total.value, cur.days, cur.calendar_days, cur.avg_active, registered, lang)
        )
        prev_label = rt.t("previous_week", lang, span=rt.days_span(prev_start, prev_end, lang))
        change = turnover_change(turnover, cur, prev, week_before)
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
                "–" if pct is None else i18n.text("number.percent", lang, number=rt.signed(pct, lang)),
                _base_card(change, lang),
            ),
            (
                rt.t("avg_per_day", lang),
                rupiah_short(cur.avg_per_day, lang) if cur.avg_per_day is not None else "–",
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
    category_table = weekly_category_table(turnover, week_start, lang, _week_change(turnover, week_start))
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
    rows, values = [], []
    for d in (week_start + timedelta(days=i) for i in range(7)):
        f, before = turnover.get("day", d), turnover.get("day", d - timedelta(days=7))
        cov = daily_cov.get(d)
        coverage = Decimal(cov[0]) * 100 / cov[1] if cov and cov[1] else None
        change = pct_change(f.value, before.value)
        label = f"{day_name(d, lang)}, {date_label(d, lang)}"
        if not f.exists:
            rows.append((label, rt.t("no_data", lang), "–", "–", num(coverage, lang, 1), "–"))
        else:
            rows.append(
                (
                    label,
                    juta(f.value, lang) if f.shown else rt.t("confidential", lang),
                    num(f.count, lang),
                    num(f.producers, lang),
                    num(coverage, lang, 1),
                    rt.signed(change, lang),
                )
            )
        values.append((d, f.value, f.count, f.producers, coverage, change))
    total = turnover.get("week", week_end)
    rows.append((rt.t("total", lang), juta(total.value, lang), num(total.count, lang), "", "", ""))
    values.append((None, total.value, total.count, None, None, None))
    vs_label = rt.t("vs_same_day", lang)
    caption = rt.t("table.weekly_daily", lang, n=1, unit=rt.t("unit_idr_million", lang))
    names = ("date", "turnover_idr", "transactions", "active_producers", "coverage_pct", "vs_same_day_last_week_pct")
    frame = pl.DataFrame(
        {n: [v[i] if i in (0, 2, 3) or v[i] is None else float(v[i]) for v in values] for i, n in enumerate(names)}
    )
    return Table(
        caption,
        (
            rt.t("day", lang),
            rt.t("turnover", lang),
            rt.t("transactions", lang),
            rt.t("active_producers", lang),
            rt.t("coverage_pct", lang),
            vs_label,
        ),
        tuple(rows),
        (False, True, True, True, True, True),
        (2.4, 1.3, 1.1, 1.1, 1.0, 1.3),
        total_rows=1,
        notes=(rt.t("dash_note", lang), rt.t("confidential_note", lang)),
        data=frame,
    )


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
    rows = []
    for c, f in parts:
        base_value = _category_base(turnover, prev_end, c, compared)
        rows.append(
            (
                rt.category_label(c, lang),
                f.value,
                share(f.value, total.value) if total.shown else None,
                f.count,
                base_value,
                pct_change(f.value, base_value),
            )
        )
    other = turnover.other("week_category", week_end)
    if other.exists:  # what "lainnya" holds differs from week to week: no comparison
        rows.append(
            (
                rt.t("others_categories", lang).format(n=len(other.holds)),
                other.value,
                share(other.value, total.value) if total.shown else None,
                other.count,
                None,
                None,
            )
        )
    rows.append(
        (
            rt.t("total", lang),
            total.value,
            Decimal(100) if total.shown else None,
            total.count,
            change.base_value if change else None,
            change.pct if change else None,
        )
    )
    caption = rt.t("table.weekly_category", lang, n=2, unit=rt.t("unit_idr_million", lang))
    names = ("category", "week_idr", "share_pct", "transactions", "previous_week_idr", "change_pct")
    frame = pl.DataFrame(
        {n: [r[i] if i in (0, 3) or r[i] is None else float(r[i]) for r in rows] for i, n in enumerate(names)}
    )
    return Table(
        caption,
        (
            rt.t("category", lang),
            rt.t("this_week", lang),
            rt.t("share", lang),
            rt.t("transactions", lang),
            rt.t("prev_week" if compared is None or compared.whole else "prev_week_same_days", lang),
            rt.t("change_pct", lang),
        ),
        tuple(
            (r[0], juta(r[1], lang), num(r[2], lang, 1), num(r[3], lang), juta(r[4], lang), rt.signed(r[5], lang))
            for r in rows
        ),
        (False, True, True, True, True, True),
        (2.2, 1.3, 1.0, 1.1, 1.3, 1.1),
        total_rows=1,
        notes=(rt.t("dash_note", lang), rt.t("confidential_note", lang), rt.t("not_like_for_like_note", lang)),
        data=frame,
    )


def _category_base(turnover: Published, prev_end: date, category: str, compared: Comparison | None) -> Decimal | None:
    """What a category's week is set against: last week's cell when both weeks are complete, the sum of its day
    cells on the same days when the week is incomplete; None when not comparable or a needed cell is hidden. A
    category with no sale on a day with data sold nothing then."""
    if compared is None or not compared.comparable:
        return None
    if compared.whole:
        base = turnover.get("week_category", prev_end, category)
        return base.value if base.exists else Decimal(0)
    total = Decimal(0)
    for d in compared.counterparts:
        f = turnover.get("day_category", d, category)
        if f.exists and not f.shown:
            return None
        total += f.value if f.exists else 0
    return total


def _base_card(change: TurnoverChange | None, lang: str) -> str:
    """Under the change card: what the week was set against."""
    if change is None or change.base_value is None:
        return rt.t("no_data", lang)
    if change.comparison.whole:
        return rupiah_short(change.base_value, lang)
    same = rt.t("same_days_of", lang, days=len(change.comparison.days), period=rt.t("prev_week", lang).lower())
    return f"{rupiah_short(change.base_value, lang)} ({same})"
