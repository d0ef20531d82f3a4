"""PDF as the desk writes it: Chinese set in a real CJK font embedded in the file (WenQuanYi
Micro Hei, TrueType outlines, from the paperang-p2-fonts-cjk package; reportlab embeds only the
glyphs used), so a letter prints the same on any reader, not in whatever a reader puts for a
built-in CID font (issue 26); every text escaped so a record's `<b>` stays text; a document of
headed tables on landscape A4 (the handover and team reports) or a letter on portrait A4 (a
written reply)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import IO, Any

from deskui.documents import Document

PDF_FONT = "DeskCJK"
"""The name the embedded font is registered under (the file's own: WenQuanYiMicroHei)."""
FONT_PACKAGE, FONT_FILE = "paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc"
"""A TrueType collection: reportlab embeds TrueType outlines (FontFile2), not CFF/OTF."""
LANDSCAPE_WIDTH = 780.0
"""The width of a landscape A4 page inside its margins, in points."""


def font_path() -> Path:
    """Where the installed font file is (a dependency: `pip install -e .` brings it)."""
    return Path(str(resources.files(FONT_PACKAGE).joinpath(FONT_FILE)))


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():  # parsed once per process
        pdfmetrics.registerFont(TTFont(PDF_FONT, str(font_path()), subfontIndex=0))


def write_pdf(document: Document, target: str | Path | IO[bytes]) -> None:
    """The title (and its meta line), then each section's heading and tables, the header
    line repeated on every page a table spans."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _font()
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9, leading=12)
    heading = ParagraphStyle("heading", parent=body, fontSize=14, leading=18)
    sub = ParagraphStyle("sub", parent=body, fontSize=11, leading=15, spaceBefore=8)

    def cell(value: object) -> Paragraph:  # record text stays text
        return Paragraph(escape(str(value)).replace("\n", "<br/>"), body)

    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story: list[Any] = [Paragraph(escape(document.title), heading)]
    if document.meta:
        story.append(Paragraph(escape(document.meta), body))
    for section in document.sections:
        story.append(Paragraph(escape(section.title), sub))
        for n, block in enumerate(section.blocks):
            if n:
                story.append(Spacer(1, 4))
            columns = len(block.headers)
            data = [[cell(h) for h in block.headers]]
            data += [[cell(v) for v in row] for row in block.rows]
            if not block.rows and block.empty_line is not None:
                data.append([cell(block.empty_line)] + [cell("")] * (columns - 1))
            widths = block.pdf_widths or shared_widths(columns)
            story.append(Table(data, colWidths=widths, repeatRows=1, style=style))
        story.append(Spacer(1, 6))
    pdf = SimpleDocTemplate(
        target if not isinstance(target, Path) else str(target),
        pagesize=landscape(A4), title=document.title,
        leftMargin=28, rightMargin=28, topMargin=28, bottomMargin=28,
    )  # fmt: skip
    pdf.build(story)


def shared_widths(columns: int, page: float = LANDSCAPE_WIDTH) -> list[float]:
    """The first column wider, the rest sharing the page alike."""
    first = 110.0
    return [first] + [(page - first) / (columns - 1)] * (columns - 1) if columns > 1 else [page]


def write_letter(text: str, path: Path, title: str) -> Path:
    """A letter on portrait A4: the title centred, a paragraph per blank-line-separated part,
    Chinese set in the embedded font and wrapped CJK-style."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _font()
    body = ParagraphStyle("reply", fontName=PDF_FONT, fontSize=11, leading=18, wordWrap="CJK")
    head = ParagraphStyle("title", parent=body, fontSize=15, leading=22, alignment=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, title=title
    )
    story: list[object] = [Paragraph(escape(title), head), Spacer(1, 6 * mm)]
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            lines = "<br/>".join(escape(line) for line in paragraph.strip().split("\n"))
            story += [Paragraph(lines, body), Spacer(1, 3 * mm)]
    document.build(story)
    return path
