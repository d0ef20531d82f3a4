"""Accounts: who may sign in, their password hash, failures and locks (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, literal, or_, select, update

from deskui.data import models as m
from deskui.data.records import AgentRecord
from deskui.data.store_base import StoreBase


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """One account as the agent commands and the lead's list show it (never the hash)."""

    id: int
    name: str
    role: str
    team: str
    department_code: str | None
    active: bool
    has_password: bool
    must_change_password: bool
    locked_until: datetime | None
    demo: bool
    extension: str | None = None
    """The phone extension its calls are answered at (issue 25)."""

    @property
    def agent(self) -> AgentRecord:
        return AgentRecord(self.id, self.name, self.role, self.team, self.department_code)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What sign-in needs to decide: the stored hash and the failure state."""

    account: AccountRecord
    password_hash: str | None
    failed_signins: int


class AccountStore(StoreBase):
    """Accounts by name; the hash goes in and out only as `Credentials` for sign-in."""

    def _query(self):  # type: ignore[no-untyped-def]
        return select(m.Agent, m.Department.code).outerjoin(
            m.Department, m.Department.id == m.Agent.department_id
        )

    def accounts(self) -> list[AccountRecord]:
        rows = self.session.execute(self._query().order_by(m.Agent.id))
        return [_record(agent, code) for agent, code in rows]

    def credentials(self, name: str) -> Credentials | None:
        if "\x00" in name:  # no account's name holds one (PostgreSQL's text cannot)
            return None
        row = self.session.execute(self._query().where(m.Agent.name == name.strip())).first()
        if row is None:
            return None
        agent, code = row
        return Credentials(_record(agent, code), agent.password_hash, agent.failed_signins)

    def account(self, name: str) -> AccountRecord | None:
        found = self.credentials(name)
        return found.account if found else None

    def count_with_password(self) -> int:
        query = select(func.count()).where(m.Agent.password_hash.is_not(None))
        return int(self.session.scalar(query) or 0)

    def add_account(
        self,
        name: str,
        role: str,
        password_hash: str,
        now: datetime,
        *,
        department_id: int | None = None,
        must_change: bool = False,
        team: str = "default",
    ) -> AccountRecord:
        agent = m.Agent(
            name=name.strip(),
            role=role,
            team=team,
            department_id=department_id,
            created_at=now,
            password_hash=password_hash,
            must_change_password=must_change,
        )
        self.session.add(agent)
        self.session.flush()
        self._changed("agent", agent.id, now)
        return self._by_id(agent.id)

    def extension_holder(self, extension: str) -> str | None:
        """The name of the account holding this extension, if any."""
        return self.session.scalar(select(m.Agent.name).where(m.Agent.extension == extension))

    def set_extension(self, agent_id: int, extension: str | None, now: datetime) -> None:
        agent = self.session.get_one(m.Agent, agent_id)
        agent.extension = extension
        self.session.flush()
        self._changed("agent", agent_id, now)

    def department_id(self, code: str) -> int | None:
        return self.session.scalar(select(m.Department.id).where(m.Department.code == code))

    def set_password(
        self, agent_id: int, password_hash: str, now: datetime, *, must_change: bool
    ) -> None:
        agent = self.session.get_one(m.Agent, agent_id)
        agent.password_hash = password_hash
        agent.must_change_password = must_change
        agent.failed_signins = 0
        agent.locked_until = None
        self._changed("agent", agent_id, now)

    def count_failure(
        self, agent_id: int, now: datetime, lock_at: int, locked_until: datetime
    ) -> tuple[int, datetime | None] | None:
        """One more wrong password, counted in one statement so that concurrent attempts
        cannot lose a count (issue 23): the count and, when it reaches `lock_at`, the lock
        (the count starts again from 0). None when the account is locked already (by a
        concurrent attempt): the row is left alone. PostgreSQL waits for a concurrent
        attempt's row lock and re-checks the lock; SQLite has one writer at a time."""
        agent = m.Agent.__table__.c
        reaches = agent.failed_signins + 1 >= lock_at
        statement = (
            update(m.Agent.__table__)
            .where(
                agent.id == agent_id, or_(agent.locked_until.is_(None), agent.locked_until <= now)
            )
            .values(
                failed_signins=case((reaches, 0), else_=agent.failed_signins + 1),
                locked_until=case(
                    (reaches, literal(locked_until, agent.locked_until.type)),
                    else_=agent.locked_until,
                ),
            )
            .returning(agent.failed_signins, agent.locked_until)
        )
        row = self.session.execute(statement).first()
        if row is None:
            return None
        return int(row[0]), row[1]

    def record_success(self, agent_id: int, now: datetime) -> bool:
        """A right password clears the count; False when a concurrent attempt locked the
        account meanwhile (then it stays locked)."""
        agent = m.Agent.__table__.c
        statement = (
            update(m.Agent.__table__)
            .where(
                agent.id == agent_id, or_(agent.locked_until.is_(None), agent.locked_until <= now)
            )
            .values(failed_signins=0, locked_until=None)
            .returning(agent.id)
        )
        return self.session.execute(statement).first() is not None

    def locked_until(self, agent_id: int) -> datetime | None:
        agent = m.Agent.__table__.c
        return self.session.execute(
            select(agent.locked_until).where(agent.id == agent_id)
        ).scalar_one_or_none()

    def enabled_managers(self, *, lock: bool = False) -> int:
        """How many enabled manager accounts there are; `lock` holds their rows (PostgreSQL)
        until the unit of work ends, so that two managers cannot disable each other at once."""
        query = (
            select(m.Agent.id)
            .where(m.Agent.role == "manager", m.Agent.active.is_(True))
            .order_by(m.Agent.id)
        )
        if lock:
            query = query.with_for_update()
        return len(self.session.scalars(query).all())

    def by_id(self, agent_id: int) -> AccountRecord | None:
        row = self.session.execute(self._query().where(m.Agent.id == agent_id)).first()
        return _record(*row) if row else None

    def set_active(self, agent_id: int, active: bool, now: datetime) -> None:
        self.session.get_one(m.Agent, agent_id).active = active
        self._changed("agent", agent_id, now)

    def set_role(
        self, agent_id: int, role: str, department_id: int | None, now: datetime
    ) -> AccountRecord:
        """The account's new role (and department: none but a department member's)."""
        agent = self.session.get_one(m.Agent, agent_id)
        agent.role = role
        agent.department_id = department_id
        self.session.flush()
        self._changed("agent", agent_id, now)
        return self._by_id(agent_id)

    def mark_demo(self) -> None:
        """Every account of a freshly seeded demo database signs in from the pick list."""
        for agent in self.session.scalars(select(m.Agent)):
            agent.demo = True

    def _by_id(self, agent_id: int) -> AccountRecord:
        agent, code = self.session.execute(self._query().where(m.Agent.id == agent_id)).one()
        return _record(agent, code)


def _record(agent: m.Agent, department_code: str | None) -> AccountRecord:
    return AccountRecord(
        id=agent.id,
        name=agent.name,
        role=agent.role,
        team=agent.team,
        department_code=department_code,
        active=agent.active,
        has_password=agent.password_hash is not None,
        must_change_password=agent.must_change_password,
        locked_until=agent.locked_until,
        demo=agent.demo,
        extension=agent.extension,
    )
