"""A lead enters an official holiday of 2027 as an override; an agent may not (issue 3)."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.calendar_days import CalendarDaysModal
from deskui.screens.desk import DeskScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle


def _book_into_2027(db: Database) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deskui.domain.calendar import BusinessCalendar
    from deskui.domain.model import CallbackPurpose

    with UnitOfWork(db) as uow:
        customer = uow.customers.customers()[0]
        now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        due = datetime(2027, 1, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        uow.callbacks.add_callback(
            customer.id, CallbackPurpose.ROUTINE, now, now, BusinessCalendar(), due_at=due
        )
        uow.commit()


async def test_a_lead_enters_a_2027_holiday_and_the_desk_counts_it(
    demo_database: Database, clock: FixedClock
) -> None:
    _book_into_2027(demo_database)  # the banner shows once work reaches the unknown year
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        assert "已录入 0 天" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CalendarDaysModal)
        await pilot.press(*"2027-02-3")  # not a date yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = app.screen.query_one("#calendar-error", Static)
        assert "2027-02-3" in str(error.render())
        assert app.screen.query_one("#calendar-day", Input).value == "2027-02-3"  # kept
        app.screen.query_one("#calendar-day", Input).value = "2027-02-08"
        app.screen.query_one("#calendar-note", Input).value = "[b]春节[/b]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "2027-02-08" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert "已录入 1 天" in screen_text(app)
        assert app.calendar is not None
        assert not app.calendar.is_working_day(date(2027, 2, 8))  # a Monday, now a holiday
    with UnitOfWork(demo_database) as uow:
        assert uow.calendar.calendar_days() == [(date(2027, 2, 8), False, "[b]春节[/b]")]


async def test_an_agent_cannot_change_the_working_days(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert "只有组长或经理" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
    with UnitOfWork(demo_database) as uow:
        assert uow.calendar.calendar_days() == []
