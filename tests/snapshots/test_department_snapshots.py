"""How a department's queue and a ticket's round trip look on the demo desk, at 120x36."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.ticket_detail import TicketDetailModal
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle


def test_department_member_desk(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    """赵磊 signs in to the technical department's queue: one awaiting its plan, one new."""
    app = make_app(make_settings(demo_database, agent="赵磊"), clock, demo_database)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_ticket_with_its_department_leg(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    """The record with the technical department: the leg's steps, times and limits."""
    app = make_app(make_settings(demo_database, agent="赵磊"), clock, demo_database)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TicketDetailModal)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
