"""Accounts and sign-in (issue 16): argon2id hashes, five wrong passwords lock, one-time
passwords after a reset, the first manager of an empty database, every step audited.

A password is never stored, logged or shown: only its argon2id hash reaches the database,
and the audit says what happened, never what was typed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from deskui.data.account_store import AccountRecord
from deskui.data.history import HistoryEntry, entry_changes
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.accounts import SignInOutcome, after_wrong_password, locked, password_problem
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Refusal
from deskui.services.actor import Actor, require

__all__ = [
    "AccountRecord",
    "AccountRefused",
    "AddAgent",
    "SetRole",
    "SignIn",
    "SignInRefused",
    "SignedIn",
    "accounts",
    "add_agent",
    "change_password",
    "demo_sign_in",
    "needs_first_manager",
    "reset_password",
    "set_active",
    "set_role",
    "sign_in",
]

_HASHER = PasswordHasher()  # argon2id with the library's recommended costs
_DUMMY = (
    "$argon2id$v=19$m=65536,t=3,p=4$qmhXHNZpjPkw6rup0hYHjw"
    "$qvORsch0WkmteDgwgSmqvmeuNTJMA3ChOHsY9fHlChQ"
)
"""Verified against for an unknown name, so a wrong name takes as long as a wrong password: a
hash made once with `_HASHER`'s costs and kept here (hashing it at import cost every start
some 300 ms on a 2-core host); tests/services/test_account_service.py checks the costs match."""


class SignInRefused(Refusal):
    """Sign-in failed; `outcome` is a SignInOutcome, `until` the end of a lock."""

    def __init__(self, outcome: str, until: datetime | None = None) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.until = until
        self.key = f"signin.refused.{outcome}"


class AccountRefused(Refusal):
    """An account command the rules refuse; `key` is the catalog line saying why."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class SignIn:
    name: str
    password: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    actor: Actor
    must_change_password: bool


@dataclass(frozen=True, slots=True)
class AddAgent:
    name: str
    role: str
    password: str
    department: str | None = None


def _as_actor(account: AccountRecord) -> Actor:
    return Actor(account.id, account.name, account.role, account.team, account.department_code)


def needs_first_manager(uow: UnitOfWork) -> bool:
    """No account can sign in with a password yet: the first start (or the first
    `deskui agent add`) creates the first manager without signing in."""
    return uow.accounts.count_with_password() == 0


def sign_in(uow: UnitOfWork, _actor: Actor | None, command: SignIn, now: datetime) -> SignedIn:
    """Check the name and password; audit the attempt; lock on the fifth wrong one in a row.
    Commits the failure count (and the audit) whatever the outcome."""
    found = uow.accounts.credentials(command.name)
    audit = uow.audit
    name = command.name.strip()
    if found is None or found.password_hash is None:
        _verify(_DUMMY, command.password)  # the same time as a real check
        outcome = SignInOutcome.WRONG if found is None else SignInOutcome.NO_PASSWORD
        audit.write(now, "sign_in", agent_name=name, outcome=outcome)
        uow.commit()
        raise SignInRefused(SignInOutcome.WRONG if found is None else outcome)
    account = found.account
    if not account.active:
        audit.write(now, "sign_in", agent_id=account.id, agent_name=name, outcome="disabled")
        uow.commit()
        raise SignInRefused(SignInOutcome.DISABLED)
    if locked(account.locked_until, now):
        audit.write(now, "sign_in", agent_id=account.id, agent_name=name, outcome="locked")
        uow.commit()
        raise SignInRefused(SignInOutcome.LOCKED, account.locked_until)
    if not _verify(found.password_hash, command.password):
        failed = after_wrong_password(found.failed_signins, now, uow.rules.signin_lock)
        uow.accounts.record_failure(account.id, failed.failed, failed.locked_until)
        audit.write(now, "sign_in", agent_id=account.id, agent_name=name, outcome="wrong")
        if failed.locked_until is not None:
            until = failed.locked_until.isoformat()
            old = account.locked_until.isoformat() if account.locked_until else None
            detail: dict[str, object] = {"until": until, "locked_until": [old, until]}
            audit.write(now, "lock", agent_id=account.id, agent_name=name, detail=detail)
        uow.commit()
        if failed.locked_until is not None:
            raise SignInRefused(SignInOutcome.LOCKED, failed.locked_until)
        raise SignInRefused(SignInOutcome.WRONG)
    uow.accounts.record_success(account.id)
    audit.write(now, "sign_in", agent_id=account.id, agent_name=name)
    uow.commit()
    return SignedIn(_as_actor(account), account.must_change_password)


def demo_sign_in(uow: UnitOfWork, _actor: Actor | None, name: str, now: datetime) -> SignedIn:
    """A demo person from the pick list: no password, and only for accounts --demo seeded."""
    account = uow.accounts.account(name)
    if account is None or not account.demo or not account.active:
        raise SignInRefused(SignInOutcome.WRONG)
    uow.audit.write(now, "sign_in", agent_id=account.id, agent_name=name, outcome="demo")
    uow.commit()
    return SignedIn(_as_actor(account), False)


def add_agent(uow: UnitOfWork, actor: Actor | None, command: AddAgent, now: datetime) -> Actor:
    """A new account with its password. Without a signed-in actor only the first manager of a
    database that has no password yet; else a lead or manager (a lead adds no manager)."""
    first = needs_first_manager(uow)
    if actor is None:
        if not first:
            raise AccountRefused("account.error.sign_in_first")
        if command.role != Role.MANAGER:
            raise AccountRefused("account.error.first_is_manager")
    else:
        require(actor, Action.MANAGE_ACCOUNTS)
        if command.role == Role.MANAGER and actor.role != Role.MANAGER:
            raise AccountRefused("account.error.only_manager_adds_manager")
    name = command.name.strip()
    if not name or len(name) > 80 or any(ch < " " for ch in name):
        raise AccountRefused("account.error.bad_name")
    if command.role not in {str(r) for r in Role}:
        raise AccountRefused("account.error.bad_role", roles=", ".join(Role))
    existing = uow.accounts.account(name)
    if existing is not None and not (first and actor is None and not existing.has_password):
        raise AccountRefused("account.error.exists", name=name)
    problem = password_problem(command.password, name)
    if problem:
        raise AccountRefused(problem)
    department_id = None
    if command.role == Role.DEPARTMENT:
        department_id = uow.accounts.department_id(command.department or "")
        if department_id is None:
            raise AccountRefused("account.error.department", code=command.department or "")
    hashed = _HASHER.hash(command.password)
    detail: dict[str, object]
    if existing is not None:  # an account from before sign-in claims its password
        uow.accounts.set_password(existing.id, hashed, now, must_change=False)
        account = uow.accounts.account(name)
        assert account is not None
        detail = {"role": account.role, "has_password": [False, True]}
    else:
        account = uow.accounts.add_account(
            name, command.role, hashed, now, department_id=department_id
        )
        detail = {"role": [None, account.role], "active": [None, True]}
        if account.department_code:
            detail["department"] = [None, account.department_code]
    by = actor.name if actor else ""
    uow.audit.write(
        now,
        "account_added",
        agent_id=actor.id if actor else account.id,
        agent_name=by or name,
        subject=name,
        detail=detail,
    )
    uow.commit()
    return _as_actor(account)


def accounts(uow: UnitOfWork, actor: Actor, _query: None, now: datetime) -> list[AccountRecord]:
    require(actor, Action.MANAGE_ACCOUNTS)
    return uow.accounts.accounts()


def set_active(uow: UnitOfWork, actor: Actor, command: tuple[str, bool], now: datetime) -> None:
    """Disable (or enable again) an account by name; nobody disables themselves."""
    require(actor, Action.MANAGE_ACCOUNTS)
    name, active = command
    account = _existing(uow, name)
    if account.id == actor.id:
        raise AccountRefused("account.error.not_yourself")
    uow.accounts.set_active(account.id, active, now)
    action = "account_enabled" if active else "account_disabled"
    detail = {"active": [account.active, active]}
    uow.audit.write(
        now, action, agent_id=actor.id, agent_name=actor.name, subject=name, detail=detail
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class SetRole:
    """Give an account another role (a department member's with its department)."""

    name: str
    role: str
    department: str | None = None


def set_role(uow: UnitOfWork, actor: Actor, command: SetRole, now: datetime) -> None:
    """A lead or manager changes an account's role; only a manager makes or unmakes a
    manager, and nobody changes their own. Audited as old -> new role (and department)."""
    require(actor, Action.MANAGE_ACCOUNTS)
    account = _existing(uow, command.name)
    if account.id == actor.id:
        raise AccountRefused("account.error.not_yourself_role")
    if command.role not in {str(r) for r in Role}:
        raise AccountRefused("account.error.bad_role", roles=", ".join(Role))
    if Role.MANAGER in (command.role, account.role) and actor.role != Role.MANAGER:
        raise AccountRefused("account.error.only_manager_adds_manager")
    department_id = None
    if command.role == Role.DEPARTMENT:
        department_id = uow.accounts.department_id(command.department or "")
        if department_id is None:
            raise AccountRefused("account.error.department", code=command.department or "")
    changed = uow.accounts.set_role(account.id, command.role, department_id, now)
    detail: dict[str, object] = {"role": [account.role, changed.role]}
    if account.department_code != changed.department_code:
        detail["department"] = [account.department_code, changed.department_code]
    uow.audit.write(
        now,
        "role_changed",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=account.name,
        detail=detail,
    )
    uow.commit()


def reset_password(uow: UnitOfWork, actor: Actor, name: str, now: datetime) -> str:
    """A one-time password for `name`, to be changed at the first sign-in; the lock goes."""
    require(actor, Action.MANAGE_ACCOUNTS)
    account = _existing(uow, name)
    once = secrets.token_urlsafe(9)
    uow.accounts.set_password(account.id, _HASHER.hash(once), now, must_change=True)
    detail: dict[str, object] = {"must_change_password": [account.must_change_password, True]}
    if account.locked_until is not None:  # the reset lifts a lock
        detail["locked_until"] = [account.locked_until.isoformat(), None]
    uow.audit.write(
        now,
        "password_reset",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=account.name,
        detail=detail,
    )
    uow.commit()
    return once


def change_password(uow: UnitOfWork, actor: Actor, new_password: str, now: datetime) -> None:
    """The signed-in agent's own new password (after a reset, or whenever they like)."""
    problem = password_problem(new_password, actor.name)
    if problem:
        raise AccountRefused(problem)
    before = uow.accounts.account(actor.name)
    uow.accounts.set_password(actor.id, _HASHER.hash(new_password), now, must_change=False)
    detail = {"must_change_password": [before.must_change_password, False]} if before else {}
    uow.audit.write(
        now, "password_changed", agent_id=actor.id, agent_name=actor.name, detail=detail
    )
    uow.commit()


def _existing(uow: UnitOfWork, name: str) -> AccountRecord:
    account = uow.accounts.account(name)
    if account is None:
        raise AccountRefused("account.error.unknown", name=name.strip())
    return account


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_ACCOUNT_FIELDS = {"role": "account_role", "department": "account_department"}
"""An account's fields named apart from a contact's (its role is 客服主管, not 负责人)."""


def account_history(uow: UnitOfWork, actor: Actor, name: str, now: datetime) -> list[HistoryEntry]:
    """Every change to one account, newest first (issue 16), from the audit: added, role
    changed old -> new, disabled or enabled, a reset, a password changed, a lock. Never a
    password; not every sign-in (the audit has those)."""
    require(actor, Action.MANAGE_ACCOUNTS)
    return [
        HistoryEntry(
            id=line.id,
            at=line.at,
            agent_name=line.agent_name,
            action=line.action,
            changes=tuple(
                (_ACCOUNT_FIELDS.get(field, field), old, new)
                for field, old, new in entry_changes(line.detail)
            ),
        )
        for line in uow.audit.about_account(name)
    ]
