"""A department's round trip (seed 002:2.3.2, 2.4.2, 2.5): the owner hands a ticket to a
department, the department accepts it, plans, records the result and returns it, and the
owner tells the customer. Each step is one use case with its own commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskui.data.frontdesk_store import FrontDeskError, LegRecord, LegRow
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.department_legs import check_name, check_note, check_result, plan_problems
from deskui.domain.permissions import Action
from deskui.domain.refusal import refuse_problems
from deskui.domain.ticket_life import (
    TicketMove,
    TicketRefusal,
    next_state,
    result_teller_refusal,
)
from deskui.domain.work_permissions import WorkChoice, may_choose, may_see_department
from deskui.services.actor import Actor, Denied, require
from deskui.services.standing import refuse_unless_yours

__all__ = [
    "AcceptLeg",
    "DepartmentQueuePage",
    "FindDepartment",
    "HandToDepartment",
    "LegRecord",
    "LegRow",
    "PlanLeg",
    "RecordLegResult",
    "ReturnLeg",
    "TellCustomer",
    "accept_leg",
    "department_queue_count",
    "department_queue_rows",
    "find_department",
    "hand_to_department",
    "plan_leg",
    "record_leg_result",
    "refuse_unless_department_sees",
    "return_leg",
    "tell_customer",
]


def _require_department_step(uow: UnitOfWork, actor: Actor, leg_id: int, by_name: str) -> None:
    """A department member records as themself (WORK_DEPARTMENT), on their own department's
    legs only; a CS agent may record a department's answer on its behalf, under the
    department person's name (WORK_OWN), as the F7 screen has always let them."""
    require(actor, Action.WORK_OWN if by_name.strip() else Action.WORK_DEPARTMENT)
    department = uow.frontdesk.leg_department(leg_id)
    if department is None:
        raise FrontDeskError("department.legs.error.missing")
    _require_department(uow, actor, department)


def _require_department(uow: UnitOfWork, actor: Actor, department: str) -> None:
    """The desk works every department's queue; a department member only their own."""
    if may_choose(actor.role, WorkChoice.ANY_DEPARTMENT):
        return
    own = uow.frontdesk.agent_department(actor.id)
    if not may_see_department(actor.role, own, department):
        raise Denied(Action.WORK_DEPARTMENT, actor.role)


def refuse_unless_department_sees(uow: UnitOfWork, actor: Actor, ticket_id: int) -> None:
    """A department member reads and notes only a record their department handles or held
    (its department, or one of its legs), as the search finds them; the desk reads any.
    An unknown record is left to the caller's own `MissingRecord`."""
    if may_choose(actor.role, WorkChoice.ANY_DEPARTMENT):
        return
    own = uow.frontdesk.agent_department(actor.id)
    held = {leg.department_code for leg in uow.frontdesk.legs(ticket_id)}
    found = uow.tickets.tickets(ticket_id)
    if found and found[0].department_code:
        held.add(found[0].department_code)
    if not found and not held:
        return
    if own is None or not any(may_see_department(actor.role, own, code) for code in held):
        raise Denied(Action.WORK_DEPARTMENT, actor.role)


def refuse_unless_lead_tells(uow: UnitOfWork, actor: Actor, ticket_id: int) -> None:
    """A complaint's result is told to the customer by the lead personally (seed 002:2.4.1):
    the permission table says who (Action.TELL_COMPLAINT_RESULT)."""
    kind = uow.tickets.ticket_kind(ticket_id)
    refusal = result_teller_refusal(kind, actor.may(Action.TELL_COMPLAINT_RESULT))
    if refusal is not None:
        raise FrontDeskError(refusal.key)


def _on_behalf_of(by_name: str) -> str | None:
    """The department person CS records for (None: the member records as themself)."""
    return by_name if by_name.strip() else None


@dataclass(frozen=True, slots=True)
class HandToDepartment:
    """The ticket's owner hands it to a department, with a note for them."""

    ticket_id: int
    department_code: str
    note: str = ""


def hand_to_department(
    uow: UnitOfWork, actor: Actor, command: HandToDepartment, now: datetime
) -> int:
    """The ticket goes to the department; the accept countdown starts. Returns the leg's id."""
    require(actor, Action.WORK_OWN)
    refuse_unless_yours(uow, actor, "ticket", command.ticket_id)  # the owner's, or a lead's
    refuse_problems(check_note(command.note))
    decided = next_state(
        uow.tickets.ticket_state(command.ticket_id), TicketMove.HANDED_TO_DEPARTMENT
    )
    if isinstance(decided, TicketRefusal):
        raise FrontDeskError(decided.key, decided.field)
    leg_id = uow.frontdesk.hand_to_department(
        command.ticket_id, command.department_code, actor.id, now, decided, command.note
    )
    uow.commit()
    return leg_id


@dataclass(frozen=True, slots=True)
class AcceptLeg:
    """The department accepts the leg; `by_name` the department person CS records it for."""

    leg_id: int
    by_name: str = ""


def accept_leg(uow: UnitOfWork, actor: Actor, command: AcceptLeg, now: datetime) -> None:
    _require_department_step(uow, actor, command.leg_id, command.by_name)
    refuse_problems(check_name(_on_behalf_of(command.by_name)))
    uow.frontdesk.accept_leg(command.leg_id, actor.id, now, command.by_name)
    uow.commit()


@dataclass(frozen=True, slots=True)
class PlanLeg:
    """The department head's expected resolution time and measures (seed 002:2.3.2)."""

    leg_id: int
    expected_at: datetime
    measures: str
    by_name: str = ""


def plan_leg(uow: UnitOfWork, actor: Actor, command: PlanLeg, now: datetime) -> None:
    _require_department_step(uow, actor, command.leg_id, command.by_name)
    on_behalf_of = _on_behalf_of(command.by_name)
    policy = uow.rules.legs
    refuse_problems(plan_problems(policy, command.expected_at, command.measures, on_behalf_of, now))
    uow.frontdesk.plan_leg(
        command.leg_id, actor.id, now, command.expected_at, command.measures, command.by_name
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class RecordLegResult:
    """What the department did about it."""

    leg_id: int
    result: str
    by_name: str = ""


def record_leg_result(
    uow: UnitOfWork, actor: Actor, command: RecordLegResult, now: datetime
) -> None:
    _require_department_step(uow, actor, command.leg_id, command.by_name)
    refuse_problems(check_result(command.result, _on_behalf_of(command.by_name)))
    uow.frontdesk.record_leg_result(command.leg_id, actor.id, now, command.result, command.by_name)
    uow.commit()


@dataclass(frozen=True, slots=True)
class ReturnLeg:
    """The department returns the ticket to its CS owner, who tells the customer."""

    leg_id: int
    by_name: str = ""


def return_leg(uow: UnitOfWork, actor: Actor, command: ReturnLeg, now: datetime) -> None:
    _require_department_step(uow, actor, command.leg_id, command.by_name)
    refuse_problems(check_name(_on_behalf_of(command.by_name)))
    ticket_id = uow.frontdesk.leg_ticket(command.leg_id)
    decided = next_state(uow.tickets.ticket_state(ticket_id), TicketMove.RETURNED)
    if isinstance(decided, TicketRefusal):
        raise FrontDeskError(decided.key, decided.field)
    uow.frontdesk.return_leg(command.leg_id, actor.id, now, decided, command.by_name)
    uow.commit()


@dataclass(frozen=True, slots=True)
class TellCustomer:
    """The owner told the customer the department's result: the leg is complete."""

    ticket_id: int


def tell_customer(uow: UnitOfWork, actor: Actor, command: TellCustomer, now: datetime) -> None:
    require(actor, Action.WORK_OWN)
    refuse_unless_yours(uow, actor, "ticket", command.ticket_id)  # as record_customer_told
    refuse_unless_lead_tells(uow, actor, command.ticket_id)
    uow.frontdesk.customer_told(command.ticket_id, actor.id, now)
    uow.commit()


# -- reads -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindDepartment:
    """Which department the signed-in member belongs to."""


def find_department(
    uow: UnitOfWork, actor: Actor, query: FindDepartment, now: datetime
) -> str | None:
    require(actor, Action.WORK_OWN)
    return uow.frontdesk.agent_department(actor.id)


@dataclass(frozen=True, slots=True)
class DepartmentQueuePage:
    """A page of a department's open legs, soonest due first."""

    department_code: str
    offset: int = 0
    limit: int = 0


def department_queue_count(
    uow: UnitOfWork, actor: Actor, query: DepartmentQueuePage, now: datetime
) -> int:
    require(actor, Action.WORK_OWN)
    _require_department(uow, actor, query.department_code)
    return uow.frontdesk.department_queue_count(query.department_code)


def department_queue_rows(
    uow: UnitOfWork, actor: Actor, query: DepartmentQueuePage, now: datetime
) -> list[LegRow]:
    require(actor, Action.WORK_OWN)
    _require_department(uow, actor, query.department_code)
    return uow.frontdesk.department_queue_rows(query.department_code, query.offset, query.limit)
