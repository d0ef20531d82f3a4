"""A small team with passwords for desk tests (issue 16): 刘洋 the manager, 张伟 a lead,
王芳 an agent, on a database with no demo people."""

from __future__ import annotations

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import Clock
from deskui.services.accounts import AddAgent, add_agent

PASSWORDS = {"刘洋": "manager-pass", "张伟": "lead-pass-1", "王芳": "agent-pass1"}


def add_team(database: Database, clock: Clock) -> None:
    with UnitOfWork(database) as uow:
        manager = add_agent(uow, None, AddAgent("刘洋", "manager", PASSWORDS["刘洋"]), clock.now())
    for name, role in (("张伟", "lead"), ("王芳", "agent")):
        with UnitOfWork(database) as uow:
            add_agent(uow, manager, AddAgent(name, role, PASSWORDS[name]), clock.now())
