"""The lead's measures (issue 17; seed 002:2.5): the period view, the live view, the 30-day
trend and the records behind each figure; leads and managers only (Action.SEE_TEAM)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from deskui.data.measure_store import (
    AgentLoad,
    Count,
    DayTrend,
    GuardrailHits,
    LateHandOn,
    LegPlans,
    LiveFigures,
    MeasureRecord,
    OnTime,
    PeriodFigures,
    Resolution,
    ReturnsRefunds,
    Share,
    SurveyForms,
)
from deskui.domain.periods import Period, PeriodKind, day_start, local_today, trailing_days
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require
from deskui.services.presence import FRESH

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "AgentLoad",
    "Count",
    "DayTrend",
    "Figure",
    "FigureRecords",
    "GuardrailHits",
    "LateHandOn",
    "LegPlans",
    "LiveFigures",
    "LiveQuery",
    "MeasureRecord",
    "OnTime",
    "Period",
    "PeriodFigures",
    "PeriodKind",
    "PeriodQuery",
    "Resolution",
    "ReturnsRefunds",
    "Share",
    "SurveyForms",
    "TrendQuery",
    "figure_records",
    "live_figures",
    "period_figures",
    "trend",
]


@dataclass(frozen=True, slots=True)
class PeriodQuery:
    """The period view of one period (local days of the site)."""

    period: Period


@dataclass(frozen=True, slots=True)
class LiveQuery:
    """The live view as of `now`, today being the site's local day."""


@dataclass(frozen=True, slots=True)
class TrendQuery:
    """The chart: the last `days` local days ending today."""

    days: int = 30


class Figure(StrEnum):
    """A figure the lead can open to see its records."""

    NEW_TICKETS = "new_tickets"
    COMPLAINTS = "complaints"
    REPEAT_COMPLAINTS = "repeat_complaints"
    ON_TIME = "on_time"  # a deadline share: kind and group given
    BREACHES = "breaches"  # the period's late deadlines (kind and group narrow them)
    BREACHED_TODAY = "breached_today"
    BREACHING_NEXT_HOUR = "breaching_next_hour"
    OPEN_BY_SEVERITY = "open_by_severity"  # key: the severity
    OPEN_BY_DEPARTMENT = "open_by_department"  # key: the department code, '' for none
    AGENT_OPEN = "agent_open"  # agent_id given
    AGENT_OVERDUE = "agent_overdue"
    UNACKNOWLEDGED_HANDOVER = "unacknowledged_handover"
    LEG_PLANS = "leg_plans"  # key: a department code, '' for every department
    LATE_HAND_ON = "late_hand_on"  # key: a department code ('' every one), group: a person
    SURVEY_FORMS = "survey_forms"  # key: the quarter, '2026Q4'
    ORDERS_PAID = "orders_paid"
    RETURNS = "returns"  # key: 'return' (the default) or 'exchange'
    REFUNDS = "refunds"


@dataclass(frozen=True, slots=True)
class FigureRecords:
    """The records behind one figure; period figures need `period`."""

    figure: Figure
    period: Period | None = None
    kind: str | None = None
    group: str | None = None
    key: str = ""
    agent_id: int | None = None


def period_figures(
    uow: UnitOfWork, actor: Actor, query: PeriodQuery, now: datetime
) -> PeriodFigures:
    require(actor, Action.SEE_TEAM)
    return uow.measures.period_figures(query.period, now)


def live_figures(uow: UnitOfWork, actor: Actor, query: LiveQuery, now: datetime) -> LiveFigures:
    require(actor, Action.SEE_TEAM)
    return uow.measures.live_figures(now, day_start(local_today(now)), now - FRESH)


def trend(uow: UnitOfWork, actor: Actor, query: TrendQuery, now: datetime) -> tuple[DayTrend, ...]:
    require(actor, Action.SEE_TEAM)
    return uow.measures.trend(trailing_days(now, query.days), now)


def figure_records(
    uow: UnitOfWork, actor: Actor, query: FigureRecords, now: datetime
) -> list[MeasureRecord]:
    """Enter on a figure: the records it counts (at most a page of 500, newest first)."""
    require(actor, Action.SEE_TEAM)
    store, figure, period = uow.measures, query.figure, query.period
    today = day_start(local_today(now))
    if figure in (Figure.NEW_TICKETS, Figure.COMPLAINTS, Figure.REPEAT_COMPLAINTS):
        return store.ticket_records(
            _needs(period),
            complaints_only=figure is not Figure.NEW_TICKETS,
            repeat_only=figure is Figure.REPEAT_COMPLAINTS,
        )
    if figure in (Figure.ON_TIME, Figure.BREACHES):
        p = _needs(period)
        return store.deadline_records(
            p.start,
            p.end,
            now,
            kind=query.kind,
            group=query.group,
            state="late" if figure is Figure.BREACHES else None,
        )
    if figure in _PERIOD_RECORDS:
        return _PERIOD_RECORDS[figure](uow, query, _needs(period), now)
    if figure is Figure.BREACHED_TODAY:
        return store.deadline_records(today, now, now, state="late")
    if figure is Figure.BREACHING_NEXT_HOUR:
        return store.deadline_records(now, now + timedelta(hours=1), now, open_only=True)
    if figure is Figure.OPEN_BY_SEVERITY:
        return store.ticket_records(None, open_severity=query.key)
    if figure is Figure.OPEN_BY_DEPARTMENT:
        return store.ticket_records(None, open_department=query.key)
    if figure in (Figure.AGENT_OPEN, Figure.AGENT_OVERDUE):
        ever = timedelta(days=36500)
        far = now + ever if figure is Figure.AGENT_OPEN else now
        return store.deadline_records(
            now - ever,
            far,
            now,
            owner_id=query.agent_id,
            open_only=True,
            any_kind=True,
        )
    return store.unacknowledged_handover_records()


def _needs(period: Period | None) -> Period:
    if period is None:
        raise ValueError("this figure belongs to a period")
    return period


def _leg_records(uow: UnitOfWork, query: FigureRecords, period: Period, now: datetime) -> Records:
    return uow.measures.leg_records(period, now, query.key or None)


def _late_hand_on_records(
    uow: UnitOfWork, query: FigureRecords, period: Period, now: datetime
) -> Records:
    return uow.measures.late_hand_on_records(period, query.key or None, query.group)


def _survey_records(
    uow: UnitOfWork, query: FigureRecords, period: Period, now: datetime
) -> Records:
    """The quarter's late and missing forms; a quarter not due in the period has none."""
    for year, quarter, _due_on, due_at in uow.measures.survey_due_quarters(period):
        if f"{year}Q{quarter}" == query.key:
            return uow.measures.survey_records(year, quarter, due_at)
    return []


def _order_records(which: str) -> RecordsOf:
    def records(uow: UnitOfWork, query: FigureRecords, period: Period, now: datetime) -> Records:
        exchanges = which == "return" and query.key == "exchange"  # the one key they take
        return uow.measures.order_records(period, "exchange" if exchanges else which)

    return records


Records = list[MeasureRecord]
RecordsOf = Callable[["UnitOfWork", FigureRecords, Period, datetime], Records]
_PERIOD_RECORDS: dict[Figure, RecordsOf] = {
    Figure.LEG_PLANS: _leg_records,
    Figure.LATE_HAND_ON: _late_hand_on_records,
    Figure.SURVEY_FORMS: _survey_records,
    Figure.ORDERS_PAID: _order_records("paid"),
    Figure.RETURNS: _order_records("return"),
    Figure.REFUNDS: _order_records("refund"),
}
"""The records behind the period figures of departments, survey forms and orders."""
