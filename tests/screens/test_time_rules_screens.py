"""The time rules as an agent meets them on the demo desk: a ticket paused while waiting on
the customer, a callback booked in the customer's rest time, the calendar banner, the
personal-notes deadline, holiday names in the agent's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from textual.widgets import Input, Static

from deskui import i18n
from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.profile_records import CustomerDraft
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.clock import FixedClock
from deskui.domain.model import CallbackPurpose
from deskui.screens.callback_call import CallbackCallScreen
from deskui.screens.callbacks import CallbacksScreen, reason_text
from deskui.screens.desk import DeskScreen
from deskui.screens.pause_ticket import PauseTicketModal
from deskui.screens.ticket_detail import TicketDetailModal
from deskui.widgets.banner import Banner
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle

SH = ZoneInfo("Asia/Shanghai")


async def _type(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def _cursor_to(pilot: Any, work_list: WorkList, wanted: Any) -> Any:
    """Press down/up until the row `wanted(row)` picks is under the cursor."""
    for index in range(work_list.count or 0):
        row = work_list.row_at(index)
        if row is not None and wanted(row):
            step = "down" if index >= work_list.cursor_index else "up"
            await pilot.press(*[step] * abs(index - work_list.cursor_index))
            await settle(pilot)
            return row
    raise AssertionError("no such row on the list")


def _painted(widget: Static) -> str:
    """What a widget paints, also below the fold of its scroll."""
    return "\n".join(strip.text for strip in widget.render_lines(widget.region.reset_offset))


def _toasts(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _ticket_dues(db: Database, ticket_id: int) -> list[datetime]:
    with UnitOfWork(db) as uow:
        return list(
            uow.session.scalars(
                select(m.Deadline.due_at)
                .where(m.Deadline.subject_type == "ticket", m.Deadline.subject_id == ticket_id)
                .where(m.Deadline.met_at.is_(None))
                .order_by(m.Deadline.id)
            )
        )


async def test_a_ticket_paused_three_hours_falls_due_three_hours_later(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        work_list = app.screen.query_one("#work", WorkList)
        row = await _cursor_to(pilot, work_list, lambda r: r.subject_type == "ticket")
        before = _ticket_dues(demo_database, row.subject_id)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PauseTicketModal)
        assert app.focused is not None and app.focused.id == "pause-reason"
        await pilot.press("enter")  # no reason yet: said by the field, nothing paused
        await settle(pilot)
        assert "请写明在等客户什么" in screen_text(app)
        await _type(pilot, "wait contract no")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        paused = work_list.row_at(work_list.cursor_index)
        assert paused is not None and paused.deadline_id == row.deadline_id
        assert "‖ 暂停 0s" in work_list.render_line(work_list.cursor_index + 1).text

        clock.advance(timedelta(hours=3))
        app._tick()
        await pilot.pause()
        assert "‖ 暂停 3h 00m" in screen_text(app)  # paused, and for how long

        await pilot.press("w")  # the customer answered
        await settle(pilot)
        assert f"问题记录 #{row.subject_id} 恢复计时：截止时间顺延 3h 00m" in _toasts(app)
        assert _ticket_dues(demo_database, row.subject_id) == [
            due + timedelta(hours=3) for due in before
        ]
        moved = await _cursor_to(pilot, work_list, lambda r: r.deadline_id == row.deadline_id)
        assert moved.paused_at is None and moved.due_at == before[0] + timedelta(hours=3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        text = _painted(app.screen.query_one("#ticket-events", Static))
        assert "等待客户：wait contract no" in text  # the history says so, both ways
        assert "客户已答复，恢复计时：截止时间顺延 3h 00m" in text


async def test_the_ticket_detail_pauses_and_says_since_when(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        work_list = app.screen.query_one("#work", WorkList)
        row = await _cursor_to(pilot, work_list, lambda r: r.subject_type == "ticket")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await _type(pilot, "call back at 3")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        assert "等待客户（自 2026-11-23 09:00 起，已 0s）：call back at 3" in screen_text(app)
        assert "等待客户" in _painted(app.screen.query_one("#ticket-fields", Static))
        clock.advance(timedelta(minutes=90))
        await pilot.press("w")
        await settle(pilot)
        assert any("顺延 1h 30m" in toast for toast in _toasts(app))
        assert str(app.screen.query_one("#ticket-pause", Static).content) == ""
    with UnitOfWork(demo_database) as uow:
        assert uow.tickets.tickets(row.subject_id)[0].status != "waiting_customer"


async def _book_step(pilot: Any, app: Any) -> CallbackCallScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(app.screen, CallbacksScreen)
    work_list = app.screen.query_one("#callbacks-list", WorkList)
    await _cursor_to(pilot, work_list, lambda r: r.customer_name == "广州星辰科技有限公司")
    await pilot.press("enter")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CallbackCallScreen)
    await pilot.press("down", "enter")  # 否 / 不方便: book a time
    await settle(pilot)
    assert screen.flow is not None and screen.flow.current_id == "book"
    return screen


async def test_a_callback_booked_at_lunch_is_refused_with_the_next_slot(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _book_step(pilot, app)
        callback_id = screen.callback_id
        await _type(pilot, "明天 12:30")
        await pilot.press("enter")
        await settle(pilot)
        error = str(screen.query_one("#err-booked_at", Static).render())
        assert "客户午休时间" in error and "11-24 14:30" in error
        assert screen.query_one("#booked_at", Input).value == "明天 12:30"  # kept as typed
        assert isinstance(app.screen, CallbackCallScreen)
        await pilot.press("enter")  # Enter again: the offered slot is booked
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
    with UnitOfWork(demo_database) as uow:
        detail = uow.callbacks.callback_detail(callback_id)
    slot = datetime(2026, 11, 24, 14, 30, tzinfo=SH)
    assert (detail.status, detail.booked_at, detail.due_at) == ("booked", slot, slot)


async def test_a_callback_booked_on_a_sunday_offers_monday_and_a_new_time_is_checked_anew(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _book_step(pilot, app)
        callback_id = screen.callback_id
        await _type(pilot, "11-29 10:00")
        await pilot.press("enter")
        await settle(pilot)
        error = str(screen.query_one("#err-booked_at", Static).render())
        assert "非工作日" in error and "11-30 09:30" in error
        await pilot.press(*["backspace"] * 5)
        await _type(pilot, "15:00")  # 11-29 15:00, still Sunday: refused again, not booked
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbackCallScreen)
        assert "11-30 09:30" in str(screen.query_one("#err-booked_at", Static).render())
    with UnitOfWork(demo_database) as uow:
        assert uow.callbacks.callback_detail(callback_id).status != "booked"


async def test_the_calendar_banner_waits_until_work_reaches_an_unknown_year(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        banner = app.screen.query_one("#calendar-notice", Banner)
        assert banner.message == ""  # November 2026: nothing due in 2027 yet
        with UnitOfWork(demo_database) as uow:
            customer = uow.customers.customers()[0]
            uow.callbacks.add_callback(
                customer.id, CallbackPurpose.ROUTINE, clock.now(), clock.now(),
                BusinessCalendar(), due_at=datetime(2027, 1, 6, 10, 0, tzinfo=SH),
            )  # fmt: skip
            uow.commit()
        await pilot.press("r")
        await settle(pilot)
        assert "2027 年官方节假日安排尚未载入" in banner.message
        assert "2027 年官方节假日安排尚未载入" in screen_text(app)


async def test_the_personal_notes_month_is_shown_on_the_desk_and_the_profile(
    demo_database: Database, clock: FixedClock
) -> None:
    # a customer filed today: CS's 24 hours and the personal notes' month (seed 000:1.4.2)
    with UnitOfWork(demo_database) as uow:
        agent = next(a for a in uow.agents.agents() if a.name == "王芳")
        saved = uow.profiles.save_customer(
            CustomerDraft(name="杭州西湖茶业"), agent.id, clock.now()
        )
        uow.commit()
    with UnitOfWork(demo_database) as uow:
        notes = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.note == "personal_notes", m.Deadline.subject_id == saved.id
            )
        ).one()
        owner = uow.session.get_one(m.Agent, notes.owner_id).name
        customer_id, notes_id = notes.customer_id, notes.id
        due = notes.due_at.astimezone(SH).strftime("%Y-%m-%d %H:%M")
    app = make_app(make_settings(demo_database, agent=owner), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        work_list = app.screen.query_one("#work", WorkList)
        await _cursor_to(pilot, work_list, lambda r: r.deadline_id == notes_id)
        detail = str(app.screen.query_one("#work-detail", Static).content)
        assert "个人资料补充" in detail and due in detail
        await pilot.press("ctrl+k")
        await settle(pilot)
        customers = app.screen.query_one("#customers", WorkList)
        await _cursor_to(pilot, customers, lambda r: r.id == customer_id)
        text = str(app.screen.query_one("#profile-detail", Static).content)
        assert f"个人资料补充时限：{due}" in text
        assert "资料建档时限：" in text


def test_holiday_names_are_said_in_the_agents_language() -> None:
    try:
        assert reason_text("holiday:National Day") == "国庆节假期，避开客户休息时间"
        assert "National Day" not in reason_text("holiday:National Day")
        assert reason_text("holiday:Spring Festival").startswith("春节")
        i18n.set_locale("en")
        assert reason_text("holiday:National Day").startswith("National Day holiday")
    finally:
        i18n.set_locale(i18n.DEFAULT_LOCALE)
