"""How intake (F2) looks at 120x36: a known caller's card, validation errors, English.

Update with `--snapshot-update` only after looking at the report (STYLE.md, tests).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.phone import format_display
from deskui.domain.search import LookupKind, classify
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle


@pytest.fixture(autouse=True)
def _no_change_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """See tests/screens/test_intake_screen.py: the change poll loops once a change is seen."""
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)


def _known_number(db: Database) -> str:
    """The first demo customer alone on its number, as an agent would type it."""
    with UnitOfWork(db) as uow:
        for customer in uow.customers.customers():
            lookup = classify(customer.phone_e164 or "")
            if lookup.kind is LookupKind.PHONE and len(uow.customers.find_callers(lookup)) == 1:
                return "".join(ch for ch in format_display(lookup.value) if ch.isdigit())
    raise AssertionError("the demo has no customer alone on its number")


def _intake(typed: str = "", *keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await at_desk(pilot)  # the incoming handover, shown by a worker, first
        await pilot.press("f2")
        await settle(pilot)
        if typed:
            await pilot.press(*typed)
            await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def test_intake_known_caller_card(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    typed = _known_number(demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_intake(typed))


def test_intake_validation_errors(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    # a number one digit short, no customer name, no words: three messages by their fields
    app = make_app(make_settings(demo_database), clock, demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_intake("1390000999", "ctrl+s"))


def test_intake_en(snap_compare: Any, demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, locale="en"), clock, demo_database)
    typed = _known_number(demo_database)
    assert snap_compare(app, terminal_size=SIZE, run_before=_intake(typed))


def test_intake_words_then_enter_lights_the_kind(
    snap_compare: Any, demo_database: Database, clock: FixedClock
) -> None:
    # issue 26: the words typed after Tab, Enter goes on to the kind, whose label and field
    # show the focus plainly
    app = make_app(make_settings(demo_database), clock, demo_database)
    typed = _known_number(demo_database)
    keys = ("tab", *"停车卡丢了怎么补办", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=_intake(typed, *keys))
