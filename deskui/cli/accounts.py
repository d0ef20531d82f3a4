"""`deskui agent add|list|disable|enable|reset-password|role` (issue 16): a lead or manager
signs in with --agent; on an empty database the first add creates the first manager."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from deskui.cli.common import (
    CommandRefused,
    in_words,
    local_time,
    new_password,
    open_database,
    say,
    signed_in,
    write_table,
)
from deskui.domain.permissions import Action

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.domain.clock import Clock


def agent_command(
    settings: Settings, clock: Clock, args: argparse.Namespace, environ: dict[str, str]
) -> int:
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.services import accounts

    database = open_database(settings, clock, seed_demo=settings.demo)
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
                password = new_password(settings, args.name, environ)
                # no --role: the service makes the first manager, or else an agent
                command = accounts.AddAgent(
                    args.name, args.role, password, args.department, args.extension
                )
                added = accounts.add_agent(uow, actor, command, clock.now())
                role_words = say(f"role.{added.role}", settings)
                print(say("account.added", settings, name=added.name, role=role_words))
            elif args.action == "list":
                assert actor is not None
                _print_accounts(settings, accounts.accounts(uow, actor, None, clock.now()), clock)
            elif args.action in ("disable", "enable"):
                assert actor is not None
                active = args.action == "enable"
                accounts.set_active(uow, actor, (args.name, active), clock.now())
                print(say(f"account.{args.action}d", settings, name=args.name))
            elif args.action == "extension":  # issue 25: calls answered there pop the desk
                assert actor is not None
                if args.extension is None:
                    raise CommandRefused("agent extension: --extension is missing", status=2)
                extension = accounts.SetExtension(args.name, args.extension)
                accounts.set_extension(uow, actor, extension, clock.now())
                print(
                    say("account.extension_set", settings, name=args.name, extension=args.extension)
                )
            elif args.action == "role":  # seed 000:1.3: a lead's or manager's, audited
                assert actor is not None
                if not args.role:
                    raise CommandRefused("agent role: --role is missing", status=2)
                change = accounts.SetRole(args.name, args.role, args.department)
                accounts.set_role(uow, actor, change, clock.now())
                role_words = say(f"role.{args.role}", settings)
                print(say("account.role_set", settings, name=args.name, role=role_words))
            else:
                assert actor is not None
                once = accounts.reset_password(uow, actor, args.name, clock.now())
                print(say("account.reset", settings, name=args.name, password=once))
    except accounts.AccountRefused as error:
        print(f"deskui: {say(error.key, settings, **error.values)}", file=sys.stderr)
        return 2
    except CommandRefused as error:
        print(f"deskui: {error}", file=sys.stderr)
        return error.status
    return 0


def _print_accounts(settings: Settings, rows: list[Any], clock: Clock) -> None:
    """The accounts as CSV through the exports' writer: no cell starts a formula, and on a
    terminal a name's control characters are shown as escapes (issue 23)."""

    now = clock.now()
    lines: list[list[object]] = []
    for a in rows:
        if not a.active:
            state = say("account.state_disabled", settings)
        elif a.locked_until is not None and a.locked_until > now:
            until = local_time(a.locked_until, settings)
            state = say("account.state_locked", settings, until=until)
        else:
            state = say("account.state_active", settings)
        if a.must_change_password:
            password = say("account.password_once", settings)
        else:
            password = say(
                "account.password_set" if a.has_password else "account.password_none", settings
            )
        role = say(f"role.{a.role}", settings)
        department = in_words("department", a.department_code) if a.department_code else ""
        lines.append([a.name, role, department, state, password])
    headers = say("account.list_header", settings).split(",")
    write_table("accounts", (headers, lines), "csv", None, xlsx_to_pipe=False)
