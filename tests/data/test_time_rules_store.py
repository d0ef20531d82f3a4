"""The time rules as stored, on SQLite and PostgreSQL: a ticket waiting on the customer, a
contract date read as a local day, the furthest open deadline (for the calendar banner), the
demo's callbacks at callable times (a booked time in the customer's rest is the service's to
refuse: test_callback_service)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.profile_records import CustomerDraft
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.callbacks import CallbackRules, calling_hours_for, is_allowed
from deskui.domain.model import CallbackPurpose, SubjectType, TicketStatus
from deskui.domain.ticket_life import Transition
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()


def _ticket(uow: UnitOfWork, desk: Desk) -> int:
    new = NewTicket(
        customer_id=desk.customer,
        contact_id=None,
        kind="question",
        category="usage",
        channel="phone",
        severity="urgent",
        customer_words="打印机连不上网络",
        expectation="",
    )
    return uow.tickets.open_ticket(new, desk.agent, FIXED_NOW)


def _dues(uow: UnitOfWork, ticket_id: int) -> list[tuple[datetime, datetime | None]]:
    rows = uow.session.scalars(
        select(m.Deadline)
        .where(m.Deadline.subject_type == SubjectType.TICKET, m.Deadline.subject_id == ticket_id)
        .order_by(m.Deadline.id)
    )
    return [(d.due_at, d.paused_at) for d in rows]


def test_waiting_three_hours_moves_every_deadline_three_hours_later(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        ticket_id = _ticket(uow, desk)
        uow.commit()
    with UnitOfWork(database) as uow:
        before = [due for due, _ in _dues(uow, ticket_id)]
        waits = Transition(TicketStatus.WAITING_CUSTOMER)
        reason = "客户去查合同编号"
        assert uow.pauses.pause_ticket(ticket_id, desk.agent, reason, FIXED_NOW, waits) == 1
        uow.commit()
    with UnitOfWork(database) as uow:
        assert _dues(uow, ticket_id) == [(due, FIXED_NOW) for due in before]
        state = uow.pauses.pause_state(ticket_id)
        assert state is not None and state.reason == "客户去查合同编号"
        assert state.paused_at == FIXED_NOW and state.previous_status == "open"
        assert uow.tickets.tickets(ticket_id)[0].status == "waiting_customer"
        rows = uow.work.work_rows(0, 10, owner_id=desk.agent)
        assert [r.paused_at for r in rows] == [FIXED_NOW]
    later = FIXED_NOW + timedelta(hours=3)
    with UnitOfWork(database) as uow:
        back = Transition(TicketStatus.OPEN)  # the status it had (the service reads it)
        resumed = uow.pauses.resume_ticket(ticket_id, desk.agent, later, back)
        uow.commit()
    assert resumed.paused_for == timedelta(hours=3) and resumed.deadlines == 1
    with UnitOfWork(database) as uow:
        assert _dues(uow, ticket_id) == [(due + timedelta(hours=3), None) for due in before]
        assert uow.tickets.tickets(ticket_id)[0].status == "open"
        assert uow.pauses.pause_state(ticket_id) is None
        events = [(action, detail) for *_, action, detail in uow.tickets.history(ticket_id)]
    assert events[-2] == ("paused", {"reason": "客户去查合同编号", "status": "open"})
    assert events[-1] == ("resumed", {"paused_for": "3h 00m", "deadlines": 1})


def test_a_contract_date_gives_the_end_of_the_third_local_day(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        saved = uow.profiles.save_customer(
            CustomerDraft(name="杭州西湖茶业", contract_signed_on="2026-11-20"),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    assert saved.id is not None
    with UnitOfWork(database) as uow:
        rows = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == SubjectType.CUSTOMER, m.Deadline.subject_id == saved.id
            )
        )
        dues = {d.note: d.due_at.astimezone(SH) for d in rows}
        detail = uow.profiles.customer_detail(saved.id)
    assert dues["sales"] == datetime(2026, 11, 23, 23, 59, tzinfo=SH)
    assert dues["personal_notes"] == FIXED_NOW + timedelta(days=30)
    assert detail is not None
    assert [kind for kind, _ in detail.filings] == ["sales", "cs", "personal_notes"]  # soonest


def test_the_furthest_open_deadline_tells_which_years_work_reaches(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        assert uow.work.latest_open_due() is None
        _ticket(uow, desk)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.work.latest_open_due() == FIXED_NOW + timedelta(hours=8)
        uow.callbacks.add_callback(
            desk.customer, CallbackPurpose.ROUTINE, FIXED_NOW, FIXED_NOW, CAL,
            agent_id=desk.agent, due_at=datetime(2027, 1, 5, 10, 0, tzinfo=SH),
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        latest = uow.work.latest_open_due()
    assert latest is not None and latest.astimezone(SH).year == 2027


def test_demo_callbacks_fall_due_only_when_the_customer_may_be_called(
    demo_database: Database,
) -> None:
    rules = CallbackRules()
    with UnitOfWork(demo_database) as uow:
        rows = uow.session.execute(
            select(m.Callback.due_at, m.Callback.contact_id).where(m.Callback.done_at.is_(None))
        ).all()
        hours_of = {c.id: c.convenient_time for c in uow.session.scalars(select(m.Contact))}
    assert rows
    for due_at, contact_id in rows:
        hours = calling_hours_for([hours_of.get(contact_id, "")], rules)
        local = due_at.astimezone(SH)
        assert is_allowed(due_at, hours, CAL), local
        assert not (local.hour < 8 or local.hour >= 21), local
    assert all(due.tzinfo is not None for due, _ in rows)
    assert UTC  # times are stored in UTC and read back aware
