"""HTML rendering of a report document: one offline page from a Jinja2 template.

The template (`pipelines/publish/templates/report.html.j2`) has a macro per block type; the stylesheet
(`pipelines/publish/static/report.css`) and the figures (base64 PNG) are inlined, so the page loads
nothing from elsewhere and can be mailed as one file.
"""

from __future__ import annotations

import base64
from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from pipelines.publish import templating
from pipelines.publish.reports.common import png_size
from pipelines.publish.reports.document import Bullets, Cards, Document, Figure, Heading, Para

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"


@cache
def _environment() -> jinja2.Environment:
    env = templating.environment().overlay()  # the report's own filters and tests, on the shared settings
    env.filters["base64"] = lambda data: base64.b64encode(data).decode("ascii")
    env.globals["png_size"] = png_size
    for name, kind in (
        ("heading", Heading),
        ("para", Para),
        ("bullets", Bullets),
        ("cards", Cards),
        ("figure", Figure),
    ):
        env.tests[name] = lambda block, kind=kind: isinstance(block, kind)
    return env


@cache
def _css() -> str:
    return resources.files("pipelines.publish").joinpath("static", STYLESHEET).read_text("utf-8").strip()


def render_html(doc: Document) -> str:
    """The document as one self-contained HTML page (stylesheet and figures inline)."""
    return _environment().get_template(TEMPLATE).render(doc=doc, css=Markup(_css()))
