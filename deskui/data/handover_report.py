"""The handover report as a shift lead pins it to the wall: PDF and XLSX, one sheet per kind,
columns customer, item, status, deadline, owner, note (seed 004 after-sales 8); written by
deskui/documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from deskui.documents import Block, Document, Section
from deskui.domain.clock import site_zone
from deskui.domain.handover import ReportRow, by_sheet
from deskui.i18n import t
from deskui.locations import file_stamp

if TYPE_CHECKING:
    from deskui.data.handover_store import HandoverReportRecord

COLUMNS = ("customer", "item", "status", "deadline", "owner", "note")
XLSX_WIDTHS = (24, 36, 10, 18, 12, 40)
PDF_WIDTHS = [110.0, 190.0, 55.0, 85.0, 60.0, 270.0]


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
    zone = site_zone(timezone)
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


def report_document(report: HandoverReportRecord, zone: ZoneInfo) -> Document:
    """A section per kind, in the seed's order, every one present (an empty one says so)."""
    meta = _meta(report, zone)
    title = t("handover.report.title")
    sections = [
        Section(
            t(f"handover.sheet.{sheet.value}"),
            [Block(headers(), wall_rows(rows, zone), PDF_WIDTHS, t("handover.report.empty"))],
            top=[title, meta],
            widths=XLSX_WIDTHS,
            freeze="A3",
        )
        for sheet, rows in by_sheet(list(report.rows)).items()
    ]
    return Document(title, sections, meta)


def write_xlsx(report: HandoverReportRecord, target: Path, zone: ZoneInfo) -> None:
    from deskui.documents.xlsx_file import write_book

    write_book(report_document(report, zone), target)


def write_pdf(report: HandoverReportRecord, target: Path, zone: ZoneInfo) -> None:
    from deskui.documents.pdf_file import write_pdf as write_document

    write_document(report_document(report, zone), target)
