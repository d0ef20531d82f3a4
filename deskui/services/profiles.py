"""Customer profiles (客户资料, seed 000:1): filing and editing a customer with its principal,
its contacts, a lead's sharing customers out (seed 000:1.3), importing a sheet of customers;
and the customer list, one customer's detail and the contact pick list as read queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.history import HistoryEntry, Value
from deskui.data.profile_records import (
    ContactDetail,
    ContactDraft,
    CustomerDetail,
    CustomerDraft,
    CustomerRow,
    ImportOutcome,
    SaveResult,
)
from deskui.data.relations_store import ContactChoice
from deskui.data.tabular import TableError, read_sheet
from deskui.domain.accounts import masked_email, masked_number, sees_personal
from deskui.domain.clock import SITE_TIMEZONE, site_zone
from deskui.domain.customer_import import ImportReport, Problem, check_contact, parse_rows
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied, require
from deskui.services.errors import Conflict
from deskui.services.host_files import HostFiles, sheet_file

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "AssignCustomers",
    "CheckImport",
    "ContactChoice",
    "ContactChoicePage",
    "ContactDetail",
    "ContactDraft",
    "CustomerDetail",
    "CustomerDraft",
    "CustomerPage",
    "CustomerQuery",
    "CustomerRow",
    "CustomerSaved",
    "CustomersAssigned",
    "HistoryEntry",
    "ImportChecked",
    "ImportCustomers",
    "ImportOutcome",
    "ImportReport",
    "RemoveContact",
    "SaveContact",
    "SaveCustomer",
    "SaveResult",
    "assign_customers",
    "check_import",
    "contact_choice_count",
    "contact_choice_page",
    "customer_count",
    "customer_detail",
    "customer_history",
    "customer_page",
    "import_customers",
    "remove_contact",
    "save_contact",
    "save_customer",
]


# -- reads (no commit) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerPage:
    """A window of the customer list, open filings first: `limit` rows from `offset`."""

    offset: int = 0
    limit: int = 0


def customer_count(uow: UnitOfWork, actor: Actor, page: CustomerPage, now: datetime) -> int:
    require(actor, Action.WORK_OWN)
    return uow.profiles.customer_row_count()


def customer_page(
    uow: UnitOfWork, actor: Actor, page: CustomerPage, now: datetime
) -> list[CustomerRow]:
    require(actor, Action.WORK_OWN)
    rows = uow.profiles.customer_rows(page.offset, page.limit)
    if sees_personal(actor.role, uow.rules.masked_roles):
        return rows
    return [replace(row, phone_e164=masked_number(row.phone_e164)) for row in rows]


@dataclass(frozen=True, slots=True)
class CustomerQuery:
    """One customer, with its contacts and open filings."""

    customer_id: int


def customer_detail(
    uow: UnitOfWork, actor: Actor, query: CustomerQuery, now: datetime
) -> CustomerDetail | None:
    """The customer as the detail and the forms show it; None when it no longer exists."""
    require(actor, Action.WORK_OWN)
    detail = uow.profiles.customer_detail(query.customer_id)
    if detail is None or sees_personal(actor.role, uow.rules.masked_roles):
        return detail
    contacts = tuple(
        replace(
            contact,
            phone_e164=masked_number(contact.phone_e164),
            email=masked_email(contact.email),
            personal_notes=MASKED_NOTES if contact.personal_notes else "",
        )
        for contact in detail.contacts
    )
    return replace(detail, phone_e164=masked_number(detail.phone_e164), contacts=contacts)


MASKED_NOTES = "***"
"""A contact's personal notes as a role the site masks sees them: there, but not what."""


def customer_history(
    uow: UnitOfWork, actor: Actor, query: CustomerQuery, now: datetime
) -> list[HistoryEntry]:
    """Every change to the customer and its contacts, newest first: who, when, each field's
    old and new value. A role the site masks sees phones, e-mail and notes masked here too."""
    require(actor, Action.WORK_OWN)
    entries = uow.customers.customer_history(query.customer_id)
    if sees_personal(actor.role, uow.rules.masked_roles):
        return entries
    return [replace(e, changes=tuple(_masked(*change) for change in e.changes)) for e in entries]


def _masked(field: str, old: Value, new: Value) -> tuple[str, Value, Value]:
    """One change as a masked role sees it: the phone, the e-mail, the notes masked."""

    def mask(value: Value) -> Value:
        if not isinstance(value, str) or not value:
            return value
        if field in ("phone", "contact_phone"):
            return masked_number(value)
        if field == "email":
            return masked_email(value)
        if field == "personal_notes":
            return MASKED_NOTES
        return value

    return field, mask(old), mask(new)


def _require_editing(uow: UnitOfWork, actor: Actor) -> None:
    """Filing and editing profiles is the desk's (not a department member's), and never by
    a role that sees the phones masked: a form filled from a masked record would save the
    stars over the number."""
    require(actor, Action.EDIT_PROFILES)
    if not sees_personal(actor.role, uow.rules.masked_roles):
        raise Denied(Action.EDIT_PROFILES, actor.role)


@dataclass(frozen=True, slots=True)
class ContactChoicePage:
    """Customers with each of their contacts, narrowed by a name or number typed in `search`."""

    search: str = ""
    offset: int = 0
    limit: int = 0


def contact_choice_count(
    uow: UnitOfWork, actor: Actor, page: ContactChoicePage, now: datetime
) -> int:
    require(actor, Action.WORK_OWN)
    return uow.relations.contact_choice_count(page.search)


def contact_choice_page(
    uow: UnitOfWork, actor: Actor, page: ContactChoicePage, now: datetime
) -> list[ContactChoice]:
    require(actor, Action.WORK_OWN)
    choices = uow.relations.contact_choices(page.search, page.offset, page.limit)
    if sees_personal(actor.role, uow.rules.masked_roles):
        return choices
    return [replace(c, phone=masked_number(c.phone) or "") for c in choices]


# -- filing and editing -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaveCustomer:
    """The customer form as typed (its `version` the one the form loaded, None when new), and
    for a new customer its principal contact when any of the principal's fields was typed."""

    customer: CustomerDraft
    principal: ContactDraft | None = None


@dataclass(frozen=True, slots=True)
class CustomerSaved:
    result: SaveResult
    """The customer's save: its id and version, or a conflict, or that it is gone."""
    problems: tuple[Problem, ...] = ()
    """What is wrong with the customer's and the principal's fields, all at once."""

    @property
    def ok(self) -> bool:
        return self.result.ok and not self.problems


def save_customer(
    uow: UnitOfWork, actor: Actor, command: SaveCustomer, now: datetime
) -> CustomerSaved:
    """Save the customer with its version check and, when new, its principal: both in one
    commit or neither. The principal's problems are checked before the customer is saved, so
    the form shows every problem at once. Raises `Conflict` (who saved, when, what) when
    another desk saved the customer since the form loaded it: nothing is written."""
    _require_editing(uow, actor)
    principal = command.principal
    early: tuple[Problem, ...] = ()
    if principal is not None:
        early = tuple(check_contact(_contact_values(principal))[1])
    result = _checked(uow.profiles.save_customer(command.customer, actor.id, now), "customer")
    problems = result.problems + early
    if result.ok and not problems and principal is not None:
        saved = uow.profiles.save_contact(
            replace(principal, customer_id=result.id or 0), now, actor.id
        )
        problems = saved.problems
    if result.ok and not problems:
        uow.commit()  # customer and principal together, or neither
    return CustomerSaved(result, problems)


@dataclass(frozen=True, slots=True)
class SaveContact:
    """One contact of a customer as typed; `version` the one the form loaded (None when new)."""

    contact: ContactDraft


def save_contact(uow: UnitOfWork, actor: Actor, command: SaveContact, now: datetime) -> SaveResult:
    """Save the contact with its version check; committed only when it saved. Raises
    `Conflict` when another desk saved or removed the contact since the form loaded it."""
    _require_editing(uow, actor)
    result = _checked(uow.profiles.save_contact(command.contact, now, actor.id), "contact")
    if result.ok:
        uow.commit()
    return result


@dataclass(frozen=True, slots=True)
class RemoveContact:
    """Remove one contact, as of the version the form loaded."""

    contact_id: int
    version: int


def remove_contact(
    uow: UnitOfWork, actor: Actor, command: RemoveContact, now: datetime
) -> SaveResult:
    """Remove the contact if it is still as the form loaded it, else raise `Conflict`."""
    _require_editing(uow, actor)
    removed = uow.profiles.remove_contact(command.contact_id, command.version, now, actor.id)
    result = _checked(removed, "contact")
    if result.ok:
        uow.commit()
    return result


# -- a lead shares customers out (seed 000:1.3) -----------------------------------------------


@dataclass(frozen=True, slots=True)
class AssignCustomers:
    """Share every unassigned customer out among the agents by their loads."""


@dataclass(frozen=True, slots=True)
class CustomersAssigned:
    count: int
    """How many customers got an agent."""


def assign_customers(
    uow: UnitOfWork, actor: Actor, command: AssignCustomers, now: datetime
) -> CustomersAssigned:
    """Each customer's history says who shared it to whom; the audit keeps the lead's action
    (how many customers, to how many agents) when any customer got an agent."""
    require(actor, Action.REASSIGN)
    mapping = uow.profiles.run_assignment(now, by_agent_id=actor.id)
    if mapping:
        uow.audit.write(
            now,
            "customers_assigned",
            agent_id=actor.id,
            agent_name=actor.name,
            subject="customers",
            detail={"customers": len(mapping), "agents": len(set(mapping.values()))},
        )
    uow.commit()
    return CustomersAssigned(len(mapping))


# -- import from a sheet ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckImport:
    """A sheet of customers (CSV or a workbook) to check before anything is filed."""

    path: str
    host: HostFiles | None = None
    """On a team desk `path` is a file name of the site's inbox (issue 23)."""


@dataclass(frozen=True, slots=True)
class ImportChecked:
    report: ImportReport
    """Each line: fine, or what is wrong with it."""
    outcome: ImportOutcome
    """What the import would file now (a dry run: nothing was written)."""


def check_import(
    uow: UnitOfWork, actor: Actor, command: CheckImport, now: datetime
) -> ImportChecked:
    """The dry run: read the sheet, check each line against the customers already filed and
    say what importing would do; writes nothing. Raises `TableError` (a catalog key) when the
    file cannot be read as a table."""
    _require_editing(uow, actor)
    try:
        with sheet_file(uow, command.host, command.path) as path:
            sheet = read_sheet(path)
    except FrontDeskError as error:  # not a file of the inbox, on a team desk
        raise TableError(error.key) from error
    today = now.astimezone(site_zone(SITE_TIMEZONE)).date()
    report = parse_rows(sheet.rows, uow.profiles.existing_phones(), sheet.headers, today)
    outcome = uow.profiles.import_customers(report, 0, now, dry_run=True)
    return ImportChecked(report, outcome)


@dataclass(frozen=True, slots=True)
class ImportCustomers:
    """The checked report the agent accepted: its good lines are filed."""

    report: ImportReport


def import_customers(
    uow: UnitOfWork, actor: Actor, command: ImportCustomers, now: datetime
) -> ImportOutcome:
    """File the report's good lines for the actor; lines whose phone someone filed since the
    check are skipped and said in the outcome. An import that filed any is an audit line
    (how many filed and skipped: no name or number)."""
    _require_editing(uow, actor)
    outcome = uow.profiles.import_customers(command.report, actor.id, now, dry_run=False)
    if outcome.created:  # people's names and numbers filed from a file, as an export's leave
        uow.audit.write(
            now,
            "customers_imported",
            agent_id=actor.id,
            agent_name=actor.name,
            subject="customers",
            detail={"customers": outcome.created, "skipped": len(outcome.skipped_lines)},
        )
    uow.commit()
    return outcome


def _checked(result: SaveResult, record: str) -> SaveResult:
    """The store's version check as the services answer it: a save that lost the race is a
    raised `Conflict` (the store compares versions inside this transaction, where a check
    made before it could go stale); every other result comes back as it is."""
    if not result.conflict:
        return result
    if result.theirs is not None:
        raise result.theirs
    # a contact's conflict carries no field values (the contact form shows none)
    raise Conflict(record, result.id or 0, "", None, result.version or 0)


def _contact_values(draft: ContactDraft) -> dict[str, object]:
    """A contact draft as the raw fields the domain's contact check reads."""
    return {
        "contact": draft.name,
        "role": draft.role,
        "position": draft.position,
        "contact_phone": draft.phone,
        "email": draft.email,
        "gender": draft.gender,
        "birthday": draft.birthday,
        "convenient_time": draft.convenient_time,
        "personal_notes": draft.personal_notes,
    }
