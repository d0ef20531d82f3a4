"""Sitting down: the pick list on a seeded database, the create form on an empty one."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.agent_pick import AgentPickModal
from deskui.screens.desk import DeskScreen
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


async def test_first_run_asks_for_a_name_and_refuses_an_empty_one(
    empty_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(empty_database, agent=None), clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgentPickModal)
        name = app.screen.query_one("#new-name", Input)
        assert name.has_focus
        assert "首次使用" in screen_text(app)

        await pilot.press("space", "space", "enter")  # blanks only: still empty
        await settle(pilot)

        assert isinstance(app.screen, AgentPickModal)
        assert _text(app, "#name-error") == "姓名不能为空"
        with UnitOfWork(empty_database) as uow:
            assert uow.agents.agents() == []


async def test_first_run_stores_and_shows_a_name_with_markup_literally(
    empty_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(empty_database, agent=None), clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"[red]x[/]", "enter")
        await settle(pilot)

        assert isinstance(app.screen, DeskScreen)
        with UnitOfWork(empty_database) as uow:
            agents = uow.agents.agents()
        assert [(a.name, a.role) for a in agents] == [("[red]x[/]", "lead")]
        assert app.agent == agents[0]
        assert "坐席：[red]x[/]（客服主管）" in screen_text(app)
        assert "暂无待办事项" in screen_text(app)
