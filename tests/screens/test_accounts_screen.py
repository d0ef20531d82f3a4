"""The lead's accounts screen (issue 16): add an account with its password, give it a
one-time password, disable it; an agent is refused, told why, and the refusal audited."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import OptionList, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.accounts import AccountFormModal, AccountsModal
from deskui.services.accounts import SignIn, sign_in
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.team_desk import add_team


def _lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    options = app.screen.query_one("#account-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_a_lead_adds_resets_and_disables_an_account(
    empty_database: Database, clock: FixedClock
) -> None:
    add_team(empty_database, clock)
    settings = replace(make_settings(empty_database, agent="张伟"), agent_password="lead-pass-1")
    app = make_app(settings, clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.agent is not None and app.agent.name == "张伟"
        app.push_screen(AccountsModal())
        await settle(pilot)
        assert _lines(app)[2].startswith("王芳  ·  客服专员  ·  在用")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AccountFormModal)
        await pilot.press(*"李娜", "tab", "tab", "tab", *"new-pass-1", "enter")
        await pilot.press(*"new-pass-1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountsModal)
        assert any(line.startswith("李娜  ·  客服专员  ·  在用") for line in _lines(app))
        await pilot.press("end", "r")
        await settle(pilot)
        status = str(app.screen.query_one("#account-status", Static).render())
        assert status.startswith("李娜 的一次性密码：")
        once = status.split("：", 1)[1].split("（")[0]
        await pilot.press("d")
        await settle(pilot)
        assert "李娜  ·  客服专员  ·  停用  ·  密码 一次性" in _lines(app)
        await pilot.press("l")  # the account's history: what 张伟 did to it, newest first
        await settle(pilot)
        from deskui.screens.history import HistoryModal

        assert isinstance(app.screen, HistoryModal)
        text = screen_text(app)
        assert "账号变更记录：李娜" in text
        lines = [line for line in text.splitlines() if "张伟" in line]
        assert [w for w in ("停用账号", "重置密码", "新增账号") for line in lines if w in line] == [
            "停用账号", "重置密码", "新增账号"
        ], text  # fmt: skip
        assert "在用: 是 → 否" in text and "角色: — → 客服专员" in text
        assert "new-pass-1" not in text
    with UnitOfWork(empty_database) as uow:
        try:
            sign_in(uow, None, SignIn("李娜", once), clock.now())
            raise AssertionError("a disabled account signed in")
        except Exception as error:
            assert getattr(error, "outcome", "") == "disabled"


async def test_a_department_member_is_added_by_the_departments_name_not_its_code(
    empty_database: Database, clock: FixedClock
) -> None:
    """The form asked for 部门代码 … 如 technical: an internal code on a zh-CN screen. Now
    the departments are a pick list of their names, and the code is what is stored."""
    from textual.widgets import Select

    add_team(empty_database, clock)
    settings = replace(make_settings(empty_database, agent="张伟"), agent_password="lead-pass-1")
    app = make_app(settings, clock, empty_database)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccountsModal())
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AccountFormModal)
        assert "technical" not in screen_text(app) and "部门（部门成员必选）" in screen_text(app)
        form.query_one("#account-role", Select).value = "department"
        department = form.query_one("#account-department", Select)
        with UnitOfWork(empty_database) as uow:
            codes = [code for code, _, _ in uow.tickets.departments()]
        await pilot.press(*"周强", "tab", "tab", "enter")  # the department's list opens
        await pilot.press(*["down"] * (codes.index("technical") + 1), "enter")  # below 无
        await settle(pilot)
        assert department.value == "technical"
        await pilot.press("tab", *"new-pass-1", "enter", *"new-pass-1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountsModal)
        assert any(line.startswith("周强  ·  部门人员  技术部") for line in _lines(app))


async def test_an_agent_is_refused_told_why_and_the_refusal_is_audited(
    empty_database: Database, clock: FixedClock
) -> None:
    add_team(empty_database, clock)
    settings = replace(make_settings(empty_database, agent="王芳"), agent_password="agent-pass1")
    app = make_app(settings, clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "账号管理" not in titles and "修改我的密码" in titles
        app.push_screen(AccountsModal())
        await settle(pilot)
        status = str(app.screen.query_one("#account-status", Static).render())
        assert status == "您的角色（客服专员）不能管理账号；已记录"
    with UnitOfWork(empty_database) as uow:
        denied = [(e.agent_name, e.subject) for e in uow.audit.search(action="denied")]
    assert denied == [("王芳", "manage_accounts")]
