"""What happens when an agent saves a complaint step, as one service (issue 15): the step
with its version check, the fix recorded, the satisfaction callback, the lead's takeover,
one commit; refused for a role that may not work the desk."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor, Denied
from deskui.services.complaints import (
    ComplaintOf,
    ComplaintPage,
    ComplaintsOf,
    SaveComplaintStep,
    complaint_case,
    complaint_count,
    complaint_page,
    save_complaint_step,
)
from deskui.services.errors import Conflict
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

LATER = FIXED_NOW + timedelta(minutes=5)


def _complaint(database: Database, desk: Desk) -> int:
    with UnitOfWork(database) as uow:
        ticket_id = uow.tickets.open_ticket(
            NewTicket(
                customer_id=desk.customer,
                kind="complaint",
                category="product_complaint",
                channel="phone",
                severity="normal",
                customer_words="设备三天坏两次",
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    return ticket_id


def _step(ticket_id: int, version: int, **changes: object) -> SaveComplaintStep:
    fields: dict[str, object] = {
        "ticket_id": ticket_id,
        "script": "complaint",
        "leaving": "calm",
        "target": "thank",
        "final": False,
        "path": ("calm", "thank"),
        "answers": {"note": "客户很着急"},
        "expected_version": version,
    }
    fields.update(changes)
    return SaveComplaintStep(**fields)  # type: ignore[arg-type]


def test_a_step_saved_then_a_stale_save_is_a_conflict(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        saved = save_complaint_step(uow, me, _step(ticket_id, 0), FIXED_NOW)
    assert saved.case.step == "thank" and saved.case.version == 1 and saved.lead_name == ""
    with UnitOfWork(database) as uow:  # committed by the service, not by the caller
        assert uow.complaints.complaint(ticket_id).answers["note"] == "客户很着急"
    other = Actor(desk.colleague, "李娜", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(Conflict) as conflict:
        save_complaint_step(uow, other, _step(ticket_id, 0, answers={"note": "我的"}), LATER)
    assert conflict.value.version == 1
    with UnitOfWork(database) as uow:
        assert uow.complaints.complaint(ticket_id).answers["note"] == "客户很着急"


def test_escalating_hands_the_complaint_to_the_lead(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    command = _step(ticket_id, 0, target="escalate", final=True, path=("calm", "escalate"))
    with UnitOfWork(database) as uow:
        saved = save_complaint_step(uow, me, command, FIXED_NOW)
    assert saved.lead_name == "张伟"
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, ticket_id).owner_id == desk.lead


def test_a_role_outside_the_table_is_denied_and_nothing_is_written(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    stranger = Actor(desk.agent, "王芳", "visitor")
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        save_complaint_step(uow, stranger, _step(ticket_id, 0), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.complaints.complaint(ticket_id).version == 0


def test_services_import_no_textual() -> None:
    """The CLI and the phone-system listener call the services without a UI: importing every
    service module loads no Textual (lint-imports checks the same statically)."""
    code = (
        "import pkgutil, importlib, sys, deskui.services as s\n"
        "for info in pkgutil.iter_modules(s.__path__): importlib.import_module(f's.{info.name}'"
        ".replace('s.', 'deskui.services.', 1))\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_list_is_mine_or_everyones_and_the_case_opens(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        mine = complaint_page(uow, me, ComplaintPage(0, 10, desk.agent), FIXED_NOW)
        theirs = complaint_page(uow, me, ComplaintPage(0, 10, desk.colleague), FIXED_NOW)
        assert [row.ticket_id for row in mine] == [ticket_id] and theirs == []
        assert complaint_count(uow, me, ComplaintsOf(None), FIXED_NOW) == 1
        assert complaint_count(uow, me, ComplaintsOf(desk.colleague), FIXED_NOW) == 0
        case = complaint_case(uow, me, ComplaintOf(ticket_id), FIXED_NOW)
    assert case.customer_words == "设备三天坏两次" and case.version == 0
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        complaint_case(uow, Actor(desk.agent, "王芳", "visitor"), ComplaintOf(ticket_id), FIXED_NOW)
