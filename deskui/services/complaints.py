"""Complaint handling by the seven-step script (seed 001:6-7, 002:2.4.1): what happens when
an agent saves a step, in one function."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from deskui.data.complaint_store import ComplaintCase, ComplaintRow, DepartmentRepeats, StepSave
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.assignment import lead_taking_over
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.complaint import (
    RESOLVING_STEPS,
    answers_too_long,
    closes,
    escalates,
    step_time_problems,
)
from deskui.domain.permissions import Action
from deskui.domain.script_flow import StepRefused, leave_step
from deskui.domain.ticket_life import TicketMove, TicketRefusal, TicketState, Transition, next_state
from deskui.scripts import load_script
from deskui.services.actor import Actor, require
from deskui.services.standing import refuse_unless_yours

SCRIPT_LOCALE = "zh-CN"
"""The script whose steps and branches the service walks: every locale's file has the same
steps, requirements and branches (a test holds them to it); only the words differ."""

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
    "StepRefused",
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


@dataclass(frozen=True, slots=True)
class SaveComplaintStep:
    """One step of the script done: which step the agent leaves and what they captured. Where
    it leads, and whether the case closes or goes to the lead, is the script's to decide."""

    ticket_id: int
    leaving: str
    """The step the agent is on as they save (one already taken, when they stepped back)."""
    answers: dict[str, object]
    expected_version: int
    """The record's version the agent saw: 0 for no record yet, checked all the same."""
    commit_mode: str = ""
    promised_at: datetime | None = None
    """The times the agent typed, read in the site's zone (step 4, 7; the lead's step 4)."""
    expected_finish: datetime | None = None
    callback_at: datetime | None = None
    calendar: BusinessCalendar | None = None
    """The desk's business calendar: a promised reply is held to one working day with it
    (without it, with the working days the database keeps, in the default site zone)."""


@dataclass(frozen=True, slots=True)
class ComplaintStepSaved:
    case: ComplaintCase
    """The complaint as it now stands (its new version, step and path)."""
    lead_name: str = ""
    """Who took it over, when the step handed it to the lead."""
    reached: str = ""
    """The step the script led to (the lead's script starts afresh after a hand-on)."""


def save_complaint_step(
    uow: UnitOfWork, actor: Actor, command: SaveComplaintStep, now: datetime
) -> ComplaintStepSaved:
    """An agent leaves a step of the complaint script, in this order:

    1. permission: the role works the desk, the ticket is a complaint (`StepRefused`
       `not_a_complaint` else), and it is still open and theirs
       (`MovedAway` names who has it now: issue 23); the version the form loaded is still
       the one stored (`Conflict` when another desk saved first);
    2. the script (domain) decides: the step may be left only with its required answers and
       times, and leads to the next step, to the lead (escalate) or to the close; the
       ticket's life (domain/ticket_life) decides each status on the way (the call is the
       first contact, then fixed, taken over by the lead chosen by domain/assignment, or
       closed);
    3. the step is saved (its version checked again as it is written), the promised reply
       counts down, the fix is recorded on leaving a resolving step;
    4. the satisfaction callback is booked (seed 001:6.7);
    5. the lead takes it over, or the case closes, when the script says so; one commit.
    Raises `StepRefused` (domain) with the step's missing answers, bad times or answers past
    their field's limit."""
    require(actor, Action.WORK_OWN)
    ticket_id = command.ticket_id
    if not uow.complaints.is_complaint(ticket_id):  # a question's ticket, or none at all
        raise StepRefused(command.leaving, "not_a_complaint")
    refuse_unless_yours(uow, actor, "ticket", ticket_id, "complaint")
    uow.complaints.check_version(ticket_id, command.expected_version)  # what the form saw
    case = uow.complaints.complaint(ticket_id)
    script = load_script(case.script, SCRIPT_LOCALE)
    too_long = answers_too_long(command.answers)  # the form's limits, for every caller
    if too_long:
        raise StepRefused(command.leaving, "too_long", too_long)
    answers = {k: (v.strip() if isinstance(v, str) else v) for k, v in command.answers.items()}
    left = leave_step(script, case.path, command.leaving, answers)
    requires = script.steps[command.leaving].requires
    # a time counts only on the step that asks for it: no promise moved from step 1
    promised_at = command.promised_at if "promised_at" in requires else None
    callback_at = command.callback_at if "callback_time" in requires else None
    expected_finish = command.expected_finish if "expected_finish" in requires else None
    calendar = command.calendar
    if calendar is None and promised_at is not None:  # a caller without the desk's calendar
        calendar = BusinessCalendar(uow.calendar.calendar_overrides())
    problems = step_time_problems(
        requires,
        now,
        commit_mode=command.commit_mode,
        promised_at=promised_at,
        callback_at=callback_at,
        expected_finish=expected_finish,
        calendar=calendar,
    )
    if problems:
        raise StepRefused(command.leaving, "times", tuple(p.field for p in problems))
    # the ticket's life (domain) decides each status: the call is the first contact, then
    # the fix, the lead's take-over or the close, each from the status the one before left
    state = uow.tickets.ticket_state(ticket_id)
    case_status = state.status
    contacted = _decided(state, TicketMove.CONTACTED, command.leaving)
    state = replace(state, status=contacted.status)
    resolved = None
    if command.leaving in RESOLVING_STEPS:
        resolved = _decided(state, TicketMove.RESOLVED, command.leaving)
        state = replace(state, status=resolved.status)
    lead_move = escalates(left.reached, left.final)
    closing = not lead_move and closes(left.reached, left.final)
    finish = None
    if lead_move or closing:
        move = TicketMove.TAKEN_OVER if lead_move else TicketMove.CLOSED
        finish = _decided(state, move, command.leaving)
    uow.complaints.save_complaint_step(
        ticket_id,
        actor.id,
        StepSave(
            script=case.script,
            step=left.reached,
            path=left.path,
            answers=command.answers,
            commit_mode=command.commit_mode if promised_at else "",
            promised_at=promised_at,
            expected_finish=expected_finish,
            expected_version=command.expected_version,
            status=contacted.status,
            first_contact=contacted.status != case_status,
        ),
        now,
    )
    if resolved is not None:
        action_taken = str(answers.get("action_taken", ""))
        uow.complaints.resolve_complaint(ticket_id, actor.id, action_taken, now, resolved)
    if callback_at is not None:
        uow.complaints.schedule_satisfaction_callback(ticket_id, actor.id, callback_at, now)
    lead_name = ""
    if finish is not None and lead_move:
        # the agent's own group's lead takes it (seed 002:2.4.1); any lead when it has none
        lead = lead_taking_over(uow.agents.agent_team(actor.id), uow.agents.active_leads())
        if lead is None:
            raise LookupError("no active team lead to take the complaint over")
        _, lead_name = uow.complaints.hand_to_lead(ticket_id, actor.id, now, finish, lead.id)
    elif finish is not None:
        uow.complaints.close_complaint(ticket_id, actor.id, now, finish)
    uow.commit()
    return ComplaintStepSaved(uow.complaints.complaint(ticket_id), lead_name, left.reached)


def _decided(state: TicketState, move: TicketMove, leaving: str) -> Transition:
    """The ticket's life's decision for `move`, or the step refused with its reason."""
    decided = next_state(state, move)
    if isinstance(decided, TicketRefusal):
        raise StepRefused(leaving, decided.key)
    return decided
