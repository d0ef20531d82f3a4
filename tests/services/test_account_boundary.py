"""The accounts' trust boundary (issue 23) on SQLite and PostgreSQL: the permission table
decides who manages whom in every account service, every refusal is audited, a one-time
password is changed before anything else, the lock cannot be raced, a disabled account's
wrong password sounds like any other, and a demo person signs in without a password only in
a process started with --demo."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.demo import seed_demo
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.permissions import Action
from deskui.services import accounts
from deskui.services.accounts import (
    AccountRefused,
    AddAgent,
    DemoSignIn,
    SetRole,
    SignIn,
    SignInRefused,
)
from deskui.services.actor import Actor, Denied, require
from tests.conftest import FIXED_NOW

PASSWORDS = {"刘洋": "manager-pass", "张伟": "lead-pass-1", "王芳": "agent-pass1"}


def _team(database: Database) -> dict[str, Actor]:
    with UnitOfWork(database) as uow:
        manager = accounts.add_agent(
            uow, None, AddAgent("刘洋", "manager", PASSWORDS["刘洋"]), FIXED_NOW
        )
    team = {"刘洋": manager}
    for name, role in (("张伟", "lead"), ("王芳", "agent")):
        with UnitOfWork(database) as uow:
            team[name] = accounts.add_agent(
                uow, manager, AddAgent(name, role, PASSWORDS[name]), FIXED_NOW
            )
    return team


def _sign_in(database: Database, name: str, password: str, minutes: int = 0):  # type: ignore[no-untyped-def]
    with UnitOfWork(database) as uow:
        return accounts.sign_in(
            uow, None, SignIn(name, password), FIXED_NOW + timedelta(minutes=minutes)
        )


def _refused(database: Database, service, actor, command) -> str:  # type: ignore[no-untyped-def]
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused) as refused:
        service(uow, actor, command, FIXED_NOW)
    return refused.value.key


def _denied_lines(database: Database) -> list[tuple[str, str, str, str]]:
    with UnitOfWork(database) as uow:
        lines = uow.audit.search(action="denied")
    return sorted(
        (e.agent_name, e.subject, str(e.detail.get("account")), str(e.detail.get("reason")))
        for e in lines
    )


def test_a_lead_cannot_take_over_the_manager_and_every_refusal_is_audited(
    database: Database,
) -> None:
    """The finding: 张伟 (a lead) reset 刘洋's (the manager's) password, made himself a
    manager and could disable the only manager. Each is refused, audited, and changes
    nothing; what a lead may do still works."""
    team = _team(database)
    lead, agent = team["张伟"], team["王芳"]
    assert _refused(database, accounts.reset_password, lead, "刘洋") == (
        "account.refused.only_manager"
    )
    assert _refused(database, accounts.set_active, lead, ("刘洋", False)) == (
        "account.refused.only_manager"
    )
    assert _refused(database, accounts.set_role, lead, SetRole("张伟", "manager")) == (
        "account.refused.own"
    )
    assert _refused(database, accounts.set_role, lead, SetRole("王芳", "lead")) == (
        "account.refused.give_role"
    )
    assert _refused(database, accounts.reset_password, lead, "张伟") == "account.refused.own"
    assert _refused(
        database, accounts.add_agent, lead, AddAgent("钱", "manager", "pass-word1")
    ) == ("account.refused.give_role")
    # a role without MANAGE_ACCOUNTS is refused by the service itself, and audited too
    assert _refused(database, accounts.reset_password, agent, "张伟") == "account.refused.role"
    assert _refused(database, accounts.set_active, agent, ("王芳", False)) == (
        "account.refused.role"
    )
    # and a name that is no account: refused, audited, never a traceback
    assert _refused(database, accounts.reset_password, lead, "没有\x1b[2J这个人") == (
        "account.error.unknown"
    )
    assert _denied_lines(database) == sorted(
        [
            ("张伟", "reset_password", "刘洋", "account.refused.only_manager"),
            ("张伟", "disable_account", "刘洋", "account.refused.only_manager"),
            ("张伟", "set_role", "张伟", "account.refused.own"),
            ("张伟", "set_role", "王芳", "account.refused.give_role"),
            ("张伟", "reset_password", "张伟", "account.refused.own"),
            ("张伟", "add_account", "钱", "account.refused.give_role"),
            ("王芳", "reset_password", "张伟", "account.refused.role"),
            ("王芳", "disable_account", "王芳", "account.refused.role"),
            ("张伟", "reset_password", "没有\x1b[2J这个人", "account.error.unknown"),
        ]
    )
    with UnitOfWork(database) as uow:
        manager = uow.accounts.account("刘洋")
        lead_now = uow.accounts.account("张伟")
        assert manager is not None and manager.active and not manager.must_change_password
        assert lead_now is not None and lead_now.role == "lead"
        assert uow.accounts.account("钱") is None
    assert _sign_in(database, "刘洋", PASSWORDS["刘洋"]).actor.role == "manager"
    with UnitOfWork(database) as uow:  # what a lead manages
        once = accounts.reset_password(uow, lead, "王芳", FIXED_NOW)
    assert _sign_in(database, "王芳", once).must_change_password
    with UnitOfWork(database) as uow:
        accounts.set_role(uow, lead, SetRole("王芳", "department", "technical"), FIXED_NOW)


def test_a_lead_demoted_since_signing_in_manages_nothing_more(database: Database) -> None:
    """The table asks about the actor as the database has them now, not as they signed in."""
    team = _team(database)
    with UnitOfWork(database) as uow:
        accounts.set_role(uow, team["刘洋"], SetRole("张伟", "agent"), FIXED_NOW)
    assert _refused(database, accounts.reset_password, team["张伟"], "王芳") == (
        "account.refused.role"
    )
    with UnitOfWork(database) as uow:
        accounts.set_active(uow, team["刘洋"], ("张伟", False), FIXED_NOW)
    stale_lead = Actor(team["张伟"].id, "张伟", "lead")
    assert _refused(database, accounts.set_active, stale_lead, ("王芳", False)) == (
        "account.refused.role"
    )


def test_two_managers_disabling_each_other_at_once_leave_one_enabled(
    database: Database,
) -> None:
    """The last enabled manager cannot be disabled, even by a race: the managers' rows are
    locked (PostgreSQL) and the count checked again after the write (SQLite)."""
    team = _team(database)
    with UnitOfWork(database) as uow:
        second = accounts.add_agent(
            uow, team["刘洋"], AddAgent("陈静", "manager", "second-pass"), FIXED_NOW
        )
    first = team["刘洋"]
    start = threading.Barrier(2)

    def disable(actor: Actor, name: str) -> str:
        start.wait()
        try:
            with UnitOfWork(database) as uow:
                accounts.set_active(uow, actor, (name, False), FIXED_NOW)
        except AccountRefused as error:
            return error.key
        return "ok"

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(disable, [first, second], ["陈静", "刘洋"]))
    assert results.count("ok") == 1, results
    assert next(r for r in results if r != "ok") in (
        "account.refused.last_manager",
        "account.refused.role",  # the other one was disabled before it was asked
    )
    with UnitOfWork(database) as uow:
        assert uow.accounts.enabled_managers() == 1
    assert len(_denied_lines(database)) == 1


def test_a_one_time_password_allows_nothing_but_changing_it(database: Database) -> None:
    team = _team(database)
    with UnitOfWork(database) as uow:
        once = accounts.reset_password(uow, team["刘洋"], "张伟", FIXED_NOW)
    signed = _sign_in(database, "张伟", once)
    assert signed.must_change_password and signed.actor.must_change_password
    for action in Action:  # any service's require(), whatever the role's table says
        with pytest.raises(Denied) as denied:
            require(signed.actor, action)
        assert denied.value.key == "account.error.change_password_first"
    assert not signed.actor.may(Action.WORK_OWN)
    assert _refused(database, accounts.reset_password, signed.actor, "王芳") == (
        "account.error.change_password_first"
    )
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        accounts.accounts(uow, signed.actor, None, FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused) as refused:
        accounts.change_password(uow, signed.actor, once, FIXED_NOW)
    assert refused.value.key == "account.error.password_same"
    with UnitOfWork(database) as uow:
        accounts.change_password(uow, signed.actor, "lead-own-pass", FIXED_NOW)
    again = _sign_in(database, "张伟", "lead-own-pass")
    assert not again.must_change_password and again.actor.may(Action.MANAGE_ACCOUNTS)
    with UnitOfWork(database) as uow:
        (line,) = [e for e in uow.audit.search(person="张伟", action="sign_in")][-1:]
    assert line.detail.get("must_change_password") is True  # the one-time sign-in, audited


def test_a_disabled_accounts_wrong_password_sounds_like_any_wrong_password(
    database: Database,
) -> None:
    team = _team(database)
    with UnitOfWork(database) as uow:
        accounts.set_active(uow, team["刘洋"], ("王芳", False), FIXED_NOW)
    answers = []
    for name in ("王芳", "张伟", "没有这个人"):
        with pytest.raises(SignInRefused) as refused:
            _sign_in(database, name, "not-the-password")
        answers.append((refused.value.outcome, refused.value.key))
    assert answers == [("wrong", "signin.refused.wrong")] * 3
    with pytest.raises(SignInRefused) as refused:
        _sign_in(database, "王芳", PASSWORDS["王芳"])
    assert refused.value.outcome == "disabled"  # told only to whoever knows the password
    for attempt in range(4):  # and it locks as any account does
        with pytest.raises(SignInRefused) as refused:
            _sign_in(database, "王芳", "not-the-password", attempt)
    assert refused.value.outcome == "locked"


def test_thirty_concurrent_wrong_passwords_lock_after_exactly_five(database: Database) -> None:
    """Three waves of ten wrong passwords at once (each its own unit of work) lock the
    account at the fifth failure; all thirty are audited (issue 23: `failed_signins=3` and
    never locked, when the count was read and written back)."""
    with UnitOfWork(database) as uow:  # one account: a hash costs some 60 ms
        accounts.add_agent(uow, None, AddAgent("王芳", "manager", PASSWORDS["王芳"]), FIXED_NOW)
    outcomes: list[str] = []

    def attempt(gate: threading.Barrier) -> str:
        gate.wait()
        try:
            _sign_in(database, "王芳", "guess-guess")
        except SignInRefused as error:
            return error.outcome
        return "ok"

    for _wave in range(3):
        gate = threading.Barrier(10)
        with ThreadPoolExecutor(10) as pool:
            outcomes += list(pool.map(attempt, [gate] * 10))
    assert len(outcomes) == 30 and "ok" not in outcomes
    assert outcomes.count("wrong") == 4 and outcomes.count("locked") == 26
    with UnitOfWork(database) as uow:
        lines = uow.audit.search(person="王芳")
        (locked_until,) = uow.session.scalars(
            select(m.Agent.locked_until).where(m.Agent.name == "王芳")
        ).all()
    sign_ins = [e.outcome for e in lines if e.action == "sign_in"]
    assert len(sign_ins) == 30
    assert sign_ins.count("wrong") == 5 and sign_ins.count("locked") == 25
    assert [e.action for e in lines].count("lock") == 1
    assert locked_until == FIXED_NOW + timedelta(minutes=15)
    with pytest.raises(SignInRefused) as refused:  # the right password waits for the lock
        _sign_in(database, "王芳", PASSWORDS["王芳"], 14)
    assert refused.value.outcome == "locked"
    assert _sign_in(database, "王芳", PASSWORDS["王芳"], 15).actor.name == "王芳"


def test_a_demo_person_signs_in_without_a_password_only_in_a_demo_process(
    database: Database,
) -> None:
    with UnitOfWork(database) as uow:
        seed_demo(uow, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow, pytest.raises(SignInRefused):
        accounts.demo_sign_in(uow, None, DemoSignIn("刘洋", False, entry="app"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        signed = accounts.demo_sign_in(uow, None, DemoSignIn("刘洋", True, entry="app"), FIXED_NOW)
    with UnitOfWork(database) as uow:  # the demo manager is given a password ...
        accounts.reset_password(uow, signed.actor, "王芳", FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(SignInRefused):  # ... and needs it
        accounts.demo_sign_in(uow, None, DemoSignIn("王芳", True), FIXED_NOW)
    with UnitOfWork(database) as uow:
        lines = [(e.outcome, e.detail.get("reason")) for e in uow.audit.search(action="sign_in")]
    assert sorted(lines, key=str) == sorted(
        [
            ("demo_refused", "not_demo_process"),
            ("demo", None),
            ("demo_refused", "password_needed"),
        ],
        key=str,
    )
    with pytest.raises(SignInRefused) as refused:  # and no password signs a demo person in
        _sign_in(database, "张伟", "")
    assert refused.value.outcome == "no_password"


def test_the_first_manager_form_only_on_a_desks_own_file(database: Database) -> None:
    with UnitOfWork(database) as uow:
        assert accounts.first_manager_form(uow, team_database=False)
        assert not accounts.first_manager_form(uow, team_database=True)
        seed_demo(uow, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:  # a demo's database: the host makes the manager
        assert accounts.needs_first_manager(uow)
        assert not accounts.first_manager_form(uow, team_database=False)
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused) as refused:
        # a demo person's name is not claimed as the first manager
        accounts.add_agent(uow, None, AddAgent("刘洋", "manager", "manager-pass"), FIXED_NOW)
    assert refused.value.key == "account.error.exists"


HOSTILE_NAMES = ["\x1b[2J王芳", "李\u202e娜", "a\x9bb", "张\u200b伟", " ", "x" * 81]


def test_a_hostile_name_is_no_account(database: Database) -> None:
    """Escape sequences, C1 controls, bidi overrides and zero-width characters never become
    an account's name (it is shown on every list and in the audit); each try is audited."""
    team = _team(database)
    for name in HOSTILE_NAMES:
        command = AddAgent(name, "agent", "hostile-pass")
        key = _refused(database, accounts.add_agent, team["刘洋"], command)
        assert key == "account.error.bad_name", repr(name)
    assert _denied_lines(database) == sorted(
        ("刘洋", "add_account", name.strip()[:80], "account.error.bad_name")
        for name in HOSTILE_NAMES
    )


def test_a_sign_in_name_holding_nul_is_refused_and_audited(database: Database) -> None:
    """A name with a NUL byte (a browser form or the phone bridge can send one) is no account:
    refused as any wrong name, on PostgreSQL too (whose text holds no NUL: the driver's error
    reached the caller and the try went unaudited), and the audit keeps it visibly."""
    _team(database)
    for name in ("刘\x00洋", "刘洋\x00"):
        with UnitOfWork(database) as uow, pytest.raises(SignInRefused) as refused:
            accounts.sign_in(uow, None, SignIn(name, "manager-pass", client="1.2\x00"), FIXED_NOW)
        assert refused.value.outcome == "wrong"
        with UnitOfWork(database) as uow, pytest.raises(SignInRefused):
            accounts.demo_sign_in(uow, None, DemoSignIn(name, demo_process=True), FIXED_NOW)
    with UnitOfWork(database) as uow:
        lines = [(e.agent_name, e.outcome) for e in uow.audit.search(action="sign_in")]
    tries = [line for line in lines if line[1] in ("wrong", "demo_refused")]
    seen = ("刘\ufffd洋", "刘洋\ufffd")
    assert sorted(tries) == sorted((n, o) for n in seen for o in ("wrong", "demo_refused"))


class _Desk:
    """What the runner takes of a desk: its signed-in actor, clock and units of work."""

    def __init__(self, database: Database, actor: Actor) -> None:
        from deskui.domain.clock import FixedClock

        self.database = database
        self.actor = actor
        self.clock = FixedClock(FIXED_NOW)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.database)


def test_a_desk_signed_in_before_a_demotion_a_disable_or_a_reset_does_no_more(
    database: Database,
) -> None:
    """Every service a desk runs is asked about the agent as the database has them now, not
    as they signed in hours ago (issue 23): a lead demoted to agent while the desk is open
    reassigns nothing more, an account disabled or reset while signed in does nothing."""
    from deskui.screens.runner import call_service
    from deskui.services.complaints import ComplaintsOf, complaint_count
    from deskui.services.tickets import ReassignTicket, reassign_ticket

    team = _team(database)
    manager = team["刘洋"]
    lead_desk = _Desk(database, Actor(team["张伟"].id, "张伟", "lead"))
    agent_desk = _Desk(database, Actor(team["王芳"].id, "王芳", "agent"))
    assert call_service(agent_desk, complaint_count, ComplaintsOf()) == 0
    with UnitOfWork(database) as uow:
        accounts.set_role(uow, manager, SetRole("张伟", "agent"), FIXED_NOW)
    with pytest.raises(Denied) as denied:
        call_service(lead_desk, reassign_ticket, ReassignTicket(1, team["王芳"].id, 0))
    assert denied.value.action == Action.REASSIGN and denied.value.role == "agent"
    with UnitOfWork(database) as uow:
        accounts.set_active(uow, manager, ("王芳", False), FIXED_NOW)
    with pytest.raises(Denied):
        call_service(agent_desk, complaint_count, ComplaintsOf())
    with UnitOfWork(database) as uow:
        accounts.set_active(uow, manager, ("王芳", True), FIXED_NOW)
        accounts.reset_password(uow, manager, "王芳", FIXED_NOW)
    with pytest.raises(Denied) as denied:
        call_service(agent_desk, complaint_count, ComplaintsOf())
    assert denied.value.key == "account.error.change_password_first"


def test_a_name_differing_only_by_case_width_or_compatibility_form_is_taken(
    database: Database,
) -> None:
    """A lead adding `ＬＩ ＮＡ` or `li na` next to `Li Na` made a second account that lists,
    audits and signs in looking like the first: a name equal to another's under NFKC and
    case folding is refused as taken, and the try audited."""
    team = _team(database)
    with UnitOfWork(database) as uow:
        accounts.add_agent(uow, team["刘洋"], AddAgent("Li Na", "agent", "li-na-pass-1"), FIXED_NOW)
    for name in ("ＬＩ ＮＡ", "li na", "LI  NA"):
        command = AddAgent(name, "agent", "hostile-pass")
        assert _refused(database, accounts.add_agent, team["张伟"], command) == (
            "account.error.exists"
        ), repr(name)
    assert [line[2] for line in _denied_lines(database)] == sorted(("ＬＩ ＮＡ", "li na", "LI  NA"))
