"""`sentra check FILE…`: what ingesting each file would do (layout, conventions, rows), without writing anything.

Reads each file with the ingest's own reader and row rules; opens the warehouse read-only, only for the
registry. Duplicates and corrections against earlier files are not evaluated.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import duckdb
import polars as pl

from models.aliases import MARKETPLACES
from models.contracts import CONTRACTS, Contract
from pipelines.cli.verdict import EXAMPLES, Group, Report, verdict
from pipelines.core.config import settings
from pipelines.core.errors import EXIT_REJECTED_FILES, UserError
from pipelines.core.i18n import LANGS, Said, cli_lang
from pipelines.ingest import books, load, parse, propose, read
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
_NOT_EVALUATED = "duplicates and corrections against earlier files: not evaluated"


def main(args: argparse.Namespace, echo: Callable[[str], None] = print) -> int:
    files = [Path(f) for f in args.files]
    for f in files:
        if not f.is_file():
            raise UserError(f"{f}: {'not a file' if f.exists() else 'no such file'}")
    if args.marketplace is not None and args.producer is None:
        raise UserError("--marketplace needs --producer (the producer_id of the shop)")
    if args.propose and len(files) != 1:
        raise UserError("--propose takes one file (its proposed mapping is printed alone, to save as sentra.toml)")
    try:
        limits = from_environment()
        lang = cli_lang(args.lang)
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
    if args.propose:
        return _propose_only(reports[0], echo, lang)
    if args.json:
        echo(json.dumps({"files": [asdict(r) for r in reports]}, indent=2, ensure_ascii=False))
    else:
        echo("\n\n".join(verdict(r, lang) for r in reports))
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
    report = Report(str(path))
    report.refuse(Said.of("reject.failed", detail=f"{type(exc).__name__}: {first}"))
    return report


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
        elif report.source == "transactions" and len(parts) == at + 4:  # transactions/<producer_id>/: own books
            market, producer = None, parts[at + 2]
    elif source is not None:
        report.source, report.source_from = source, "--source"
    elif producer is not None:
        report.source, report.source_from = "transactions", "--marketplace" if market else "--producer"
    if report.source is None:
        for guess in GUESS_ORDER:
            found = _evaluate(path, Report(str(path), guess), limits, registry)
            if found.refused is None or not _NO_COLUMNS.search(found.refused):
                found.source_from = "guessed from its columns"
                return found
        report.refuse(Said.of("check.no_source", sources=list(GUESS_ORDER)))
        report.has = _own_columns(path, limits)
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
        if lf.books and not (lf.path.parent / books.MAPPING).is_file():  # read by usual names: say what else fits
            _propose(report, lf, limits)
            report.has = []
        return report

    try:  # read exactly as ingest reads it
        return load.read_then(lf, contract, limits, tally)
    except parse.LandingFileError as exc:
        report.refuse(exc.said)  # the file is named above the verdict
        if exc.said.key.startswith("reject.missing") or exc.said.key == "reject.mapping_no_column":
            _propose(report, lf, limits)
        return report


def _own_columns(path: Path, limits: IngestSettings) -> list[str]:
    """The file's own header (its first line or row), to show beside what is missing."""
    st = path.stat()
    try:
        return read.sample(LandingFile("transactions", path.resolve(), st.st_size, st.st_mtime), limits, 0).columns
    except parse.LandingFileError:
        return []


def _propose(report: Report, lf: LandingFile, limits: IngestSettings) -> None:
    """A producer's books that lack columns: their own columns, and the mapping file proposed from them."""
    try:
        sample = read.sample(lf, limits, propose.SAMPLE_ROWS)
    except parse.LandingFileError:
        return
    report.has = sample.columns
    if lf.books and lf.producer_id is not None:
        proposal = propose.propose(sample)
        report.proposal_texts = {lang: proposal.toml(lang, lf.producer_id, lf.path.name) for lang in LANGS}


def _propose_only(report: Report, echo: Callable[[str], None], lang: str) -> int:
    """`--propose`: the proposed mapping alone (to redirect into sentra.toml), or why there is none."""
    if report.producer_id is None or report.marketplace is not None:
        raise UserError(
            f"{report.file}: --propose is for a producer's own books: put the file in "
            "landing/transactions/<producer_id>/ or name the producer with --producer"
        )
    if not report.proposal_texts:
        raise UserError(
            f"{report.file}: nothing to propose: "
            + (report.refused_texts.get(lang) or "every column it needs is found (it would be ingested as it is)")
        )
    echo(report.proposal_texts[lang].rstrip("\n"))
    return 0


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
    for batch in load.batches(found.frame):
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
