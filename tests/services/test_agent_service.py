"""The first agent of a new database (issue 15), on SQLite and PostgreSQL: created by nobody
signed in while the desk has no agent, refused once it has one."""

from __future__ import annotations

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.permissions import Action
from deskui.services.actor import Denied
from deskui.services.agents import AddFirstAgent, add_first_agent
from tests.conftest import FIXED_NOW


def test_the_first_agent_leads_and_a_second_is_not_added_anonymously(database: Database) -> None:
    with UnitOfWork(database) as uow:
        first = add_first_agent(uow, None, AddFirstAgent("张伟"), FIXED_NOW)
    assert first.role == "lead"
    with UnitOfWork(database) as uow:  # committed by the service
        assert [a.name for a in uow.agents.agents()] == ["张伟"]
        with pytest.raises(Denied) as denied:
            add_first_agent(uow, None, AddFirstAgent("王芳"), FIXED_NOW)
        assert denied.value.action is Action.ADD_AGENT
    with UnitOfWork(database) as uow:
        assert [a.name for a in uow.agents.agents()] == ["张伟"]
