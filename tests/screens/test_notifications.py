"""Escalations reach the lead inside the app (seed 002:2.3.2): the bell, the list, read."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from deskui.screens.notifications import NotificationsModal
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle


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
