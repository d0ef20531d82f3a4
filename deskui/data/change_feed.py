"""The change feed other desks poll to refresh what they show (DESIGN.md 7)."""

from __future__ import annotations

from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


class ChangeFeed(StoreBase):
    """The newest change and the changes after one."""

    def last_change_id(self) -> int:
        return int(self.session.scalar(select(func.max(m.Change.id))) or 0)

    def changes_since(self, change_id: int) -> list[tuple[int, str, int]]:
        query = select(m.Change.id, m.Change.entity, m.Change.entity_id).where(
            m.Change.id > change_id
        )
        return [(i, e, eid) for i, e, eid in self.session.execute(query.order_by(m.Change.id))]
