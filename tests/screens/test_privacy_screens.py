"""After a person's data is erased (issue 28, PIPL), no screen shows their name, number or
notes: the agent's work list, the caller log (F12), the customer's card at intake (F2) and
the customer's history (profiles, h); before it, each of them did (so the test can fail)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from textual.widgets import Input, OptionList

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.phone import format_display
from deskui.screens.caller_log import CallerLogScreen
from deskui.screens.history import HistoryModal
from deskui.screens.privacy import PrivacyModal
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


async def _palette(pilot: Any, words: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*words)
    await pilot.pause(0.3)
    await settle(pilot)
    options = pilot.app.screen.query_one("CommandList", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_a_manager_erases_a_person_from_the_palette_and_a_lead_is_not_offered_it(
    demo_database: Database, clock: FixedClock
) -> None:
    ids = add_person(demo_database, clock.now() - timedelta(hours=1))
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        assert not any("个人信息" in p for p in await _palette(pilot, "个人信息"))
    app = make_app(make_settings(demo_database, agent="刘洋"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        assert any("按本人请求处理个人信息" in p for p in await _palette(pilot, "个人信息"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrivacyModal)
        await pilot.press(*"139 1234 5678".replace(" ", ""), "enter")
        await settle(pilot)
        text = screen_text(app)
        assert NAME in text and "资料 (1)" in text and "通话 (1)" in text, text
        assert "privacy." not in text  # no catalog key on screen
        assert "liaison" not in text and "female" not in text  # no code either
        assert "139 1234 5678" in text and "+86" not in text  # numbers as the card writes them
        await pilot.press("ctrl+e")  # no request typed: nothing erased
        await settle(pilot)
        assert "请说明本人如何提出请求" in screen_text(app)
        app.screen.query_one("#privacy-request", Input).value = "来函 12 号"
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert "再按一次 Ctrl+E" in screen_text(app)
        with UnitOfWork(demo_database) as uow:
            assert uow.session.get_one(m.Contact, ids["contact"]).name == NAME
        await pilot.press("ctrl+e")
        await settle(pilot)
        text = screen_text(app)
        assert "已删除：改动" in text, text
        assert NAME not in text and "13912345678" not in text
    with UnitOfWork(demo_database) as uow:
        assert uow.session.get_one(m.Contact, ids["contact"]).name == ""
        erasures = uow.audit.search(action="privacy_erase")
    assert [(e.agent_name, e.detail["request"]) for e in erasures] == [("刘洋", "来函 12 号")]


async def test_at_80x24_the_dialog_shows_what_is_held_not_only_its_fields(
    demo_database: Database, clock: FixedClock
) -> None:
    """Found walking the desk: at 80x24 the dialog's margins left two lines of eleven records
    between its fields, the profile cut mid-way; the records now get the lines the chrome can
    spare (the profile whole and its change history's heading below it)."""
    from tests.screens.desk_pilot import screen_lines

    add_person(demo_database, clock.now() - timedelta(hours=1))
    app = make_app(make_settings(demo_database, agent="刘洋"), clock, demo_database)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_desk(pilot)
        await _palette(pilot, "个人信息")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrivacyModal)
        await pilot.press(*"13912345678", "enter")
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        assert "个人备注：女儿在读高三" in shown and "资料修改记录 (2)" in shown, shown
        assert "共 11 条记录" in shown and "Ctrl+E" in shown
