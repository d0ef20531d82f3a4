"""A person's data on request (PIPL, issue 28): a manager shows everything held about one
person (a contact, a customer that is a person, or a caller's number), exports it for them
(art. 45) and erases it on request (art. 47); the site retention's purge anonymises records
closed long ago.

Only a manager (Action.PERSONAL_DATA); a lead's or agent's try is refused (audited by the
front end: the command line's sign-in, the desk's runner). Each request is one unit of work
and one audit line: who did it (the actor), when (now), about whom (`contact 12`, or `phone`:
never the number) and, for an erasure, the request as the manager referred to it, with the
person's own pieces masked should the reference hold them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from deskui.data.person_files import (
    SiteFolders,
    redact_team_reports,
    remove_person_files,
    reprint_handover_reports,
)
from deskui.data.privacy_store import Holder
from deskui.data.site_files import safe_file_name, write_export
from deskui.data.unit_of_work import UnitOfWork
from deskui.desk_log import keep_days, prune_desk_files
from deskui.documents import Table
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.permissions import HOST_ADMIN, Action
from deskui.domain.privacy import Person, phone_of, retention_cutoff, scrub
from deskui.domain.refusal import refuse_problems
from deskui.domain.visible_text import says_nothing, visible
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.config import Settings

__all__ = [
    "ErasePerson",
    "ExportPerson",
    "Holder",
    "PersonErased",
    "PersonFile",
    "PersonFound",
    "PersonQuery",
    "Purge",
    "Purged",
    "SiteFolders",
    "erase_person",
    "export_person",
    "purge",
    "show_person",
    "site_folders",
]


@dataclass(frozen=True, slots=True)
class PersonQuery:
    """Whom a request is about: a contact by id, a customer that is a person by id (with its
    contacts), or a phone number in any format; one of the three."""

    contact_id: int | None = None
    phone: str = ""
    customer_id: int | None = None


@dataclass(frozen=True, slots=True)
class PersonFound:
    """What is held about the person: one table per kind of record (times in UTC), and who
    holds the number asked for (several: a shared number, listed, not one person's)."""

    subject: str
    tables: dict[str, Table]
    holders: tuple[Holder, ...] = ()
    files: tuple[PersonFile, ...] = ()
    """Their attachments' bytes (an export asked with ExportPerson only)."""
    written: tuple[Path, ...] = ()
    """The attachment files written (ExportPerson.files_to)."""

    @property
    def shared(self) -> bool:
        return _shared(list(self.holders))


@dataclass(frozen=True, slots=True)
class ExportPerson:
    """An export for the person (art. 45) with their attachments' bytes, read from the
    site's attachment folder (`attachments`) for those kept as files."""

    who: PersonQuery
    attachments: Path | None = None
    files_to: Path | None = None
    """Where to write their attachments' bytes (a folder made 0700, each file 0600 as
    `<attachment id>-<its name made safe>`, never over a file); None: not written."""


@dataclass(frozen=True, slots=True)
class PersonFile:
    """One of the person's attachments for their export: its id, its name as attached, and
    its bytes (None: no longer found, or erased)."""

    attachment_id: int
    name: str
    content: bytes | None


@dataclass(frozen=True, slots=True)
class ErasePerson:
    who: PersonQuery
    request: str
    """The request as the manager refers to it (a letter's number, the day of the call):
    kept in the audit line, control characters as their escapes; not the person's name or
    number (masked if it holds them)."""
    folders: SiteFolders | None = None
    """This host's folders where the person's files may be (their attachments kept as
    files, the replies written for them, copies saved out): removed once the erasure
    committed. None: the database alone (a desk of another machine keeps its own)."""


@dataclass(frozen=True, slots=True)
class PersonErased:
    subject: str
    records: dict[str, int]
    """How many rows of each table were changed (none for a request already fulfilled)."""
    files: int = 0
    """How many of the person's files were removed from this host's folders."""
    files_failed: int = 0
    """Files found but not removed (the file system refused): the site removes them."""

    @property
    def total(self) -> int:
        return sum(self.records.values()) + self.files


@dataclass(frozen=True, slots=True)
class Purge:
    dry_run: bool = False
    files: Path | None = None
    """The desk's files folder (deskui/locations.files_dir): its desks' logs and crash
    reports older than the site keeps them (site setting log.days) are deleted too."""


@dataclass(frozen=True, slots=True)
class Purged:
    cutoff: datetime | None
    """Records closed before this were (or would be) anonymised; None: retention is off."""
    records: dict[str, int]
    applied: bool
    logs: int = 0
    """How many desk logs and crash reports were deleted (Purge.files)."""
    log_days: int = 0
    """The days they are kept (the site's setting, or the host's DESKUI_LOG_DAYS)."""


def show_person(uow: UnitOfWork, actor: Actor, query: PersonQuery, now: datetime) -> PersonFound:
    """Everything held about the person; the reading is audited (`privacy_show`)."""
    require(actor, Action.PERSONAL_DATA)
    subject, person, holders = _person(uow, query)
    found = PersonFound(subject, uow.privacy.person_tables(person), tuple(holders))
    _audit(uow, actor, "privacy_show", subject, now, {})
    uow.commit()
    return found


def export_person(
    uow: UnitOfWork, actor: Actor, command: PersonQuery | ExportPerson, now: datetime
) -> PersonFound:
    """Everything held about the person, for them (art. 45), with their attachments' bytes
    when asked with ExportPerson: refused for a shared number; the export is audited
    (`privacy_export`, with how many rows and files left)."""
    require(actor, Action.PERSONAL_DATA)
    query = command.who if isinstance(command, ExportPerson) else command
    subject, person, holders = _person(uow, query)
    _refuse_shared(holders)
    tables = uow.privacy.person_tables(person)
    files: tuple[PersonFile, ...] = ()
    written: list[Path] = []
    if isinstance(command, ExportPerson):
        held = uow.privacy.attachment_contents(person, command.attachments)
        files = tuple(PersonFile(*found) for found in held)
        if command.files_to is not None:
            for file in files:
                if file.content is not None:
                    name = f"{file.attachment_id}-{safe_file_name(file.name)}"
                    written.append(write_export(command.files_to, name, file.content))
    rows = sum(len(rows) for _, rows in tables.values())
    detail: dict[str, object] = {"rows": rows}
    if files:
        detail["files"] = sum(1 for f in files if f.content is not None)
    _audit(uow, actor, "privacy_export", subject, now, detail)
    uow.commit()
    return PersonFound(subject, tables, tuple(holders), files, tuple(written))


def site_folders(settings: Settings) -> SiteFolders:
    """This host's folders that may hold a person's files: the attachment folder, the
    written replies, the export folder and the printed reports (deskui/locations.py)."""
    from deskui.locations import attachment_dir, export_dir, replies_dir, reports_dir

    return SiteFolders(
        attachment_dir(settings),
        replies_dir(settings),
        export_dir(settings),
        reports_dir(settings),
        settings.site_timezone,
    )


def erase_person(
    uow: UnitOfWork, actor: Actor, command: ErasePerson, now: datetime
) -> PersonErased:
    """The person's personal fields blanked on every record, the records kept (art. 47);
    refused for a shared number (name the contact) or without the request's reference.
    Erasing again finds nothing left, and is audited all the same."""
    require(actor, Action.PERSONAL_DATA)
    request = command.request.strip()
    problems = []
    if says_nothing(request):
        problems.append(FieldProblem("request", "privacy.error.request"))
    elif len(request) > limit(FieldKind.SHORT_TEXT):
        problems.append(
            FieldProblem(
                "request", "privacy.error.too_long", (("max", limit(FieldKind.SHORT_TEXT)),)
            )
        )
    refuse_problems(problems)
    subject, person, holders = _person(uow, command.who)
    _refuse_shared(holders)
    held = uow.privacy.attachment_files(person)
    tickets = uow.privacy.ticket_ids(person)
    reports = uow.privacy.handover_reports_naming(person)
    records = uow.privacy.erase(person, now)
    detail: dict[str, object] = {
        "request": scrub(visible(request, one_line=True), person.needles),
        "records": sum(records.values()),
    }
    _audit(uow, actor, "privacy_erase", subject, now, detail)
    uow.commit()
    if records:
        uow.privacy.forget_freed()
    if command.folders is None:
        return PersonErased(subject, records)
    # after the commit: a file removed for an erasure that then failed could not come back
    folders = command.folders
    records_now = [uow.handover.handover_report(i) for i in reports]
    done = (
        remove_person_files(folders, held, tickets),
        reprint_handover_reports(folders.reports, records_now, folders.timezone),
        redact_team_reports(folders.reports, person.needles),
    )
    count = sum(len(d.removed) for d in done)
    failed = sum(d.failed for d in done)
    if count or failed:
        files: dict[str, object] = {"files": count, "failed": failed}
        _audit(uow, actor, "privacy_erase_files", subject, now, files)
        uow.commit()
    return PersonErased(subject, records, count, failed)


def purge(uow: UnitOfWork, actor: Actor, command: Purge, now: datetime) -> Purged:
    """Records closed longer ago than the site's retention (privacy.retention) lose their
    personal fields, and the desks' logs older than the site keeps them (log.days) go; a dry
    run counts the records and writes or deletes nothing. Audited (`privacy_purge`). A
    manager, or the host's administrator (the site's nightly timer): the retention is the
    site's own rule, applied to no person in particular."""
    require(actor, Action.PURGE_PERSONAL_DATA)
    days = keep_days(site_days=uow.rules.log_days)
    logs = 0
    if command.files is not None and not command.dry_run:
        logs = len(prune_desk_files(command.files, uow.rules.log_days))
    cutoff = retention_cutoff(now, uow.rules.retention_days)
    if cutoff is None:
        return Purged(None, {}, applied=False, logs=logs, log_days=days)
    records = uow.privacy.purge(cutoff, apply=not command.dry_run)
    if command.dry_run:
        return Purged(cutoff, records, applied=False, log_days=days)
    detail: dict[str, object] = {"cutoff": cutoff.isoformat(), "records": sum(records.values())}
    if logs:
        detail["logs"] = logs
    _audit(uow, actor, "privacy_purge", "", now, detail)
    uow.commit()
    return Purged(cutoff, records, applied=True, logs=logs, log_days=days)


def _person(uow: UnitOfWork, query: PersonQuery) -> tuple[str, Person, list[Holder]]:
    """The person asked for, what the audit calls them, and who holds the number asked for."""
    named = (query.contact_id is not None, query.customer_id is not None, bool(query.phone.strip()))
    if sum(named) != 1:
        refuse_problems([FieldProblem("person", "privacy.error.who")])
    if query.contact_id is not None:
        if not uow.privacy.contact_exists(query.contact_id):
            refuse_problems(
                [FieldProblem("contact", "privacy.error.contact", (("id", query.contact_id),))]
            )
        return f"contact {query.contact_id}", uow.privacy.person_of_contact(query.contact_id), []
    if query.customer_id is not None:
        if not uow.privacy.customer_exists(query.customer_id):
            refuse_problems(
                [FieldProblem("customer", "privacy.error.customer", (("id", query.customer_id),))]
            )
        person = uow.privacy.person_of_customer(query.customer_id)
        return f"customer {query.customer_id}", person, []
    number = phone_of(query.phone)
    if number is None:
        refuse_problems([FieldProblem("phone", "privacy.error.phone")])
        raise AssertionError  # refuse_problems raised
    holders = uow.privacy.holders(number)
    one = holders[0] if len(holders) == 1 and holders[0].contact_id is not None else None
    if _shared(holders):
        return "phone", uow.privacy.person_of_number(number, None), holders
    return "phone", uow.privacy.person_of_number(number, one), holders


def _shared(holders: list[Holder]) -> bool:
    """A number held by more than one profile, or by a customer's own line: not one
    contact's (domain/privacy); a customer's line is asked for by the customer's id, so that
    typing a company's switchboard never erases the company."""
    return len(holders) > 1 or any(h.contact_id is None for h in holders)


def _refuse_shared(holders: list[Holder]) -> None:
    if len(holders) == 1 and holders[0].contact_id is None:  # a customer's own line
        line = (("customer", holders[0].customer_id),)
        refuse_problems([FieldProblem("phone", "privacy.error.customer_line", line)])
    if _shared(holders):
        contacts = [str(h.contact_id) for h in holders if h.contact_id is not None]
        customers = [str(h.customer_id) for h in holders if h.contact_id is None]
        values = (
            ("contacts", ", ".join(contacts) or "-"),
            ("customers", ", ".join(customers) or "-"),
        )
        refuse_problems([FieldProblem("phone", "privacy.error.shared", values)])


def _audit(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    subject: str,
    now: datetime,
    detail: dict[str, object],
) -> None:
    agent_id = None if actor.role == HOST_ADMIN else actor.id  # the host has no account row
    uow.audit.write(
        now, action, agent_id=agent_id, agent_name=actor.name, subject=subject, detail=detail
    )
