"""On-site visit requests (上门回访申请函, seed 000:2.5.4): an agent asks with what the letter
states (reason, frequency, the confirmation form's contents, first and end date, the
feedback's frequency and times); a lead or manager approves or rejects with a note; an
approved visit's feedback is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from deskui.data.callback_store import CallbackError, VisitRow
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import CallbackPurpose, CallbackWay
from deskui.domain.permissions import Action
from deskui.domain.visit_life import (
    VisitRefusal,
    VisitStatus,
    decision,
    feedback_refusal,
    request_problems,
    visit_dates,
)
from deskui.services.actor import Actor, Denied, require
from deskui.services.callbacks import ListPage

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "DecideVisit",
    "ListPage",
    "RecordVisitFeedback",
    "RequestVisit",
    "VisitRow",
    "decide_visit",
    "record_visit_feedback",
    "request_visit",
    "visit_count",
    "visit_page",
]


@dataclass(frozen=True, slots=True)
class RequestVisit:
    """An agent asks for an on-site visit to a customer, from a callback or the coverage list,
    stating all the request letter states (seed 000:2.5.4)."""

    customer_id: int
    reason: str
    frequency: str
    first_date: date
    end_date: date
    callback_id: int | None = None
    confirmation_form: str = ""
    """回访确认表内容: what the customer confirms on the visit's form."""
    feedback_frequency: str = ""
    """信息反馈的频率: how often the visit's information is reported back."""
    feedback_times: str = ""
    """信息反馈的时间: when it is reported back."""


def request_visit(uow: UnitOfWork, actor: Actor, command: RequestVisit, now: datetime) -> int:
    """The new request's id; it waits for a lead. Every statement is required, plain text of
    its length; the first visit is no earlier than the desk's today (its clock, in the site's
    zone) and the end within two years (domain/visit_life.request_problems)."""
    require(actor, Action.WORK_OWN)
    calendar = BusinessCalendar(uow.calendar.calendar_overrides())
    texts = {
        "reason": command.reason,
        "frequency": command.frequency,
        "confirmation_form": command.confirmation_form,
        "feedback_frequency": command.feedback_frequency,
        "feedback_times": command.feedback_times,
    }
    today = now.astimezone(calendar.tz).date()
    problems = request_problems(texts, command.first_date, command.end_date, today)
    if problems:
        raise CallbackError(problems[0].key, problems[0].values, problems)
    if not uow.customers.customer_exists(command.customer_id):
        raise CallbackError("callbacks.error.no_customer")
    request_id = uow.callbacks.request_visit(
        command.customer_id,
        actor.id,
        now,
        reason=command.reason,
        frequency=command.frequency,
        first_date=command.first_date,
        end_date=command.end_date,
        callback_id=command.callback_id,
        confirmation_form=command.confirmation_form,
        feedback_frequency=command.feedback_frequency,
        feedback_times=command.feedback_times,
    )
    uow.commit()
    return request_id


@dataclass(frozen=True, slots=True)
class DecideVisit:
    """A lead or manager approves or rejects a pending request; a rejection needs a note."""

    request_id: int
    approve: bool
    note: str = ""


def decide_visit(uow: UnitOfWork, actor: Actor, command: DecideVisit, now: datetime) -> None:
    require(actor, Action.APPROVE_VISIT)
    status = uow.callbacks.visit_status(command.request_id)
    asked_by = uow.callbacks.visit_request_facts(command.request_id)[1]
    decided = decision(status, command.approve, command.note, asked_by=asked_by, decider=actor.id)
    if isinstance(decided, VisitRefusal):
        raise CallbackError(decided.key, decided.values)
    uow.callbacks.decide_visit(command.request_id, actor.id, decided, command.note, now)
    if decided is VisitStatus.APPROVED:
        _schedule_visits(uow, command.request_id, now)
    uow.audit.write(
        now,
        "visit_decided",
        agent_id=actor.id,
        agent_name=actor.name,
        outcome=str(decided),
        subject=f"visit request {command.request_id}",
    )
    uow.commit()


VISIT_TIME = time(10, 0)
"""A scheduled visit's local time; the callback store moves it out of the customer's rest
time and into their calling hours, as any callback."""


def _schedule_visits(uow: UnitOfWork, request_id: int, now: datetime) -> None:
    """An approved request's visits become callbacks made on site (seed 000:2.5.4: "经总办批准
    后方可开始实行"), on the days its first date, frequency and end date name (domain/
    visit_life.visit_dates), each the requesting agent's, counting down like any callback
    (issue 26: an approval scheduled nothing)."""
    customer_id, agent_id, frequency, first, end = uow.callbacks.visit_request_facts(request_id)
    calendar = BusinessCalendar(uow.calendar.calendar_overrides())
    for day in visit_dates(first, end, frequency):
        at = datetime.combine(day, VISIT_TIME, tzinfo=calendar.tz).astimezone(UTC)
        uow.callbacks.add_callback(
            customer_id,
            CallbackPurpose.ROUTINE,
            at,
            now,
            calendar,
            agent_id=agent_id,
            way=CallbackWay.VISIT,
            due_at=at,
        )


@dataclass(frozen=True, slots=True)
class RecordVisitFeedback:
    """What the approved visit found (seed 000:2.5.4: the request form's feedback)."""

    request_id: int
    feedback: str


def record_visit_feedback(
    uow: UnitOfWork, actor: Actor, command: RecordVisitFeedback, now: datetime
) -> None:
    require(actor, Action.WORK_OWN)
    _refuse_unless_asked(uow, actor, command.request_id)
    status = uow.callbacks.visit_status(command.request_id)
    refused = feedback_refusal(status, command.feedback)
    if refused is not None:
        raise CallbackError(refused.key, refused.values)
    uow.callbacks.record_visit_feedback(command.request_id, command.feedback, now)
    uow.commit()


def _refuse_unless_asked(uow: UnitOfWork, actor: Actor, request_id: int) -> None:
    """What a visit found is written by the agent who asked for it, or a lead or manager
    (who may work anyone's, domain/ownership): not by a colleague or a department member."""
    asked_by = uow.callbacks.visit_request_facts(request_id)[1]
    if asked_by != actor.id and not actor.may(Action.REASSIGN):
        raise Denied(Action.REASSIGN, actor.role)


def visit_count(uow: UnitOfWork, actor: Actor, page: ListPage, now: datetime) -> int:
    require(actor, Action.WORK_OWN)
    return uow.callbacks.visit_count()


def visit_page(uow: UnitOfWork, actor: Actor, page: ListPage, now: datetime) -> list[VisitRow]:
    """Visit requests, the pending ones first, then by first date."""
    require(actor, Action.WORK_OWN)
    return uow.callbacks.visit_rows(page.offset, page.limit)
