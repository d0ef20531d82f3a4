"""The first agent of a new database (issue 15), on SQLite and PostgreSQL: created by nobody
signed in while the desk has no agent, refused once it has one (to anyone: accounts are then
added through accounts.add_agent), its name checked by the service, and audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid
from deskui.services.actor import Actor, Denied
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


@pytest.mark.parametrize("role", [Role.LEAD, Role.MANAGER])
def test_a_signed_in_lead_or_manager_adds_no_account_here(database: Database, role: str) -> None:
    """Found attacking: on a desk with agents a lead's actor passed (the check asked only for
    Action.ADD_AGENT) and added a lead, a role a lead may not give (accounts.add_agent refuses
    it), with no audit line. Once the desk has an agent, accounts go through add_agent."""
    with UnitOfWork(database) as uow:
        first = add_first_agent(uow, None, AddFirstAgent("张伟"), FIXED_NOW)
    signed_in = Actor(first.id, "张伟", role)
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        add_first_agent(uow, signed_in, AddFirstAgent("赵磊"), FIXED_NOW)
    assert denied.value.action is Action.ADD_AGENT
    with UnitOfWork(database) as uow:
        assert [a.name for a in uow.agents.agents()] == ["张伟"]


def test_the_first_agent_is_an_audit_line(database: Database) -> None:
    with UnitOfWork(database) as uow:
        first = add_first_agent(uow, None, AddFirstAgent("  张伟 "), FIXED_NOW)
    with UnitOfWork(database) as uow:
        lines = uow.session.execute(
            select(m.AuditEntry.agent_id, m.AuditEntry.subject, m.AuditEntry.detail).where(
                m.AuditEntry.action == "account_added"
            )
        ).all()
    assert first.name == "张伟"
    assert [tuple(line) for line in lines] == [
        (first.id, "张伟", {"role": [None, "lead"], "active": [None, True]})
    ]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        pytest.param("张" * 2_000_000, "pick.name_too_long", id="2MB"),
        pytest.param("张\x00伟", "pick.name_unprintable", id="NUL"),
        pytest.param("张伟\x1b]0;owned\x07", "pick.name_unprintable", id="OSC"),
        pytest.param("张伟\x1b[2J", "pick.name_unprintable", id="ESC"),
        pytest.param("张伟\u202e", "pick.name_unprintable", id="bidi"),
        pytest.param("\u200b", "pick.name_unprintable", id="zero-width"),
        pytest.param("   ", "pick.name_empty", id="blank"),
    ],
)
def test_a_hostile_first_name_is_refused_by_the_service(
    database: Database, name: str, key: str
) -> None:
    """Found attacking: only the pick screen checked the name; the service took NUL and 2 MB
    to PostgreSQL as driver errors, and kept ESC, OSC and bidi overrides (SQLite a 2 MB name)
    for every list's owner column."""
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        add_first_agent(uow, None, AddFirstAgent(name), FIXED_NOW)
    assert (refused.value.field, refused.value.key) == ("name", key)
    with UnitOfWork(database) as uow:
        assert uow.agents.agents() == []


def test_markup_in_the_first_name_is_text(database: Database) -> None:
    with UnitOfWork(database) as uow:
        first = add_first_agent(uow, None, AddFirstAgent("[b]张伟[/b]"), FIXED_NOW)
    assert first.name == "[b]张伟[/b]"
