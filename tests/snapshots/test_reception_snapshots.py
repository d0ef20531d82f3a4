"""Reception and the correspondence register on the demo desk, at 120x36."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle


async def _to_desk(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        if isinstance(pilot.app.screen, DeskScreen):
            return
        await pilot.press("escape")
        await settle(pilot)


def test_todays_visitors(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    """李娜 at the front desk: three visitors booked for today, in time order."""
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f8")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_passes_expiring_today(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f8", "3")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_correspondence_with_an_unsigned_fax(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f9", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_reception_in_english(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, locale="en", agent="李娜"), clock, demo_database)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f8", "5")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
