"""The desk's work: every open deadline as a row, soonest first (DESIGN.md 2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.deadline_store import is_open
from deskui.data.records import (
    WorkItem,
)
from deskui.data.store_base import StoreBase


class WorkStore(StoreBase):
    """Open deadlines as rows for the desk, the team view and the queues."""

    # -- the desk: open deadlines as rows (DESIGN.md 2) -----------------------------------

    def _work_query(self, owner_id: int | None, team: str | None) -> Select[Any]:
        query = select(m.Deadline).where(is_open())
        if owner_id is not None:
            query = query.where(m.Deadline.owner_id == owner_id)
        if team is not None:
            query = query.where(m.Deadline.team == team)
        return query

    def work_count(self, owner_id: int | None = None, team: str | None = None) -> int:
        query = self._work_query(owner_id, team).with_only_columns(func.count())
        return int(self.session.scalar(query) or 0)

    def work_rows(
        self, offset: int, limit: int, owner_id: int | None = None, team: str | None = None
    ) -> list[WorkItem]:
        owner = aliased(m.Agent)
        query = (
            self._work_query(owner_id, team)
            .add_columns(m.Customer.name, owner.name)
            .outerjoin(m.Customer, m.Customer.id == m.Deadline.customer_id)
            .outerjoin(owner, owner.id == m.Deadline.owner_id)
            .order_by(m.Deadline.due_at, m.Deadline.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            WorkItem(
                deadline_id=d.id,
                kind=d.kind,
                subject_type=d.subject_type,
                subject_id=d.subject_id,
                label=d.label,
                customer_name=customer_name or "",
                owner_name=owner_name or "",
                severity=d.severity,
                starts_at=d.starts_at,
                due_at=d.due_at,
                paused_at=d.paused_at,
                note=d.note or "",
            )
            for d, customer_name, owner_name in self.session.execute(query)
        ]

    def latest_open_due(self) -> datetime | None:
        """The furthest open deadline of the site (callbacks and bookings have theirs too): the
        desk warns about a year the calendar does not know only once work reaches into it."""
        return self.session.scalar(select(func.max(m.Deadline.due_at)).where(is_open()))
