"""Every word the portal shows, as (Indonesian, English) pairs in one dict, ready to move into a catalogue.

Keys follow the catalogue's `<area>.<name>` style under the area `portal`; placeholders are
`str.format` names (`{period}`), filled by `text()` in both languages. Language names (`AUTONYMS`)
are not translated: each language is named in itself.
"""

from __future__ import annotations

Pair = tuple[str, str]

AUTONYMS: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English"}

TEXT: dict[str, Pair] = {
    "portal.page.title": ("Sentra — Portal Data IKM Kota Bekasi", "Sentra — IKM Data Portal, Kota Bekasi"),
    "portal.page.heading": ("Portal Data IKM Kota Bekasi", "IKM Data Portal, Kota Bekasi"),
    "portal.page.updated": ("Diperbarui {when}", "Updated {when}"),
    "portal.page.skip": ("Langsung ke isi", "Skip to content"),
    "portal.page.footer": (
        "Semua berkas di halaman ini tersimpan di folder yang sama dan dapat dibuka tanpa internet.",
        "Every file on this page is stored in the same folder and opens without internet access.",
    ),
    "portal.nav.charts": ("Grafik", "Charts"),
    "portal.nav.reports": ("Laporan", "Reports"),
    "portal.nav.archive": ("Arsip", "Archive"),
    "portal.nav.revisions": ("Revisi", "Revisions"),
    "portal.charts.heading": ("Grafik terbaru", "Latest charts"),
    "portal.charts.empty": ("Belum ada grafik.", "No charts yet."),
    "portal.reports.heading": ("Laporan terbaru", "Latest reports"),
    "portal.reports.empty": ("Belum ada laporan.", "No reports yet."),
    "portal.kind.chart": ("Grafik", "Chart"),
    "portal.kind.report": ("Laporan", "Report"),
    "portal.card.period": ("Periode: {period}", "Period: {period}"),
    "portal.card.downloads": ("Unduhan", "Downloads"),
    "portal.card.no_files": ("Berkas belum tersedia.", "No files available yet."),
    "portal.card.all_languages": ("Semua bahasa", "All languages"),
    "portal.archive.heading": ("Arsip", "Archive"),
    "portal.archive.empty": ("Belum ada arsip.", "No archive yet."),
    "portal.revisions.heading": ("Revisi", "Revisions"),
    "portal.revisions.intro": (
        "Angka yang sudah diterbitkan lalu diperbaiki karena data terlambat atau koreksi dari sumber.",
        "Published figures that were later corrected, after late data or a correction at the source.",
    ),
    "portal.revisions.empty": ("Belum ada revisi.", "No revisions yet."),
    "portal.revisions.col.date": ("Tanggal revisi", "Revised on"),
    "portal.revisions.col.item": ("Data", "Data"),
    "portal.revisions.col.period": ("Periode", "Period"),
    "portal.revisions.col.old": ("Semula", "Before"),
    "portal.revisions.col.new": ("Menjadi", "After"),
    "portal.revisions.col.change": ("Perubahan", "Change"),
    "portal.revisions.col.note": ("Catatan", "Note"),
    "portal.status.delayed": (
        "Data tertunda: angka terbaru belum lengkap dan dapat berubah.",
        "Data delayed: the latest figures are incomplete and may change.",
    ),
    "portal.status.families": ("Tertunda: {families}.", "Delayed: {families}."),
    "portal.family.turnover": ("omzet transaksi", "transaction turnover"),
    "portal.family.exports": ("ekspor", "exports"),
    "portal.period.quarter": ("Triwulan {roman} {year}", "Q{q} {year}"),
    "portal.format.png": ("PNG (slide)", "PNG (slide)"),
    "portal.format.png_print": ("PNG (cetak A4)", "PNG (A4 print)"),
    "portal.format.svg": ("SVG", "SVG"),
    "portal.format.pdf": ("PDF", "PDF"),
    "portal.format.html": ("HTML interaktif", "Interactive HTML"),
    "portal.format.csv": ("CSV", "CSV"),
    "portal.format.xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "portal.format.figures": ("Angka utama (JSON)", "Headline figures (JSON)"),
    "portal.format.json": ("Metadata", "Metadata"),
}


def text(key: str, **values: object) -> Pair:
    """The (Indonesian, English) pair for `key`; a value that is itself a pair fills each language with its own."""

    def fill(lang: int) -> str:
        return TEXT[key][lang].format(**{k: v[lang] if isinstance(v, tuple) else v for k, v in values.items()})

    return fill(0), fill(1)
