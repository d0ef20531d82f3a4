"""Complaint handling by the seven-step script (seed 001:6-7, 002:2.4.1): what happens when
an agent saves a step, in one function."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.data.complaint_store import ComplaintCase, ComplaintRow, DepartmentRepeats, StepSave
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

__all__ = [
    "ComplaintCase",
    "ComplaintOf",
    "ComplaintPage",
    "ComplaintRow",
    "ComplaintStepSaved",
    "ComplaintsOf",
    "DepartmentRepeats",
    "RepeatsQuery",
    "SaveComplaintStep",
    "complaint_case",
    "complaint_count",
    "complaint_page",
    "department_repeats",
    "save_complaint_step",
]


@dataclass(frozen=True, slots=True)
class ComplaintOf:
    """The complaint of one ticket, as the complaint screen opens it."""

    ticket_id: int


@dataclass(frozen=True, slots=True)
class ComplaintsOf:
    """Open complaints owned by one agent (a lead's include those taken over), or every
    agent's when `owner_id` is None."""

    owner_id: int | None = None


@dataclass(frozen=True, slots=True)
class ComplaintPage:
    """A page of the open complaints list, soonest due first."""

    offset: int
    limit: int
    owner_id: int | None = None


@dataclass(frozen=True, slots=True)
class RepeatsQuery:
    """Repeat complaints per department, counted in the desk's business calendar."""

    calendar: BusinessCalendar


def complaint_case(
    uow: UnitOfWork, actor: Actor, query: ComplaintOf, now: datetime
) -> ComplaintCase:
    """The complaint as it stands: its script, step, answers, version and deadline."""
    require(actor, Action.WORK_OWN)
    return uow.complaints.complaint(query.ticket_id)


def complaint_count(uow: UnitOfWork, actor: Actor, query: ComplaintsOf, now: datetime) -> int:
    """How many open complaints the list holds."""
    require(actor, Action.WORK_OWN)
    return uow.complaints.complaint_count(owner_id=query.owner_id)


def complaint_page(
    uow: UnitOfWork, actor: Actor, page: ComplaintPage, now: datetime
) -> list[ComplaintRow]:
    """One page of the open complaints, nearest deadline first."""
    require(actor, Action.WORK_OWN)
    return uow.complaints.complaint_rows(page.offset, page.limit, owner_id=page.owner_id)


def department_repeats(
    uow: UnitOfWork, actor: Actor, query: RepeatsQuery, now: datetime
) -> list[DepartmentRepeats]:
    """Per department: complaints forwarded, handed on late, and the repeat complaints that
    fell on a late hand-on (seed 000:3.2.3)."""
    require(actor, Action.WORK_OWN)
    return uow.complaints.department_repeats(query.calendar)


RESOLVING_STEPS = ("resolved", "report")
"""Leaving these steps records the complaint as fixed, with the action taken (seed 001:6.6)."""


@dataclass(frozen=True, slots=True)
class SaveComplaintStep:
    """One step of the script done: where the agent goes next and what they wrote."""

    ticket_id: int
    script: str
    leaving: str
    """The step the agent is on as they save."""
    target: str
    """The step they go to; `final` when it ends this desk's part."""
    final: bool
    path: tuple[str, ...]
    answers: dict[str, object]
    expected_version: int
    """The record's version the agent saw: 0 for no record yet, checked all the same."""
    commit_mode: str = ""
    promised_at: datetime | None = None
    expected_finish: datetime | None = None
    callback_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ComplaintStepSaved:
    case: ComplaintCase
    """The complaint as it now stands (its new version, step and path)."""
    lead_name: str = ""
    """Who took it over, when the step handed it to the lead."""


def save_complaint_step(
    uow: UnitOfWork, actor: Actor, command: SaveComplaintStep, now: datetime
) -> ComplaintStepSaved:
    """Save the step with its version check, record the fix when leaving a resolving step,
    book the satisfaction callback (seed 001:6.7), then hand to the lead (escalate) or close
    when the step is final; one commit. Raises `Conflict` when another desk saved first."""
    require(actor, Action.WORK_OWN)
    ticket_id = command.ticket_id
    uow.complaints.save_complaint_step(
        ticket_id,
        actor.id,
        StepSave(
            script=command.script,
            step=command.target,
            path=command.path,
            answers=command.answers,
            commit_mode=command.commit_mode if command.promised_at else "",
            promised_at=command.promised_at,
            expected_finish=command.expected_finish,
            expected_version=command.expected_version,
        ),
        now,
    )
    if command.leaving in RESOLVING_STEPS:
        action_taken = str(command.answers.get("action_taken", ""))
        uow.complaints.resolve_complaint(ticket_id, actor.id, action_taken, now)
    if command.callback_at is not None:
        uow.complaints.schedule_satisfaction_callback(ticket_id, actor.id, command.callback_at, now)
    lead_name = ""
    if command.final and command.target == "escalate":
        _, lead_name = uow.complaints.hand_to_lead(ticket_id, actor.id, now)
    elif command.final:
        uow.complaints.close_complaint(ticket_id, actor.id, now)
    uow.commit()
    return ComplaintStepSaved(uow.complaints.complaint(ticket_id), lead_name)
