"""The business calendar as a service (issue 15; issue 3), on SQLite and PostgreSQL: a lead
marks a holiday and a make-up working day; an agent may read the days but not mark one
(Action.EDIT_CALENDAR), and a refused day leaves nothing behind."""

from __future__ import annotations

from datetime import date

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied
from deskui.services.calendar import CalendarDays, SetCalendarDay, calendar_days, set_calendar_day
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def test_a_lead_marks_a_holiday_and_a_working_day_and_a_day_again_replaces_it(
    database: Database, desk: Desk
) -> None:
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow:
        set_calendar_day(uow, lead, SetCalendarDay(date(2027, 2, 8), False, "春节"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        set_calendar_day(uow, lead, SetCalendarDay(date(2027, 2, 6), True, "春节调休"), FIXED_NOW)
        set_calendar_day(uow, lead, SetCalendarDay(date(2027, 2, 8), False, "春节假期"), FIXED_NOW)
    with UnitOfWork(database) as uow:  # committed: a fresh unit of work reads them
        days = calendar_days(uow, lead, CalendarDays(), FIXED_NOW)
        overrides = uow.calendar.calendar_overrides()
    assert overrides == {date(2027, 2, 6): True, date(2027, 2, 8): False}
    assert days == [(date(2027, 2, 6), True, "春节调休"), (date(2027, 2, 8), False, "春节假期")]


def test_an_agent_reads_the_days_but_may_not_mark_one(database: Database, desk: Desk) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        set_calendar_day(uow, agent, SetCalendarDay(date(2027, 2, 8), False, "春节"), FIXED_NOW)
    assert denied.value.action is Action.EDIT_CALENDAR
    assert denied.value.role == Role.AGENT
    with UnitOfWork(database) as uow:
        assert calendar_days(uow, agent, CalendarDays(), FIXED_NOW) == []


@pytest.mark.parametrize(
    ("note", "key"),
    [
        ("春节" * 1_000_000, "calendar.note_too_long"),  # a 2 MB paste (PostgreSQL's column is 200)
        ("春节\x1b]0;owned\x07", "calendar.note_control"),  # an OSC retitling every desk's terminal
        ("春\x00节", "calendar.note_control"),
        ("春节\u202e", "calendar.note_control"),
    ],
)
def test_a_hostile_note_is_refused_by_the_service_and_nothing_is_stored(
    database: Database, desk: Desk, note: str, key: str
) -> None:
    """Found attacking: the screen was the only check on a marked day's note (its length), and
    nothing refused the characters that drive the terminal of every desk listing the days."""
    from deskui.domain.refusal import Invalid

    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        set_calendar_day(uow, lead, SetCalendarDay(date(2027, 2, 8), False, note), FIXED_NOW)
    assert (refused.value.field, refused.value.key) == ("note", key)
    with UnitOfWork(database) as uow:
        assert calendar_days(uow, lead, CalendarDays(), FIXED_NOW) == []


def test_each_marked_day_is_an_audit_line(database: Database, desk: Desk) -> None:
    """Every desk's deadlines move with the calendar: who marked which day how is audited."""
    from sqlalchemy import select

    from deskui.data import models as m

    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow:
        set_calendar_day(uow, lead, SetCalendarDay(date(2027, 2, 6), True, "春节调休"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        lines = uow.session.execute(
            select(m.AuditEntry.agent_name, m.AuditEntry.subject, m.AuditEntry.detail).where(
                m.AuditEntry.action == "calendar_day"
            )
        ).all()
    assert [tuple(line) for line in lines] == [("张伟", "2027-02-06", {"working": True})]
