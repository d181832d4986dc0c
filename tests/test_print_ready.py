"""Exports an official drops into a slide or a print as they are (issue 26), on fourteen months of the sample through
`sentra run`: every chart in every language and edition keeps its notes and legend whole and inside the canvas;
the slide and A4 editions have their exact pixel sizes, declared dpi and PDF pages; one colour per member in every
chart and language; the XLSX reads as a table a person opens; and in a real browser the monthly-exports slide PNG is
two clicks from the home page.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import vl_convert as vlc
from browser import chromium, collect_errors, offline, requires_chromium, serving
from conftest import Built
from PIL import Image
from pypdf import PdfReader

from models.names import name
from pipelines.publish.charts import palette
from pipelines.publish.charts.draw import PRINT_HEIGHT, PRINT_WIDTH
from pipelines.publish.charts.save import print_spec

TIER = "e2e"  # tests/conftest.py: the runner's tiers
GROUP = "fourteen_months"  # on the worker that builds conftest.fourteen_months, with tests/test_recomputed_changes.py
CHARTS = (
    "daily_turnover",
    "daily_turnover_by_category",
    "daily_turnover_by_kecamatan",
    "monthly_export_value",
    "exports_by_destination",
    "kecamatan_evidence",
)
# DejaVu Sans averages about 0.55 em a character in these texts (measured on the demo's labels): an estimate of a
# text's width, with a few pixels of slack for the estimate itself.
EM = 0.58
SLACK_PX = 8


@pytest.fixture(scope="module")
def publish(fourteen_months: Built) -> Path:
    return fourteen_months.data / "publish"


def _spec(publish: Path, chart: str, lang: str) -> dict:
    """The chart's Vega-Lite spec, as its interactive HTML carries it."""
    html = (publish / "charts" / chart / "latest" / lang / f"{chart}.html").read_text(encoding="utf-8")
    return json.loads(re.search(r"const spec = (\{.*?\});\n", html, re.S)[1])


def _texts(node: dict, dx: float = 0, dy: float = 0) -> Iterator[tuple[dict, float, float, str]]:
    """Every text item of a scenegraph with its absolute position and the role of its mark."""
    for item in node.get("items", []):
        if node.get("marktype") == "text":
            yield item, dx + item.get("x", 0), dy + item.get("y", 0), node.get("role", "")
        elif node.get("marktype") == "group":
            for child in item.get("items", []):
                yield from _texts(child, dx + item.get("x", 0), dy + item.get("y", 0))
        else:
            yield from _texts(item, dx, dy)


def _layout_problems(spec: dict) -> list[str]:
    """Texts a reader would not see whole: cut to a width limit, or reaching outside the canvas."""
    graph = vlc.vegalite_to_scenegraph(spec)
    width, height = graph["width"], graph["height"]
    ox, oy = graph["origin"]
    problems = []
    for item, x, y, role in _texts(graph["scenegraph"], ox, oy):
        lines = item.get("text")
        lines = [str(line) for line in lines] if isinstance(lines, list) else [str(lines or "")]
        text = max(lines, key=len)  # a multi-line text (wrapped notes) is as wide as its longest line
        size = item.get("fontSize", 11)
        w = len(text) * size * EM
        if item.get("angle"):  # a rotated axis title: its length runs vertically
            continue
        left = {"left": x, "center": x - w / 2, "right": x - w}.get(item.get("align", "left"), x)
        if item.get("limit") and w > item["limit"] + SLACK_PX and role != "axis-label":
            problems.append(f"{role}: {text!r} is cut at {item['limit']} px (about {w:.0f} px)")
        if left < -SLACK_PX or left + w > width + SLACK_PX or not -SLACK_PX <= y <= height + SLACK_PX:
            problems.append(f"{role}: {text!r} reaches outside the {width}x{height} canvas (x {left:.0f}, w {w:.0f})")
    return problems


def _legend_labels(spec: dict) -> list[str]:
    graph = vlc.vegalite_to_scenegraph(spec)
    return [str(item.get("text")) for item, _, _, role in _texts(graph["scenegraph"]) if role == "legend-label"]


def test_the_layout_check_finds_a_cut_note() -> None:
    """The check can fail: a note one line long runs off the canvas, a legend label over its limit is cut."""
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"a": 1, "b": "x" * 60}]},
        "mark": "point",
        "encoding": {"x": {"field": "a", "type": "quantitative"}, "color": {"field": "b", "type": "nominal"}},
        "title": {"text": "T", "subtitle": ["a note that was never wrapped " * 8]},
        "width": 400,
        "height": 200,
    }
    problems = _layout_problems(spec)
    assert any("reaches outside" in p and "never wrapped" in p for p in problems)
    assert any(p.startswith("legend-label") and "is cut at" in p for p in problems)


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_note_and_legend_entry_is_whole_and_inside_the_canvas(publish: Path, chart: str, lang: str) -> None:
    spec = _spec(publish, chart, lang)
    for edition, sized in (("slide", spec), ("print", print_spec(spec, PRINT_WIDTH, PRINT_HEIGHT)[0])):
        assert _layout_problems(sized) == [], edition
        # Each colour of the legend is named: every member of the colour scale has its label.
        colour = spec.get("encoding", {}).get("color") or next(
            (layer["encoding"]["color"] for layer in spec.get("layer", []) if "color" in layer.get("encoding", {})),
            None,
        )
        domain = ((colour or {}).get("scale") or {}).get("domain")
        if isinstance(domain, list):
            assert sorted(_legend_labels(sized)) == sorted(domain), edition
    # The SVG (the print edition's period) names its fonts as a stack ending in sans-serif, never a default serif,
    # and cuts no text: Vega marks a cut one with an ellipsis.
    svg = ET.parse(publish / "charts" / chart / "latest" / lang / f"{chart}.svg").getroot()
    texts = [t for t in svg.iter() if t.tag.endswith("}text") or t.tag.endswith("}tspan")]
    assert {t.get("font-family") for t in texts} - {None} == {
        "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
    }
    assert not [t.text for t in texts if (t.text or "").endswith("…")]
    assert any(("Sumber" if lang == "id" else "Source") in "".join(t.itertext()) for t in texts)


@pytest.mark.parametrize("chart", CHARTS)
def test_editions_have_their_exact_sizes_dpi_and_pages(publish: Path, chart: str) -> None:
    for lang in ("id", "en"):
        folder = publish / "charts" / chart / "latest" / lang
        slide, a4 = Image.open(folder / f"{chart}.png"), Image.open(folder / f"{chart}.print.png")
        assert slide.size == (1920, 1080) and round(slide.info["dpi"][0]) == 144
        assert a4.size == (3508, 2480) and [round(d) for d in a4.info["dpi"]] == [300, 300]
        for suffix, page in (("pdf", (960, 540)), ("print.pdf", (842, 595))):
            box = PdfReader(folder / f"{chart}.{suffix}").pages[0].mediabox
            assert (round(float(box.width)), round(float(box.height))) == page


def test_one_colour_per_member_in_every_chart_and_language(publish: Path) -> None:
    seen: dict[str, set[str]] = {}
    for chart, kind in (("daily_turnover_by_category", "category"), ("monthly_export_value", "commodity")):
        meta = json.loads((publish / "charts" / chart / "latest" / "metadata.json").read_text())
        assert meta["palette"] == palette.colours(meta["palette"])  # the chart's metadata holds its palette
        for lang in ("id", "en"):
            spec = json.dumps(_spec(publish, chart, lang))
            for code, colour in meta["palette"].items():
                label = name(kind, code, lang)
                domain = re.search(r'"domain": \[([^\]]*)\], "range": \[([^\]]*)\]', spec)
                labels = json.loads(f"[{domain[1]}]")
                colours = json.loads(f"[{domain[2]}]")
                if label in labels:
                    assert colours[labels.index(label)] == colour, (chart, lang, code)
                    seen.setdefault(code, set()).add(colour)
    assert seen and all(len(colours) == 1 for colours in seen.values())  # ikan hias is one blue everywhere


def test_the_xlsx_is_a_table_a_person_opens(publish: Path) -> None:
    for lang, title, header in (
        ("id", "Omzet harian IKM Kota Bekasi", "Tanggal"),
        ("en", "Daily IKM turnover", "Date"),
    ):
        path = publish / "charts" / "daily_turnover" / "latest" / lang / "daily_turnover.xlsx"
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        assert book.sheetnames == ["Tabel" if lang == "id" else "Table", "data"]
        assert str(sheet["A1"].value).startswith(title)
        rows = list(sheet.iter_rows(values_only=True))
        top = next(i for i, r in enumerate(rows) if r[0] == header)
        assert any("Sumber" in str(r[0]) or "Source" in str(r[0]) for r in rows[:top])  # source, as of, notes
        assert sheet.freeze_panes == f"B{top + 2}"  # the header stays in view
        columns = rows[top]
        money = sheet.cell(row=top + 2, column=columns.index(next(c for c in columns if "Rp" in c or "IDR" in c)) + 1)
        assert money.number_format == "#,##0" and isinstance(money.value, int | float)
        coverage = sheet.cell(row=top + 2, column=columns.index(next(c for c in columns if "%" in c)) + 1)
        assert coverage.number_format == "0.0"
        data = pl.read_excel(path, sheet_name="data")
        assert data.columns == pl.read_csv(path.with_suffix(".csv")).columns
    report = sorted((publish / "reports" / "monthly" / "2025-04").glob("*-tabel-1.xlsx"))[0]
    sheet = openpyxl.load_workbook(report).worksheets[0]
    assert str(sheet["A1"].value).startswith("Tabel 1. Nilai ekspor IKM menurut komoditas, April 2025 (Rp juta)")
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] == "Komoditas")
    assert sheet.cell(row=top + 2, column=2).number_format == "#,##0.0"  # as the table prints it, in Rp juta


@pytest.fixture(scope="module")
def server(publish: Path) -> Iterator[str]:
    with serving(publish) as url:
        yield url


@requires_chromium
def test_the_monthly_exports_slide_is_two_clicks_from_home(server: str) -> None:
    from playwright.sync_api import expect

    with chromium() as browser:
        context = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 800})
        offline(context)
        page = context.new_page()
        errors = collect_errors(page)
        page.goto(f"{server}/")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 6000, height  # compact cards, the archive folded by month
        page.click("nav >> text=Grafik")  # 1
        card = page.locator("#chart-monthly_export_value")
        with page.expect_download() as download:
            card.locator("a.button:visible").click()  # 2
        saved = download.value
        assert re.fullmatch(r"nilai-ekspor-bulanan_2025-04_id\.png", saved.suggested_filename)
        assert Image.open(saved.path()).size == (1920, 1080)
        # The chart's own page: every format, its metadata and its archive.
        page.locator("#chart-monthly_export_value a", has_text="Halaman grafik").click()
        # expect() waits for the new page: is_visible() right after the click can read it half-parsed.
        expect(page.locator("text=Semua format")).to_be_visible()
        assert page.locator('a[href$="metadata.json"]').count() == 1
        assert errors == []
        context.close()
