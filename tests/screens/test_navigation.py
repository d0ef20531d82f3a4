"""F6 team view, F1 help and the command palette, Esc back; one rule for bringing a screen
back (issue 13); keys written as pressed and offered by role (issue 14)."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.i18n import catalog
from deskui.screens.callbacks import CallbacksScreen
from deskui.screens.complaint import ComplaintScreen
from deskui.screens.desk import DeskScreen
from deskui.screens.handover import HandoverScreen
from deskui.screens.help import HelpScreen
from deskui.screens.team import TeamScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_lines, screen_text, settle


async def test_f6_opens_the_team_view_with_owners_and_esc_returns(
    demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:
        team_rows = uow.work.work_rows(0, 10_000, team="default")
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
            own = uow.work.work_count(owner_id=app.agent.id if app.agent else None)
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


# -- one rule for every screen key (issue 13) ------------------------------------------------


async def test_a_screen_brought_back_is_the_same_one_with_what_it_held(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f4", "2")  # the shared queue, not the agent's own
        await settle(pilot)
        callbacks = app.screen
        assert isinstance(callbacks, CallbacksScreen) and callbacks.view == "shared"

        await pilot.press("f5", "f4")
        await settle(pilot)
        assert app.screen is callbacks and callbacks.view == "shared"
        assert [s.id for s in app.screen_stack] == ["desk", "handover", "callbacks"]

        await pilot.press("escape")  # one step back: the screen shown before
        assert [s.id for s in app.screen_stack] == ["desk", "handover"]


async def test_a_complaint_open_further_back_is_brought_back_another_replaces_it(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f3")
        await settle(pilot)
        listed = app.screen.query_one("#list", WorkList)
        assert listed.count >= 2
        await pilot.press("enter")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, ComplaintScreen)

        await pilot.press("f3", "enter")  # the list again, the same complaint again
        await settle(pilot)
        assert app.screen is first
        assert [s.id for s in app.screen_stack] == ["desk", "complaints", "complaint"]

        await pilot.press("f3", "down", "enter")  # another complaint: one complaint screen
        await settle(pilot)
        second = app.screen
        assert isinstance(second, ComplaintScreen) and second is not first
        assert second.ticket_id != first.ticket_id
        assert [s.id for s in app.screen_stack] == ["desk", "complaints", "complaint"]


# -- keys say what they do (issue 14) ------------------------------------------------------


async def test_help_writes_keys_as_pressed_so_a_and_shift_a_differ(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=(120, 60)) as pilot:
        await at_desk(pilot)
        await pilot.press("f5", "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {line.split()[0]: line for line in screen_lines(app) if line.strip()}
        assert "登记一项" in rows["a"], rows.get("a")  # add an item
        assert "全部事项" in rows["A"], rows.get("A")  # acknowledge all
        assert "Ctrl+K" in rows and "F10" in rows

        await pilot.press("escape", "f4", "f1")  # help brought back: the keys of F4 now
        await settle(pilot)
        lines = screen_lines(app)
        assert any(line.strip().startswith("g ") for line in lines)
        assert not any("登记一项" in line for line in lines)


async def test_an_agent_is_not_offered_the_leads_keys_on_f4(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f4")
        await settle(pilot)
        offered = {active.binding.key for active in app.screen.active_bindings.values()}
        assert "3" not in offered and "p" not in offered  # every queue, promotions: a lead's
        assert {"1", "2", "4", "g"} <= offered
        assert "全部" not in screen_text(app)
        await pilot.press("3")
        assert app.screen.view == "mine"  # type: ignore[attr-defined]

        await pilot.press("f1")
        await settle(pilot)
        assert not any(line.strip().startswith("3 ") for line in screen_lines(app))


async def test_a_lead_has_every_queue_on_f4(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert {"3", "a", "p"} <= {a.binding.key for a in app.screen.active_bindings.values()}
        await pilot.press("3")
        assert app.screen.view == "all"  # type: ignore[attr-defined]


def test_hints_name_the_keys_as_they_are_pressed() -> None:
    """The words that tell an agent which key to press name the key that does it."""
    from deskui.screens.relations import RelationsScreen

    hints = [
        ("handover.empty_outgoing", "a", HandoverScreen, "add_item"),
        ("desk.calendar_entered", "c", DeskScreen, "calendar"),
        ("desk.notifications_more", "n", DeskScreen, "notifications"),
        ("callbacks.coverage_hint", "g", CallbacksScreen, "generate"),
        ("team.survey.hint", "s", TeamScreen, "receive_survey"),
        ("relations.empty.events", "a", RelationsScreen, "new"),
    ]
    for key, pressed, screen, action in hints:
        bound = {b.key: b.action for b in screen.BINDINGS if isinstance(b, Binding)}
        assert bound.get(pressed) == action, (screen.__name__, pressed)
        for locale in ("zh-CN", "en"):
            text = catalog(locale)[key]
            assert f" {pressed} " in text or f"（{pressed} " in text or f"({pressed})" in text, (
                locale,
                key,
                text,
            )
            assert f" {pressed.upper()} " not in text, (locale, key, text)


@pytest.mark.parametrize(
    ("locale", "placeholder", "nothing"),
    [("zh-CN", "搜索命令…", "没有匹配的命令"), ("en", "Search for commands…", "No matches found")],
)
async def test_the_palette_speaks_the_agents_language(
    demo_database: Database, clock: FixedClock, locale: str, placeholder: str, nothing: str
) -> None:
    app = make_app(make_settings(demo_database, locale=locale), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == placeholder

        await pilot.press(*"qqxz")
        await pilot.pause(0.8)  # Textual says "no matches" after half a second of none
        options = app.screen.query_one("CommandList", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(nothing in prompt for prompt in prompts), prompts
