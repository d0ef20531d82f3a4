"""A lead tunes the site's limits on the settings screen (S on the desk); agents only read."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from deskui.screens.site_settings import SiteSettingsScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle

CLEAR = ("end", *["backspace"] * 12)


def _error(app: object, field: str) -> str:
    hint = app.screen.query_one(f"#{field}-hint", Static)  # type: ignore[attr-defined]
    return str(hint.render()) if hint.has_class("-error") else ""


async def test_a_lead_changes_the_shared_queue_minutes_after_a_typing_mistake(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SiteSettingsScreen)
        assert "站点设置" in screen_text(app)
        field = app.screen.query_one("#set-callback-shared-after", Input)
        field.focus()
        await pilot.press(*CLEAR, *"45分钟")
        await settle(pilot)
        assert "请填一个整数" in _error(app, "set-callback-shared-after")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "有 1 项填写有误" in screen_text(app)
        assert field.value == "45分钟"  # nothing typed is lost
        await pilot.press("backspace", "backspace")
        await settle(pilot)
        assert _error(app, "set-callback-shared-after") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "已保存 1 项设置" in screen_text(app)
        assert app.site_rules.callbacks.shared_after == timedelta(minutes=45)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    with UnitOfWork(demo_database) as uow:
        assert uow.settings.stored_settings() == {"callback.shared_after": "45"}


async def test_leaving_with_unsaved_changes_warns_once(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#set-mail-sign-within", Input).focus()
        await pilot.press(*CLEAR, "6")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SiteSettingsScreen)
        assert "尚未保存" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    with UnitOfWork(demo_database) as uow:
        assert uow.settings.stored_settings() == {}


async def test_an_agent_sees_the_settings_but_cannot_change_them(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "只有组长或经理" in screen_text(app)
        assert app.screen.query_one("#set-mail-sign-within", Input).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
    with UnitOfWork(demo_database) as uow:
        assert uow.settings.stored_settings() == {}


async def test_a_leads_screen_leaves_the_personal_data_settings_to_the_manager(
    demo_database: Database, clock: FixedClock
) -> None:
    """Who sees numbers and how long personal data is kept are a manager's settings (the
    service refuses a lead's save): the lead's screen shows them, not to be changed."""
    for name, disabled in (("张伟", True), ("刘洋", False)):
        app = make_app(make_settings(demo_database, agent=name), clock, demo_database)
        async with app.run_test(size=SIZE) as pilot:
            await at_desk(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, SiteSettingsScreen)
            for field in ("#set-privacy-masked", "#set-privacy-retention"):
                assert app.screen.query_one(field).disabled is disabled, (name, field)
            assert app.screen.query_one("#set-handover-ack", Input).disabled is False


async def test_a_leadership_name_that_is_no_account_is_said_beside_its_field_and_kept(
    demo_database: Database, clock: FixedClock
) -> None:
    """The service refuses a leader's name that is no active account (a critical record would
    be told to nobody); the screen says which name beside the field, keeps what was typed, and
    saves once it is a real account."""
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("s")
        await settle(pilot)
        field = app.screen.query_one("#set-escalation-leadership", Input)
        field.focus()
        await pilot.press(*CLEAR, "刘", "洋", "comma", "周", "总")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "这不是账号姓名：周总" in _error(app, "set-escalation-leadership")
        assert "有 1 项填写有误" in screen_text(app)
        assert field.value == "刘洋,周总" and app.focused is field
        await pilot.press(*["backspace"] * 3)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "已保存 1 项设置" in screen_text(app)
        assert _error(app, "set-escalation-leadership") == ""
    with UnitOfWork(demo_database) as uow:
        assert uow.settings.stored_settings() == {"escalation.leadership": "刘洋"}
