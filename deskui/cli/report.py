"""`deskui report team --from DATE --to DATE --format xlsx|pdf`: the command line's side of
the team report (deskui.report lays it out), apart so a screen can write the same report
without reaching the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from deskui.cli.common import CommandRefused, UsageError, open_database, signed_in
from deskui.domain.periods import days_between
from deskui.report import period_title, team_report, write_pdf, write_xlsx

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.domain.clock import Clock


def report_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    """`deskui report team --from DATE --to DATE --format xlsx|pdf [--output FILE]`: a lead or
    manager (Action.SEE_TEAM) signs in as for `deskui audit`."""
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.permissions import Action
    from deskui.i18n import set_locale

    set_locale(settings.locale)
    zone = ZoneInfo(settings.site_timezone)
    first, last = _day(args.since, "--from"), _day(args.until, "--to")
    if last < first:
        raise UsageError(f"--to {last} is before --from {first}")
    period = days_between(first, last, settings.site_timezone)
    database = open_database(settings, clock, seed_demo=settings.demo)
    try:
        actor = signed_in(settings, clock, database, Action.SEE_TEAM)
    except CommandRefused as error:
        print(f"deskui: {error}", file=sys.stderr)
        return error.status
    with UnitOfWork(database) as uow:
        sheets = team_report(uow, actor, period, clock.now(), zone)
    title = period_title(period)
    target: Path | Any
    if args.output:
        target = Path(args.output)
    elif sys.stdout.isatty():
        raise UsageError(f"--format {args.format} is binary: give --output FILE or redirect")
    else:
        target = sys.stdout.buffer
    if args.format == "xlsx":
        write_xlsx(sheets, title, target)
    else:
        write_pdf(sheets, title, target)
    if args.output:
        print(args.output)
    return 0


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise UsageError(f"{flag}: {text!r} is not a date like 2026-10-01") from error
