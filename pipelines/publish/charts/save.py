"""Saving a chart built by `charts` or `breakdowns` offline, in any of its formats.

Formats, by file suffix: `png` (16:9 at 2x, for slides), `print.png` (A4 landscape at 300 dpi), `svg`,
`pdf` — the print formats, static images — and `html` (interactive, Vega inlined so it works offline),
`csv` and `xlsx` (the data behind the chart, text cells that start like a formula neutralised). Numbers
and month names follow the chart's language (`formatting.vega_locale`). `render` returns the bytes of
the formats asked for, so a publish run draws only what changed (`charts.editions`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl
import vl_convert as vlc
from altair.utils import _importers
from altair.utils.html import TEMPLATES
from PIL import Image

from pipelines.publish.charts.draw import CHART_WIDTH, META_KEY, PNG_SCALE, PRINT_HEIGHT, PRINT_SCALE, PRINT_WIDTH
from pipelines.publish.files import csv_bytes, write_atomic
from pipelines.publish.formatting import check_lang, vega_locale
from pipelines.publish.workbook import chart_workbook

PRINT = ("png", "print.png", "svg", "pdf", "print.pdf")  # static images: drawn once per period (docs: publishing)
SCREEN = ("html", "csv", "xlsx")  # the interactive chart and its data: always current
SUFFIXES = (*PRINT, *SCREEN)

# The editions' exact sizes. Slide: 16:9 at 1920 x 1080 px, 144 dpi, so PowerPoint places it at 13,33 x 7,5 in
# (its 16:9 slide); its PDF a 960 x 540 pt page. Print: A4 landscape, 3508 x 2480 px at 300 dpi; its PDF 842 x 595 pt.
SLIDE_PX, SLIDE_DPI, SLIDE_PT = (1920, 1080), 144, (960, 540)
A4_PX, A4_DPI, A4_PT = (3508, 2480), 300, (842, 595)
CROP_SLACK_PX = 12  # the print spec (1170 x 827 at x3) overshoots A4 by a few pixels of white padding

# The opening tag of vl-convert's SVG, with its size in pixels (a pixel is a point in its PDF).
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\swidth="(?P<w>[0-9.]+)"[^>]*?\sheight="(?P<h>[0-9.]+)"')
# A <script src="http..."> tag; the inlined bundle itself mentions src= in its JavaScript text.
_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


@cache
def vl_version() -> str | None:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it ("6.4"); None = latest."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def _chart_lang(spec: dict[str, Any]) -> str | None:
    meta = spec.get("usermeta") or {}
    return (meta.get(META_KEY) or {}).get("lang")


def to_bytes(
    chart: alt.TopLevelMixin, data: pl.DataFrame, lang: str | None = None, suffixes: Iterable[str] = SUFFIXES
) -> dict[str, bytes]:
    """The chart in each format of `suffixes` (see the module), as {suffix: bytes}, in that order.

    `lang` picks the number/date locale; by default the language the chart was built in (a mismatch is an
    error: an English chart with Indonesian decimal commas misleads).
    """
    wanted = list(suffixes)
    if unknown := [s for s in wanted if s not in SUFFIXES]:
        raise ValueError(f"unknown chart format(s) {unknown}; known: {', '.join(SUFFIXES)}")
    spec = chart.to_dict()
    built_in = _chart_lang(spec)
    if lang is None:
        lang = built_in or "id"
    lang = check_lang(lang)
    if built_in is not None and built_in != lang:
        raise ValueError(f"chart was built with lang={built_in!r} but save_chart got lang={lang!r}")
    locale = vega_locale(lang)
    options = {
        "vl_version": vl_version(),
        "format_locale": locale["formatLocale"],
        "time_format_locale": locale["timeFormatLocale"],
    }
    drawn: dict[str, str] = {}

    def svg(size: str, sized: dict[str, Any]) -> str:
        # Vega lays a spec out once: its PNG and PDF are the SVG rasterised and converted (the same bytes as
        # vl-convert's own PNG and PDF, which draw that SVG too), so a chart is not evaluated once per format.
        if size not in drawn:
            drawn[size] = vlc.vegalite_to_svg(sized, **options)
        return drawn[size]

    out: dict[str, bytes] = {}
    for suffix in wanted:
        if suffix == "png":
            out[suffix] = exact_png(vlc.svg_to_png(svg("slide", spec), scale=PNG_SCALE), SLIDE_PX, SLIDE_DPI)
        elif suffix == "print.png":
            sized, scale = print_spec(spec, PRINT_WIDTH, PRINT_HEIGHT)
            out[suffix] = exact_png(vlc.svg_to_png(svg("print", sized), scale=scale * PRINT_SCALE), A4_PX, A4_DPI)
        elif suffix == "svg":
            out[suffix] = svg("slide", spec).encode("utf-8")
        elif suffix == "pdf":
            out[suffix] = exact_pdf(svg("slide", spec), SLIDE_PT)
        elif suffix == "print.pdf":
            out[suffix] = exact_pdf(svg("a4", print_spec(spec, *A4_PT)[0]), A4_PT)
        elif suffix == "html":
            out[suffix] = _html(spec, locale).encode("utf-8")
        elif suffix == "csv":
            out[suffix] = csv_bytes(data)
        elif suffix == "xlsx":
            out[suffix] = chart_workbook(spec, data, lang)
    return {s: out[s] for s in wanted}


def print_spec(spec: dict[str, Any], width: int, height: int) -> tuple[dict[str, Any], float]:
    """The spec drawn at a print size, and the scale that still applies: a chart sized by "fit" takes the size
    itself; a concatenation or facet keeps its panels and is scaled up to the width instead."""
    if "width" in spec:
        return {**spec, "width": width, "height": height}, 1.0
    return spec, width / CHART_WIDTH


def exact_png(png: bytes, size: tuple[int, int], dpi: int) -> bytes:
    """`png` on a white page of exactly `size` pixels, declaring `dpi`, so Word and PowerPoint place it at its
    true size. A few pixels too many are cropped from the white padding; a larger image is scaled to fit; a
    smaller one is centred."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = size
    if image.width > width or image.height > height:
        slack = max(image.width - width, image.height - height)
        if slack <= CROP_SLACK_PX:  # rounding: the padding is white, crop it
            left, top = (image.width - width) // 2, (image.height - height) // 2
            image = image.crop((max(left, 0), max(top, 0), max(left, 0) + width, max(top, 0) + height))
        else:
            image.thumbnail(size, Image.Resampling.LANCZOS)
    page = Image.new("RGB", size, "white")
    page.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    buffer = io.BytesIO()
    page.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def exact_pdf(svg: str, size: tuple[float, float]) -> bytes:
    """The chart's SVG as a PDF page of exactly `size` points, vector, scaled to fit and centred.

    The SVG is nested in one of the page's size (vl-convert's PDF gives an SVG pixel one point), so vl-convert
    writes the page whole. pypdf placing vl-convert's PDF on a new page parsed and copied every object of it:
    0.24–0.34 s a page of a year's daily chart, on top of the 0.07 s conversion (docs/BENCHMARKS.md)."""
    match = _SVG_SIZE.match(svg)
    if match is None:
        raise ValueError("vl-convert's SVG does not open with its width and height")
    w, h = float(match["w"]), float(match["h"])
    width, height = (float(v) for v in size)
    scale = min(width / w, height / h)
    dx, dy = (width - w * scale) / 2, (height - h * scale) / 2
    page = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}"><g transform="translate({dx:.4f} {dy:.4f}) scale({scale:.6f})">'
        f"{svg}</g></svg>"
    )
    return vlc.svg_to_pdf(page)


def _bundle_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sentra"


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, what an offline HTML chart inlines: built by vl-convert
    (~1.5 s, once per version), kept in ~/.cache/sentra so that a publish run drawing one chart does not wait."""
    vl = _importers.vl_version_for_vl_convert()
    path = _bundle_cache() / f"vega-bundle-{vlc.__version__}-{vl}.js"
    try:
        cached = path.read_text(encoding="utf-8")
        if "vegaEmbed" in cached:
            return cached
    except (OSError, UnicodeDecodeError):
        pass
    bundle = vlc.javascript_bundle(vl_version=vl)
    with contextlib.suppress(OSError):  # no writable cache folder: build it again next time
        write_atomic(path, bundle.encode("utf-8"))
    return bundle


def _html(spec: dict[str, Any], locale: dict[str, Any]) -> str:
    """The page `chart.to_html(inline=True, embed_options=...)` writes (same bytes), Vega from `vega_bundle`."""
    # The editor/source links point at online services, useless to an offline reader.
    embed = {**locale, "actions": {"export": True, "source": False, "compiled": False, "editor": False}}
    embed.setdefault("mode", "vega-lite")
    html = TEMPLATES["inline"].render(
        spec=json.dumps(spec),
        embed_options=json.dumps(embed),
        mode="vega-lite",
        vega_version=alt.VEGA_VERSION,
        vegalite_version=alt.VEGALITE_VERSION,
        vegaembed_version=alt.VEGAEMBED_VERSION,
        base_url="https://cdn.jsdelivr.net/npm",
        output_div="vis",
        fullhtml=True,
        requirejs=False,
        vegaembed_script=vega_bundle(),
    )
    if _EXTERNAL_SCRIPT.search(html) or "vegaEmbed" not in html:
        raise RuntimeError("HTML export is not self-contained (external script or no inlined Vega)")
    return html


def save_chart(
    chart: alt.TopLevelMixin,
    data: pl.DataFrame,
    out_dir: Path,
    stem: str,
    lang: str | None = None,
    suffixes: Iterable[str] = SUFFIXES,
) -> list[Path]:
    """Write `<stem>.<suffix>` for each of `suffixes` (every format by default) into `out_dir`, created if
    missing; each file is replaced atomically, one by one. Returns the paths written."""
    out_dir = Path(out_dir)
    if not stem or "/" in stem or os.sep in stem or stem.startswith("."):
        raise ValueError(f"bad file stem {stem!r}")
    payloads = to_bytes(chart, data, lang, suffixes)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix, payload in payloads.items():
        path = out_dir / f"{stem}.{suffix}"
        write_atomic(path, payload)
        paths.append(path)
    return paths
