"""A record's life after intake (客户问题记录表, seed 002:2.3-2.5, issue 26): a contact with
the customer, the result told and the record resolved, closed, reopened with a reason, and an
internal note on its timeline. Each use case checks what was typed (domain/ticket_life), asks
the permission table and whose record it is, lets the ticket's life decide the status, writes
the history line (and the audit for a status), and commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.domain.field_problem import FieldProblem
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid, refuse_problems
from deskui.domain.ticket_life import (
    TicketMove,
    TicketRefusal,
    Transition,
    contact_plan,
    contact_problems,
    next_state,
    note_problems,
    reopen_plan,
    reopen_problems,
    result_problems,
    result_teller_refusal,
)
from deskui.services.actor import Actor, require
from deskui.services.departments import refuse_unless_department_sees
from deskui.services.standing import refuse_unless_yours

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "AddNote",
    "CloseTicket",
    "RecordContact",
    "ReopenTicket",
    "ResolveTicket",
    "add_note",
    "close_ticket",
    "record_contact",
    "reopen_ticket",
    "resolve_ticket",
]


def _decided(uow: UnitOfWork, ticket_id: int, move: TicketMove) -> Transition:
    """The ticket's life's decision, or the move refused with its reason (`Invalid`)."""
    before = uow.tickets.ticket_state(ticket_id)
    decided = next_state(before, move)
    if isinstance(decided, TicketRefusal):
        raise Invalid([FieldProblem(decided.field, decided.key)])
    return decided


def _audit(
    uow: UnitOfWork,
    actor: Actor,
    ticket_id: int,
    before: str,
    after: str,
    now: datetime,
    reason: str = "",
) -> None:
    """A status the record moved to, in the audit beside the history (who, from, to)."""
    detail: dict[str, object] = {"from": before, "to": after}
    if reason:
        detail["reason"] = reason[:200]
    uow.audit.write(
        now,
        "ticket_status",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=f"ticket {ticket_id}",
        detail=detail,
    )


@dataclass(frozen=True, slots=True)
class RecordContact:
    """The agent contacted the customer about the record: how, and what was said."""

    ticket_id: int
    way: str
    note: str = ""


def record_contact(uow: UnitOfWork, actor: Actor, command: RecordContact, now: datetime) -> None:
    """Meets the first contact and, on an urgent record, the progress contact due, starting
    the next (seed 002:2.3.2). The owner's or a lead's (issue 23)."""
    require(actor, Action.WORK_OWN)
    refuse_problems(contact_problems(command.way, command.note))
    refuse_unless_yours(uow, actor, "ticket", command.ticket_id, closed_too=False)
    decided = _decided(uow, command.ticket_id, TicketMove.CONTACTED)
    facts = uow.ticket_life.ticket_facts(command.ticket_id)
    plan = contact_plan(uow.policy, facts.severity, decided.status, now)
    uow.ticket_life.record_contact(
        command.ticket_id, actor.id, now, decided, command.way, command.note, plan
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class ResolveTicket:
    """The result, written into the record, and how the customer was told it."""

    ticket_id: int
    result: str
    way: str


def resolve_ticket(uow: UnitOfWork, actor: Actor, command: ResolveTicket, now: datetime) -> None:
    """A question answered later, or a record back from its department, is resolved from its
    detail: every countdown of it met. A complaint's result only the lead tells the customer,
    personally (seed 002:2.4.1); a record a department still holds is refused."""
    require(actor, Action.WORK_OWN)
    refuse_problems(result_problems(command.result, command.way))
    refuse_unless_yours(uow, actor, "ticket", command.ticket_id, closed_too=False)
    facts = uow.ticket_life.ticket_facts(command.ticket_id)
    teller = result_teller_refusal(facts.kind, actor.may(Action.TELL_COMPLAINT_RESULT))
    if teller is not None:
        raise Invalid([FieldProblem(teller.field, teller.key)])
    before = uow.tickets.ticket_state(command.ticket_id).status
    decided = _decided(uow, command.ticket_id, TicketMove.RESULT_TOLD)
    uow.ticket_life.resolve(command.ticket_id, actor.id, now, decided, command.result, command.way)
    _audit(uow, actor, command.ticket_id, before, decided.status, now)
    uow.commit()


@dataclass(frozen=True, slots=True)
class CloseTicket:
    """A resolved record is closed."""

    ticket_id: int


def close_ticket(uow: UnitOfWork, actor: Actor, command: CloseTicket, now: datetime) -> None:
    """Only a resolved record closes (its result told first); whatever counted stops."""
    require(actor, Action.WORK_OWN)
    refuse_unless_yours(uow, actor, "ticket", command.ticket_id, closed_too=False)
    before = uow.tickets.ticket_state(command.ticket_id).status
    decided = _decided(uow, command.ticket_id, TicketMove.FINISHED)
    uow.ticket_life.close(command.ticket_id, actor.id, now, decided)
    _audit(uow, actor, command.ticket_id, before, decided.status, now)
    uow.commit()


@dataclass(frozen=True, slots=True)
class ReopenTicket:
    """The customer came back: the record is worked again, for this reason."""

    ticket_id: int
    reason: str


def reopen_ticket(uow: UnitOfWork, actor: Actor, command: ReopenTicket, now: datetime) -> None:
    """A resolved or closed record is in progress again, its first contact counted anew by
    its severity (seed 002:2.3.2). The owner's or a lead's."""
    require(actor, Action.WORK_OWN)
    refuse_problems(reopen_problems(command.reason))
    refuse_unless_yours(uow, actor, "ticket", command.ticket_id, closed_too=False)
    before = uow.tickets.ticket_state(command.ticket_id).status
    decided = _decided(uow, command.ticket_id, TicketMove.REOPENED)
    facts = uow.ticket_life.ticket_facts(command.ticket_id)
    plan = reopen_plan(uow.policy, facts.severity, now)
    uow.ticket_life.reopen(command.ticket_id, actor.id, now, decided, command.reason, plan)
    _audit(uow, actor, command.ticket_id, before, decided.status, now, command.reason.strip())
    uow.commit()


@dataclass(frozen=True, slots=True)
class AddNote:
    """An internal note on the record's timeline."""

    ticket_id: int
    note: str


def add_note(uow: UnitOfWork, actor: Actor, command: AddNote, now: datetime) -> None:
    """Anyone at the desk may note what they learnt on a record, closed or not; a
    department member only on a record its department holds or held."""
    require(actor, Action.WORK_OWN)
    refuse_problems(note_problems(command.note))
    _decided(uow, command.ticket_id, TicketMove.NOTED)  # an unknown record: MissingRecord
    refuse_unless_department_sees(uow, actor, command.ticket_id)
    uow.ticket_life.add_note(command.ticket_id, actor.id, now, command.note)
    uow.commit()
