"""The handover report as a shift lead pins it to the wall: PDF and XLSX, one sheet per kind,
columns customer, item, status, deadline, owner, note (seed 004 after-sales 8)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from deskui.domain.handover import ReportRow, by_sheet
from deskui.i18n import t
from deskui.locations import file_stamp

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.data.handover_store import HandoverReportRecord

COLUMNS = ("customer", "item", "status", "deadline", "owner", "note")
PDF_FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without a font file


def report_folder(settings: Settings) -> Path:
    """Where printed reports go: `reports/` in the desk's files folder (the demo's own)."""
    from deskui.locations import files_dir

    return files_dir(settings) / "reports"


def headers() -> list[str]:
    return [t(f"handover.col.{name}") for name in COLUMNS]


def wall_rows(rows: list[ReportRow], zone: ZoneInfo) -> list[list[str]]:
    return [
        [
            row.customer,
            row.item,
            t(f"handover.status.{row.status}"),
            row.deadline.astimezone(zone).strftime("%Y-%m-%d %H:%M") if row.deadline else "",
            row.owner,
            row.note,
        ]
        for row in rows
    ]


def write_report(report: HandoverReportRecord, folder: Path, timezone: str) -> tuple[Path, Path]:
    """Write `handover-<id>.pdf` and `.xlsx` into `folder` (created); returns both paths."""
    zone = ZoneInfo(timezone)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = file_stamp(report.handed_over_at, timezone)
    base = folder / f"handover-{stamp}-{report.id}"
    pdf, xlsx = base.with_suffix(".pdf"), base.with_suffix(".xlsx")
    write_xlsx(report, xlsx, zone)
    write_pdf(report, pdf, zone)
    return pdf, xlsx


def _meta(report: HandoverReportRecord, zone: ZoneInfo) -> str:
    at = report.handed_over_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return t("handover.report.meta", giver=report.from_name, taker=report.to_name, at=at)


def write_xlsx(report: HandoverReportRecord, target: Path, zone: ZoneInfo) -> None:
    """One sheet per kind, in the seed's order, every sheet present."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from deskui.data.tabular import append_text_row

    book = Workbook()
    book.remove(book.active)
    for sheet, rows in by_sheet(list(report.rows)).items():
        page = book.create_sheet(t(f"handover.sheet.{sheet.value}")[:31])
        append_text_row(page, [t("handover.report.title"), _meta(report, zone)])
        append_text_row(page, headers())
        for cell in page[2]:
            cell.font = Font(bold=True)
        for row in wall_rows(rows, zone):
            append_text_row(page, list(row))
        page.freeze_panes = "A3"
        for column, width in zip("ABCDEF", (24, 36, 10, 18, 12, 40), strict=True):
            page.column_dimensions[column].width = width
    book.save(target)


def write_pdf(report: HandoverReportRecord, target: Path, zone: ZoneInfo) -> None:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9, leading=12)
    heading = ParagraphStyle("heading", parent=body, fontSize=14, leading=18)
    sub = ParagraphStyle("sub", parent=body, fontSize=11, leading=15, spaceBefore=8)

    def cell(text: str) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), body)  # user text stays text

    story: list[Any] = [
        Paragraph(escape(t("handover.report.title")), heading),
        Paragraph(escape(_meta(report, zone)), body),
    ]
    widths = [110, 190, 55, 85, 60, 270]
    for sheet, rows in by_sheet(list(report.rows)).items():
        story.append(Paragraph(escape(t(f"handover.sheet.{sheet.value}")), sub))
        data = [[cell(h) for h in headers()]]
        data += [[cell(v) for v in row] for row in wall_rows(rows, zone)]
        if not rows:
            data.append([cell(t("handover.report.empty"))] + [cell("")] * 5)
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 4)]
    document = SimpleDocTemplate(
        str(target), pagesize=landscape(A4), title=t("handover.report.title"),
        leftMargin=28, rightMargin=28, topMargin=28, bottomMargin=28,
    )  # fmt: skip
    document.build(story)
