"""Keys never vanish (issue 13): every form opens with its first field focused, keys typed
right after it opens land in a field, and every Tab stop shows that it has the focus (no
scroll box, empty list or faint choice swallowing keys unseen)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.callback_call import CallbackCallScreen
from deskui.screens.complaint import ComplaintScreen
from deskui.screens.intake import IntakeScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, known_caller, settle
from tests.screens.focus_probe import focus_stops, shows_focus, unshown

FORMS = {
    # name: (agent, keys that open it, keys typed at once, the field that must hold them)
    "intake": ("王芳", ("f2",), ("1", "3", "8"), "phone"),
    "handover item": ("李娜", ("f5", "a"), ("tab", *"买家小周"), "f-customer"),
    "handover note": ("李娜", ("f5", "e"), tuple("已电话联系"), "f-done_so_far"),
    "phone message": ("李娜", ("f8", "5", "a"), ("tab", *"周总"), "f-from_name"),
    "contractor pass": ("李娜", ("f8", "4", "a"), tuple("中建三局"), "f-company"),
    "leg plan": ("陈静", ("f7", "<plan leg>", "p"), tuple("2026-11-24"), "f-expected"),
    "visit request": ("王芳", ("f4", "v"), tuple("客户要求"), "visit-reason"),
}


async def _to_the_leg_waiting_for_its_plan(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    queue = pilot.app.screen.query_one("#department-queue", WorkList)
    for _ in range(queue.count or 0):
        if queue.cursor_row is not None and queue.cursor_row.leg.stage == "plan":
            return
        await pilot.press("down")
        await settle(pilot)
    raise AssertionError("no leg waits for its plan")


def _text(widget: Any) -> str:
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    raise AssertionError(f"{widget!r} takes no typing")


@pytest.mark.parametrize("form", list(FORMS))
async def test_a_form_takes_the_keys_typed_as_it_opens_and_every_stop_shows_focus(
    demo_database: Database, clock: FixedClock, form: str
) -> None:
    agent, opening, typed, field = FORMS[form]
    app = make_app(make_settings(demo_database, agent=agent), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        for key in opening:
            if key == "<plan leg>":
                await _to_the_leg_waiting_for_its_plan(pilot)
            else:
                await pilot.press(key)
        await pilot.press(*typed)  # no pause: the agent does not wait either
        await settle(pilot)
        screen = app.screen
        assert _text(screen.query_one(f"#{field}")) == "".join(k for k in typed if k != "tab")
        hidden = [w for w in focus_stops(app) if not await shows_focus(pilot, w)]
        assert not hidden, f"Tab stops that do not show the focus: {unshown(hidden)}"


@pytest.mark.parametrize("caller", ["new", "known"])
async def test_tab_from_the_intake_number_goes_to_the_words_whoever_calls(
    demo_database: Database, clock: FixedClock, caller: str
) -> None:
    """The call's own fields keep their Tab stops (issue 26): the new customer's name shown
    for an unknown number comes after them, so the words are one Tab from the number both
    for a new caller and a known one (with the card's history shown)."""
    number = "13912345678" if caller == "new" else known_caller(demo_database)[1]
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f2", *number)
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        shown = app.screen.query_one("#new-customer-box").display
        assert shown is (caller == "new")
        await pilot.press("tab", *"报修")
        assert app.screen.query_one("#words", TextArea).text == "报修"
        stops = [w.id for w in focus_stops(app)]
        call = ["phone", "words", "kind", "category", "severity"]
        assert stops[: len(call)] == call, stops
        assert stops[-1] == "history" or caller == "new", stops


@pytest.mark.parametrize("opening", [("f3", "enter"), ("f4", "enter")], ids=["complaint", "call"])
async def test_the_complaint_and_the_callback_call_have_no_tab_stop_that_hides_the_focus(
    demo_database: Database, clock: FixedClock, opening: tuple[str, ...]
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press(*opening)
        await settle(pilot)
        assert isinstance(app.screen, ComplaintScreen | CallbackCallScreen)
        assert app.focused is not None
        hidden = [w for w in focus_stops(app) if not await shows_focus(pilot, w)]
        assert not hidden, f"Tab stops that do not show the focus: {unshown(hidden)}"
