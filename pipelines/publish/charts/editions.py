"""Publishing a chart: two editions per language, each drawn only when what it shows changed.

* The **screen edition** — interactive HTML, CSV and XLSX — shows the chart's current period (its last
  day or month of data) and is redrawn whenever its published cells change.
* The **print edition** — PNG for slides, A4 PNG, SVG and PDF — is drawn once per period, and a daily
  chart's moves to a new period only in a run that builds months (`MOVE_PRINTS`: `sentra run` sets it when it
  built a month, the publish sensor after a monthly run): on the daily path its edition stays the one of the
  last month that closed, and is drawn again only when a figure it shows changed (a late file). A monthly
  chart's period is its last month, which a new day does not change: both editions show it. A daily
  chart's print edition shows the year ending on the last day of the last month the data covers to its
  end (until a first month has closed: the current window), read from the day cells again on every run,
  so a late file or a correction inside it redraws it. A chart built from totals that exist only for the
  current window (`ChartDef.window_grid`: the kecamatan evidence) is drawn for the current window on the
  run that closes a month (or on its first run), and kept while its other columns (the registry) are
  unchanged and every window figure it prints still reconciles with the marts; otherwise it is drawn again
  for the current window.

Files: `charts/<id>/<period>/<lang>/<id>.<suffix>` with `charts/<id>/<period>/metadata.json` for each
edition's period (a print edition of an earlier period than the screen's is written whole, every format,
so that folder is one consistent edition), and `charts/<id>/latest/`: the screen files of the current
period, the print files of the print period, and metadata.json, whose `editions` name each edition's
period and, per language, its fingerprint (`fingerprint.py`: cells digest, renderer, language,
confidentiality rule, period), when and by which run it was drawn, and each file's sha256. An edition is
drawn again only when its fingerprint differs or a file is missing or altered in its folder or `latest/`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
from altair.utils import schemapi

from models.codes import TIMEZONE
from pipelines.publish import cells, disclosure, figures, fingerprint, gate, layout, reconcile, symbols
from pipelines.publish.cells import Window
from pipelines.publish.charts import draw, notes, palette, save
from pipelines.publish.charts.catalogue import LANGS, ChartDef
from pipelines.publish.charts.frames import chart_data
from pipelines.publish.charts.save import PRINT, SCREEN, SUFFIXES
from pipelines.publish.files import temp_path, write_atomic
from pipelines.warehouse.connection import sql

META = "metadata.json"
MOVE_PRINTS = "sentra/move_prints"  # a publish run's tag: daily charts' print editions may move to a new period


@dataclass(eq=False)
class Edition:
    name: str  # "screen" | "print"
    window: Window
    period: str
    suffixes: tuple[str, ...]  # what is written to its folder
    data: pl.DataFrame | None  # None: a print edition kept as drawn (its window cannot be read again)
    digest: str
    state: dict = field(default_factory=dict)  # what metadata.json records beside the languages

    @property
    def shown(self) -> tuple[str, ...]:
        """The suffixes `latest/` takes from this edition."""
        return SCREEN if self.name == "screen" else PRINT


@dataclass(frozen=True)
class ChartResult:
    period: str
    print_period: str
    files: list[str]  # under latest/, relative to the publish folder
    revisions: int
    drawn: list[str]  # "<edition> <period> <lang>"
    kept: list[str]
    written: int  # files written (drawn, not copied)


def publish_chart(
    con: duckdb.DuckDBPyConnection,
    chart: ChartDef,
    w: Window,
    publish: Path,
    run_id: str,
    rule: disclosure.Rule,
    internal: Path,
    move_prints: bool = True,
) -> ChartResult | None:
    """Draw what changed of one chart (see the module), record its revisions, and assemble `latest/`; the
    edition's input files are listed in `internal` (provenance with names), counted per source in public."""
    data = chart.data(con, w)
    if data.is_empty():
        return None  # nothing to draw yet (e.g. no exports)
    root = publish / "charts" / chart.id
    if chart.only_values and data[_value(data)].is_null().all():
        # Every cell is confidential: nothing may be shown, and an older `latest` must not stay up.
        shutil.rmtree(root / "latest", ignore_errors=True)
        return None
    revised = _revisions(con, chart, data, run_id)
    holds = _holds_since(con, chart, w)
    old_meta = _read_meta(root / "latest")
    old = old_meta.get("editions", {})
    screen = Edition("screen", w, chart.period(w), SCREEN, data, fingerprint.frame(data))
    renderer = fingerprint.renderer(fingerprint.CHART_SOURCES)

    def expected(ed: Edition, lang: str) -> str:
        return fingerprint.of(
            edition=ed.name,
            period=ed.period,
            cells=ed.digest,
            renderer=renderer,
            lang=lang,
            rule=[rule.min_producers, rule.max_share],
            held=[h.label for h in holds],
        )

    def kept(ed: Edition, lang: str) -> bool:
        unit = old.get(ed.name, {}).get("langs", {}).get(lang, {})
        if old.get(ed.name, {}).get("period") != ed.period or unit.get("fingerprint") != expected(ed, lang):
            return False
        files = unit.get("files", {})
        shown = {n: s for n, s in files.items() if n.removeprefix(f"{chart.id}.") in ed.shown}
        return fingerprint.intact(root / ed.period / lang, files) and fingerprint.intact(root / "latest" / lang, shown)

    prints = _print_edition(con, chart, w, screen, old.get("print", {}))
    if not move_prints and chart.grain == "day" and old.get("print", {}).get("period") not in (None, prints.period):
        prints = _staying_print(con, chart, screen, old["print"])  # the new period waits for a monthly run
    if prints.data is None and not all(kept(prints, lang) for lang in LANGS):
        prints = _current_print(chart, screen, con)  # a frozen edition cannot be redrawn: draw the current one
    units = [(ed, lang) for ed in (screen, prints) for lang in LANGS]
    todo = [(ed, lang) for ed, lang in units if not kept(ed, lang)]
    drawn = {(ed.name, lang) for ed, lang in todo}
    state = {ed.name: {**old.get(ed.name, {}), **ed.state, "period": ed.period} for ed in (screen, prints)}
    for ed in (screen, prints):
        if old.get(ed.name, {}).get("period") != ed.period:
            state[ed.name]["langs"] = {}
    written = 0
    if todo:
        as_of = datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)
        for ed, lang in todo:
            files = _draw(chart, ed, lang, revised, rule, as_of, root / ed.period / lang, holds)
            written += len(files)
            state[ed.name]["langs"][lang] = {
                "fingerprint": expected(ed, lang),
                "files": files,
                "generated_at": _wib(as_of),
                "dagster_run_id": run_id,
            }
        meta = old_meta
        if ("screen", "id") in drawn or ("screen", "en") in drawn or not meta:
            meta = _metadata(
                con, chart, w, screen.period, as_of, run_id, data, _within(revised, chart, data), rule, internal
            )
            meta["held"] = [{"period": h.label, "reason": {lang: h.reason(lang) for lang in LANGS}} for h in holds]
            write_atomic(root / screen.period / META, _json(meta))
        if prints.period != screen.period and {("print", "id"), ("print", "en")} & drawn:
            assert prints.data is not None
            q_meta = _metadata(
                con,
                chart,
                prints.window,
                prints.period,
                as_of,
                run_id,
                prints.data,
                _within(revised, chart, prints.data),
                rule,
                internal,
            )
            write_atomic(root / prints.period / META, _json({**q_meta, "editions": {"print": state["print"]}}))
        _assemble(root, chart.id, {**meta, "editions": state})
    return ChartResult(
        screen.period,
        prints.period,
        _latest_files(publish, root / "latest"),
        revised.height,
        drawn=[f"{ed.name} {ed.period} {lang}" for ed, lang in todo],
        kept=[f"{ed.name} {ed.period} {lang}" for ed, lang in units if (ed.name, lang) not in drawn],
        written=written,
    )


def drawn_by(publish: Path, run_id: str) -> tuple[list[str], list[str]]:
    """The charts with an edition drawn by run `run_id`, and the charts kept as they were (latest/ metadata)."""
    drawn, kept = [], []
    for latest in sorted((publish / "charts").glob("*/latest")):
        units = [u for ed in _read_meta(latest).get("editions", {}).values() for u in ed.get("langs", {}).values()]
        (drawn if any(u.get("dagster_run_id") == run_id for u in units) else kept).append(latest.parent.name)
    return drawn, kept


# --- The print edition -----------------------------------------------------------------------------------


def closing_day(w: Window) -> date:
    """The last day of the last month the daily data covers to its end (which may lie before the data)."""
    after = w.last_day + timedelta(days=1)
    return w.last_day if after.day == 1 else w.last_day.replace(day=1) - timedelta(days=1)


def _current_print(chart: ChartDef, screen: Edition, con: duckdb.DuckDBPyConnection) -> Edition:
    state = _frozen_state(con, chart, screen) if chart.window_grid else {}
    return Edition("print", screen.window, screen.period, PRINT, screen.data, screen.digest, state)


def _print_edition(con: duckdb.DuckDBPyConnection, chart: ChartDef, w: Window, screen: Edition, old: dict) -> Edition:
    if chart.grain != "day" or closing_day(w) == w.last_day:
        return _current_print(chart, screen, con)
    closing = closing_day(w)
    if chart.window_grid is None:  # read the closed month's window from the day cells
        qw = cells.chart_window(con, until=closing)
        if qw is None or qw.first_day > qw.last_day:
            return _current_print(chart, screen, con)  # no month has closed within the data yet
        data = chart.data(con, qw)
        if data.is_empty() or (chart.only_values and data[_value(data)].is_null().all()):
            return _current_print(chart, screen, con)
        return Edition("print", qw, chart.period(qw), SUFFIXES, data, fingerprint.frame(data))
    # Window totals exist for the current window only: keep the edition drawn at the last month's close while
    # it still holds, else draw the current window (which the next runs keep until another month closes).
    period = old.get("period")
    if period is None or period == screen.period or period < closing.isoformat() or not _holds(con, chart, screen, old):
        return _current_print(chart, screen, con)
    return Edition("print", w, period, SUFFIXES, None, old["cells"], {"rest": old["rest"], "claims": old["claims"]})


def _staying_print(con: duckdb.DuckDBPyConnection, chart: ChartDef, screen: Edition, old: dict) -> Edition:
    """The print edition of the period it already has, read again (drawn again only if a figure changed)."""
    if chart.window_grid is not None:  # its window's totals cannot be read again: kept while they hold
        if _holds(con, chart, screen, old):
            return Edition(
                "print",
                screen.window,
                old["period"],
                SUFFIXES,
                None,
                old["cells"],
                {"rest": old["rest"], "claims": old["claims"]},
            )
        return _current_print(chart, screen, con)
    qw = cells.chart_window(con, until=date.fromisoformat(old["period"]))
    data = chart.data(con, qw) if qw is not None else None
    if qw is None or data is None or data.is_empty():
        return _current_print(chart, screen, con)
    return Edition("print", qw, old["period"], SUFFIXES, data, fingerprint.frame(data))


def _rest(chart: ChartDef, data: pl.DataFrame) -> str:
    """A digest of the columns that do not come from the window totals (the kecamatan evidence: the registry)."""
    return fingerprint.frame(data.drop([c for c in chart.window_columns if c in data.columns]))


def _frozen_state(con: duckdb.DuckDBPyConnection, chart: ChartDef, screen: Edition) -> dict:
    """What a later run checks before keeping this print edition: its window figures as claims, the rest."""
    assert chart.window_grid is not None and screen.data is not None
    family, grid = chart.window_grid
    end = screen.window.last_day if family == "turnover" else figures.month_end(screen.window.last_month)
    shown = cells.read(con, family, grid, end, end).filter(pl.col("status") == disclosure.PUBLISHED)
    claimed = shown.with_columns(release=pl.lit(f"chart {chart.id} print {screen.period}"), family=pl.lit(family))
    return {"cells": screen.digest, "rest": _rest(chart, screen.data), "claims": reconcile.to_rows(claimed)}


def _holds(con: duckdb.DuckDBPyConnection, chart: ChartDef, screen: Edition, old: dict) -> bool:
    """The kept print edition's registry columns are unchanged and each window figure equals the marts."""
    if not {"claims", "rest", "cells"} <= old.keys() or screen.data is None:
        return False
    return _rest(chart, screen.data) == old["rest"] and not reconcile.claims(con, reconcile.from_rows(old["claims"]))


# --- Drawing ---------------------------------------------------------------------------------------------


def _holds_since(con: duckdb.DuckDBPyConnection, chart: ChartDef, w: Window) -> list[gate.Hold]:
    """The periods of the chart's family the publication gate holds from the window's start on (a held day
    after the last published one included: the chart must not pass for complete)."""
    family, first = ("turnover", w.first_day) if chart.grain == "day" else ("exports", w.first_month)
    return [h for h in gate.held(con, family) if h.period is None or h.period >= first]


def _draw(
    chart: ChartDef,
    ed: Edition,
    lang: str,
    revised: pl.DataFrame,
    rule: disclosure.Rule,
    as_of: datetime,
    folder: Path,
    holds: list[gate.Hold],
) -> dict[str, str]:
    """Draw one edition in one language into `folder`; return {file name: sha256}."""
    assert ed.data is not None
    mine = _within(revised, chart, ed.data)
    marks = mine.rename({"cell": "_cell", "old_value": "revised_from"})
    shown = ed.data.with_columns(_cell(chart, ed.data).alias("_cell")).join(marks, on="_cell", how="left").drop("_cell")
    # Altair checks every part against the schema as it is built, the inline data row by row (~1 s for a
    # year by kecamatan); `render` checks the whole spec once (to_dict validates), which is enough.
    with schemapi.debug_mode(False):
        drawn = chart.draw(shown, lang, as_of, chart.title[lang])
        drawn = draw.add_notes(drawn, notes.notes(chart, shown, mine, rule, lang, holds))
    out = {}
    # The data files carry each value's flag (pipelines.publish.symbols), as the reports' tables do.
    data = symbols.with_flags(chart_data(drawn))
    for suffix, payload in save.to_bytes(drawn, data, lang, ed.suffixes).items():
        write_atomic(folder / f"{chart.id}.{suffix}", payload)
        out[f"{chart.id}.{suffix}"] = fingerprint.sha(payload)
    return out


def _assemble(root: Path, chart_id: str, meta: dict) -> None:
    """latest/: the screen files of the screen period, the print files of the print period, metadata.json;
    built aside and swapped in by rename, so readers never see half a folder."""
    latest = root / "latest"
    tmp, old = temp_path(latest), temp_path(latest)
    for name in ("screen", "print"):
        ed = meta["editions"][name]
        for lang, unit in ed["langs"].items():
            (tmp / lang).mkdir(parents=True, exist_ok=True)
            for file in unit["files"]:
                if file.removeprefix(f"{chart_id}.") in (SCREEN if name == "screen" else PRINT):
                    shutil.copy2(root / ed["period"] / lang / file, tmp / lang / file)
    write_atomic(tmp / META, _json(meta))
    if latest.exists():
        latest.rename(old)
    tmp.rename(latest)
    shutil.rmtree(old, ignore_errors=True)


def _latest_files(publish: Path, latest: Path) -> list[str]:
    return sorted(p.relative_to(publish).as_posix() for p in latest.rglob("*") if p.is_file())


# --- Revisions, notes and metadata -----------------------------------------------------------------------


def _value(data: pl.DataFrame) -> str:
    return next(c for c in data.columns if c in ("turnover_idr", "export_value_idr"))


# The window a total covers is part of its identity: a 12-month or 365-day total whose window moved is a new
# figure, not a revision of the old one (a revision is a changed value for the same period and definition); so is
# the number of days an incomplete week holds: the week so far, one day longer, is not a revision of itself.
WINDOW_BOUNDS = ("first_day", "last_day", "first_month", "last_month", "days_with_data")


def _cell(chart: ChartDef, data: pl.DataFrame) -> pl.Expr:
    """A published cell's identity: its key columns, and the window it covers, as JSON."""
    keys = [*chart.keys, *(c for c in WINDOW_BOUNDS if c in data.columns)]
    return pl.struct([pl.col(k).cast(pl.String) for k in keys]).struct.json_encode()


def _within(revised: pl.DataFrame, chart: ChartDef, data: pl.DataFrame) -> pl.DataFrame:
    """The revisions among the cells of `data`."""
    return revised.join(data.select(_cell(chart, data).alias("cell")), on="cell", how="semi")


def _revisions(con: duckdb.DuckDBPyConnection, chart: ChartDef, data: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """Compare with what was last published; record the new values and the revisions. Returns cell, old_value."""
    published = data.select(_cell(chart, data).alias("cell"), pl.col(_value(data)).cast(pl.Float64).alias("value"))
    con.register("new_cells", published.to_arrow())
    try:
        changed = con.sql(sql("publish_revisions"), params=[chart.id]).pl()
        now = datetime.now(UTC).replace(tzinfo=None)  # published_at, revised_at: UTC, as every stored time
        con.register("changed", changed.to_arrow())
        for statement in sql("publish_record").split(";")[:2]:
            con.execute(statement, [chart.id, now, run_id])
        con.unregister("changed")
    finally:
        con.unregister("new_cells")
    return changed.filter(~pl.col("is_new")).select("cell", "old_value")


def _wib(as_of: datetime) -> str:
    return as_of.isoformat() + "+07:00"


def _json(meta: dict) -> bytes:
    return json.dumps(meta, indent=2, ensure_ascii=False, default=str).encode()


def _read_meta(latest: Path) -> dict:
    """latest/metadata.json, or {} when missing or unreadable (everything is then drawn again)."""
    try:
        meta = json.loads((latest / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) and isinstance(meta.get("editions"), dict) else {}


def _last_incomplete(chart: ChartDef, data: pl.DataFrame) -> bool:
    """Whether the chart's last period is incomplete: a day under the coverage threshold, a week with fewer than 7
    days of data (a chart whose data say so)."""
    if data.is_empty():
        return False
    last = data.sort(chart.keys).row(-1, named=True)
    return bool(last.get("low_coverage")) or last.get("days_with_data", 7) < 7


def _metadata(
    con: duckdb.DuckDBPyConnection,
    chart: ChartDef,
    w: Window,
    period: str,
    as_of: datetime,
    run_id: str,
    data: pl.DataFrame,
    revised: pl.DataFrame,
    rule: disclosure.Rule,
    internal: Path,
) -> dict:
    """metadata.json of an edition; its input files by name go to the internal provenance, not in here."""
    first, last = (w.first_day, w.last_day) if chart.grain == "day" else (w.first_month, w.last_month)
    rows = con.execute(sql("chart_inputs"), [w.first_day, w.last_day, w.first_month, w.last_month]).fetchall()
    inputs = [{"source": s, "name": n, "path": p, "sha256": h, "rows": r} for s, n, p, h, r in rows]
    layout.write_provenance(internal, chart.id, period, inputs)
    accepted = {i["sha256"]: i["rows"] for i in inputs}
    checks = con.execute(sql("chart_checks"), [list(chart.assets), first, last]).fetchall()
    return {
        "id": chart.id,
        "title": chart.title,
        "description": chart.description,
        "unit": chart.unit,
        "period": {
            "label": period,
            "first": first.isoformat(),
            "last": last.isoformat(),
            # The last day is under the coverage threshold: the portal says its data are incomplete.
            "incomplete": _last_incomplete(chart, data),
        },
        "generated_at": _wib(as_of),
        "dagster_run_id": run_id,
        "inputs": layout.public_provenance(inputs, accepted.get),
        "checks": [{"asset": a, "check": c, "partitions": n, "passed": ok} for a, c, n, ok in checks],
        "confidentiality": {
            "min_producers": rule.min_producers,
            "max_share": rule.max_share,
            "merged_cells": int(data["merged"].sum()),
            "suppressed_cells": int(data["suppressed"].sum()),
            "method": "docs/DISCLOSURE.md",
        },
        "revisions": [{"cell": json.loads(c), "old": o} for c, o in revised.iter_rows()],
        # The colours of its members (charts/palette.csv), the same in every chart and language.
        "palette": palette.colours(set().union(*(data[c].to_list() for c in ("category", "commodity") if c in data))),
    }
