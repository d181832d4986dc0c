"""Tests for pipelines.publish: formatting (pure) and charts (rendered offline with vl-convert)."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from PIL import Image
from pypdf import PdfReader
from tools import need_tool

from pipelines.publish import files, workbook
from pipelines.publish.charts import save
from pipelines.publish.charts.draw import PNG_SCALE, daily_turnover_chart, monthly_export_chart
from pipelines.publish.charts.frames import chart_data, monthly_export_data, with_moving_average
from pipelines.publish.charts.save import save_chart
from pipelines.publish.formatting import (
    UnknownLanguageError,
    as_of_label,
    chart_label,
    date_label,
    day_name,
    month_label,
    month_name,
    number,
    rupiah,
    rupiah_short,
    vega_locale,
)

TIER = "pure"  # tests/conftest.py: the runner's tiers

# A number followed by an SI suffix: "100M", "1.5 B", "950k" (what d3's "~s" would print).
SI_SUFFIX = re.compile(r"\d\s?[kKMGBT]\b")

# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "id_text", "en_text"),
    [
        (1_250_000, "Rp1.250.000", "IDR 1,250,000"),
        (-1_250_000, "-Rp1.250.000", "-IDR 1,250,000"),
        (0, "Rp0", "IDR 0"),
        (999, "Rp999", "IDR 999"),
        (1_250_000.5, "Rp1.250.001", "IDR 1,250,001"),  # half-up to whole rupiah
        (Decimal("1250000.4999"), "Rp1.250.000", "IDR 1,250,000"),
        (-0.3, "Rp0", "IDR 0"),  # never "-Rp0"
    ],
)
def test_rupiah(value: float, id_text: str, en_text: str) -> None:
    assert rupiah(value) == id_text
    assert rupiah(value, "id") == id_text
    assert rupiah(value, "en") == en_text


@pytest.mark.parametrize(
    ("value", "id_text", "en_text"),
    [
        (15_200_000_000, "Rp15,2 miliar", "IDR 15.2 billion"),
        (100_000_000, "Rp100,0 juta", "IDR 100.0 million"),
        (1_000_000, "Rp1,0 juta", "IDR 1.0 million"),
        (1_300_000_000_000, "Rp1,3 triliun", "IDR 1.3 trillion"),
        (1_500_000_000_000_000, "Rp1.500,0 triliun", "IDR 1,500.0 trillion"),
        (950_000, "Rp950.000", "IDR 950,000"),
        (999_960_000, "Rp1,0 miliar", "IDR 1.0 billion"),  # not "1000,0 juta"
        (999_999.6, "Rp1,0 juta", "IDR 1.0 million"),
        (-15_200_000_000, "-Rp15,2 miliar", "-IDR 15.2 billion"),
        (Decimal("2500000000.0000"), "Rp2,5 miliar", "IDR 2.5 billion"),
    ],
)
def test_rupiah_short(value: float, id_text: str, en_text: str) -> None:
    assert rupiah_short(value) == id_text
    assert rupiah_short(value, "en") == en_text


@pytest.mark.parametrize("exponent", range(0, 16))
def test_rupiah_short_never_uses_si_suffixes(exponent: int) -> None:
    for mantissa in (1, 1.5, 3.25, 9.99):
        value = mantissa * 10**exponent
        id_text = rupiah_short(value, "id")
        assert " M" not in id_text and "B" not in id_text, id_text
        assert not SI_SUFFIX.search(id_text), id_text
        assert not SI_SUFFIX.search(rupiah_short(value, "en"))
        if value >= 1_000_000:
            assert re.search(r"(juta|miliar|triliun)$", id_text), id_text


def test_number() -> None:
    assert number(1234.5, 1) == "1.234,5"
    assert number(1234.5, 1, "en") == "1,234.5"
    assert number(1234567) == "1.234.567"
    assert number(2.5) == "3"  # half-up, not banker's rounding
    assert number(-0.04, 1) == "0,0"
    assert number(-1234.56, 2, "en") == "-1,234.56"
    with pytest.raises(ValueError):
        number(float("nan"))
    with pytest.raises(TypeError):
        number(True)  # type: ignore[arg-type]


def test_month_and_day_names() -> None:
    indonesian = [month_name(m, "id") for m in range(1, 13)]
    assert indonesian == [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ]  # fmt: skip
    assert month_name(3, "en") == "March"
    assert month_name(8, "id", short=True) == "Agu"
    assert month_label(date(2025, 3, 17)) == "Maret 2025"
    assert month_label(date(2025, 3, 17), "en") == "March 2025"
    assert date_label(date(2025, 3, 1)) == "1 Maret 2025"
    assert date_label(date(2025, 3, 1), "en") == "1 March 2025"
    assert [day_name(date(2025, 3, 2) + timedelta(days=i)) for i in range(7)] == [
        "Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu",
    ]  # fmt: skip
    with pytest.raises(ValueError):
        month_name(13)


def test_as_of_label_is_jakarta_time() -> None:
    aware = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)  # 06.30 WIB on 2 March
    assert as_of_label(aware) == "2 Maret 2025, 06.30 WIB"
    assert as_of_label(datetime(2025, 3, 2, 6, 0), "en") == "2 March 2025, 06:00 WIB"
    assert as_of_label(date(2025, 3, 2)) == "2 Maret 2025"


def test_unknown_language_is_a_clear_key_error() -> None:
    for call in (lambda: rupiah(1, "fr"), lambda: chart_label("source.turnover", "ms"), lambda: vega_locale("id-ID")):
        with pytest.raises(KeyError, match="supported: id, en"):
            call()
    with pytest.raises(UnknownLanguageError):
        month_label(date(2025, 1, 1), "EN")
    with pytest.raises(KeyError, match="no chart text"):
        chart_label("no_such_label", "id")


def test_vega_locale() -> None:
    loc = vega_locale("id")
    assert loc["formatLocale"] == {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
    tfl = loc["timeFormatLocale"]
    assert tfl["months"][4] == "Mei" and tfl["days"][0] == "Minggu" and tfl["shortMonths"][7] == "Agu"
    assert {"dateTime", "date", "time", "periods", "days", "shortDays", "months", "shortMonths"} <= tfl.keys()
    en = vega_locale("en")
    assert en["formatLocale"]["currency"] == ["IDR ", ""] and en["formatLocale"]["decimal"] == "."
    assert en["timeFormatLocale"]["months"][2] == "March"
    loc["timeFormatLocale"]["months"][0] = "changed"  # a copy: the module's tables stay intact
    assert vega_locale("id")["timeFormatLocale"]["months"][0] == "Januari"


def test_texts_exist_in_both_languages() -> None:
    assert chart_label("daily_turnover_title") == "Omzet harian IKM Kota Bekasi"
    assert chart_label("daily_turnover_title", "en") == "Daily IKM turnover, Kota Bekasi"
    assert chart_label("moving_average_7d", "id") == "Rata-rata bergerak 7 hari"
    assert chart_label("moving_average_7d", "en") == "7-day moving average"
    assert chart_label("monthly_export_title", "id") == "Nilai ekspor bulanan"
    assert chart_label("source.turnover", "id") == "Sumber: Sentra, catatan penjualan produsen IKM"  # no PEB
    assert chart_label("source.exports", "en") == "Source: Sentra, IKM exporters' export declarations (PEB)"
    assert chart_label("as_of", "en") == "Data as of"


# ---------------------------------------------------------------------------------------------
# Chart data
# ---------------------------------------------------------------------------------------------


def _daily(values: dict[int, int | None], month: int = 1) -> pl.DataFrame:
    return pl.DataFrame(
        {"date": [date(2025, month, d) for d in values], "turnover_idr": list(values.values())},
        schema={"date": pl.Date, "turnover_idr": pl.Int64},
    )


def test_moving_average_skips_missing_days_instead_of_zero() -> None:
    # 1-3 January recorded, 4-5 missing, 6-10 recorded; all days 100.
    df = _daily({1: 100, 2: 100, 3: 100, 6: 100, 7: 100, 8: 100, 9: 100, 10: 100})
    out = with_moving_average(df)
    assert out["date"].to_list() == [date(2025, 1, d) for d in range(1, 11)]  # full calendar
    by_day = {r["date"].day: r for r in out.iter_rows(named=True)}
    assert by_day[4]["turnover_idr"] is None and by_day[5]["turnover_idr"] is None  # missing, not 0
    # Zero-filling would pull these below 100 (e.g. 7 Jan: 500/7 = 71).
    for day in (6, 7, 8, 9, 10):
        assert by_day[day]["turnover_ma7_idr"] == 100
    # Fewer than MA_MIN_DAYS recorded days in the window: no average yet.
    assert [by_day[d]["turnover_ma7_idr"] for d in (1, 2, 3)] == [None, None, None]
    # 5 January's window (30 Dec-5 Jan) holds only 3 recorded days: no average either.
    assert by_day[5]["turnover_ma7_idr"] is None


def test_moving_average_is_a_calendar_window_mean() -> None:
    df = _daily({1: 10, 2: 20, 3: 30, 4: 40, 6: 60, 8: 80, 9: 90, 12: 121})
    out = {r["date"].day: r["turnover_ma7_idr"] for r in with_moving_average(df).iter_rows(named=True)}
    assert out[4] == 25  # (10+20+30+40)/4
    assert out[6] == 32  # (10+20+30+40+60)/5, not /6: 5 January is missing, not zero
    assert out[8] == 46  # 2..8 Jan: (20+30+40+60+80)/5 = 46
    assert out[12] == 88  # 6..12 Jan: (60+80+90+121)/4 = 87.75
    assert out[11] is None  # 5..11 Jan holds only three recorded days
    assert max(out) == 12  # the calendar ends on the last recorded day


def test_daily_data_keeps_extra_columns_and_rejects_duplicates() -> None:
    df = _daily({1: 5, 2: 6}).with_columns(transactions=pl.Series([3, 4]))
    out = with_moving_average(df)
    assert out.columns == ["date", "turnover_idr", "turnover_ma7_idr", "transactions"]
    with pytest.raises(ValueError, match="duplicate"):
        with_moving_average(pl.concat([df, df]))
    with pytest.raises(ValueError, match="missing column"):
        with_moving_average(df.drop("turnover_idr"))


def _exports(months: list[date], commodities: tuple[str, ...] = ("boneka", "ikan_hias", "lainnya")) -> pl.DataFrame:
    rows = [
        (m, c, 1_000_000_000 * (i + 1) + 250_000_000 * j)
        for i, m in enumerate(months)
        for j, c in enumerate(commodities)
    ]
    return pl.DataFrame(
        rows, schema={"month": pl.Date, "commodity": pl.String, "export_value_idr": pl.Int64}, orient="row"
    )


def test_monthly_export_data_labels_and_order() -> None:
    out = monthly_export_data(_exports([date(2025, 2, 1), date(2025, 1, 1)]), "id")
    assert out.columns[:4] == ["month", "commodity", "commodity_label", "export_value_idr"]
    assert out["commodity"].to_list()[:3] == ["ikan_hias", "boneka", "lainnya"]
    assert out["month"].to_list()[0] == date(2025, 1, 1)
    assert set(out["commodity_label"]) == {"Ikan hias", "Boneka", "Lainnya"}
    en = monthly_export_data(_exports([date(2025, 1, 1)]), "en")
    assert set(en["commodity_label"]) == {"Ornamental fish", "Dolls", "Other"}
    with pytest.raises(ValueError, match="unknown commodity"):
        monthly_export_data(_exports([date(2025, 1, 1)], ("ikan_hias", "kopi")))
    with pytest.raises(ValueError, match="first day"):
        monthly_export_data(_exports([date(2025, 1, 15)]))


def _walk(node: object) -> list[object]:
    """Every value nested in a JSON-like structure."""
    if isinstance(node, dict):
        return [node, *[x for v in node.values() for x in _walk(v)]]
    if isinstance(node, list):
        return [node, *[x for v in node for x in _walk(v)]]
    return [node]


def test_specs_use_naive_dates_no_si_format_and_stable_colours() -> None:
    daily = daily_turnover_chart(_daily({1: 1_500_000_000, 2: 1_600_000_000}), "id").to_dict()
    assert "~s" not in json.dumps(daily)  # d3's SI format: "100M" would read as 100 miliar
    dates = [n["date"] for n in _walk(daily) if isinstance(n, dict) and isinstance(n.get("date"), str)]
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00", d) for d in dates)
    assert "Rp miliar" in json.dumps(daily)

    def colours(df: pl.DataFrame) -> dict[str, str]:
        scale = monthly_export_chart(df).to_dict()["encoding"]["color"]["scale"]
        return dict(zip(scale["domain"], scale["range"], strict=True))

    both = colours(_exports([date(2025, 1, 1)]))
    fish_only = colours(_exports([date(2025, 1, 1)], ("ikan_hias", "lainnya")))
    assert fish_only["Ikan hias"] == both["Ikan hias"] and fish_only["Lainnya"] == both["Lainnya"]
    assert "Boneka" not in fish_only


def test_idul_fitri_is_marked_where_it_falls_and_nowhere_else() -> None:
    """From the `holidays` calendar: 31 March 2025, on the day (daily) and over its month (monthly)."""
    spec = json.dumps(daily_turnover_chart(_daily({d: 1_000_000 for d in range(20, 32)}, month=3), "id").to_dict())
    assert "Idulfitri 31 Maret 2025" in spec and '"2025-03-31T00:00:00"' in spec
    assert "Idulfitri" not in json.dumps(daily_turnover_chart(_daily({1: 1, 2: 2}), "id").to_dict())
    monthly = json.dumps(monthly_export_chart(_exports([date(2025, 2, 1), date(2025, 3, 1)]), "en").to_dict())
    assert "Idul Fitri" in monthly and '"2025-03-01T00:00:00"' in monthly
    assert "Idul Fitri" not in json.dumps(monthly_export_chart(_exports([date(2025, 6, 1)]), "en").to_dict())


# ---------------------------------------------------------------------------------------------
# Saving (renders with vl-convert; one module-scoped render per chart keeps this quick)
# ---------------------------------------------------------------------------------------------

EXTS = ("png", "print.png", "svg", "pdf", "print.pdf", "html", "csv", "xlsx")


def _daily_sample() -> pl.DataFrame:
    start = date(2025, 3, 1)
    days = [start + timedelta(days=i) for i in range(100)]
    days = [d for d in days if not date(2025, 4, 10) <= d <= date(2025, 4, 14)]  # a 5-day gap
    # Around Rp1,2-1,5 miliar with a weekly dip, so the y axis has decimal ticks (0,2 0,4 ...).
    values = [1_200_000_000 + 37_000_000 * (i % 9) - 90_000_000 * (d.weekday() == 6) for i, d in enumerate(days)]
    schema = {"date": pl.Date, "turnover_idr": pl.Int64}
    return pl.DataFrame({"date": days, "turnover_idr": values}, schema=schema)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[Path]]]:
    as_of = datetime(2025, 6, 9, 6, 0)
    out: dict[str, tuple[Path, list[Path]]] = {}
    cases = {
        "daily_id": daily_turnover_chart(_daily_sample(), "id", as_of),
        "daily_en": daily_turnover_chart(_daily_sample(), "en", as_of),
        "export_id": monthly_export_chart(_exports([date(2025, m, 1) for m in (1, 2, 3, 5, 6)]), "id", as_of),
    }
    for name, chart in cases.items():
        out_dir = tmp_path_factory.mktemp(name) / "not" / "yet"  # save_chart creates it
        out[name] = (out_dir, save_chart(chart, chart_data(chart), out_dir, name))
    return out


def _svg_texts(path: Path) -> list[str]:
    """Each text line of an SVG (a multi-line title is one <text> with a <tspan> per line)."""
    root = ET.parse(path).getroot()  # also proves the SVG is well-formed XML
    lines = (el.text for el in root.iter() if el.tag.endswith(("}text", "}tspan")))
    return [line.strip() for line in lines if line and line.strip()]


def _assert_placed_whole(pdf: Path) -> None:
    """The page, rendered by poppler, shows the chart whole: inked, inside the page on every side, and scaled
    to fit (it spans most of the page's width or height)."""
    with tempfile.TemporaryDirectory() as tmp:
        rendered = Path(tmp) / "page"
        subprocess.run([need_tool("pdftoppm"), "-r", "36", "-png", "-singlefile", str(pdf), str(rendered)], check=True)
        page = Image.open(f"{rendered}.png").convert("L")
    box = page.point(lambda v: 255 if v < 250 else 0).getbbox()  # what is not white
    assert box is not None, pdf.name
    left, top, right, bottom = box
    assert left > 0 and top > 0 and right < page.width and bottom < page.height, (pdf.name, box, page.size)
    assert (right - left) / page.width > 0.8 or (bottom - top) / page.height > 0.8, (pdf.name, box, page.size)


@pytest.mark.parametrize("name", ["daily_id", "daily_en", "export_id"])
def test_save_chart_writes_all_formats(saved: dict[str, tuple[Path, list[Path]]], name: str) -> None:
    out_dir, paths = saved[name]
    assert paths == [out_dir / f"{name}.{ext}" for ext in EXTS]
    assert all(p.stat().st_size > 0 for p in paths)
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in paths)  # no temp files left

    # The slide: 16:9 at exactly 1920 x 1080, declaring 144 dpi (PowerPoint's 13,33 x 7,5 in slide).
    slide = Image.open(out_dir / f"{name}.png")
    assert slide.size == (1920, 1080) and round(slide.info["dpi"][0]) == 144
    # For print: A4 landscape at 300 dpi, exactly 3508 x 2480 px, declared (Word places it at 29,7 x 21 cm).
    a4 = Image.open(out_dir / f"{name}.print.png")
    assert a4.size == (3508, 2480) and tuple(round(d) for d in a4.info["dpi"]) == (300, 300)
    # PDFs on exact pages: the slide 960 x 540 pt (16:9), the print A4 landscape (842 x 595 pt), text kept as text.
    for suffix, page in (("pdf", (960, 540)), ("print.pdf", (842, 595))):
        pdf = PdfReader(out_dir / f"{name}.{suffix}").pages[0]
        assert (round(float(pdf.mediabox.width)), round(float(pdf.mediabox.height))) == page, suffix
    assert "Sumber" in PdfReader(out_dir / f"{name}.print.pdf").pages[0].extract_text() or name.endswith("en")
    for suffix in ("pdf", "print.pdf"):
        _assert_placed_whole(out_dir / f"{name}.{suffix}")
    # The XLSX's "data" sheet has the CSV's columns; its first sheet is for people (tests/test_formats.py).
    sheet = pl.read_excel(out_dir / f"{name}.xlsx", sheet_name="data")
    assert sheet.columns == pl.read_csv(out_dir / f"{name}.csv").columns and sheet.height > 0

    html = (out_dir / f"{name}.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*src\s*=\s*[\"']?https?://", html)
    assert "https://cdn" not in re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)
    assert "vega" in html and "vegaEmbed(" in html
    assert '"formatLocale"' in html and '"timeFormatLocale"' in html

    texts = _svg_texts(out_dir / f"{name}.svg")
    assert texts
    assert not [t for t in texts if SI_SUFFIX.search(t)]


def test_indonesian_svg_has_indonesian_title_months_and_decimal_comma(
    saved: dict[str, tuple[Path, list[Path]]],
) -> None:
    out_dir, _ = saved["daily_id"]
    texts = _svg_texts(out_dir / "daily_id.svg")
    joined = " | ".join(texts)
    assert "Omzet harian IKM Kota Bekasi" in texts
    assert "1 Maret 2025 – 8 Juni 2025" in texts  # period line
    assert any(t.startswith("Sumber: Sentra") and "Data per 9 Juni 2025, 06.00 WIB" in t for t in texts)
    assert "Mei" in texts, joined  # axis month from the Indonesian timeFormatLocale
    assert "Omzet (Rp miliar)" in texts
    assert any(re.fullmatch(r"\d+,\d+", t) for t in texts), joined  # decimal comma on the y axis
    assert "Rata-rata bergerak 7 hari" in texts

    export_texts = _svg_texts(saved["export_id"][0] / "export_id.svg")
    assert "Nilai ekspor bulanan" in export_texts
    assert {"Ikan hias", "Boneka", "Lainnya", "Komoditas"} <= set(export_texts)
    assert "Apr 2025" in export_texts  # a month without exports keeps its slot
    assert "Mei 2025" in export_texts


def test_english_svg_has_english_title(saved: dict[str, tuple[Path, list[Path]]]) -> None:
    texts = _svg_texts(saved["daily_en"][0] / "daily_en.svg")
    assert "Daily IKM turnover, Kota Bekasi" in texts
    assert "May" in texts and "Mei" not in texts
    assert "Turnover (IDR billion)" in texts
    assert any(re.fullmatch(r"\d+\.\d+", t) for t in texts)  # decimal point in English


def test_csv_carries_the_moving_average(saved: dict[str, tuple[Path, list[Path]]]) -> None:
    out_dir, _ = saved["daily_id"]
    csv = pl.read_csv(out_dir / "daily_id.csv", try_parse_dates=True)
    assert csv.columns == ["date", "turnover_idr", "turnover_ma7_idr"]
    assert csv["date"].dtype == pl.Date and csv["date"][0] == date(2025, 3, 1)
    assert csv.filter(pl.col("date") == date(2025, 4, 12))["turnover_idr"].to_list() == [None]
    expected = with_moving_average(_daily_sample())
    assert csv["turnover_ma7_idr"].to_list() == expected["turnover_ma7_idr"].to_list()
    first_line = (out_dir / "daily_id.csv").read_text(encoding="utf-8").splitlines()[1]
    assert first_line.startswith("2025-03-01,")


def test_save_chart_rejects_a_locale_other_than_the_charts(tmp_path: Path) -> None:
    chart = daily_turnover_chart(_daily({1: 5, 2: 6}), "en")
    with pytest.raises(ValueError, match="lang"):
        save_chart(chart, chart_data(chart), tmp_path / "out", "x", lang="id")
    assert not (tmp_path / "out").exists()


def test_each_size_of_a_chart_is_laid_out_once_and_its_png_is_vl_converts_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PNG, SVG and PDF of the slide come from one SVG (the print PNG and the A4 PDF from their own sizes'),
    and a PNG rasterised from that SVG is, byte for byte, the one vl-convert draws from the spec."""
    chart = daily_turnover_chart(_daily({1: 5, 2: 6, 3: 7}), "id", datetime(2025, 6, 9, 6, 0))
    laid_out: list[dict] = []
    real = save.vlc.vegalite_to_svg

    def counted(spec: dict, **options: object) -> str:
        laid_out.append(spec)
        return real(spec, **options)

    monkeypatch.setattr(save.vlc, "vegalite_to_svg", counted)
    out = save.to_bytes(chart, chart_data(chart), "id", save.PRINT)
    assert len(laid_out) == 3  # the slide, the print PNG's size, the A4 page's
    options = {
        "format_locale": vega_locale("id")["formatLocale"],
        "time_format_locale": vega_locale("id")["timeFormatLocale"],
    }
    own = save.vlc.vegalite_to_png(laid_out[0], scale=PNG_SCALE, vl_version=save.vl_version(), **options)
    assert save.exact_png(own, save.SLIDE_PX, save.SLIDE_DPI) == out["png"]
    assert out["svg"].decode("utf-8") == real(laid_out[0], vl_version=save.vl_version(), **options)


def test_exact_pdf_scales_the_svg_to_fit_and_centres_it(tmp_path: Path) -> None:
    """A 100 x 50 black SVG on a 300 x 100 pt page: scaled x2 to 200 x 100, 50 pt in from either side."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50">'
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(save.exact_pdf(svg + '<rect width="100" height="50" fill="black"/></svg>', (300, 100)))
    box = PdfReader(pdf).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (300, 100)
    subprocess.run(
        [need_tool("pdftoppm"), "-r", "72", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
    )
    page = Image.open(tmp_path / "page.png").convert("L")
    assert page.size == (300, 100)
    assert page.point(lambda v: 255 if v < 128 else 0).getbbox() == (50, 0, 250, 100)
    with pytest.raises(ValueError, match="width and height"):
        save.exact_pdf("<svg/>", (300, 100))


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "chart.png"
    target.write_bytes(b"old")

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        files.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["chart.png"]  # temp file cleaned up


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_single_month_or_day_still_renders(tmp_path: Path, lang: str) -> None:
    month = pl.DataFrame({"month": [date(2025, 3, 1)] * 2, "commodity": ["ikan_hias", "boneka"],
                          "export_value_idr": [20_700_500, 1_700_000]})  # fmt: skip
    chart = monthly_export_chart(month, lang)
    assert len(save_chart(chart, chart_data(chart), tmp_path, "m", lang=lang)) == len(EXTS)
    day = daily_turnover_chart(_daily({1: 5_000_000}), lang)
    assert len(save_chart(day, chart_data(day), tmp_path, "d", lang=lang)) == len(EXTS)


def test_formula_cells_are_neutralised_in_csv_and_xlsx(tmp_path: Path) -> None:
    df = pl.DataFrame({"name": ["=1+1", "+SUM(A1)", "-2", "@cmd", "UD Biasa"], "value": [1, 2, 3, 4, 5]})
    safe = files.neutralise_formulas(df)
    assert safe["name"].to_list() == ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "UD Biasa"]
    assert safe["value"].to_list() == [1, 2, 3, 4, 5]  # numbers stay numbers
    files.write_csv(df, tmp_path / "x.csv")
    assert "'=1+1" in (tmp_path / "x.csv").read_text()


def test_offline_html_is_altairs_page_with_the_cached_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML export is byte for byte what Altair writes inline; Vega's bundle is built once per version and
    kept in the cache folder (a damaged copy is built again)."""
    from pipelines.publish.charts import save
    from pipelines.publish.formatting import vega_locale

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    save.vega_bundle.cache_clear()
    try:
        chart = daily_turnover_chart(_daily({1: 5, 2: 6}), "en")
        embed = {**vega_locale("en"), "actions": {"export": True, "source": False, "compiled": False, "editor": False}}
        assert save._html(chart.to_dict(), vega_locale("en")) == chart.to_html(inline=True, embed_options=embed)
        (cached,) = (tmp_path / "sentra").glob("vega-bundle-*.js")
        cached.write_text("damaged", encoding="utf-8")
        save.vega_bundle.cache_clear()
        assert "vegaEmbed" in save.vega_bundle() and "vegaEmbed" in cached.read_text(encoding="utf-8")
    finally:
        save.vega_bundle.cache_clear()


def test_a_workbook_makes_one_format_for_each_number_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not one a cell: 200 rows of two number formats ask xlsxwriter for two formats."""
    made: list[dict] = []
    real = xlsxwriter.Workbook.add_format

    def counted(self: xlsxwriter.Workbook, properties: dict | None = None) -> object:
        made.append(properties or {})
        return real(self, properties)

    monkeypatch.setattr(xlsxwriter.Workbook, "add_format", counted)
    rows = [
        [workbook.Cell(i, workbook.WHOLE), workbook.Cell(i / 3, workbook.DECIMAL), workbook.Cell("x")]
        for i in range(200)
    ]
    workbook.workbook(["title"], ["a", "b", "c"], rows, pl.DataFrame({"a": ["x"]}), "id")
    assert [p["num_format"] for p in made if "num_format" in p] == [workbook.WHOLE, workbook.DECIMAL]
