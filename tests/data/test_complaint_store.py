"""Complaint handling in the repository, on SQLite and PostgreSQL (seed 001:6-7, 002:2.4.1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.complaint_store import ComplaintConflict, ReplyFactsSave, StepSave
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import DeadlineKind, SubjectType, TicketStatus
from deskui.domain.ticket_life import Transition
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

TAKEN = Transition(TicketStatus.WITH_LEAD)
RESOLVED = Transition(TicketStatus.RESOLVED)
CLOSED = Transition(TicketStatus.CLOSED, closes=True)
"""What the ticket's life decides for each move (the service asks it; the store saves)."""


def _complaint(database: Database, desk: Desk, words: str = "设备三天坏两次") -> int:
    with UnitOfWork(database) as uow:
        ticket_id = uow.tickets.open_ticket(
            NewTicket(
                customer_id=desk.customer,
                kind="complaint",
                category="product_complaint",
                channel="phone",
                severity="normal",
                customer_words=words,
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    return ticket_id


def test_a_step_saved_keeps_answers_and_the_promise_counts_down(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    promised = FIXED_NOW + timedelta(hours=5)
    with UnitOfWork(database) as uow:
        version = uow.complaints.save_complaint_step(
            ticket_id,
            desk.agent,
            StepSave(
                "complaint",
                "gather",
                ("calm", "thank", "apology", "commit", "gather"),
                {"customer_words": "很生气", "unit_number": "A-909", "cause": "网线老化", "x": ""},
                commit_mode="reply",
                promised_at=promised,
                status=TicketStatus.IN_PROGRESS,  # decided by the service's ticket life
                first_contact=True,
            ),
            FIXED_NOW,
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        case = uow.complaints.complaint(ticket_id)
        open_kinds = set(
            uow.session.scalars(
                select(m.Deadline.kind).where(
                    m.Deadline.subject_id == ticket_id, m.Deadline.met_at.is_(None)
                )
            )
        )
    assert case.step == "gather" and case.version == version
    assert case.answers == {"customer_words": "很生气", "unit_number": "A-909", "cause": "网线老化"}
    assert case.promised_at == promised and case.due_at == promised
    assert case.unit_number == "A-909" and case.cause == "网线老化"
    assert case.status == "in_progress"
    assert open_kinds == {DeadlineKind.PROMISED_REPLY}  # the call was the first contact


def test_a_stale_version_is_a_conflict(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    save = StepSave("complaint", "thank", ("calm", "thank"), {"customer_words": "x"})
    with UnitOfWork(database) as uow:
        uow.complaints.save_complaint_step(ticket_id, desk.agent, save, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow, pytest.raises(ComplaintConflict):
        uow.complaints.save_complaint_step(
            ticket_id,
            desk.agent,
            StepSave("complaint", "apology", (), {}, expected_version=0),
            FIXED_NOW,
        )


def test_lead_takeover_moves_owner_deadlines_and_tells_the_lead(
    database: Database, desk: Desk
) -> None:
    ticket_id = _complaint(database, desk)
    later = FIXED_NOW + timedelta(minutes=10)
    with UnitOfWork(database) as uow:
        lead_id, lead_name = uow.complaints.hand_to_lead(
            ticket_id, desk.agent, later, TAKEN, desk.lead
        )
        uow.commit()
    assert (lead_id, lead_name) == (desk.lead, "张伟")
    with UnitOfWork(database) as uow:
        case = uow.complaints.complaint(ticket_id)
        owners = set(
            uow.session.scalars(
                select(m.Deadline.owner_id).where(
                    m.Deadline.subject_id == ticket_id, m.Deadline.met_at.is_(None)
                )
            )
        )
        events = [e[4] for e in uow.tickets.history() if e[0] == ticket_id]
        (taken,) = [e[5] for e in uow.tickets.history(ticket_id) if e[4] == "taken_over"]
        lead_work = uow.work.work_rows(0, 50, owner_id=desk.lead)
        notices = uow.notifications.unread_notifications(desk.lead)
    assert case.status == "with_lead" and case.owner_id == desk.lead
    assert case.script == "complaint_lead" and case.taken_over_by == "张伟"
    assert owners == {desk.lead}
    assert "taken_over" in events
    assert (taken["from_name"], taken["lead"]) == ("王芳", "张伟")  # from whom to whom (issue 16)
    assert [w.subject_id for w in lead_work] == [ticket_id]
    assert [n.kind for n in notices] == ["complaint_takeover"]


def test_resolve_then_callback_then_close(database: Database, desk: Desk) -> None:
    ticket_id = _complaint(database, desk)
    due = FIXED_NOW + timedelta(days=1)
    with UnitOfWork(database) as uow:
        uow.complaints.resolve_complaint(ticket_id, desk.agent, "已更换网线", FIXED_NOW, RESOLVED)
        callback_id = uow.complaints.schedule_satisfaction_callback(
            ticket_id, desk.agent, due, FIXED_NOW
        )
        again = uow.complaints.schedule_satisfaction_callback(
            ticket_id, desk.agent, due + timedelta(hours=1), FIXED_NOW
        )
        uow.complaints.close_complaint(ticket_id, desk.agent, FIXED_NOW, CLOSED)
        uow.commit()
    assert again == callback_id
    with UnitOfWork(database) as uow:
        callback = uow.session.get_one(m.Callback, callback_id)
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        callback_deadlines = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == SubjectType.CALLBACK,
                m.Deadline.subject_id == callback_id,
                m.Deadline.met_at.is_(None),
            )
        ).all()
        case = uow.complaints.complaint(ticket_id)
        assert callback.purpose == "after_complaint" and callback.ticket_id == ticket_id
        assert callback.due_at == due + timedelta(hours=1)
        assert [d.due_at for d in callback_deadlines] == [due + timedelta(hours=1)]
        assert ticket.status == "closed" and ticket.closed_at == FIXED_NOW
    assert case.result == "已更换网线" and case.callback_id == callback_id


def test_reply_facts_and_forwarded_complaints_count_against_a_late_department(
    database: Database, desk: Desk
) -> None:
    forwarded = _complaint(database, desk, "业务员答应的优惠没兑现")
    # the customer complained again on Wednesday, before the letter reached us on Friday
    repeat_at = FIXED_NOW + timedelta(days=2)
    ours = FIXED_NOW + timedelta(days=4)
    with UnitOfWork(database) as uow:
        repeat = uow.tickets.open_ticket(
            NewTicket(desk.customer, "complaint", "business_service", "phone", "normal", "又来"),
            desk.agent,
            repeat_at,
        )
        uow.complaints.record_forwarded(forwarded, "business", date(2026, 11, 23), ours)
        uow.complaints.save_reply_facts(
            forwarded,
            desk.agent,
            ReplyFactsSave(
                "没有及时下单", "业务部 赵磊", ours, ours + timedelta(days=1), "", "正文"
            ),
            ours,
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        tally = uow.complaints.department_repeats(BusinessCalendar())
        case = uow.complaints.complaint(forwarded)
    assert repeat != forwarded
    assert case.forwarded_by == "business" and case.channel == "department"
    assert case.received_by_department_on == date(2026, 11, 23)
    assert case.responsible == "业务部 赵磊" and case.reply_text == "正文"
    assert [(t.department_code, t.forwarded, t.late, t.repeats) for t in tally] == [
        ("business", 1, 1, 1)
    ]
