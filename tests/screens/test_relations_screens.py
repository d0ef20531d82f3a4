"""Customer relations pressed like an agent on the demo desk (seed 000:1.4.7, 2.5.5, 4): a
prospect marked with one key during a callback, handed to a department; a gift recorded
with its confirmation callback on the desk and confirmed; an event created, its invitees
picked from the customer list, invited, and their attendance recorded."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.relations_store import RelationsStore
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.callback_call import CallbackCallScreen
from deskui.screens.contact_pick import ContactPickModal
from deskui.screens.department import LegFormModal
from deskui.screens.relations import RelationsScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle


def _errors(screen: Any) -> str:
    return " ".join(str(s.content) for s in screen.query(".field-error").results(Static))


def _list(app: Any) -> WorkList:
    return app.screen.query_one("#relations-list", WorkList)


async def _press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_a_prospect_is_marked_with_one_key_during_a_callback(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f4", "enter")
        call = app.screen
        assert isinstance(call, CallbackCallScreen) and call.detail is not None
        await _press(pilot, "ctrl+r")
        form = app.screen
        assert isinstance(form, LegFormModal)
        assert call.detail.customer_name in screen_text(app)  # who the prospect is
        form.query_one("#f-interest", TextArea).text = "\x1b[31m加投两块屏"
        await _press(pilot, "ctrl+s")
        assert app.screen is form  # refused next to its field, nothing lost
        assert "控制字符" in _errors(form)
        form.query_one("#f-interest", TextArea).text = "[b]年底[/b]加投两块屏"
        await _press(pilot, "ctrl+s")
        assert app.screen is call  # back on the call, the script where it was
        source = call.callback_id

    with UnitOfWork(demo_database) as uow:
        wang = next(a.id for a in uow.agents.agents() if a.name == "王芳")
        prospect = uow.session.query(m.Prospect).filter_by(source_callback_id=source).one()
        assert prospect.interest == "[b]年底[/b]加投两块屏"
        assert (prospect.status, prospect.owner_id) == ("following", wang)
        desk = uow.work.work_rows(0, 200, owner_id=wang)
        assert [w.label for w in desk if w.kind == "prospect_follow_up"] == [
            "[b]年底[/b]加投两块屏"
        ]


async def test_a_prospect_cs_follows_is_handed_to_a_department_with_its_person(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f10")
        assert isinstance(app.screen, RelationsScreen)
        assert _list(app).count == 2
        assert "客服 李娜" in screen_text(app) and "业务部 钱伟" in screen_text(app)
        await _press(pilot, "h")
        form = app.screen
        assert isinstance(form, LegFormModal)
        await _press(pilot, "ctrl+s")
        assert "必填" in _errors(form)  # the department's person
        await _press(pilot, *"赵磊", "ctrl+s")  # the problem's field has the focus
        assert isinstance(app.screen, RelationsScreen)
        assert "业务部 赵磊" in screen_text(app)
        assert "部门跟进" in screen_text(app).splitlines()[3]

    with UnitOfWork(demo_database) as uow:
        first = uow.relations.prospect_rows(0, 5)[0]
        handed = [p for p in uow.relations.prospect_rows(0, 5) if p.department_person == "赵磊"]
        assert handed and handed[0].handed_by == "李娜"
        history = uow.relations.prospect_history(handed[0].id)
        assert history[-1][1:3] == ("handed", "李娜")
        assert first.id != handed[0].id or first.status == "handed"


async def test_a_gift_gets_its_confirmation_callback_and_is_confirmed_missing(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f10", "2")
        assert _list(app).count == 2
        assert "待确认" in screen_text(app) and "已送达" in screen_text(app)

        await _press(pilot, "a")
        picker = app.screen
        assert isinstance(picker, ContactPickModal)
        await pilot.press(*"周艳")  # a contact at 苏州宏达科技有限公司
        await settle(pilot)
        await pilot.pause(0.4)  # the filter waits for the typing to stop
        await settle(pilot)
        assert picker.query_one("#pick-list", WorkList).count == 1
        await _press(pilot, "down", "enter")
        form = app.screen
        assert isinstance(form, LegFormModal)
        await pilot.press(*"[i]新年[/i]台历", "tab", *"明天下午")
        await _press(pilot, "ctrl+s")
        assert app.screen is form
        assert "时间格式不对" in _errors(form) and "必填" in _errors(form)  # the sender too
        assert form.values()["gift"] == "[i]新年[/i]台历"
        form.query_one("#f-sent_at", Input).value = "2026-11-23 08:30"
        form.query_one("#f-sent_by", Input).value = "业务部 钱伟"
        await _press(pilot, "ctrl+s")
        assert isinstance(app.screen, RelationsScreen)
        assert _list(app).count == 3
        text = screen_text(app)
        assert "[i]新年[/i]台历" in text  # painted literally
        assert "2d 23h" in text  # 3 days from 08:30 this morning, counting down

        # the confirmation call counts down on the customer's agent's desk
        with UnitOfWork(demo_database) as uow:
            # yesterday's demo gift is due first, this one second
            gift = uow.relations.gift_rows(0, 2)[1]
            assert gift.gift == "[i]新年[/i]台历"
            detail = uow.callbacks.callback_detail(gift.callback_id)  # type: ignore[arg-type]
            assert detail.purpose == "gift_arrival" and detail.agent_name == "王芳"
            desk = uow.work.work_rows(0, 200, owner_id=detail.agent_id)
            assert any(w.subject_id == gift.callback_id for w in desk)

        await _press(pilot, "down", "c")
        form = app.screen
        assert isinstance(form, LegFormModal)
        await pilot.press("enter", "down", "enter")  # did not arrive
        await settle(pilot)
        await _press(pilot, "ctrl+s")
        assert app.screen is form and "必填" in _errors(form)  # say what happened
        form.query_one("#f-note", TextArea).text = "快递显示签收，客户说没收到"
        await _press(pilot, "ctrl+s")
        assert isinstance(app.screen, RelationsScreen)
        assert "未送达" in screen_text(app)
        toasts = [str(n.message) for n in app._notifications]
        assert any("跟进问题记录" in message for message in toasts)
    with UnitOfWork(demo_database) as uow:
        gift = uow.relations.gift_rows(0, 5)
        missing = next(g for g in gift if g.gift == "[i]新年[/i]台历")
        assert (missing.arrived, missing.via, missing.confirmed_by) == (False, "list", "李娜")
        assert uow.callbacks.callback_detail(missing.callback_id).status == "done"  # type: ignore[arg-type]


async def test_an_event_is_planned_its_invitees_picked_invited_and_answered(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f10", "3")
        assert _list(app).count == 2
        await _press(pilot, "a")
        form = app.screen
        assert isinstance(form, LegFormModal)
        await pilot.press(*"新春茶话会", "tab", *"2026-11-01", "tab", *"二楼茶室")
        await _press(pilot, "ctrl+s")
        assert app.screen is form and "不能早于今天" in _errors(form)
        form.query_one("#f-event_on", Input).value = "2027-01-20"
        await _press(pilot, "ctrl+s")
        assert isinstance(app.screen, RelationsScreen)
        assert _list(app).count == 3
        assert "12-20" in screen_text(app)  # the plan is due a month ahead

        await _press(pilot, "down")  # 2026-12-28 first, then the new one in January
        assert "新春茶话会" in str(app.screen.query_one("#relations-detail", Static).content)
        await _press(pilot, "enter")
        assert app.screen.section == "invitees"  # type: ignore[attr-defined]
        assert _list(app).count == 0

        await _press(pilot, "a")
        picker = app.screen
        assert isinstance(picker, ContactPickModal)
        await _press(pilot, "down", "space", "space", "ctrl+s")  # the first two contacts
        assert isinstance(app.screen, RelationsScreen)
        assert _list(app).count == 2

        await _press(pilot, "s")
        form = app.screen
        assert isinstance(form, LegFormModal)
        await _press(pilot, "ctrl+s")  # by phone, now, by 李娜
        await _press(pilot, "t")
        form = app.screen
        assert isinstance(form, LegFormModal)
        await _press(pilot, "ctrl+s")  # attended, before the day
        assert app.screen is form and "只能登记谢绝" in _errors(form)
        await pilot.press("enter", "down", "enter")  # the refused field has the focus
        await settle(pilot)
        assert form.values()["attendance"] == "declined"
        await _press(pilot, "ctrl+s")
        assert isinstance(app.screen, RelationsScreen)
        assert "谢绝" in screen_text(app)
        await _press(pilot, "escape")
        assert app.screen.section == "events"  # type: ignore[attr-defined]
    with UnitOfWork(demo_database) as uow:
        li = next(a.id for a in uow.agents.agents() if a.name == "李娜")
        plans = [w for w in uow.work.work_rows(0, 200, owner_id=li) if w.kind == "event_plan"]
        assert [w.label for w in plans] == ["新春茶话会"]
        event = uow.relations.event(plans[0].subject_id)
        assert (event.invitees, event.invited, event.declined) == (2, 1, 1)


async def test_a_database_failure_while_saving_keeps_the_form_filled(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    monkeypatch.setattr(RelationsStore, "add_event", locked)
    app = make_app(make_settings(demo_database, agent="李娜", locale="en"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f10", "3", "a")
        form = app.screen
        assert isinstance(form, LegFormModal)
        await pilot.press(*"Tea party", "tab", *"2027-01-20", "tab", *"Room 2")
        await _press(pilot, "ctrl+s")
        assert app.screen is form
        trouble = str(form.query_one("#form-trouble", Static).content)
        # the fault in plain words, as the runner says it (the driver's text goes to the log)
        assert "Another program is holding the database" in trouble
        assert "database is locked" not in trouble
        assert form.values() == {"name": "Tea party", "event_on": "2027-01-20", "place": "Room 2"}


async def test_f10_opens_relations_from_the_palette_too_and_help_lists_it(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f1")
        assert "F10" in screen_text(app) and "意向客户、礼品送达确认、联谊活动" in screen_text(app)
        await _press(pilot, "escape")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "客户关系 (F10)" in commands
        await _press(pilot, "f10")
        assert isinstance(app.screen, RelationsScreen)
        await _press(pilot, "escape")
        assert not isinstance(app.screen, RelationsScreen)


def test_relations_catalogs_are_complete_in_both_languages() -> None:
    from deskui.i18n import catalog

    zh, en = catalog("zh-CN"), catalog("en")
    for prefix in ("relations.", "keys.rel_", "keys.pick_", "keys.relations", "deadline_kind."):
        assert {k for k in zh if k.startswith(prefix)} == {k for k in en if k.startswith(prefix)}
    assert {"keys.callback_prospect", "keys.callback_prospect_tip"} <= set(zh) & set(en)


async def test_an_event_half_typed_comes_back_as_a_draft_after_a_restart(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f10", "3", "a")
        await pilot.press(*"新春茶话会", "tab", *"2027-01-20")
        await pilot.pause(0.8)  # the draft is written half a second after the last key
        await settle(pilot)
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f10", "3", "a")
        form = app.screen
        assert isinstance(form, LegFormModal)
        assert form.values()["name"] == "新春茶话会"
        assert form.values()["event_on"] == "2027-01-20"
        await pilot.press("tab", "tab", *"二楼茶室")
        await _press(pilot, "ctrl+s")
        assert isinstance(app.screen, RelationsScreen)
    with UnitOfWork(demo_database) as uow:
        li = next(a.id for a in uow.agents.agents() if a.name == "李娜")
        assert uow.drafts.load_draft(li, "relations_event") is None  # gone with the save
