"""How the phone looks on the desk (issue 25): the caller log (F12) with a call ringing on
the line above it, and the lead's floor (F6, 3), at both sizes with the frozen clock.

Update with `--snapshot-update` only after looking at the report (STYLE.md, tests).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle
from tests.screens.phone_calls import a_morning, at_desk_now


@pytest.fixture(autouse=True)
def _no_change_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)


def _keys(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await at_desk(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def test_caller_log(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    a_morning(demo_database, clock.now())
    app = make_app(make_settings(demo_database), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_keys("f12"))


def test_caller_log_not_called_back_en(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    a_morning(demo_database, clock.now())
    app = make_app(make_settings(demo_database, locale="en"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_keys("f12", "3"))


def test_lead_floor(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    a_morning(demo_database, clock.now())
    at_desk_now(demo_database, ("王芳", "张伟"), clock.now())
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_keys("f6", "3"))
