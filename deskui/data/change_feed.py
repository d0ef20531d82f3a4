"""The change feed other desks poll to refresh what they show (DESIGN.md 7), and how a record
an agent has open stands now: who owns it, whether it is closed, and what other desks did to
it since (issue 23: the form says who did what)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.store_base import StoreBase
from deskui.domain.model import TicketStatus


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
    """A record as an open form needs to know it: whose it is, whether it is closed, who
    saved what the form edits last, and its history lines after the one asked about."""

    record: str
    """"ticket" or "callback"."""
    record_id: int
    owner_id: int | None
    owner_name: str
    closed: bool
    saved_version: int
    """The version of what the form saves (a ticket's complaint record, the callback)."""
    saved_by_id: int | None
    saved_by: str
    last_event_id: int
    events: tuple[RecordEvent, ...] = ()
    """History lines after the id asked about, oldest first."""
    open_to_all: bool = False
    """In the shared queue: any agent may work it."""


class ChangeFeed(StoreBase):
    """The newest change and the changes after one."""

    def last_change_id(self) -> int:
        return int(self.session.scalar(select(func.max(m.Change.id))) or 0)

    def changes_since(self, change_id: int) -> list[tuple[int, str, int]]:
        query = select(m.Change.id, m.Change.entity, m.Change.entity_id).where(
            m.Change.id > change_id
        )
        return [(i, e, eid) for i, e, eid in self.session.execute(query.order_by(m.Change.id))]

    def _events(self, model: Any, key: Any, record_id: int, since: int) -> tuple[RecordEvent, ...]:
        query = (
            select(model, m.Agent.name)
            .outerjoin(m.Agent, m.Agent.id == model.agent_id)
            .where(key == record_id, model.id > since)
            .order_by(model.id)
        )
        return tuple(
            RecordEvent(e.id, e.agent_id, name or "", e.at, e.action, dict(e.detail or {}))
            for e, name in self.session.execute(query)
        )

    def _last_event(self, model: Any, key: Any, record_id: int) -> int:
        return int(self.session.scalar(select(func.max(model.id)).where(key == record_id)) or 0)

    def _name(self, agent_id: int | None) -> str:
        agent = self.session.get(m.Agent, agent_id) if agent_id else None
        return agent.name if agent is not None else ""

    def ticket_standing(self, ticket_id: int, since_event: int = 0) -> RecordStanding:
        """How the ticket stands, with its history lines after `since_event`."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        record = self.session.get(m.ComplaintRecord, ticket_id)
        saved_by = record.updated_by_id if record is not None else None
        event, key = m.TicketEvent, m.TicketEvent.ticket_id
        return RecordStanding(
            record="ticket",
            record_id=ticket.id,
            owner_id=ticket.owner_id,
            owner_name=ticket.owner.name,
            closed=ticket.status == TicketStatus.CLOSED,
            saved_version=record.version if record is not None else 0,
            saved_by_id=saved_by,
            saved_by=self._name(saved_by),
            last_event_id=self._last_event(event, key, ticket_id),
            events=self._events(event, key, ticket_id, since_event),
        )

    def callback_owner(self, callback_id: int) -> tuple[int | None, bool, bool]:
        """Whose the callback is, whether it is done, and whether any agent may work it (in
        the shared queue): what a save asks before it needs the whole standing."""
        agent_id, done_at, shared = self.columns_of(
            m.Callback, callback_id, "agent_id", "done_at", "shared"
        )
        return agent_id, done_at is not None, bool(shared) or agent_id is None

    def callback_standing(self, callback_id: int, since_event: int = 0) -> RecordStanding:
        """How the callback stands, with its history lines after `since_event` (its opening
        by a desk is no news)."""
        callback = self.session.get_one(m.Callback, callback_id)
        event, key = m.CallbackEvent, m.CallbackEvent.callback_id
        events = self._events(event, key, callback_id, since_event)
        return RecordStanding(
            record="callback",
            record_id=callback.id,
            owner_id=callback.agent_id,
            owner_name=self._name(callback.agent_id),
            closed=callback.done_at is not None,
            saved_version=callback.version,
            saved_by_id=callback.updated_by_id,
            saved_by=self._name(callback.updated_by_id),
            last_event_id=self._last_event(event, key, callback_id),
            events=tuple(e for e in events if e.action != "opened"),
            open_to_all=callback.shared or callback.agent_id is None,
        )
