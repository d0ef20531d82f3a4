"""`deskui report team`: the lead's measures over local days, as XLSX (one sheet per measure
with its records) or PDF (the same tables, in the handover report's Chinese CID font)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from deskui.documents import Block, Document, Section
from deskui.domain.clock import site_zone
from deskui.domain.periods import Period
from deskui.i18n import t
from deskui.lead_sheets import Sheet, lead_sheets
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
    from deskui.services.measures import MeasureRecord, PeriodFigures, Share
    from deskui.services.team_report import TeamFigures

XLSX_WIDTHS = (34, 40, 14, 18, 18, 10)
FIGURE_WIDTHS = [300.0, 120.0, 120.0, 200.0]
"""A measure's figure lines on the PDF page (a lead's sheet shares the page alike)."""
RECORD_WIDTHS = [100.0, 250.0, 70.0, 100.0, 100.0, 70.0]


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


def period_title(period: Period) -> str:
    return t("measures.report.title", first=period.first_day.isoformat(),
             last=period.last_day.isoformat())  # fmt: skip


def report_document(sheets: list[Sheet], title: str) -> Document:
    """A section per measure: its figure lines (a lead's sheet under its own headings, as
    wide as they are), then its records when it has any."""
    sections = []
    for sheet in sheets:
        headers = sheet.headers or figure_headers()
        widths = FIGURE_WIDTHS if sheet.headers is None else None
        blocks = [Block(headers, sheet.figures, widths, t("measures.no_data"))]
        if sheet.records:
            blocks.append(Block(record_headers(), sheet.records, RECORD_WIDTHS))
        sections.append(
            Section(sheet.title, blocks, top=[title], widths=XLSX_WIDTHS, fit=bool(sheet.headers))
        )
    return Document(title, sections)


def write_xlsx(sheets: list[Sheet], title: str, target: Path | Any) -> None:
    """One sheet per measure: the title, its figures, then its records."""
    from deskui.documents.xlsx_file import write_book

    write_book(report_document(sheets, title), target)


def write_pdf(sheets: list[Sheet], title: str, target: Path | Any) -> None:
    """The same tables on landscape A4, in the handover report's Chinese font."""
    from deskui.documents.pdf_file import write_pdf as write_document

    write_document(report_document(sheets, title), target)


def team_sheets(report: TeamFigures, zone: ZoneInfo) -> list[Sheet]:
    """The team report's sheets: each measure's, then the lead's weekly and monthly."""
    return build_sheets(report.figures, report.records, zone) + lead_sheets(report)


@dataclass(frozen=True, slots=True)
class TeamReportFile:
    """The team report of `period` as XLSX into the desk's reports folder (the demo's own)."""

    settings: Settings
    period: Period


def write_team_report(uow: Any, actor: Any, command: TeamReportFile, now: datetime) -> Path:
    """The measures screen's `x`: the CLI's report of the period shown, a read like the
    period view (no commit); `team-<first>-<last>-<local stamp>.xlsx`, its path returned."""
    from deskui.locations import file_stamp, reports_dir
    from deskui.services.team_report import TeamReport, team_report

    settings, period = command.settings, command.period
    figures = team_report(uow, actor, TeamReport(period, settings.site_timezone), now)
    sheets = team_sheets(figures, site_zone(settings.site_timezone))
    folder = reports_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = file_stamp(now, settings.site_timezone)
    days = f"{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"
    target = folder / f"team-{days}-{stamp}.xlsx"
    write_xlsx(sheets, period_title(period), target)
    return target
