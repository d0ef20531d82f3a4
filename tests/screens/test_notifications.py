"""Escalations reach the lead inside the app (seed 002:2.3.2): the bell, the list, read."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from textual.widgets import OptionList, Static

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from deskui.screens.notifications import NotificationsModal
from deskui.screens.ticket_detail import TicketDetailModal
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle

SH = ZoneInfo("Asia/Shanghai")


def _unread(db: Database, name: str) -> list[int]:
    with UnitOfWork(db) as uow:
        agent = next(a for a in uow.agents.agents() if a.name == name)
        return [n.id for n in uow.notifications.unread_notifications(agent.id)]


async def test_lead_sees_the_bell_reads_the_notices_and_esc_marks_them_read(
    demo_database: Database, clock: FixedClock
) -> None:
    unread = _unread(demo_database, "张伟")
    assert unread  # the demo's urgent tickets escalated to the lead
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await at_desk(pilot)
        bell = app.screen.query_one("#bell", Static)
        assert str(bell.content) == f"🔔 {len(unread)} 条提醒（n 查看）"
        assert bell.has_class("-ringing")

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotificationsModal)
        listed = app.screen.query_one("#notification-list", OptionList)
        assert [listed.get_option_at_index(i).id for i in range(listed.option_count)] == [
            str(i) for i in unread
        ]
        assert "紧迫问题上报" in str(listed.get_option_at_index(0).prompt)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert _unread(demo_database, "张伟") == []
        assert str(bell.content) == ""
        assert not bell.has_class("-ringing")


async def test_at_80_columns_the_bell_leaves_the_agents_name_and_role_whole(
    demo_database: Database, clock: FixedClock
) -> None:
    """The header read 坐席：刘洋（客服 🔔 5 条提醒: the role cut by the bell. While the bell
    rings at 80 columns the app's name makes room; read, it comes back."""
    from tests.screens.desk_pilot import screen_lines

    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await at_desk(pilot)
        header = screen_lines(app)[0]
        assert "坐席：张伟（客服主管）" in header and "条提醒（n 查看）" in header, header
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        header = screen_lines(app)[0]
        assert "deskui 前台工作台" in header and "坐席：张伟（客服主管）" in header, header


async def test_an_agent_without_notices_has_a_quiet_bell(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        assert str(app.screen.query_one("#bell", Static).content) == ""
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotificationsModal)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


def _raise(db: Database, name: str, kind: str, ticket_id: int, at: datetime) -> int:
    with UnitOfWork(db) as uow:
        agent = next(a for a in uow.agents.agents() if a.name == name)
        notice = m.Notification(
            agent_id=agent.id, kind=kind, text=f"#{ticket_id}", created_at=at,
            subject_type="ticket", subject_id=ticket_id,
        )  # fmt: skip
        uow.session.add(notice)
        uow.commit()
        return notice.id


async def test_notices_read_newest_first_and_enter_opens_the_ticket_one_is_about(
    demo_database: Database, clock: FixedClock
) -> None:
    """An inbox: what just came is on top, whatever order the notices were raised in."""
    with UnitOfWork(demo_database) as uow:
        first, second = uow.session.scalars(select(m.Ticket.id).order_by(m.Ticket.id)).all()[:2]
    now = clock.now()
    newest = _raise(demo_database, "张伟", "escalation_urgent", second, now + timedelta(minutes=1))
    oldest = _raise(demo_database, "张伟", "escalation_urgent", first, now - timedelta(days=30))
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("n")
        await pilot.pause()
        listed = app.screen.query_one("#notification-list", OptionList)
        ids = [listed.get_option_at_index(i).id for i in range(listed.option_count)]
        assert ids[0] == str(newest) and ids[-1] == str(oldest)
        with UnitOfWork(demo_database) as uow:
            times = [uow.session.get_one(m.Notification, int(i)).created_at for i in ids]
        assert times == sorted(times, reverse=True)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        assert app.screen.ticket_id == second
    assert _unread(demo_database, "张伟") == []


async def test_the_clock_keeps_ticking_while_the_notices_are_open(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NotificationsModal)
        before = clock.now().astimezone(SH).strftime("%H:%M:%S")
        assert before in screen_text(app)
        clock.advance(timedelta(seconds=7))
        app._tick()  # the one app-wide tick, as its interval fires it
        await pilot.pause()
        after = clock.now().astimezone(SH).strftime("%H:%M:%S")
        assert after in screen_text(app) and before not in screen_text(app)


async def test_enter_on_a_complaint_handed_to_the_lead_opens_its_steps(
    demo_database: Database, clock: FixedClock
) -> None:
    from deskui.screens.complaint import ComplaintScreen

    with UnitOfWork(demo_database) as uow:
        ticket_id = uow.session.scalars(
            select(m.Ticket.id).where(m.Ticket.customer_words.startswith("你们的网络从早上断"))
        ).one()
    _raise(demo_database, "张伟", "complaint_takeover", ticket_id, clock.now())
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")  # the newest, raised just now
        await settle(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        assert app.screen.ticket_id == ticket_id
