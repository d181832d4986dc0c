"""Publish layer: charts of the marts under `publish/charts/<lang>/`, in every format officials use."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import altair as alt
import dagster as dg
import polars as pl

from models.codes import TIMEZONE
from pipelines.config import settings
from pipelines.publish import charts
from pipelines.resources import POOL, Warehouse, sql

LANGS = ("id", "en")  # Indonesian first: it is the default everywhere


def _chart_asset(name: str, mart: str, draw: Callable[..., alt.TopLevelMixin], doc: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name="publish", deps=[mart], pool=POOL, kinds={"altair"}, description=doc)
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            data: pl.DataFrame = con.sql(sql(name)).pl()
        if data.is_empty():
            raise dg.Failure(f"{name}: {mart} has no rows yet — build a range of partitions with data first")
        as_of = datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)
        written = []
        for lang in LANGS:
            chart = draw(data, lang=lang, as_of=as_of)
            out = settings().publish / "charts" / lang
            written += charts.save_chart(chart, charts.chart_data(chart), out, name.removeprefix("chart_"), lang=lang)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": data.height,
                "files": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in written)),
                "png": dg.MetadataValue.path(str(written[0])),
            }
        )

    return _asset


publish_assets = [
    _chart_asset(
        "chart_daily_turnover",
        "daily_turnover",
        charts.daily_turnover_chart,
        "Daily turnover with its 7-day moving average: PNG, SVG, PDF, offline HTML and CSV, id and en.",
    ),
    _chart_asset(
        "chart_monthly_export_value",
        "monthly_export_value_by_commodity",
        charts.monthly_export_chart,
        "Monthly export value stacked by commodity: PNG, SVG, PDF, offline HTML and CSV, id and en.",
    ),
]
