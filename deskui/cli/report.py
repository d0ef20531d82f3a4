"""`deskui report team --from DATE --to DATE --format xlsx|pdf`: the command line's side of
the team report: the team report service's figures (deskui/services/team_report.py), laid
out by deskui.report as the measures screen's `x` lays them out."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from deskui.cli.common import (
    CommandRefused,
    UsageError,
    open_database,
    output_file,
    say,
    signed_in,
)
from deskui.domain.clock import site_zone
from deskui.domain.periods import days_between
from deskui.report import period_title, team_sheets, write_pdf, write_xlsx

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.domain.clock import Clock


def report_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    """`deskui report team --from DATE --to DATE --format xlsx|pdf [--output FILE]`: a lead or
    manager (Action.SEE_TEAM) signs in as for `deskui audit`."""
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.permissions import Action
    from deskui.domain.refusal import Invalid
    from deskui.i18n import set_locale
    from deskui.services.team_report import TeamReport, team_report

    now = clock.now()
    set_locale(settings.locale)
    zone = site_zone(settings.site_timezone)
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
        try:
            report = team_report(uow, actor, TeamReport(period, settings.site_timezone), now)
        except Invalid as error:
            raise UsageError(say(error.key, settings, **error.values)) from error
    sheets = team_sheets(report, zone)
    title = period_title(period)
    write = write_xlsx if args.format == "xlsx" else write_pdf
    if args.output:
        with output_file(args.output, binary=True) as target:
            write(sheets, title, target)
    elif sys.stdout.isatty():
        raise UsageError(f"--format {args.format} is binary: give --output FILE or redirect")
    else:
        write(sheets, title, sys.stdout.buffer)
    if args.output:
        print(args.output)
    return 0


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise UsageError(f"{flag}: {text!r} is not a date like 2026-10-01") from error
