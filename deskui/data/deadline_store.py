"""The deadline journal (issue 24): every deadline row is opened, met and moved here, and
"open" is said once (`is_open`, `open_of`, `open_deadlines`) for every store and read model
that asks which deadlines still run.

Every aggregate's store reaches the journal by name (`self._uow.deadlines`; `StoreBase`'s
`add_deadline` and `meet_deadlines` hand over to it), as tools, the demo and tests do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from deskui.data import models as m
from deskui.data.store_base import StoreBase
from deskui.domain.model import DeadlineKind, SubjectType


def is_open(deadline: Any = m.Deadline) -> ColumnElement[bool]:
    """The one test of a deadline still running: not met (a paused one still is).
    `deadline`: the model, or an alias of it in a query of its own."""
    clause: ColumnElement[bool] = deadline.met_at.is_(None)
    return clause


def open_of(
    subject_type: Any, subject_id: Any, kind: Any = None, deadline: Any = m.Deadline
) -> tuple[ColumnElement[bool], ...]:
    """The where-clauses of one subject's open deadlines (of one `kind` when given);
    `subject_id` may be a column, for a subquery correlated to its subject's row."""
    where = [deadline.subject_type == subject_type, deadline.subject_id == subject_id]
    if kind is not None:
        where.append(deadline.kind == kind)
    return (*where, is_open(deadline))


def open_deadlines(subject_type: Any, subject_id: Any, kind: Any = None) -> Select[m.Deadline]:
    """One subject's open deadlines (of one `kind` when given), as a query to run."""
    return select(m.Deadline).where(*open_of(subject_type, subject_id, kind))


class DeadlineStore(StoreBase):
    """The journal's writes: open a deadline, meet a subject's, move them to an owner."""

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
        deadline = m.Deadline(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            owner_id=owner_id,
            team=team,
            customer_id=customer_id,
            label=label[:200],
            severity=severity,
            starts_at=starts_at,
            due_at=due_at,
        )
        self.session.add(deadline)
        self.session.flush()
        self._changed("deadline", deadline.id, starts_at)
        return deadline.id

    def meet_deadlines(
        self, subject_type: SubjectType, subject_id: int, now: datetime, kind: str | None = None
    ) -> None:
        for deadline in self.session.scalars(open_deadlines(subject_type, subject_id, kind)):
            deadline.met_at = now
            self._changed("deadline", deadline.id, now)

    def move_open(
        self, subject_type: str, subject_id: int, owner_id: int, team: str, now: datetime
    ) -> int:
        """The subject's open deadlines go to `owner_id`'s desk and team, due times as they
        were (the countdown stays); how many moved."""
        moved = 0
        for deadline in self.session.scalars(open_deadlines(subject_type, subject_id)):
            deadline.owner_id = owner_id
            deadline.team = team
            self._changed("deadline", deadline.id, now)
            moved += 1
        return moved
