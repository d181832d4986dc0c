"""Monthly report and weekly brief (pipelines.publish.reports): figures, wording, files, determinism.

The data are small synthetic mart frames with totals chosen so every change is known by hand:
March 2025 Rp15.207.000.000, February 2025 Rp14.580.000.000 (m-to-m +4,30 %), March 2024
Rp13.565.000.000 (y-on-y +12,10 %), January–March 2025 Rp43.787.000.000 against Rp38.565.000.000
in January–March 2024 (c-to-c +13,54 %).
"""

from __future__ import annotations

import base64
import re
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import cellsdata
import polars as pl
import pytest
from PIL import Image
from tools import need_tool

from pipelines.publish import reports
from pipelines.publish.reports import MonthlyReportData, key_points, monthly
from pipelines.publish.reports import wording as rt

TIER = "pure"  # tests/conftest.py: the runner's tiers

MARCH = date(2025, 3, 1)
AS_OF = datetime(2025, 4, 5, 6, 0)
USD_RATE = 16_000

# A number followed by an SI suffix: "100M", "1.5 B", "950k".
SI_SUFFIX = re.compile(r"\d\s?[kKMGBT]\b")

FIXED_TOTALS = {
    date(2024, 1, 1): 12_000_000_000,
    date(2024, 2, 1): 13_000_000_000,
    date(2024, 3, 1): 13_565_000_000,
    date(2025, 1, 1): 14_000_000_000,
    date(2025, 2, 1): 14_580_000_000,
    date(2025, 3, 1): 15_207_000_000,
}
# Shares per mille: ornamental fish 85,3 %, dolls 10,2 %, the rest "lainnya".
COMMODITY_SPLIT = (("ikan_hias", 853), ("boneka", 102))
DESTINATIONS = (
    ("JP", 400), ("US", 200), ("SG", 150), ("CN", 80), ("HK", 50), ("TW", 30), ("KR", 20),
    ("NL", 20), ("DE", 15), ("GB", 10), ("AE", 10), ("FR", 8), ("AU", 7),
)  # fmt: skip


def _months(first: date, last: date) -> list[date]:
    out = [first]
    while out[-1] < last:
        d = out[-1]
        out.append(date(d.year + d.month // 12, d.month % 12 + 1, 1))
    return out


def _money(value: int) -> tuple[Decimal, Decimal]:
    # As the mart holds them: DECIMAL(38,2) rupiah and dollars.
    return Decimal(value).quantize(Decimal("0.01")), (Decimal(value) / USD_RATE).quantize(Decimal("0.01"))


def _monthly_frames(months: list[date]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    totals = {m: FIXED_TOTALS.get(m, 13_000_000_000 + i * 100_000_000) for i, m in enumerate(months)}
    exports, commodities, destinations = [], [], []
    for i, m in enumerate(months):
        idr, usd = _money(totals[m])
        exports.append(
            {"month": m, "export_value_idr": idr, "export_value_usd": usd, "items": 100 + i, "exporters": 25}
        )
        rest = totals[m]
        for code, per_mille in COMMODITY_SPLIT:
            value = totals[m] * per_mille // 1000
            rest -= value
            commodities.append({"month": m, "commodity": code, "value": value})
        commodities.append({"month": m, "commodity": "lainnya", "value": rest})
        rest = totals[m]
        for j, (code, per_mille) in enumerate(DESTINATIONS):
            value = rest if j == len(DESTINATIONS) - 1 else totals[m] * per_mille // 1000
            rest -= value
            destinations.append({"month": m, "destination_country": code, "value": value})

    def with_money(rows: list[dict]) -> pl.DataFrame:
        out = []
        for r in rows:
            idr, usd = _money(r.pop("value"))
            out.append({**r, "export_value_idr": idr, "export_value_usd": usd, "items": 5, "exporters": 3})
        return pl.DataFrame(out)

    return pl.DataFrame(exports), with_money(commodities), with_money(destinations)


def _turnover(first: date, days: int, base: int = 130_000_000) -> list[dict]:
    return [
        {
            "date": first + timedelta(days=i),
            "turnover_idr": base + (i + 1) * 1_000_000,
            "transactions": 700,
            "active_producers": 210,
        }
        for i in range(days)
    ]


# The columns of sql/report_coverage.sql: the report reads the structured figures, never `observed`.
COVERAGE_SCHEMA = {
    "period": pl.Date, "asset": pl.String, "check_name": pl.String, "passed": pl.Boolean, "value": pl.Float64,
    "threshold": pl.Float64, "numerator": pl.Int64, "denominator": pl.Int64, "observed": pl.String,
}  # fmt: skip


def _outcome(period: date, asset: str, check: str, n: int, of: int, minimum: float, passed: bool) -> dict:
    # `observed` is the English log text, deliberately unlike the report's wording: it must not be shown.
    return {"period": period, "asset": asset, "check_name": check, "passed": passed, "value": n / of,
            "threshold": minimum, "numerator": n, "denominator": of, "observed": f"log text {n}/{of}"}  # fmt: skip


def _coverage(first: date, days: int, low: tuple[int, ...] = (2, 9)) -> pl.DataFrame:
    days_ = [(first + timedelta(days=i), i + 1 not in low) for i in range(days)]
    rows = [_outcome(d, "daily_turnover", "coverage", 210 if ok else 75, 300, 0.3, ok) for d, ok in days_]
    rows.append(_outcome(first + timedelta(days=14), "stg_transactions", "quarantine_share", 62, 1000, 0.05, False))
    # The exporters' monthly coverage, on the 1st: not a producer day, whatever it says.
    rows.append(_outcome(first, "monthly_export_value", "coverage", 25, 40, 0.5, True))
    return pl.DataFrame(rows, schema=COVERAGE_SCHEMA)


def make_data(first: date = date(2024, 1, 1), drop: tuple[date, ...] = (), march: Decimal | None = None,
              turnover: bool = True) -> MonthlyReportData:  # fmt: skip
    """Monthly data up to March 2025 from `first`, without the months in `drop`, as published cells."""
    months = [m for m in _months(first, MARCH) if m not in drop]
    exports, commodities, destinations = _monthly_frames(months)
    if march is not None:
        value = pl.when(pl.col("month") == MARCH).then(pl.lit(march)).otherwise(pl.col("export_value_idr"))
        exports = exports.with_columns(value.alias("export_value_idr"))
    days = _turnover(date(2025, 3, 1), 31) + _turnover(date(2024, 3, 1), 31, base=120_000_000) if turnover else []
    schema = {"date": pl.Date, "turnover_idr": pl.Int64, "transactions": pl.Int64, "active_producers": pl.Int64}
    return MonthlyReportData(
        month=MARCH,
        exports=cellsdata.exports(exports, commodities, destinations),
        turnover=cellsdata.turnover(pl.DataFrame(days, schema=schema)),
        coverage=_coverage(MARCH, 31),
        registered_producers=300,
        registered_exporters=40,
        as_of=AS_OF,
        run_id="run-0123abcd",
    )


def _visible_text(page: str) -> str:
    """The HTML's text as a reader sees it: without the stylesheet, inline images and tags."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", " ", page)
    return re.sub(r"<[^>]+>", " ", page)


def write_monthly(data: MonthlyReportData, out: Path, charts: dict[str, Path] | None = None) -> list[Path]:
    docs, data_files = reports.write_monthly_report(
        data.month, reports.monthly_documents(data, charts), reports.headline_figures(data), out
    )
    return docs + data_files


def write_weekly(monday: date, turnover: object, coverage: pl.DataFrame, out: Path) -> list[Path]:
    docs = reports.weekly_documents(monday, turnover, coverage, AS_OF)
    headlines = reports.weekly_headline_figures(monday, turnover)
    written, data_files = reports.write_weekly_brief(monday, docs, headlines, out)
    return written + data_files


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The monthly and weekly files, written once for the module (charts rendered)."""
    out = tmp_path_factory.mktemp("reports")
    paths = write_monthly(make_data(), out / "monthly")
    paths += _write_weekly(out)
    return {_key(p): p for p in paths}


def _key(path: Path) -> str:
    """A written file's name; figures.json (one per report folder) with its folder."""
    return f"{path.parent.name}/{path.name}" if path.name == "figures.json" else path.name


def _write_weekly(out: Path) -> list[Path]:
    days = pl.DataFrame(_turnover(date(2025, 3, 3), 14))
    categories = pl.DataFrame(
        [
            {"date": date(2025, 3, 3) + timedelta(days=i), "category": c, "turnover_idr": v + i * 1_000_000,
             "transactions": 100, "active_producers": 30}
            for i in range(14)
            for c, v in (("makanan", 60_000_000), ("boneka", 40_000_000), ("ikan_hias", 30_000_000))
        ]
    )  # fmt: skip
    return write_weekly(date(2025, 3, 10), cellsdata.turnover(days, categories),
                        _coverage(date(2025, 3, 10), 7, low=(3,)), out / "weekly")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Key points: the figures
# ---------------------------------------------------------------------------------------------


def test_key_points_indonesian() -> None:
    points = key_points(make_data(), "id")
    assert points[0] == (
        "Nilai ekspor IKM Kota Bekasi pada Maret 2025 mencapai Rp15,2 miliar atau US$0,95 juta, naik 4,3 persen "
        "dibanding Februari 2025 (month-to-month) dan naik 12,1 persen dibanding Maret 2024 (year-on-year)."
    )
    text = "\n".join(points)
    assert "Secara kumulatif, nilai ekspor IKM Januari–Maret 2025 mencapai Rp43,8 miliar" in text
    assert "naik 13,5 persen dibanding periode yang sama tahun 2024" in text
    assert "Ikan hias menyumbang 85,3 persen nilai ekspor Maret 2025 (Rp13,0 miliar)" in text
    assert "boneka (10,2 persen)" in text
    assert "Jepang (40,0 persen), Amerika Serikat (20,0 persen) dan Singapura (15,0 persen)" in text
    assert "25 dari 40 eksportir IKM terdaftar (62,5 persen)" in text
    # Turnover: 31 days of 131..161 juta = 4.526 juta; last March 31 days of 121..151 juta = 4.216 juta.
    assert "Omzet IKM Kota Bekasi pada Maret 2025 tercatat Rp4,5 miliar, rata-rata Rp146,0 juta per hari" in text
    assert "naik 7,4 persen dibanding Maret 2024" in text
    assert "Terdapat 3 catatan kualitas data" in text


def test_key_points_english() -> None:
    points = key_points(make_data(), "en")
    assert points[0] == (
        "IKM exports from Kota Bekasi in March 2025 were valued at IDR 15.2 billion or US$0.95 million, up 4.3 "
        "percent from February 2025 (month-to-month) and up 12.1 percent from March 2024 (year-on-year)."
    )
    text = "\n".join(points)
    assert "up 13.5 percent from the same period of 2024" in text
    assert "Ornamental fish accounted for 85.3 percent of exports in March 2025 (IDR 13.0 billion)" in text
    assert "Japan (40.0 percent), the United States (20.0 percent)" in text  # "the", as English says it
    assert "IDR 4.5 billion, an average of IDR 146.0 million per day" in text
    assert "persen" not in text and "miliar" not in text


def test_a_fall_reads_turun_and_down() -> None:
    data = make_data(march=Decimal("13948500000.00"))  # 14.580 * 0.9567: -4,33 %
    assert "turun 4,3 persen dibanding Februari 2025 (month-to-month)" in key_points(data, "id")[0]
    assert "down 4.3 percent from February 2025 (month-to-month)" in key_points(data, "en")[0]


def test_missing_previous_month_is_said_not_invented() -> None:
    data = make_data(drop=(date(2025, 2, 1),))
    id_points, en_points = key_points(data, "id"), key_points(data, "en")
    assert "naik 12,1 persen dibanding Maret 2024 (year-on-year)" in id_points[0]
    assert "Perubahan month-to-month tidak dapat dihitung karena data Februari 2025 tidak tersedia." in id_points[0]
    assert "dibanding Februari 2025" not in id_points[0]
    assert (
        "The month-to-month change cannot be computed because no data are available for February 2025."
        in (en_points[0])
    )
    # The year to date is not summed over a hole either.
    assert "Nilai ekspor kumulatif Januari–Maret 2025 tidak dihitung karena data Februari 2025 tidak tersedia." in (
        id_points
    )


def test_missing_last_year_is_said_not_invented() -> None:
    data = make_data(first=date(2024, 4, 1))  # history starts after March 2024
    text = "\n".join(key_points(data, "id"))
    assert "naik 4,3 persen dibanding Februari 2025 (month-to-month)" in text
    assert "Perubahan year-on-year tidak dapat dihitung karena data Maret 2024 tidak tersedia." in text
    assert (
        "Perubahan c-to-c tidak dapat dihitung karena data Januari 2024, Februari 2024 dan Maret 2024 tidak tersedia."
        in text
    )
    en = "\n".join(key_points(data, "en"))
    assert "no data are available for January 2024, February 2024 and March 2024" in en


def test_missing_month_of_report_and_later_months_ignored() -> None:
    data = make_data()
    assert key_points(replace(data, month=date(2025, 5, 1)), "id")[0] == (
        "Tidak ada data ekspor IKM Kota Bekasi untuk Mei 2025."
    )
    # Cells after the report month (a regenerated past report) change nothing.
    later = make_data()
    months = [date(2025, 4, 1)]
    exports, commodities, destinations = _monthly_frames([*_months(date(2024, 1, 1), MARCH), *months])
    later = replace(later, exports=cellsdata.exports(exports, commodities, destinations))
    assert key_points(later, "id") == key_points(data, "id")


def test_no_si_suffix_in_indonesian_key_points() -> None:
    for data in (make_data(), make_data(drop=(date(2025, 2, 1),))):
        text = "\n".join(key_points(data, "id"))
        assert not SI_SUFFIX.search(text), SI_SUFFIX.search(text)


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        key_points(make_data(), "fr")


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def test_monthly_file_names(written: dict[str, Path]) -> None:
    for name in (
        "laporan-bulanan-2025-03.id.html",
        "laporan-bulanan-2025-03.id.pdf",
        "monthly-report-2025-03.en.html",
        "monthly-report-2025-03.en.pdf",
    ):
        assert written[name].stat().st_size > 0


def test_html_indonesian(written: dict[str, Path]) -> None:
    page = written["laporan-bulanan-2025-03.id.html"].read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="id">' in page
    assert '<link rel="icon" href="data:,">' in page
    # Offline: no external resource of any kind.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    text = _visible_text(page)
    assert "Perkembangan Ekspor dan Omzet IKM Kota Bekasi, Maret 2025" in text
    assert "Data per 5 April 2025, 06.00 WIB" in text
    assert "Rp15,2 miliar" in text and "+4,3 persen" in text and "+12,1 persen" in text
    # Tables: by commodity, cumulative, top destinations (with the remainder), monthly trend, turnover.
    for caption in (
        "Tabel 1. Nilai ekspor IKM menurut komoditas, Maret 2025 (Rp juta)",
        "Tabel 2. Nilai ekspor IKM kumulatif menurut komoditas, Januari–Maret 2025 (Rp juta)",
        "Tabel 3. Nilai ekspor IKM menurut negara tujuan utama, Maret 2025 (Rp juta)",
        "Tabel 4. Perkembangan nilai ekspor IKM bulanan, Maret 2024–Maret 2025",
        "Tabel 5. Omzet IKM Kota Bekasi, Maret 2025",
    ):
        assert caption in text
    assert "15.207,0" in text and "12.971,6" in text  # the month's total and ornamental fish, Rp juta
    assert "Lainnya (3 negara)" in text and "Tiongkok" in text
    # Quality notes, translated.
    assert "Cakupan dan kualitas data" in text
    assert "25,0 persen (75 dari 300 produsen terdaftar melapor)" in text
    assert "6,2 persen (62 dari 1.000 baris)" in text
    assert "pada tanggal 2 dan 9 Maret 2025" in text
    # Methodology.
    assert "Metodologi" in text and "JISDOR" in text and "Asia/Jakarta" in text and "dikarantina" in text
    assert text.count("data:image/png") == 0 and page.count("data:image/png;base64,") == 2  # two charts
    assert not SI_SUFFIX.search(text), SI_SUFFIX.search(text)


def test_html_english(written: dict[str, Path]) -> None:
    text = _visible_text(written["monthly-report-2025-03.en.html"].read_text("utf-8"))
    assert "IKM Exports and Turnover, Kota Bekasi, March 2025" in text
    assert "Table 1. IKM export value by commodity, March 2025 (IDR million)" in text
    assert "15,207.0" in text and "Methodology" in text and "Data coverage and quality" in text
    assert "25.0 percent (75 of 300 registered producers reported)" in text
    assert "persen" not in text


def _pdftotext(path: Path) -> str:
    """The PDF's text (poppler's pdftotext); skips without it, fails under CI=true."""
    out = subprocess.run([need_tool("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(out.split())  # lines wrap where the layout does


def test_pdf(written: dict[str, Path]) -> None:
    for name in ("laporan-bulanan-2025-03.id.pdf", "monthly-report-2025-03.en.pdf"):
        pdf = written[name].read_bytes()
        assert pdf.startswith(b"%PDF")
        # Page objects, counted in the file itself (reportlab writes them uncompressed).
        assert len(re.findall(rb"/Type /Page\b", pdf)) >= 2


def test_pdf_text(written: dict[str, Path]) -> None:
    """What a reader sees in the PDFs, read back by pdftotext (skips without it, fails under CI=true)."""
    for name, title, method in (
        ("laporan-bulanan-2025-03.id.pdf", "Perkembangan Ekspor dan Omzet IKM Kota Bekasi", "Metodologi"),
        ("monthly-report-2025-03.en.pdf", "IKM Exports and Turnover, Kota Bekasi", "Methodology"),
    ):
        text = _pdftotext(written[name])
        assert title in text and method in text
    id_text = _pdftotext(written["laporan-bulanan-2025-03.id.pdf"])
    assert "Rp15,2 miliar" in id_text and "naik 4,3 persen" in id_text
    assert not SI_SUFFIX.search(id_text), SI_SUFFIX.search(id_text)


def test_regenerating_is_byte_identical(written: dict[str, Path], tmp_path: Path) -> None:
    again = write_monthly(make_data(), tmp_path / "monthly")
    assert [p.name for p in again] == [
        "laporan-bulanan-2025-03.id.html",
        "laporan-bulanan-2025-03.id.pdf",
        "monthly-report-2025-03.en.html",
        "monthly-report-2025-03.en.pdf",
        *(f"laporan-bulanan-2025-03-tabel-{n}.{ext}" for n in range(1, 6) for ext in ("csv", "xlsx")),
        "figures.json",
    ]
    for path in again:
        assert path.read_bytes() == written[_key(path)].read_bytes(), path.name
    weekly = _write_weekly(tmp_path)
    for path in weekly:
        assert path.read_bytes() == written[_key(path)].read_bytes(), path.name


def test_given_charts_are_embedded_and_not_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    png_path = tmp_path / "chart.png"
    Image.new("RGB", (32, 18), "#0b4f8a").save(png_path)

    def no_render(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a given chart must not be rendered again")

    monkeypatch.setattr(monthly, "render_png", no_render)
    charts = {"monthly_export_value": png_path, "id/daily_turnover": png_path, "en/daily_turnover": png_path}
    paths = write_monthly(make_data(), tmp_path / "out", charts=charts)
    encoded = base64.b64encode(png_path.read_bytes()).decode()
    page = paths[0].read_text("utf-8")
    assert page.count(encoded) == 2
    assert "Gambar 1. Nilai ekspor IKM Kota Bekasi menurut komoditas, Maret 2024–Maret 2025" in page
    assert paths[1].read_bytes().startswith(b"%PDF")


def test_report_without_exports_or_turnover(tmp_path: Path) -> None:
    empty = replace(make_data(turnover=False), month=date(2026, 6, 1), coverage=pl.DataFrame(schema=COVERAGE_SCHEMA))
    paths = write_monthly(empty, tmp_path)
    text = _visible_text(paths[0].read_text("utf-8"))
    assert "Tidak ada data ekspor IKM Kota Bekasi untuk Juni 2026." in text
    assert "Tidak ada hasil pemeriksaan kualitas untuk periode ini." in text
    assert "Tidak ada data omzet untuk Juni 2026." in text
    assert paths[1].read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------------------------------------
# Weekly brief
# ---------------------------------------------------------------------------------------------


def test_weekly_brief_both_languages(written: dict[str, Path]) -> None:
    page = written["ringkasan-mingguan-2025-W11.id.html"].read_text("utf-8")
    assert '<link rel="icon" href="data:,">' in page and '<html lang="id">' in page
    text = _visible_text(page)
    # 10..16 March: 138..144 juta = 987 juta; the week before 131..137 juta = 938 juta (+5,2 %).
    assert "Minggu ke-11 2025" in text and "10–16 Maret 2025" in text
    assert "tercatat Rp987,0 juta, rata-rata Rp141,0 juta per hari (7 hari berdata)" in text
    assert "naik 5,2 persen dibanding minggu sebelumnya (3–9 Maret 2025)" in text
    assert "Senin, 10 Maret 2025" in text and "987,0" in text
    assert "Tabel 2. Omzet IKM menurut kategori (Rp juta)" in text and "Makanan" in text
    assert "25,0 persen (75 dari 300 produsen terdaftar melapor)" in text  # 12 March, low coverage
    assert not SI_SUFFIX.search(text)

    en = _visible_text(written["weekly-brief-2025-W11.en.html"].read_text("utf-8"))
    assert "Week 11 of 2025" in en and "10–16 March 2025" in en
    assert "up 5.2 percent from the previous week (3–9 March 2025)" in en
    assert "Monday, 10 March 2025" in en and "987.0" in en and "Food" in en


def test_weekly_brief_notes_only_its_own_subject(tmp_path: Path) -> None:
    """An exporters' check that failed for the month is the monthly report's, not a turnover brief's note."""
    coverage = pl.DataFrame(
        [_outcome(date(2025, 3, 1), "monthly_export_value", "coverage", 5, 40, 0.5, False),
         _outcome(date(2025, 3, 11), "daily_turnover", "coverage", 75, 300, 0.3, False)],
        schema=COVERAGE_SCHEMA,
    )  # fmt: skip
    days = cellsdata.turnover(pl.DataFrame(_turnover(date(2025, 3, 3), 14)))
    paths = write_weekly(date(2025, 3, 10), days, coverage, tmp_path)
    text = " ".join(_visible_text(next(p for p in paths if p.name.endswith(".id.html")).read_text("utf-8")).split())
    assert "75 dari 300 produsen" in text and "40 eksportir" not in text


def test_weekly_brief_without_previous_week(tmp_path: Path) -> None:
    days = pl.DataFrame(_turnover(date(2025, 3, 10), 5))  # Monday to Friday only
    categories = pl.DataFrame(
        {"date": [date(2025, 3, 10)], "category": ["boneka"], "turnover_idr": [5_000_000], "transactions": [3],
         "active_producers": [2]}
    )  # fmt: skip
    coverage = pl.DataFrame(schema=COVERAGE_SCHEMA)
    paths = write_weekly(date(2025, 3, 10), cellsdata.turnover(days, categories), coverage, tmp_path)
    text = _visible_text(paths[0].read_text("utf-8"))
    assert "data tersedia untuk 5 dari 7 hari" in text
    assert "Perbandingan dengan minggu sebelumnya (3–9 Maret 2025) tidak tersedia" in text
    assert "Sabtu, 15 Maret 2025" in text and "tidak ada data" in text
    en = _visible_text(paths[1].read_text("utf-8"))
    assert "data for 5 of 7 days" in en and "no data" in en


def test_weekly_brief_needs_a_monday(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Monday"):
        reports.weekly_documents(date(2025, 3, 11), cellsdata.turnover(pl.DataFrame(_turnover(date(2025, 3, 10), 1))),
                                pl.DataFrame(schema=COVERAGE_SCHEMA), AS_OF)  # fmt: skip


def test_the_lebaran_comparison_sets_the_days_up_to_idul_fitri_against_the_year_before() -> None:
    """2025: Idul Fitri on 31 March, 2024: on 10 April (from the `holidays` calendar). The 30 days up to each are
    compared day for day by their distance to the holiday; a dip in the last week before it is no change."""
    from pipelines.core import lebaran
    from pipelines.publish.reports.common import lebaran_points

    assert (lebaran.idul_fitri(2025), lebaran.idul_fitri(2024)) == (date(2025, 3, 31), date(2024, 4, 10))
    assert lebaran.idul_fitri(2021) == date(2021, 5, 13)  # the calendar names it "Ascension Day; Eid al-Fitr"
    assert lebaran.idul_fitri(2027) == date(2027, 3, 10)  # not yet decreed: the calendar's estimate
    assert lebaran.within(date(2033, 12, 1), date(2033, 12, 31)) == date(2033, 12, 23)  # 2033 has two
    assert lebaran.previous(date(2033, 12, 23)) == date(2033, 1, 3)
    rows = []
    for fitri, per_day in ((date(2024, 4, 10), 1_000_000), (date(2025, 3, 31), 1_100_000)):
        for before in range(1, 46):  # the window and some days before it
            d = fitri - timedelta(days=before)
            dip = 400_000 if before <= 3 else 0  # the shops close as Lebaran comes, each year the same
            rows.append({"date": d, "turnover_idr": per_day - dip, "transactions": 10, "active_producers": 5})
        rows.append({"date": fitri, "turnover_idr": 50_000, "transactions": 1, "active_producers": 1})
    published = cellsdata.turnover(pl.DataFrame(rows))
    now = 27 * 1_100_000 + 3 * 700_000
    then = 27 * 1_000_000 + 3 * 600_000
    expected = rt.percent(Decimal(now - then) * 100 / then, "id")
    id_points = lebaran_points(published, date(2025, 3, 1), date(2025, 3, 31), "id")
    assert "Idulfitri 31 Maret 2025" in id_points[0]
    assert f"Dalam 30 hari menjelang Idulfitri (1–30 Maret 2025), omzet naik {expected}" in id_points[1]
    assert "Idulfitri 2024 (11 Maret – 9 April 2024)" in id_points[1]
    en_points = lebaran_points(published, date(2025, 3, 1), date(2025, 3, 31), "en")
    assert "In the 30 days up to Idul Fitri (1–30 March 2025), turnover was up" in en_points[1]
    # A day missing in 2024's window: no comparison, and the reason said.
    gaps = cellsdata.turnover(pl.DataFrame([r for r in rows if r["date"] != date(2024, 3, 20)]))
    assert "tidak tersedia" in lebaran_points(gaps, date(2025, 3, 1), date(2025, 3, 31), "id")[1]
    # April touches the Lebaran period (to 7 April) and says so, without comparing (Idul Fitri is not in it).
    april = lebaran_points(published, date(2025, 4, 1), date(2025, 4, 30), "id")
    assert len(april) == 1 and "masa Lebaran" in april[0]
    assert lebaran_points(published, date(2025, 6, 1), date(2025, 6, 30), "id") == []


def test_the_export_figure_caption_names_the_months_the_chart_shows() -> None:
    """Exports from January 2025 only: the March report's chart shows January–March, and its caption says so."""
    from pipelines.publish.reports.document import Figure

    doc = reports.monthly_documents(make_data(first=date(2025, 1, 1)), None)["id"]
    captions = [b.caption for b in doc.blocks if isinstance(b, Figure)]
    assert captions[0] == "Gambar 1. Nilai ekspor IKM Kota Bekasi menurut komoditas, Januari–Maret 2025"


def test_monthly_turnover_changes_month_to_month_and_year_on_year_like_with_like() -> None:
    """March 2025 against February (both complete: totals) and against March 2024 (10 days only: no change)."""
    days = _turnover(date(2025, 2, 1), 28, base=100_000_000) + _turnover(date(2025, 3, 1), 31)
    days += _turnover(date(2024, 3, 1), 10)
    schema = {"date": pl.Date, "turnover_idr": pl.Int64, "transactions": pl.Int64, "active_producers": pl.Int64}
    data = replace(make_data(), turnover=cellsdata.turnover(pl.DataFrame(days, schema=schema)))
    feb = sum(100_000_000 + (i + 1) * 1_000_000 for i in range(28))
    mar = sum(130_000_000 + (i + 1) * 1_000_000 for i in range(31))
    text = " ".join(key_points(data, "id"))
    assert f"naik {rt.percent(Decimal(mar - feb) * 100 / feb, 'id')} dibanding Februari 2025 (month-to-month)" in text
    assert "Perubahan dibanding Maret 2024 (year-on-year) tidak dihitung" in text  # 31 days against 10


def test_no_warnings_never_hides_rows_in_quarantine() -> None:
    """ "No warnings" with rows of the month in quarantine names them (counts only), in both languages."""
    data = replace(make_data(), quarantined={"transactions": 220, "exports": 8})
    text = " ".join(key_points(data, "id"))
    assert "Namun 220 transaksi dan 8 item PEB pada periode ini masih dikarantina" in text
    assert "220 transactions and 8 PEB items of this period are in quarantine" in " ".join(key_points(data, "en"))
    assert "dikarantina" not in " ".join(key_points(make_data(), "id"))
