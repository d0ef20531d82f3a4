"""Callbacks at 120x36 on the demo desk: the queue (zh-CN, en), a call mid-script, a booking
with a bad time, coverage, and a lead's visit approval.

Update with `--snapshot-update` only after looking at the report (STYLE.md, tests).
"""

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
        # from the desk: the incoming handover is shown by a worker at sign-in, and would
        # otherwise land over the callbacks screen or under it depending on timing
        await at_desk(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()  # toasts come and go with timing: not part of the look
        await settle(pilot)

    return run_before


def test_callback_queue_zh_cn(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f4"))


def test_callback_queue_en(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, locale="en"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f4", "down", "down", "down"))


def test_callback_call_evaluation_step(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    # the second row (routine, due 13:00); 是 / 方便 → the evaluation step
    keys = ("f4", "down", "enter", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing(*keys))


def test_callback_booking_bad_time(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    keys = ("f4", "down", "enter", "down", "enter", "2", "5", ":", "9", "9", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing(*keys))


def test_callback_coverage(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f4", "4"))


def test_visit_approval_by_a_lead(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    keys = ("f4", "5", "enter", "ctrl+r")
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing(*keys))
