"""Customer relations (F10) on the demo desk at 120x36, frozen clock: each list in zh-CN,
an event's invitation list, a refused gift form, and the events in English."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle


def _pressing(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await at_desk(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_relations_prospects(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    """李娜 follows one prospect herself (countdown), the other went to the business dept."""
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f10"))


def test_relations_gifts(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    """Yesterday's gift counting down to its confirmation call; last week's arrived."""
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f10", "2"))


def test_relations_gift_form_refused(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    """A gift with markup and a time that does not read: refused beside the fields."""
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)

    async def run_before(pilot: Pilot[Any]) -> None:
        await at_desk(pilot)
        await pilot.press("f10", "2", "a")
        await settle(pilot)
        await pilot.press(*"周艳")
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press(*"[b]台历[/b]", "tab", *"明天下午", "ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_relations_events(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    """Next month's event with its plan counting down; last month's with attendance."""
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f10", "3"))


def test_relations_invitees(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f10", "3", "enter"))


def test_relations_events_en(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, locale="en", agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f10", "3", "down"))
