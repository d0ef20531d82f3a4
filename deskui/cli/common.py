"""What every command shares: its two refusals (UsageError, CommandRefused), the database
it opens, the sign-in it needs (issue 16), its words and where a table it writes goes.

A command signs in with `--agent NAME` and the password from DESKUI_PASSWORD or a prompt;
without a valid sign-in it refuses in one line with a non-zero status. The demo's people
need no password (with --demo the demo's manager is the default). A new password comes from
DESKUI_NEW_PASSWORD or a prompt typed twice; it is never echoed, logged or stored in clear.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from deskui.config import Settings
    from deskui.data.database import Database
    from deskui.documents import Table
    from deskui.domain.clock import Clock
    from deskui.domain.permissions import Action
    from deskui.services.actor import Actor

DENIED_STATUS = 3


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit 2."""


class CommandRefused(Exception):
    """Said in one line on stderr; the status is non-zero."""

    def __init__(self, message: str, status: int = DENIED_STATUS) -> None:
        super().__init__(message)
        self.status = status


def say(key: str, settings: Settings, **values: object) -> str:
    """A catalog line in the command's language."""
    from deskui.i18n import set_locale, t

    set_locale(settings.locale)
    return t(key, **values)


def open_database(
    settings: Settings, clock: Clock, *, seed_demo: bool, ping: bool = True
) -> Database:
    """The command's database; a demo's seeded once (a kept demo is reopened). A file of the
    desk's own, or a demo, is brought to the newest migration; a team's server is only checked
    (issue 27): migrating it is the administrator's `deskui db upgrade`, so the timers and
    the phone bridge, running as the desk account, need no right to change the schema."""
    from deskui.data.database import Database, DatabaseError

    try:
        database = Database(settings.database_url, ping=ping)
        if seed_demo:
            database.upgrade()
        else:
            database.open_for_desk()
    except DatabaseError as error:
        raise UsageError(str(error)) from error
    if seed_demo:
        from deskui.data.demo import seed_demo as seed
        from deskui.data.unit_of_work import UnitOfWork

        with UnitOfWork(database) as uow:
            if not uow.agents.agents():  # seeded once: a kept demo (--demo --db) is reopened
                seed(uow, clock.now())
                uow.commit()
    return database


def signed_in(settings: Settings, clock: Clock, database: Database, needed: Action) -> Actor:
    """The actor the command acts for, signed in and allowed `needed`; else CommandRefused
    (a denial is audited). A one-time password is changed first (DESKUI_NEW_PASSWORD, or
    typed twice at a terminal) or the command does not run (issue 23). Only a process
    started with --demo signs a demo person in without a password."""
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.services import accounts
    from deskui.services.actor import Denied

    name = settings.agent_name
    with UnitOfWork(database) as uow:
        if settings.demo and name is None:  # the demo's manager, when it has no password
            name = accounts.demo_manager(uow)
        if not name:
            raise CommandRefused(say("account.signed_in_needed", settings))
        demo_person = accounts.is_demo_person(uow, name)
    if settings.demo and demo_person:
        with UnitOfWork(database) as uow:
            command = accounts.DemoSignIn(name, settings.demo, entry="cli")
            try:
                actor = accounts.demo_sign_in(uow, None, command, clock.now()).actor
            except accounts.SignInRefused as error:
                raise CommandRefused(say(error.key, settings)) from error
    else:
        password = settings.agent_password
        if password is None:
            if not sys.stdin.isatty():
                raise CommandRefused(say("account.signed_in_needed", settings))
            password = getpass.getpass(say("account.sign_in_prompt", settings, name=name))
        with UnitOfWork(database) as uow:
            try:
                signed = accounts.sign_in(
                    uow, None, accounts.SignIn(name, password, entry="cli"), clock.now()
                )
            except accounts.SignInRefused as error:
                until = local_time(error.until, settings) if error.until else ""
                raise CommandRefused(say(error.key, settings, until=until)) from error
        actor = signed.actor
        if signed.must_change_password:
            actor = _change_one_time_password(settings, clock, database, actor)
    with UnitOfWork(database) as uow:  # the table decides; a denial is audited there
        try:
            actor = accounts.allow_command(uow, actor, accounts.RunCommand(needed), clock.now())
        except Denied as error:
            raise CommandRefused(
                say(
                    "account.denied",
                    settings,
                    name=actor.name,
                    role=say(f"role.{actor.role}", settings),
                    action=say(f"account.action.{needed}", settings),
                )
            ) from error
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
        raise CommandRefused(say("account.must_change", settings, name=actor.name))
    print(say("account.must_change_now", settings, name=actor.name), file=sys.stderr)
    new = new_password(settings, actor.name, environ)
    with UnitOfWork(database) as uow:
        try:
            accounts.change_password(uow, actor, new, clock.now())
        except accounts.AccountRefused as error:
            raise CommandRefused(say(error.key, settings, **error.values), status=2) from error
    print(say("account.password_changed", settings, name=actor.name), file=sys.stderr)
    return replace(actor, must_change_password=False)


def new_password(settings: Settings, name: str, environ: dict[str, str]) -> str:
    """A new password from DESKUI_NEW_PASSWORD, or typed twice at a terminal."""
    given = environ.get("DESKUI_NEW_PASSWORD")
    if given:
        return given
    if not sys.stdin.isatty():
        raise CommandRefused(say("account.error.password_short", settings), status=2)
    first = getpass.getpass(say("account.password_prompt", settings, name=name))
    again = getpass.getpass(say("account.password_again", settings))
    if first != again:
        raise CommandRefused(say("account.error.mismatch", settings), status=2)
    return first


def local_time(instant: datetime, settings: Settings) -> str:
    """An instant as the site's clock shows it, with the zone said (never bare UTC)."""
    from deskui.domain.clock import site_zone

    zone = settings.site_timezone
    return f"{instant.astimezone(site_zone(zone)).strftime('%Y-%m-%d %H:%M')} ({zone})"


def in_words(group: str, code: str) -> str:
    """A code as the catalog words it; a code it does not know, as written (the filters
    take the codes)."""
    from deskui.i18n import has_key, t

    key = f"{group}.{code}"
    return t(key) if has_key(key) else code


def write_table(
    name: str, table: Table, fmt: str, output: str | None, *, xlsx_to_pipe: bool
) -> None:
    """A table as CSV or XLSX into `output`, or stdout: CSV with no cell starting a formula
    (and, on a terminal, control characters shown as escapes); XLSX never onto a terminal
    (onto a pipe only where `xlsx_to_pipe`)."""
    from deskui.documents.csv_file import write_csv
    from deskui.documents.xlsx_file import write_tables

    if fmt == "xlsx":
        if output is None:
            if not xlsx_to_pipe or sys.stdout.isatty():
                raise UsageError("xlsx is binary: add --output FILE.xlsx")
            write_tables({name: table}, sys.stdout.buffer)
        else:
            with output_file(output, binary=True) as stream:
                write_tables({name: table}, stream)
        return
    if output is None:
        write_csv(table, sys.stdout, terminal=sys.stdout.isatty())
        return
    with output_file(output, encoding="utf-8-sig") as stream:
        write_csv(table, stream)


@contextmanager
def output_file(output: str, *, binary: bool = False, encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """The file a command writes records into (`--output`): written as a new file, 0600,
    beside `output` and put in its place once whole. Never through a symbolic link (one
    planted where exports go would aim the customers' phones at another file) nor over a
    device or folder; a file already there is replaced, not rewritten keeping its mode (a
    0644 file would leave every phone readable to every local user). UsageError, in words."""
    import os
    import tempfile
    from pathlib import Path

    from deskui.domain.visible_text import visible
    from deskui.i18n import t

    path = Path(output)
    shown = visible(output, one_line=True)
    if path.is_symlink():
        raise UsageError(t("output.link", path=shown))
    if path.exists() and not path.is_file():
        raise UsageError(t("output.not_file", path=shown))
    try:
        descriptor, partial = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=path.parent
        )
    except OSError as error:
        raise UsageError(t("output.unwritable", path=shown, said=error.strerror or "")) from error
    try:
        if binary:
            stream: IO[Any] = os.fdopen(descriptor, "wb")
        else:
            stream = os.fdopen(descriptor, "w", encoding=encoding, newline="")
        with stream:
            yield stream
        os.replace(partial, path)
    except OSError as error:
        raise UsageError(t("output.unwritable", path=shown, said=error.strerror or "")) from error
    finally:
        if os.path.lexists(partial):
            os.unlink(partial)
