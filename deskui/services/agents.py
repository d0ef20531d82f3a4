"""Who is at the desk: the first agent of a new database, created at the first start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.records import AgentRecord
from deskui.domain.accounts import agent_name_problem
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import refuse_problems
from deskui.services.actor import Actor, Denied, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = ["AddFirstAgent", "AgentRecord", "add_first_agent", "desk_agents"]


@dataclass(frozen=True, slots=True)
class AddFirstAgent:
    """The name of whoever sits down at a desk with nobody on it yet; they lead the desk."""

    name: str


def add_first_agent(
    uow: UnitOfWork, actor: Actor | None, command: AddFirstAgent, now: datetime
) -> AgentRecord:
    """Run before anyone is signed in (anonymous), and only while the desk has no agent at
    all: then every account is added through accounts.add_agent, which asks the table whom
    the role may add and with which role, refuses a name like another's and audits it (found
    attacking: a lead called this on a desk with agents and added a lead, a role a lead may
    not give, with no audit line). The name as the desk shows it (spaces collapsed), printable
    and of its column's length (domain/accounts.agent_name_problem); the account is audited."""
    if uow.agents.agents():
        raise Denied(Action.ADD_AGENT, actor.role if actor else "")
    name = " ".join(command.name.split())
    problem = agent_name_problem(name)
    refuse_problems([problem] if problem is not None else [])
    agent = uow.agents.add_agent(name, Role.LEAD, now)
    uow.audit.write(
        now,
        "account_added",
        agent_id=agent.id,
        agent_name=agent.name,
        subject=agent.name,
        detail={"role": [None, agent.role], "active": [None, True]},
    )
    uow.commit()
    return agent


def desk_agents(uow: UnitOfWork, actor: Actor, query: None, now: datetime) -> list[AgentRecord]:
    """Everyone on the desk, to pick whom to hand over to or leave a message for."""
    require(actor, Action.WORK_OWN)
    return uow.agents.agents()
