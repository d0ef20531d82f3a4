"""The command line: run the desk, --demo, --now, --db, --lang, export, db upgrade."""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from deskui.config import Settings
from deskui.crash import CRASH_STATUS
from deskui.domain.clock import Clock, OffsetClock, SystemClock
from deskui.i18n import LOCALES

EXPORT_KINDS = (
    "tickets",
    "customers",
    "callbacks",
    "handover",
    "orders",
    "department_legs",
    "attachments",
    "history",
    "visitors",
    "passes",
    "messages",
    "correspondence",
    "prospects",
    "gifts",
    "events",
    "surveys",
    "calls",
)
SITE_TIMEZONE = "Asia/Shanghai"


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="a demo desk: a fresh temporary database, or seeded into --db when it is empty",
    )
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: SQLite in the user data folder; env DESKUI_DATABASE_URL)",
    )
    common.add_argument(
        "--now",
        metavar="ISO",
        default=argparse.SUPPRESS,
        help="start the clock at this instant, e.g. 2026-11-23T09:00+08:00",
    )
    common.add_argument(
        "--lang",
        choices=LOCALES,
        default=argparse.SUPPRESS,
        help="interface language (default zh-CN)",
    )
    common.add_argument(
        "--agent",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="sign in as this agent without the pick list",
    )
    parser = argparse.ArgumentParser(
        prog="deskui", parents=[common], description="Front-desk workstation for a call center."
    )
    commands = parser.add_subparsers(dest="command")
    export = commands.add_parser("export", parents=[common], help="export records")
    export.add_argument("kind", choices=EXPORT_KINDS)
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    export.add_argument(
        "--words",
        action="store_true",
        help="headers and coded values in words an agent reads, in the --lang language "
        "(default: the stable column keys and codes that scripts read)",
    )
    db = commands.add_parser("db", parents=[common], help="database maintenance")
    db.add_argument("action", choices=("upgrade",))
    agent = commands.add_parser(
        "agent",
        parents=[common],
        help="accounts: add, list, disable, enable, reset-password (a lead or manager signs "
        "in with --agent; on an empty database the first add creates the first manager)",
    )
    agent.add_argument(
        "action",
        choices=("add", "list", "disable", "enable", "reset-password", "role", "extension"),
    )
    agent.add_argument("name", nargs="?", help="the account's name (all but list)")
    agent.add_argument("--role", choices=("agent", "lead", "manager", "department"))
    agent.add_argument("--department", metavar="CODE", help="a department member's department")
    agent.add_argument(
        "--extension",
        metavar="NUMBER",
        help="the phone extension calls to this account ring at (add, extension; '' clears)",
    )
    audit = commands.add_parser(
        "audit", parents=[common], help="the audit: sign-ins, locks, denials, exports (managers)"
    )
    audit.add_argument("--person", metavar="NAME", help="only this person's lines")
    audit.add_argument("--action", help="only this action (sign_in, lock, denied, export ...)")
    audit.add_argument("--from", dest="since", metavar="DATE", help="from this local day")
    audit.add_argument("--to", dest="until", metavar="DATE", help="to this local day, inclusive")
    audit.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    audit.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    web = commands.add_parser(
        "web", parents=[common], help="serve the desk to browsers (one desk per tab)"
    )
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    web.add_argument("--port", type=int, default=8000, help="port (8000)")
    web.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, e.g. https://desk.example.com behind a TLS proxy "
        "(default: the address each browser used)",
    )
    web.add_argument(
        "--trusted-proxy",
        metavar="ADDRESS",
        action="append",
        default=[],
        help="the site's proxy: its X-Forwarded-For names the client (repeatable)",
    )
    web.add_argument("--max-desks", type=int, default=60, help="desks open at once in all (60)")
    web.add_argument(
        "--max-desks-per-agent", type=int, default=3, help="desks open at once per agent (3)"
    )
    web.add_argument(
        "--client-attempts",
        type=int,
        default=5,
        help="wrong sign-ins per client address per 15 minutes before it must wait (5)",
    )
    phone = commands.add_parser(
        "phone",
        parents=[common],
        help="the phone bridge: serve a PBX's call events (Zammad's CTI push); token: a new one",
    )
    phone.add_argument("action", choices=("serve", "token"))
    phone.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    phone.add_argument("--port", type=int, default=8099, help="port (8099)")
    phone.add_argument(
        "--journal", metavar="FILE", help="where events wait while the database is away"
    )
    report = commands.add_parser(
        "report", parents=[common], help="the lead's measures over local days (leads, managers)"
    )
    report.add_argument("which", choices=("team",))
    report.add_argument("--from", dest="since", metavar="DATE", required=True)
    report.add_argument("--to", dest="until", metavar="DATE", required=True)
    report.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
    report.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    return parser


def parse_now(text: str, timezone: str = SITE_TIMEZONE) -> datetime:
    """An ISO instant; without an offset it is read in the site's zone."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise UsageError(
            f"--now: {text!r} is not a date and time; write it like 2026-11-23T09:00+08:00"
        ) from error
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo(timezone))
    return instant


def check_url(url: str) -> str:
    """Cheap checks that need no driver: the scheme must be one we speak."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if not (scheme.startswith("sqlite") or scheme.startswith("postgresql")):
        raise UsageError(
            f"--db: {url!r} is not a database URL we support; use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST/NAME"
        )
    return url


def resolve(args: argparse.Namespace, environ: dict[str, str]) -> tuple[Settings, Clock]:
    demo = getattr(args, "demo", False)
    now = getattr(args, "now", None)
    clock: Clock = OffsetClock(parse_now(now)) if now else SystemClock()  # before any folder
    given = getattr(args, "db", None)
    # a demo is seeded into --db only: DESKUI_DATABASE_URL may name the team's real database
    url = given if demo else given or environ.get("DESKUI_DATABASE_URL")
    files_folder: Path | None = None
    if demo:
        from deskui.locations import kept_demo_folder, new_demo_folder

        if url:
            url = check_url(url)
            files_folder = kept_demo_folder(url)
        else:
            files_folder = new_demo_folder()
            url = f"sqlite:///{files_folder / 'demo.db'}"
    elif url:
        url = check_url(url)
    else:
        from deskui.locations import data_dir, default_database_url

        try:
            data_dir().mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"cannot create the data folder {data_dir()}: {error}") from error
        url = default_database_url()
    settings = Settings(
        database_url=url,
        locale=getattr(args, "lang", None) or environ.get("DESKUI_LANG", "zh-CN"),
        demo=demo,
        files_folder=str(files_folder) if files_folder else None,
        agent_name=getattr(args, "agent", None),
        agent_password=environ.get("DESKUI_PASSWORD") or None,
        site_timezone=SITE_TIMEZONE,
    )
    return settings, clock


def main(argv: list[str] | None = None) -> int:
    import os

    from deskui.locations import private_umask

    args = build_parser().parse_args(argv)
    private_umask()  # what any command writes is the desk account's alone (issue 23)
    try:
        grant = _web_grant(args)
        settings, clock = resolve(args, dict(os.environ))
        status: int | None = None
        try:
            if args.command == "export":
                status = export(settings, clock, args.kind, args.format, args.output, args.words)
            elif args.command == "db":
                status = upgrade(settings)
            elif args.command == "agent":
                from deskui.cli_accounts import agent_command

                status = agent_command(settings, clock, args, dict(os.environ))
            elif args.command == "audit":
                from deskui.cli_accounts import audit_command

                status = audit_command(settings, clock, args)
            elif args.command == "report":
                from deskui.report_command import report_command

                status = report_command(settings, clock, args)
            elif args.command == "phone":
                from deskui.phone.bridge import phone_command

                status = phone_command(settings, clock, args)
            elif args.command == "web":
                from deskui.web import serve

                status = serve(settings, clock, args)
            else:
                status = run(settings, clock, grant)
            sys.stdout.flush()  # a reader gone early (`| head`) is met here, not at exit
            return status
        finally:
            temporary = not getattr(args, "db", None)  # with --db a demo is kept to reopen
            if settings.demo and settings.files_folder and temporary and status != CRASH_STATUS:
                # a crash's log and drafts stay beside the demo's database
                shutil.rmtree(settings.files_folder, ignore_errors=True)
    except BrokenPipeError:
        # `deskui export tickets | head` closed the pipe early: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except UsageError as error:
        print(f"deskui: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a sign-in or permission refusal: one line, non-zero
        from deskui.cli_accounts import CommandRefused

        if not isinstance(error, CommandRefused):
            raise
        print(f"deskui: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 130


def _open(settings: Settings, clock: Clock, *, seed_demo: bool) -> object:
    from deskui.data.database import Database, DatabaseError

    try:
        database = Database(settings.database_url)
        database.upgrade()
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


def _web_grant(args: argparse.Namespace) -> object | None:
    """A desk spawned by `deskui web` reads who signed in on the page, and the database URL,
    from the hand-over file its environment names (deskui/web/grant.py), never from argv."""
    import os

    from deskui.web.grant import GRANT_ENV

    path = os.environ.pop(GRANT_ENV, None)
    if path is None or args.command is not None:
        return None
    from deskui.web.grant import GrantError, take_grant

    try:
        grant = take_grant(path)
    except GrantError as error:
        raise UsageError(str(error)) from error
    args.db = grant.database_url
    return grant


def run(settings: Settings, clock: Clock, grant: object | None = None) -> int:
    database = None
    if settings.database_url.startswith("postgresql"):
        # a team server that cannot be reached is said in one line before the screen opens
        from deskui.data.database import Database, DatabaseError

        try:
            database = Database(settings.database_url)
            database.check()
        except DatabaseError as error:
            raise UsageError(str(error)) from error
    from deskui.app import make_app
    from deskui.i18n import t

    app = make_app(settings, clock, database, grant)  # type: ignore[arg-type]
    app.run()
    if app.crash_log is not None:
        print(t("crash.stopped", path=app.crash_log), file=sys.stderr)
        return CRASH_STATUS
    return app.return_code or 0


def upgrade(settings: Settings) -> int:
    from deskui.data.database import Database, DatabaseError

    try:
        Database(settings.database_url).upgrade()
    except DatabaseError as error:
        raise UsageError(str(error)) from error
    print(f"deskui: database is up to date ({settings.database_url.split('@')[-1]})")
    return 0


def export(
    settings: Settings,
    clock: Clock,
    kind: str,
    fmt: str,
    output: str | None,
    words: bool = False,
) -> int:
    from deskui.cli_accounts import PERSONAL_KINDS, audit_export, signed_in
    from deskui.data.export import build_table, in_words, write_csv, write_xlsx
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.masking import masked_table
    from deskui.domain.permissions import Action

    database = _open(settings, clock, seed_demo=settings.demo)
    needed = Action.EXPORT_PERSONAL if kind in PERSONAL_KINDS else Action.EXPORT_RECORDS
    actor = signed_in(settings, clock, database, needed)  # type: ignore[arg-type]
    with UnitOfWork(database) as uow:  # type: ignore[arg-type]
        table = build_table(kind, uow, settings.site_timezone)
    if not actor.may(Action.EXPORT_PERSONAL):  # an agent's export never shows a whole phone
        table = masked_table(*table, sees=False)
    audit_export(database, actor, kind, len(table[1]), clock)  # type: ignore[arg-type]
    if words:
        from deskui.i18n import set_locale

        set_locale(settings.locale)
        table = in_words(kind, table)
    if fmt == "xlsx":
        if output is None:
            if sys.stdout.isatty():
                raise UsageError("xlsx is binary: add --output FILE.xlsx")
            write_xlsx({kind: table}, sys.stdout.buffer)
        else:
            write_xlsx({kind: table}, output)
        return 0
    if output is None:
        write_csv(table, sys.stdout, terminal=sys.stdout.isatty())
    else:
        try:
            with open(output, "w", encoding="utf-8-sig", newline="") as stream:
                write_csv(table, stream)
        except OSError as error:
            raise UsageError(f"cannot write {output}: {error.strerror}") from error
    return 0
