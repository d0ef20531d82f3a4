"""Customer profiles driven by keys: file one, a bad phone, an import checked then accepted."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from textual.widgets import Input, Static

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.conflict import ConflictModal
from deskui.screens.profiles import CustomerFormModal, ImportModal, ProfilesScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _customers(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(m.Customer)) or 0)


async def _open(pilot) -> ProfilesScreen:
    await settle(pilot)
    screen = ProfilesScreen()
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def _type(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press(*text) if text.isascii() else None
    if not text.isascii():
        pilot.app.screen.query_one(selector, Input).value = text


async def test_list_shows_demo_customers_with_open_filings_first(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        work_list = app.screen.query_one("#customers", WorkList)
        assert work_list.count == 80
        first = work_list.row_at(0)
        assert first is not None and first.filing_due is not None


async def test_file_a_customer_with_its_principal(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    before = _customers(demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormModal)
        await _type(pilot, "#f-name", "Acme [b]Trading[/b]")
        await _type(pilot, "#f-phone", "13812345678")
        await _type(pilot, "#f-contact", "Zhang Wei")
        await _type(pilot, "#f-contact_phone", "13912345678")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
    assert _customers(demo_database) == before + 1
    with UnitOfWork(demo_database) as uow:
        customer = uow.session.scalar(select(m.Customer).order_by(m.Customer.id.desc()))
        assert customer is not None
        assert customer.name == "Acme [b]Trading[/b]"  # markup kept as typed
        assert customer.phone_e164 == "+8613812345678"
        assert [c.phone_e164 for c in customer.contacts] == ["+8613912345678"]


async def test_bad_phone_shows_a_message_and_keeps_what_was_typed(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    before = _customers(demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("n")
        await settle(pilot)
        await _type(pilot, "#f-name", "Acme")
        await _type(pilot, "#f-phone", "1234")
        await _type(pilot, "#f-birthday", "1980-13-40")
        await _type(pilot, "#f-contact", "Li")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormModal)
        assert _text(app, "#err-phone") == "电话位数不够"
        assert "日期看不懂" in _text(app, "#err-birthday")
        assert app.screen.query_one("#f-phone", Input).value == "1234"
        assert app.screen.query_one("#f-name", Input).value == "Acme"
    assert _customers(demo_database) == before


async def test_empty_name_message(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, locale="en"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _text(app, "#err-name") == "Enter a name"


async def test_import_dry_run_then_accept(
    demo_database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    sheet = tmp_path / "customers.csv"
    sheet.write_text(
        "公司名称,公司电话,联系人,联系电话\n"
        "新客户甲,13812340001,张三,13912340001\n"
        "新客户乙,1234,,\n"
        ",13812340002,,\n"
        "新客户丙,13812340001,,\n"
        "新客户丁,010 8888 6666,,\n",
        encoding="utf-8-sig",
    )
    app = make_app(make_settings(demo_database), clock, demo_database)
    before = _customers(demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportModal)
        app.screen.query_one("#import-path", Input).value = str(sheet)
        await pilot.press("enter")
        await settle(pilot)
        assert "可导入 1 行，有问题 4 行" in _text(app, "#import-summary")
        bad = _text(app, "#import-bad")
        assert "第 3 行 新客户乙：电话位数不够" in bad
        assert "第 4 行 ：请填写名称" in bad
        assert "与文件第 2 行重复" in bad
        assert "已有客户在用" in bad
        assert _customers(demo_database) == before  # the check wrote nothing

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        assert app.screen.query_one("#customers", WorkList).count == before + 1
    assert _customers(demo_database) == before + 1


async def test_assignment_key_only_for_leads(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)  # 王芳 is an agent
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        assert screen.check_action("assign", ()) is False
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        assert screen.check_action("assign", ()) is True
        await pilot.press("a")
        await settle(pilot)


async def test_edit_conflict_is_shown_and_typing_kept(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormModal)
        detail = app.screen.detail
        assert detail is not None
        with UnitOfWork(demo_database) as uow:  # another desk saves first
            uow.session.get_one(m.Customer, detail.id).address = "别人改的地址"
            uow.commit()
        app.screen.query_one("#f-address", Input).value = "我改的地址"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)  # both versions, side by side
        assert "别人改的地址" in screen_text(app) and "我改的地址" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormModal)
        assert "别人在你打开后保存了这份资料" in _text(app, "#form-status")
        assert app.screen.query_one("#f-address", Input).value == "我改的地址"
    with UnitOfWork(demo_database) as uow:
        assert uow.session.get_one(m.Customer, detail.id).address == "别人改的地址"


async def test_contacts_form_adds_a_contact(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("c")
        await settle(pilot)
        from deskui.screens.profiles import ContactFormModal

        assert isinstance(app.screen, ContactFormModal)
        customer_id = app.screen.detail.id
        before = len(app.screen.detail.contacts)
        app.screen.query_one("#which").value = "-1"  # the new-contact slot
        await settle(pilot)
        app.screen.query_one("#f-contact", Input).value = "新同事"
        app.screen.query_one("#f-contact_phone", Input).value = "13700001111"
        app.screen.query_one("#f-birthday", Input).value = "1990年2月3日"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
    with UnitOfWork(demo_database) as uow:
        detail = uow.profiles.customer_detail(customer_id)
    assert detail is not None and len(detail.contacts) == before + 1
    assert detail.contacts[-1].name == "新同事"


async def test_a_department_member_sees_masked_phones_and_files_nothing(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 16: 陈静, made a department member (a role the site masks by default), sees
    138****5678 on the list, and the keys to file or import customers are not offered."""
    with UnitOfWork(demo_database) as uow:
        department = uow.session.scalars(select(m.Department.id).order_by(m.Department.id)).first()
        agent = uow.session.scalars(select(m.Agent).where(m.Agent.name == "陈静")).one()
        agent.role, agent.department_id = "department", department
        uow.commit()
    app = make_app(make_settings(demo_database, agent="陈静"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        assert app.actor is not None and app.actor.role == "department", app.actor
        work_list = app.screen.query_one("#customers", WorkList)
        phones = [row.phone_e164 for row in (work_list.row_at(i) for i in range(5)) if row]
        assert phones and all("***" in p for p in phones if p)
        assert "010****6666" in phones  # Beijing's landline read with its trunk 0
        text = screen_text(app)
        assert "****" in text
        before = _customers(demo_database)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)  # no customer form for her
        assert _customers(demo_database) == before
        assert not app.screen.check_action("new_customer", ())
        assert not app.screen.check_action("import", ())
        assert not app.screen.check_action("contacts", ())
        assert "回车编辑" not in text, text  # the hint offers no editing either
        await pilot.press("enter")  # Enter on a customer: the detail, and why no form
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        assert "您的角色只能查看客户资料，不能修改" in [str(n.message) for n in app._notifications]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)


async def test_editing_a_customer_a_colleague_has_open_names_the_colleague(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 16: 李娜's desk shows a customer; 王芳 opens the same customer's form (Enter on
    the list) and her desk names 李娜 before either saves."""
    from deskui.services.actor import Actor
    from deskui.services.presence import here

    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        row = screen.query_one("#customers", WorkList).cursor_row
        assert row is not None
        with UnitOfWork(demo_database) as uow:
            li_na = uow.session.scalars(select(m.Agent).where(m.Agent.name == "李娜")).one()
            here(uow, Actor(li_na.id, li_na.name, li_na.role), f"customer:{row.id}", clock.now())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormModal)
        assert app._presence_subject() == f"customer:{row.id}"
        app.report_presence()  # what the tick does every few seconds
        await settle(pilot)
        notices = [str(n.message) for n in app._notifications]
        assert any(n.startswith("李娜 也打开了这条记录") for n in notices), notices


async def test_a_changed_phone_shows_on_the_customers_history_old_to_new(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 16: Enter, the phone typed anew, Ctrl+S; then `h` lists the change: when (local),
    who, 公司电话: old → new."""
    from deskui.domain.phone import format_display
    from deskui.screens.history import HistoryModal

    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        first = app.screen.query_one("#customers", WorkList).row_at(0)
        assert first is not None and first.phone_e164
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormModal)
        phone = app.screen.query_one("#f-phone", Input)
        phone.focus()
        await pilot.press("end", *["backspace"] * len(phone.value), *"02155550202", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen), screen_text(app)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryModal)
        text = screen_text(app)
        old, new = format_display(first.phone_e164), format_display("+862155550202")
        assert f"公司电话: {old} → {new}" in text, text
        local = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
        line = next(line for line in text.splitlines() if "修改" in line)
        assert local in line and "王芳" in line
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
