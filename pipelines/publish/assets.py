"""Publish layer: chart exports for officials, reports for economists, and the portal that lists them.

Charts are drawn from the staged and mart tables, which hold only partitions whose blocking checks
passed: a partition that fails keeps its previous figures, so the charts keep them too, and the portal
says the data is delayed.
"""

import dagster as dg

from pipelines.config import settings
from pipelines.publish import exports, manifest, portal, snapshot
from pipelines.publish.exports import ChartDef
from pipelines.publish.settings import PublishSettings
from pipelines.resources import POOL, Warehouse
from pipelines.transform.assets import MARTS


def _chart_asset(chart: ChartDef) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"chart_{chart.id}",
        group_name="publish",
        deps=list(chart.assets[1:]) or list(chart.assets),
        pool=POOL,
        kinds={"altair"},
        description=f"{chart.description['en']} PNG (slides and A4 print), SVG, PDF, offline HTML, CSV, XLSX and "
        "metadata.json, in Indonesian and English, under publish/charts/" + chart.id + "/.",
    )
    def _asset(
        context: dg.AssetExecutionContext, warehouse: Warehouse, publishing: PublishSettings
    ) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            window = exports.window(con)
            if window is None:
                raise dg.Failure(
                    f"{chart.id}: the marts have no rows yet — build a range of partitions with data first"
                )
            entry = exports.publish_chart(con, chart, window, settings().publish, context.run_id, publishing.rule())
        if entry is None:
            context.log.info(f"{chart.id}: no data in the window yet; nothing drawn")
            return dg.MaterializeResult(metadata={"files": 0, "note": "no data yet"})
        return dg.MaterializeResult(
            metadata={
                "period": entry["period"],
                "files": len(entry["files"]),
                "revised_figures": entry["revisions"],
                "png": dg.MetadataValue.path(str(settings().publish / entry["files"][0]["path"])),
            }
        )

    return _asset


chart_assets = [_chart_asset(c) for c in exports.CHARTS]


@dg.asset(group_name="publish", deps=[*chart_assets, "report_monthly", "report_weekly"], pool=POOL, kinds={"html"})
def portal_index(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The download portal: publish/index.html (static, offline) listing the latest charts and reports with
    their downloads, an archive by period, the revisions changelog and whether the data is delayed."""
    with warehouse.connection() as con:
        path = manifest.write_manifest(con, settings().publish)
    index = portal.write_portal(settings().publish)
    return dg.MaterializeResult(
        metadata={"manifest": dg.MetadataValue.path(str(path)), "index": dg.MetadataValue.path(str(index))}
    )


@dg.asset(
    group_name="publish",
    deps=list(MARTS),
    pool=POOL,
    kinds={"duckdb", "parquet"},
)
def marts_snapshot(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """A read-only copy of every mart for economists' own sessions: publish/snapshot/sentra.duckdb and one
    Parquet file per table. Query the copy, never the live warehouse (a session on it blocks the pipeline)."""
    with warehouse.connection() as con:
        rows = snapshot.write_snapshot(con, settings().publish, context.run_id)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings().publish / "snapshot" / snapshot.FILE)),
            "tables": dg.MetadataValue.json(rows),
        }
    )


publish_assets = [*chart_assets, portal_index, marts_snapshot]
