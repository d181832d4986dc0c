"""`sentra check FILE…`: what ingesting each file would do (layout, conventions, rows), without writing anything.

Reads each file with the ingest's own reader and row rules; opens the warehouse read-only, only for the
registry. Duplicates and corrections against earlier files are not evaluated.
"""

from __future__ import annotations

import argparse
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from models.aliases import MARKETPLACES
from models.contracts import CONTRACTS, Contract
from pipelines.core.config import settings
from pipelines.core.errors import EXIT_REJECTED_FILES, UserError
from pipelines.ingest import load, parse
from pipelines.ingest.landing import REJECTED, LandingFile
from pipelines.ingest.settings import IngestSettings, from_environment
from pipelines.warehouse.connection import exists, reader_now, sql

GUESS_ORDER = ("transactions", "exports", "fx_rates", "producers")
# The source's date reported for accepted rows (typed column of `parse.type_rows`).
DATE_OF = {"transactions": "__local_date", "exports": "__peb_date", "fx_rates": "__date"}
_NO_COLUMNS = re.compile(r"missing column\(s\)|no sheet has a header row")
# A reason's values vary per row: grouped without them.
_VARYING = (
    (r"'[^']*'", "'…'"),
    (r"\[[^\]]*\]", "[…]"),
    (r"line \d+ has \d+ fields, the header \d+", "more fields than the header"),
)
EXAMPLES = 3
_NOT_EVALUATED = "duplicates and corrections against earlier files: not evaluated"


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
    refused: str | None = None


def main(args: argparse.Namespace, echo: Callable[[str], None] = print) -> int:
    files = [Path(f) for f in args.files]
    for f in files:
        if not f.is_file():
            raise UserError(f"{f}: {'not a file' if f.exists() else 'no such file'}")
    if (args.marketplace is None) != (args.producer is None):
        raise UserError("--marketplace and --producer go together (a marketplace export's shop)")
    try:
        limits = from_environment()
    except ValueError as exc:
        raise UserError(str(exc)) from None
    reports = []
    with _Registry() as registry:
        for f in files:  # a verdict per file whatever the others do: one failing refuses that file only
            try:
                reports.append(check(f, args.source, args.marketplace, args.producer, limits, registry))
            except load.WAREHOUSE_ERRORS:
                raise
            except Exception as exc:  # noqa: BLE001 — a damaged file must not take the others' verdicts with it
                reports.append(_unreadable(f, exc))
    if args.json:
        echo(json.dumps({"files": [asdict(r) for r in reports]}, indent=2, ensure_ascii=False))
    else:
        echo("\n\n".join(_text(r) for r in reports))
    return EXIT_REJECTED_FILES if any(r.refused for r in reports) else 0


class _Registry:
    """The warehouse opened read-only (never waited for), or why the registry cannot be checked."""

    def __init__(self) -> None:
        self.con: duckdb.DuckDBPyConnection | None = None
        self.why = "no warehouse yet"

    def __enter__(self) -> _Registry:
        target = settings().warehouse_target
        if exists(target):
            self.con = reader_now(target)
            if self.con is None:
                self.why = "the warehouse is in use by a running step"
        return self

    def __exit__(self, *_: object) -> None:
        if self.con is not None:
            self.con.close()

    def rules(self, contract: Contract, limits: IngestSettings, report: Report) -> load.RowRules:
        if contract.registry_checked and self.con is not None:
            try:
                rules = load.RowRules(self.con, contract, None, None, limits)
                n = self.con.sql(sql("registry_categories")).pl().height
                report.checks.append(f"registry of producers: checked against the warehouse ({n:,} producers)")
                return rules
            except duckdb.CatalogException:
                self.why = "no producers ingested yet"
        if contract.registry_checked:
            report.checks.append(f"registry of producers: not checked ({self.why})")
        return load.RowRules(None, contract, None, None, limits)


def _unreadable(path: Path, exc: Exception) -> Report:
    """The verdict on a file that failed while being looked at: refused with the failure in words."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return Report(str(path), refused=f"cannot be read ({type(exc).__name__}: {first}); export it again")


def check(
    path: Path,
    source: str | None,
    market: str | None,
    producer: str | None,
    limits: IngestSettings,
    registry: _Registry,
) -> Report:
    """What ingesting the file would do; its source from its folder, else `source`, else guessed."""
    report = Report(str(path))
    parts = path.resolve().parts
    at = max((i for i, p in enumerate(parts[:-2]) if p == "landing"), default=None)
    at = None if at is None else at + (parts[at + 1] == REJECTED)  # landing/rejected/<source>/: back from a fix
    if at is not None and parts[at + 1] in CONTRACTS:
        report.source, report.source_from = parts[at + 1], "from its folder"
        if report.source == "transactions" and len(parts) == at + 5 and parts[at + 2] in MARKETPLACES:
            market, producer = parts[at + 2], parts[at + 3]
    elif source is not None:
        report.source, report.source_from = source, "--source"
    elif market is not None:
        report.source, report.source_from = "transactions", "--marketplace"
    if report.source is None:
        for guess in GUESS_ORDER:
            found = _evaluate(path, Report(str(path), guess), limits, registry)
            if found.refused is None or not _NO_COLUMNS.search(found.refused):
                found.source_from = "guessed from its columns"
                return found
        report.refused = (
            f"its header matches no source ({', '.join(GUESS_ORDER)}); "
            "name the source with --source to see which columns are missing"
        )
        return report
    if report.source != "transactions":
        market = producer = None
    report.marketplace, report.producer_id = market, producer
    return _evaluate(path, report, limits, registry)


def _evaluate(path: Path, report: Report, limits: IngestSettings, registry: _Registry) -> Report:
    assert report.source is not None
    st = path.stat()
    lf = LandingFile(report.source, path.resolve(), st.st_size, st.st_mtime, report.producer_id, report.marketplace)
    contract = CONTRACTS[report.source]

    def tally(found: load.Records) -> Report:
        report.checks.clear()  # a second reading (Windows-1252, ragged rows) starts the report afresh
        _describe(report, found)
        _tally(report, found, contract, registry.rules(contract, limits, report))
        report.checks.append(_NOT_EVALUATED)
        return report

    try:  # read exactly as ingest reads it
        return load.read_then(lf, contract, limits, tally)
    except parse.LandingFileError as exc:
        report.refused = str(exc).removeprefix(f"{lf.path}: ")  # the file is named above the verdict
        return report


def _describe(report: Report, found: load.Records) -> None:
    table = found.table
    if table is not None:
        report.layout = table.layout.title if table.layout is not None else None
        report.read, report.columns = dict(table.how), dict(table.mapping)
    report.notes = [n for n in found.notes if not n.startswith("layout: ")]


def _tally(report: Report, found: load.Records, contract: Contract, rules: load.RowRules) -> None:
    """Type and check the rows in batches, as the ingest does; count them per reason."""
    groups: dict[str, Group] = {}
    rows = accepted = 0
    span: list = []  # each batch's first and last date of its accepted rows
    day = DATE_OF.get(contract.source)
    for batch in found.frame.collect_batches(chunk_size=load.BATCH_ROWS):
        typed = parse.type_rows(batch, contract, found.conventions, rules.sql, rules.registry)
        rows += typed.height
        good = typed.filter(pl.col("_reason").is_null())
        accepted += good.height
        if day is not None:
            span += [d for d in good.select(pl.col(day).min().alias("lo"), pl.col(day).max().alias("hi")).row(0) if d]
        _group(groups, typed.filter(pl.col("_reason").is_not_null()).select("_line", reason="_reason"))
    excluded: dict[str, Group] = {}
    _group(excluded, found.excluded)
    report.quarantined, report.excluded = list(groups.values()), list(excluded.values())
    n_excluded = found.excluded.height
    total = rows + n_excluded if found.count is None else found.count
    report.rows = {"read": total, "accepted": accepted, "quarantined": rows - accepted, "excluded": n_excluded}
    report.dates = [min(span).isoformat(), max(span).isoformat()] if span else None


def _group(groups: dict[str, Group], bad: pl.DataFrame) -> None:
    if not bad.height:
        return
    key = pl.col("reason")
    for pattern, by in _VARYING:
        key = key.str.replace_all(pattern, by)
    summary = (
        bad.sort("_line")
        .group_by(key.alias("key"), maintain_order=True)
        .agg(
            pl.len(),
            pl.col("_line").head(EXAMPLES),
            pl.col("reason").first(),
            pl.col("reason")
            .str.extract(r"'([^']*)'")
            .drop_nulls()
            .unique(maintain_order=True)
            .head(EXAMPLES)
            .alias("values"),
        )
    )
    for k, n, lines, example, values in summary.iter_rows():
        g = groups.setdefault(k, Group(k, example=example))
        g.count += n
        g.lines = sorted(g.lines + lines)[:EXAMPLES]
        g.values = list(dict.fromkeys(g.values + values))[:EXAMPLES]


def _text(r: Report) -> str:
    out = [r.file]

    def line(label: str, *texts: str) -> None:
        for i, t in enumerate(t for t in texts if t):
            out.append(f"  {label if i == 0 else '':<10} {t}")

    shop = f", {r.marketplace} export of {r.producer_id}" if r.marketplace else ""
    line("source", f"{r.source} ({r.source_from}{shop})" if r.source else "")
    line("layout", r.layout or "")
    line("read", _how(r.read))
    line("columns", *_wrapped([k if k == v else f"{k} -> {v}" for k, v in r.columns.items()]))
    line("notes", *r.notes)
    if r.rows:
        n = r.rows
        dates = f"; dates {r.dates[0]} … {r.dates[1]}" if r.dates else ""
        line(
            "rows",
            f"{n['read']:,} read: {n['accepted']:,} would be accepted, {n['quarantined']:,} quarantined, "
            f"{n['excluded']:,} excluded{dates}",
        )
    line("quarantine", *(_shown(g) for g in r.quarantined))
    line("excluded", *(_shown(g) for g in r.excluded))
    line("checks", *r.checks)
    line("verdict", f"would be REFUSED: {r.refused}" if r.refused else "would be ingested")
    return "\n".join(out)


def _wrapped(items: list[str], width: int = 100) -> list[str]:
    """Items joined with commas, in lines of about `width`, never split inside an item."""
    return [w.replace("\xa0", " ") for w in textwrap.wrap(", ".join(i.replace(" ", "\xa0") for i in items), width)]


def _how(how: dict[str, str]) -> str:
    order = (("encoding", "{}"), ("separator", "separator {}"), ("sheet", "sheet {}"), ("header", "header on {}"))
    return ", ".join(text.format(how[k]) for k, text in order if k in how)


def _shown(g: Group) -> str:
    lines = ", ".join(map(str, g.lines)) + (", …" if g.count > len(g.lines) else "")
    reason = g.example if g.count == 1 else g.reason
    if g.count > 1 and g.values and "'…'" in reason:  # the values themselves, a few of them: '25rb', 'abc'
        more = ", …" if g.count > len(g.values) else ""
        reason = reason.replace("'…'", ", ".join(f"'{v}'" for v in g.values) + more, 1)
    return f"{g.count:,} × {reason} (line{'s' if g.count > 1 else ''} {lines})"
