"""F2 to the intake the agent left with Esc shows that same screen again (issue 27: a frame,
not a 138 ms build), as they left it: what Esc left is what its draft holds; a new call
(Ctrl+N) left empty comes back empty; the cursor is in the phone field."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.intake import IntakeScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, opened_intake, settle


async def test_f2_after_esc_shows_the_same_intake_as_the_agent_left_it(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        under = app.screen  # the desk, or a handover offered at sign-in over it
        await pilot.press("f2")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, IntakeScreen)
        await pilot.press(*"1380")
        first.query_one("#words", TextArea).focus()
        await pilot.press(*"wifi")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is under
        assert first not in app.screen_stack and first.is_attached  # kept, not removed

        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is first  # shown again, not built
        assert app.focused is first.query_one("#phone", Input)
        assert first.query_one("#phone", Input).value == "1380"
        assert first.query_one("#words", TextArea).text == "wifi"

        await pilot.press("ctrl+n", "ctrl+n")  # a new call (twice over typed words): the
        await settle(pilot)  # form empties and its draft goes
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is first
        assert first.query_one("#phone", Input).value == ""
        assert first.query_one("#words", TextArea).text == ""
        await pilot.press("escape", "f3", "f2")  # from another screen too
        await settle(pilot)
        assert app.screen is first


async def test_a_call_that_lands_while_the_intake_is_kept_is_not_shown_again(
    demo_database: Database, clock: FixedClock
) -> None:
    """The call saved from the pending saves while the agent was at the desk: F2 shows the
    kept intake emptied, without the pending banner (a second Ctrl+S would file it twice)."""
    from deskui.widgets.banner import Banner
    from tests.screens.test_intake_screen import _back_to_desk
    from tests.screens.test_pending_saves import (
        WORDS,
        _filed,
        _save_at_intake_while_read_only,
        _ticks,
        read_only,
    )

    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with read_only(demo_database):
            await _save_at_intake_while_read_only(pilot)
            kept = app.screen
            await _back_to_desk(pilot)
        await _ticks(pilot, app, 12)
        assert _filed(demo_database) == [WORDS]
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is kept
        assert kept.query_one("#words", TextArea).text == ""
        assert "待保存" not in kept.query_one("#intake-trouble", Banner).pending


async def test_a_draft_due_after_the_intake_was_closed_does_not_crash_the_desk(
    demo_database: Database, clock: FixedClock
) -> None:
    """Typing sets the draft's timer; an intake closed before it fires (a screen not kept is
    pruned with its fields) writes no draft then: leaving wrote it, and the desk runs on
    (the answer-to-card benchmark's Ctrl+N then Esc crashed the desk this way)."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        intake = await opened_intake(pilot)
        await pilot.press(*"1380")
        await app.pop_screen()  # not kept: removed with its fields
        await settle(pilot)
        assert not intake.is_attached
        intake._save_draft()  # the timer's call, late
        await settle(pilot)
        assert app.is_running and app.screen is not intake


async def test_a_draft_due_while_the_intake_loses_its_fields_does_not_crash_the_desk(
    demo_database: Database, clock: FixedClock
) -> None:
    """An app closing removes a screen's fields before the screen: a draft's timer that
    fires between the two (a popped call's number sets one) writes nothing instead of
    ending the desk (answer_to_card.py's desk ended this way as it closed, NoMatches)."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        intake = await opened_intake(pilot)
        await pilot.press(*"1380")
        await intake.query_one("#words", TextArea).remove()  # as the app's close does
        assert intake.is_attached and intake.display
        intake._save_draft()  # the timer's call, then
        await settle(pilot)
        assert app.is_running and app.screen is intake


async def test_the_kept_intakes_cursor_does_not_blink_while_it_waits_off_the_stack(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 27: the phone field's blink timer ran twice a second all shift on the intake
    kept off the stack; it stops while the intake is away and blinks again when shown."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        intake = await opened_intake(pilot)
        phone = intake.query_one("#phone", Input)
        assert app.focused is phone and phone.cursor_blink
        timer = phone._blink_timer  # Textual's own (a test may look)
        assert timer is not None and timer._active.is_set()
        await pilot.press("escape")
        await settle(pilot)
        assert intake not in app.screen_stack and intake.is_attached  # kept
        assert not timer._active.is_set()  # paused while away
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is intake and app.focused is phone
        assert phone.cursor_blink and timer._active.is_set()
