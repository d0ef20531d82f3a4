"""A person's data on request (PIPL, issue 28): who holds a number, everything held about a
person as tables, and their erasure; the site retention's purge of closed records.

The rules (which fields are personal, how a text is masked) are deskui.domain.privacy's; this
store finds the rows and writes them in the service's one transaction. History entries are
rewritten here and only here: an erasure is the one change the append-only history allows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, String, Text, cast, false, or_, select, text
from sqlalchemy import inspect as sa_inspect

from deskui.data import models as m
from deskui.data.frontdesk_store import ERASED_STORAGE
from deskui.data.person_files import HeldFile, read_held
from deskui.data.store_base import StoreBase
from deskui.documents import Table
from deskui.domain.privacy import (
    CONTACT_BLANKS,
    CUSTOMER_BLANKS,
    Person,
    blank_personal_pairs,
    json_forms,
    make_person,
    scrub,
    scrub_value,
)


@dataclass(frozen=True, slots=True)
class Holder:
    """A profile holding a number: a contact (`contact_id`) or a customer's own line."""

    customer_id: int
    contact_id: int | None


_CALLER_BLANKS: dict[str, object] = {
    "caller_phone": "",
    "caller_extension": "",
    "caller_email": "",  # issue 26: the caller's e-mail and fax beside the phone (002:2.2.1)
    "caller_fax": "",
}
"""A ticket's caller, as intake took them down: blanked on erasure and by the purge."""

SCRUBBED: tuple[tuple[Any, tuple[str, ...], tuple[str, ...]], ...] = (
    (m.Customer, ("name", "address", "notes"), ()),
    (m.Contact, ("position", "personal_notes", "convenient_time"), ()),
    (m.CustomerChange, ("contact_name",), ("detail",)),
    (
        m.Ticket,
        ("customer_words", "expectation", "answer", "caller_phone", "caller_email", "caller_fax"),
        (),
    ),
    (m.TicketEvent, (), ("detail",)),
    (m.ComplaintRecord, ("cause", "responsible", "result", "reply_text"), ("answers",)),
    (
        m.Callback,
        ("notes", "number", "sales_note", "sales_head", "occasion", "moved_reason"),
        ("answers",),
    ),
    (m.CallbackEvent, (), ("detail",)),
    (m.HandoverItem, ("customer_name", "title", "done_so_far", "next_step", "note"), ()),
    (m.HandoverEvent, (), ("detail",)),
    (m.HandoverReport, ("note",), ("rows",)),
    (m.Order, ("customer", "responsible", "reason"), ()),
    (m.OrderEvent, (), ("detail",)),
    (m.DepartmentLeg, ("note", "measures", "result"), ()),
    (m.Attachment, ("filename",), ()),
    (m.Visit, ("visitor", "company", "purpose", "host", "prepare"), ()),
    (m.ContractorPass, ("people",), ()),
    (m.PhoneMessage, ("from_name", "from_number", "message"), ()),
    (m.Correspondence, ("party", "handed_to", "note", "signed_by"), ()),
    (m.Prospect, ("interest", "outcome", "department_person"), ()),
    (m.ProspectEvent, (), ("detail",)),
    (m.Gift, ("confirm_note",), ()),
    (m.EventInvitee, ("note",), ()),
    (
        m.VisitRequest,
        (
            "reason",
            "decision_note",
            "feedback",
            "confirmation_form",
            "feedback_frequency",
            "feedback_times",
        ),
        (),
    ),
    (m.SurveyForm, ("note", "received_from"), ()),
    (m.Deadline, ("label", "note"), ()),
    (m.Notification, ("text",), ()),
    (m.Draft, (), ("payload",)),
    (m.AuditEntry, ("subject",), ("detail",)),
    (m.Call, ("from_number", "to_number", "party_number"), ()),
    (m.CallEvent, (), ("raw",)),
)
"""Every table and column where free text or a history value may name a person: the
person's pieces are masked there wherever found. Agents' own names (the agent table, who
wrote an audit line) are no customer's data and are not searched."""


class PrivacyStore(StoreBase):
    """Find a person, read what is held about them, erase it; purge by retention."""

    # -- who the person is ------------------------------------------------------------------

    def holders(self, number: str) -> list[Holder]:
        """The profiles holding `number`: contacts' phones and customers' own lines."""
        contacts = self.session.execute(
            select(m.Contact.customer_id, m.Contact.id)
            .where(m.Contact.phone_e164 == number)
            .order_by(m.Contact.id)
        )
        customers = self.session.scalars(
            select(m.Customer.id).where(m.Customer.phone_e164 == number).order_by(m.Customer.id)
        )
        return [Holder(c, i) for c, i in contacts] + [Holder(c, None) for c in customers]

    def contact_exists(self, contact_id: int) -> bool:
        return self.session.get(m.Contact, contact_id) is not None

    def person_of_contact(self, contact_id: int) -> Person:
        """The contact as a person: their own number is theirs alone unless another profile
        holds it too (domain/privacy: a shared number stays with the others)."""
        contact = self.session.get_one(m.Contact, contact_id)
        own = contact.phone_e164 or ""
        alone = bool(own) and self.holders(own) == [Holder(contact.customer_id, contact.id)]
        return make_person(
            [contact.id],
            [own] if alone else [],
            [own],
            [contact.name],
            [contact.email],
            [contact.personal_notes],
            [contact.customer_id],
        )

    def person_of_number(self, number: str, holder: Holder | None) -> Person:
        """The person behind a number held by one contact (`holder`) or by nobody."""
        if holder is not None and holder.contact_id is not None:
            return self.person_of_contact(holder.contact_id)
        return make_person([], [number], [], [])

    def customer_exists(self, customer_id: int) -> bool:
        return self.session.get(m.Customer, customer_id) is not None

    def person_of_customer(self, customer_id: int) -> Person:
        """A customer that is a person, with its contacts: a number of theirs is theirs alone
        when no other customer's profile holds it."""
        customer = self.session.get_one(m.Customer, customer_id)
        contacts = list(self._all(m.Contact, m.Contact.customer_id == customer_id))
        own = {customer.phone_e164 or ""} | {c.phone_e164 or "" for c in contacts}
        own.discard("")
        alone = [n for n in own if {h.customer_id for h in self.holders(n)} == {customer_id}]
        return make_person(
            [c.id for c in contacts],
            alone,
            own,
            [customer.name, *(c.name for c in contacts)],
            [c.email for c in contacts],
            [customer.notes, *(c.personal_notes for c in contacts)],
            [customer_id],
            [customer_id],
        )

    # -- what is held about them ------------------------------------------------------------

    def person_tables(self, person: Person) -> dict[str, Table]:
        """Everything held about the person, one table per kind of record, stable column
        keys; times as stored (UTC), for the caller to show in the site's zone."""
        tickets = self._ticket_ids(person)
        calls = self._call_ids(person, tickets)
        callbacks = self._callback_ids(person, calls)
        ids = person.contact_ids
        whole = person.whole_customers
        found: dict[str, Table] = {}
        found["customers"] = self._rows(
            select(
                m.Customer.id, m.Customer.name, m.Customer.address, m.Customer.phone_e164,
                m.Customer.phone_extension, m.Customer.unit_number, m.Customer.notes,
            )
            .where(m.Customer.id.in_(whole))
            .order_by(m.Customer.id),
            "id name address phone extension unit_number notes",
        )  # fmt: skip
        found["contacts"] = self._rows(
            select(
                m.Contact.id, m.Contact.customer_id, m.Customer.name, m.Contact.role,
                m.Contact.name, m.Contact.position, m.Contact.gender, m.Contact.phone_e164,
                m.Contact.phone_extension, m.Contact.email, m.Contact.birthday,
                m.Contact.convenient_time, m.Contact.personal_notes,
            )
            .join(m.Customer, m.Customer.id == m.Contact.customer_id)
            .where(m.Contact.id.in_(ids))
            .order_by(m.Contact.id),
            "id customer_id customer role name position gender phone extension email "
            "birthday convenient_time personal_notes",
        )  # fmt: skip
        found["profile_history"] = self._rows(
            select(
                m.CustomerChange.id, m.CustomerChange.at, m.CustomerChange.action,
                m.CustomerChange.contact_name, m.CustomerChange.detail,
            )
            .where(self._changes_of(person))
            .order_by(m.CustomerChange.id),
            "id at action contact detail",
        )  # fmt: skip
        found["tickets"] = self._rows(
            select(
                m.Ticket.id, m.Ticket.opened_at, m.Ticket.kind, m.Ticket.category,
                m.Ticket.channel, m.Ticket.status, m.Ticket.caller_phone,
                m.Ticket.caller_extension, m.Ticket.caller_email, m.Ticket.caller_fax,
                m.Ticket.customer_words, m.Ticket.expectation, m.Ticket.answer,
                m.Ticket.closed_at,
            )
            .where(m.Ticket.id.in_(tickets))
            .order_by(m.Ticket.id),
            "id opened_at kind category channel status caller_phone caller_extension "
            "caller_email caller_fax customer_words expectation answer closed_at",
        )  # fmt: skip
        found["ticket_history"] = self._rows(
            select(m.TicketEvent.ticket_id, m.TicketEvent.at, m.TicketEvent.action,
                   m.TicketEvent.detail)
            .where(m.TicketEvent.ticket_id.in_(tickets))
            .order_by(m.TicketEvent.id),
            "ticket at action detail",
        )  # fmt: skip
        found["calls"] = self._rows(
            select(
                m.Call.id, m.Call.direction, m.Call.from_number, m.Call.to_number,
                m.Call.started_at, m.Call.answered_at, m.Call.ended_at, m.Call.outcome,
            )
            .where(m.Call.id.in_(calls))
            .order_by(m.Call.id),
            "id direction from to started_at answered_at ended_at outcome",
        )  # fmt: skip
        found["callbacks"] = self._rows(
            select(
                m.Callback.id, m.Callback.purpose, m.Callback.way, m.Callback.status,
                m.Callback.due_at, m.Callback.done_at, m.Callback.outcome, m.Callback.notes,
                m.Callback.number,
            )
            .where(m.Callback.id.in_(callbacks))
            .order_by(m.Callback.id),
            "id purpose way status due_at done_at outcome notes number",
        )  # fmt: skip
        found["gifts"] = self._rows(
            select(m.Gift.id, m.Gift.gift, m.Gift.sent_at, m.Gift.arrived, m.Gift.confirm_note)
            .where(or_(m.Gift.contact_id.in_(ids), m.Gift.customer_id.in_(whole)))
            .order_by(m.Gift.id),
            "id gift sent_at arrived confirm_note",
        )
        found["prospects"] = self._rows(
            select(m.Prospect.id, m.Prospect.interest, m.Prospect.status, m.Prospect.recorded_at)
            .where(or_(m.Prospect.contact_id.in_(ids), m.Prospect.customer_id.in_(whole)))
            .order_by(m.Prospect.id),
            "id interest status recorded_at",
        )
        found["invitations"] = self._rows(
            select(
                m.EventInvitee.id, m.CustomerEvent.name, m.CustomerEvent.event_on,
                m.EventInvitee.invited_at, m.EventInvitee.attendance, m.EventInvitee.note,
            )
            .join(m.CustomerEvent, m.CustomerEvent.id == m.EventInvitee.event_id)
            .where(
                or_(m.EventInvitee.contact_id.in_(ids), m.EventInvitee.customer_id.in_(whole))
            )
            .order_by(m.EventInvitee.id),
            "id event event_on invited_at attendance note",
        )  # fmt: skip
        found["visits"] = self._rows(
            select(
                m.Visit.id, m.Visit.visitor, m.Visit.company, m.Visit.purpose,
                m.Visit.expected_at, m.Visit.arrived_at, m.Visit.left_at,
            )
            .where(self._names_in(person, m.Visit.visitor, m.Visit.purpose))
            .order_by(m.Visit.id),
            "id visitor company purpose expected_at arrived_at left_at",
        )  # fmt: skip
        messages_of = or_(
            m.PhoneMessage.from_number.in_(person.phones),
            self._names_in(person, m.PhoneMessage.from_name, m.PhoneMessage.message),
        )
        found["messages"] = self._rows(
            select(
                m.PhoneMessage.id, m.PhoneMessage.from_name, m.PhoneMessage.from_number,
                m.PhoneMessage.message, m.PhoneMessage.taken_at,
            )
            .where(messages_of)
            .order_by(m.PhoneMessage.id),
            "id from_name from_number message taken_at",
        )  # fmt: skip
        found["correspondence"] = self._rows(
            select(
                m.Correspondence.id, m.Correspondence.at, m.Correspondence.direction,
                m.Correspondence.kind, m.Correspondence.party, m.Correspondence.note,
            )
            .where(self._names_in(person, m.Correspondence.party, m.Correspondence.note))
            .order_by(m.Correspondence.id),
            "id at direction kind party note",
        )  # fmt: skip
        found["attachments"] = self._rows(
            select(
                m.Attachment.id, m.Attachment.ticket_id, m.Attachment.filename,
                m.Attachment.media_type, m.Attachment.size, m.Attachment.added_at,
            )
            .where(self._attachments_of(person, tickets))
            .order_by(m.Attachment.id),
            "id ticket filename media_type size added_at",
        )  # fmt: skip
        return found

    def attachment_files(self, person: Person) -> list[HeldFile]:
        """The person's attachments (of their tickets, or named for them) as held now: where
        their bytes are, to remove them once the erasure committed (data/person_files)."""
        where = self._attachments_of(person, self._ticket_ids(person))
        return [
            HeldFile(a.id, a.ticket_id, a.stored_name if a.storage == "folder" else "",
                     a.sha256, a.size)
            for a in self._all(m.Attachment, where)
        ]  # fmt: skip

    def attachment_contents(
        self, person: Person, folder: Path | None
    ) -> list[tuple[int, str, bytes | None]]:
        """The person's attachments' ids, names and bytes, for their export (art. 45); None
        for bytes no longer found (a file removed by hand, an attachment erased)."""
        where = self._attachments_of(person, self._ticket_ids(person))
        found: list[tuple[int, str, bytes | None]] = []
        for attachment in sorted(self._all(m.Attachment, where), key=lambda a: a.id):
            if attachment.storage == "folder":
                content = read_held(folder, attachment.stored_name)
            elif attachment.storage == ERASED:
                content = None
            else:
                content = attachment.content
            found.append((attachment.id, attachment.filename, content))
        return found

    def _attachments_of(self, person: Person, tickets: Sequence[int]) -> ColumnElement[bool]:
        """Attachments of the person's tickets, and any whose name names them."""
        return or_(
            m.Attachment.ticket_id.in_(tickets), self._names_in(person, m.Attachment.filename)
        )

    def _rows(self, query: Any, headers: str) -> Table:
        return headers.split(), [list(row) for row in self.session.execute(query)]

    def _names_in(self, person: Person, *columns: Any) -> ColumnElement[bool]:
        """Rows whose `columns` hold a piece naming the person (none when they have none)."""
        found = [c.contains(n, autoescape=True) for n in person.needles for c in columns]
        return or_(false(), *found)

    def _changes_of(self, person: Person) -> ColumnElement[bool]:
        return or_(
            m.CustomerChange.contact_id.in_(person.contact_ids),
            m.CustomerChange.customer_id.in_(person.whole_customers),
        )

    def forget_freed(self) -> None:
        """After an erasure committed, on SQLite: the write-ahead log, which still holds the
        pages as they were before, checkpointed into the file (whose freed pages
        `secure_delete` zeroed) and emptied. Best effort: a desk reading at that moment keeps
        the log until the next checkpoint. PostgreSQL's old row versions are its VACUUM's."""
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def handover_reports_naming(self, person: Person) -> list[int]:
        """The handover reports whose rows or note name the person (printed again after)."""
        rows = self._holding(m.HandoverReport, ("note",), ("rows",), person.needles)
        return sorted(r.id for r in rows)

    def ticket_ids(self, person: Person) -> list[int]:
        """The person's tickets (their written replies are named for them)."""
        return self._ticket_ids(person)

    def _ticket_ids(self, person: Person) -> list[int]:
        query = select(m.Ticket.id).where(
            or_(
                m.Ticket.contact_id.in_(person.contact_ids),
                m.Ticket.caller_phone.in_(person.phones),
                m.Ticket.customer_id.in_(person.whole_customers),
            )
        )
        return list(self.session.scalars(query))

    def _call_ids(self, person: Person, tickets: Sequence[int]) -> list[int]:
        tied = select(m.CallTicket.call_id).where(m.CallTicket.ticket_id.in_(tickets))
        query = select(m.Call.id).where(
            or_(
                m.Call.id.in_(tied),
                m.Call.party_number.in_(person.phones),
                m.Call.customer_id.in_(person.whole_customers),
            )
        )
        return list(self.session.scalars(query))

    def _callback_ids(self, person: Person, calls: Sequence[int]) -> list[int]:
        missed = select(m.Call.callback_id).where(
            m.Call.id.in_(calls), m.Call.callback_id.is_not(None)
        )
        query = select(m.Callback.id).where(
            or_(
                m.Callback.contact_id.in_(person.contact_ids),
                m.Callback.id.in_(missed),
                m.Callback.customer_id.in_(person.whole_customers),
            )
        )
        return list(self.session.scalars(query))

    # -- erasure (PIPL art. 47) ------------------------------------------------------------

    def erase(self, person: Person, now: datetime) -> dict[str, int]:
        """Blank the person's fields on their own records, mask their pieces wherever text
        holds them, and tell the other desks; how many rows of each table changed."""
        changed: dict[str, set[int]] = {}

        def touched(table: str, row_id: int) -> None:
            changed.setdefault(table, set()).add(row_id)

        if self.session.get_bind().dialect.name == "sqlite":
            # the old values' pages zeroed as they are freed, not left in the file (PostgreSQL
            # keeps dead rows until its VACUUM: README, "Running a site")
            self.session.execute(text("PRAGMA secure_delete = ON"))
        tickets = self._ticket_ids(person)
        calls = self._call_ids(person, tickets)
        callbacks = self._callback_ids(person, calls)
        for attachment in self._all(m.Attachment, self._attachments_of(person, tickets)):
            name = attachment.filename
            if _set(attachment, _ATTACHMENT_BLANKS):
                touched("attachment", attachment.id)
                self._unname_attachment(attachment.ticket_id, name)
                touched("ticket", attachment.ticket_id)
        for customer in self._all(m.Customer, m.Customer.id.in_(person.whole_customers)):
            if _set(customer, CUSTOMER_BLANKS):
                touched("customer", customer.id)
        for contact in self._all(m.Contact, m.Contact.id.in_(person.contact_ids)):
            if _set(contact, CONTACT_BLANKS):
                touched("contact", contact.id)
        for change in self._all(m.CustomerChange, self._changes_of(person)):
            blanks = {"contact_name": "", "detail": blank_personal_pairs(change.detail)}
            if _set(change, blanks):
                touched("customer_change", change.id)
        for ticket in self._all(m.Ticket, m.Ticket.id.in_(tickets)):
            if _set(ticket, _CALLER_BLANKS):
                touched("ticket", ticket.id)
        for event in self._all(m.TicketEvent, m.TicketEvent.ticket_id.in_(tickets)):
            if _set(event, {"detail": blank_personal_pairs(event.detail)}):
                touched("ticket_event", event.id)
        for call in self._all(m.Call, m.Call.id.in_(calls)):
            if _set(call, _call_blanks(call)):
                touched("call", call.id)
        for call_event in self._all(m.CallEvent, m.CallEvent.call_id.in_(calls)):
            if _set(call_event, {"raw": _raw_blanked(call_event.raw)}):
                touched("call_event", call_event.id)
        for callback in self._all(m.Callback, m.Callback.id.in_(callbacks)):
            if _set(callback, {"notes": "", "number": ""}):  # number: an unknown caller's
                touched("callback", callback.id)
        for cb_event in self._all(m.CallbackEvent, m.CallbackEvent.callback_id.in_(callbacks)):
            if _set(cb_event, {"detail": blank_personal_pairs(cb_event.detail)}):
                touched("callback_event", cb_event.id)
        theirs = or_(
            m.PhoneMessage.from_number.in_(person.phones),
            m.PhoneMessage.from_name.in_(person.names),
        )
        for message in self._all(m.PhoneMessage, theirs):
            if _set(message, {"from_name": "", "from_number": ""}):
                touched("phone_message", message.id)
        for visit in self._all(m.Visit, m.Visit.visitor.in_(person.names)):
            if _set(visit, {"visitor": ""}):
                touched("visit", visit.id)
        for model, texts, jsons in SCRUBBED:
            for row in self._holding(model, texts, jsons, person.needles):
                values: dict[str, object] = {
                    name: _fit(model, name, scrub(getattr(row, name), person.needles))
                    for name in texts
                }
                values |= {name: scrub_value(getattr(row, name), person.needles) for name in jsons}
                if _set(row, values):
                    touched(model.__tablename__, _key(row))
        if not changed:
            return {}  # asked again: nothing left, nothing to tell the other desks
        self.session.flush()
        customers = set(person.customer_ids) | {int(i) for i in changed.get("customer", ())}
        for customer_id in sorted(customers):
            self._uow.customers.index_customer_names(customer_id)
            self._changed("customer", customer_id, now)
        for entity in (
            "ticket", "attachment", "callback", "call", "visit", "phone_message", "correspondence",
        ):  # fmt: skip
            for row_id in sorted(changed.get(entity, ())):
                self._changed(entity, int(row_id), now)
        return {table: len(rows) for table, rows in sorted(changed.items())}

    def _unname_attachment(self, ticket_id: int, name: str) -> None:
        """The ticket's history says a file was attached, no longer which (its name)."""
        if not name:
            return
        events = self._all(
            m.TicketEvent,
            (m.TicketEvent.ticket_id == ticket_id) & (m.TicketEvent.action == "attachment_added"),
        )
        for event in events:
            if isinstance(event.detail, dict) and event.detail.get("file") == name:
                _set(event, {"detail": {**event.detail, "file": ""}})

    def _all(self, model: Any, where: ColumnElement[bool]) -> list[Any]:
        return list(self.session.scalars(select(model).where(where)))

    def _holding(
        self, model: Any, texts: Iterable[str], jsons: Iterable[str], pieces: Sequence[str]
    ) -> list[Any]:
        """The rows of `model` whose text or JSON columns hold any of `pieces`."""
        if not pieces:
            return []
        found: list[ColumnElement[bool]] = []
        for piece in pieces:
            found += [getattr(model, n).contains(piece, autoescape=True) for n in texts]
            for form in json_forms(piece):
                found += [
                    cast(getattr(model, n), Text).contains(form, autoescape=True) for n in jsons
                ]
        return list(self.session.scalars(select(model).where(or_(*found))))

    # -- retention (site setting privacy.retention) ------------------------------------------

    def purge(self, cutoff: datetime, *, apply: bool) -> dict[str, int]:
        """Records closed before `cutoff` with personal fields left: how many of each kind
        (tickets, calls, callbacks, visits, messages, passes); blanked where `apply`."""
        plans: tuple[tuple[str, Any, ColumnElement[bool], dict[str, object]], ...] = (
            (
                "ticket",
                m.Ticket,
                (m.Ticket.closed_at < cutoff)
                & (
                    (m.Ticket.caller_phone != "")
                    | (m.Ticket.caller_extension != "")
                    | (m.Ticket.caller_email != "")
                    | (m.Ticket.caller_fax != "")
                ),
                dict(_CALLER_BLANKS),
            ),
            (
                "callback",
                m.Callback,
                (m.Callback.done_at < cutoff)
                & ((m.Callback.notes != "") | (m.Callback.number != "")),
                {"notes": "", "number": ""},
            ),
            (
                "visit",
                m.Visit,
                (m.Visit.left_at < cutoff) & (m.Visit.visitor != ""),
                {"visitor": ""},
            ),
            (
                "phone_message",
                m.PhoneMessage,
                (m.PhoneMessage.done_at < cutoff)
                & ((m.PhoneMessage.from_name != "") | (m.PhoneMessage.from_number != "")),
                {"from_name": "", "from_number": ""},
            ),
            (
                "contractor_pass",
                m.ContractorPass,
                (m.ContractorPass.valid_to < cutoff) & (m.ContractorPass.people != ""),
                {"people": ""},
            ),
        )
        counts: dict[str, int] = {}
        for name, model, where, blanks in plans:
            rows = self._all(model, where)
            counts[name] = len(rows)
            if apply:
                for row in rows:
                    _set(row, blanks)
                if name == "ticket":
                    ids = [r.id for r in rows]
                    for event in self._all(m.TicketEvent, m.TicketEvent.ticket_id.in_(ids)):
                        _set(event, {"detail": blank_personal_pairs(event.detail)})
        ended = (
            (m.Call.ended_at < cutoff)
            & (m.Call.party_number != "")
            & (m.Call.party_number != "anonymous")
        )
        calls = self._all(m.Call, ended)
        counts["call"] = len(calls)
        if apply:
            for call in calls:
                _set(call, _call_blanks(call))
            ids = [c.id for c in calls]
            for call_event in self._all(m.CallEvent, m.CallEvent.call_id.in_(ids)):
                _set(call_event, {"raw": _raw_blanked(call_event.raw)})
        return counts


ERASED = ERASED_STORAGE
"""An attachment's storage once erased: the row stays (a file of this type and size was
attached then, by that agent: a fact of the ticket), its name and bytes are gone."""

_ATTACHMENT_BLANKS: dict[str, object] = {
    "filename": "",
    "content": None,
    "stored_name": "",
    "sha256": "",  # a digest of the person's document would still recognise it
    "storage": ERASED,
}


def _set(row: Any, values: Mapping[str, object]) -> bool:
    """Set the values that differ; whether any did. A JSON value is assigned anew, so the
    session sees the change."""
    differs = {k: v for k, v in values.items() if getattr(row, k) != v}
    for name, value in differs.items():
        setattr(row, name, value)
    return bool(differs)


def _call_blanks(call: m.Call) -> dict[str, object]:
    """A call's party side blanked: the caller of a call in, the called of one out."""
    side = "from_number" if call.direction == "in" else "to_number"
    return {side: "", "party_number": ""}


_RAW_PARTY_KEYS = ("from", "to", "callerIdName", "caller_name")


def _raw_blanked(raw: dict[str, object]) -> dict[str, object]:
    """A call event as received, the PBX's numbers of either side blanked: which side was
    the person's is the call's to say, and our own line is no one's secret."""
    return {k: ("" if k in _RAW_PARTY_KEYS else v) for k, v in raw.items()}


def _fit(model: Any, name: str, value: str) -> str:
    """A masked text cut to its column's length (a mask may be longer than what it hides)."""
    column_type = model.__table__.c[name].type
    if isinstance(column_type, String) and column_type.length:
        return value[: column_type.length]
    return value


def _key(row: Any) -> int:
    """A row's id for counting; a row keyed otherwise (a draft) by its key's hash."""
    identity = sa_inspect(row).identity
    return identity[0] if len(identity) == 1 and isinstance(identity[0], int) else hash(identity)
