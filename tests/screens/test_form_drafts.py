"""Drafts make typing crash-proof (DESIGN.md 5), pressed like an agent on the demo desk: what
is typed into a form comes back, with a notice, in a new app on the same database after the
first one went away unsaved; a successful save leaves no draft row; cancel drops it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from textual.pilot import Pilot

from deskui.app import DeskApp, make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.repository import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.i18n import t
from deskui.screens.department import LegFormModal
from deskui.screens.desk import DeskScreen
from deskui.screens.drafts import DRAFT_DELAY
from deskui.screens.reception import ReceptionScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle

RESTORED = "已恢复上次未保存的内容"


def _agent_id(db: Database, name: str) -> int:
    with UnitOfWork(db) as uow:
        return next(a.id for a in uow.repo.agents() if a.name == name)


def _draft(db: Database, agent: str, form: str, key: object = "") -> dict[str, object] | None:
    with UnitOfWork(db) as uow:
        return uow.repo.load_draft(_agent_id(db, agent), form, str(key))


def _draft_rows(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return len(uow.session.scalars(select(m.Draft)).all())


def _notices(app: DeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def _desk(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for _ in range(3):  # the incoming handover may be offered first
        if isinstance(pilot.app.screen, DeskScreen):
            return
        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(pilot.app.screen, DeskScreen), pilot.app.screen_stack


async def _pause_past_debounce(pilot: Pilot[Any]) -> None:
    await pilot.pause(DRAFT_DELAY + 0.2)
    await settle(pilot)


# -- reception: the forms in a dialog ---------------------------------------------------------


async def _phone_message_form(pilot: Pilot[Any]) -> LegFormModal:
    await _desk(pilot)
    await pilot.press("f8", "5")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, LegFormModal)
    return form


async def test_a_phone_message_typed_comes_back_after_the_app_went_away(
    demo_database: Database, clock: FixedClock
) -> None:
    settings = make_settings(demo_database, agent="李娜")
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        form = await _phone_message_form(pilot)
        await pilot.press("tab", *"周总", "tab", *"13800138000", "tab", *"请回电")
        await _pause_past_debounce(pilot)
        assert form.values()["message"] == "请回电"
        assert RESTORED not in _notices(app)  # nothing was restored in this one
    # the app is gone without saving, as if the machine died; a new one starts
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        form = await _phone_message_form(pilot)
        assert form.values()["from_name"] == "周总"
        assert form.values()["from_number"] == "13800138000"
        assert form.values()["message"] == "请回电"
        assert RESTORED in _notices(again)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(again.screen, ReceptionScreen)
        assert "请回电" in screen_text(again)
    assert _draft(demo_database, "李娜", "reception_message") is None


async def test_opening_a_form_and_cancelling_it_leaves_no_draft(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _desk(pilot)
        await pilot.press("f8", "4", "a")  # a contractor pass: "issued by" is filled in
        await _pause_past_debounce(pilot)
        assert isinstance(app.screen, LegFormModal)
        assert _draft_rows(demo_database) == 0
        await pilot.press(*"中建三局")
        await _pause_past_debounce(pilot)
        saved = _draft(demo_database, "李娜", "reception_pass")
        assert saved is not None and saved["f-company"] == "中建三局"
        await pilot.press("escape")  # the agent drops the form: its draft goes too
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
    assert _draft_rows(demo_database) == 0


def test_the_draft_notice_is_in_both_catalogs() -> None:
    from deskui.i18n import catalog

    for key in ("drafts.restored", "drafts.trouble"):
        assert key in catalog("zh-CN") and key in catalog("en")
    assert t("drafts.restored") == RESTORED
