"""The app's one-second tick may fire while the desk closes, once its screens are gone: it
then does nothing (a lead's desk ended with ScreenStackError from the presence report)."""

from __future__ import annotations

from deskui.app import PRESENCE_TICKS, make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle


async def test_a_tick_after_the_screens_are_gone_does_nothing(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert not app.screen_stack  # closed: as the last tick of a closing desk finds it
    app._ticks = PRESENCE_TICKS - 1  # the next tick reports where the agent is
    app._tick()
