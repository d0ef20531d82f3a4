"""Accounts and sign-in (issue 16) on SQLite and PostgreSQL: the first manager, argon2id
hashes only, five wrong passwords lock (audited), one-time passwords, disabled accounts,
demo people, and the permission table the services check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.accounts import masked_phone
from deskui.domain.model import Role
from deskui.domain.permissions import Action, may
from deskui.services import accounts
from deskui.services.accounts import (
    AccountRefused,
    AddAgent,
    DemoSignIn,
    SignIn,
    SignInRefused,
)
from deskui.services.actor import Actor, Denied
from tests.conftest import FIXED_NOW

SECRET = "s3cret-pass"


def _first_manager(database: Database) -> Actor:
    with UnitOfWork(database) as uow:
        return accounts.add_agent(uow, None, AddAgent("刘洋", Role.MANAGER, SECRET), FIXED_NOW)


def _sign_in(database: Database, name: str, password: str, minutes: int = 0):  # type: ignore[no-untyped-def]
    with UnitOfWork(database) as uow:
        return accounts.sign_in(
            uow, None, SignIn(name, password), FIXED_NOW + timedelta(minutes=minutes)
        )


def test_the_permission_table() -> None:
    assert may(Role.AGENT, Action.WORK_OWN) and not may(Role.AGENT, Action.MANAGE_ACCOUNTS)
    assert not may(Role.AGENT, Action.EXPORT_PERSONAL) and may(Role.AGENT, Action.EXPORT_RECORDS)
    assert may(Role.LEAD, Action.REASSIGN) and not may(Role.LEAD, Action.SEE_AUDIT)
    assert may(Role.MANAGER, Action.SEE_AUDIT) and not may(Role.DEPARTMENT, Action.SEE_TEAM)
    assert not may("visitor", Action.WORK_OWN)
    assert masked_phone("+8613812345678") == "138****5678"
    assert masked_phone("+862155550101") == "021****0101"
    assert masked_phone("+861088886666") == "010****6666"  # Beijing: a landline, not a mobile


def test_the_first_manager_needs_no_sign_in_and_the_second_account_does(
    database: Database,
) -> None:
    manager = _first_manager(database)
    assert manager.role == Role.MANAGER
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused) as refused:
        accounts.add_agent(uow, None, AddAgent("王芳", Role.AGENT, SECRET), FIXED_NOW)
    assert refused.value.key == "account.error.sign_in_first"
    with UnitOfWork(database) as uow:
        accounts.add_agent(uow, manager, AddAgent("张伟", Role.LEAD, SECRET), FIXED_NOW)
    lead = _sign_in(database, "张伟", SECRET).actor
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused) as refused:
        accounts.add_agent(uow, lead, AddAgent("钱", Role.MANAGER, SECRET), FIXED_NOW)
    assert refused.value.key == "account.refused.give_role"
    with UnitOfWork(database) as uow:
        agent = accounts.add_agent(uow, lead, AddAgent("王芳", Role.AGENT, SECRET), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused) as refused:
        accounts.add_agent(uow, agent, AddAgent("李娜", Role.AGENT, SECRET), FIXED_NOW)
    assert refused.value.key == "account.refused.role"
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused) as refused:
        accounts.add_agent(uow, lead, AddAgent("李娜", Role.AGENT, "short"), FIXED_NOW)
    assert refused.value.key == "account.error.password_short"


@pytest.mark.real_hashes
def test_only_an_argon2id_hash_is_stored(database: Database) -> None:
    _first_manager(database)
    with pytest.raises(SignInRefused):
        _sign_in(database, "刘洋", "wrong-" + SECRET)
    with UnitOfWork(database) as uow:
        [stored] = uow.session.scalars(select(m.Agent.password_hash)).all()
        audit = [str(e.detail) + e.subject for e in uow.audit.search()]
    assert stored is not None and stored.startswith("$argon2id$") and SECRET not in stored
    assert not any(SECRET in line for line in audit)


def test_five_wrong_passwords_lock_the_account_and_the_audit_says_so(
    database: Database,
) -> None:
    _first_manager(database)
    for attempt in range(4):
        with pytest.raises(SignInRefused) as refused:
            _sign_in(database, "刘洋", "nope", attempt)
        assert refused.value.outcome == "wrong"
    with pytest.raises(SignInRefused) as refused:
        _sign_in(database, "刘洋", "nope", 4)
    assert refused.value.outcome == "locked" and refused.value.until is not None
    with pytest.raises(SignInRefused) as refused:  # the right password, still locked
        _sign_in(database, "刘洋", SECRET, 10)
    assert refused.value.outcome == "locked"
    assert _sign_in(database, "刘洋", SECRET, 4 + 15).actor.name == "刘洋"  # 15 min lock
    with UnitOfWork(database) as uow:
        outcomes = [(e.action, e.outcome) for e in uow.audit.search(person="刘洋")]
    assert outcomes.count(("sign_in", "wrong")) == 5 and ("lock", "ok") in outcomes
    assert ("sign_in", "locked") in outcomes and outcomes[0] == ("sign_in", "ok")


def test_unknown_names_fail_like_wrong_passwords_and_are_audited(database: Database) -> None:
    _first_manager(database)
    with pytest.raises(SignInRefused) as refused:
        _sign_in(database, "没有这个人", SECRET)
    assert refused.value.outcome == "wrong"
    with UnitOfWork(database) as uow:
        assert [e.outcome for e in uow.audit.search(person="没有这个人")] == ["wrong"]


def test_a_reset_gives_a_one_time_password_and_a_disabled_account_cannot_sign_in(
    database: Database,
) -> None:
    manager = _first_manager(database)
    with UnitOfWork(database) as uow:
        accounts.add_agent(uow, manager, AddAgent("王芳", Role.AGENT, SECRET), FIXED_NOW)
    with UnitOfWork(database) as uow:
        once = accounts.reset_password(uow, manager, "王芳", FIXED_NOW)
    with pytest.raises(SignInRefused):
        _sign_in(database, "王芳", SECRET)
    signed = _sign_in(database, "王芳", once)
    assert signed.must_change_password
    with UnitOfWork(database) as uow:
        accounts.change_password(uow, signed.actor, "my-own-pass", FIXED_NOW)
    assert not _sign_in(database, "王芳", "my-own-pass").must_change_password
    with UnitOfWork(database) as uow:
        accounts.set_active(uow, manager, ("王芳", False), FIXED_NOW)
    with pytest.raises(SignInRefused) as refused:
        _sign_in(database, "王芳", "my-own-pass")
    assert refused.value.outcome == "disabled"
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused):
        accounts.set_active(uow, manager, ("刘洋", False), FIXED_NOW)


def test_demo_people_sign_in_without_a_password_and_nobody_else_does(
    demo_database: Database, database: Database
) -> None:
    with UnitOfWork(demo_database) as uow:
        signed = accounts.demo_sign_in(uow, None, DemoSignIn("王芳", True), FIXED_NOW)
    assert signed.actor.name == "王芳"
    _first_manager(database)
    with UnitOfWork(database) as uow, pytest.raises(SignInRefused):
        accounts.demo_sign_in(uow, None, DemoSignIn("刘洋", True), FIXED_NOW)


def test_a_denial_is_audited_with_who_and_what(database: Database) -> None:
    """services/audit.record_denial: the line the runner writes when a service says Denied."""
    from deskui.services.audit import record_denial

    actor = _first_manager(database)
    with UnitOfWork(database) as uow:
        record_denial(uow, actor, Denied(Action.EDIT_SITE_SETTINGS, Role.AGENT), FIXED_NOW)
    with UnitOfWork(database) as uow:
        (line,) = uow.audit.search(action="denied")
    assert (line.agent_name, line.outcome) == ("刘洋", "denied")
    assert line.subject == str(Action.EDIT_SITE_SETTINGS)


@pytest.mark.real_hashes
def test_the_kept_dummy_hash_costs_what_a_real_check_costs() -> None:
    """An unknown name is checked against `_DUMMY`: same algorithm and costs as a real hash."""
    from argon2 import extract_parameters
    from argon2.low_level import Type

    from deskui.services.accounts import _DUMMY, _hasher

    kept = extract_parameters(_DUMMY)
    assert kept == extract_parameters(_hasher().hash("x"))
    assert kept.type is Type.ID
