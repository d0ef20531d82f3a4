"""The handover and order screens at 120x36: frozen clock, demo data, dark theme, no blink.

Update with `--snapshot-update` only after looking at the report (STYLE.md, tests).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle


def _pressing(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            pilot.app.clear_notifications()  # toasts expire on the wall clock, not the fixed one
        await pilot.pause()

    return run_before


def test_handover_outgoing_zh_cn(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f5"))


def test_handover_incoming_first_on_the_desk_en(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, locale="en", agent="王芳"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing())


def test_handover_incoming_flagged_late_zh_cn(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    clock.advance(timedelta(minutes=15))  # ten minutes past the site-set acknowledgement time
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing())


def test_handover_add_item_with_a_field_error(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f5", "a", "ctrl+s"))


def test_orders_morning_list_zh_cn(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f5", "o"))


def test_orders_chase_list_en(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, locale="en", agent="李娜"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_pressing("f5", "o", "tab"))
