"""How the lead's measures look on the demo desk at a fixed time, in zh-CN: the week's
figures with the 30-day chart, the records behind "breached today", and the from/to form
with a bad day's line."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.measures import MeasuresScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle


async def _open(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.app.push_screen(MeasuresScreen())
    await settle(pilot)
    pilot.app.clear_notifications()  # toasts come and go with timing: not part of the look


async def _drill(pilot: Pilot[Any]) -> None:
    await _open(pilot)
    figures = pilot.app.screen.query_one("#measures-figures", DataTable)
    labels = [str(figures.get_row_at(i)[0]) for i in range(figures.row_count)]
    for _ in range(labels.index("今天已超时")):  # found by its words, not a count of rows
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    pilot.app.clear_notifications()


def test_measures_week(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_open)


def test_measures_breached_today(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_drill)


async def _range(pilot: Pilot[Any]) -> None:
    await _open(pilot)
    await pilot.press("5")  # the from/to form, the week shown filled in
    await settle(pilot)
    await pilot.press(*"2026-11-32", "enter", "enter")  # a bad day: its line under the field
    await settle(pilot)
    pilot.app.clear_notifications()


def test_measures_range_form(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_range)
