"""Prospects, gifts and customer events on SQLite and PostgreSQL (seed 000:1.4.7, 2.5.5, 4):
who follows a prospect and the hand-off in its history, the gift's confirmation callback with
its countdown on the agent's desk, the event plan's deadline, invitations and attendance."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.export import KINDS, build_table
from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.relations_store import (
    EVENT_EXPORT_HEADERS,
    GIFT_EXPORT_HEADERS,
    PROSPECT_EXPORT_HEADERS,
)
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.callbacks import CallbackRules
from deskui.domain.model import CallbackPurpose
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
CALENDAR = BusinessCalendar()


@pytest.fixture
def contacts(database: Database, desk: Desk) -> tuple[int, int]:
    """The departments, and one contact at each of the desk's two customers."""
    with UnitOfWork(database) as uow:
        session = uow.session
        first = m.Contact(customer_id=desk.customer, name="周明", convenient_time="")
        second = m.Contact(customer_id=desk.other_customer, name="孙丽", convenient_time="")
        session.add_all([first, second])
        session.flush()
        ids = (first.id, second.id)
        uow.commit()
    return ids


def _desk_kinds(database: Database, agent: int) -> list[tuple[str, str]]:
    with UnitOfWork(database) as uow:
        return [(w.kind, w.subject_type) for w in uow.work.work_rows(0, 50, owner_id=agent)]


def test_a_prospect_cs_follows_is_on_the_agents_desk_until_handed_to_a_department(
    database: Database, desk: Desk, contacts: tuple[int, int]
) -> None:
    with UnitOfWork(database) as uow:
        prospect = uow.relations.record_prospect(
            desk.agent, FIXED_NOW, customer_id=desk.customer, contact_id=contacts[0],
            interest="想在商场一楼再投两块屏",
        )  # fmt: skip
        uow.commit()
    assert _desk_kinds(database, desk.agent) == [("prospect_follow_up", "prospect")]
    with UnitOfWork(database) as uow:
        row = uow.relations.prospect(prospect)
        assert (row.status, row.owner_name, row.contact_name) == ("following", "王芳", "周明")
        assert row.follow_up_at == FIXED_NOW + timedelta(days=7)  # within a week by default
        work = uow.work.work_rows(0, 5, owner_id=desk.agent)[0]
        assert work.due_at == row.follow_up_at and work.customer_name == "上海星辰电子有限公司"

        uow.relations.hand_prospect(
            prospect, desk.agent, FIXED_NOW + timedelta(hours=2), "business", "赵磊"
        )
        uow.commit()
    assert _desk_kinds(database, desk.agent) == []  # the department follows it now
    with UnitOfWork(database) as uow:
        row = uow.relations.prospect(prospect)
        assert (row.status, row.department_code, row.department_person) == (
            "handed", "business", "赵磊",
        )  # fmt: skip
        assert row.handed_by == "王芳" and row.handed_at == FIXED_NOW + timedelta(hours=2)
        history = uow.relations.prospect_history(prospect)
        assert [h[1] for h in history] == ["recorded", "handed"]
        assert history[1][3] == {"department": "business", "person": "赵磊"}
        with pytest.raises(FrontDeskError) as refused:
            uow.relations.hand_prospect(prospect, desk.agent, FIXED_NOW, "technical", "钱伟")
        assert refused.value.key == "relations.error.not_following"

        uow.relations.close_prospect(
            prospect, desk.agent, FIXED_NOW + timedelta(days=3), "签约两块屏"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.relations.prospect_count(open_only=True) == 0
        assert uow.relations.prospect(prospect).outcome == "签约两块屏"


def test_a_prospect_a_department_follows_is_handed_at_once_from_its_callback(
    database: Database, desk: Desk, contacts: tuple[int, int]
) -> None:
    with UnitOfWork(database) as uow:
        callback = uow.callbacks.add_callback(
            desk.other_customer, CallbackPurpose.ROUTINE, FIXED_NOW, FIXED_NOW, CALENDAR,
            agent_id=desk.agent, due_at=FIXED_NOW + timedelta(hours=1),
        )  # fmt: skip
        prospect = uow.relations.record_prospect(
            desk.agent, FIXED_NOW, customer_id=desk.other_customer, contact_id=contacts[1],
            interest="[b]年底[/b]想做一次促销投放", source_callback_id=callback,
            department_code="business", person="钱伟",
        )  # fmt: skip
        with pytest.raises(FrontDeskError) as refused:
            uow.relations.record_prospect(
                desk.agent, FIXED_NOW, customer_id=desk.customer, interest="x",
                department_code="nowhere", person="某人",
            )  # fmt: skip
        assert refused.value.problem.field == "department"
        uow.commit()
    with UnitOfWork(database) as uow:
        row = uow.relations.prospect(prospect)
        assert row.interest == "[b]年底[/b]想做一次促销投放"  # kept as typed
        assert (row.status, row.owner_name, row.source_callback_id) == ("handed", "", callback)
        assert [h[1] for h in uow.relations.prospect_history(prospect)] == ["recorded", "handed"]
        assert "prospect" in [e[1] for e in uow.callbacks.callback_events(callback)]
    # the callback's own countdown only: no follow-up row for a prospect a department follows
    assert _desk_kinds(database, desk.agent) == [("callback", "callback")]


def test_a_gift_gets_its_own_confirmation_callback_within_three_days(
    database: Database, desk: Desk, contacts: tuple[int, int]
) -> None:
    sent = FIXED_NOW - timedelta(days=1)  # Sunday 09:00
    with UnitOfWork(database) as uow:
        saved = uow.relations.record_gift(
            desk.agent, FIXED_NOW, CALENDAR, customer_id=desk.customer, contact_id=contacts[0],
            gift="新年台历两本", sent_at=sent, sent_by="业务部 钱伟",
        )  # fmt: skip
        uow.commit()
    assert not saved.joined
    with UnitOfWork(database) as uow:
        detail = uow.callbacks.callback_detail(saved.callback_id)
        assert detail.purpose == "gift_arrival" and detail.agent_id == desk.agent
        due = sent + timedelta(days=3)
        # the latest calling slot before the 3 days end (Wednesday 09:00 is before 09:30)
        assert detail.due_at <= due
        assert detail.due_at.astimezone(SH).hour == 17  # Tuesday 17:00, the afternoon window
        work = uow.work.work_rows(0, 5, owner_id=desk.agent)
        assert [(w.kind, w.label) for w in work] == [("callback", "gift_arrival")]
        row = uow.relations.gift_rows(0, 5)[0]
        assert (row.gift, row.arrived, row.via, row.department_code) == (
            "新年台历两本", None, "", "business",
        )  # fmt: skip
        assert row.confirm_due == due

        # confirmed on the list: the callback it was waiting for is done with the same answer
        result = uow.relations.confirm_gift(
            saved.gift_id, desk.agent, FIXED_NOW, True, "前台已签收"
        )
        uow.commit()
    assert result is not None and result.follow_up_ticket_id is None
    assert _desk_kinds(database, desk.agent) == []
    with UnitOfWork(database) as uow:
        row = uow.relations.gift_rows(0, 5)[0]
        assert (row.arrived, row.via, row.confirmed_by, row.confirm_note) == (
            True, "list", "王芳", "前台已签收",
        )  # fmt: skip
        assert uow.callbacks.callback_detail(saved.callback_id).status == "done"
        with pytest.raises(FrontDeskError):
            uow.relations.confirm_gift(saved.gift_id, desk.agent, FIXED_NOW, False)


def test_a_gift_joins_the_next_routine_callback_and_its_script_confirms_it(
    database: Database, desk: Desk, contacts: tuple[int, int]
) -> None:
    with UnitOfWork(database) as uow:
        routine = uow.callbacks.add_callback(
            desk.customer, CallbackPurpose.ROUTINE, FIXED_NOW, FIXED_NOW, CALENDAR,
            agent_id=desk.agent, due_at=FIXED_NOW + timedelta(hours=2),
        )  # fmt: skip
        later = uow.callbacks.add_callback(
            desk.customer, CallbackPurpose.ROUTINE, FIXED_NOW, FIXED_NOW, CALENDAR,
            agent_id=desk.agent, due_at=FIXED_NOW + timedelta(days=6),
        )  # fmt: skip
        saved = uow.relations.record_gift(
            desk.agent, FIXED_NOW, CALENDAR, customer_id=desk.customer, gift="月饼礼盒",
            sent_at=FIXED_NOW - timedelta(hours=3), sent_by="钱伟", rules=CallbackRules(),
        )  # fmt: skip
        uow.commit()
    assert saved.joined and saved.callback_id == routine
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(routine).purpose == "gift_arrival"
        assert uow.callbacks.callback_detail(later).purpose == "routine"  # too late for the gift
        labels = {w.subject_id: w.label for w in uow.work.work_rows(0, 5, owner_id=desk.agent)}
        assert labels[routine] == "gift_arrival"
        # the agent calls through the gift-arrival script: it did not arrive
        uow.callbacks.record_callback(
            routine, desk.agent, FIXED_NOW + timedelta(hours=1),
            {"convenient": "yes", "arrived": "no", "issue": "快递显示已签收但没收到"},
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        row = uow.relations.gift_rows(0, 5)[0]
        assert (row.arrived, row.via) == (False, "callback")
        assert row.confirmed_at == FIXED_NOW + timedelta(hours=1)
        with pytest.raises(FrontDeskError) as refused:
            uow.relations.confirm_gift(saved.gift_id, desk.agent, FIXED_NOW, True)
        assert refused.value.key == "relations.error.already_confirmed"


def test_an_event_has_its_plan_due_a_month_ahead_and_records_invitations_and_attendance(
    database: Database, desk: Desk, contacts: tuple[int, int]
) -> None:
    with UnitOfWork(database) as uow:
        event = uow.relations.add_event(
            desk.lead, FIXED_NOW, SH, name="年终客户答谢会", event_on=date(2026, 12, 31),
            place="三楼多功能厅", owner_id=desk.agent,
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        work = uow.work.work_rows(0, 5, owner_id=desk.agent)
        assert [(w.kind, w.label) for w in work] == [("event_plan", "年终客户答谢会")]
        assert work[0].due_at.astimezone(SH).isoformat() == "2026-11-30T18:00:00+08:00"
        row = uow.relations.event(event)
        assert row.plan_due_on == date(2026, 11, 30) and row.plan_due_at == work[0].due_at

        added = uow.relations.invite(
            event, desk.agent, FIXED_NOW,
            [(desk.customer, contacts[0]), (desk.other_customer, contacts[1]),
             (desk.customer, contacts[0])],
        )  # fmt: skip
        assert added == 2
        assert (
            uow.relations.invite(event, desk.agent, FIXED_NOW, [(desk.customer, contacts[0])]) == 0
        )
        uow.relations.record_plan(
            event, desk.agent, FIXED_NOW, "晚宴+抽奖，预算两万", "企划部 周强"
        )
        uow.commit()
    assert _desk_kinds(database, desk.agent) == []
    with UnitOfWork(database) as uow:
        first, second = uow.relations.invitee_rows(event, 0, 10)
        assert (first.customer_name, first.contact_name) == ("上海星辰电子有限公司", "周明")
        with pytest.raises(FrontDeskError) as refused:
            uow.relations.record_attendance(first.id, FIXED_NOW, SH, "declined")
        assert refused.value.key == "relations.error.not_invited"
        uow.relations.invitation_sent(
            first.id, FIXED_NOW, at=FIXED_NOW, way="phone", invited_by="业务部 钱伟"
        )
        uow.relations.invitation_sent(
            second.id, FIXED_NOW, at=FIXED_NOW, way="email", invited_by="钱伟"
        )
        uow.relations.record_attendance(first.id, FIXED_NOW, SH, "declined", "年底出差")
        with pytest.raises(FrontDeskError) as refused:
            uow.relations.record_attendance(second.id, FIXED_NOW, SH, "attended")
        assert refused.value.key == "relations.error.before_event"
        on_the_day = FIXED_NOW.replace(year=2026, month=12, day=31, hour=20)
        uow.relations.record_attendance(second.id, on_the_day, SH, "attended")
        uow.commit()
    with UnitOfWork(database) as uow:
        row = uow.relations.event(event)
        assert (row.invitees, row.invited, row.attended, row.declined, row.no_show) == (
            2, 2, 1, 1, 0,
        )  # fmt: skip
        assert row.plan_by == "企划部 周强" and row.plan_due_at is None
        assert [r.name for r in uow.relations.event_rows(FIXED_NOW.date(), 0, 5)] == [
            "年终客户答谢会"
        ]


def test_contact_choices_find_customers_and_contacts_by_name(
    database: Database, desk: Desk, contacts: tuple[int, int]
) -> None:
    with UnitOfWork(database) as uow:
        assert uow.relations.contact_choice_count() == 2
        assert [c.contact_name for c in uow.relations.contact_choices("孙", 0, 10)] == ["孙丽"]
        assert [c.customer_name for c in uow.relations.contact_choices("星辰", 0, 10)] == [
            "上海星辰电子有限公司"
        ]
        assert uow.relations.contact_choice_count("100%_") == 0  # wildcards are plain text


def test_export_has_every_field_of_prospects_gifts_and_events(
    database: Database, desk: Desk, contacts: tuple[int, int]
) -> None:
    with UnitOfWork(database) as uow:
        uow.relations.record_prospect(
            desk.agent, FIXED_NOW, customer_id=desk.customer, interest="加投两块屏",
            department_code="business", person="赵磊",
        )  # fmt: skip
        uow.relations.record_gift(
            desk.agent, FIXED_NOW, CALENDAR, customer_id=desk.customer, gift="台历",
            sent_at=FIXED_NOW - timedelta(days=1), sent_by="钱伟",
        )  # fmt: skip
        event = uow.relations.add_event(
            desk.agent, FIXED_NOW, SH, name="答谢会", event_on=date(2027, 1, 15), place="酒店"
        )
        uow.relations.add_event(
            desk.agent, FIXED_NOW, SH, name="茶话会", event_on=date(2027, 2, 1), place="茶室"
        )
        uow.relations.invite(event, desk.agent, FIXED_NOW, [(desk.customer, contacts[0])])
        uow.commit()
    with UnitOfWork(database) as uow:
        for kind, headers in (
            ("prospects", PROSPECT_EXPORT_HEADERS),
            ("gifts", GIFT_EXPORT_HEADERS),
            ("events", EVENT_EXPORT_HEADERS),
        ):
            assert kind in KINDS
            got, rows = build_table(kind, uow, "Asia/Shanghai")
            assert got == list(headers)
            assert rows and all(len(r) == len(headers) for r in rows)
        _, prospects = build_table("prospects", uow, "Asia/Shanghai")
        assert "+08:00 handed department=business, person=赵磊" in prospects[0][-1]
        _, gifts = build_table("gifts", uow, "Asia/Shanghai")
        assert gifts[0][GIFT_EXPORT_HEADERS.index("confirm_due")].startswith("2026-11-25T09:00")
        _, events = build_table("events", uow, "Asia/Shanghai")
        assert [(r[1], r[13]) for r in events] == [("答谢会", "周明"), ("茶话会", "")]
