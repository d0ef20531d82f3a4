"""A lead gives a ticket to another agent (issue 16), on SQLite and PostgreSQL: the owner and
the open deadlines move, the history says from whom to whom, the audit has the reassignment,
a stale version is a conflict that writes nothing, and an agent may not reassign."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.conflict import Conflict
from deskui.data.database import Database
from deskui.data.missing import MissingRecord
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor, Denied
from deskui.services.intake import CallIntake, RecordCall, record_call
from deskui.services.tickets import ReassignTicket, reassign_ticket, ticket_detail
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def _filed(database: Database, desk: Desk) -> tuple[int, int]:
    """A ticket 王芳 filed; its id and version."""
    agent = Actor(desk.agent, "王芳", Role.AGENT)
    call = CallIntake("question", "billing", "phone", "urgent", "灯不亮", customer_id=desk.customer)
    with UnitOfWork(database) as uow:
        saved = record_call(uow, agent, RecordCall(call), FIXED_NOW)
    with UnitOfWork(database) as uow:
        ticket = ticket_detail(uow, agent, saved.ticket_id, FIXED_NOW).ticket
    assert ticket is not None
    return ticket.id, ticket.version


def test_the_ticket_its_deadlines_history_and_audit_move_to_the_new_owner(
    database: Database, desk: Desk
) -> None:
    ticket_id, version = _filed(database, desk)
    lead = Actor(desk.lead, "张伟", Role.LEAD)
    with UnitOfWork(database) as uow:
        moved = reassign_ticket(
            uow, lead, ReassignTicket(ticket_id, desk.colleague, version), FIXED_NOW
        )
    assert moved == ("王芳", "李娜")
    with UnitOfWork(database) as uow:
        s = uow.session
        assert s.get_one(m.Ticket, ticket_id).owner_id == desk.colleague
        owners = s.scalars(
            select(m.Deadline.owner_id).where(
                m.Deadline.subject_type == "ticket", m.Deadline.subject_id == ticket_id
            )
        ).all()
        assert owners and set(owners) == {desk.colleague}
        events = [(e[4], e[5]) for e in uow.tickets.history(ticket_id)]
        assert ("reassigned", {"from": "王芳", "to": "李娜"}) in events
        audit = s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "reassign")).one()
        assert (audit.agent_name, audit.subject) == ("张伟", f"ticket {ticket_id}")
        assert audit.detail == {"from": "王芳", "to": "李娜"}


def test_a_stale_version_is_a_conflict_and_writes_nothing(database: Database, desk: Desk) -> None:
    ticket_id, version = _filed(database, desk)
    lead = Actor(desk.lead, "张伟", Role.LEAD)
    with UnitOfWork(database) as uow:  # another lead's desk got there first
        reassign_ticket(uow, lead, ReassignTicket(ticket_id, desk.colleague, version), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(Conflict) as raised:
        reassign_ticket(uow, lead, ReassignTicket(ticket_id, desk.manager, version), FIXED_NOW)
    assert raised.value.theirs["owner"] == "李娜" and raised.value.version > version
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, ticket_id).owner_id == desk.colleague
        assert (
            len(
                uow.session.scalars(
                    select(m.AuditEntry).where(m.AuditEntry.action == "reassign")
                ).all()
            )
            == 1
        )


def test_an_agent_may_not_reassign(database: Database, desk: Desk) -> None:
    ticket_id, version = _filed(database, desk)
    agent = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        reassign_ticket(uow, agent, ReassignTicket(ticket_id, desk.colleague, version), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, ticket_id).owner_id == desk.agent


def test_a_ticket_given_to_an_agent_no_longer_active_is_refused(
    database: Database, desk: Desk
) -> None:
    """An invalid command (a colleague since disabled, an agent who never was) is refused
    with its reason, and nothing moves."""
    ticket_id, version = _filed(database, desk)
    lead = Actor(desk.lead, "张伟", Role.LEAD)
    with UnitOfWork(database) as uow:
        uow.session.get_one(m.Agent, desk.colleague).active = False
        uow.commit()
    for to_agent in (desk.colleague, 999_999):
        with UnitOfWork(database) as uow, pytest.raises(MissingRecord) as refused:
            reassign_ticket(uow, lead, ReassignTicket(ticket_id, to_agent, version), FIXED_NOW)
        assert refused.value.key == "service.missing"
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, ticket_id).owner_id == desk.agent
        assert uow.session.scalars(select(m.AuditEntry)).all() == []
