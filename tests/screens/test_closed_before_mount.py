"""A form closed before its Mount was handled (a burst of keys opens it and, in the same
read, another place) sets nothing up: the key walk found the customer form's on_mount
querying fields already removed (NoMatches, exit 70)."""

from __future__ import annotations

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.clock import FixedClock
from deskui.screens.desk import DeskScreen
from deskui.screens.profiles import CustomerFormModal
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle


async def test_a_customer_form_closed_before_it_mounts_ends_nothing(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        form = CustomerFormModal(None)
        app.push_screen(form)
        app.pop_screen()  # in the same read of keys: before the form's Mount is handled
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, DeskScreen)
