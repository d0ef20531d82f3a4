"""Waiting on the customer (DESIGN.md 2): a ticket's deadlines stop with a reason, and run
again, each due later by the pause, once the customer answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.pause_store import PauseError, PauseState, Resumed
from deskui.domain.deadlines import pause_reason_problem
from deskui.domain.model import TicketStatus
from deskui.domain.permissions import Action
from deskui.domain.ticket_life import TicketMove, TicketRefusal, next_state
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "PauseState",
    "PauseTicket",
    "ResumeTicket",
    "Resumed",
    "pause_ticket",
    "resume_ticket",
]


@dataclass(frozen=True, slots=True)
class PauseTicket:
    """The ticket waits on the customer, for the reason the agent gives."""

    ticket_id: int
    reason: str


def pause_ticket(uow: UnitOfWork, actor: Actor, command: PauseTicket, now: datetime) -> int:
    """Stop every open deadline of the ticket at `now`; how many stopped. Raises
    `PauseError` for an empty or too long reason, or a ticket that may not wait."""
    require(actor, Action.WORK_OWN)
    problem = pause_reason_problem(command.reason)
    if problem is not None:
        raise PauseError(problem)
    decided = next_state(uow.tickets.ticket_state(command.ticket_id), TicketMove.PAUSED)
    if isinstance(decided, TicketRefusal):
        raise PauseError(decided.key)
    count = uow.pauses.pause_ticket(command.ticket_id, actor.id, command.reason, now, decided)
    uow.commit()
    return count


@dataclass(frozen=True, slots=True)
class ResumeTicket:
    """The customer answered: the ticket's deadlines run again."""

    ticket_id: int


def resume_ticket(uow: UnitOfWork, actor: Actor, command: ResumeTicket, now: datetime) -> Resumed:
    """Run the deadlines again, each due later by how long the ticket waited. Raises
    `PauseError` when the ticket is not waiting."""
    require(actor, Action.WORK_OWN)
    state = uow.tickets.ticket_state(command.ticket_id)
    paused = uow.pauses.pause_state(command.ticket_id)
    back_to = TicketStatus(paused.previous_status) if paused else None
    decided = next_state(state, TicketMove.RESUMED, resume_to=back_to)
    if isinstance(decided, TicketRefusal):
        raise PauseError(decided.key)
    resumed = uow.pauses.resume_ticket(command.ticket_id, actor.id, now, decided)
    uow.commit()
    return resumed
