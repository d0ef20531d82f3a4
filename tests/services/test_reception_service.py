"""Reception as services (issue 15; seed 001:4), on SQLite and PostgreSQL: visitors booked
and walked in, signed in and out, a walk-in's ticket, contractor passes, phone messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid
from deskui.i18n import has_key
from deskui.services.actor import Actor, Denied
from deskui.services.errors import FrontDeskError
from deskui.services.reception import (
    FinishMessage,
    IssuePass,
    MakeWalkInTicket,
    ReceptionPage,
    RecordVisit,
    RevokePass,
    TakeMessage,
    VisitorArrived,
    VisitorLeft,
    finish_message,
    issue_pass,
    make_walk_in_ticket,
    reception_count,
    reception_page,
    record_visit,
    revoke_pass,
    take_message,
    visitor_arrived,
    visitor_left,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

ZONE = "Asia/Shanghai"
NOW = FIXED_NOW  # 09:00 in Shanghai


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _rows(db: Database, actor: Actor, section: str) -> list[object]:
    with UnitOfWork(db) as uow:
        return list(reception_page(uow, actor, ReceptionPage(section, ZONE, 0, 20), NOW))


def _refused(db: Database, actor: Actor, service: object, command: object) -> str:
    with UnitOfWork(db) as uow, pytest.raises(FrontDeskError) as refused:
        service(uow, actor, command, NOW + timedelta(hours=1))  # type: ignore[operator]
    return refused.value.key


def test_a_booked_visitor_is_signed_in_and_out_once_each(database: Database, desk: Desk) -> None:
    agent = _agent(desk)
    booked = RecordVisit(
        "陈先生", "星辰电子", "合同续签", "张伟", "会议室", NOW + timedelta(hours=2)
    )
    with UnitOfWork(database) as uow:
        visit_id = record_visit(uow, agent, booked, NOW)
    assert _refused(database, agent, visitor_left, VisitorLeft(visit_id)) == (
        "reception.error.not_arrived"
    )
    (row,) = _rows(database, agent, "visitors")
    assert (row.visitor, row.prepare, row.arrived_at) == ("陈先生", "会议室", None)  # type: ignore[attr-defined]
    assert _rows(database, agent, "walk_ins") == []  # booked, not walked in
    with UnitOfWork(database) as uow:
        visitor_arrived(uow, agent, VisitorArrived(visit_id), NOW + timedelta(hours=2))
    assert _refused(database, agent, visitor_arrived, VisitorArrived(visit_id)) == (
        "reception.error.already_arrived"
    )
    with UnitOfWork(database) as uow:
        visitor_left(uow, agent, VisitorLeft(visit_id), NOW + timedelta(hours=3))
    with UnitOfWork(database) as uow:
        visit = uow.session.get_one(m.Visit, visit_id)
        assert visit.arrived_at is not None and visit.left_at is not None
        assert visit.left_at - visit.arrived_at == timedelta(hours=1)
    assert _refused(database, agent, visitor_left, VisitorLeft(visit_id)) == (
        "reception.error.already_left"
    )


def test_a_walk_in_is_at_the_desk_now_and_their_problem_becomes_one_ticket(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        visit_id = record_visit(uow, agent, RecordVisit("赵女士", purpose="打印机卡纸"), NOW)
        silent = record_visit(uow, agent, RecordVisit("钱先生"), NOW)
    with UnitOfWork(database) as uow:
        assert reception_count(uow, agent, ReceptionPage("walk_ins", ZONE), NOW) == 2
        assert uow.session.get_one(m.Visit, visit_id).arrived_at is not None
    with UnitOfWork(database) as uow:
        ticket_id = make_walk_in_ticket(uow, agent, _classified(visit_id), NOW)
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        assert (ticket.channel, ticket.owner_id) == ("walk_in", desk.agent)
        assert (ticket.kind, ticket.category, ticket.severity) == ("question", "repair", "urgent")
        assert uow.session.get_one(m.Visit, visit_id).ticket_id == ticket_id
    assert _refused(database, agent, make_walk_in_ticket, _classified(visit_id)) == (
        "reception.error.has_ticket"
    )
    assert _refused(database, agent, make_walk_in_ticket, _classified(silent)) == (
        "reception.error.no_problem"
    )


def _classified(visit_id: int) -> MakeWalkInTicket:
    return MakeWalkInTicket(visit_id, "question", "repair", "urgent")


@pytest.mark.parametrize(
    ("kind", "category", "severity", "field"),
    [
        ("", "", "normal", "kind"),  # unclassified: 常规问题/使用问题 was made up for it
        ("question", "", "normal", "category"),
        ("question", "network_line", "normal", "category"),  # a complaint's category
        ("complaint", "repair", "normal", "category"),
        ("complaint", "network_line", "loud", "severity"),
    ],
)
def test_a_walk_ins_ticket_is_classified_by_the_receptionist_or_not_made(
    database: Database, desk: Desk, kind: str, category: str, severity: str, field: str
) -> None:
    """Issue 26: a walk-in came out 常规问题/使用问题 whatever the visitor said."""
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        visit_id = record_visit(uow, agent, RecordVisit("赵女士", purpose="网络断了"), NOW)
    command = MakeWalkInTicket(visit_id, kind, category, severity)
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        make_walk_in_ticket(uow, agent, command, NOW)
    assert field in [p.field for p in refused.value.problems]
    with UnitOfWork(database) as uow:
        assert uow.session.query(m.Ticket).count() == 0
        assert uow.session.get_one(m.Visit, visit_id).ticket_id is None


def test_a_walk_in_from_a_known_company_is_its_customer_not_a_second_one(
    database: Database, desk: Desk
) -> None:
    """Issue 26: 天合科技 at the desk made a second customer beside 北京天合科技有限公司; the
    visitor joins it as a contact. A company the site does not know is filed, and shared
    out by the balance (seed 000:1.3): 王芳 holds one customer, 李娜 none."""
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        uow.session.get_one(m.Customer, desk.customer).assigned_agent_id = desk.agent
        known = m.Customer(name="北京天合科技有限公司", created_at=NOW, updated_at=NOW)
        uow.session.add(known)
        uow.commit()
        known_id = known.id
    with UnitOfWork(database) as uow:
        ours = record_visit(uow, agent, RecordVisit("周明", "天合科技", "屏幕黑了"), NOW)
        new = record_visit(uow, agent, RecordVisit("吴刚", "远洋物流", "想装一台屏"), NOW)
    with UnitOfWork(database) as uow:
        first = make_walk_in_ticket(uow, agent, _classified(ours), NOW)
        second = make_walk_in_ticket(
            uow, agent, MakeWalkInTicket(new, "question", "product_enquiry"), NOW
        )
    with UnitOfWork(database) as uow:
        assert uow.session.query(m.Customer).filter(m.Customer.name.contains("天合")).count() == 1
        ticket = uow.session.get_one(m.Ticket, first)
        assert ticket.customer_id == known_id
        contact = uow.session.get_one(m.Contact, ticket.contact_id)
        assert (contact.name, contact.customer_id) == ("周明", known_id)
        filed = uow.session.get_one(m.Customer, uow.session.get_one(m.Ticket, second).customer_id)
        assert filed.name == "远洋物流" and filed.assigned_agent_id == desk.colleague


def test_a_walk_in_whose_company_names_several_customers_is_asked_to_say_which(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        visit_id = record_visit(uow, agent, RecordVisit("周明", "有限公司", "屏幕黑了"), NOW)
    assert _refused(database, agent, make_walk_in_ticket, _classified(visit_id)) == (
        "reception.error.which_customer"
    )
    assert has_key("reception.error.which_customer")


def test_a_pass_ending_today_is_in_both_lists_until_revoked_once(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    today = IssuePass("华强装修", "王工 李工", "三楼机房", NOW, NOW + timedelta(hours=8), "王芳")
    later = IssuePass("城建", "刘工", "大堂", NOW, NOW + timedelta(days=3), "王芳")
    with UnitOfWork(database) as uow:
        pass_id = issue_pass(uow, agent, today, NOW)
        issue_pass(uow, agent, later, NOW)
    assert [r.company for r in _rows(database, agent, "expiring")] == ["华强装修"]  # type: ignore[attr-defined]
    assert [r.company for r in _rows(database, agent, "passes")] == ["华强装修", "城建"]  # type: ignore[attr-defined]
    with UnitOfWork(database) as uow:
        revoke_pass(uow, agent, RevokePass(pass_id, "提前完工"), NOW)
    with UnitOfWork(database) as uow:
        revoked = uow.session.get_one(m.ContractorPass, pass_id)
        assert (revoked.revoked_by_id, revoked.revoke_reason) == (desk.agent, "提前完工")
    assert _rows(database, agent, "expiring") == []
    assert _refused(database, agent, revoke_pass, RevokePass(pass_id, "再次")) == (
        "reception.error.already_revoked"
    )


def test_an_urgent_message_rings_its_addressee_and_leaves_the_list_when_done(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        calm = take_message(uow, agent, TakeMessage(desk.colleague, "周经理", "请回电"), NOW)
        urgent = take_message(
            uow,
            agent,
            TakeMessage(desk.colleague, "吴总", "机房断电", "13800000000", urgent=True),
            NOW,
        )
    assert [r.id for r in _rows(database, agent, "messages")] == [urgent, calm]  # type: ignore[attr-defined]
    with UnitOfWork(database) as uow:
        notices = uow.notifications.unread_notifications(desk.colleague)
    # the number as the card writes it (issue 26)
    assert [(n.kind, n.text) for n in notices] == [
        ("urgent_message", "吴总 138 0000 0000: 机房断电")
    ]
    with UnitOfWork(database) as uow:
        finish_message(uow, agent, FinishMessage(urgent), NOW)
    assert [r.id for r in _rows(database, agent, "messages")] == [calm]  # type: ignore[attr-defined]
    assert _refused(database, agent, finish_message, FinishMessage(urgent)) == (
        "reception.error.already_done"
    )


def test_a_role_outside_the_table_may_not_work_the_front_desk(
    database: Database, desk: Desk
) -> None:
    stranger = Actor(desk.agent, "王芳", "guest", "north")
    with UnitOfWork(database) as uow:
        for service, command in (
            (record_visit, RecordVisit("陈先生")),
            (take_message, TakeMessage(desk.colleague, "周经理", "请回电")),
            (reception_count, ReceptionPage("visitors", ZONE)),
        ):
            with pytest.raises(Denied) as denied:
                service(uow, stranger, command, NOW)  # type: ignore[operator]
            assert denied.value.action is Action.WORK_OWN
    assert _rows(database, _agent(desk), "walk_ins") == []


# -- issue 24: the service refuses what the form refuses, whoever calls it ---------------------

_PASS = IssuePass("华建装饰", "张三、李四", "B 区三层", NOW, NOW + timedelta(days=2), "王芳")


def test_a_pass_ending_the_day_before_it_starts_is_refused_and_none_is_issued(
    database: Database, desk: Desk
) -> None:
    backwards = replace(_PASS, valid_to=NOW - timedelta(days=1))
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        issue_pass(uow, _agent(desk), backwards, NOW)
    assert refused.value.problems == (FieldProblem("valid_to", "reception.error.to_before_from"),)
    assert _rows(database, _agent(desk), "passes") == []


@pytest.mark.parametrize(
    ("service", "command", "field", "key"),
    [
        (issue_pass, replace(_PASS, valid_to=NOW), "valid_to", "reception.error.to_before_from"),
        (issue_pass, replace(_PASS, company=" "), "company", "reception.error.required"),
        (issue_pass, replace(_PASS, people="\x1b[2J"), "people", "reception.error.control"),
        (record_visit, RecordVisit(""), "visitor", "reception.error.required"),
        (record_visit, RecordVisit("赵", expected_at=NOW), "host", "reception.error.required"),
        (record_visit, RecordVisit("赵" * 81), "visitor", "reception.error.too_long"),
        (take_message, TakeMessage(1, "", "请回电"), "from_name", "reception.error.required"),
        (take_message, TakeMessage(1, "钱", " "), "message", "reception.error.required"),
        (revoke_pass, RevokePass(1, ""), "reason", "reception.error.required"),
    ],
)
def test_an_invalid_reception_command_is_refused_with_the_forms_reason(
    database: Database, desk: Desk, service: object, command: object, field: str, key: str
) -> None:
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        service(uow, _agent(desk), command, NOW)  # type: ignore[operator]
    assert (refused.value.field, refused.value.key) == (field, key)
    assert has_key(key)
    with UnitOfWork(database) as uow:  # nothing written
        assert reception_count(uow, _agent(desk), ReceptionPage("walk_ins", ZONE), NOW) == 0
        assert reception_count(uow, _agent(desk), ReceptionPage("passes", ZONE), NOW) == 0
        assert reception_count(uow, _agent(desk), ReceptionPage("messages", ZONE), NOW) == 0
