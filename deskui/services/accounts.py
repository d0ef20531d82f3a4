"""Accounts and sign-in (issue 16): argon2id hashes, five wrong passwords lock, one-time
passwords after a reset, the first manager of an empty database, every step audited.

A password is never stored, logged or shown: only its argon2id hash reaches the database,
and the audit says what happened, never what was typed.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from deskui.data.account_store import AccountRecord
from deskui.data.history import HistoryEntry, entry_changes
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.accounts import (
    MAX_FAILED_SIGNINS,
    SignInOutcome,
    locked,
    name_key,
    password_problem,
)
from deskui.domain.calls import extension_problem
from deskui.domain.model import Role
from deskui.domain.permissions import AccountAction, Action, account_action_refusal
from deskui.domain.refusal import Refusal
from deskui.services.actor import Actor, Denied, require
from deskui.services.audit import record_denial

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = [
    "AccountRecord",
    "AccountRefused",
    "AddAgent",
    "DemoSignIn",
    "RunCommand",
    "SetRole",
    "SignIn",
    "SignInRefused",
    "SignedIn",
    "accounts",
    "add_agent",
    "allow_command",
    "as_now",
    "change_password",
    "demo_manager",
    "demo_sign_in",
    "first_manager_form",
    "is_demo_person",
    "needs_first_manager",
    "reset_password",
    "set_active",
    "set_role",
    "sign_in",
]


_HASHER: PasswordHasher | None = None
"""argon2id with the library's recommended costs, made (and argon2 with its C bindings
imported) by the first password hashed or checked: a demo desk, whose people have no
password, never loads it (issue 27: memory per desk). Tests put a cheaper one here."""


def _hasher() -> PasswordHasher:
    global _HASHER
    if _HASHER is None:
        from argon2 import PasswordHasher

        _HASHER = PasswordHasher()
    return _HASHER


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
    """A name and password typed at an entry; `entry` (app, cli, web) and `client` (the
    browser's address) go into the audit line, never the password."""

    name: str
    password: str
    entry: str = ""
    client: str = ""


@dataclass(frozen=True, slots=True)
class DemoSignIn:
    """A demo person picked without a password; `demo_process` is whether the process was
    started with --demo, as its entry knows it (issue 23: never a real desk's database)."""

    name: str
    demo_process: bool
    entry: str = ""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who signed in; with `must_change_password` the actor may do nothing but change it
    (`change_password`), which the entry asks for before anything else."""

    actor: Actor
    must_change_password: bool


@dataclass(frozen=True, slots=True)
class AddAgent:
    name: str
    role: str | None
    """None: the first manager of an empty database when nobody is signed in, else an agent."""
    password: str
    department: str | None = None
    extension: str | None = None
    """The phone extension calls to this account ring at (issue 25)."""


@dataclass(frozen=True, slots=True)
class RunCommand:
    """A command of the command line (`deskui export`, `agent`, `audit`, `report`) about to
    run for the actor it signed in: the action of the permission table it needs."""

    action: Action


def _as_actor(account: AccountRecord, *, must_change: bool = False) -> Actor:
    return Actor(
        account.id,
        account.name,
        account.role,
        account.team,
        account.department_code,
        must_change_password=must_change,
    )


def as_now(uow: UnitOfWork, actor: Actor) -> Actor:
    """The signed-in actor as the database has them now (issue 23): a desk signs in once and
    stays open for a shift, and every service it runs asks the table about the role the
    account has now, with a one-time password given since, or no role at all once disabled
    (no commit: the runner calls it in the service's own unit of work)."""
    current = uow.accounts.by_id(actor.id)
    if current is None or not current.active or current.name != actor.name:
        return replace(actor, active=False)
    return replace(
        actor,
        role=current.role,
        team=current.team,
        department_code=current.department_code,
        must_change_password=actor.must_change_password or current.must_change_password,
    )


def allow_command(uow: UnitOfWork, actor: Actor, command: RunCommand, now: datetime) -> Actor:
    """The actor as the database has them now, when the permission table lets them run the
    command line's command; else the refusal is audited (a `denied` line naming the action)
    and Denied raised, before the command reads anything."""
    needed = command.action if isinstance(command.action, Action) else None  # else nobody's
    current = as_now(uow, actor) if needed and actor.may(needed) else actor
    if needed is None or not current.may(needed):
        denied = Denied(command.action, actor.role)
        record_denial(uow, actor, denied, now)
        raise denied
    return current


def demo_manager(uow: UnitOfWork) -> str | None:
    """The name a process started with --demo signs in by default: the demo's enabled
    manager without a password; None when there is none (issue 23)."""
    managers = [
        a.name
        for a in uow.accounts.accounts()
        if a.demo and a.role == Role.MANAGER and a.active and not a.has_password
    ]
    return managers[0] if managers else None


def is_demo_person(uow: UnitOfWork, name: str) -> bool:
    """Whether `name` is a demo person who signs in without a password (in a --demo process
    only: demo_sign_in decides)."""
    account = uow.accounts.account(name)
    return account is not None and account.demo and not account.has_password


def needs_first_manager(uow: UnitOfWork) -> bool:
    """No account can sign in with a password yet: `deskui agent add NAME --role manager` on
    the host (or the first start of a desk on its own file) creates the first manager."""
    return uow.accounts.count_with_password() == 0


def first_manager_form(uow: UnitOfWork, *, team_database: bool) -> bool:
    """Whether the desk itself offers to create the first manager (issue 23): only on the
    person's own SQLite file, with no password yet and no demo people. On a team's database,
    or one a demo seeded, the first manager is made on the host's command line (the browser
    host never starts a desk before a sign-in, so no browser reaches this form)."""
    if team_database or not needs_first_manager(uow):
        return False
    return not any(a.demo for a in uow.accounts.accounts())


def _entry(entry: str, client: str = "") -> dict[str, object]:
    detail: dict[str, object] = {}
    if entry:
        detail["entry"] = entry
    if client:
        detail["client"] = client[:80]
    return detail


def sign_in(uow: UnitOfWork, _actor: Actor | None, command: SignIn, now: datetime) -> SignedIn:
    """Check the name and password; audit the attempt; lock on the fifth wrong one in a row.
    Commits the failure count (and the audit) whatever the outcome.

    The count goes up in one statement, so concurrent wrong passwords lock after exactly
    five; a locked account is not checked at all; a disabled one is told so only after its
    right password (a wrong one gets the answer any wrong password gets)."""
    found = uow.accounts.credentials(command.name)
    audit = uow.audit
    name = command.name.strip()
    via = _entry(command.entry, command.client)
    if found is None or found.password_hash is None:
        _verify(_DUMMY, command.password)  # the same time as a real check
        outcome = SignInOutcome.WRONG if found is None else SignInOutcome.NO_PASSWORD
        audit.write(now, "sign_in", agent_name=name, outcome=outcome, detail=via)
        uow.commit()
        raise SignInRefused(outcome)
    account = found.account
    if locked(account.locked_until, now):
        _locked(uow, account, name, account.locked_until, now, via)
    if not _verify(found.password_hash, command.password):
        lock_until = now + uow.rules.signin_lock
        counted = uow.accounts.count_failure(account.id, now, MAX_FAILED_SIGNINS, lock_until)
        if counted is None:  # a concurrent attempt locked it after our first look
            _locked(uow, account, name, uow.accounts.locked_until(account.id), now, via)
        failed, until = counted
        audit.write(
            now, "sign_in", agent_id=account.id, agent_name=name, outcome="wrong", detail=via
        )
        locked_until = until if failed == 0 else None  # this failure set the lock
        if locked_until is not None:
            old = account.locked_until.isoformat() if account.locked_until else None
            detail: dict[str, object] = {
                "until": locked_until.isoformat(),
                "locked_until": [old, locked_until.isoformat()],
            }
            audit.write(now, "lock", agent_id=account.id, agent_name=name, detail=detail)
        uow.commit()
        if locked_until is not None:
            raise SignInRefused(SignInOutcome.LOCKED, locked_until)
        raise SignInRefused(SignInOutcome.WRONG)
    if not account.active:
        audit.write(
            now, "sign_in", agent_id=account.id, agent_name=name, outcome="disabled", detail=via
        )
        uow.commit()
        raise SignInRefused(SignInOutcome.DISABLED)
    if not uow.accounts.record_success(account.id, now):
        _locked(uow, account, name, uow.accounts.locked_until(account.id), now, via)
    if account.must_change_password:
        via["must_change_password"] = True
    audit.write(now, "sign_in", agent_id=account.id, agent_name=name, detail=via)
    uow.commit()
    must_change = account.must_change_password
    return SignedIn(_as_actor(account, must_change=must_change), must_change)


def _locked(
    uow: UnitOfWork,
    account: AccountRecord,
    name: str,
    until: datetime | None,
    now: datetime,
    via: dict[str, object],
) -> NoReturn:
    uow.session.rollback()
    uow.audit.write(
        now, "sign_in", agent_id=account.id, agent_name=name, outcome="locked", detail=via
    )
    uow.commit()
    raise SignInRefused(SignInOutcome.LOCKED, until)


def demo_sign_in(
    uow: UnitOfWork, _actor: Actor | None, command: DemoSignIn, now: datetime
) -> SignedIn:
    """A demo person from the pick list, without a password: only in a process started with
    --demo, only an account the demo seeded, and never one that has a password (it always
    needs it). Audited whatever the outcome."""
    account = uow.accounts.account(command.name)
    name = command.name.strip()
    reason = ""
    if not command.demo_process:
        reason = "not_demo_process"
    elif account is None or not account.demo:
        reason = "not_demo_account"
    elif account.has_password:
        reason = "password_needed"
    elif not account.active:
        reason = "disabled"
    detail = _entry(command.entry)
    if reason:
        detail["reason"] = reason
        agent_id = account.id if account else None
        uow.audit.write(
            now,
            "sign_in",
            agent_id=agent_id,
            agent_name=name,
            outcome="demo_refused",
            detail=detail,
        )
        uow.commit()
        raise SignInRefused(SignInOutcome.WRONG)
    assert account is not None
    uow.audit.write(
        now, "sign_in", agent_id=account.id, agent_name=name, outcome="demo", detail=detail
    )
    uow.commit()
    return SignedIn(_as_actor(account), False)


def _refuse(
    uow: UnitOfWork,
    actor: Actor | None,
    action: AccountAction,
    name: str,
    key: str,
    now: datetime,
    **values: object,
) -> NoReturn:
    """Every refused account command is audited, whoever tried it (issue 23): nothing of
    the command is kept, the `denied` line is."""
    uow.session.rollback()
    uow.audit.write(
        now,
        "denied",
        agent_id=actor.id if actor else None,
        agent_name=actor.name if actor else "",
        outcome="denied",
        subject=str(action),
        detail={"account": name[:80], "reason": key},
    )
    uow.commit()
    raise AccountRefused(key, name=name, **values)


def _permit(
    uow: UnitOfWork,
    actor: Actor,
    action: AccountAction,
    name: str,
    now: datetime,
    *,
    target: AccountRecord | None = None,
    new_role: str | None = None,
) -> None:
    """Ask the permission table (deskui.domain.permissions.account_action_refusal) about the
    actor as the database has them now (a lead demoted or disabled since signing in manages
    nothing more); refuse, audited, unless it allows the action."""
    current = uow.accounts.by_id(actor.id)
    if actor.must_change_password:
        key: str | None = "account.error.change_password_first"
    elif current is None or not current.active or current.name != actor.name:
        key = "account.refused.role"
    else:
        on_manager = target is not None and target.role == Role.MANAGER
        managers = uow.accounts.enabled_managers(lock=on_manager)
        key = account_action_refusal(
            current.role,
            current.id,
            target.role if target else "",
            target.id if target else None,
            action,
            new_role,
            managers,
            target_active=target.active if target else True,
        )
    if key:
        _refuse(uow, actor, action, name, key, now)


def _check_last_manager(
    uow: UnitOfWork, actor: Actor, action: AccountAction, target: AccountRecord, now: datetime
) -> None:
    """After disabling or demoting a manager, in the same transaction: an enabled manager
    is left (SQLite: the write holds the file's one write lock, so this count is current)."""
    if target.role == Role.MANAGER and uow.accounts.enabled_managers() == 0:
        _refuse(uow, actor, action, target.name, "account.refused.last_manager", now)


def _valid_name(name: str) -> bool:
    return bool(name) and len(name) <= 80 and all(ch.isprintable() for ch in name)


def add_agent(uow: UnitOfWork, actor: Actor | None, command: AddAgent, now: datetime) -> Actor:
    """A new account with its password. Without a signed-in actor only the first manager of a
    database that has no password yet (from the host's command line); else as the permission
    table allows (a lead adds agents and department members only)."""
    action = AccountAction.ADD
    name = command.name.strip()
    first = needs_first_manager(uow)
    role = command.role or (Role.MANAGER if actor is None else Role.AGENT)
    if role not in {str(r) for r in Role}:
        _refuse(uow, actor, action, name, "account.error.bad_role", now, roles=", ".join(Role))
    if actor is None:
        if not first:
            _refuse(uow, None, action, name, "account.error.sign_in_first", now)
        if role != Role.MANAGER:
            _refuse(uow, None, action, name, "account.error.first_is_manager", now)
    else:
        _permit(uow, actor, action, name, now, new_role=role)
    if not _valid_name(name):
        _refuse(uow, actor, action, name, "account.error.bad_name", now)
    existing = uow.accounts.account(name)
    claim = (  # a manager account from before sign-in claims its password
        existing is not None
        and actor is None
        and first
        and not existing.has_password
        and existing.role == Role.MANAGER
        and not existing.demo
    )
    if existing is not None and not claim:
        _refuse(uow, actor, action, name, "account.error.exists", now)
    if existing is None and any(
        name_key(a.name) == name_key(name) for a in uow.accounts.accounts()
    ):
        _refuse(uow, actor, action, name, "account.error.exists", now)  # looks like another's
    problem = password_problem(command.password, name)
    if problem:
        _refuse(uow, actor, action, name, problem, now)
    department_id = None
    if role == Role.DEPARTMENT:
        department_id = uow.accounts.department_id(command.department or "")
        if department_id is None:
            code = command.department or ""
            _refuse(uow, actor, action, name, "account.error.department", now, code=code)
    extension = (command.extension or "").strip() or None
    if extension is not None:
        _check_extension(uow, actor, action, name, extension, now)
    hashed = _hasher().hash(command.password)
    detail: dict[str, object]
    if existing is not None:
        uow.accounts.set_password(existing.id, hashed, now, must_change=False)
        account = uow.accounts.account(name)
        assert account is not None
        detail = {"role": account.role, "has_password": [False, True]}
    else:
        account = uow.accounts.add_account(name, role, hashed, now, department_id=department_id)
        detail = {"role": [None, account.role], "active": [None, True]}
        if extension is not None:
            uow.accounts.set_extension(account.id, extension, now)
            detail["extension"] = [None, extension]
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
    """Disable (or enable again) an account by name, as the permission table allows."""
    name, active = command
    action = AccountAction.ENABLE if active else AccountAction.DISABLE
    account = _existing(uow, actor, action, name, now)
    _permit(uow, actor, action, account.name, now, target=account)
    uow.accounts.set_active(account.id, active, now)
    if not active:
        _check_last_manager(uow, actor, action, account, now)
    audit_action = "account_enabled" if active else "account_disabled"
    detail = {"active": [account.active, active]}
    uow.audit.write(
        now,
        audit_action,
        agent_id=actor.id,
        agent_name=actor.name,
        subject=account.name,
        detail=detail,
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class SetRole:
    """Give an account another role (a department member's with its department)."""

    name: str
    role: str
    department: str | None = None


def set_role(uow: UnitOfWork, actor: Actor, command: SetRole, now: datetime) -> None:
    """Change an account's role as the permission table allows (a lead gives nobody the lead
    or manager role; nobody changes their own; the last enabled manager stays one). Audited
    as old -> new role (and department)."""
    action = AccountAction.SET_ROLE
    if command.role not in {str(r) for r in Role}:
        roles = ", ".join(Role)
        _refuse(
            uow, actor, action, command.name.strip(), "account.error.bad_role", now, roles=roles
        )
    account = _existing(uow, actor, action, command.name, now)
    _permit(uow, actor, action, account.name, now, target=account, new_role=command.role)
    department_id = None
    if command.role == Role.DEPARTMENT:
        department_id = uow.accounts.department_id(command.department or "")
        if department_id is None:
            code = command.department or ""
            _refuse(uow, actor, action, account.name, "account.error.department", now, code=code)
    changed = uow.accounts.set_role(account.id, command.role, department_id, now)
    if changed.role != Role.MANAGER:
        _check_last_manager(uow, actor, action, account, now)
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


def _check_extension(
    uow: UnitOfWork,
    actor: Actor | None,
    action: AccountAction,
    name: str,
    extension: str,
    now: datetime,
) -> None:
    problem = extension_problem(extension)
    if problem is not None:
        _refuse(uow, actor, action, name, problem, now)
    holder = uow.accounts.extension_holder(extension)
    if holder is not None and holder != name:
        _refuse(uow, actor, action, name, "account.error.extension_taken", now, holder=holder)


@dataclass(frozen=True, slots=True)
class SetExtension:
    """Give an account the phone extension its calls are answered at, or none (None)."""

    name: str
    extension: str | None


def set_extension(uow: UnitOfWork, actor: Actor, command: SetExtension, now: datetime) -> None:
    """A lead or manager sets an account's extension (their own too); unique when set;
    audited as old -> new."""
    action = AccountAction.SET_EXTENSION
    account = _existing(uow, actor, action, command.name, now)
    _permit(uow, actor, action, account.name, now, target=account)
    extension = (command.extension or "").strip() or None
    if extension is not None:
        _check_extension(uow, actor, action, account.name, extension, now)
    uow.accounts.set_extension(account.id, extension, now)
    uow.audit.write(
        now,
        "extension_set",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=account.name,
        detail={"extension": [account.extension, extension]},
    )
    uow.commit()


def reset_password(uow: UnitOfWork, actor: Actor, name: str, now: datetime) -> str:
    """A one-time password for `name`, to be changed at the first sign-in; the lock goes.
    As the permission table allows: a lead resets agents' and department members' only."""
    action = AccountAction.RESET_PASSWORD
    account = _existing(uow, actor, action, name, now)
    _permit(uow, actor, action, account.name, now, target=account)
    once = secrets.token_urlsafe(9)
    uow.accounts.set_password(account.id, _hasher().hash(once), now, must_change=True)
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
    """The signed-in agent's own new password (after a reset, or whenever they like); the
    one thing an actor holding a one-time password may do. Not the password they have."""
    problem = password_problem(new_password, actor.name)
    if problem:
        raise AccountRefused(problem)
    found = uow.accounts.credentials(actor.name)
    if found is None or found.account.id != actor.id or not found.account.active:
        raise AccountRefused("account.error.unknown", name=actor.name)
    if found.password_hash is not None and _verify(found.password_hash, new_password):
        raise AccountRefused("account.error.password_same")
    before = found.account
    uow.accounts.set_password(actor.id, _hasher().hash(new_password), now, must_change=False)
    detail = {"must_change_password": [before.must_change_password, False]}
    uow.audit.write(
        now, "password_changed", agent_id=actor.id, agent_name=actor.name, detail=detail
    )
    uow.commit()


def _existing(
    uow: UnitOfWork, actor: Actor | None, action: AccountAction, name: str, now: datetime
) -> AccountRecord:
    account = uow.accounts.account(name)
    if account is None:
        _refuse(uow, actor, action, name.strip(), "account.error.unknown", now)
    return account


def _verify(password_hash: str, password: str) -> bool:
    """The argon2id check, as a sign-in waits for it: the answer of the check started ahead
    for this very hash and password (`check_ahead`) when there is one, else checked now."""
    global _AHEAD
    with _AHEAD_LOCK:
        ahead, _AHEAD = _AHEAD, None  # one answer, for one sign-in
    if ahead is not None:
        answer = ahead.answer(password_hash, password)
        if answer is not None:
            return answer
    return _argon2_verify(password_hash, password)


def _argon2_verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class _CheckAhead:
    """One argon2id check running in a thread of its own (the C library holds no interpreter
    lock while it works), for the sign-in that will ask for exactly this hash and password."""

    def __init__(self, password_hash: str, password: str) -> None:
        self._hash = password_hash
        self._password = password
        self._done = threading.Event()
        self._ok: bool | None = None
        threading.Thread(target=self._check, name="deskui-check-ahead", daemon=True).start()

    def _check(self) -> None:
        try:
            self._ok = _argon2_verify(self._hash, self._password)
        except Exception:  # the sign-in checks again, and says what went wrong there
            self._ok = None
        finally:
            self._done.set()

    def answer(self, password_hash: str, password: str) -> bool | None:
        """The check's answer when it was of this hash and password (waiting for it); None
        when it was of another, or failed."""
        same = password_hash == self._hash and secrets.compare_digest(
            password.encode("utf-8"), self._password.encode("utf-8")
        )
        if not same:
            return None
        self._done.wait()
        return self._ok


_AHEAD: _CheckAhead | None = None
_AHEAD_LOCK = threading.Lock()


def check_ahead(uow: UnitOfWork, name: str, password: str, *, now: datetime) -> None:
    """Start the argon2id check of the password a desk was started with (DESKUI_PASSWORD with
    --agent) against that account's hash now, in a thread, while the desk's start goes on
    (issue 27: the check is a deliberate ~0.2 s the agent waits for; it need not wait after
    the rest of the start). Nothing is decided here: `sign_in` reads the account again,
    audits and counts as always, and takes this answer only for the very same hash and
    password (else it checks then). No check for an unknown, password-less or locked one.
    No use case of its own (it acts as nobody, decides and writes nothing): the desk's start
    calls it, never a screen through the runner."""
    global _AHEAD
    found = uow.accounts.credentials(name)
    if found is None or found.password_hash is None or locked(found.account.locked_until, now):
        return
    with _AHEAD_LOCK:
        _AHEAD = _CheckAhead(found.password_hash, password)


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
