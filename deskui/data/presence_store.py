"""Who has which record open now (issue 16): each desk says what it shows every few
seconds; another desk opening the same record sees their names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


class PresenceStore(StoreBase):
    def touch(self, agent_id: int, subject: str, now: datetime) -> None:
        self.session.merge(m.Presence(agent_id=agent_id, subject=subject, seen_at=now))

    def clear(self, agent_id: int) -> None:
        self.session.execute(delete(m.Presence).where(m.Presence.agent_id == agent_id))

    def others(self, subject: str, agent_id: int, since: datetime) -> list[str]:
        query = (
            select(m.Agent.name)
            .join(m.Presence, m.Presence.agent_id == m.Agent.id)
            .where(
                m.Presence.subject == subject,
                m.Presence.agent_id != agent_id,
                m.Presence.seen_at >= since,
            )
            .order_by(m.Agent.name)
        )
        return list(self.session.scalars(query))
