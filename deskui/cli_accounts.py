"""The command line's accounts (issue 16): `deskui agent add|list|disable|enable|
reset-password`, and the sign-in every command that reads or writes the desk's data needs.

A command signs in with `--agent NAME` and the password from DESKUI_PASSWORD or a prompt;
without a valid sign-in it refuses in one line with a non-zero status. The demo's people
need no password (with --demo the demo's manager is the default). A new password comes from
DESKUI_NEW_PASSWORD or a prompt typed twice; it is never echoed, logged or stored in clear.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

from deskui.domain.permissions import Action

if TYPE_CHECKING:
    from datetime import datetime

    from deskui.config import Settings
    from deskui.data.database import Database
    from deskui.domain.clock import Clock
    from deskui.services.actor import Actor

PERSONAL_KINDS = frozenset(
    {
        "customers",
        "visitors",
        "passes",
        "messages",
        "correspondence",
        "prospects",
        "gifts",
        "events",
    }
)
"""Exports holding phones, e-mail, birthdays or visitors' papers: a lead's or manager's."""
DENIED_STATUS = 3


class CommandRefused(Exception):
    """Said in one line on stderr; the status is non-zero."""

    def __init__(self, message: str, status: int = DENIED_STATUS) -> None:
        super().__init__(message)
        self.status = status


def _t(key: str, settings: Settings, **values: object) -> str:
    from deskui.i18n import set_locale, t

    set_locale(settings.locale)
    return t(key, **values)


def signed_in(settings: Settings, clock: Clock, database: Database, needed: Action) -> Actor:
    """The actor the command acts for, signed in and allowed `needed`; else CommandRefused
    (a denial is audited). A one-time password is changed first (DESKUI_NEW_PASSWORD, or
    typed twice at a terminal) or the command does not run (issue 23). Only a process
    started with --demo signs a demo person in without a password."""
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.services import accounts

    name = settings.agent_name
    with UnitOfWork(database) as uow:
        if settings.demo and name is None:  # the demo's manager, when it has no password
            demo = [
                a
                for a in uow.accounts.accounts()
                if a.demo and a.role == "manager" and a.active and not a.has_password
            ]
            name = demo[0].name if demo else None
        if not name:
            raise CommandRefused(_t("account.signed_in_needed", settings))
        account = uow.accounts.account(name)
        demo_person = account is not None and account.demo and not account.has_password
    if settings.demo and demo_person:
        with UnitOfWork(database) as uow:
            command = accounts.DemoSignIn(name, settings.demo, entry="cli")
            try:
                actor = accounts.demo_sign_in(uow, None, command, clock.now()).actor
            except accounts.SignInRefused as error:
                raise CommandRefused(_t(error.key, settings)) from error
    else:
        password = settings.agent_password
        if password is None:
            if not sys.stdin.isatty():
                raise CommandRefused(_t("account.signed_in_needed", settings))
            password = getpass.getpass(_t("account.sign_in_prompt", settings, name=name))
        with UnitOfWork(database) as uow:
            try:
                signed = accounts.sign_in(
                    uow, None, accounts.SignIn(name, password, entry="cli"), clock.now()
                )
            except accounts.SignInRefused as error:
                until = local_time(error.until, settings) if error.until else ""
                raise CommandRefused(_t(error.key, settings, until=until)) from error
        actor = signed.actor
        if signed.must_change_password:
            actor = _change_one_time_password(settings, clock, database, actor)
    if not actor.may(needed):
        with UnitOfWork(database) as uow:
            uow.audit.write(
                clock.now(),
                "denied",
                agent_id=actor.id,
                agent_name=actor.name,
                outcome="denied",
                subject=str(needed),
            )
            uow.commit()
        raise CommandRefused(
            _t(
                "account.denied",
                settings,
                name=actor.name,
                role=_t(f"role.{actor.role}", settings),
                action=_t(f"account.action.{needed}", settings),
            )
        )
    return actor


def _change_one_time_password(
    settings: Settings, clock: Clock, database: Database, actor: Actor
) -> Actor:
    """Signed in with a one-time password: the new one before the command runs, or no
    command at all."""
    import os
    from dataclasses import replace

    from deskui.data.unit_of_work import UnitOfWork
    from deskui.services import accounts

    environ = dict(os.environ)
    if not environ.get("DESKUI_NEW_PASSWORD") and not sys.stdin.isatty():
        raise CommandRefused(_t("account.must_change", settings, name=actor.name))
    print(_t("account.must_change_now", settings, name=actor.name), file=sys.stderr)
    new = _new_password(settings, actor.name, environ)
    with UnitOfWork(database) as uow:
        try:
            accounts.change_password(uow, actor, new, clock.now())
        except accounts.AccountRefused as error:
            raise CommandRefused(_t(error.key, settings, **error.values), status=2) from error
    print(_t("account.password_changed", settings, name=actor.name), file=sys.stderr)
    return replace(actor, must_change_password=False)


def local_time(instant: datetime, settings: Settings) -> str:
    """An instant as the site's clock shows it, with the zone said (never bare UTC)."""
    from zoneinfo import ZoneInfo

    zone = settings.site_timezone
    return f"{instant.astimezone(ZoneInfo(zone)).strftime('%Y-%m-%d %H:%M')} ({zone})"


def audit_export(database: Database, actor: Actor, kind: str, rows: int, clock: Clock) -> None:
    from deskui.data.unit_of_work import UnitOfWork

    with UnitOfWork(database) as uow:
        uow.audit.write(
            clock.now(),
            "export",
            agent_id=actor.id,
            agent_name=actor.name,
            subject=kind,
            detail={"rows": rows},
        )
        uow.commit()


def _new_password(settings: Settings, name: str, environ: dict[str, str]) -> str:
    given = environ.get("DESKUI_NEW_PASSWORD")
    if given:
        return given
    if not sys.stdin.isatty():
        raise CommandRefused(_t("account.error.password_short", settings), status=2)
    first = getpass.getpass(_t("account.password_prompt", settings, name=name))
    again = getpass.getpass(_t("account.password_again", settings))
    if first != again:
        raise CommandRefused(_t("account.error.mismatch", settings), status=2)
    return first


def agent_command(
    settings: Settings, clock: Clock, args: argparse.Namespace, environ: dict[str, str]
) -> int:
    from deskui.cli import _open
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.services import accounts

    database: Database = _open(settings, clock, seed_demo=settings.demo)  # type: ignore[assignment]
    try:
        if args.action != "list" and not args.name:
            raise CommandRefused(f"agent {args.action}: NAME is missing", status=2)
        with UnitOfWork(database) as uow:
            first = accounts.needs_first_manager(uow)
        if args.action == "add" and first and not settings.agent_name:
            actor = None  # the first manager of an empty database: no sign-in yet
        else:
            actor = signed_in(settings, clock, database, Action.MANAGE_ACCOUNTS)
        with UnitOfWork(database) as uow:
            if args.action == "add":
                role = args.role or ("manager" if actor is None else "agent")
                password = _new_password(settings, args.name, environ)
                command = accounts.AddAgent(
                    args.name, role, password, args.department, getattr(args, "extension", None)
                )
                added = accounts.add_agent(uow, actor, command, clock.now())
                role_words = _t(f"role.{added.role}", settings)
                print(_t("account.added", settings, name=added.name, role=role_words))
            elif args.action == "list":
                assert actor is not None
                _print_accounts(settings, accounts.accounts(uow, actor, None, clock.now()), clock)
            elif args.action in ("disable", "enable"):
                assert actor is not None
                active = args.action == "enable"
                accounts.set_active(uow, actor, (args.name, active), clock.now())
                print(_t(f"account.{args.action}d", settings, name=args.name))
            elif args.action == "extension":  # issue 25: calls answered there pop the desk
                assert actor is not None
                if getattr(args, "extension", None) is None:
                    raise CommandRefused("agent extension: --extension is missing", status=2)
                extension = accounts.SetExtension(args.name, args.extension)
                accounts.set_extension(uow, actor, extension, clock.now())
                print(
                    _t("account.extension_set", settings, name=args.name, extension=args.extension)
                )
            elif args.action == "role":  # seed 000:1.3: a lead's or manager's, audited
                assert actor is not None
                if not args.role:
                    raise CommandRefused("agent role: --role is missing", status=2)
                change = accounts.SetRole(args.name, args.role, args.department)
                accounts.set_role(uow, actor, change, clock.now())
                role_words = _t(f"role.{args.role}", settings)
                print(_t("account.role_set", settings, name=args.name, role=role_words))
            else:
                assert actor is not None
                once = accounts.reset_password(uow, actor, args.name, clock.now())
                print(_t("account.reset", settings, name=args.name, password=once))
    except accounts.AccountRefused as error:
        print(f"deskui: {_t(error.key, settings, **error.values)}", file=sys.stderr)
        return 2
    except CommandRefused as error:
        print(f"deskui: {error}", file=sys.stderr)
        return error.status
    return 0


def _print_accounts(settings: Settings, rows: list[Any], clock: Clock) -> None:
    """The accounts as CSV through the exports' writer: no cell starts a formula, and on a
    terminal a name's control characters are shown as escapes (issue 23)."""
    from deskui.data.export import write_csv

    now = clock.now()
    lines: list[list[object]] = []
    for a in rows:
        if not a.active:
            state = _t("account.state_disabled", settings)
        elif a.locked_until is not None and a.locked_until > now:
            until = local_time(a.locked_until, settings)
            state = _t("account.state_locked", settings, until=until)
        else:
            state = _t("account.state_active", settings)
        if a.must_change_password:
            password = _t("account.password_once", settings)
        else:
            password = _t(
                "account.password_set" if a.has_password else "account.password_none", settings
            )
        role = _t(f"role.{a.role}", settings)
        department = _in_words("department", a.department_code) if a.department_code else ""
        lines.append([a.name, role, department, state, password])
    headers = _t("account.list_header", settings).split(",")
    write_csv((headers, lines), sys.stdout, terminal=sys.stdout.isatty())


def audit_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    """`deskui audit`: a manager searches the audit by person, action and local days, as CSV
    or XLSX; reading the audit is itself audited."""
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from deskui.cli import UsageError, _open
    from deskui.data.export import write_csv, write_xlsx
    from deskui.data.unit_of_work import UnitOfWork

    zone = ZoneInfo(settings.site_timezone)

    def day(text: str | None, flag: str) -> datetime | None:
        if text is None:
            return None
        try:
            return datetime.combine(date.fromisoformat(text), time(), zone)
        except ValueError as error:
            raise UsageError(f"{flag}: {text!r} is not a date like 2026-11-23") from error

    since = day(args.since, "--from")
    until = day(args.until, "--to")
    database: Database = _open(settings, clock, seed_demo=settings.demo)  # type: ignore[assignment]
    try:
        actor = signed_in(settings, clock, database, Action.SEE_AUDIT)
    except CommandRefused as error:
        print(f"deskui: {error}", file=sys.stderr)
        return error.status
    with UnitOfWork(database) as uow:
        lines = uow.audit.search(
            person=args.person,
            action=args.action,
            since=since,
            until=until + timedelta(days=1) if until else None,
            limit=100_000,
        )
        uow.audit.write(clock.now(), "audit_read", agent_id=actor.id, agent_name=actor.name)
        uow.commit()
    headers = [
        _t(f"audit.head_{name}", settings)
        for name in ("at", "person", "action", "outcome", "subject", "detail")
    ]
    rows: list[list[Any]] = [
        [e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), e.agent_name,
         _in_words("audit.action", e.action), _in_words("audit.outcome", e.outcome),
         _in_words("account.action", e.subject) if e.action == "denied" else e.subject,
         ", ".join(f"{_in_words('audit.detail', k)}={_detail_value(k, v, zone)}"
                   for k, v in sorted(e.detail.items()))]
        for e in lines
    ]  # fmt: skip
    if args.format == "xlsx":
        if args.output is None:
            raise UsageError("xlsx is binary: add --output FILE.xlsx")
        write_xlsx({"audit": (headers, rows)}, args.output)
    elif args.output is None:
        write_csv((headers, rows), sys.stdout, terminal=sys.stdout.isatty())
    else:
        with open(args.output, "w", encoding="utf-8-sig", newline="") as stream:
            write_csv((headers, rows), stream)
    return 0


def _in_words(group: str, code: str) -> str:
    """An action or outcome as the catalog words it; a code it does not know, as written (the
    `--action` filter takes the codes)."""
    from deskui.i18n import has_key, t

    key = f"{group}.{code}"
    return t(key) if has_key(key) else code


def _detail_value(key: str, value: object, zone: Any) -> object:
    """A detail's value in words: an old -> new pair as `old → new`, a role by its name, an
    instant (stored as UTC ISO text) in the site's local time to the minute, a yes or no, a
    list joined."""
    if isinstance(value, list) and len(value) == 2 and key in _PAIRS:
        return " → ".join(str(_one_value(key, v, zone)) for v in value)
    if isinstance(value, list):
        return "、".join(map(str, value))
    return _one_value(key, value, zone)


_PAIRS = frozenset(
    {"role", "active", "department", "locked_until", "must_change_password", "has_password"}
)
"""The account changes the audit keeps as [old, new] (issue 16)."""


def _one_value(key: str, value: object, zone: Any) -> object:
    from datetime import datetime

    from deskui.i18n import t

    if value is None:
        return t("audit.value.none")
    if isinstance(value, bool):
        return t("audit.value.yes" if value else "audit.value.no")
    if key == "role" and isinstance(value, str):
        return _in_words("role", value)
    if key == "department" and isinstance(value, str):
        return _in_words("department", value)
    if key == "reason" and isinstance(value, str):  # a refusal's catalog line, or a code
        from deskui.i18n import has_key

        return t(value) if "." in value and has_key(value) else _in_words("audit.reason", value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            return value
        if instant.tzinfo is not None:
            return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return value
