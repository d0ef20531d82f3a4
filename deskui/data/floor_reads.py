"""What the lead's floor reads beside the calls (issue 25): which desks are signed in, from
the presence each desk reports on its tick (deskui/services/presence.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


class FloorReads(StoreBase):
    """Reads of the floor that no other store makes; built on a unit of work's session."""

    def signed_in(self, since: datetime) -> frozenset[int]:
        """The agents whose desk said where it is at or after `since`."""
        query = select(m.Presence.agent_id).where(m.Presence.seen_at >= since)
        return frozenset(int(agent_id) for agent_id in self.session.scalars(query))
