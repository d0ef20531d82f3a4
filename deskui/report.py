"""`deskui report team`: the lead's measures over local days, as XLSX (one sheet per measure
with its records) or PDF (the same tables, in the handover report's Chinese CID font)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from deskui.domain.periods import Period
from deskui.i18n import t
from deskui.screens.measure_text import (
    group_label,
    guardrail_phrases,
    hours_text,
    key_label,
    record_label,
    share_text,
)

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.services.measures import FigureRecords, MeasureRecord, PeriodFigures, Share

PDF_FONT = "STSong-Light"  # the handover report's built-in CID font: Chinese, no font file


@dataclass(frozen=True, slots=True)
class Sheet:
    """One measure: its title, figure lines (label, numerator, denominator, share) and the
    records behind it."""

    title: str
    figures: list[list[Any]]
    records: list[list[Any]]
    headers: list[str] | None = None
    """The figure lines' column headings; None: measure, numerator, denominator, share."""


def record_headers() -> list[str]:
    return [t(f"measures.col.{c}") for c in ("record", "label", "owner", "due", "met", "state")]


def record_rows(records: list[MeasureRecord], zone: ZoneInfo) -> list[list[Any]]:
    def local(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""

    return [
        [
            f"{t(f'measures.subject.{r.subject_type}')} #{r.subject_id}",
            record_label(r),
            r.owner,
            local(r.due_at),
            local(r.met_at),
            t(f"measures.state.{r.state}"),
        ]
        for r in records
    ]


def figure_headers() -> list[str]:
    return [t(f"measures.col.{c}") for c in ("measure", "numerator", "denominator", "share")]


def _share_line(label: str, share: Share) -> list[Any]:
    return [label, share.numerator, share.denominator, share_text(share)]


def build_sheets(
    figures: PeriodFigures,
    records: dict[str, list[MeasureRecord]],
    zone: ZoneInfo,
) -> list[Sheet]:
    """The report's sheets from the period figures and the records of each measure (keyed
    'new_tickets', 'complaints', 'repeat_complaints', 'on_time:<kind>', and those of
    `record_queries`), figures first."""
    from deskui.services.measures import Share

    money = figures.returns_refunds
    sheets = [
        Sheet(
            t("measures.sheet.summary"),
            [
                [t("measures.new_tickets"), figures.new_tickets, "", ""],
                [t("measures.complaints"), figures.complaints, "", ""],
                [t("measures.repeat_complaints"), figures.repeat_complaints, "", ""],
                _share_line(t("measures.hand_on.title"), figures.late_hand_on),
                [t("measures.breaches"), figures.breaches, "", ""],
                *(_share_line(group_label(f.kind, f.group), f.on_time) for f in figures.on_time),
                _share_line(t("measures.callbacks_made"), figures.callbacks_made),
                _share_line(t("measures.callbacks_within_week"), figures.callbacks_within_week),
                _share_line(t("measures.gift_arrivals"), figures.gift_arrivals_confirmed),
                *(
                    _share_line(t("measures.survey.title", quarter=f.label), f.by_due_day)
                    for f in figures.survey_forms
                ),
                *(
                    _share_line(
                        t(
                            "measures.legs.on_time",
                            department=key_label("department", p.department),
                        ),
                        p.by_stated_time,
                    )
                    for p in figures.leg_plans
                ),
                _share_line(t("measures.returns.return_rate"), money.return_rate),
                _share_line(t("measures.returns.refund_rate"), money.refund_rate),
            ],
            [],
        )
    ]
    for kind in dict.fromkeys(f.kind for f in figures.on_time):
        lines = [
            [*_share_line(group_label(f.kind, f.group), f.on_time)]
            for f in figures.on_time
            if f.kind == kind
        ]
        sheets.append(
            Sheet(
                t(f"deadline_kind.{kind}"),
                lines,
                record_rows(records.get(f"on_time:{kind}", []), zone),
            )
        )
    resolution = [
        [f"{t('measures.by_category')}: {key_label('category', r.key)}", r.count,
         hours_text(r.median_hours), hours_text(r.p90_hours)]
        for r in figures.resolution_by_category
    ] + [
        [f"{t('measures.by_department')}: {key_label('department', r.key)}", r.count,
         hours_text(r.median_hours), hours_text(r.p90_hours)]
        for r in figures.resolution_by_department
    ]  # fmt: skip
    sheets.append(Sheet(t("measures.sheet.resolution"), resolution, []))
    sheets.append(
        Sheet(
            t("measures.complaints"),
            [
                [key_label("category", c.key), c.count, figures.complaints, ""]
                for c in figures.complaints_by_category
            ],
            record_rows(records.get("complaints", []), zone),
        )
    )
    sheets.append(
        Sheet(
            t("measures.repeat_complaints"),
            [
                _share_line(
                    t("measures.repeat_complaints"),
                    Share(figures.repeat_complaints, figures.complaints),
                )
            ],
            record_rows(records.get("repeat_complaints", []), zone),
        )
    )
    sheets += _department_sheets(figures, records, zone)
    sheets.append(_survey_sheet(figures, records, zone))
    sheets.append(_returns_sheet(figures, records, zone))
    sheets.append(
        Sheet(
            t("measures.new_tickets"),
            [[t("measures.new_tickets"), figures.new_tickets, "", ""]],
            record_rows(records.get("new_tickets", []), zone),
        )
    )
    sheets.append(
        Sheet(
            t("measures.guardrail.title"),
            [[g.agent_name, g.hits, guardrail_phrases(g), ""] for g in figures.guardrail_hits],
            [],
        )
    )
    return sheets


def _department_sheets(
    figures: PeriodFigures, records: dict[str, list[MeasureRecord]], zone: ZoneInfo
) -> list[Sheet]:
    """The departments' stated times against the actual (one line each: finished by the
    stated time, then the two medians and the counts behind them), and the repeat complaints
    their late hand-on caused, by department and person."""
    legs: list[list[Any]] = []
    for p in figures.leg_plans:
        department = key_label("department", p.department)
        legs += [
            _share_line(t("measures.legs.on_time", department=department), p.by_stated_time),
            [f"  {t('measures.legs.stated')}", p.planned, "",
             hours_text(p.stated_median_hours)],
            [f"  {t('measures.legs.actual')}", p.finished, "",
             hours_text(p.actual_median_hours)],
        ]  # fmt: skip
    if not legs:
        legs = [[t("measures.legs.title"), "", "", t("measures.no_data")]]
    hand_on = [
        _share_line(t("measures.hand_on.title"), figures.late_hand_on),
        *(
            [key_label("department", c.key), c.count, "", ""]
            for c in figures.late_hand_on_by_department
        ),
        *(
            [
                f"{key_label('department', h.department)} · "
                f"{h.person or t('measures.hand_on.unnamed')}",
                h.complaints,
                "",
                "",
            ]
            for h in figures.late_hand_on_by_person
        ),
    ]
    return [
        Sheet(t("measures.legs.sheet"), legs, record_rows(records.get("leg_plans", []), zone)),
        Sheet(
            t("measures.hand_on.sheet"),
            hand_on,
            record_rows(records.get("late_hand_on", []), zone),
        ),
    ]


def _survey_sheet(
    figures: PeriodFigures, records: dict[str, list[MeasureRecord]], zone: ZoneInfo
) -> Sheet:
    """Each quarter due in the period: in by the 10th of those expected, late, missing; the
    late and missing customers below."""
    lines: list[list[Any]] = []
    for f in figures.survey_forms:
        lines += [
            _share_line(t("measures.survey.title", quarter=f.label), f.by_due_day),
            [f"  {t('measures.survey.late')}", f.late, f.by_due_day.denominator, ""],
            [f"  {t('measures.survey.missing')}", f.missing, f.by_due_day.denominator, ""],
        ]
    if not lines:
        lines = [[t("measures.survey.title_none"), "", "", t("measures.survey.not_due")]]
    return Sheet(
        t("measures.survey.sheet"), lines, record_rows(records.get("survey_forms", []), zone)
    )


def _returns_sheet(
    figures: PeriodFigures, records: dict[str, list[MeasureRecord]], zone: ZoneInfo
) -> Sheet:
    money = figures.returns_refunds
    return Sheet(
        t("measures.returns.sheet"),
        [
            [t("measures.returns.paid"), money.orders_paid, "", ""],
            _share_line(t("measures.returns.return_rate"), money.return_rate),
            [t("measures.returns.exchanges"), money.exchanges, money.orders_paid, ""],
            _share_line(t("measures.returns.refund_rate"), money.refund_rate),
            [f"  {t('measures.returns.voids')}", money.voids, money.orders_paid, ""],
            [
                f"  {t('measures.returns.differences')}",
                money.refund_differences,
                money.orders_paid,
                "",
            ],
        ],
        record_rows(records.get("returns_refunds", []), zone),
    )


def record_queries(figures: PeriodFigures) -> dict[str, list[FigureRecords]]:
    """The drill-downs whose records the department, survey and returns sheets list."""
    from deskui.services.measures import Figure, FigureRecords

    period = figures.period
    return {
        "leg_plans": [FigureRecords(Figure.LEG_PLANS, period)],
        "late_hand_on": [FigureRecords(Figure.LATE_HAND_ON, period)],
        "survey_forms": [
            FigureRecords(Figure.SURVEY_FORMS, period, key=f.label) for f in figures.survey_forms
        ],
        "returns_refunds": [
            FigureRecords(Figure.RETURNS, period),
            FigureRecords(Figure.RETURNS, period, key="exchange"),
            FigureRecords(Figure.REFUNDS, period),
        ],
    }


def period_title(period: Period) -> str:
    return t("measures.report.title", first=period.first_day.isoformat(),
             last=period.last_day.isoformat())  # fmt: skip


def write_xlsx(sheets: list[Sheet], title: str, target: Path | Any) -> None:
    """One sheet per measure: the title, its figures, then its records."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from deskui.data.tabular import append_text_row

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for sheet in sheets:
        name = _sheet_name(sheet.title, used)
        page = book.create_sheet(name)
        append_text_row(page, [title])
        append_text_row(page, sheet.headers or figure_headers())
        for cell in page[2]:
            cell.font = Font(bold=True)
        for line in sheet.figures:
            append_text_row(page, line)
        if sheet.records:
            page.append([])
            append_text_row(page, record_headers())
            for cell in page[page.max_row]:
                cell.font = Font(bold=True)
            for row in sheet.records:  # record text stays text, never a formula
                append_text_row(page, row)
        for column, width in zip("ABCDEF", (34, 40, 14, 18, 18, 10), strict=True):
            page.column_dimensions[column].width = width
        if sheet.headers:  # a lead's sheet: as wide as its headings
            _fit_columns(page, [sheet.headers, *sheet.figures])
    book.save(target)


def _fit_columns(page: Any, lines: list[list[Any]]) -> None:
    from openpyxl.utils import get_column_letter
    from rich.cells import cell_len

    for n, column in enumerate(zip(*lines, strict=False), start=1):
        widest = max(cell_len(str(value)) for value in column)
        page.column_dimensions[get_column_letter(n)].width = max(10, widest + 2)


def _sheet_name(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique in the book
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


def write_pdf(sheets: list[Sheet], title: str, target: Path | Any) -> None:
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

    def cell(value: object) -> Paragraph:
        return Paragraph(escape(str(value)), body)  # record text stays text

    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story: list[Any] = [Paragraph(escape(title), heading)]
    for sheet in sheets:
        story.append(Paragraph(escape(sheet.title), sub))
        headers = sheet.headers or figure_headers()
        data = [[cell(h) for h in headers]]
        data += [[cell(v) for v in line] for line in sheet.figures]
        if not sheet.figures:
            data.append([cell(t("measures.no_data"))] + [cell("")] * (len(headers) - 1))
        widths = [300, 120, 120, 200] if sheet.headers is None else _pdf_widths(len(headers))
        story += [Table(data, colWidths=widths, repeatRows=1, style=style)]
        if sheet.records:
            rows = [[cell(h) for h in record_headers()]]
            rows += [[cell(v) for v in row] for row in sheet.records]
            widths = [100, 250, 70, 100, 100, 70]
            story += [Spacer(1, 4), Table(rows, colWidths=widths, repeatRows=1, style=style)]
        story.append(Spacer(1, 6))
    document = SimpleDocTemplate(
        str(target), pagesize=landscape(A4), title=title,
        leftMargin=28, rightMargin=28, topMargin=28, bottomMargin=28,
    )  # fmt: skip
    document.build(story)


def _pdf_widths(columns: int, page: float = 780.0) -> list[float]:
    """A lead's sheet on a landscape A4: the first column wider, the rest shared alike."""
    first = 110.0
    return [first] + [(page - first) / (columns - 1)] * (columns - 1) if columns > 1 else [page]


def team_report(uow: Any, actor: Any, period: Period, now: datetime, zone: ZoneInfo) -> list[Sheet]:
    """The period's figures and each measure's records, through the measures services."""
    from deskui.services.measures import Figure, FigureRecords, PeriodQuery, figure_records
    from deskui.services.measures import period_figures as figures_of

    figures = figures_of(uow, actor, PeriodQuery(period), now)
    records = {
        name: figure_records(uow, actor, FigureRecords(figure, period), now)
        for name, figure in (
            ("new_tickets", Figure.NEW_TICKETS),
            ("complaints", Figure.COMPLAINTS),
            ("repeat_complaints", Figure.REPEAT_COMPLAINTS),
        )
    }
    for kind in dict.fromkeys(f.kind for f in figures.on_time):
        records[f"on_time:{kind}"] = figure_records(
            uow, actor, FigureRecords(Figure.ON_TIME, period, kind), now
        )
    for name, queries in record_queries(figures).items():
        records[name] = [r for q in queries for r in figure_records(uow, actor, q, now)]
    from deskui.lead_sheets import lead_sheets

    lead = lead_sheets(uow, actor, period, now, figures, zone.key)
    return build_sheets(figures, records, zone) + lead


@dataclass(frozen=True, slots=True)
class TeamReportFile:
    """The team report of `period` as XLSX into the desk's reports folder (the demo's own)."""

    settings: Settings
    period: Period


def write_team_report(uow: Any, actor: Any, command: TeamReportFile, now: datetime) -> Path:
    """The measures screen's `x`: the CLI's report of the period shown, a read like the
    period view (no commit); `team-<first>-<last>-<local stamp>.xlsx`, its path returned."""
    from deskui.data.handover_report import report_folder
    from deskui.locations import file_stamp

    settings, period = command.settings, command.period
    sheets = team_report(uow, actor, period, now, ZoneInfo(settings.site_timezone))
    folder = report_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = file_stamp(now, settings.site_timezone)
    days = f"{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"
    target = folder / f"team-{days}-{stamp}.xlsx"
    write_xlsx(sheets, period_title(period), target)
    return target
