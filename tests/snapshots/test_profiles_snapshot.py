"""How the customer-profile list looks on the demo desk at a fixed time, in zh-CN."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from deskui import i18n
from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.profiles import ProfilesScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle


@pytest.fixture(autouse=True)
def _locale_restored() -> Iterator[None]:
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


async def _open_profiles(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.app.push_screen(ProfilesScreen())
    await settle(pilot)
    await pilot.press("down")  # the detail pane shows the second customer
    await settle(pilot)


def test_profiles_snapshot(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_open_profiles)


async def _open_history(pilot: Pilot[Any]) -> None:
    """The first customer's phone typed anew and saved, then its history (issue 16)."""
    from textual.widgets import Input

    await settle(pilot)
    await pilot.app.push_screen(ProfilesScreen())
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    phone = pilot.app.screen.query_one("#f-phone", Input)
    phone.focus()
    await pilot.press("end", *["backspace"] * len(phone.value), *"02155550202", "ctrl+s")
    await settle(pilot)
    pilot.app.clear_notifications()  # the saved toast would go at a time of its own
    await pilot.press("h")
    await settle(pilot)


def test_profiles_history_snapshot(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_open_history)
