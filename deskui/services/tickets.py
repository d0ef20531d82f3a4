"""One ticket as recorded (客户问题记录表, seed 002:2.2): what the detail shows, read in one
query, and the owner's word that the customer was told the department's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.frontdesk_store import AttachmentRecord, LegRecord
from deskui.data.pause_store import PauseState
from deskui.data.records import TicketRecord
from deskui.domain.accounts import sees_personal
from deskui.domain.masking import masked_record
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require
from deskui.services.departments import refuse_unless_department_sees, refuse_unless_lead_tells
from deskui.services.standing import refuse_unless_yours

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "AttachmentRecord",
    "CustomerTold",
    "LegRecord",
    "PauseState",
    "ReassignTicket",
    "TicketDetail",
    "TicketEvent",
    "TicketRecord",
    "reassign_ticket",
    "record_customer_told",
    "ticket_detail",
]

TicketEvent = tuple[int, str, str, datetime, str, dict[str, object]]
"""(ticket id, customer, agent, at, action, detail) of one line of the ticket's history."""


@dataclass(frozen=True, slots=True)
class TicketDetail:
    """Everything the ticket detail shows; `ticket` None when there is no such ticket."""

    ticket: TicketRecord | None
    events: list[TicketEvent]
    legs: list[LegRecord] = field(default_factory=list)
    attachments: list[AttachmentRecord] = field(default_factory=list)
    pause: PauseState | None = None


def ticket_detail(uow: UnitOfWork, actor: Actor, ticket_id: int, now: datetime) -> TicketDetail:
    """The ticket, its history, its department legs, attachments and pause (no commit); a
    department member's only for a record their department handles or held."""
    require(actor, Action.WORK_OWN)
    refuse_unless_department_sees(uow, actor, ticket_id)
    found = uow.tickets.tickets(ticket_id)
    events = list(uow.tickets.history(ticket_id))
    legs = uow.frontdesk.legs(ticket_id)
    attachments = uow.frontdesk.attachments(ticket_id)
    pause = uow.pauses.pause_state(ticket_id) if found else None
    sees = sees_personal(actor.role, uow.rules.masked_roles)  # the caller's number, e-mail, fax
    ticket = masked_record(found[0], sees=sees) if found else None
    return TicketDetail(ticket, events, legs, attachments, pause)


@dataclass(frozen=True, slots=True)
class CustomerTold:
    """The ticket's owner told the customer the department's result (issue 8)."""

    ticket_id: int


def record_customer_told(
    uow: UnitOfWork, actor: Actor, command: CustomerTold, now: datetime
) -> None:
    """The department leg is complete. Raises `FrontDeskError` when no leg waits for it,
    `MovedAway` when the ticket is no longer the actor's (issue 23)."""
    require(actor, Action.WORK_OWN)
    refuse_unless_yours(uow, actor, "ticket", command.ticket_id)
    refuse_unless_lead_tells(uow, actor, command.ticket_id)  # seed 002:2.4.1
    uow.frontdesk.customer_told(command.ticket_id, actor.id, now)
    uow.commit()


@dataclass(frozen=True, slots=True)
class ReassignTicket:
    """A lead gives a ticket to another agent, as of the version the lead's screen read."""

    ticket_id: int
    agent_id: int
    expected_version: int


def reassign_ticket(
    uow: UnitOfWork, actor: Actor, command: ReassignTicket, now: datetime
) -> tuple[str, str]:
    """Owner and open deadlines move to the agent, on the record's history and in the audit
    (who gave whose ticket to whom). Raises `Conflict` when the ticket changed since it was
    read; returns (from, to) by name."""
    require(actor, Action.REASSIGN)
    before, after = uow.tickets.reassign_ticket(
        command.ticket_id, command.agent_id, actor.id, command.expected_version, now
    )
    if before != after:
        uow.audit.reassigned(
            now, actor.id, actor.name, f"ticket {command.ticket_id}", before, after
        )
    uow.commit()
    return before, after
