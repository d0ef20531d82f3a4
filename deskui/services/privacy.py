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

from deskui.data.privacy_store import Holder
from deskui.data.unit_of_work import UnitOfWork
from deskui.documents import Table
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.permissions import HOST_ADMIN, Action
from deskui.domain.privacy import Person, phone_of, retention_cutoff, scrub
from deskui.domain.refusal import refuse_problems
from deskui.domain.visible_text import says_nothing, visible
from deskui.services.actor import Actor, require

__all__ = [
    "ErasePerson",
    "Holder",
    "PersonErased",
    "PersonFound",
    "PersonQuery",
    "Purge",
    "Purged",
    "erase_person",
    "export_person",
    "purge",
    "show_person",
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

    @property
    def shared(self) -> bool:
        return _shared(list(self.holders))


@dataclass(frozen=True, slots=True)
class ErasePerson:
    who: PersonQuery
    request: str
    """The request as the manager refers to it (a letter's number, the day of the call):
    kept in the audit line, control characters as their escapes; not the person's name or
    number (masked if it holds them)."""


@dataclass(frozen=True, slots=True)
class PersonErased:
    subject: str
    records: dict[str, int]
    """How many rows of each table were changed (none for a request already fulfilled)."""

    @property
    def total(self) -> int:
        return sum(self.records.values())


@dataclass(frozen=True, slots=True)
class Purge:
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class Purged:
    cutoff: datetime | None
    """Records closed before this were (or would be) anonymised; None: retention is off."""
    records: dict[str, int]
    applied: bool


def show_person(uow: UnitOfWork, actor: Actor, query: PersonQuery, now: datetime) -> PersonFound:
    """Everything held about the person; the reading is audited (`privacy_show`)."""
    require(actor, Action.PERSONAL_DATA)
    subject, person, holders = _person(uow, query)
    found = PersonFound(subject, uow.privacy.person_tables(person), tuple(holders))
    _audit(uow, actor, "privacy_show", subject, now, {})
    uow.commit()
    return found


def export_person(uow: UnitOfWork, actor: Actor, query: PersonQuery, now: datetime) -> PersonFound:
    """Everything held about the person, for them (art. 45): refused for a shared number;
    the export is audited (`privacy_export`, with how many rows left)."""
    require(actor, Action.PERSONAL_DATA)
    subject, person, holders = _person(uow, query)
    _refuse_shared(holders)
    tables = uow.privacy.person_tables(person)
    rows = sum(len(rows) for _, rows in tables.values())
    _audit(uow, actor, "privacy_export", subject, now, {"rows": rows})
    uow.commit()
    return PersonFound(subject, tables, tuple(holders))


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
    records = uow.privacy.erase(person, now)
    detail: dict[str, object] = {
        "request": scrub(visible(request, one_line=True), person.needles),
        "records": sum(records.values()),
    }
    _audit(uow, actor, "privacy_erase", subject, now, detail)
    uow.commit()
    return PersonErased(subject, records)


def purge(uow: UnitOfWork, actor: Actor, command: Purge, now: datetime) -> Purged:
    """Records closed longer ago than the site's retention (privacy.retention) lose their
    personal fields; a dry run counts them and writes nothing. Audited (`privacy_purge`). A
    manager, or the host's administrator (the site's nightly timer): the retention is the
    site's own rule, applied to no person in particular."""
    require(actor, Action.PURGE_PERSONAL_DATA)
    cutoff = retention_cutoff(now, uow.rules.retention_days)
    if cutoff is None:
        return Purged(None, {}, applied=False)
    records = uow.privacy.purge(cutoff, apply=not command.dry_run)
    if command.dry_run:
        return Purged(cutoff, records, applied=False)
    detail: dict[str, object] = {"cutoff": cutoff.isoformat(), "records": sum(records.values())}
    _audit(uow, actor, "privacy_purge", "", now, detail)
    uow.commit()
    return Purged(cutoff, records, applied=True)


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
