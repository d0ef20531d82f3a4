"""Notifications for one agent: escalations and what others hand them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.records import (
    NotificationRecord,
)
from deskui.data.store_base import StoreBase


class NotificationStore(StoreBase):
    """Unread notifications and marking them read."""

    # -- notifications ------------------------------------------------------------------------

    def unread_notifications(self, agent_id: int) -> list[NotificationRecord]:
        """Newest first, by when each was raised (ids follow insertion, not time: the demo
        and a sweep raise them out of order), as an inbox reads: what just came is on top."""
        query = (
            select(m.Notification)
            .where(m.Notification.agent_id == agent_id, m.Notification.read_at.is_(None))
            .order_by(m.Notification.created_at.desc(), m.Notification.id.desc())
        )
        return [
            NotificationRecord(n.id, n.kind, n.text, n.created_at, n.subject_type, n.subject_id)
            for n in self.session.scalars(query)
        ]

    def notification_owners(self, notification_ids: Sequence[int]) -> dict[int, int]:
        """Whose each of these notifications is, by id (an id not known is left out)."""
        query = select(m.Notification.id, m.Notification.agent_id).where(
            m.Notification.id.in_(notification_ids)
        )
        return {row_id: agent_id for row_id, agent_id in self.session.execute(query)}

    def mark_read(self, notification_ids: Sequence[int], now: datetime) -> None:
        for notification in self.session.scalars(
            select(m.Notification).where(m.Notification.id.in_(notification_ids))
        ):
            notification.read_at = now
