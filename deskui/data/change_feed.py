"""The change feed other desks poll to refresh what they show (DESIGN.md 7), and how a record
an agent has open stands now: who owns it, whether it is closed, and what other desks did to
it since (issue 23: the form says who did what)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


@dataclass(frozen=True, slots=True)
class RecordEvent:
    """One thing another desk did to the record: its history line, by whom."""

    id: int
    agent_id: int | None
    agent_name: str
    at: datetime
    action: str
    detail: dict[str, object]


@dataclass(frozen=True, slots=True)
class RecordStanding:
    """A ticket as an open form needs to know it: its owner, status, versions (the ticket's
    and its complaint record's), the newest history line, and who saved the complaint last."""

    ticket_id: int
    owner_id: int
    owner_name: str
    status: str
    version: int
    complaint_version: int
    complaint_saved_by_id: int | None
    complaint_saved_by: str
    last_event_id: int
    events: tuple[RecordEvent, ...] = ()
    """History lines after the id asked about, oldest first."""


class ChangeFeed(StoreBase):
    """The newest change and the changes after one."""

    def last_change_id(self) -> int:
        return int(self.session.scalar(select(func.max(m.Change.id))) or 0)

    def changes_since(self, change_id: int) -> list[tuple[int, str, int]]:
        query = select(m.Change.id, m.Change.entity, m.Change.entity_id).where(
            m.Change.id > change_id
        )
        return [(i, e, eid) for i, e, eid in self.session.execute(query.order_by(m.Change.id))]

    def ticket_standing(self, ticket_id: int, since_event: int = 0) -> RecordStanding:
        """How the ticket stands, with its history lines after `since_event`."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        record = self.session.get(m.ComplaintRecord, ticket_id)
        saver = (
            self.session.get(m.Agent, record.updated_by_id)
            if record is not None and record.updated_by_id
            else None
        )
        query = (
            select(m.TicketEvent, m.Agent.name)
            .outerjoin(m.Agent, m.Agent.id == m.TicketEvent.agent_id)
            .where(m.TicketEvent.ticket_id == ticket_id, m.TicketEvent.id > since_event)
            .order_by(m.TicketEvent.id)
        )
        events = tuple(
            RecordEvent(
                event.id,
                event.agent_id,
                name or "",
                event.at,
                event.action,
                dict(event.detail or {}),
            )
            for event, name in self.session.execute(query)
        )
        last = self.session.scalar(
            select(func.max(m.TicketEvent.id)).where(m.TicketEvent.ticket_id == ticket_id)
        )
        return RecordStanding(
            ticket_id=ticket.id,
            owner_id=ticket.owner_id,
            owner_name=ticket.owner.name,
            status=ticket.status,
            version=ticket.version,
            complaint_version=record.version if record is not None else 0,
            complaint_saved_by_id=record.updated_by_id if record is not None else None,
            complaint_saved_by=saver.name if saver is not None else "",
            last_event_id=int(last or 0),
            events=events,
        )
