"""Who is at the desk: the first agent of a new database, created at the first start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.records import AgentRecord
from deskui.domain.model import Role
from deskui.domain.permissions import Action
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
    """Run before anyone is signed in (anonymous): only while the desk has no agent at all,
    else adding one is a lead's (Action.ADD_AGENT) through the accounts."""
    if uow.agents.agents() and (actor is None or not actor.may(Action.ADD_AGENT)):
        raise Denied(Action.ADD_AGENT, actor.role if actor else "")
    agent = uow.agents.add_agent(command.name, Role.LEAD, now)
    uow.commit()
    return agent


def desk_agents(uow: UnitOfWork, actor: Actor, query: None, now: datetime) -> list[AgentRecord]:
    """Everyone on the desk, to pick whom to hand over to or leave a message for."""
    require(actor, Action.WORK_OWN)
    return uow.agents.agents()
