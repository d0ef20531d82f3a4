"""Customer relations as services (issue 15; seed 000:1.4.7, 2.5.5, 4), on SQLite and
PostgreSQL: each use case writes as the actor and commits (a fresh unit of work reads it);
a refusal of the store leaves nothing behind; a role outside the table is denied."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid
from deskui.i18n import has_key
from deskui.services.actor import Actor, Denied
from deskui.services.errors import FrontDeskError
from deskui.services.relations import (
    AddEvent,
    CloseProspect,
    ConfirmGift,
    CustomerEvent,
    HandProspect,
    InvitationSent,
    Invite,
    RecordAttendance,
    RecordGift,
    RecordPlan,
    RecordProspect,
    RelationsPage,
    add_event,
    close_prospect,
    confirm_gift,
    customer_event,
    hand_prospect,
    invitation_sent,
    invite,
    record_attendance,
    record_gift,
    record_plan,
    record_prospect,
    relations_count,
    relations_rows,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

SITE = "Asia/Shanghai"


@pytest.fixture
def contact(database: Database, desk: Desk) -> int:
    """One contact at the desk's first customer."""
    with UnitOfWork(database) as uow:
        person = m.Contact(customer_id=desk.customer, name="周明", convenient_time="")
        uow.session.add(person)
        uow.session.flush()
        uow.commit()
        return person.id


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _desk_kinds(database: Database, agent: int) -> list[str]:
    with UnitOfWork(database) as uow:
        return [w.kind for w in uow.work.work_rows(0, 50, owner_id=agent)]


def test_a_prospect_cs_follows_is_on_the_actors_desk_until_handed_then_closed(
    database: Database, desk: Desk, contact: int
) -> None:
    agent = _agent(desk)
    asked = RecordProspect(desk.customer, "想在商场一楼再投两块屏", contact_id=contact)
    with UnitOfWork(database) as uow:
        prospect = record_prospect(uow, agent, asked, FIXED_NOW)
    assert _desk_kinds(database, desk.agent) == ["prospect_follow_up"]
    later = FIXED_NOW + timedelta(hours=2)
    with UnitOfWork(database) as uow:
        hand_prospect(uow, agent, HandProspect(prospect, "business", "赵磊"), later)
    assert _desk_kinds(database, desk.agent) == []  # the department follows it now
    with UnitOfWork(database) as uow:
        close_prospect(uow, agent, CloseProspect(prospect, "签约两块屏"), later)
    with UnitOfWork(database) as uow:
        (row,) = relations_rows(uow, agent, RelationsPage("prospects", SITE, None, 0, 5), later)
        assert relations_count(uow, agent, RelationsPage("prospects", SITE), later) == 1
        with pytest.raises(FrontDeskError) as refused:  # closed: no second hand-off
            hand_prospect(uow, agent, HandProspect(prospect, "technical", "钱伟"), later)
    assert refused.value.key == "relations.error.not_following"
    assert (row.recorded_by, row.handed_by, row.department_person) == ("王芳", "王芳", "赵磊")
    assert (row.status, row.outcome, row.contact_name) == ("closed", "签约两块屏", "周明")


def test_a_refused_prospect_leaves_nothing_and_a_role_outside_the_table_is_denied(
    database: Database, desk: Desk
) -> None:
    nowhere = RecordProspect(desk.customer, "年底促销", department_code="nowhere", person="某人")
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
        record_prospect(uow, _agent(desk), nowhere, FIXED_NOW)
    assert refused.value.problem.field == "department"
    stranger = Actor(desk.agent, "王芳", "visitor", "north")
    asked = RecordProspect(desk.customer, "年底促销")
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        record_prospect(uow, stranger, asked, FIXED_NOW)
    assert denied.value.action is Action.WORK_OWN
    with UnitOfWork(database) as uow:
        assert relations_count(uow, _agent(desk), RelationsPage("prospects", SITE), FIXED_NOW) == 0


def test_a_gift_gets_its_confirmation_callback_and_a_missing_one_opens_a_follow_up(
    database: Database, desk: Desk, contact: int
) -> None:
    agent = _agent(desk)
    sent = FIXED_NOW - timedelta(days=1)
    gift = RecordGift(
        desk.customer, "新年台历两本", sent, "业务部 钱伟", "business", BusinessCalendar(), contact
    )
    with UnitOfWork(database) as uow:
        saved = record_gift(uow, agent, gift, FIXED_NOW)
    assert not saved.joined
    assert _desk_kinds(database, desk.agent) == ["callback"]  # the arrival call, within 3 days
    with UnitOfWork(database) as uow:
        result = confirm_gift(uow, agent, ConfirmGift(saved.gift_id, False, "没收到"), FIXED_NOW)
    assert result is not None and result.follow_up_ticket_id is not None
    with UnitOfWork(database) as uow:
        (row,) = relations_rows(uow, agent, RelationsPage("gifts", SITE, None, 0, 5), FIXED_NOW)
        assert uow.callbacks.callback_detail(saved.callback_id).status == "done"
    assert (row.arrived, row.via, row.confirmed_by, row.confirm_note) == (
        False,
        "list",
        "王芳",
        "没收到",
    )


def test_an_event_puts_its_plan_on_the_actors_desk_and_its_invitees_answer(
    database: Database, desk: Desk, contact: int
) -> None:
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    asked = AddEvent("年终客户答谢会", date(2026, 12, 31), "三楼多功能厅", SITE)
    with UnitOfWork(database) as uow:
        event = add_event(uow, lead, asked, FIXED_NOW)
    assert _desk_kinds(database, desk.lead) == ["event_plan"]
    choices = ((desk.customer, contact), (desk.other_customer, None), (desk.customer, contact))
    with UnitOfWork(database) as uow:
        assert invite(uow, lead, Invite(event, choices), FIXED_NOW) == 2  # once each
    with UnitOfWork(database) as uow:
        record_plan(uow, lead, RecordPlan(event, "晚宴+抽奖", "企划部 周强"), FIXED_NOW)
    assert _desk_kinds(database, desk.lead) == []
    page = RelationsPage("invitees", SITE, event, 0, 10)
    with UnitOfWork(database) as uow:
        first, second = relations_rows(uow, lead, page, FIXED_NOW)
    sent = InvitationSent(first.id, FIXED_NOW, "phone", "业务部 钱伟")
    with UnitOfWork(database) as uow:
        invitation_sent(uow, lead, sent, FIXED_NOW)
    with UnitOfWork(database) as uow:
        answer = RecordAttendance(first.id, "declined", SITE, "年底出差")
        record_attendance(uow, lead, answer, FIXED_NOW)
    with UnitOfWork(database) as uow:
        with pytest.raises(FrontDeskError) as refused:  # never invited: no answer
            record_attendance(uow, lead, RecordAttendance(second.id, "declined", SITE), FIXED_NOW)
        row = customer_event(uow, lead, CustomerEvent(event), FIXED_NOW)
        (listed,) = relations_rows(uow, lead, RelationsPage("events", SITE, None, 0, 5), FIXED_NOW)
        invitee = relations_rows(uow, lead, page, FIXED_NOW)[0]
    assert refused.value.key == "relations.error.not_invited"
    assert (row.owner_name, row.plan_by, row.plan_due_at) == ("张伟", "企划部 周强", None)
    assert (row.invitees, row.invited, row.declined) == (2, 1, 1)
    assert listed.id == event
    assert (invitee.invited_via, invitee.attendance, invitee.note) == (
        "phone",
        "declined",
        "年底出差",
    )


# -- issue 24: the service refuses what F10's forms refuse, whoever calls it -------------------

_CAL = BusinessCalendar()
_E = "relations.error."
_REQUIRED = "reception.error.required"
_AGO = FIXED_NOW - timedelta(hours=1)
_TOMORROW = FIXED_NOW + timedelta(days=1)
INVALID_RELATIONS = [
    (record_prospect, RecordProspect(1, "  "), "interest", _REQUIRED),
    (record_prospect, RecordProspect(1, "门锁", department_code="business"), "person", _REQUIRED),
    (record_prospect, RecordProspect(1, "门锁", follow_up_at=_AGO), "follow_up", _E + "not_future"),
    (hand_prospect, HandProspect(1, "cs", "赵磊"), "department", _E + "pick_department"),
    (hand_prospect, HandProspect(1, "business", ""), "person", _REQUIRED),
    (close_prospect, CloseProspect(1, " "), "outcome", _REQUIRED),
    (record_gift, RecordGift(1, "月饼", _TOMORROW, "钱敏", "business", _CAL), "sent_at",
     _E + "sent_in_future"),
    (record_gift, RecordGift(1, "", FIXED_NOW, "钱敏", "business", _CAL), "gift", _REQUIRED),
    (confirm_gift, ConfirmGift(1, arrived=False, note=""), "note", _REQUIRED),
    (add_event, AddEvent("联谊会", date(2026, 11, 1), "三楼", SITE), "event_on", _E + "event_past"),
    (add_event, AddEvent("\x1b[31m联谊", date(2026, 12, 20), "三楼", SITE), "name",
     "reception.error.control"),
    (record_plan, RecordPlan(1, "", "孙丽"), "plan", _REQUIRED),
    (invitation_sent, InvitationSent(1, FIXED_NOW, "pigeon", "钱敏"), "way", _E + "pick_way"),
    (invitation_sent, InvitationSent(1, _TOMORROW, "phone", "钱敏"), "invited_at",
     _E + "sent_in_future"),
    (record_attendance, RecordAttendance(1, "attended", SITE, "备" * 501), "note",
     "reception.error.too_long"),
]  # fmt: skip


@pytest.mark.parametrize(("service", "command", "field", "key"), INVALID_RELATIONS)
def test_an_invalid_relations_command_is_refused_with_the_forms_reason(
    database: Database, desk: Desk, service: object, command: object, field: str, key: str
) -> None:
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        service(uow, _agent(desk), command, FIXED_NOW)  # type: ignore[operator]
    assert (refused.value.field, refused.value.key) == (field, key)
    assert has_key(key)
    with UnitOfWork(database) as uow:  # nothing written
        for section in ("prospects", "gifts", "events"):
            page = RelationsPage(section, SITE)
            assert relations_count(uow, _agent(desk), page, FIXED_NOW) == 0
