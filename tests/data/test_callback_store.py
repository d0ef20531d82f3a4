"""CallbackStore on SQLite and PostgreSQL: placing, booking, recording, sharing, coverage."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.callback_store import CallbackScope, coverage_period
from deskui.data.database import Database
from deskui.data.export import build_table
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import CallbackPurpose, SubjectType
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()


def _contact(uow: UnitOfWork, customer: int, hours: str) -> int:
    contact = m.Contact(customer_id=customer, name="赵敏", gender="female", convenient_time=hours)
    uow.session.add(contact)
    uow.session.flush()
    return contact.id


def _deadline(uow: UnitOfWork, callback_id: int) -> m.Deadline:
    return uow.session.scalars(
        select(m.Deadline).where(
            m.Deadline.subject_type == SubjectType.CALLBACK, m.Deadline.subject_id == callback_id
        )
    ).one()


def test_callback_due_in_a_week_falls_on_the_next_allowed_slot(
    database: Database, desk: Desk
) -> None:
    # event Monday 23 Nov 9:00 -> due Monday 30 Nov 9:00, before the site's 9:30 start
    with UnitOfWork(database) as uow:
        cid = uow.callbacks.add_callback(
            desk.customer, CallbackPurpose.ROUTINE, FIXED_NOW, FIXED_NOW, CAL, agent_id=desk.agent
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = uow.callbacks.callback_detail(cid)
        assert detail.due_at == datetime(2026, 11, 30, 9, 30, tzinfo=SH)
        assert detail.moved_reason == "site_hours"
        assert _deadline(uow, cid).due_at == detail.due_at
        assert [e[1] for e in uow.callbacks.callback_events(cid)] == ["created", "moved"]


def test_contact_hours_are_respected(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        contact = _contact(uow, desk.customer, "工作日 14:00-17:00")
        cid = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL,
            agent_id=desk.agent, contact_id=contact,
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = uow.callbacks.callback_detail(cid)
        assert detail.due_at == datetime(2026, 11, 30, 14, 0, tzinfo=SH)
        assert detail.moved_reason == "contact_hours"


def test_busy_customer_books_a_time_and_the_countdown_follows(
    database: Database, desk: Desk
) -> None:
    booked = datetime(2026, 11, 25, 15, 0, tzinfo=SH)
    with UnitOfWork(database) as uow:
        cid = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL, agent_id=desk.agent
        )
        uow.callbacks.book_callback(cid, desk.agent, booked, FIXED_NOW, {"convenient": "no"})
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = uow.callbacks.callback_detail(cid)
        assert (detail.status, detail.booked_at, detail.due_at) == ("booked", booked, booked)
        assert _deadline(uow, cid).due_at == booked
        # a time already past is the callback's life's to refuse, at the service
        # (test_callback_service: test_invalid_bookings_and_results_are_refused_...)


def test_unsatisfied_opens_a_follow_up_ticket_owned_by_the_agent(
    database: Database, desk: Desk
) -> None:
    later = FIXED_NOW + timedelta(hours=2)
    with UnitOfWork(database) as uow:
        cid = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL, agent_id=desk.agent
        )
        result = uow.callbacks.record_callback(
            cid,
            desk.agent,
            later,
            {
                "convenient": "yes",
                "satisfaction": "unsatisfied",
                "feedback": "慢",
                "issue": "屏幕闪",
            },
            notes="客户语气不满",
        )
        uow.commit()
    assert result.outcome == "unsatisfied" and result.follow_up_ticket_id is not None
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, result.follow_up_ticket_id)
        assert (ticket.owner_id, ticket.customer_words, ticket.kind) == (
            desk.agent,
            "屏幕闪",
            "complaint",
        )
        assert uow.work.work_count(owner_id=desk.agent) == 1  # the ticket's first contact
        callback = uow.session.get_one(m.Callback, cid)
        assert (callback.done_by_id, callback.done_at, callback.notes) == (
            desk.agent,
            later,
            "客户语气不满",
        )
        assert _deadline(uow, cid).met_at == later
        assert uow.customers.history_count(desk.customer) == 2  # callback + ticket stay in history


def test_satisfied_opens_nothing(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        cid = uow.callbacks.add_callback(desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL)
        result = uow.callbacks.record_callback(
            cid, desk.agent, FIXED_NOW, {"satisfaction": "satisfied"}
        )
        uow.commit()
    assert result.follow_up_ticket_id is None


def test_overdue_personal_callbacks_move_to_the_shared_queue(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        cid = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL,
            agent_id=desk.agent, due_at=datetime(2026, 11, 23, 10, 0, tzinfo=SH),
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.callbacks.share_overdue(datetime(2026, 11, 23, 10, 20, tzinfo=SH)) == []
        assert uow.callbacks.share_overdue(datetime(2026, 11, 23, 10, 31, tzinfo=SH)) == [cid]
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_count(CallbackScope(shared=True)) == 1
        assert uow.callbacks.callback_count(CallbackScope(agent_id=desk.agent)) == 0
        assert "shared" in [e[1] for e in uow.callbacks.callback_events(cid)]
        assert _deadline(uow, cid).owner_id is None


def test_a_reassigned_callback_moves_with_its_deadline(database: Database, desk: Desk) -> None:
    # only a lead may: the service asks the table (test_a_lead_reassigns_and_an_agent_is_refused)
    with UnitOfWork(database) as uow:
        cid = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL, agent_id=desk.agent
        )
        uow.callbacks.reassign_callback(cid, desk.colleague, desk.lead, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        rows = uow.callbacks.callback_rows(CallbackScope(agent_id=desk.colleague), 0, 10)
        assert [r.callback_id for r in rows] == [cid]
        assert _deadline(uow, cid).team == "south"


def test_coverage_and_routine_generation(database: Database, desk: Desk) -> None:
    start, end = coverage_period(FIXED_NOW, CAL)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.uncovered_count(start, end) == 2
        uow.callbacks.add_callback(desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL)
        rows = uow.callbacks.uncovered_rows(start, end, 0, 10)
        assert [r.customer_id for r in rows] == [desk.other_customer]
        assert uow.callbacks.generate_routine(FIXED_NOW, CAL) == 1
        assert uow.callbacks.uncovered_count(start, end) == 0
        assert uow.callbacks.generate_routine(FIXED_NOW, CAL) == 0
        uow.commit()


def test_special_occasions_are_generated_once(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        contact = _contact(uow, desk.customer, "")
        uow.session.get_one(m.Contact, contact).birthday = date(1985, 12, 1)
        first = uow.callbacks.generate_occasions(FIXED_NOW, CAL)
        again = uow.callbacks.generate_occasions(FIXED_NOW, CAL)
        uow.commit()
        occasions = uow.session.scalars(select(m.Callback.occasion)).all()
    assert first >= 1 and again == 0
    assert "birthday:2026-12-01" in occasions


def test_visit_request_approved_by_a_lead_then_feedback(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        # the request's and the decision's refusals are the visits service's (domain/visit_life)
        rid = uow.callbacks.request_visit(
            desk.customer, desk.agent, FIXED_NOW, reason="设备检查", frequency="每月一次",
            first_date=date(2026, 12, 1), end_date=date(2027, 5, 31),
        )  # fmt: skip
        assert uow.callbacks.visit_status(rid) == "pending"
        uow.callbacks.decide_visit(rid, desk.lead, "approved", "同意", FIXED_NOW)
        uow.callbacks.record_visit_feedback(rid, "设备运行正常", FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        (row,) = uow.callbacks.visit_rows(0, 10)
        assert (row.status, row.decided_by, row.decision_note, row.feedback) == (
            "approved",
            "张伟",
            "同意",
            "设备运行正常",
        )


def test_export_has_every_recorded_field(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        cid = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL, agent_id=desk.agent
        )
        uow.callbacks.record_callback(
            cid, desk.agent, FIXED_NOW, {"satisfaction": "unsatisfied", "issue": "=1+1"}, "备注"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        headers, rows = build_table("callbacks", uow, "Asia/Shanghai")
    row = dict(zip(headers, rows[0], strict=True))
    for name in ("agent", "done_by", "done_at", "way", "answers", "outcome", "notes"):
        assert row[name] != "", name
    assert row["outcome"] == "unsatisfied" and "issue==1+1" in row["answers"]
    assert row["follow_up_ticket"] != ""


def test_the_share_called_back_this_week_and_this_quarter(database: Database, desk: Desk) -> None:
    """seed 000:2.5.2.1: 100% of customers called back; only a call made counts."""
    from deskui.data.callback_store import coverage_spans

    spans = coverage_spans(FIXED_NOW, CAL)  # Monday 2026-11-23: week from today, Q4
    assert spans["week"][0] == datetime(2026, 11, 23, tzinfo=SH)
    assert spans["quarter"][0] == datetime(2026, 10, 1, tzinfo=SH)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.coverage_share(*spans["week"]).covered == 0
        last_week = FIXED_NOW - timedelta(days=3)
        old = uow.callbacks.add_callback(desk.customer, "routine", last_week, last_week, CAL)
        uow.callbacks.record_callback(old, desk.agent, last_week, {"satisfaction": "satisfied"})
        again = uow.callbacks.add_callback(desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL)
        uow.callbacks.record_callback(again, desk.agent, FIXED_NOW, {"satisfaction": "satisfied"})
        # booked for the other customer, not yet called: not covered
        uow.callbacks.add_callback(desk.other_customer, "routine", FIXED_NOW, FIXED_NOW, CAL)
        uow.commit()
    with UnitOfWork(database) as uow:
        week = uow.callbacks.coverage_share(*spans["week"])
        quarter = uow.callbacks.coverage_share(*spans["quarter"])
    assert (week.covered, week.total, week.percent) == (1, 2, 50)
    assert (quarter.covered, quarter.total) == (1, 2)  # one customer, called twice
