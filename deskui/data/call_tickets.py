"""Which ticket a popped call was recorded as (issue 25; table `call_ticket`, migration 0021):
written with the ticket, in intake's unit of work; read by the caller log and the ticket."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


@dataclass(frozen=True, slots=True)
class TicketCall:
    """The call a ticket was recorded from, as the ticket shows it (times UTC)."""

    call_pk: int
    rang_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None


class CallTickets(StoreBase):
    """The tie between a call and the ticket recorded from it; one ticket per call."""

    def answered_by(self, call_pk: int) -> int | None:
        """Who answered the call (None: nobody, or no such call)."""
        return self.session.scalar(select(m.Call.agent_id).where(m.Call.id == call_pk))

    def tie(self, call_pk: int, ticket_id: int, now: datetime) -> None:
        """The call was recorded as the ticket (a call recorded twice keeps its first)."""
        if self.session.get(m.CallTicket, call_pk) is not None:
            return
        self.session.add(m.CallTicket(call_id=call_pk, ticket_id=ticket_id, tied_at=now))
        self.session.flush()
        self._changed("call", call_pk, now)

    def tickets_of(self, call_pks: Iterable[int]) -> dict[int, int]:
        """call id -> ticket id, for the calls that have one."""
        wanted = list(call_pks)
        if not wanted:
            return {}
        query = select(m.CallTicket.call_id, m.CallTicket.ticket_id).where(
            m.CallTicket.call_id.in_(wanted)
        )
        return {int(c): int(t) for c, t in self.session.execute(query)}

    def call_of(self, ticket_id: int) -> TicketCall | None:
        """The call the ticket was recorded from, if it was."""
        query = (
            select(m.Call.id, m.Call.started_at, m.Call.answered_at, m.Call.ended_at)
            .join(m.CallTicket, m.CallTicket.call_id == m.Call.id)
            .where(m.CallTicket.ticket_id == ticket_id)
            .order_by(m.Call.id)
            .limit(1)
        )
        found = self.session.execute(query).first()
        return TicketCall(*found) if found is not None else None
