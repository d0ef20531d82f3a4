"""F6 team view, F1 help and the command palette, and Esc back to the desk."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import OptionList

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.repository import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from deskui.screens.help import HelpScreen
from deskui.screens.team import TeamScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_lines, screen_text, settle


async def test_f6_opens_the_team_view_with_owners_and_esc_returns(
    demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:
        team_rows = uow.repo.work_rows(0, 10_000, team="default")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f6")
        await settle(pilot)

        assert isinstance(app.screen, TeamScreen)
        team_list = app.screen.query_one("#team-work", WorkList)
        assert team_list.has_focus
        assert team_list.count == len(team_rows)
        assert "负责人" in team_list.render_line(0).text
        owners_on_screen = {
            row.owner_name
            for row in team_rows[: team_list.size.height - 1]
            if row.owner_name in screen_text(app)
        }
        assert len(owners_on_screen) >= 3  # everyone's work, not only 王芳's
        assert "团队待办：本组" in screen_text(app)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen)
        with UnitOfWork(demo_database) as uow:
            own = uow.repo.work_count(owner_id=app.agent.id if app.agent else None)
        assert app.screen.query_one("#work", WorkList).count == own


async def test_f1_opens_help_listing_the_keys_and_esc_returns(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    # tall enough that the whole keymap (F1-F9, then the desk's own keys) is on screen
    async with app.run_test(size=(120, 60)) as pilot:
        await at_desk(pilot)
        await pilot.press("f1")
        await pilot.pause()

        assert isinstance(app.screen, HelpScreen)
        lines = screen_lines(app)
        f1 = next(line for line in lines if line.strip().startswith("F1"))
        f6 = next(line for line in lines if line.strip().startswith("F6"))
        assert "查看快捷键和使用说明" in f1
        assert "查看整个团队的待办和倒计时" in f6
        assert any(line.strip().startswith("n ") for line in lines)  # the desk's own, as pressed
        assert not any("Open the command palette" in line for line in lines)
        assert "倒计时：" in screen_text(app)  # what the countdown signs mean

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen)


async def test_palette_offers_team_and_help(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)

        await pilot.press(*"团队")
        await settle(pilot)
        options = app.screen.query_one("CommandList", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("团队 (F6)" in prompt for prompt in prompts), prompts

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)  # the same action as F6

        await pilot.press("escape", "ctrl+p", *"帮助")
        await settle(pilot)
        options = app.screen.query_one("CommandList", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("帮助 (F1)" in prompt for prompt in prompts), prompts
