"""After a person's data is erased (issue 28, PIPL), no screen shows their name, number or
notes: the agent's work list, the caller log (F12), the customer's card at intake (F2) and
the customer's history (profiles, h); before it, each of them did (so the test can fail)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.phone import format_display
from deskui.screens.caller_log import CallerLogScreen
from deskui.screens.history import HistoryModal
from deskui.screens.profiles import ProfilesScreen
from deskui.services import privacy
from deskui.services.actor import Actor
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle
from tests.screens.test_intake_screen import _back_to_desk, _open, _type
from tests.services.test_privacy_service import NAME, NOTES, PHONE, add_person


@pytest.fixture(autouse=True)
def _no_change_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)  # as test_intake_screen.py


async def _screens(database: Database, clock: FixedClock, customer_id: int) -> dict[str, str]:
    """What 王芳's desk shows on each screen that could hold the person."""
    with UnitOfWork(database) as uow:
        line = uow.session.get_one(m.Customer, customer_id).phone_e164 or ""
    shown: dict[str, str] = {}
    app = make_app(make_settings(database), clock, database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        shown["work list"] = screen_text(app)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, CallerLogScreen)
        shown["caller log"] = screen_text(app)
        await _back_to_desk(pilot)
        await _open(pilot)
        await _type(pilot, format_display(line).replace(" ", ""))
        shown["card"] = screen_text(app)
        await _back_to_desk(pilot)
        profiles = ProfilesScreen()
        await app.push_screen(profiles)
        await settle(pilot)
        customers = profiles.query_one("#customers", WorkList)
        ids = [getattr(customers.row_at(i), "id", None) for i in range(customers.count or 0)]
        customers.move_cursor(ids.index(customer_id))
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryModal)
        shown["history"] = screen_text(app)
    return shown


async def test_no_screen_shows_an_erased_person(demo_database: Database, clock: FixedClock) -> None:
    ids = add_person(demo_database, clock.now() - timedelta(hours=1))
    with UnitOfWork(demo_database) as uow:
        manager = uow.session.scalars(select(m.Agent).where(m.Agent.name == "刘洋")).one()
        actor = Actor(manager.id, manager.name, manager.role, manager.team)
    number = format_display(PHONE)
    pieces = (NAME, number, number.replace(" ", ""), NOTES[:4])

    def holding(shown: dict[str, str]) -> dict[str, list[str]]:
        return {where: [p for p in pieces if p in text] for where, text in shown.items()}

    before = holding(await _screens(demo_database, clock, ids["customer"]))
    assert all(before.values()), before  # each screen showed something of them
    with UnitOfWork(demo_database) as uow:
        who = privacy.PersonQuery(contact_id=ids["contact"])
        privacy.erase_person(uow, actor, privacy.ErasePerson(who, "来函"), clock.now())
    after = holding(await _screens(demo_database, clock, ids["customer"]))
    assert after == {where: [] for where in before}
