"""The site settings screen at 120x36: a lead with one field mistyped, and in English."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle


async def _settings_with_a_mistake(pilot: Pilot[Any]) -> None:
    await at_desk(pilot)
    await pilot.press("s")
    await settle(pilot)
    pilot.app.screen.query_one("#set-first-contact-urgent", Input).focus()
    await pilot.press("end", "backspace", *"八小时")
    await settle(pilot)


def test_site_settings_zh_cn(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settings_with_a_mistake)


def test_site_settings_en(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, locale="en", agent="张伟"), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settings_with_a_mistake)
