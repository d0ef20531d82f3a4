"""Waiting on the customer and the ticket detail as services (issue 15; DESIGN.md 2), on
SQLite and PostgreSQL: a pause stops the ticket's deadlines, resuming moves them later by the
pause, a refused pause writes nothing, a role outside the table may do neither."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied
from deskui.services.errors import PauseError
from deskui.services.pauses import PauseTicket, ResumeTicket, pause_ticket, resume_ticket
from deskui.services.tickets import ticket_detail
from tests.conftest import FIXED_NOW
from tests.data.conftest import record_call
from tests.services.conftest import Desk


def _ticket(database: Database, desk: Desk) -> int:
    call = CallIntake(
        "question", "billing", "phone", "normal", "发票还没收到", customer_id=desk.customer
    )
    with UnitOfWork(database) as uow:
        saved = record_call(uow, call, desk.agent, FIXED_NOW)
        uow.commit()
    return saved.ticket_id


def test_a_pause_and_its_resume_move_the_deadlines_later(database: Database, desk: Desk) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    ticket_id = _ticket(database, desk)
    with UnitOfWork(database) as uow, pytest.raises(PauseError):
        pause_ticket(uow, agent, PauseTicket(ticket_id, "  "), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert ticket_detail(uow, agent, ticket_id, FIXED_NOW).pause is None  # nothing written
        due_before = uow.tickets.tickets(ticket_id)[0].first_contact_due
        assert pause_ticket(uow, agent, PauseTicket(ticket_id, "等客户找发票"), FIXED_NOW) >= 1
    later = FIXED_NOW + timedelta(hours=2)
    with UnitOfWork(database) as uow:  # committed by the service
        detail = ticket_detail(uow, agent, ticket_id, later)
        assert detail.pause is not None and detail.pause.reason == "等客户找发票"
        resumed = resume_ticket(uow, agent, ResumeTicket(ticket_id), later)
    assert resumed.paused_for == timedelta(hours=2)
    with UnitOfWork(database) as uow:
        detail = ticket_detail(uow, agent, ticket_id, later)
        assert detail.pause is None
        assert detail.ticket is not None
        assert detail.ticket.first_contact_due == due_before + timedelta(hours=2)
        assert [e[4] for e in detail.events][-2:] == ["paused", "resumed"]


def test_a_role_outside_the_table_may_not_pause(database: Database, desk: Desk) -> None:
    visitor = Actor(desk.agent, "王芳", "visitor", "north")
    ticket_id = _ticket(database, desk)
    with UnitOfWork(database) as uow:
        with pytest.raises(Denied) as denied:
            pause_ticket(uow, visitor, PauseTicket(ticket_id, "等客户"), FIXED_NOW)
        assert denied.value.action is Action.WORK_OWN
    with UnitOfWork(database) as uow:
        assert uow.pauses.pause_state(ticket_id) is None


def test_a_pause_needs_a_reason_an_open_ticket_and_only_once(
    database: Database, desk: Desk
) -> None:
    """The ticket's life (domain) refuses through the service: the store only saves."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    ticket_id = _ticket(database, desk)
    with UnitOfWork(database) as uow:
        with pytest.raises(PauseError) as refused:
            pause_ticket(uow, agent, PauseTicket(ticket_id, "  "), FIXED_NOW)
        assert refused.value.key == "pause.error.reason_required"
        with pytest.raises(PauseError) as refused:
            resume_ticket(uow, agent, ResumeTicket(ticket_id), FIXED_NOW)
        assert refused.value.key == "pause.error.not_paused"
    with UnitOfWork(database) as uow:
        pause_ticket(uow, agent, PauseTicket(ticket_id, "等客户回电"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        with pytest.raises(PauseError) as refused:
            pause_ticket(uow, agent, PauseTicket(ticket_id, "再等"), FIXED_NOW)
        assert refused.value.key == "pause.error.already_paused"
        uow.session.get_one(m.Ticket, ticket_id).status = "closed"
        with pytest.raises(PauseError) as refused:
            resume_ticket(uow, agent, ResumeTicket(ticket_id), FIXED_NOW)
        assert refused.value.key == "pause.error.not_paused"
        with pytest.raises(PauseError) as refused:
            pause_ticket(uow, agent, PauseTicket(ticket_id, "再等"), FIXED_NOW)
        assert refused.value.key == "pause.error.closed"
    with UnitOfWork(database) as uow:  # the refusals wrote nothing: one pause, once
        events = [e[4] for e in uow.tickets.history(ticket_id)]
        assert events.count("paused") == 1
        assert uow.tickets.tickets(ticket_id)[0].status == "waiting_customer"
