"""The command line (`deskui`, `python -m deskui`): a front end beside the screens. It parses
the flags (cli.parser), then hands the command to its own module, which signs in and calls
the services: the desk itself and `db upgrade` (cli.desk), `db backup` and `db restore`
(cli.backup), `export`, `agent` (cli.accounts), `audit`, `report`, `privacy`, `phone` and `web`. A
command module is imported only when its command runs, and imports only cli.common of this
package: no module reaches back into another.

A new command group is its subparser in cli.parser, a module here (`<group>_command(settings,
clock, args) -> int`, calling services; `signed_in` gives the actor the table allows) and one
branch in `main`."""

from __future__ import annotations

import sys

from deskui.cli.common import CommandRefused, UsageError
from deskui.cli.parser import EXPORT_KINDS, build_parser, check_url, parse_now, resolve

__all__ = [
    "EXPORT_KINDS",
    "CommandRefused",
    "UsageError",
    "build_parser",
    "check_url",
    "main",
    "parse_now",
    "resolve",
]


def main(argv: list[str] | None = None) -> int:
    import os
    import shutil

    from deskui.crash import CRASH_STATUS
    from deskui.locations import private_umask

    args = build_parser().parse_args(argv)
    private_umask()  # what any command writes is the desk account's alone (issue 23)
    try:
        from deskui.cli.desk import web_grant

        grant = web_grant(args)
        settings, clock = resolve(args, dict(os.environ))
        status: int | None = None
        try:
            if args.command == "export":
                from deskui.cli.export import export_command

                status = export_command(settings, clock, args)
            elif args.command == "db" and args.action != "upgrade":
                from deskui.cli.backup import backup_command, restore_command

                db_command = backup_command if args.action == "backup" else restore_command
                status = db_command(settings, clock, args)
            elif args.command == "db":
                from deskui.cli.desk import upgrade

                status = upgrade(settings)
            elif args.command == "agent":
                from deskui.cli.accounts import agent_command

                status = agent_command(settings, clock, args, dict(os.environ))
            elif args.command == "audit":
                from deskui.cli.audit import audit_command

                status = audit_command(settings, clock, args)
            elif args.command == "report":
                from deskui.cli.report import report_command

                status = report_command(settings, clock, args)
            elif args.command == "phone":
                from deskui.cli.phone import phone_command

                status = phone_command(settings, clock, args)
            elif args.command == "privacy":
                from deskui.cli.privacy import privacy_command

                status = privacy_command(settings, clock, args)
            elif args.command == "web":
                from deskui.cli.web import web_command

                status = web_command(settings, clock, args)
            else:
                from deskui.cli.desk import run

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
    except CommandRefused as error:  # a sign-in or permission refusal: one line, non-zero
        print(f"deskui: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 130
