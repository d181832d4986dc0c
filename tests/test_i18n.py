"""The translation catalogue (pipelines.core.i18n) and the one list of names (models.names)."""

from __future__ import annotations

import ast
import re
import tomllib
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from models import names
from models.codes import CATEGORIES, COMMODITY_BY_HS_HEADING, COUNTRIES
from pipelines.core import i18n
from pipelines.publish.charts import breakdowns, frames
from pipelines.publish.formatting import LANGS, UnknownLanguageError
from pipelines.publish.reports import check_wording as cw
from pipelines.publish.reports import wording as rt

TIER = "pure"  # tests/conftest.py: the runner's tiers

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    id_, en = i18n.catalogue("id"), i18n.catalogue("en")
    assert id_.keys() == en.keys(), sorted(id_.keys() ^ en.keys())
    differ = {k: (i18n.placeholders(id_[k]), i18n.placeholders(en[k])) for k in id_}
    assert {k: v for k, v in differ.items() if v[0] != v[1]} == {}
    assert len(id_) > 150  # every area is there: calendar, chart, report, sentence, check, method


def test_no_text_is_empty_and_keys_are_dotted() -> None:
    for lang in LANGS:
        for key, text in i18n.catalogue(lang).items():
            assert text.strip(), f"{lang}: {key} is empty"
            assert "." in key and key == key.strip() and " " not in key, key


def test_text_fills_placeholders_and_fails_clearly() -> None:
    assert i18n.text("report.no_turnover", "id", period="Maret 2025") == "Tidak ada data omzet untuk Maret 2025."
    assert i18n.text("report.others_n", "en") == "Others ({n} countries)"  # unfilled without values
    assert i18n.text("chart.date", "id") == "Tanggal" and i18n.text("chart.date", "en") == "Date"
    with pytest.raises(UnknownLanguageError, match="supported: id, en"):
        i18n.text("chart.date", "fr")
    with pytest.raises(KeyError, match=r"no_such\.key.*'id' catalogue.*sentra\.po"):
        i18n.text("no_such.key", "id")
    with pytest.raises(KeyError, match="period"):
        i18n.text("report.no_turnover", "en", month="March 2025")


def test_report_and_chart_labels_come_from_the_catalogue() -> None:
    assert rt.t("turnover", "id") == i18n.text("report.turnover", "id") == "Omzet"
    assert rt.t("others_n", "id").format(n=3) == rt.t("others_n", "id", n=3) == "Lainnya (3 negara)"
    assert (
        cw.check_name("coverage", "en") == "Reporting coverage" and cw.check_name("custom_rule", "id") == "custom_rule"
    )
    assert rt.methodology("id")[0].startswith("Sumber data:") and len(rt.methodology("en")) == 9
    assert rt.weekly_methodology("en")[0].startswith("Source: sales records")
    assert rt.methodology("id")[-1].startswith("Kerahasiaan:") and rt.weekly_methodology("en")[-1].startswith("Confid")
    with pytest.raises(KeyError, match="report.nope"):
        rt.t("nope", "id")


def _literals(path: Path) -> list[tuple[int, str]]:
    """String literals of a module, without docstrings and error messages (those are for developers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Raise):
            skip |= {id(sub) for sub in ast.walk(node)}
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


# Words only a sentence or label for Indonesian readers would hold.
_INDONESIAN = re.compile(
    r"\b(persen|dibanding|naik|turun|tanggal|omzet|kategori|negara|tidak|ekspor|lainnya|bulan|maret|juta|miliar"
    r"|triliun|pukul|sumber|hari|cakupan|dan|atau|dari|untuk|pada|tabel|gambar|minggu|sebelumnya|periode|tahun"
    r"|kerahasiaan|revisi|grafik|laporan|tertunda|berkas|unduhan|perubahan)\b",
    re.IGNORECASE,
)

# Modules whose every word for readers comes from the catalogue (or models.names).
NO_INLINE_TEXT = sorted(
    [
        "pipelines/publish/formatting.py", "pipelines/assets/reports.py",
        *(f"pipelines/publish/charts/{name}.py" for name in ("breakdowns", "draw", "catalogue", "frames", "notes")),
        *(f"pipelines/publish/portal/{name}.py" for name in ("manifest", "page", "words")),
        "pipelines/publish/workbook.py",
        *(p.relative_to(ROOT).as_posix() for p in (ROOT / "pipelines/publish/reports").glob("*.py")),
    ]
)  # fmt: skip


def test_portal_words_live_in_the_catalogue() -> None:
    assert not (ROOT / "pipelines/publish/portal_text.py").exists()
    assert {"portal.page.title", "portal.format.png", "portal.period.quarter"} <= i18n.catalogue("en").keys()
    assert "pipelines/publish/reports/weekly.py" in NO_INLINE_TEXT and len(NO_INLINE_TEXT) > 12


def _words(node: ast.expr) -> str:
    """The fixed text of a string or f-string ("" for anything else)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


def _per_language(path: Path) -> list[tuple[int, str]]:
    """Text chosen by language inline: `"…" if lang == "id" else "…"`, or a {"id": "…", "en": "…"} dict.

    Only texts with a space count: file names ("weekly-brief-2025-W10.en.html") and language tags ("id-ID")
    are not wording."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.IfExp) and isinstance(node.test, ast.Compare):
            compared = [node.test.left, *node.test.comparators]
            if any(isinstance(c, ast.Constant) and c.value in LANGS for c in compared):
                found += [(node.lineno, _words(b)) for b in (node.body, node.orelse) if " " in _words(b)]
        if isinstance(node, ast.Dict) and {_words(k) for k in node.keys if k is not None} & set(LANGS):
            found += [(node.lineno, _words(v)) for v in node.values if " " in _words(v)]
    return found


@pytest.mark.parametrize("module", NO_INLINE_TEXT)
def test_no_sentences_left_inline(module: str) -> None:
    assert _per_language(ROOT / module) == []
    codes = {code for kind in names.KINDS for code in names.codes(kind)}
    # Catalogue keys ("number.scale.juta"), codes ("lainnya"), field names ("export_value_idr") and file names
    # ("laporan-bulanan-", "-tabel-": part of stable links) are not text.
    literals = [
        (line, s)
        for line, s in _literals(ROOT / module)
        if s not in codes
        and not re.fullmatch(r"[a-z0-9]+([._][a-z0-9]+)+(:[A-Z])?", s)
        and not re.fullmatch(r"[a-z0-9.]*(-[a-z0-9.]*)+", s)
    ]
    assert [(line, s) for line, s in literals if _INDONESIAN.search(s)] == []
    # Nor any catalogue text, in either language (its fixed parts between placeholders, of two words or more).
    fragments = {
        part.strip(" ,.;:()")
        for lang in LANGS
        for text in i18n.catalogue(lang).values()
        for part in re.split(r"\{[a-z_]+\}", text)
        if len(part.strip(" ,.;:()").split()) >= 2
    }
    assert [(line, s) for line, s in literals if any(f in s for f in fragments)] == []


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


def test_bps_names_for_the_main_partners() -> None:
    expected = {
        "CN": ("Tiongkok", "China"),
        "TW": ("Taiwan", "Taiwan"),
        "US": ("Amerika Serikat", "United States"),
        "KR": ("Korea Selatan", "South Korea"),
        "GB": ("Inggris", "United Kingdom"),
        "JP": ("Jepang", "Japan"),
    }
    for code, (id_, en) in expected.items():
        assert names.name("country", code, "id") == rt.country_name(code, "id") == id_
        assert names.name("country", code, "en") == rt.country_name(code, "en") == en


def test_every_chart_name_equals_the_report_name() -> None:
    for lang in LANGS:
        for code in [*sorted(COUNTRIES), "lainnya"]:
            assert breakdowns.label("destination_country", code, lang) == rt.country_name(code, lang), code
        for code in CATEGORIES:
            assert breakdowns.label("category", code, lang) == rt.category_label(code, lang)
            assert breakdowns.label("commodity", code, lang) == rt.commodity_label(code, lang)
            assert frames.commodity_labels(lang)[code] == rt.commodity_label(code, lang)


def test_a_destination_chart_names_countries_as_the_report_does() -> None:
    df = pl.DataFrame(
        {"destination_country": ["CN", "TW", "US", "lainnya"], "export_value_idr": [4e9, 3e9, 2e9, 1e9],
         "first_month": [date(2025, 1, 1)] * 4, "last_month": [date(2025, 3, 1)] * 4}
    )  # fmt: skip
    for lang, shown in (("id", {"Tiongkok", "Taiwan", "Amerika Serikat", "Lainnya"}),
                        ("en", {"China", "Taiwan", "United States", "Other"})):  # fmt: skip
        spec = breakdowns.destination_chart(df, "t", lang).to_dict()
        drawn = {row["label"] for values in spec["datasets"].values() for row in values}
        assert drawn == shown
        assert "Cina" not in str(spec) and "Provinsi" not in str(spec) and "Province" not in str(spec)


def test_names_of_unknown_codes_and_the_remainder() -> None:
    assert names.name("country", "XY", "id") == "XY"
    assert names.name("commodity", "kopi", "en") == "kopi"
    for kind in names.KINDS:
        assert names.name(kind, "lainnya", "id") == "Lainnya" and names.name(kind, "lainnya", "en") == "Other"
    assert names.name("category", "ikan_hias", "en") == "Ornamental fish"
    with pytest.raises(ValueError, match="unknown kind"):
        names.name("city", "X", "id")
    with pytest.raises(ValueError, match="unknown language"):
        names.name("country", "CN", "fr")


def test_names_file_covers_every_code() -> None:
    assert set(names.codes("country")) >= COUNTRIES
    assert set(names.codes("category")) == set(CATEGORIES)
    assert set(names.codes("commodity")) >= {*COMMODITY_BY_HS_HEADING.values(), "lainnya"}
    for code in names.codes("country"):
        for lang in LANGS:
            assert ", " not in names.name("country", code, lang) or code in ("BQ", "SH"), code  # no "X, Republic of"


def test_catalogues_and_names_ship_as_package_data() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    assert "locale/*/LC_MESSAGES/*.po" in data["pipelines.core"]
    assert "*.csv" in data["models"]
    for lang in LANGS:
        assert i18n.catalogue_path(lang).is_file()
    assert names.PATH.is_file()


def test_check_outcomes_say_what_was_counted_in_plain_words() -> None:
    """Checks judged over days or producers say so, not "1 of 1 rows break the rule"."""
    volume = {"check_name": "volume_typical", "asset": "stg_transactions", "numerator": 1, "denominator": 1}
    assert cw.check_result(volume, "id").startswith("Jumlah transaksi pada 1 dari 1 hari jauh di luar kisaran")
    scale = {"check_name": "amount_scale_typical", "asset": "stg_transactions", "numerator": 2, "denominator": 210}
    assert cw.check_result(scale, "en").startswith("2 of 210 producers recorded sale amounts on an unusual scale")
    rows = {"check_name": "key_unique", "asset": "stg_transactions", "numerator": 3, "denominator": 120}
    assert cw.check_result(rows, "id") == "3 dari 120 baris tidak memenuhi aturan"
