"""`deskui privacy`: a person's data on request (PIPL, issue 28), a manager's.

    deskui privacy show   --contact ID | --customer ID | --phone NUMBER
    deskui privacy export --contact ID | --customer ID | --phone NUMBER [--format json|csv]
                          [--output FILE]
    deskui privacy erase  --contact ID | --customer ID | --phone NUMBER --request TEXT [--yes]
    deskui privacy purge  [--dry-run]

A number is typed in any format (`139 1234 5678`, `+86-139-1234-5678`). `purge` anonymises
records closed longer ago than the site's retention (site setting privacy.retention): the
site's timer (deploy/systemd/deskui-purge.service) runs `deskui privacy purge` without --agent,
as the host's administrator, as `db backup` does; a manager may run it with --agent. Every run
is audited by the service; a lead's or agent's try is refused at sign-in and the refusal audited."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskui.cli.common import (
    CommandRefused,
    UsageError,
    local_time,
    open_database,
    output_file,
    say,
    signed_in,
)
from deskui.domain.permissions import Action

if TYPE_CHECKING:
    from deskui.config import Settings
    from deskui.documents import Table
    from deskui.domain.clock import Clock


def privacy_command(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.refusal import Invalid, Refusal
    from deskui.services import privacy

    action = args.action
    who = privacy.PersonQuery(
        contact_id=args.contact, phone=args.phone or "", customer_id=args.customer
    )
    named = who.contact_id is not None or who.customer_id is not None or who.phone.strip()
    if action != "purge" and not named:
        raise UsageError(say("privacy.person_needed", settings, action=action))
    if action == "erase" and not (args.request or "").strip():
        raise UsageError(say("privacy.request_needed", settings))
    database = open_database(settings, clock, seed_demo=settings.demo)
    try:
        if action == "purge" and not settings.agent_name:
            import getpass

            from deskui.services.backups import host_actor

            actor = host_actor(getpass.getuser())  # the site's timer, as `db backup` runs
        else:
            needed = Action.PURGE_PERSONAL_DATA if action == "purge" else Action.PERSONAL_DATA
            actor = signed_in(settings, clock, database, needed)
    except CommandRefused as error:
        print(f"deskui: {error}", file=sys.stderr)
        return error.status
    subject = _subject(who, settings)
    if action == "erase" and not _confirmed(args.yes, subject, settings):
        print(say("privacy.not_confirmed", settings), file=sys.stderr)
        return 1
    with UnitOfWork(database) as uow:
        try:
            if action == "show":
                found = privacy.show_person(uow, actor, who, clock.now())
                _show(found, settings)
            elif action == "export":
                from deskui.locations import attachment_dir

                beside = _files_folder(args.output)
                wanted = privacy.ExportPerson(who, attachment_dir(settings), beside)
                found = privacy.export_person(uow, actor, wanted, clock.now())
                _export(found, subject, args.format, args.output, settings)
            elif action == "erase":
                folders = privacy.site_folders(settings)
                command = privacy.ErasePerson(who, args.request, folders)
                erased = privacy.erase_person(uow, actor, command, clock.now())
                key = "privacy.erased" if erased.total else "privacy.erased_nothing"
                print(say(key, settings, subject=subject, count=erased.total))
                if erased.files:
                    print(say("privacy.erased_files", settings, count=erased.files))
                if erased.files_failed:
                    failed = say("privacy.files_failed", settings, count=erased.files_failed)
                    print(failed, file=sys.stderr)
                waiting = _journal_waiting(settings)
                if waiting:
                    print(say("privacy.journal_waiting", settings, count=waiting), file=sys.stderr)
            else:
                from deskui.locations import files_dir

                purging = privacy.Purge(args.dry_run, files_dir(settings))
                purged = privacy.purge(uow, actor, purging, clock.now())
                _purged(purged, settings)
        except Invalid as error:
            raise UsageError(say(error.key, settings, **error.values)) from error
        except Refusal as error:  # the attachments could not be written beside the export
            key = str(getattr(error, "key", error))
            values = dict(getattr(error, "values", {}) or {})
            raise UsageError(say(key, settings, **values)) from error
    return 0


def _journal_waiting(settings: Settings) -> int:
    """Call events the phone bridge of this host journaled while the database was away and
    has not stored yet (deskui/phone/journal.py): stored after an erasure, they would hold
    the number again. Counted, never read into the output."""
    from deskui.phone.bridge import journal_path

    path = journal_path(settings)
    count = 0
    for held in (path, path.with_name(path.name + ".tmp")):
        try:
            with held.open("rb") as stream:
                count += sum(1 for line in stream if line.strip())
        except OSError:
            continue
    return count


def _subject(who: Any, settings: Settings) -> str:
    if who.contact_id is not None:
        return f"{say('privacy.contact_word', settings)} {who.contact_id}"
    if who.customer_id is not None:
        return f"{say('privacy.customer_word', settings)} {who.customer_id}"
    return say("privacy.phone_word", settings)


def _confirmed(yes: bool, subject: str, settings: Settings) -> bool:
    """An erasure cannot be undone: `--yes`, or `yes` typed at a terminal."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(say("privacy.confirm_needed", settings))
    return input(say("privacy.confirm", settings, subject=subject)).strip().lower() == "yes"


def _local_tables(tables: dict[str, Table], settings: Settings) -> dict[str, Table]:
    """Times in the site's zone (stored in UTC), as every export shows them."""
    from deskui.domain.clock import site_zone

    zone = site_zone(settings.site_timezone)

    def local(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(zone).isoformat(timespec="minutes")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return "; ".join(f"{k}={v}" for k, v in value.items())
        return "" if value is None else value

    return {
        name: (headers, [[local(v) for v in row] for row in rows])
        for name, (headers, rows) in tables.items()
    }


def _show(found: Any, settings: Settings) -> None:
    """Each kind of record held, under its heading, as CSV (escapes shown on a terminal)."""
    from deskui.documents.csv_file import write_csv
    from deskui.domain.visible_text import visible

    terminal = sys.stdout.isatty()
    if found.shared:
        contacts = ", ".join(str(h.contact_id) for h in found.holders if h.contact_id) or "-"
        customers = ", ".join(str(h.customer_id) for h in found.holders if not h.contact_id)
        print(say("privacy.error.shared", settings, contacts=contacts, customers=customers or "-"))
    tables = _local_tables(found.tables, settings)
    rows = sum(len(r) for _, r in tables.values())
    print(
        say("privacy.found", settings, subject=_shown_subject(found.subject, settings), rows=rows)
    )
    if not rows:
        print(say("privacy.nothing", settings))
    for name, table in tables.items():
        if table[1]:
            print()
            print(f"## {visible(say(f'privacy.section.{name}', settings))} ({len(table[1])})")
            write_csv(table, sys.stdout, terminal=terminal)


def _shown_subject(subject: str, settings: Settings) -> str:
    for word in ("contact", "customer"):
        if subject.startswith(f"{word} "):
            return f"{say(f'privacy.{word}_word', settings)} {subject.removeprefix(word + ' ')}"
    return say("privacy.phone_word", settings)


def _export(found: Any, subject: str, fmt: str, output: str | None, settings: Settings) -> None:
    """The person's records as one JSON object or one CSV (section, row, column, value)."""
    from deskui.documents.csv_file import write_csv
    from deskui.documents.json_file import write_json

    tables = found.tables
    if fmt == "csv":
        local = _local_tables(tables, settings)
        long: Table = (
            ["section", "row", "column", "value"],
            [
                [name, index, column, value]
                for name, (headers, rows) in local.items()
                for index, row in enumerate(rows, start=1)
                for column, value in zip(headers, row, strict=True)
            ],
        )
    if output is None:
        if fmt == "csv":
            write_csv(long, sys.stdout, terminal=sys.stdout.isatty())
        else:
            write_json(tables, sys.stdout)
        held = sum(1 for f in found.files if f.content is not None)
        if held:  # bytes never go to a terminal or a pipe mixed with the records
            print(say("privacy.files_need_output", settings, count=held), file=sys.stderr)
        return
    with output_file(output, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as f:
        if fmt == "csv":
            write_csv(long, f)
        else:
            write_json(tables, f)
    rows = sum(len(r) for _, r in tables.values())
    print(
        say("privacy.exported", settings, rows=rows, subject=subject, output=output),
        file=sys.stderr,
    )
    _export_files(found, settings)


def _files_folder(output: str | None) -> Path | None:
    """Where the person's attachments go beside an export to a file: `<its name>-attachments/`
    (none for an export to the terminal: bytes are never mixed into the records)."""
    if output is None:
        return None
    target = Path(output)
    return target.with_name(f"{target.stem}-attachments")


def _export_files(found: Any, settings: Settings) -> None:
    if found.written:
        folder = found.written[0].parent
        print(
            say("privacy.exported_files", settings, count=len(found.written), folder=folder),
            file=sys.stderr,
        )


def _purged(purged: Any, settings: Settings) -> None:
    if purged.logs:
        print(say("privacy.logs_pruned", settings, count=purged.logs, days=purged.log_days))
    if purged.cutoff is None:
        print(say("privacy.retention_off", settings))
        return
    counts = "; ".join(
        f"{say(f'privacy.section.{_PURGED_AS[name]}', settings)} {count}"
        for name, count in sorted(purged.records.items())
    )
    key = "privacy.purged" if purged.applied else "privacy.purge_would"
    print(say(key, settings, cutoff=local_time(purged.cutoff, settings), counts=counts))


_PURGED_AS = {
    "ticket": "tickets",
    "call": "calls",
    "callback": "callbacks",
    "visit": "visits",
    "phone_message": "messages",
    "contractor_pass": "passes",
}
"""The purge's record kinds by their headings' words."""
