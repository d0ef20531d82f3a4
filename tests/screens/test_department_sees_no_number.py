"""A department member sees no caller's whole number anywhere (issue 23; the site's
privacy.masked): signed in as the demo's 赵磊 (technical department), every screen they can
open by F-key, Ctrl+K, the desk's palette entries and Enter on each list's first row shows
the demo's numbers masked (`138****8000`) or not at all. F8's phone messages showed them."""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select
from textual.pilot import Pilot

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.reception import ReceptionScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle
from tests.screens.screen_walk import LEAD_STOPS, STOPS, back_to_desk, once_each, walk
from tests.screens.test_stored_text_on_screen import BLANK_FORMS, painted

MEMBER = "赵磊"
STOPS_SHOWING_RECORDS = tuple(stop for stop in (*STOPS, *LEAD_STOPS) if stop[0] not in BLANK_FORMS)
FIRST_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *(
        (f"{name}, first row", (*keys, "enter"))
        for name, keys in STOPS
        if len(keys) == 1 and keys[0] not in ("f1", "f2", "ctrl+p", "n")
    ),
    ("walk-ins, first row", ("f8", "2", "enter")),
    ("messages, first row", ("f8", "5", "enter")),
    ("a customer's history", ("ctrl+k", "h")),
    ("a customer's contacts", ("ctrl+k", "enter")),
)


def demo_numbers(db: Database) -> set[str]:
    """Every number the demo holds of a customer, a contact or a caller, as national digits."""
    columns = (
        m.Customer.phone_e164,
        m.Contact.phone_e164,
        m.Ticket.caller_phone,
        m.PhoneMessage.from_number,
    )
    found: set[str] = set()
    with UnitOfWork(db) as uow:
        for column in columns:
            for value in uow.session.scalars(select(column)).all():
                digits = re.sub(r"\D", "", value or "").removeprefix("86")
                if len(digits) >= 7:  # an internal extension (8021) is no caller's number
                    found.add(digits.lstrip("0"))
    return found


def whole_numbers(app: Any, numbers: set[str]) -> list[str]:
    """The demo numbers the screen shows whole, however spaced or hyphenated."""
    digits = re.sub(r"[\s\-()]", "", painted(app))
    return sorted(number for number in numbers if number in digits)


async def palette_entries(pilot: Pilot[Any]) -> AsyncIterator[str]:
    """Each entry the desk's palette offers this role, run from the desk (not quit or lock)."""
    app = pilot.app
    await back_to_desk(pilot)
    commands = list(app.get_system_commands(app.screen))
    assert commands
    for command in commands:
        action = getattr(command.callback, "args", ("",))[0]
        if action == "quit" or command.callback == app.lock:
            continue
        await back_to_desk(pilot)
        result = command.callback()
        if inspect.isawaitable(result):
            await result
        await settle(pilot)
        yield f"palette: {command.title}"
    await back_to_desk(pilot)


async def test_a_department_member_sees_no_whole_number_on_any_screen(
    demo_database: Database, clock: FixedClock
) -> None:
    numbers = demo_numbers(demo_database)
    assert "13800138000" in numbers  # the demo's message from 星辰科技 周总
    app = make_app(make_settings(demo_database, agent=MEMBER), clock, demo_database)
    shown: dict[str, list[str]] = {}
    visited: set[str] = set()
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        assert app.actor is not None and app.actor.role == "department"
        async for stop in walk(pilot, once_each((*STOPS_SHOWING_RECORDS, *FIRST_ROWS))):
            visited.add(type(app.screen).__name__)
            if found := whole_numbers(app, numbers):
                shown[stop] = found
            if stop == "messages":  # the message is there, its number masked
                messages = app.screen.query_one("#reception-list", WorkList)
                assert isinstance(app.screen, ReceptionScreen) and messages.count
                assert "138****8000" in painted(app)
        async for entry in palette_entries(pilot):
            if found := whole_numbers(app, numbers):
                shown[entry] = found
    assert shown == {}
    assert {"DepartmentScreen", "ReceptionScreen", "TicketDetailModal"} <= visited
