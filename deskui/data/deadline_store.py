"""The deadline journal (issue 24): every deadline row is opened, met and moved here, and
"open" is said once (`is_open`, `open_of`, `open_deadlines`) for every store and read model
that asks which deadlines still run.

Every aggregate's store reaches the journal by name (`self._uow.deadlines`; `StoreBase`'s
`add_deadline` and `meet_deadlines` hand over to it), as tools, the demo and tests do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select, update
from sqlalchemy.orm.util import identity_key

from deskui.data import models as m
from deskui.data.later_rows import LaterDeadlines
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
        for deadline_id in self._update_open(subject_type, subject_id, kind, met_at=now):
            self._changed("deadline", deadline_id, now)

    def meet_later(self, subject_type: SubjectType, subject_id: int, now: datetime) -> None:
        """`meet_deadlines` as a save's last write (issue 27): on PostgreSQL in the commit's
        one statement with their change feed rows, a round trip less; nothing in this
        transaction may read those deadlines after (they are met at the commit)."""
        self._later(LaterDeadlines(subject_type, subject_id, now))

    def move_later(self, subject_type: str, subject_id: int, owner_id: int, now: datetime) -> None:
        """`move_open` to `owner_id`'s desk and team as a save's last write (a claim): on
        PostgreSQL in the commit's one statement, as `meet_later`."""
        self._later(LaterDeadlines(subject_type, subject_id, now, owner_id))

    def _later(self, write: LaterDeadlines) -> None:
        if not self._uow.writes_later:
            if write.owner_id is None:
                self.meet_deadlines(SubjectType(write.subject_type), write.subject_id, write.at)
            else:
                self.move_open(write.subject_type, write.subject_id, write.owner_id, None, write.at)
            return
        self._uow.add_later_write(write)
        # the commit's statement writes each deadline's change feed row; its NOTIFY needs to
        # know only that deadlines may change (the note names the phone's changes alone)
        self._uow.changed.append(("deadline", 0))

    def move_open(
        self,
        subject_type: str,
        subject_id: int,
        owner_id: int,
        team: str | None,
        now: datetime,
    ) -> int:
        """The subject's open deadlines go to `owner_id`'s desk and team (None: the owner's
        team as the agent row says, read by the same statement), due times as they were (the
        countdown stays); how many moved."""
        team_of: dict[str, Any] = {"team": team} if team is not None else {"team_of": owner_id}
        moved = self._update_open(subject_type, subject_id, None, owner_id=owner_id, **team_of)
        for deadline_id in moved:
            self._changed("deadline", deadline_id, now)
        return len(moved)

    def _update_open(
        self, subject_type: str, subject_id: int, kind: str | None, **values: Any
    ) -> list[int]:
        """One UPDATE ... RETURNING of a subject's open deadlines (issue 27: a read and a
        flush were two statements, or one when none is open), its statement built once per
        shape. What the session holds unwritten is written first; the deadlines it holds
        are read again when next used."""
        self.session.flush()
        query = _open_update(tuple(values), kind is not None)
        params = {f"v_{name}": value for name, value in values.items()}
        params.update(w_type=subject_type, w_id=subject_id)
        if kind is not None:
            params["w_kind"] = kind
        ids = list(self.session.scalars(query, params))
        for deadline_id in ids:
            held = self.session.identity_map.get(identity_key(m.Deadline, deadline_id))
            if held is not None:
                self.session.expire(held)
        return ids


_UPDATES: dict[tuple[object, ...], Any] = {}


def _open_update(columns: tuple[str, ...], of_kind: bool) -> Any:
    """UPDATE deadline SET `columns` (bound as `v_<name>`; `team_of`: the team of the agent
    it names) WHERE the subject's open ones (of `kind` when `of_kind`) RETURNING their ids."""
    shape = (columns, of_kind)
    if shape not in _UPDATES:
        table: Any = m.Deadline.__table__
        kind: Any = bindparam("w_kind") if of_kind else None
        where = open_of(bindparam("w_type"), bindparam("w_id"), kind, table.c)
        bound: dict[str, Any] = {}
        for name in columns:
            if name == "team_of":
                agent = bindparam("v_team_of", type_=table.c.owner_id.type)
                bound["team"] = select(m.Agent.team).where(m.Agent.id == agent).scalar_subquery()
            else:
                bound[name] = bindparam(f"v_{name}", type_=table.c[name].type)
        _UPDATES[shape] = update(table).where(*where).values(**bound).returning(table.c.id)
    return _UPDATES[shape]
