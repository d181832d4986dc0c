"""Publish layer: the published cells, chart exports for officials, and the portal that lists them.

`publish_cells` builds every figure a reader sees from the marts, judges disclosure and reconciles each
figure with the marts before anything is written to publish/ (a blocking check). Charts, reports and the
portal render from those cells only. A family whose marts' blocking checks failed keeps its previous
cells, and the portal says its data is delayed.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg

from pipelines.core.config import Settings
from pipelines.publish import cells, files, gate, layout, snapshot
from pipelines.publish.charts import catalogue, editions
from pipelines.publish.charts.catalogue import ChartDef
from pipelines.publish.portal import manifest, page
from pipelines.publish.settings import PublishSettings
from pipelines.transform.marts import MARTS
from pipelines.warehouse import lake
from pipelines.warehouse.connection import Sentra, Warehouse, pool, sql

RECONCILED = "reconciles_with_marts"


RECONCILED_SPEC = dg.AssetCheckSpec(
    RECONCILED,
    asset="publish_cells",
    blocking=True,
    description="Every published cell equals the marts (recomputed independently); every hidden cell says why. "
    "Checked before the new cells are committed.",
)


def publish_cells(
    context: dg.AssetExecutionContext, warehouse: Warehouse, publishing: PublishSettings, sentra: Sentra
) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """Every figure charts, reports and the portal print (publish.cells): days, weeks, months, years to date
    and the charts' windows with their breakdowns, from the marts, with disclosure control (few producers,
    dominance, "lainnya", secondary suppression). Rebuilt per family only when its marts' checks pass."""
    # Every publish run (CLI, sensor or UI) has this step: it clears the temporary files a killed run left, and
    # moves what an older Sentra left in the public tree to the internal one.
    for tree in (sentra.publish, sentra.internal):
        for path in files.remove_stale_temps(tree):
            context.log.info(f"{path}: removed, a temporary file left by a run that was killed")
    now = datetime.now(UTC).replace(tzinfo=None)
    with warehouse.connection() as con:
        accepted = dict(con.execute(sql("file_rows_by_sha")).fetchall())
        for line in layout.upgrade(sentra, accepted.get):
            context.log.info(line)
        w = cells.chart_window(con)
        if w is None:
            raise dg.Failure("the marts have no rows yet — build a range of partitions with data first")
        builds = [cells.build_family(con, f, w, publishing.rule(), context.run_id, now) for f in gate.FAMILIES]
        holds = gate.held(con)
    wrong = [m for b in builds for m in b.mismatches]
    yield dg.AssetCheckResult(
        check_name=RECONCILED,
        passed=not wrong,
        metadata={"mismatches": len(wrong), "first": wrong[0].line() if wrong else "none"},
    )
    if wrong:
        raise dg.Failure(
            f"published figures do not reconcile with the marts, nothing published: "
            f"{wrong[0].line()} (run {context.run_id}; {len(wrong)} in all)"
        )
    for b in builds:
        if b.outcome == "held":
            context.log.warning(f"{b.family}: {b.reason}")
    # held_families: what the alert sensor reads (pipelines/alerts), since a held family or period does not fail
    # the run: the families that kept their previous cells, then every period the publication gate holds.
    held = [{"family": b.family, "reason": b.reason} for b in builds if b.outcome == "held"]
    held += [{"family": h.family, "period": h.label, "reason": h.line()} for h in holds if h.period is not None]
    for h in holds:
        context.log.warning(f"held, not published: {h.line()}")
    yield dg.MaterializeResult(
        metadata={
            **{f"{b.family}": f"{b.outcome}: {b.cells} cells" + (f" ({b.reason})" if b.reason else "") for b in builds},
            "held_families": dg.MetadataValue.json(held),
        }
    )


def _chart_asset(chart: ChartDef, s: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"chart_{chart.id}",
        group_name="publish",
        deps=["publish_cells"],
        pool=pool(f"chart_{chart.id}", s),
        kinds={"altair"},
        description=f"{chart.description['en']} PNG (slides and A4 print), SVG, PDF, offline HTML, CSV, XLSX and "
        "metadata.json, in Indonesian and English, under publish/charts/" + chart.id + "/. Drawn only when its "
        "published cells (or the renderer) changed; PNG, SVG and PDF once per period (a daily chart's move to a "
        "new period only in a run tagged sentra/move_prints=true: one that built a month).",
    )
    def _asset(
        context: dg.AssetExecutionContext, warehouse: Warehouse, publishing: PublishSettings, sentra: Sentra
    ) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            window = cells.chart_window(con)
            if window is None:
                raise dg.Failure(
                    f"{chart.id}: the marts have no rows yet — build a range of partitions with data first"
                )
            move = context.run.tags.get(editions.MOVE_PRINTS, "false") == "true"
            out = editions.publish_chart(
                con, chart, window, sentra.publish, context.run_id, publishing.rule(), sentra.internal, move
            )
        if out is None:
            context.log.info(f"{chart.id}: no data in the window yet; nothing drawn")
            return dg.MaterializeResult(metadata={"files": 0, "redrawn": False, "note": "no data yet"})
        if out.drawn:
            context.log.info(f"{chart.id}: drew {', '.join(out.drawn)}; kept {', '.join(out.kept) or 'nothing'}")
        png = next((f for f in out.files if f.endswith(f"/id/{chart.id}.png")), None)
        return dg.MaterializeResult(
            metadata={
                "period": out.period,
                "print_period": out.print_period,
                "redrawn": bool(out.drawn),  # False: every file kept as it was
                "editions_drawn": len(out.drawn),
                "editions_kept": len(out.kept),
                "drawn": ", ".join(out.drawn) or "none",
                "files_written": out.written,
                "files": len(out.files),
                "revised_figures": out.revisions,
                **({"png": dg.MetadataValue.path(str(sentra.publish / png))} if png else {}),
            }
        )

    return _asset


def portal_index(context: dg.AssetExecutionContext, warehouse: Warehouse, sentra: Sentra) -> dg.MaterializeResult:
    """The download portal: publish/index.html (static, offline) listing the latest charts and reports with
    their downloads, an archive by period, the revisions changelog and whether the data is delayed."""
    with warehouse.connection() as con:
        path = manifest.write_manifest(con, sentra.publish)
    index = page.write_portal(sentra.publish)
    target = warehouse.path
    layout.write_internal_index(sentra, lake.read_only_attach(target) if lake.is_lake(target) else None)
    drawn, kept = editions.drawn_by(sentra.publish, context.run_id)
    return dg.MaterializeResult(
        metadata={
            "manifest": dg.MetadataValue.path(str(path)),
            "index": dg.MetadataValue.path(str(index)),
            # This run's charts: drawn (an edition changed) or kept as they were.
            "charts_redrawn": len(drawn),
            "charts_kept": len(kept),
            "redrawn": ", ".join(drawn) or "none",
        }
    )


def marts_snapshot(context: dg.AssetExecutionContext, warehouse: Warehouse, sentra: Sentra) -> dg.MaterializeResult:
    """A read-only copy of every mart for the office's economists: internal/snapshot/sentra.duckdb and one
    Parquet file per table (internal: the marts hold the figures disclosure control hides). Query the copy,
    never the live warehouse (a session on it blocks the pipeline).
    A lake needs no copy: readers attach it read-only, and the metadata says how."""
    if lake.is_lake(warehouse.path):
        return dg.MaterializeResult(metadata={"read_only": lake.read_only_attach(warehouse.path)})
    with warehouse.connection() as con:
        rows = snapshot.write_snapshot(con, sentra.internal, context.run_id)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(sentra.internal / "snapshot" / snapshot.FILE)),
            "tables": dg.MetadataValue.json(rows),
        }
    )


def publish_assets(s: Settings) -> list[dg.AssetsDefinition]:
    """The publish assets with the settings' pools: cells, a chart each, the portal and the snapshot."""
    charts = [_chart_asset(c, s) for c in catalogue.CHARTS]
    return [
        dg.asset(
            group_name="publish",
            deps=list(MARTS),
            pool=pool("publish_cells", s),
            kinds={"duckdb"},
            check_specs=[RECONCILED_SPEC],
        )(publish_cells),
        *charts,
        dg.asset(
            group_name="publish",
            deps=[*(c.key for c in charts), "report_monthly", "report_weekly"],
            pool=pool("portal_index", s),
            kinds={"html"},
        )(portal_index),
        dg.asset(group_name="publish", deps=list(MARTS), pool=pool("marts_snapshot", s), kinds={"duckdb", "parquet"})(
            marts_snapshot
        ),
    ]
