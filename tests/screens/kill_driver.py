"""The app on a file database, headless, typing into one form until its draft is written;
then it waits to be killed. `python -m tests.screens.kill_driver URL FORM` is what
test_drafts_survive_sigkill runs in a subprocess; FORMS says how each form is reached, typed
into and read back, for the driver and for the app the test starts after the kill."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.drafts import DRAFT_DELAY
from deskui.widgets.guarded_text import GuardedText
from deskui.widgets.work_list import WorkList
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle

TYPED = "typed"
"""The driver's one line on stdout: the draft is written, kill me now."""

Open = Callable[[Pilot[Any]], Awaitable[None]]


@dataclass(frozen=True)
class Form:
    agent: str
    open: Open
    """From the desk to the form, with the field to type into focused."""
    field: str
    text: str


def field_text(screen: Any, selector: str) -> str:
    widget = screen.query_one(selector)
    if isinstance(widget, Input):
        return widget.value
    assert isinstance(widget, TextArea | GuardedText), widget
    return widget.text


async def _keys(pilot: Pilot[Any], *keys: str) -> None:
    """Each key once what the one before started has finished: `f5` then `e` pressed together
    found the hand-over's list not loaded yet on a loaded machine (no row: `e` did nothing)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def _focus(pilot: Pilot[Any], selector: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()


async def _callback_call(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f4")
    queue = pilot.app.screen.query_one("#callbacks-list", WorkList)
    names = [queue.row_at(i).customer_name for i in range(queue.count or 0)]
    await _keys(pilot, *["down"] * names.index("广州星辰科技有限公司"), "enter")
    await _focus(pilot, "#notes")


async def _complaint(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f3", "enter")
    await _focus(pilot, "#note")


async def _handover_note(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f5", "e")  # the done-so-far field has the focus


async def _leg_plan(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f7")
    queue = pilot.app.screen.query_one("#department-queue", WorkList)
    while queue.cursor_row is not None and queue.cursor_row.leg.stage != "plan":
        await _keys(pilot, "down")
    await _keys(pilot, "p", "tab")  # past the expected time, to the measures


async def _phone_message(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f8", "5", "a", "tab")  # past whom it is for, to the caller's name


async def _intake(pilot: Pilot[Any]) -> None:
    await _keys(pilot, "f2")
    await _focus(pilot, "#words")


FORMS = {
    "callback call": Form("王芳", _callback_call, "#notes", "客户下午开会改天再回访"),
    "complaint step": Form("王芳", _complaint, "#note", "客户很着急要求今天答复"),
    "handover note": Form("李娜", _handover_note, "#f-done_so_far", "已电话联系买家"),
    "leg plan": Form("陈静", _leg_plan, "#f-measures", "更换光纤接头"),
    "phone message": Form("李娜", _phone_message, "#f-from_name", "周总"),
    "intake": Form("王芳", _intake, "#words", "想了解新款媒体机的价格"),
}


def app_for(url: str, form: Form) -> Any:
    database = Database(url)
    return make_app(make_settings(database, agent=form.agent), FixedClock(FIXED_NOW), database)


async def drive(url: str, name: str) -> None:
    form = FORMS[name]
    app = app_for(url, form)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await form.open(pilot)
        await pilot.press(*form.text)
        assert form.text in field_text(app.screen, form.field)  # before what the form held
        await pilot.pause(DRAFT_DELAY + 0.3)  # the agent pauses: the draft is written
        await settle(pilot)
        print(TYPED, flush=True)
        await asyncio.Event().wait()  # until the kill


if __name__ == "__main__":
    asyncio.run(drive(sys.argv[1], sys.argv[2]))
