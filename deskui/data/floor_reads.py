"""What the lead's floor reads beside the calls (issue 25): which desks are signed in, from
the presence each desk reports on its tick (deskui/services/presence.py), and when each
agent last signed in (the audit's sign-ins: where a state's time starts at the earliest)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


class FloorReads(StoreBase):
    """Reads of the floor that no other store makes; built on a unit of work's session."""

    def signed_in(self, since: datetime) -> frozenset[int]:
        """The agents whose desk said where it is at or after `since`."""
        query = select(m.Presence.agent_id).where(m.Presence.seen_at >= since)
        return frozenset(int(agent_id) for agent_id in self.session.scalars(query))

    def signed_in_at(self, since: datetime) -> dict[int, datetime]:
        """Each agent's last sign-in at or after `since` (a password's or a demo's)."""
        query = (
            select(m.AuditEntry.agent_id, func.max(m.AuditEntry.at))
            .where(
                m.AuditEntry.action == "sign_in",
                m.AuditEntry.outcome.in_(SIGNED_IN),
                m.AuditEntry.at >= since,
                m.AuditEntry.agent_id.is_not(None),
            )
            .group_by(m.AuditEntry.agent_id)
        )
        return {int(agent_id): at for agent_id, at in self.session.execute(query) if agent_id}


SIGNED_IN = ("ok", "demo")
"""The audit's outcomes of a sign-in that let the agent in (deskui/services/accounts.py)."""
