"""A command naming a record that is not there (a made-up id, or one deleted since the list
showed it) is refused with a catalog key, on SQLite and PostgreSQL, never answered with the
driver's words (issue 24): the CLI, a script and the phone bridge send such ids too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from deskui.data.database import Database
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import Role
from deskui.domain.refusal import Refusal
from deskui.i18n import catalog, has_key
from deskui.services import (
    callbacks,
    correspondence,
    departments,
    intake,
    reception,
    relations,
    replies,
)
from deskui.services.actor import Actor
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

NONE = 999_999
LATER = FIXED_NOW + timedelta(days=1)


def _call(**ids: int) -> intake.RecordCall:
    return intake.RecordCall(CallIntake("question", "usage", "phone", "normal", "黑屏", **ids))


def _cases(desk: Desk) -> list[tuple[Callable[..., Any], object]]:
    return [
        (reception.visitor_arrived, reception.VisitorArrived(NONE)),
        (reception.visitor_left, reception.VisitorLeft(NONE)),
        (reception.make_walk_in_ticket, reception.MakeWalkInTicket(NONE)),
        (reception.revoke_pass, reception.RevokePass(NONE, "丢失")),
        (reception.finish_message, reception.FinishMessage(NONE)),
        (reception.take_message, reception.TakeMessage(NONE, "钱先生", "请回电")),
        (correspondence.sign_mail, correspondence.SignMail(NONE, "陈经理")),
        (departments.hand_to_department, departments.HandToDepartment(NONE, "technical")),
        (departments.accept_leg, departments.AcceptLeg(NONE)),
        (departments.tell_customer, departments.TellCustomer(NONE)),
        (relations.record_prospect, relations.RecordProspect(NONE, "门锁")),
        (relations.hand_prospect, relations.HandProspect(NONE, "business", "赵磊")),
        (relations.close_prospect, relations.CloseProspect(NONE, "成交")),
        (
            relations.record_gift,
            relations.RecordGift(NONE, "月饼", FIXED_NOW, "钱敏", "business", BusinessCalendar()),
        ),
        (relations.confirm_gift, relations.ConfirmGift(NONE, arrived=True)),
        (relations.record_plan, relations.RecordPlan(NONE, "计划", "孙丽")),
        (relations.invite, relations.Invite(NONE, [(desk.customer, None)])),
        (relations.invitation_sent, relations.InvitationSent(NONE, FIXED_NOW, "phone", "钱敏")),
        (
            relations.record_attendance,
            relations.RecordAttendance(NONE, "declined", "Asia/Shanghai"),
        ),
        (callbacks.open_callback, callbacks.OpenCallback(NONE)),
        (callbacks.book_callback, callbacks.BookCallback(NONE, LATER, 1)),
        (
            callbacks.record_sales_confirmation,
            callbacks.RecordSalesConfirmation(NONE, "赵", True, 1),
        ),
        (callbacks.record_callback, callbacks.RecordCallback(NONE, {}, 1)),
        (replies.save_reply, replies.SaveReply(NONE, "", "", None, None, "", "尊敬的客户", 0)),
        (intake.record_call, _call(customer_id=NONE)),
        (intake.record_call, _call(customer_id=desk.customer, contact_id=NONE)),
        (intake.customer_card, NONE),
    ]


def test_every_unknown_record_is_a_refusal_with_its_catalog_key(
    database: Database, desk: Desk
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    answered: dict[str, str] = {}
    for index, (service, command) in enumerate(_cases(desk)):
        name = f"{index} {service.__module__.rsplit('.', 1)[-1]}.{service.__name__}"
        with UnitOfWork(database) as uow:
            try:
                service(uow, agent, command, FIXED_NOW)
            except Refusal as refusal:
                key = str(getattr(refusal, "key", ""))
                answered[name] = key if has_key(key) else f"no catalog key: {refusal!r}"
            except Exception as error:  # what the test is here to find: a driver's answer
                answered[name] = f"FAULT {type(error).__name__}"
            else:
                answered[name] = "saved"
    wrong = {
        name: said for name, said in answered.items() if said.startswith(("FAULT", "no ", "saved"))
    }
    assert wrong == {}


def test_the_missing_records_line_is_in_both_catalogs() -> None:
    assert "找不到" in catalog("zh-CN")["service.missing"]
    assert "No such record" in catalog("en")["service.missing"]
