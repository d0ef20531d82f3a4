"""The command line's parser: its commands and flags, and what they resolve to (the settings
and the clock every command runs with)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from deskui.cli.common import UsageError
from deskui.config import Settings, site_timezone
from deskui.domain.clock import SITE_TIMEZONE, Clock, OffsetClock, SystemClock, site_zone
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
    "visit_requests",
)


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
    db = commands.add_parser(
        "db",
        parents=[common],
        help="database maintenance: upgrade, backup [--output FILE], restore FILE [--force] "
        "(a manager with --agent, or the host's administrator without it)",
    )
    db.add_argument("action", choices=("upgrade", "backup", "restore"))
    db.add_argument("file", nargs="?", metavar="FILE", help="restore: the backup to restore")
    db.add_argument(
        "--output", metavar="FILE", help="backup: write here (default: backups/ in the data folder)"
    )
    db.add_argument(
        "--force", action="store_true", help="restore: write over a database holding records"
    )
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
        "--reattach-seconds",
        type=float,
        default=60.0,
        help="how long a desk whose browser lost its connection waits for it to come back (60)",
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
    _privacy_parser(commands, common)
    return parser


def _privacy_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """`deskui privacy` (issue 28, PIPL): a person's data shown, exported, erased; purge."""
    privacy = commands.add_parser(
        "privacy",
        parents=[common],
        help="a person's data on request (PIPL, managers): show, export, erase one person's; "
        "purge closed records past the site's retention",
    )
    privacy.add_argument("action", choices=("show", "export", "erase", "purge"))
    who = privacy.add_mutually_exclusive_group()
    who.add_argument("--contact", type=int, metavar="ID", help="the person as a contact's id")
    who.add_argument(
        "--customer",
        type=int,
        metavar="ID",
        help="the person as a customer's id (a customer that is a person), with its contacts",
    )
    who.add_argument(
        "--phone", metavar="NUMBER", help="the person as a caller's number, in any format"
    )
    privacy.add_argument(
        "--request",
        metavar="TEXT",
        help="erase: how the person asked (a letter's number, the day of the call), audited",
    )
    privacy.add_argument("--format", choices=("json", "csv"), default="json", help="export")
    privacy.add_argument("--output", metavar="FILE", help="export: write here, not stdout")
    privacy.add_argument("--yes", action="store_true", help="erase without asking again")
    privacy.add_argument(
        "--dry-run", action="store_true", help="purge: say what it would anonymise, change nothing"
    )


def parse_now(text: str, timezone: str = SITE_TIMEZONE) -> datetime:
    """An ISO instant; without an offset it is read in the site's zone."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise UsageError(
            f"--now: {text!r} is not a date and time; write it like 2026-11-23T09:00+08:00"
        ) from error
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=site_zone(timezone))
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
    try:
        timezone = site_timezone(environ)
    except ValueError as error:
        raise UsageError(str(error)) from error
    # the clock before any folder: --now is read in the site's zone
    clock: Clock = OffsetClock(parse_now(now, timezone)) if now else SystemClock()
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
        site_timezone=timezone,
    )
    return settings, clock
