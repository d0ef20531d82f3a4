"""The bookkeeping every store of a unit of work shares: the session, the deadline policy,
ticket history and the change feed (DESIGN.md 2 and 7); deadline rows are the journal's
(data/deadline_store), reached by name."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from deskui.data import models as m
from deskui.data.missing import MissingRecord
from deskui.domain.deadlines import DeadlinePolicy
from deskui.domain.model import DeadlineKind, SubjectType
from deskui.domain.site import SiteRules

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork


CHANGE = cast(Table, m.Change.__table__)
"""The change feed's table: its rows are written at the unit of work's commit
(`UnitOfWork.add_later`), in one statement with the NOTIFY on PostgreSQL."""


class StoreBase:
    """Base of every store of a unit of work: its session, the deadline policy and site rules
    the unit of work read once, and the bookkeeping each aggregate shares (deadline rows,
    ticket history, the change feed). A store reaches another aggregate only through
    `self._uow`, by name, never by inheritance."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.session: Session = uow.session

    @property
    def rules(self) -> SiteRules:
        """The site's rules, read once per unit of work from the stored settings."""
        return self._uow.rules

    def columns_of(self, model: type[Any], row_id: int, *names: str) -> tuple[Any, ...]:
        """`names` of the row: from the object this session holds (its own changes, not yet
        written), else read alone, not the whole row as an object; `MissingRecord` when there
        is no such row."""
        held = self.session.identity_map.get(identity_key(model, row_id))
        if held is not None:
            return tuple(getattr(held, name) for name in names)
        table = cast(Table, model.__table__)
        row = self.session.execute(
            select(*(table.c[name] for name in names)).where(table.c.id == row_id)
        ).first()
        if row is None:
            raise MissingRecord(table.name, row_id)
        return tuple(row)

    @property
    def policy(self) -> DeadlinePolicy:
        """Deadline durations: an explicit policy (tests, tools), else the site's."""
        return self._uow.policy

    def add_deadline(
        self,
        kind: DeadlineKind,
        subject_type: SubjectType,
        subject_id: int,
        owner_id: int | None,
        starts_at: datetime,
        due_at: datetime,
        *,
        label: str = "",
        customer_id: int | None = None,
        severity: str | None = None,
        team: str = "default",
    ) -> int:
        """Open a deadline in the journal (data/deadline_store)."""
        return self._uow.deadlines.add_deadline(
            kind,
            subject_type,
            subject_id,
            owner_id,
            starts_at,
            due_at,
            label=label,
            customer_id=customer_id,
            severity=severity,
            team=team,
        )

    def meet_deadlines(
        self, subject_type: SubjectType, subject_id: int, now: datetime, kind: str | None = None
    ) -> None:
        """Meet the subject's open deadlines in the journal (data/deadline_store)."""
        self._uow.deadlines.meet_deadlines(subject_type, subject_id, now, kind)

    def _event(
        self,
        ticket_id: int,
        agent_id: int | None,
        now: datetime,
        action: str,
        detail: dict[str, Any],
    ) -> None:
        self.session.add(
            m.TicketEvent(
                ticket_id=ticket_id, agent_id=agent_id, at=now, action=action, detail=detail
            )
        )

    def _changed(self, entity: str, entity_id: int, now: datetime) -> None:
        """A change feed row; the unit of work's commit tells the listening desks whom its
        changes concern (PostgreSQL NOTIFY, once per transaction)."""
        self._uow.add_later(CHANGE, {"entity": entity, "entity_id": entity_id, "at": now})
        self._uow.changed.append((entity, entity_id))
