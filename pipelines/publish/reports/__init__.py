"""Reports for economists: the monthly export report (HTML and PDF) and the weekly turnover brief (HTML),
each with its tables as CSV and XLSX and its headline figures as figures.json.

* `document`: the document model both renderers draw (`Document` and its blocks);
* `html`, `pdf`: the renderers (Jinja2 template with inline CSS and figures; reportlab, invariant);
* `data`: the tables and headline figures as data files;
* `common`: helpers both reports share (numbers, turnover, quality notes, charts);
* `monthly_figures`, `monthly_tables`, `monthly`: the monthly report; `weekly`: the weekly brief.

Every figure comes from the published cells (`pipelines.publish.published`), never from the marts.
"""

from pipelines.publish.reports.data import Headline, table_titles
from pipelines.publish.reports.document import Document
from pipelines.publish.reports.html import render_html
from pipelines.publish.reports.monthly import (
    CHART_DAILY_TURNOVER,
    CHART_MONTHLY_EXPORT,
    MonthlyReportData,
    headline_figures,
    key_points,
    monthly_document,
    monthly_documents,
    monthly_report_names,
    write_monthly_report,
)
from pipelines.publish.reports.monthly_figures import TREND_MONTHS
from pipelines.publish.reports.pdf import render_pdf
from pipelines.publish.reports.weekly import headline_figures as weekly_headline_figures
from pipelines.publish.reports.weekly import weekly_brief_names, weekly_document, weekly_documents, write_weekly_brief

__all__ = [
    "CHART_DAILY_TURNOVER",
    "CHART_MONTHLY_EXPORT",
    "TREND_MONTHS",
    "Document",
    "Headline",
    "MonthlyReportData",
    "headline_figures",
    "key_points",
    "monthly_document",
    "monthly_documents",
    "monthly_report_names",
    "render_html",
    "render_pdf",
    "table_titles",
    "weekly_brief_names",
    "weekly_document",
    "weekly_documents",
    "weekly_headline_figures",
    "write_monthly_report",
    "write_weekly_brief",
]
