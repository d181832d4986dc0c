"""`sentra check`'s verdict on a file, said in English or Indonesian: what it found, and what ingesting would do."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from pipelines.core.i18n import LANGS, Said, text
from pipelines.ingest import reasons

EXAMPLES = 3  # lines and values shown per reason


@dataclass
class Group:
    reason: str
    count: int = 0
    lines: list[int] = field(default_factory=list)
    example: str = ""
    values: list[str] = field(default_factory=list)  # the offending values, up to EXAMPLES, as the file has them


@dataclass
class Report:
    file: str
    source: str | None = None
    source_from: str = ""  # its folder, --source, or guessed from its columns
    marketplace: str | None = None
    producer_id: str | None = None
    layout: str | None = None
    read: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # the file's header -> Sentra column
    notes: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # read, accepted, quarantined, excluded
    quarantined: list[Group] = field(default_factory=list)
    excluded: list[Group] = field(default_factory=list)
    dates: list[str] | None = None  # first and last date of the accepted rows
    checks: list[str] = field(default_factory=list)
    refused: str | None = None  # in English; `refused_texts` has it in each language
    refused_texts: dict[str, str] = field(default_factory=dict)
    has: list[str] = field(default_factory=list)  # a refused file's own columns, when they did not fit
    proposal_texts: dict[str, str] = field(default_factory=dict)  # a producer's books: the mapping file proposed
    # from its header and values, in each language (its comments)

    def refuse(self, said: Said) -> None:
        self.refused, self.refused_texts = str(said), {lang: said.text(lang) for lang in LANGS}


def verdict(r: Report, lang: str) -> str:
    out = [r.file]

    def line(label: str, *texts: str) -> None:
        for i, t in enumerate(t for t in texts if t):
            out.append(f"  {text(f'check.label.{label}', lang) if i == 0 else '':<10} {t}")

    if r.source:
        said_from = {"from its folder": "check.from.folder", "guessed from its columns": "check.from.guessed"}
        how = text(said_from[r.source_from], lang) if r.source_from in said_from else r.source_from
        if r.marketplace:
            how += text("check.shop", lang, marketplace=r.marketplace, producer=r.producer_id)
        elif r.producer_id:
            how += text("check.books", lang, producer=r.producer_id)
        line("source", f"{r.source} ({how})")
    line("layout", r.layout or "")
    line("read", _how(r.read))
    line("columns", *_wrapped([k if k == v else f"{k} -> {v}" for k, v in r.columns.items()]))
    line("has", *_wrapped(r.has))
    line("notes", *r.notes)
    if r.rows:
        n = {k: f"{v:,}" for k, v in r.rows.items()}
        dates = text("check.dates", lang, first=r.dates[0], last=r.dates[1]) if r.dates else ""
        line("rows", text("check.rows", lang, **n) + dates)
    line("quarantine", *(_shown(g, lang) for g in r.quarantined))
    line("excluded", *(_shown(g, lang) for g in r.excluded))
    line("checks", *r.checks)
    if r.refused:
        line("verdict", text("check.refused", lang, reason=r.refused_texts.get(lang, r.refused)))
    else:
        line("verdict", text("check.ingested", lang))
    if r.proposal_texts:
        line("proposal", text("check.proposal", lang))
        out += [f"    {t}" for t in r.proposal_texts[lang].rstrip("\n").splitlines()]
    return "\n".join(out)


def _wrapped(items: list[str], width: int = 100) -> list[str]:
    """Items joined with commas, in lines of about `width`, never split inside an item."""
    return [w.replace("\xa0", " ") for w in textwrap.wrap(", ".join(i.replace(" ", "\xa0") for i in items), width)]


def _how(how: dict[str, str]) -> str:
    order = (("encoding", "{}"), ("separator", "separator {}"), ("sheet", "sheet {}"), ("header", "header on {}"))
    return ", ".join(t.format(how[k]) for k, t in order if k in how)


def _shown(g: Group, lang: str) -> str:
    lines = ", ".join(map(str, g.lines)) + (", …" if g.count > len(g.lines) else "")
    # Said in the language first, with '…' for the value; then the values themselves, a few: '25rb', 'abc'.
    reason = reasons.text(g.example if g.count == 1 else g.reason, lang)
    if g.count > 1 and g.values and "'…'" in reason:
        more = ", …" if g.count > len(g.values) >= EXAMPLES else ""  # fewer shown than kept: those are all
        reason = reason.replace("'…'", ", ".join(f"'{v}'" for v in g.values) + more, 1)
    if g.count == 1:
        return text("check.group_one", lang, reason=reason, lines=lines)
    return text("check.group", lang, count=f"{g.count:,}", reason=reason, lines=lines)
