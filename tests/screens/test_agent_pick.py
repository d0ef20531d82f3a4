"""Sitting down: the pick list on a seeded database, the create form on an empty one."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.agent_pick import AgentPickModal
from deskui.screens.desk import DeskScreen
from deskui.screens.sign_in import Mode, SignInScreen
from deskui.services.accounts import AddAgent, add_agent
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_pick_list_appears_and_down_enter_signs_in_li_na(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent=None), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgentPickModal)
        options = app.screen.query_one("#agents", OptionList)
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert names[:2] == ["王芳  ·  客服专员", "李娜  ·  客服专员"]
        assert options.has_focus

        await pilot.press("down", "enter")
        await settle(pilot)

        assert isinstance(app.screen, DeskScreen)
        assert app.agent is not None and app.agent.name == "李娜"
        assert "李娜" in _text(app, "#agent")


async def test_first_run_creates_the_first_manager_and_refuses_an_empty_name(
    empty_database: Database, clock: FixedClock
) -> None:
    """A database no account can sign in to: the first start creates the first manager with
    a password typed twice (issue 16), not a passwordless lead."""
    app = make_app(make_settings(empty_database, agent=None), clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.mode is Mode.FIRST_MANAGER
        assert app.screen.query_one("#sign-in-name", Input).has_focus
        assert "首次使用" in screen_text(app)

        await pilot.press("space", "space", "enter", "enter")  # blanks only: still empty
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert _text(app, "#sign-in-error") == "请填写姓名"

        await pilot.press(*"刘洋", "enter", *"secret-123", "enter", *"secret-124", "enter")
        await settle(pilot)
        assert _text(app, "#sign-in-error") == "两次输入的密码不一样"
        with UnitOfWork(empty_database) as uow:
            assert uow.agents.agents() == []

        app.screen.query_one("#sign-in-repeat", Input).value = "secret-123"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert app.agent is not None and (app.agent.name, app.agent.role) == ("刘洋", "manager")
        with UnitOfWork(empty_database) as uow:
            [account] = uow.accounts.accounts()
            assert account.has_password and not account.demo
            actions = [(e.action, e.outcome) for e in uow.audit.search()]
        assert ("account_added", "ok") in actions and ("sign_in", "ok") in actions


async def test_a_name_with_markup_signs_in_and_shows_literally(
    empty_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(empty_database) as uow:
        add_agent(uow, None, AddAgent("[red]x[/]", "manager", "secret-123"), clock.now())
    app = make_app(make_settings(empty_database, agent=None), clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.mode is Mode.SIGN_IN
        await pilot.press(*"[red]x[/]", "enter", *"secret-123", "enter")
        await settle(pilot)

        assert isinstance(app.screen, DeskScreen)
        assert app.agent is not None and app.agent.name == "[red]x[/]"
        assert "坐席：[red]x[/]（客服部经理）" in screen_text(app)
        assert "暂无待办事项" in screen_text(app)
