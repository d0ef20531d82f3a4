"""The team report (`deskui report team`, the measures screen's `x`) as one read use case
(issue 24): the period's figures, the records behind each measure, and the lead's weekly and
monthly figures (seed 004 售后客服组长 1-3), all from the measures services; laying them out
as sheets is the front ends' (deskui/report.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.field_problem import FieldProblem
from deskui.domain.periods import MOST_RANGE_DAYS, Period, months_in, range_problem, weeks_in
from deskui.domain.permissions import Action
from deskui.domain.refusal import refuse_problems
from deskui.services.actor import Actor, require
from deskui.services.measures import (
    Figure,
    FigureRecords,
    MeasureRecord,
    PeriodFigures,
    PeriodQuery,
    Share,
    figure_records,
    period_figures,
)


@dataclass(frozen=True, slots=True)
class TeamReport:
    """The team report of `period`, local days of the site's zone `site_timezone`."""

    period: Period
    site_timezone: str


@dataclass(frozen=True, slots=True)
class LeadFigures:
    """One week's, month's or the whole period's figures as the lead's sheets read them."""

    period: Period
    figures: PeriodFigures
    returns: Share | None = None
    """The return rate over the orders paid in the period; None: not measured (no data)."""
    refunds: Share | None = None
    survey_forms: Share | None = None
    """Survey forms in by the 10th; None when no quarter's due day is in the period."""


@dataclass(frozen=True, slots=True)
class TeamFigures:
    """What the team report shows: the period's figures, each measure's records (keyed
    'new_tickets', 'complaints', 'repeat_complaints', 'on_time:<kind>', 'leg_plans',
    'late_hand_on', 'survey_forms', 'returns_refunds'), and the lead's weeks and months."""

    figures: PeriodFigures
    records: dict[str, list[MeasureRecord]]
    weeks: list[LeadFigures]
    months: list[LeadFigures]
    total: LeadFigures


def team_report(uow: UnitOfWork, actor: Actor, query: TeamReport, now: datetime) -> TeamFigures:
    """A lead's or manager's (Action.SEE_TEAM), over at most MOST_RANGE_DAYS days; a read
    that is audited (`report`, the days it covers): its sheets leave the desk as a file."""
    require(actor, Action.SEE_TEAM)
    period = query.period
    problem = range_problem(period.first_day, period.last_day)
    if problem is not None:
        field, why = problem
        values = (("most", MOST_RANGE_DAYS), ("days", period.days))
        refuse_problems([FieldProblem(field, f"measures.range.error.{why.value}", values)])
    figures = period_figures(uow, actor, PeriodQuery(period), now)
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
    total = lead_figures(uow, actor, period, now, figures)

    def each(part: Period) -> LeadFigures:
        whole = (part.first_day, part.last_day) == (period.first_day, period.last_day)
        return total if whole else lead_figures(uow, actor, part, now)

    weeks = [each(week) for week in weeks_in(period, query.site_timezone)]
    months = [each(month) for month in months_in(period, query.site_timezone)]
    # the report leaves the desk as a file (customers' names in its records), as an export
    uow.audit.write(
        now,
        "report",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=f"{period.first_day.isoformat()} – {period.last_day.isoformat()}",
        detail={"days": period.days},
    )
    uow.commit()
    return TeamFigures(figures, records, weeks, months, total)


def record_queries(figures: PeriodFigures) -> dict[str, list[FigureRecords]]:
    """The drill-downs whose records the department, survey and returns sheets list."""
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


def lead_figures(
    uow: UnitOfWork,
    actor: Actor,
    period: Period,
    now: datetime,
    figures: PeriodFigures | None = None,
) -> LeadFigures:
    """One period's figures from the measures services (`figures` when already computed)."""
    if figures is None:
        figures = period_figures(uow, actor, PeriodQuery(period), now)
    money = figures.returns_refunds  # seed 004: the shops' return and refund rates
    return LeadFigures(
        period, figures, money.return_rate, money.refund_rate, survey_forms_in(figures)
    )


def survey_forms_in(figures: PeriodFigures) -> Share | None:
    """Survey forms in by the 10th over the quarters whose due day falls in the period
    (seed 000:2.5.3); None when none does: the sheet says no data."""
    if not figures.survey_forms:
        return None
    return Share(
        sum(f.by_due_day.numerator for f in figures.survey_forms),
        sum(f.by_due_day.denominator for f in figures.survey_forms),
    )


def kind_share(figures: PeriodFigures, kind: str) -> Share:
    """A deadline kind's on-time share over all its groups (severities, filing sides)."""
    lines = [f.on_time for f in figures.on_time if f.kind == kind]
    return Share(sum(s.numerator for s in lines), sum(s.denominator for s in lines))
