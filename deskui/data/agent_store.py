"""The agents of the site: who may sign in, with their role and team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.records import (
    AgentRecord,
)
from deskui.data.store_base import StoreBase
from deskui.domain.assignment import Lead
from deskui.domain.model import Role


class AgentStore(StoreBase):
    """Agents by name and role (the accounts of the team issue build on these rows)."""

    # -- agents -------------------------------------------------------------------------

    def agents(self) -> list[AgentRecord]:
        rows = self.session.scalars(
            select(m.Agent).where(m.Agent.active.is_(True)).order_by(m.Agent.id)
        )
        return [_agent(a) for a in rows]

    def active_leads(self) -> list[Lead]:
        """Every active team lead with their team, in the order they were added (the rule of
        which takes what is the domain's: assignment.leads_for)."""
        rows = self.session.execute(
            select(m.Agent.id, m.Agent.team)
            .where(m.Agent.role == Role.LEAD, m.Agent.active.is_(True))
            .order_by(m.Agent.id)
        )
        return [Lead(agent_id, team) for agent_id, team in rows]

    def agent_team(self, agent_id: int) -> str:
        """The agent's team; `MissingRecord` when there is no such agent."""
        return str(self.session.get_one(m.Agent, agent_id).team)

    def add_agent(self, name: str, role: str, now: datetime, team: str = "default") -> AgentRecord:
        agent = m.Agent(name=name.strip(), role=role, team=team, created_at=now)
        self.session.add(agent)
        self.session.flush()
        self._changed("agent", agent.id, now)
        return _agent(agent)


def _agent(agent: m.Agent) -> AgentRecord:
    return AgentRecord(agent.id, agent.name, agent.role, agent.team)
