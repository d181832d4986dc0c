"""PDF rendering of a report document (reportlab), in invariant mode: the same document gives the same bytes."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from pipelines.publish.reports import wording as rt
from pipelines.publish.reports.common import png_size
from pipelines.publish.reports.document import Bullets, Cards, Document, Figure, Heading, Para

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@cache
def _fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans embedded when installed (Indonesian text, –, ×, ÷), else Helvetica."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not DEJAVU.exists():
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("SentraSans", str(DEJAVU)))
    bold = "SentraSans"
    if DEJAVU_BOLD.exists():
        pdfmetrics.registerFont(TTFont("SentraSans-Bold", str(DEJAVU_BOLD)))
        bold = "SentraSans-Bold"
    # So <b> inside a Paragraph picks the bold face.
    addMapping("SentraSans", 0, 0, "SentraSans")
    addMapping("SentraSans", 1, 0, bold)
    addMapping("SentraSans", 0, 1, "SentraSans")
    addMapping("SentraSans", 1, 1, bold)
    return "SentraSans", bold


def render_pdf(doc: Document) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        ListFlowable,
        ListItem,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    regular, bold = _fonts()
    blue, dark = colors.HexColor("#0b4f8a"), colors.HexColor("#1a1a1a")
    body = ParagraphStyle("body", fontName=regular, fontSize=9.2, leading=12.6, textColor=dark, spaceAfter=4)
    small = ParagraphStyle("small", parent=body, fontSize=7.6, leading=9.6, textColor=colors.HexColor("#444444"))
    h1 = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20, textColor=colors.HexColor("#0b2f52"))
    kind = ParagraphStyle("kind", parent=body, fontName=bold, fontSize=8.5, textColor=blue, spaceAfter=2)
    h2 = ParagraphStyle(
        "h2", parent=body, fontName=bold, fontSize=11.5, leading=15, textColor=blue, spaceBefore=9, keepWithNext=1
    )
    caption = ParagraphStyle("caption", parent=body, fontName=bold, fontSize=8.6, leading=11, keepWithNext=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=7.4, leading=9, spaceAfter=0, alignment=TA_LEFT)
    cell_num = ParagraphStyle("cellnum", parent=cell, alignment=TA_RIGHT)
    cell_bold = ParagraphStyle("cellbold", parent=cell, fontName=bold)
    cell_num_bold = ParagraphStyle("cellnumbold", parent=cell_num, fontName=bold)
    cell_head = ParagraphStyle("cellhead", parent=cell, fontName=bold, alignment=TA_CENTER)
    card_label = ParagraphStyle("cardlabel", parent=cell, fontSize=7.2, textColor=colors.HexColor("#444444"))
    card_value = ParagraphStyle("cardvalue", parent=cell, fontName=bold, fontSize=11.5, leading=14)

    page_w, page_h = A4
    margin = 16 * mm
    width = page_w - 2 * margin

    def p(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(xml_escape(text), style)

    story: list[Any] = [p(doc.kind.upper(), kind), p(doc.title, h1)]
    story += [p(m, small) for m in doc.meta]
    story.append(Spacer(1, 4))

    for block in doc.blocks:
        if isinstance(block, Heading):
            story.append(p(block.text, h2))
        elif isinstance(block, Para):
            story.append(p(block.text, small if block.small else body))
        elif isinstance(block, Bullets):
            story.append(
                ListFlowable(
                    [ListItem(p(i, body), leftIndent=12) for i in block.items],
                    bulletType="bullet",
                    start="•",
                    bulletFontName=regular,
                    leftIndent=12,
                )
            )
        elif isinstance(block, Cards):
            n = len(block.cards)
            cells = [
                [p(label, card_label), p(value, card_value), p(detail, card_label)]
                for label, value, detail in block.cards
            ]
            t = Table([cells], colWidths=[width / n] * n)
            t.setStyle(
                TableStyle(
                    [
                        ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9d6e3")),
                        ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9d6e3")),
                        ("LINEBEFORE", (0, 0), (0, 0), 2.5, blue),
                        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f5f8fb")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 4),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ]
                )
            )
            story += [t, Spacer(1, 4)]
        elif isinstance(block, Figure):
            w, h = png_size(block.png)
            img = Image(io.BytesIO(block.png), width=width, height=width * h / w)
            # keepWithNext rather than KeepTogether: reportlab will not chain a heading's keepWithNext
            # into a KeepTogether, and "Grafik" would be left alone at the foot of a page.
            img.keepWithNext = 1
            story += [img, p(block.caption, small), Spacer(1, 6)]
        else:
            total_w = sum(block.widths)
            col_widths = [width * w / total_w for w in block.widths]
            first_total = len(block.rows) - block.total_rows
            rows = [[p(h, cell_head) for h in block.headers]]
            for i, row in enumerate(block.rows):
                styles = (cell_num_bold, cell_bold) if i >= first_total else (cell_num, cell)
                rows.append([p(c, styles[0] if num else styles[1]) for c, num in zip(row, block.numeric, strict=True)])
            t = Table(rows, colWidths=col_widths, repeatRows=1)
            style = [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c4cf")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4ecf4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
            if block.total_rows:
                style.append(("BACKGROUND", (0, first_total + 1), (-1, -1), colors.HexColor("#eef1f4")))
            t.setStyle(TableStyle(style))
            story += [p(block.caption, caption), t]
            story += [p(n, small) for n in block.notes]
            story.append(Spacer(1, 6))

    page_word = rt.t("page", doc.lang)

    def footer(canvas: Any, template: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setStrokeColor(colors.HexColor("#c9d6e3"))
        canvas.line(margin, 12 * mm, page_w - margin, 12 * mm)
        canvas.drawString(margin, 8.5 * mm, doc.footer)
        canvas.drawRightString(page_w - margin, 8.5 * mm, f"{page_word} {template.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    template = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title=doc.pdf_title or doc.title,
        author="Sentra",
        subject=doc.kind,
        creator="Sentra",
        producer="Sentra (reportlab)",
        # No creation time or random document id: the same data gives the same bytes.
        invariant=1,
        pageCompression=1,
        lang="id-ID" if doc.lang == "id" else "en",
    )
    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
