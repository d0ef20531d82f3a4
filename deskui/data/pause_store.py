"""A ticket waiting on the customer (DESIGN.md 2): its open deadlines pause, and on resuming
they move later by the paused time, with a history entry each way.

"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.deadline_store import open_deadlines
from deskui.data.store_base import StoreBase
from deskui.data.ticket_store import save_transition
from deskui.domain.countdown import format_duration, paused_for
from deskui.domain.deadlines import resume
from deskui.domain.model import SubjectType, TicketStatus
from deskui.domain.refusal import Refusal
from deskui.domain.ticket_life import Transition


class PauseError(Refusal, ValueError):
    """A pause or resume that cannot be done; `key` is the catalog key saying why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class PauseState:
    """Where a ticket stands with the customer: paused since when and why, or not."""

    ticket_id: int
    status: str
    paused_at: datetime | None
    reason: str
    previous_status: str = TicketStatus.IN_PROGRESS
    """What the ticket returns to when the customer answers."""


@dataclass(frozen=True, slots=True)
class Resumed:
    paused_for: timedelta
    deadlines: int
    """How many deadlines moved later."""


class PauseStore(StoreBase):
    """One aggregate's reads and writes; shares the unit of work's session and bookkeeping."""

    def _ticket_deadlines(self, ticket_id: int) -> list[m.Deadline]:
        query = open_deadlines(SubjectType.TICKET, ticket_id)
        return list(self.session.scalars(query.order_by(m.Deadline.id)))

    def pause_ticket(
        self, ticket_id: int, agent_id: int, reason: str, now: datetime, transition: Transition
    ) -> int:
        """The ticket waits on the customer (the status the ticket's life decided): every
        open deadline of it stops at `now`. The reason and the move are the service's to
        check (domain/deadlines, domain/ticket_life)."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        previous = ticket.status
        save_transition(ticket, transition, now)
        paused = 0
        for deadline in self._ticket_deadlines(ticket_id):
            if deadline.paused_at is None:
                deadline.paused_at = now
                paused += 1
                self._changed("deadline", deadline.id, now)
        self._event(
            ticket_id, agent_id, now, "paused", {"reason": reason.strip(), "status": previous}
        )
        self._changed("ticket", ticket_id, now)
        return paused

    def resume_ticket(
        self, ticket_id: int, agent_id: int, now: datetime, transition: Transition
    ) -> Resumed:
        """The customer answered: the deadlines run again, each due later by the pause; the
        ticket takes the status the ticket's life decided (the one it had when paused)."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        longest = timedelta(0)
        moved = 0
        for deadline in self._ticket_deadlines(ticket_id):
            if deadline.paused_at is None:
                continue
            longest = max(longest, paused_for(deadline.paused_at, now))
            deadline.due_at = resume(deadline.due_at, deadline.paused_at, now)
            deadline.paused_at = None
            moved += 1
            self._changed("deadline", deadline.id, now)
        save_transition(ticket, transition, now)
        self._event(
            ticket_id,
            agent_id,
            now,
            "resumed",
            {"paused_for": format_duration(int(longest.total_seconds())), "deadlines": moved},
        )
        self._changed("ticket", ticket_id, now)
        return Resumed(longest, moved)

    def pause_state(self, ticket_id: int) -> PauseState | None:
        """The last pause of a waiting ticket (when and why), or None when it is not waiting."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        if ticket.status != TicketStatus.WAITING_CUSTOMER:
            return None
        event = self.session.scalar(
            select(m.TicketEvent)
            .where(m.TicketEvent.ticket_id == ticket_id, m.TicketEvent.action == "paused")
            .order_by(m.TicketEvent.id.desc())
            .limit(1)
        )
        if event is None:
            return PauseState(ticket_id, ticket.status, None, "", TicketStatus.IN_PROGRESS)
        detail = dict(event.detail or {})
        return PauseState(
            ticket_id,
            ticket.status,
            event.at,
            str(detail.get("reason", "")),
            str(detail.get("status") or TicketStatus.IN_PROGRESS),
        )
