"""Drafts, optimistic locking, UTC round trips, calendar overrides and the change feed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm.exc import StaleDataError

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import DeadlineKind, SubjectType
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

# text from users is data: markup and escape codes must come back byte for byte
PAYLOAD: dict[str, object] = {
    "customer_words": "屏幕一直闪 [red]x[/] \x1b[31m红\x1b[0m",
    "severity": "urgent",
    "callers": ["王芳", "李娜"],
    "nested": {"unit_number": "A-101", "count": 3, "ok": True, "none": None},
}


def test_draft_save_load_overwrite_delete(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        assert uow.drafts.load_draft(desk.agent, "intake") is None
        uow.drafts.save_draft(desk.agent, "intake", PAYLOAD, FIXED_NOW)
        uow.drafts.save_draft(desk.agent, "intake", {"other": "key"}, FIXED_NOW, key="ticket:7")
        uow.commit()

    with database.engine.connect() as connection:
        raw = connection.execute(text("SELECT payload FROM draft WHERE subject_key = ''")).scalar()
    # stored as JSON text, not escaped or rendered: PostgreSQL hands back the parsed value
    stored = raw if isinstance(raw, dict) else json.loads(raw)
    assert stored["customer_words"] == "屏幕一直闪 [red]x[/] \x1b[31m红\x1b[0m"

    with UnitOfWork(database) as uow:
        loaded = uow.drafts.load_draft(desk.agent, "intake")
        assert loaded == PAYLOAD
        assert loaded is not None and loaded["customer_words"] == PAYLOAD["customer_words"]
        assert uow.drafts.load_draft(desk.agent, "intake", key="ticket:7") == {"other": "key"}
        assert uow.drafts.load_draft(desk.colleague, "intake") is None  # drafts are per agent
        uow.drafts.save_draft(desk.agent, "intake", {"customer_words": "改了"}, FIXED_NOW)
        uow.commit()

    with UnitOfWork(database) as uow:
        assert uow.drafts.load_draft(desk.agent, "intake") == {"customer_words": "改了"}
        uow.drafts.delete_draft(desk.agent, "intake")
        uow.commit()

    with UnitOfWork(database) as uow:
        assert uow.drafts.load_draft(desk.agent, "intake") is None
        assert uow.drafts.load_draft(desk.agent, "intake", key="ticket:7") == {"other": "key"}


def test_second_writer_of_a_ticket_gets_stale_data_error(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        ticket_id = uow.tickets.open_ticket(
            NewTicket(desk.customer, "question", "usage", "phone", "normal", "导不出报表"),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()

    first, second = database.session(), database.session()
    try:
        mine = first.get_one(m.Ticket, ticket_id)
        theirs = second.get_one(m.Ticket, ticket_id)
        assert mine.version == theirs.version
        mine.expectation = "今天之内给个答复"
        first.commit()
        theirs.expectation = "换一台新的"
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()
    finally:
        first.close()
        second.close()

    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        assert ticket.expectation == "今天之内给个答复"  # the first write survives
        assert ticket.version == 2


INSTANTS = (
    FIXED_NOW,  # Asia/Shanghai
    datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Berlin")),
    datetime(2026, 11, 22, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
)


def test_aware_datetimes_come_back_aware_in_utc(database: Database) -> None:
    with UnitOfWork(database) as uow:
        ids = [
            uow.deadlines.add_deadline(
                DeadlineKind.CALLBACK, SubjectType.CALLBACK, n, None, instant, instant
            )
            for n, instant in enumerate(INSTANTS)
        ]
        uow.commit()
    with UnitOfWork(database) as uow:
        for deadline_id, instant in zip(ids, INSTANTS, strict=True):
            back = uow.session.get_one(m.Deadline, deadline_id).due_at
            assert back == instant
            assert back.utcoffset() == timedelta(0)
            assert back.replace(tzinfo=None) == instant.astimezone(UTC).replace(tzinfo=None)
        rows = uow.work.work_rows(0, 10)
        assert [r.due_at for r in rows] == sorted(INSTANTS)
        assert all(r.due_at.utcoffset() == timedelta(0) for r in rows)


def test_a_naive_datetime_is_refused(database: Database) -> None:
    with UnitOfWork(database) as uow, pytest.raises(StatementError, match="naive datetime"):
        uow.deadlines.add_deadline(
            DeadlineKind.CALLBACK,
            SubjectType.CALLBACK,
            1,
            None,
            datetime(2026, 11, 23, 9, 0),
            datetime(2026, 11, 24, 9, 0),
        )


def test_calendar_overrides_are_stored_and_replaced(database: Database) -> None:
    with UnitOfWork(database) as uow:
        assert uow.calendar.calendar_overrides() == {}
        uow.calendar.set_calendar_day(date(2026, 10, 10), True, "国庆调休补班")
        uow.calendar.set_calendar_day(date(2026, 12, 24), False, "site closed")
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.calendar.calendar_overrides() == {
            date(2026, 10, 10): True,
            date(2026, 12, 24): False,
        }
        uow.calendar.set_calendar_day(date(2026, 12, 24), True, "open after all")
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.calendar.calendar_overrides() == {
            date(2026, 10, 10): True,
            date(2026, 12, 24): True,
        }
        notes = dict(uow.session.execute(select(m.CalendarDay.day, m.CalendarDay.note)).all())
        assert notes[date(2026, 12, 24)] == "open after all"


def test_changes_since_lists_newer_writes_in_order(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        seen = uow.changes.last_change_id()
        assert seen > 0  # the desk fixture's agents wrote changes
        assert uow.changes.changes_since(seen) == []
        agent = uow.agents.add_agent("陈静", "agent", FIXED_NOW)
        deadline_id = uow.deadlines.add_deadline(
            DeadlineKind.CALLBACK, SubjectType.CALLBACK, 1, agent.id, FIXED_NOW, FIXED_NOW
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        changes = uow.changes.changes_since(seen)
        assert [(e, i) for _, e, i in changes] == [("agent", agent.id), ("deadline", deadline_id)]
        ids = [i for i, _, _ in changes]
        assert ids == sorted(ids) and ids[0] > seen
        assert uow.changes.last_change_id() == ids[-1]
        assert uow.changes.changes_since(ids[0]) == changes[1:]
        assert uow.changes.changes_since(ids[-1]) == []
        early = uow.changes.changes_since(0)
        assert [(e, i) for _, e, i in early[:4]] == [
            ("agent", desk.agent),
            ("agent", desk.colleague),
            ("agent", desk.lead),
            ("agent", desk.manager),
        ]
