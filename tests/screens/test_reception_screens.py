"""Reception and the correspondence register, pressed like an agent on the demo desk:
a contractor pass issued and listed under "expires today", an urgent phone message popping
for its addressee, a fax registered and signed for, a walk-in made a ticket (seed 001:4)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.correspondence import CorrespondenceScreen
from deskui.screens.department import LegFormModal
from deskui.screens.desk import DeskScreen
from deskui.screens.reception import ReceptionScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle


async def _to_desk(pilot: Pilot[Any]) -> None:
    for _ in range(3):  # the incoming handover may be offered first
        if isinstance(pilot.app.screen, DeskScreen):
            return
        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(pilot.app.screen, DeskScreen), pilot.app.screen_stack


def _errors(screen: Any) -> str:
    return " ".join(str(s.content) for s in screen.query(".field-error").results(Static))


async def test_a_contractor_pass_is_issued_and_appears_in_expires_today(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        await pilot.press("3")
        await settle(pilot)
        passes = app.screen.query_one("#reception-list", WorkList)
        assert passes.count == 1  # the demo's pass for 金桥装饰工程

        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        await pilot.press(*"[b]鑫源[/b]建筑", "tab", *"陈一、黄二", "tab", *"5 楼", "tab")
        await pilot.press(*"08:00", "tab", *"明天", "ctrl+s")
        await settle(pilot)
        assert app.screen is form  # refused next to the field, nothing lost
        assert "时间格式不对" in _errors(form)
        assert form.query_one("#f-valid_to", Input).value == "明天"
        assert form.values()["company"] == "[b]鑫源[/b]建筑"
        assert app.focused is form.query_one("#f-valid_to")
        await pilot.press("backspace", "backspace", *"18:00", "ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, ReceptionScreen)
        assert passes.count == 2
        text = screen_text(app)
        assert "[b]鑫源[/b]建筑" in text  # painted literally, markup and all
        assert "11-23 08:00–11-23 18:00" in text

        # revoked, it leaves the list of passes that expire today
        await pilot.press("down")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press(*"工程提前完工", "ctrl+s")
        await settle(pilot)
        assert passes.count == 1
    with UnitOfWork(demo_database) as uow:
        issued = uow.session.query(m.ContractorPass).filter_by(company="[b]鑫源[/b]建筑").one()
        assert issued.issued_by == "王芳" and issued.revoke_reason == "工程提前完工"


async def test_an_urgent_phone_message_pops_for_its_addressee(
    demo_database: Database, clock: FixedClock
) -> None:
    # 李娜 at the front desk takes an urgent message for 王芳
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f8", "5")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        assert form.values()["for_agent"] != ""  # the first colleague, 王芳, is proposed
        await pilot.press("tab", "tab", *"13800138000", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "必填" in _errors(form)  # the caller's name and the message
        assert form.values()["from_number"] == "13800138000"
        await pilot.press(*"周总", "tab", "tab", *"[red]马上回电[/red]", "tab")
        await pilot.press("enter", "down", "enter")  # urgent: tell her at once
        await settle(pilot)
        assert form.values()["urgent"] == "yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)
        assert "[red]马上回电[/red]" in screen_text(app)
        # numbers as the card writes them (issue 26), the demo's stored +8613800138000 too
        assert "138 0013 8000" in screen_text(app)
        assert "+86" not in screen_text(app) and "13800138000" not in screen_text(app)

    # 王芳 signs in on the same database: the bell rings and the message pops
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        desk = app.screen_stack[0]
        assert isinstance(desk, DeskScreen)
        bell = desk.query_one("#bell", Static)
        assert "1" in str(bell.content) and bell.has_class("-ringing")
        toasts = [n for n in app._notifications if "马上回电" in str(n.message)]
        assert toasts and toasts[0].title == "紧急电话留言"
        assert str(toasts[0].message) == "周总 138 0013 8000: [red]马上回电[/red]"
    with UnitOfWork(demo_database) as uow:
        wang = next(a.id for a in uow.agents.agents() if a.name == "王芳")
        assert [n.kind for n in uow.notifications.unread_notifications(wang)] == ["urgent_message"]


async def test_a_fax_is_registered_and_signed_for(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, CorrespondenceScreen)
        register = app.screen.query_one("#mail-list", WorkList)
        assert register.count == 2
        assert "超时未签收" in screen_text(app)  # the demo's fax from 04:00, unsigned

        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        await pilot.press(*"8点半", "tab", "tab", "enter", "down", "down", "enter")  # a fax
        await pilot.press("tab", *"合同", "tab", *"\\鑫源建筑", "tab", *"刘洋", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "时间格式不对" in _errors(form)
        assert form.values()["kind"] == "fax" and form.values()["party"] == "\\鑫源建筑"
        await pilot.press(*["backspace"] * 3, *"08:30", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CorrespondenceScreen)
        assert register.count == 3
        assert register.cursor_row.party == "\\鑫源建筑"  # the newest first

        await pilot.press("s")
        await settle(pilot)
        assert app.screen.values()["signed_by"] == "刘洋"  # whom it was handed to
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "刘洋 11-23 09:00" in screen_text(app)

        # searchable: one word finds it
        await pilot.press("slash", *"鑫源", "enter")  # the register's own filter is on /
        await settle(pilot)
        assert register.count == 1
    with UnitOfWork(demo_database) as uow:
        fax = uow.session.query(m.Correspondence).filter_by(party="\\鑫源建筑").one()
        assert fax.kind == "fax" and fax.signed_by == "刘洋" and fax.signed_at == FIXED_NOW


async def test_a_walk_in_becomes_a_walk_in_ticket_with_one_key(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f8", "2")
        await settle(pilot)
        assert "郑强" in screen_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, LegFormModal)  # classified as a call is (issue 26)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LegFormModal)  # not without its category
        assert "请从列表中选择" in screen_text(app)
        # the category list: 常规问题's five, then 报修 (the sixth), as the visitor said
        await pilot.press("enter", *["down"] * 6, "enter", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, LegFormModal), screen_text(app)
        assert "渠道：前台来访" in " ".join(str(n.message) for n in app._notifications)
        assert "#" in screen_text(app)
    with UnitOfWork(demo_database) as uow:
        tickets = [t for t in uow.tickets.tickets() if t.channel == "walk_in"]
        assert "宽带经常掉线，想当面问问" in [t.customer_words for t in tickets]
        visit = uow.session.query(m.Visit).filter_by(visitor="郑强").one()
        made = next(t for t in tickets if t.id == visit.ticket_id)
        assert (made.kind, made.category) == ("question", "repair")
        assert "宏达商贸" in made.customer_name and made.owner_name == "李娜"


async def test_a_fading_fax_is_registered_as_copied_and_handed_over_with_the_original(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 001:4.6: 传真件字迹易褪的，复印后连同原件一并交接."""
    from textual.widgets import Select

    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_desk(pilot)
        await pilot.press("f9")
        await settle(pilot)
        register = app.screen.query_one("#mail-list", WorkList)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LegFormModal)
        await pilot.press(*"08:30", "tab", "tab", "enter", "down", "enter")  # a parcel
        await pilot.press("tab", *"合同", "tab", *"鑫源建筑", "tab", *"刘洋")
        form.query_one("#f-copy_made", Select).value = "yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "只有传真需要复印" in _errors(form)
        form.query_one("#f-kind", Select).value = "fax"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CorrespondenceScreen)
        assert register.cursor_row.party == "鑫源建筑" and register.cursor_row.copy_made
        text = screen_text(app)
        assert "已复印，复印件随原件一并交接" in text  # the detail under the list
    with UnitOfWork(demo_database) as uow:
        fax = uow.session.query(m.Correspondence).filter_by(party="鑫源建筑").one()
        assert fax.kind == "fax" and fax.copy_made
        assert uow.reception.mail_export_rows()[-1][-1] == "yes"
