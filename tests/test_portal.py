"""The publication portal (index.html from manifest.json), in a real browser too, served by `sentra serve`
(the server itself: tests/test_serve.py)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl
import pytest
import vl_convert as vlc
from browser import chromium, collect_errors, offline, requires_chromium, serving
from markupsafe import escape

from pipelines.core import i18n
from pipelines.publish.portal.manifest import write_manifest
from pipelines.publish.portal.model import FORMATS, Manifest
from pipelines.publish.portal.page import ManifestError, load_manifest, period_label, write_portal
from pipelines.publish.portal.serve import CONTENT_TYPES
from pipelines.warehouse.connection import connect

TIER = "pure"  # tests/conftest.py: the runner's tiers

XSS_TITLE = '<script>alert("x")</script> Ekspor & "impor"'
CHART_ID = "Omzet harian IKM Kota Bekasi"
CHART_EN = "Daily IKM turnover, Kota Bekasi"

# A one-page PDF, written by hand: the content-type checks need a file, not a rendering.
TINY_PDF = b"""%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj
trailer<</Root 1 0 R>>
%%EOF
"""


def _chart(lang: str) -> alt.Chart:
    df = pl.DataFrame({"tanggal": ["2025-12-01", "2025-12-02", "2025-12-03"], "omzet": [3.0, 1.5, 2.25]})
    title = CHART_ID if lang == "id" else CHART_EN
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(x=alt.X("tanggal:T"), y=alt.Y("omzet:Q"))
        .properties(width=160, height=90, title=title)
    )


def _files(base: str, stem: str, formats: dict[str, str], langs: tuple[str, ...] = ("id", "en")) -> list[dict]:
    """File entries `base/<lang>/<stem><suffix>` for each format (suffix by format)."""
    return [
        {"lang": lang, "format": fmt, "path": f"{base}/{lang}/{stem}{suffix}"}
        for lang in langs
        for fmt, suffix in formats.items()
    ]


def build_site(publish: Path, *, delayed: bool = True) -> dict[str, Any]:
    """A small publish folder with real files of every format and a manifest pointing at them."""
    chart_formats = {"png": ".png", "png_print": "_print.png", "svg": ".svg", "pdf": ".pdf", "html": ".html"}
    base = "charts/daily_turnover/latest"
    for lang in ("id", "en"):
        chart = _chart(lang)
        folder = publish / base / lang
        folder.mkdir(parents=True)
        png = vlc.vegalite_to_png(chart.to_dict(), scale=1)
        (folder / "daily_turnover.png").write_bytes(png)
        (folder / "daily_turnover_print.png").write_bytes(png)
        (folder / "daily_turnover.svg").write_text(vlc.vegalite_to_svg(chart.to_dict()), encoding="utf-8")
        (folder / "daily_turnover.pdf").write_bytes(TINY_PDF)
        # inline=True puts Vega into the page: it must draw with no network at all.
        chart.save(folder / "daily_turnover.html", inline=True)
    data = pl.DataFrame({"tanggal": ["2025-12-01", "2025-12-02"], "omzet": [3_000_000, 1_500_000]})
    data.write_csv(publish / base / "daily_turnover.csv")
    data.write_excel(publish / base / "daily_turnover.xlsx")
    (publish / base / "metadata.json").write_text(json.dumps({"id": "daily_turnover"}), encoding="utf-8")

    # A second chart whose title tries to inject markup; only its PNG exists (one language).
    (publish / "charts/tricky").mkdir(parents=True)
    (publish / "charts/tricky/tricky.png").write_bytes((publish / base / "id/daily_turnover.png").read_bytes())

    (publish / "reports/2025-12").mkdir(parents=True)
    for lang in ("id", "en"):
        (publish / f"reports/2025-12/laporan_{lang}.pdf").write_bytes(TINY_PDF)
    data.write_excel(publish / "reports/2025-12/laporan.xlsx")

    for period in ("2025-09", "2025-10", "2025-11"):
        folder = publish / "charts/daily_turnover" / period
        folder.mkdir(parents=True)
        (folder / "daily_turnover.csv").write_text("tanggal,omzet\n2025-01-01,1\n", encoding="utf-8")
        (folder / "laporan.pdf").write_bytes(TINY_PDF)

    (publish / ".index.html.tmp123").write_text("half-written", encoding="utf-8")  # a stale temporary file

    manifest = {
        "generated_at": "2026-11-28T13:45:00+07:00",
        "data_status": {
            "delayed": delayed,
            "message_id": "Data transaksi dari 2 produsen belum masuk.",
            "message_en": "Transactions from 2 producers have not arrived.",
        },
        "items": [
            {
                "kind": "chart",
                "id": "daily_turnover",
                "title": {"id": CHART_ID, "en": CHART_EN},
                "description": {"id": "Omzet per hari, rata-rata 7 hari.", "en": "Turnover per day, 7-day average."},
                "period": "2025-12",
                "latest": True,
                "files": [
                    *_files(base, "daily_turnover", chart_formats),
                    {"lang": None, "format": "csv", "path": f"{base}/daily_turnover.csv"},
                    {"lang": None, "format": "xlsx", "path": f"{base}/daily_turnover.xlsx"},
                ],
                "metadata": f"{base}/metadata.json",
            },
            {
                "kind": "chart",
                "id": "tricky",
                "title": {"id": XSS_TITLE, "en": XSS_TITLE + " (en)"},
                "period": "2025-12",
                "files": [{"lang": "id", "format": "png", "path": "charts/tricky/tricky.png"}],
            },
            {
                "kind": "report",
                "id": "monthly_report",
                "title": {"id": "Laporan bulanan IKM", "en": "Monthly IKM report"},
                "period": "2025-12",
                "latest": True,
                "files": [
                    {"lang": "id", "format": "pdf", "path": "reports/2025-12/laporan_id.pdf"},
                    {"lang": "en", "format": "pdf", "path": "reports/2025-12/laporan_en.pdf"},
                    {"lang": None, "format": "xlsx", "path": "reports/2025-12/laporan.xlsx"},
                ],
            },
        ],
        # Deliberately out of order: the page sorts newest first.
        "archive": [
            {
                "kind": "chart",
                "id": "daily_turnover",
                "period": period,
                "files": [
                    {"lang": None, "format": "csv", "path": f"charts/daily_turnover/{period}/daily_turnover.csv"}
                ],
            }
            for period in ("2025-10", "2025-09", "2025-11")
        ]
        + [
            {
                "kind": "report",
                "id": "monthly_report",
                "period": "2025-11",
                "files": [{"lang": "id", "format": "pdf", "path": "charts/daily_turnover/2025-11/laporan.pdf"}],
            }
        ],
        "changelog": [
            {
                "date": "2026-11-20",
                "item": "daily_turnover",
                "period": "2025-03-01",
                "old": 1000,
                "new": 1500,
                "note_id": "Data terlambat dari produsen P2.",
                "note_en": "Late data from producer P2.",
            },
            {"date": "2026-11-28", "item": "gone_chart", "period": "2025-04", "old": 2000.5, "new": None},
        ],
    }
    (publish / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fake publish folder with its index.html written; shared by the module (building takes ~2 s)."""
    publish = tmp_path_factory.mktemp("site") / "publish"
    publish.mkdir()
    build_site(publish)
    write_portal(publish)
    return publish


@pytest.fixture(scope="module")
def index_html(site: Path) -> str:
    return (site / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


def links(page_html: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a href="([^"#][^"]*)"', page_html)]


# ---------------------------------------------------------------------------------------------
# The page as text
# ---------------------------------------------------------------------------------------------


def test_every_title_in_both_languages(index_html: str, site: Path) -> None:
    for text_id, text_en in [
        (CHART_ID, CHART_EN),
        ("Laporan bulanan IKM", "Monthly IKM report"),
    ]:
        assert f'<h3 class="only-id" lang="id">{text_id}</h3>' in index_html
        assert f'<h3 class="only-en" lang="en">{text_en}</h3>' in index_html
    # The card is compact: the description is on the chart's own page, which the card links.
    chart_page = (site / re.search(r'href="(chart-[^"]+\.html)"', index_html)[1]).read_text(encoding="utf-8")
    assert "Omzet per hari, rata-rata 7 hari." in chart_page and "Turnover per day, 7-day average." in chart_page
    assert '<html lang="id" data-lang="id"' in index_html  # Indonesian unless the reader switches
    assert "Desember 2025" in index_html and "December 2025" in index_html
    assert "28 November 2026, 13.45 WIB" in index_html and "28 November 2026, 13:45 WIB" in index_html


def test_titles_are_escaped(index_html: str) -> None:
    assert "<script>alert" not in index_html
    assert f'<h3 class="only-id" lang="id">{escape(XSS_TITLE)}</h3>' in index_html
    assert f'alt="{escape(XSS_TITLE)}"' in index_html
    # Only the page's own script, which the Content-Security-Policy pins by hash.
    assert index_html.count("<script>") == 1
    assert "script-src 'sha256-" in html.unescape(index_html)


def test_inline_css_and_script_match_their_csp_hashes(index_html: str) -> None:
    """The static files are inlined verbatim, and the policy pins exactly what is inlined."""
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', index_html)[1])
    style = re.search(r"<style>(.*?)</style>", index_html, re.S)[1]
    script = re.search(r"<script>(.*?)</script>", index_html, re.S)[1]
    for directive, source in (("style-src", style), ("script-src", script)):
        digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
        assert f"{directive} 'sha256-{digest}'" in csp, directive
    static = Path(__file__).parent.parent / "pipelines/publish/static"
    assert style == (static / "portal.css").read_text(encoding="utf-8")
    assert script == (static / "portal.js").read_text(encoding="utf-8")
    assert "#lang-switch" in style and '"sentra.lang"' in script


def test_offline_and_relative(index_html: str, site: Path) -> None:
    assert '<link rel="icon" href="data:,">' in index_html
    assert not re.search(r"""(?:href|src)=["']?(?:https?:)?//""", index_html)
    hrefs = links(index_html)
    assert hrefs, "no download links"
    for href in hrefs:
        assert not href.startswith("/") and ".." not in href
        assert (site / href).is_file(), href


def test_format_labels_and_download_attribute(index_html: str) -> None:
    for label in ("PNG (slide)", "PNG (cetak A4)", "SVG", "PDF", "HTML interaktif", "CSV", "Excel (XLSX)", "Metadata"):
        assert f">{escape(label)}</span>" in index_html, label
    assert ">Interactive HTML</span>" in index_html and ">PNG (A4 print)</span>" in index_html
    # Saved under a name that says what, which period and which language: two downloads never overwrite.
    for ext in ("csv", "xlsx", "json"):
        assert re.search(rf'<a href="[^"]+\.{ext}" download="[^"]+\.{ext}">', index_html), ext
    assert 'download="omzet-harian_2025-12_id.png"' in index_html or re.search(
        r'download="[a-z-]+_[0-9-]+_id\.png"', index_html
    )
    # The interactive chart opens in the browser rather than downloading.
    assert re.search(r'<a href="[^"]+/id/daily_turnover\.html">', index_html)
    # Metadata is listed once, not once per language.
    assert index_html.count('metadata.json"') == 1


def test_delayed_banner(tmp_path: Path) -> None:
    publish = tmp_path / "publish"
    publish.mkdir()
    build_site(publish, delayed=True)
    page = write_portal(publish).read_text(encoding="utf-8")
    assert 'id="data-delayed"' in page
    assert "Data tertunda" in page and "Data delayed" in page
    assert "Data transaksi dari 2 produsen belum masuk." in page

    manifest = json.loads((publish / "manifest.json").read_text(encoding="utf-8"))
    manifest["data_status"]["delayed"] = False
    (publish / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    page = write_portal(publish).read_text(encoding="utf-8")
    assert "Data tertunda" not in page and 'id="data-delayed"' not in page


def test_delayed_families_are_named(tmp_path: Path) -> None:
    publish = tmp_path / "publish"
    publish.mkdir()
    manifest = build_site(publish, delayed=False)
    # Families alone mark the data delayed; a family without words in the catalogue shows by its name.
    manifest["data_status"].update(delayed_families=["turnover", "exports", "fx_rates"], message_id="", message_en="")
    (publish / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert load_manifest(publish).data_status.delayed_families == ["turnover", "exports", "fx_rates"]
    page = write_portal(publish).read_text(encoding="utf-8")
    banner = page[page.index('id="data-delayed"') : page.index("</div>", page.index('id="data-delayed"'))]
    assert "Data tertunda" in banner and "Data delayed" in banner
    assert ">Tertunda: omzet transaksi, ekspor, fx_rates.</p>" in banner
    assert ">Delayed: transaction turnover, exports, fx_rates.</p>" in banner

    manifest["data_status"].update(delayed_families=[])
    (publish / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert 'id="data-delayed"' not in write_portal(publish).read_text(encoding="utf-8")


def test_print_formats_of_another_period_say_which(tmp_path: Path) -> None:
    """A daily chart's PNG, SVG and PDF show the last month that closed: the card names that period too."""
    publish = tmp_path / "publish"
    publish.mkdir()
    manifest = build_site(publish, delayed=False)
    files = manifest["items"][0]["files"]
    for f in files:
        if f["format"] in ("png", "png_print", "svg", "pdf"):
            f["period"] = "2025-11-30"
    (publish / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert {f.period for f in load_manifest(publish).items[0].files} == {"2025-11-30", None}
    page = write_portal(publish).read_text(encoding="utf-8")
    assert "Gambar PNG, SVG dan PDF: 30 November 2025 (diperbarui sebulan sekali)" in page
    assert "PNG, SVG and PDF images: 30 November 2025 (updated once a month)" in page
    assert page.count("updated once a month") == 1  # only the card whose images show another period


def _report_folder(folder: Path, *, data: list[str] | None) -> None:
    """A report folder as the report assets write it; `data` None = written before data files existed."""
    folder.mkdir(parents=True)
    for lang in ("id", "en"):
        (folder / f"laporan.{lang}.html").write_text(f"<p>{lang}</p>", encoding="utf-8")
        (folder / f"laporan.{lang}.pdf").write_bytes(TINY_PDF)
    info: dict[str, Any] = {
        "kind": "monthly",
        "period": folder.name,
        "title": {"id": "Laporan bulanan IKM", "en": "Monthly IKM report"},
        "files": {lang: [f"laporan.{lang}.html", f"laporan.{lang}.pdf"] for lang in ("id", "en")},
    }
    if data is not None:
        frame = pl.DataFrame({"komoditas": ["ikan_hias"], "nilai_idr": [15_000_000_000]})
        frame.write_csv(folder / "ekspor_komoditas.csv")
        frame.write_excel(folder / "ekspor_komoditas.xlsx")
        (folder / "figures.json").write_text(json.dumps({"export_value_idr": 15_000_000_000}), encoding="utf-8")
        info["data"] = data
    (folder / "report.json").write_text(json.dumps(info), encoding="utf-8")


def test_report_data_files_are_listed_as_downloads(tmp_path: Path) -> None:
    publish = tmp_path / "publish"
    data = ["ekspor_komoditas.csv", "ekspor_komoditas.xlsx", "figures.json", "not_written_yet.csv"]
    _report_folder(publish / "reports/monthly/2025-12", data=data)
    _report_folder(publish / "reports/monthly/2025-11", data=None)
    con = connect(str(tmp_path / "warehouse.duckdb"))
    try:
        con.execute("INSERT INTO publish.revisions VALUES ('daily_turnover', '{\"date\": \"2025-03-01\"}', "
                    "5000, 5500, TIMESTAMP '2026-11-20 06:00:00', 'run1')")  # fmt: skip
        written = write_manifest(con, publish)
    finally:
        con.close()

    # The writer's JSON reads back into the same model, unchanged.
    manifest = load_manifest(publish)
    assert manifest.model_dump_json(indent=2) == written.read_text(encoding="utf-8")
    assert (manifest.changelog[0].old, manifest.changelog[0].new, manifest.changelog[0].period) == (
        5000.0, 5500.0, "2025-03-01")  # fmt: skip
    (current,) = manifest.items
    base = "reports/monthly/2025-12"
    assert {(f.lang, f.format, f.path) for f in current.files} == {
        ("id", "html", f"{base}/laporan.id.html"),
        ("id", "pdf", f"{base}/laporan.id.pdf"),
        ("en", "html", f"{base}/laporan.en.html"),
        ("en", "pdf", f"{base}/laporan.en.pdf"),
        (None, "csv", f"{base}/ekspor_komoditas.csv"),
        (None, "xlsx", f"{base}/ekspor_komoditas.xlsx"),
        (None, "figures", f"{base}/figures.json"),
    }  # the missing CSV is skipped
    (older,) = manifest.archive
    assert older.period == "2025-11" and {f.format for f in older.files} == {"html", "pdf"}

    page = write_portal(publish).read_text(encoding="utf-8")
    card = page[page.index('<article class="card" id="report-monthly">') : page.index("</article>")]
    for name in ("ekspor_komoditas.csv", "ekspor_komoditas.xlsx", "figures.json"):
        assert f'<a href="{base}/{name}" download="{name}">' in card, name
    assert f'<a href="{base}/laporan.en.html">' in card and f'<a href="{base}/laporan.id.pdf">' in card
    assert ">Angka utama (JSON)</span>" in card and ">Headline figures (JSON)</span>" in card
    assert "not_written_yet" not in page
    for href in links(page):
        assert (publish / href).is_file(), href


def test_archive_newest_first(index_html: str) -> None:
    archive = index_html[index_html.index('<section id="arsip"') : index_html.index('<section id="revisi"')]
    assert re.findall(r'data-period="([^"]+)"', archive) == ["2025-11", "2025-10", "2025-09"]
    # Archive entries without a title borrow the current item's, in both languages.
    assert archive.count(f">{CHART_EN}</span>") == 3
    assert "Laporan bulanan IKM" in archive and "November 2025" in archive


def test_changelog(index_html: str) -> None:
    revisi = index_html[index_html.index('<section id="revisi"') :]
    assert ">Revisi</span>" in revisi and ">Revisions</span>" in revisi
    rows = re.findall(r'<tr data-item="([^"]+)">', revisi)
    assert rows == ["gone_chart", "daily_turnover"]  # newest revision first
    assert "1.000" in revisi and "1.500" in revisi and "1,500" in revisi  # id and en number formats
    assert "+50,0%" in revisi and "+50.0%" in revisi
    assert "1 Maret 2025" in revisi and "Data terlambat dari produsen P2." in revisi
    assert "2.000,50" in revisi  # a decimal figure keeps its decimals


def test_period_labels() -> None:
    assert period_label("2025-12") == "Desember 2025"
    assert period_label("2025-12", "en") == "December 2025"
    assert period_label("2025-03-01") == "1 Maret 2025"
    assert period_label("2025-Q2") == "Triwulan II 2025" and period_label("2025-Q2", "en") == "Q2 2025"
    assert period_label("2025-13") == "2025-13"


def test_missing_manifest_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as err:
        write_portal(tmp_path)
    message = str(err.value)
    assert "\n" not in message and str(tmp_path / "manifest.json") in message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda m: m["items"][0]["files"][0].update(path="../../etc/passwd"), "items[0].files[0].path"),
        (lambda m: m["items"][0]["files"][0].update(path="/etc/passwd"), "items[0].files[0].path"),
        (lambda m: m["items"][0]["files"][0].update(path="javascript:alert(1)"), "items[0].files[0].path"),
        (lambda m: m["items"][0]["files"][1].update(path="charts\\x.png"), "items[0].files[1].path"),
        (lambda m: m["items"][0]["files"][1].update(path="charts/.hidden/x.png"), "items[0].files[1].path"),
        (lambda m: m["items"][0].update(metadata="a/../../b.json"), "items[0].metadata"),
        (lambda m: m["items"][0]["files"][0].update(format="gif"), "items[0].files[0].format"),
        (lambda m: m["items"][2]["files"][1].update(lang="fr"), "items[2].files[1].lang"),
        (lambda m: m["items"][1].update(kind="video"), "items[1].kind"),
        (lambda m: m["items"][1].update(id="tricky chart"), "items[1].id"),
        (lambda m: m["items"][1].update(period=" "), "items[1].period"),
        (lambda m: m["items"][1].update(latest="yes"), "items[1].latest"),
        (lambda m: m["items"][0]["title"].pop("en"), "items[0].title.en"),
        (lambda m: m["items"][0]["description"].update(id=""), "items[0].description.id"),
        (lambda m: m["archive"][3].update(files="laporan.pdf"), "archive[3].files"),
        (lambda m: m["changelog"][0].update(old="1000"), "changelog[0].old"),
        (lambda m: m["changelog"][1].update(new=True), "changelog[1].new"),
        (lambda m: m["data_status"].update(delayed="no"), "data_status.delayed"),
        (lambda m: m["data_status"].update(delayed_families="turnover"), "data_status.delayed_families"),
        (lambda m: m.update(generated_at="yesterday"), "generated_at"),
        (lambda m: m.pop("generated_at"), "generated_at"),
    ],
)
def test_bad_manifest_names_the_field(tmp_path: Path, change: Any, field: str) -> None:
    publish = tmp_path / "publish"
    publish.mkdir()
    manifest = build_site(publish)
    change(manifest)
    (publish / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ManifestError) as err:
        write_portal(publish)
    message = str(err.value)
    # One line that starts with the file and the field path, then says what is wrong.
    assert message.startswith(f"manifest.json: {field}: ") and "\n" not in message, message
    assert not (publish / "index.html").exists()


def test_absent_and_null_optional_parts_take_their_defaults() -> None:
    manifest = Manifest.model_validate(
        {"generated_at": "2026-11-28T13:45:00", "data_status": None, "archive": None, "changelog": None,
         "items": [{"kind": "chart", "id": "c", "title": {"id": "a", "en": "b"}, "period": "2025",
                    "metadata": "", "files": [{"lang": "", "format": "csv", "path": "c.csv"}]}]}
    )  # fmt: skip
    assert not manifest.data_status.is_delayed and manifest.data_status.delayed_families == []
    item = manifest.items[0]
    assert item.latest and item.metadata is None and item.description is None and item.files[0].lang is None
    assert manifest.archive == [] and manifest.changelog == []


def test_every_format_has_words_in_both_languages() -> None:
    assert all(i18n.text(f"portal.format.{fmt}", lang) for fmt in FORMATS for lang in i18n.LANGS)


def test_missing_file_is_left_off(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    publish = tmp_path / "publish"
    publish.mkdir()
    build_site(publish)
    (publish / "reports/2025-12/laporan.xlsx").unlink()
    page = write_portal(publish).read_text(encoding="utf-8")
    assert "reports/2025-12/laporan.xlsx" not in page
    assert "reports/2025-12/laporan.xlsx" in caplog.text
    assert load_manifest(publish).items[2].files[2].path == "reports/2025-12/laporan.xlsx"


def test_rewrite_is_atomic_and_idempotent(site: Path, index_html: str) -> None:
    assert write_portal(site).read_text(encoding="utf-8") == index_html
    assert not [p for p in site.iterdir() if p.name.startswith(".index.html.") and p.name != ".index.html.tmp123"]


# ---------------------------------------------------------------------------------------------
# A real browser
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@requires_chromium
def test_browser_index_has_no_errors_and_every_link_works(browser: Any, server: str, site: Path) -> None:
    context = browser.new_context()
    blocked = offline(context)
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(f"{server}/", wait_until="load")
    # Scroll through so lazy previews load, then let the network settle.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    broken = page.evaluate(
        "[...document.images].filter(i => i.checkVisibility() && !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == []
    assert page.locator("#data-delayed").is_visible()

    hrefs = page.eval_on_selector_all("a[href]:not([href^='#'])", "els => els.map(e => e.href)")
    assert len(hrefs) >= 15
    for href in set(hrefs):
        resp = page.request.get(href)
        suffix = Path(href).suffix.lower()
        assert resp.status == 200, href
        assert resp.headers["content-type"] == CONTENT_TYPES[suffix], href
    assert errors == [] and blocked == []
    context.close()


@requires_chromium
def test_browser_interactive_chart_renders_offline(browser: Any, server: str) -> None:
    context = browser.new_context()
    blocked = offline(context)
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(f"{server}/charts/daily_turnover/latest/en/daily_turnover.html")
    page.wait_for_selector("#vis svg, #vis canvas", state="attached", timeout=15_000)
    assert blocked == [], "the chart tried to load something from the internet"
    assert errors == []
    context.close()


@requires_chromium
def test_browser_language_switch_is_remembered(browser: Any, server: str) -> None:
    context = browser.new_context()
    offline(context)
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(f"{server}/")
    english = page.locator("h3", has_text=CHART_EN)
    indonesian = page.locator("h3", has_text=CHART_ID)
    assert indonesian.is_visible() and not english.is_visible()
    assert page.title().startswith("Sentra — Portal Data")

    page.click("#lang-switch")
    assert english.is_visible() and not indonesian.is_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title() == "Sentra — IKM Data Portal, Kota Bekasi"
    assert page.locator("#lang-switch").inner_text() == "Bahasa Indonesia"

    page.reload()
    assert english.is_visible() and not indonesian.is_visible()
    assert page.locator("text=Data delayed").first.is_visible()

    page.click("#lang-switch")
    assert indonesian.is_visible() and not english.is_visible()
    assert errors == []
    context.close()


@requires_chromium
def test_browser_opens_from_disk(browser: Any, site: Path) -> None:
    """Officials may open index.html straight from a shared folder: no server, still no errors."""
    context = browser.new_context()
    blocked = offline(context)
    page = context.new_page()
    errors = collect_errors(page)
    page.goto((site / "index.html").as_uri())
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.images[0].complete && document.images[0].naturalWidth > 0")
    page.click("#lang-switch")
    assert page.locator("h3", has_text=CHART_EN).is_visible()
    assert errors == [] and blocked == []
    context.close()
