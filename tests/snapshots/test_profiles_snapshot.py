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
