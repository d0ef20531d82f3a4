"""A record's life after intake (seed 002:2.3-2.5, issue 26): the result told to the customer,
the close, a reopen, a contact with the customer and an internal note, each with its history
line and its countdowns met or started in the same unit of work. The moves and the plans are
the domain's (domain/ticket_life); this store only saves what the service decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.store_base import StoreBase
from deskui.data.ticket_store import save_transition
from deskui.domain.model import DeadlineKind, SubjectType
from deskui.domain.ticket_life import ContactPlan, ReopenPlan, Transition


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What a move on the record needs beyond its state: its kind and severity."""

    kind: str
    severity: str


class TicketLifeStore(StoreBase):
    """One ticket's moves after intake; shares the unit of work's session and bookkeeping."""

    def ticket_facts(self, ticket_id: int) -> TicketFacts:
        """`MissingRecord` when there is no such ticket (as ticket_state)."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        return TicketFacts(ticket.kind, ticket.severity)

    def resolve(
        self,
        ticket_id: int,
        agent_id: int,
        now: datetime,
        transition: Transition,
        result: str,
        way: str,
    ) -> None:
        """The result is written into the record and the customer was told (seed 002:2.3.2,
        2.4.1): a department leg waiting for its telling is complete, and every countdown
        of the record is met, so the desk stops counting it."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        ticket.answer = result.strip()
        save_transition(ticket, transition, now)
        waiting = self.session.scalars(
            select(m.DepartmentLeg).where(
                m.DepartmentLeg.ticket_id == ticket_id,
                m.DepartmentLeg.returned_at.is_not(None),
                m.DepartmentLeg.informed_at.is_(None),
            )
        )
        for leg in waiting:
            leg.informed_at = now
            self._changed("department_leg", leg.id, now)
        self.meet_deadlines(SubjectType.TICKET, ticket_id, now)
        self._event(ticket_id, agent_id, now, "result_told", {"way": way, "result": result})
        self._changed("ticket", ticket_id, now)

    def close(self, ticket_id: int, agent_id: int, now: datetime, transition: Transition) -> None:
        """A resolved record is closed; whatever still counted for it stops."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        save_transition(ticket, transition, now)
        self.meet_deadlines(SubjectType.TICKET, ticket_id, now)
        self._event(ticket_id, agent_id, now, "closed", {})
        self._changed("ticket", ticket_id, now)

    def reopen(
        self,
        ticket_id: int,
        agent_id: int,
        now: datetime,
        transition: Transition,
        reason: str,
        plan: ReopenPlan,
    ) -> None:
        """The customer came back: the record is worked again by its owner, its first
        contact counted again (and an urgent one's progress contacts)."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        save_transition(ticket, transition, now)
        self._event(ticket_id, agent_id, now, "reopened", {"reason": reason.strip()})
        self._count(ticket, DeadlineKind.FIRST_CONTACT, now, plan.first_contact_due)
        if plan.next_progress_due is not None:
            self._count(ticket, DeadlineKind.REPEAT_CONTACT, now, plan.next_progress_due)
        self._changed("ticket", ticket_id, now)

    def record_contact(
        self,
        ticket_id: int,
        agent_id: int,
        now: datetime,
        transition: Transition,
        way: str,
        note: str,
        plan: ContactPlan,
    ) -> None:
        """A contact with the customer: its countdowns met, the next progress contact of an
        urgent record started (seed 002:2.3.2)."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        save_transition(ticket, transition, now)
        for kind in plan.meets:
            self.meet_deadlines(SubjectType.TICKET, ticket_id, now, kind=kind)
        if plan.next_progress_due is not None:
            self._count(ticket, DeadlineKind.REPEAT_CONTACT, now, plan.next_progress_due)
        self._event(ticket_id, agent_id, now, "contacted", {"way": way, "note": note.strip()})
        self._changed("ticket", ticket_id, now)

    def add_note(self, ticket_id: int, agent_id: int, now: datetime, note: str) -> None:
        """An internal note on the record's timeline; the customer never sees it."""
        self.session.get_one(m.Ticket, ticket_id)
        self._event(ticket_id, agent_id, now, "noted", {"note": note.strip()})
        self._changed("ticket", ticket_id, now)

    def _count(self, ticket: m.Ticket, kind: DeadlineKind, now: datetime, due: datetime) -> None:
        owner = self.session.get_one(m.Agent, ticket.owner_id)
        self.add_deadline(
            kind,
            SubjectType.TICKET,
            ticket.id,
            ticket.owner_id,
            now,
            due,
            label=" ".join(ticket.customer_words.split())[:60],
            customer_id=ticket.customer_id,
            severity=ticket.severity,
            team=owner.team,
        )
