"""Intake through the repository on both backends: caller lookup, record_call, card, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.phone import reversed_digits
from deskui.domain.search import classify
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk, record_call

SWITCHBOARD = "+861088886666"


@dataclass(frozen=True)
class Callers:
    """Beside the desk's own two: 北京华强传媒有限公司 is on the switchboard too."""

    prefix: int  # 华强电子有限公司, +8613812345678, contact 李明 +8613900001111
    contains: int  # 深圳华强传媒, +8675526668888
    by_contact: int  # 北京恒通商贸, switchboard, contact 王华强
    other: int  # 北京金桥科技, switchboard
    same_ending: int  # 杭州蓝海餐饮店, +8657188885678: ends in 5678 like `prefix`


def _customer(name: str, phone: str, unit: str = "") -> m.Customer:
    return m.Customer(
        name=name,
        phone_e164=phone,
        phone_reversed=reversed_digits(phone),
        unit_number=unit,
        created_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    )


def _contact(name: str, phone: str, **fields: object) -> m.Contact:
    return m.Contact(name=name, phone_e164=phone, phone_reversed=reversed_digits(phone), **fields)


@pytest.fixture
def callers(database: Database, desk: Desk) -> Callers:
    with UnitOfWork(database) as uow:
        session = uow.session
        for existing in (desk.customer, desk.other_customer):  # the shared desk's two
            row = session.get_one(m.Customer, existing)
            row.phone_reversed = reversed_digits(row.phone_e164 or "")
            uow.customers.index_customer_names(existing)
        prefix = _customer("华强电子有限公司", "+8613812345678", "A-1")
        prefix.assigned_agent_id = desk.agent
        prefix.contacts.append(
            _contact("李明", "+8613900001111", role="principal", position="店长")
        )
        contains = _customer("深圳华强传媒", "+8675526668888", "B-2")
        by_contact = _customer("北京恒通商贸", SWITCHBOARD, "C-3")
        by_contact.contacts.append(_contact("王华强", "+8613700002222"))
        other = _customer("北京金桥科技", SWITCHBOARD, "C-4")
        same_ending = _customer("杭州蓝海餐饮店", "+8657188885678", "D-5")
        rows = [prefix, contains, by_contact, other, same_ending]
        session.add_all(rows)
        session.flush()
        for row in rows:
            uow.customers.index_customer_names(row.id)
        result = Callers(*(row.id for row in rows))
        uow.commit()
    return result


def _find(database: Database, typed: str) -> list[tuple[int, str, str]]:
    with UnitOfWork(database) as uow:
        return [
            (match.customer_id, match.matched_by, match.contact_name)
            for match in uow.customers.find_callers(classify(typed))
        ]


# -- find_callers ---------------------------------------------------------------------------


def test_exact_number_finds_the_customer_by_its_own_phone(
    database: Database, callers: Callers
) -> None:
    assert _find(database, "138 1234 5678") == [(callers.prefix, "phone", "")]
    assert _find(database, "0755-2666 8888 转 301") == [(callers.contains, "phone", "")]


def test_exact_number_finds_the_customer_by_a_contact_phone(
    database: Database, callers: Callers
) -> None:
    assert _find(database, "139 0000 1111") == [(callers.prefix, "phone", "李明")]


def test_the_shared_switchboard_answers_with_every_customer_on_it(
    database: Database, desk: Desk, callers: Callers
) -> None:
    found = _find(database, "010-8888 6666")
    on_it = sorted([desk.other_customer, callers.by_contact, callers.other])
    assert sorted(cid for cid, _, _ in found) == on_it
    assert {how for _, how, _ in found} == {"phone"}


def test_a_number_nobody_has_finds_nobody(database: Database, callers: Callers) -> None:
    assert _find(database, "021-6666 7777") == []


def test_last_four_digits_search_the_reversed_number_of_customers_and_contacts(
    database: Database, callers: Callers
) -> None:
    found = _find(database, "5678")
    assert sorted(cid for cid, _, _ in found) == sorted([callers.prefix, callers.same_ending])
    assert {how for _, how, _ in found} == {"digits"}
    assert _find(database, "1111") == [(callers.prefix, "digits", "李明")]  # a contact's
    assert _find(database, "2222") == [(callers.by_contact, "digits", "王华强")]
    # the ending, not any four digits inside the number
    assert _find(database, "1234") == []
    # more digits narrow it down
    assert _find(database, "85678") == [(callers.same_ending, "digits", "")]


def test_the_last_digits_range_does_not_spill_into_neighbouring_endings(
    database: Database, desk: Desk, callers: Callers
) -> None:
    on_switchboard = sorted([desk.other_customer, callers.by_contact, callers.other])
    assert sorted(cid for cid, _, _ in _find(database, "6666")) == on_switchboard
    assert sorted(cid for cid, _, _ in _find(database, "88886666")) == on_switchboard
    assert _find(database, "5679") == []
    assert _find(database, "5677") == []


def test_a_name_fragment_ranks_prefix_then_contains_then_contact_name(
    database: Database, desk: Desk, callers: Callers
) -> None:
    found = _find(database, "华强")
    assert len(found) == 4
    assert found[0] == (callers.prefix, "name", "")  # 华强电子有限公司 starts with it
    # 深圳华强传媒 and the desk's 北京华强传媒有限公司 contain it
    assert set(found[1:3]) == {(callers.contains, "name", ""), (desk.other_customer, "name", "")}
    assert found[3] == (callers.by_contact, "name", "王华强")  # only a contact's name has it
    assert _find(database, "金桥") == [(callers.other, "name", "")]
    assert _find(database, "李明") == [(callers.prefix, "name", "李明")]
    assert _find(database, "华强电子") == [(callers.prefix, "name", "")]
    assert _find(database, "强华") == []  # pieces in the wrong order are no hit


# -- record_call ----------------------------------------------------------------------------


def _call(**fields: object) -> CallIntake:
    values: dict[str, object] = {
        "kind": "question",
        "category": "product_enquiry",
        "channel": "phone",
        "severity": "normal",
        "customer_words": "想了解新款媒体机的价格和安装周期",
        "expectation": "今天之内给个答复",
        "unit_number": "E-8",
        "caller_phone": "+8613755556666",
        "new_customer_name": "成都瑞丰服饰专卖店",
        "new_contact_name": "赵敏",
    }
    values.update(fields)
    return CallIntake(**values)  # type: ignore[arg-type]


def _deadlines(uow: UnitOfWork, subject_type: str, subject_id: int) -> dict[str, m.Deadline]:
    rows = uow.session.scalars(
        select(m.Deadline).where(
            m.Deadline.subject_type == subject_type, m.Deadline.subject_id == subject_id
        )
    )
    return {row.kind: row for row in rows}


@pytest.mark.parametrize(
    ("severity", "hours", "repeat"),
    [("normal", 24, False), ("urgent", 8, True), ("critical", 4, False)],
)
def test_a_new_callers_call_files_customer_contact_ticket_and_deadlines(
    database: Database,
    desk: Desk,
    callers: Callers,
    severity: str,
    hours: int,
    repeat: bool,
) -> None:
    with UnitOfWork(database) as uow:
        uow.drafts.save_draft(desk.agent, "intake", {"words": "想了解"}, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        saved = record_call(uow, _call(severity=severity), desk.agent, FIXED_NOW)
        uow.commit()

    assert saved.department_code == "business"  # routing: product enquiry → business
    assert saved.first_contact_due == FIXED_NOW + timedelta(hours=hours)
    assert not saved.closed
    with UnitOfWork(database) as uow:
        session = uow.session
        customer = session.get_one(m.Customer, saved.customer_id)
        assert customer.name == "成都瑞丰服饰专卖店"
        assert customer.phone_e164 == "+8613755556666"
        assert customer.phone_reversed == "6666555573168"
        assert customer.unit_number == "E-8"
        assert customer.assigned_agent_id == desk.agent
        [contact] = customer.contacts
        assert (contact.name, contact.phone_e164) == ("赵敏", "+8613755556666")

        ticket = session.get_one(m.Ticket, saved.ticket_id)
        assert ticket.owner_id == desk.agent  # first responder owns it (seed 001:5.5)
        assert ticket.customer_id == customer.id
        assert ticket.contact_id == contact.id
        assert ticket.department is not None and ticket.department.code == "business"
        assert (ticket.kind, ticket.category, ticket.severity) == (
            "question",
            "product_enquiry",
            severity,
        )
        assert ticket.customer_words == "想了解新款媒体机的价格和安装周期"
        assert ticket.caller_phone == "+8613755556666"
        assert ticket.status == "open" and ticket.closed_at is None

        on_ticket = _deadlines(uow, "ticket", ticket.id)
        assert on_ticket["first_contact"].due_at == FIXED_NOW + timedelta(hours=hours)
        assert on_ticket["first_contact"].owner_id == desk.agent
        assert on_ticket["first_contact"].team == "north"
        if repeat:  # urgent: keep the customer informed 1-2 times a day
            assert set(on_ticket) == {"first_contact", "repeat_contact"}
            assert on_ticket["repeat_contact"].due_at == FIXED_NOW + timedelta(hours=12)
            assert on_ticket["repeat_contact"].owner_id == desk.agent
        else:
            assert set(on_ticket) == {"first_contact"}

        on_customer = _deadlines(uow, "customer", customer.id)
        assert set(on_customer) == {"profile_filing"}
        filings = {
            row.note: row
            for row in uow.session.scalars(
                select(m.Deadline).where(
                    m.Deadline.subject_type == "customer", m.Deadline.subject_id == customer.id
                )
            )
        }
        # CS files it within 24 hours (seed 000:1.4.3), its personal notes within a month
        # (1.4.2), each saying which filing it is, as a customer filed from the profiles
        assert set(filings) == {"cs", "personal_notes"}
        assert filings["cs"].due_at == FIXED_NOW + timedelta(hours=24)
        assert filings["personal_notes"].due_at == FIXED_NOW + timedelta(days=30)
        assert {f.owner_id for f in filings.values()} == {desk.agent}

        assert uow.drafts.load_draft(desk.agent, "intake") is None  # the draft is gone

    # the new customer answers to its name, its contact's name and its number from now on
    assert _find(database, "瑞丰") == [(saved.customer_id, "name", "")]
    assert _find(database, "赵敏") == [(saved.customer_id, "name", "赵敏")]
    assert [cid for cid, _, _ in _find(database, "137 5555 6666")] == [saved.customer_id]
    assert [cid for cid, _, _ in _find(database, "6666")] == sorted(
        [desk.other_customer, callers.by_contact, callers.other, saved.customer_id]
    )


def test_a_known_callers_call_adds_only_the_ticket(
    database: Database, desk: Desk, callers: Callers
) -> None:
    with UnitOfWork(database) as uow:
        contact_id = uow.customers.customer_card(callers.prefix).customer.contacts[0].id
        customers_before = uow.customers.customer_count()
        saved = record_call(
            uow,
            _call(
                customer_id=callers.prefix,
                contact_id=contact_id,
                new_customer_name="",
                new_contact_name="",
                unit_number="",
                kind="complaint",
                category="network_line",
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    assert saved.customer_id == callers.prefix
    assert saved.department_code == "platform"
    with UnitOfWork(database) as uow:
        assert uow.customers.customer_count() == customers_before
        ticket = uow.session.get_one(m.Ticket, saved.ticket_id)
        assert ticket.contact_id == contact_id
        assert ticket.unit_number == "A-1"  # the customer's own when intake left it empty
        assert _deadlines(uow, "customer", callers.prefix) == {}  # nothing new to file


def test_a_department_chosen_by_a_lead_wins_over_routing(
    database: Database, desk: Desk, callers: Callers
) -> None:
    with UnitOfWork(database) as uow:
        saved = record_call(uow, _call(department_code="technical"), desk.lead, FIXED_NOW)
        uow.commit()
    assert saved.department_code == "technical"
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, saved.ticket_id)
        assert ticket.department is not None and ticket.department.code == "technical"
        assert ticket.owner_id == desk.lead


def test_close_now_answers_and_closes_a_question_meeting_its_deadlines(
    database: Database, desk: Desk, callers: Callers
) -> None:
    answer = "已告知价格表和安装周期"
    with UnitOfWork(database) as uow:
        saved = record_call(
            uow, _call(severity="urgent", close_now=True, answer=answer), desk.agent, FIXED_NOW
        )
        uow.commit()
    assert saved.closed
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, saved.ticket_id)
        assert ticket.status == "closed"
        assert ticket.closed_at == FIXED_NOW
        assert ticket.answer == answer
        on_ticket = _deadlines(uow, "ticket", ticket.id)
        assert set(on_ticket) == {"first_contact"}  # no repeat contacts for a closed ticket
        assert on_ticket["first_contact"].met_at == FIXED_NOW
        actions = uow.session.scalars(
            select(m.TicketEvent.action).where(m.TicketEvent.ticket_id == ticket.id)
        ).all()
        assert "answered" in actions
        # the new customer's profile still needs filing
        assert _deadlines(uow, "customer", saved.customer_id)["profile_filing"].met_at is None


@pytest.mark.parametrize(
    "changes",
    [{"kind": "complaint", "category": "product_complaint"}, {"answer": ""}],
)
def test_close_now_leaves_complaints_and_unanswered_questions_open(
    database: Database, desk: Desk, callers: Callers, changes: dict[str, str]
) -> None:
    base = {"close_now": True, "answer": "已答复"}
    with UnitOfWork(database) as uow:
        saved = record_call(uow, _call(**{**base, **changes}), desk.agent, FIXED_NOW)
        uow.commit()
    assert not saved.closed
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, saved.ticket_id)
        assert ticket.status == "open" and ticket.closed_at is None
        assert _deadlines(uow, "ticket", ticket.id)["first_contact"].met_at is None


def test_text_is_stored_literally(database: Database, desk: Desk, callers: Callers) -> None:
    words = "[red]x[/] \x1b[31m红色\x1b[0m " + "长" * 10
    with UnitOfWork(database) as uow:
        saved = record_call(
            uow,
            _call(customer_words=words, new_customer_name="[b]粗体[/b]店"),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, saved.ticket_id)
        assert ticket.customer_words == words
        assert ticket.customer.name == "[b]粗体[/b]店"


# -- the card and the history ---------------------------------------------------------------


def _callback(customer_id: int, agent_id: int, due_hours: int, done: bool) -> m.Callback:
    return m.Callback(
        customer_id=customer_id,
        agent_id=agent_id,
        purpose="routine",
        status="done" if done else "pending",
        due_at=FIXED_NOW + timedelta(hours=due_hours),
        done_at=FIXED_NOW if done else None,
        created_at=FIXED_NOW - timedelta(days=1),
        notes="",
    )


def test_customer_card_counts_open_tickets_and_callbacks_due(
    database: Database, desk: Desk, callers: Callers
) -> None:
    known = {"customer_id": callers.prefix, "new_customer_name": "", "new_contact_name": ""}
    with UnitOfWork(database) as uow:
        for hours in (0, 1, 2):
            record_call(uow, _call(**known), desk.agent, FIXED_NOW + timedelta(hours=hours))
        record_call(uow, _call(**known, close_now=True, answer="已答复"), desk.agent, FIXED_NOW)
        record_call(uow, _call(customer_id=callers.other), desk.agent, FIXED_NOW)
        uow.session.add_all(
            [
                _callback(callers.prefix, desk.agent, 24, done=False),
                _callback(callers.prefix, desk.agent, 48, done=True),
            ]
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        card = uow.customers.customer_card(callers.prefix)
        empty = uow.customers.customer_card(callers.contains)
    assert card.open_tickets == 3
    assert card.callbacks_due == 1
    assert card.customer.name == "华强电子有限公司"
    assert card.customer.assigned_agent == "王芳"
    [contact] = card.customer.contacts
    assert (contact.name, contact.role, contact.position) == ("李明", "principal", "店长")
    assert (empty.open_tickets, empty.callbacks_due, empty.customer.assigned_agent) == (0, 0, None)


def test_history_is_newest_first_with_a_due_time_only_while_open(
    database: Database, desk: Desk, callers: Callers
) -> None:
    known = {"customer_id": callers.prefix, "new_customer_name": "", "new_contact_name": ""}
    with UnitOfWork(database) as uow:
        oldest = record_call(
            uow,
            _call(**known, customer_words="最早的问题"),
            desk.agent,
            FIXED_NOW - timedelta(hours=5),
        )
        closed = record_call(
            uow,
            _call(**known, customer_words="当场答复", close_now=True, answer="已答复"),
            desk.colleague,
            FIXED_NOW - timedelta(hours=3),
        )
        newest = record_call(
            uow,
            _call(**known, customer_words="最新的问题", severity="critical"),
            desk.agent,
            FIXED_NOW - timedelta(hours=1),
        )
        callback = _callback(callers.prefix, desk.colleague, -2, done=False)
        uow.session.add(callback)
        uow.session.flush()
        uow.deadlines.add_deadline(
            "callback",  # type: ignore[arg-type]
            "callback",  # type: ignore[arg-type]
            callback.id,
            desk.colleague,
            FIXED_NOW - timedelta(days=1),
            callback.due_at,
            customer_id=callers.prefix,
        )
        record_call(uow, _call(customer_id=callers.other), desk.agent, FIXED_NOW)
        uow.commit()

    with UnitOfWork(database) as uow:
        assert uow.customers.history_count(callers.prefix) == 4
        rows = uow.customers.history_rows(callers.prefix, 0, 10)
        page = uow.customers.history_rows(callers.prefix, 1, 2)
    assert [(r.kind, r.subject_id) for r in rows] == [
        ("ticket", newest.ticket_id),
        ("callback", callback.id),
        ("ticket", closed.ticket_id),
        ("ticket", oldest.ticket_id),
    ]
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)
    assert page == rows[1:3]
    by_id = {(r.kind, r.subject_id): r for r in rows}
    newest_row = by_id[("ticket", newest.ticket_id)]
    assert newest_row.due_at == FIXED_NOW + timedelta(hours=3)  # critical: 4 h from opening
    assert newest_row.starts_at == FIXED_NOW - timedelta(hours=1)
    assert newest_row.handler == "王芳"
    assert newest_row.summary == "最新的问题"
    assert newest_row.status == "open"
    closed_row = by_id[("ticket", closed.ticket_id)]
    assert closed_row.due_at is None and closed_row.starts_at is None  # met: no countdown
    assert closed_row.status == "closed"
    assert closed_row.handler == "李娜"
    callback_row = by_id[("callback", callback.id)]
    assert callback_row.due_at == FIXED_NOW - timedelta(hours=2)
    assert callback_row.handler == "李娜"
    for row in rows:
        assert row.at.utcoffset() == timedelta(0)
        assert row.due_at is None or row.due_at.utcoffset() == timedelta(0)


def test_a_complaint_forwarded_by_a_department_keeps_who_had_it_and_since_when(
    database: Database, desk: Desk, callers: Callers
) -> None:
    """seed 000:3.2.2-3.2.3: a real entry feeds the delay and the late hand-on count."""
    from datetime import date

    from deskui.domain.calendar import BusinessCalendar

    received_on = date(2026, 11, 19)  # Thursday; passed on Monday: late
    with UnitOfWork(database) as uow:
        saved = record_call(
            uow,
            _call(
                kind="complaint",
                category="business_service",
                channel="department",
                forwarded_by="business",
                received_by_department_on=received_on,
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        case = uow.complaints.complaint(saved.ticket_id)
        assert case.forwarded_by == "business"
        assert case.received_by_department_on == received_on
        assert case.our_received_at == FIXED_NOW
        ticket = uow.session.get_one(m.Ticket, saved.ticket_id)
        assert ticket.received_by_department_on == received_on
        tally = uow.complaints.department_repeats(BusinessCalendar())
    assert [(row.department_code, row.forwarded, row.late) for row in tally] == [("business", 1, 1)]
