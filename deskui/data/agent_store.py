"""The agents of the site: who may sign in, with their role and team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.records import (
    AgentRecord,
)
from deskui.data.store_base import StoreBase


class AgentStore(StoreBase):
    """Agents by name and role (the accounts of the team issue build on these rows)."""

    # -- agents -------------------------------------------------------------------------

    def agents(self) -> list[AgentRecord]:
        rows = self.session.scalars(
            select(m.Agent).where(m.Agent.active.is_(True)).order_by(m.Agent.id)
        )
        return [_agent(a) for a in rows]

    def add_agent(self, name: str, role: str, now: datetime, team: str = "default") -> AgentRecord:
        agent = m.Agent(name=name.strip(), role=role, team=team, created_at=now)
        self.session.add(agent)
        self.session.flush()
        self._changed("agent", agent.id, now)
        return _agent(agent)


def _agent(agent: m.Agent) -> AgentRecord:
    return AgentRecord(agent.id, agent.name, agent.role, agent.team)
