"""The desk's sign-in as an attacker tries it (issue 23): a demo's database opened without
--demo asks every account for its password; the demo's people sign in without one only in a
--demo process, audited; a team's database with no manager yet says to make one on the
host; a one-time password is changed before the desk opens, even behind the idle lock; the
accounts screen offers a lead only what the permission table allows."""

from __future__ import annotations

import time
from dataclasses import replace

from textual.widgets import Input, OptionList, Select, Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.accounts import AccountFormModal, AccountsModal
from deskui.screens.agent_pick import AgentPickModal
from deskui.screens.desk import DeskScreen
from deskui.screens.sign_in import Mode, SignInScreen
from deskui.services import accounts
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.team_desk import PASSWORDS, add_team


def _error(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#sign-in-error", Static).render())


async def test_a_demo_database_opened_without_demo_asks_every_account_for_its_password(
    demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:
        names = [a.name for a in uow.accounts.accounts()]
    settings = make_settings(demo_database, agent=None, demo=False)
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.mode is Mode.SIGN_IN
        assert not any(isinstance(s, AgentPickModal) for s in app.screen_stack)
        assert "无需密码" not in screen_text(app)
        assert "deskui agent add" in screen_text(app)  # the host makes the first manager
        for name in names:
            app.screen.query_one("#sign-in-name", Input).value = name
            app.screen.query_one("#sign-in-password", Input).focus()
            await pilot.press(*"any-guess-1", "enter")
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen) and app.agent is None, name
            assert _error(app) == "此账号还没有密码，请组长用“重置密码”给您一个一次性密码"
    # --agent names a demo person: still the password
    app = make_app(make_settings(demo_database, agent="刘洋", demo=False), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.agent is None
        assert app.screen.query_one("#sign-in-name", Input).value == "刘洋"
    with UnitOfWork(demo_database) as uow:
        outcomes = [e.outcome for e in uow.audit.search(action="sign_in")]
    assert outcomes == ["no_password"] * len(names)


async def test_in_a_demo_process_the_pick_list_signs_in_audited_and_a_password_holds(
    demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:  # the demo's manager gives 王芳 a password
        manager = accounts.demo_sign_in(uow, None, accounts.DemoSignIn("刘洋", True), clock.now())
    with UnitOfWork(demo_database) as uow:
        once = accounts.reset_password(uow, manager.actor, "王芳", clock.now())
    app = make_app(make_settings(demo_database, agent=None), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgentPickModal)
        listed = screen_text(app)
        assert "李娜" in listed and "王芳" not in listed  # a password always needs it
        options = app.screen.query_one("#agents", OptionList)
        at = next(
            i
            for i in range(options.option_count)
            if "李娜" in str(options.get_option_at_index(i).prompt)
        )
        options.highlighted = at
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen) and app.agent is not None
        assert app.agent.name == "李娜"
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.agent is None
        await pilot.press(*once, "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.mode is Mode.CHANGE
    with UnitOfWork(demo_database) as uow:
        lines = [(e.agent_name, e.outcome) for e in uow.audit.search(action="sign_in")]
    assert ("李娜", "demo") in lines and ("王芳", "ok") in lines


async def test_a_database_without_a_password_offers_the_first_manager_only_on_its_own_file(
    database: Database, clock: FixedClock
) -> None:
    """SQLite, the person's own file: the first start makes the manager. PostgreSQL, a
    team's: the screen says to run `deskui agent add NAME --role manager` on the host."""
    app = make_app(make_settings(database, agent=None), clock, database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        if database.is_sqlite:
            assert app.screen.mode is Mode.FIRST_MANAGER
        else:
            assert app.screen.mode is Mode.SIGN_IN
            assert "deskui agent add" in screen_text(app) and "首次使用" not in screen_text(app)
            await pilot.press(*"刘洋", "enter", *"secret-123", "enter")
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen) and app.agent is None
            assert _error(app) == "姓名或密码不对"
    with UnitOfWork(database) as uow:
        assert uow.accounts.accounts() == []


async def test_a_one_time_password_behind_the_idle_lock_is_changed_before_the_desk_opens(
    empty_database: Database, clock: FixedClock
) -> None:
    add_team(empty_database, clock)
    settings = replace(
        make_settings(empty_database, agent="王芳"), agent_password=PASSWORDS["王芳"]
    )
    app = make_app(settings, clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.agent is not None
        with UnitOfWork(empty_database) as uow:  # the lead resets it while the desk is open
            lead = accounts.sign_in(
                uow, None, accounts.SignIn("张伟", PASSWORDS["张伟"]), clock.now()
            )
        with UnitOfWork(empty_database) as uow:
            once = accounts.reset_password(uow, lead.actor, "王芳", clock.now())
        app._last_input = time.monotonic() - 60 * 60
        app._tick()
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.mode is Mode.UNLOCK
        await pilot.press(*once, "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.mode is Mode.CHANGE
        await pilot.press("escape")  # still locked: no way round the new password
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.is_running
        await pilot.press(*"wang-own-1", "enter", *"wang-own-1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    with UnitOfWork(empty_database) as uow:
        account = uow.accounts.account("王芳")
    assert account is not None and not account.must_change_password


async def test_the_accounts_screen_offers_a_lead_only_what_the_table_allows(
    empty_database: Database, clock: FixedClock
) -> None:
    add_team(empty_database, clock)
    settings = replace(make_settings(empty_database, agent="张伟"), agent_password="lead-pass-1")
    app = make_app(settings, clock, empty_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(AccountsModal())
        await settle(pilot)
        offer = str(app.screen.query_one("#account-offer", Static).render())
        assert offer.startswith("组长只能管理客服专员和部门成员的账号")  # 刘洋, the manager
        await pilot.press("r")
        await settle(pilot)
        status = str(app.screen.query_one("#account-status", Static).render())
        assert status.startswith("组长只能管理") and "一次性密码：" not in status
        await pilot.press("down")  # 张伟 himself
        await settle(pilot)
        assert str(app.screen.query_one("#account-offer", Static).render()).startswith("不能对自己")
        await pilot.press("down")  # 王芳, an agent: everything offered
        await settle(pilot)
        assert str(app.screen.query_one("#account-offer", Static).render()) == ""
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AccountFormModal)
        roles = app.screen.query_one("#account-role", Select)
        assert [value for _label, value in roles._options] == ["agent", "department"]
    with UnitOfWork(empty_database) as uow:
        manager = uow.accounts.account("刘洋")
        denied = [(e.agent_name, e.subject) for e in uow.audit.search(action="denied")]
    assert manager is not None and not manager.must_change_password
    assert denied == [("张伟", "reset_password")]  # the key pressed anyway: refused, audited
