"""The written reply to a complaint as a service (issue 15; seed 001:7): the facts and the
letter saved with the complaint's version check and a history line, one commit; a stale
save is a conflict, a role outside the table is denied and writes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.refusal import Invalid
from deskui.i18n import has_key
from deskui.services.actor import Actor, Denied
from deskui.services.errors import Conflict
from deskui.services.replies import SaveReply, save_reply
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
                channel="fax",
                severity="normal",
                customer_words="设备三天坏两次",
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    return ticket_id


def _reply(ticket_id: int, version: int | None, text: str = "尊敬的客户：您好。") -> SaveReply:
    return SaveReply(
        ticket_id=ticket_id,
        cause="主板老化",
        responsible="技术部 陈工",
        action_at=FIXED_NOW - timedelta(days=1),
        expected_finish=None,
        result="已更换主板",
        reply_text=text,
        expected_version=version,
    )


def test_a_reply_is_saved_with_its_history_then_a_stale_save_conflicts(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        saved = save_reply(uow, me, _reply(ticket_id, 0), FIXED_NOW)
    assert saved.version == 1
    with UnitOfWork(database) as uow:  # committed by the service, not by the caller
        case = uow.complaints.complaint(ticket_id)
        events = uow.session.execute(
            select(m.TicketEvent.agent_id, m.TicketEvent.detail).where(
                m.TicketEvent.ticket_id == ticket_id, m.TicketEvent.action == "reply_saved"
            )
        ).all()
    assert (case.cause, case.responsible, case.result, case.reply_text) == (
        "主板老化",
        "技术部 陈工",
        "已更换主板",
        "尊敬的客户：您好。",
    )
    assert case.action_at == FIXED_NOW - timedelta(days=1) and case.expected_finish is None
    assert [tuple(e) for e in events] == [(desk.agent, {"chars": 9})]

    other = Actor(desk.colleague, "李娜", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(Conflict) as conflict:
        save_reply(uow, other, _reply(ticket_id, 0, "我的回复"), LATER)
    assert conflict.value.version == 1
    with UnitOfWork(database) as uow:  # saved over theirs, knowingly: with their version
        assert save_reply(uow, other, _reply(ticket_id, 1, "我的回复"), LATER).version == 2
    with UnitOfWork(database) as uow:
        assert uow.complaints.complaint(ticket_id).reply_text == "我的回复"


def test_a_role_outside_the_table_is_denied_and_nothing_is_written(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    stranger = Actor(desk.agent, "王芳", "visitor")
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        save_reply(uow, stranger, _reply(ticket_id, 0), FIXED_NOW)
    with UnitOfWork(database) as uow:
        case = uow.complaints.complaint(ticket_id)
    assert (case.version, case.reply_text) == (0, "")


# -- issue 24: the service refuses what the composer refuses, whoever calls it ----------------


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"reply_text": " \n "}, "reply", "reply.empty"),
        ({"cause": "这不是我们的责任"}, "cause", "reply.err.conduct"),
        ({"responsible": "陈" * 201}, "responsible", "field.too_long"),
        ({"result": "换" * 4001}, "result", "field.too_long"),
        ({"reply_text": "信" * 20001}, "reply", "field.too_long"),
    ],
)
def test_an_invalid_reply_is_refused_with_the_composers_reason(
    database: Database, desk: Desk, changes: dict[str, object], field: str, key: str
) -> None:
    ticket_id = _complaint(database, desk)
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        save_reply(uow, me, replace(_reply(ticket_id, 0), **changes), FIXED_NOW)  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.key) == (field, key)
    assert has_key(key)
    with UnitOfWork(database) as uow:
        case = uow.complaints.complaint(ticket_id)
    assert (case.version, case.reply_text) == (0, "")
