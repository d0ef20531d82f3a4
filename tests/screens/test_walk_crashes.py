"""What the fast key walk (test_key_walk.py) found ending the desk, each kept as a test of
its own (issue 23). The WorkList's stale row is tests/widgets/test_work_list_stale_rows.py."""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandPalette

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.palette import DeskCommandPalette
from deskui.screens.complaint import ComplaintScreen
from deskui.screens.form_save import save_form
from deskui.screens.intake import IntakeScreen
from deskui.screens.leg_form import LegFormModal, save_leg
from deskui.screens.orders import FormModal
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle
from tests.screens.key_burst import burst, handled
from tests.screens.key_walk import Walk, watch


async def test_an_f_key_while_the_palette_searches_closes_it_without_a_crash(
    demo_database: Database, clock: FixedClock
) -> None:
    """The palette popped by an F-key mid-search: its search went on and failed on the
    palette's removed list (NoMatches CommandList, exit 70). It closes as Esc closes it."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    walk = Walk()
    async with app.run_test(size=SIZE, message_hook=watch(walk)) as pilot:
        await at_desk(pilot)
        for _ in range(3):
            await pilot.press("ctrl+p")
            await settle(pilot)
            palette = app.screen
            assert isinstance(palette, DeskCommandPalette)
            palette._gather_commands("z")  # a search on its way, as the last key typed started
            await pilot.press("f2")
            await settle(pilot)
            assert isinstance(app.screen, IntakeScreen) and not walk.failures
            await pilot.press("escape")
            await settle(pilot)
        burst(app, ["ctrl+p", *"zz", "f2"])
        await handled(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert not any(isinstance(screen, CommandPalette) for screen in app.screen_stack)
    assert not walk.failures


async def test_a_closed_palette_starts_no_search(
    demo_database: Database, clock: FixedClock
) -> None:
    """A screen opened by a worker's answer closed the palette while the search its last key
    asked for was still queued: the search then started on the closed palette and failed on
    its removed list (NoMatches CommandList, exit 70). A closed palette starts none."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    walk = Walk()
    async with app.run_test(size=SIZE, message_hook=watch(walk)) as pilot:
        await at_desk(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, DeskCommandPalette)
        app.open_complaint(1)  # as a worker's answer does, the agent typing in the palette
        await settle(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        palette._gather_commands("长" * 2000)  # what its queued Input.Changed asks for
        await settle(pilot)
        assert app.is_running and app.return_code is None
    assert not walk.failures


def _fails(uow: Any, actor: Any, command: Any, now: Any) -> None:
    raise RuntimeError("the database went away")


def _works(uow: Any, actor: Any, command: Any, now: Any) -> str:
    return "saved"


@pytest.mark.parametrize("keys", [("f5", "a"), ("f8", "a")], ids=["handover item", "visitor"])
async def test_a_form_closed_while_it_saves_hears_the_answer_on_its_screen(
    demo_database: Database, clock: FixedClock, keys: tuple[str, ...]
) -> None:
    """Ctrl+S then Esc at once: the save's answer came back to the closed form (NoMatches on
    its fields, exit 70). A failure is said on the screen; a success is done all the same."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    walk = Walk()
    async with app.run_test(size=SIZE, message_hook=watch(walk)) as pilot:
        await at_desk(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        form = app.screen
        screen = app.screen_stack[-2]
        await pilot.press("escape")  # closed before the answers below come back
        await settle(pilot)
        assert form not in app.screen_stack and app.screen is screen
        done: list[object] = []
        for service in (_fails, _works):
            if isinstance(form, FormModal):
                save_form(screen, form, service, None, done.append)
            else:
                assert isinstance(form, LegFormModal)
                save_leg(screen, form, service, None, done.append)
            await settle(pilot)
        assert app.is_running and app.return_code is None
        assert done == ["saved"] and app.screen is screen
        assert any(n.severity == "error" for n in app._notifications)  # the failure, said
    assert not walk.failures
