"""Customer profiles: filing, editing, assignment and import (seed 000:1)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from deskui.data import models as m
from deskui.data.conflict import Conflict
from deskui.data.customer_store import contact_fields as _contact_fields
from deskui.data.deadline_store import is_open, open_of
from deskui.data.history import field_changes
from deskui.data.profile_records import (
    ContactDetail,
    ContactDraft,
    CustomerDetail,
    CustomerDraft,
    CustomerRow,
    ImportOutcome,
    SaveResult,
)
from deskui.data.store_base import StoreBase
from deskui.domain.assignment import AgentLoad, CustomerNeed, assign_customers, parse_skills
from deskui.domain.clock import SITE_TIMEZONE, site_zone
from deskui.domain.customer_import import (
    ImportReport,
    ImportRow,
    check_contact,
    check_customer,
    check_date,
    check_founded_on,
    check_phone,
)
from deskui.domain.deadlines import ProfileFilingKind, profile_filing_due, profile_filing_due_on
from deskui.domain.model import DeadlineKind, Role, SubjectType
from deskui.domain.phone import reversed_digits

if TYPE_CHECKING:
    pass

FILING_CS: Final[ProfileFilingKind] = "cs"
FILING_SALES: Final[ProfileFilingKind] = "sales"
FILING_NOTES: Final[ProfileFilingKind] = "personal_notes"
"""Deadline notes telling the three profile filings apart (seed 000:1.4.1-1.4.3)."""
"""The zone whose days a contract date names (the calendar's default zone)."""


class ProfileStore(StoreBase):
    """One aggregate's reads and writes; shares the unit of work's session and bookkeeping."""

    # -- the list ---------------------------------------------------------------------------

    def _filing_subquery(self) -> Any:
        return (
            select(
                m.Deadline.subject_id.label("customer_id"),
                func.min(m.Deadline.due_at).label("due_at"),
                func.min(m.Deadline.starts_at).label("starts_at"),
            )
            .where(
                m.Deadline.kind == DeadlineKind.PROFILE_FILING,
                m.Deadline.subject_type == SubjectType.CUSTOMER,
                is_open(),
            )
            .group_by(m.Deadline.subject_id)
            .subquery()
        )

    def customer_row_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(m.Customer)) or 0)

    def customer_rows(self, offset: int, limit: int) -> list[CustomerRow]:
        """Customers with an open filing first (soonest due), then the rest by id."""
        filing = self._filing_subquery()
        contacts = (
            select(func.count(m.Contact.id))
            .where(m.Contact.customer_id == m.Customer.id)
            .scalar_subquery()
        )
        query = (
            select(m.Customer, m.Agent.name, filing.c.due_at, filing.c.starts_at, contacts)
            .outerjoin(m.Agent, m.Agent.id == m.Customer.assigned_agent_id)
            .outerjoin(filing, filing.c.customer_id == m.Customer.id)
            .order_by(case((filing.c.due_at.is_(None), 1), else_=0), filing.c.due_at, m.Customer.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            CustomerRow(
                id=c.id,
                name=c.name,
                phone_e164=c.phone_e164,
                unit_number=c.unit_number,
                agent_name=agent_name or "",
                filing_due=due,
                filing_starts=starts,
                contacts=int(count or 0),
            )
            for c, agent_name, due, starts, count in self.session.execute(query)
        ]

    def customer_detail(self, customer_id: int) -> CustomerDetail | None:
        customer = self.session.scalar(
            select(m.Customer)
            .options(selectinload(m.Customer.contacts))
            .where(m.Customer.id == customer_id)
        )
        if customer is None:
            return None
        agent = self.session.get(m.Agent, customer.assigned_agent_id or -1)
        filings = tuple(
            (note or "", due_at)
            for note, due_at in self.session.execute(
                select(m.Deadline.note, m.Deadline.due_at)
                .where(*_open_filings(customer_id))
                .order_by(m.Deadline.due_at, m.Deadline.id)
            )
        )
        due = filings[0][1] if filings else None
        return CustomerDetail(
            id=customer.id,
            version=customer.version,
            name=customer.name,
            address=customer.address,
            phone_e164=customer.phone_e164,
            unit_number=customer.unit_number,
            contract_signed_on=customer.contract_signed_on,
            assigned_agent_id=customer.assigned_agent_id,
            assigned_agent=agent.name if agent else None,
            contacts=tuple(_contact(c) for c in customer.contacts),
            filing_due=due,
            needs_sales_confirmation=customer.needs_sales_confirmation,
            filings=filings,
            founded_on=customer.founded_on,
        )

    def existing_phones(self) -> set[str]:
        """Every company phone on file, for the import's duplicate check."""
        query = select(m.Customer.phone_e164).where(m.Customer.phone_e164.is_not(None))
        return {phone for phone in self.session.scalars(query) if phone}

    # -- filing and editing -------------------------------------------------------------------

    def save_customer(self, draft: CustomerDraft, agent_id: int, now: datetime) -> SaveResult:
        """Create or edit a customer. An edit must carry the version the form loaded; if
        someone saved since, nothing is written and the result says `conflict`."""
        problems = check_customer(draft.name, draft.address, draft.phone, draft.unit_number)
        contract, date_problem = check_date("contract_signed_on", draft.contract_signed_on)
        if date_problem is not None:
            problems.append(date_problem)
        today = now.astimezone(site_zone(SITE_TIMEZONE)).date()
        founded, founded_problem = check_founded_on(draft.founded_on or "", today)
        if founded_problem is not None:
            problems.append(founded_problem)
        if problems:
            return SaveResult(problems=tuple(problems))
        phone, _, _ = check_phone("phone", draft.phone)
        if draft.id is None:
            customer = m.Customer(
                name=draft.name.strip(),
                address=draft.address.strip(),
                phone_e164=phone,
                phone_reversed=reversed_digits(phone) if phone else None,
                unit_number=draft.unit_number.strip(),
                contract_signed_on=contract,
                founded_on=founded,
                needs_sales_confirmation=bool(draft.needs_sales_confirmation),
                created_at=now,
                updated_at=now,
            )
            self.session.add(customer)
            self.session.flush()
            self._open_filings(customer, agent_id, now)
            self._history(customer, agent_id, now, "created", {})
        else:
            found = self.session.get(m.Customer, draft.id)
            if found is None:
                return SaveResult(missing=True)
            if found.version != draft.version:
                return self._customer_conflict(found)
            customer = found
            before = self._uow.customers.customer_fields(customer)
            customer.name = draft.name.strip()
            customer.address = draft.address.strip()
            customer.phone_e164 = phone
            customer.phone_reversed = reversed_digits(phone) if phone else None
            customer.unit_number = draft.unit_number.strip()
            customer.contract_signed_on = contract
            if draft.founded_on is not None:
                customer.founded_on = founded
            if draft.needs_sales_confirmation is not None:
                customer.needs_sales_confirmation = draft.needs_sales_confirmation
            customer.updated_at = now
            try:
                self.session.flush()
            except StaleDataError:  # saved by another desk between our read and our write
                self.session.rollback()
                return self._customer_conflict(self.session.get_one(m.Customer, draft.id))
            self._history(customer, agent_id, now, "changed", before)
        customer.updated_by_id = agent_id
        self._after_write(customer, now)
        return SaveResult(id=customer.id, version=customer.version)

    def _customer_conflict(self, customer: m.Customer) -> SaveResult:
        saver = self.session.get(m.Agent, customer.updated_by_id or -1)
        theirs = Conflict(
            "customer",
            customer.id,
            saver.name if saver else "",
            customer.updated_at,
            customer.version,
            {
                "name": customer.name,
                "address": customer.address,
                "phone": customer.phone_e164 or "",
                "unit_number": customer.unit_number,
            },
            saved_by_id=saver.id if saver else None,
        )
        return SaveResult(id=customer.id, version=customer.version, conflict=True, theirs=theirs)

    def _history(
        self,
        customer: m.Customer,
        agent_id: int | None,
        now: datetime,
        action: str,
        before: dict[str, object],
    ) -> None:
        """The customer's fields as saved, against `before`, as one history entry."""
        after = self._uow.customers.customer_fields(customer)
        changes = field_changes(before, after)
        self._uow.customers.record_change(customer.id, agent_id, now, action, changes)

    def save_contact(
        self, draft: ContactDraft, now: datetime, agent_id: int | None = None
    ) -> SaveResult:
        """Create or edit one contact of a customer (optimistic locking as for customers);
        `agent_id` is who saved, for the customer's history."""
        contact_fields, problems = check_contact(
            {
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
        )
        if contact_fields is None:
            return SaveResult(problems=tuple(problems))
        customer = self.session.get(m.Customer, draft.customer_id)
        if customer is None:
            return SaveResult(missing=True)
        before: dict[str, object] = {}
        if draft.id is None:
            contact = m.Contact(customer_id=customer.id, name=contact_fields.name)
            self.session.add(contact)
        else:
            found = self.session.get(m.Contact, draft.id)
            if found is None or found.customer_id != customer.id:
                return SaveResult(missing=True)
            if found.version != draft.version:
                return SaveResult(id=found.id, version=found.version, conflict=True)
            contact = found
            before = _contact_fields(contact)
        contact.name = contact_fields.name
        contact.role = contact_fields.role
        contact.position = contact_fields.position
        contact.phone_e164 = contact_fields.phone_e164
        contact.phone_extension = contact_fields.phone_extension
        contact.phone_reversed = (
            reversed_digits(contact_fields.phone_e164) if contact_fields.phone_e164 else None
        )
        contact.email = contact_fields.email
        contact.gender = contact_fields.gender
        contact.birthday = contact_fields.birthday
        contact.convenient_time = contact_fields.convenient_time
        contact.personal_notes = contact_fields.personal_notes
        customer.updated_at = now
        try:
            self.session.flush()
        except StaleDataError:
            self.session.rollback()
            return SaveResult(id=draft.id, conflict=True)
        action = "contact_added" if draft.id is None else "contact_changed"
        changes = field_changes(before, _contact_fields(contact))
        self._uow.customers.record_change(customer.id, agent_id, now, action, changes, contact)
        self._changed("contact", contact.id, now)
        self._after_write(customer, now)
        return SaveResult(id=contact.id, version=contact.version)

    def remove_contact(
        self, contact_id: int, version: int, now: datetime, agent_id: int | None = None
    ) -> SaveResult:
        contact = self.session.get(m.Contact, contact_id)
        if contact is None:
            return SaveResult(missing=True)
        if contact.version != version:
            return SaveResult(id=contact.id, version=contact.version, conflict=True)
        customer = contact.customer
        gone = {name: None for name in _contact_fields(contact)}
        changes = field_changes(_contact_fields(contact), gone)
        self._uow.customers.record_change(
            customer.id, agent_id, now, "contact_removed", changes, contact
        )  # written with the removal, or rolled back with it
        customer.contacts.remove(contact)
        customer.updated_at = now
        try:
            self.session.flush()
        except StaleDataError:
            self.session.rollback()
            return SaveResult(id=contact_id, conflict=True)
        self._changed("contact", contact_id, now)
        self._after_write(customer, now)
        return SaveResult(id=contact_id)

    # -- assignment (seed 000:1.3) ------------------------------------------------------------

    def agent_loads(self) -> list[AgentLoad]:
        """The agents who take customers, each with their skills and how many they hold."""
        counts = dict(
            self.session.execute(
                select(m.Customer.assigned_agent_id, func.count())
                .where(m.Customer.assigned_agent_id.is_not(None))
                .group_by(m.Customer.assigned_agent_id)
            ).all()
        )
        agents = self.session.scalars(
            select(m.Agent).where(m.Agent.active.is_(True), m.Agent.role == Role.AGENT)
        )
        return [AgentLoad(a.id, parse_skills(a.skills), int(counts.get(a.id, 0))) for a in agents]

    def run_assignment(
        self, now: datetime, needs: dict[int, str] | None = None, by_agent_id: int | None = None
    ) -> dict[int, int]:
        """Give every unassigned customer an agent, balancing count and skill. `needs` maps a
        customer id to the skill it needs (customers carry none yet); `by_agent_id` is the lead
        who shared them out, for each customer's history. Returns what changed."""
        unassigned = self.session.scalars(
            select(m.Customer.id).where(m.Customer.assigned_agent_id.is_(None))
        )
        wanted = [CustomerNeed(cid, (needs or {}).get(cid)) for cid in unassigned]
        mapping = assign_customers(self.agent_loads(), wanted)
        for customer_id, agent_id in sorted(mapping.items()):
            self.assign(customer_id, agent_id, now, by_agent_id)
        return mapping

    def reassign(
        self,
        customer_id: int,
        agent_id: int,
        version: int,
        now: datetime,
        by_agent_id: int | None = None,
    ) -> SaveResult:
        """A lead (`by_agent_id`) moves a customer to another agent; its open filings move
        with it."""
        customer = self.session.get(m.Customer, customer_id)
        if customer is None or self.session.get(m.Agent, agent_id) is None:
            return SaveResult(missing=True)
        if customer.version != version:
            return SaveResult(id=customer.id, version=customer.version, conflict=True)
        try:
            self.assign(customer_id, agent_id, now, by_agent_id)
        except StaleDataError:
            self.session.rollback()
            return SaveResult(id=customer_id, conflict=True)
        return SaveResult(id=customer.id, version=customer.version)

    def assign(
        self, customer_id: int, agent_id: int, now: datetime, by_agent_id: int | None = None
    ) -> None:
        """Give the customer to `agent_id`; its open filings go with it."""
        customer = self.session.get_one(m.Customer, customer_id)
        before = self._uow.customers.customer_fields(customer)
        customer.assigned_agent_id = agent_id
        customer.updated_at = now
        for deadline in self.session.scalars(select(m.Deadline).where(*_open_filings(customer_id))):
            deadline.owner_id = agent_id
            self._changed("deadline", deadline.id, now)
        self.session.flush()
        self._history(customer, by_agent_id, now, "assigned", before)
        self._changed("customer", customer_id, now)

    # -- import -------------------------------------------------------------------------------

    def import_customers(
        self, report: ImportReport, agent_id: int, now: datetime, *, dry_run: bool = True
    ) -> ImportOutcome:
        """File the report's good rows. A dry run writes nothing; an accepted run skips rows
        whose phone was filed by someone else since the report was made."""
        phones = self.existing_phones()
        take: list[ImportRow] = []
        skipped: list[int] = []
        for row in report.ok:
            if row.phone_e164 is not None and row.phone_e164 in phones:
                skipped.append(row.line)
                continue
            if row.phone_e164 is not None:
                phones.add(row.phone_e164)
            take.append(row)
        if dry_run:
            return ImportOutcome(len(take), tuple(skipped), (), dry_run=True)
        ids: list[int] = []
        for row in take:
            customer = m.Customer(
                name=row.name,
                address=row.address,
                phone_e164=row.phone_e164,
                phone_reversed=reversed_digits(row.phone_e164) if row.phone_e164 else None,
                unit_number=row.unit_number,
                founded_on=row.founded_on,
                created_at=now,
                updated_at=now,
            )
            if row.contact is not None:
                c = row.contact
                customer.contacts.append(
                    m.Contact(
                        name=c.name,
                        role=c.role,
                        position=c.position,
                        phone_e164=c.phone_e164,
                        phone_extension=c.phone_extension,
                        phone_reversed=reversed_digits(c.phone_e164) if c.phone_e164 else None,
                        email=c.email,
                        gender=c.gender,
                        birthday=c.birthday,
                        convenient_time=c.convenient_time,
                        personal_notes=c.personal_notes,
                    )
                )
            self.session.add(customer)
            self.session.flush()
            self._open_filings(customer, agent_id, now)
            self._history(customer, agent_id, now, "imported", {})
            for contact in customer.contacts:
                changes = field_changes({}, _contact_fields(contact))
                self._uow.customers.record_change(
                    customer.id, agent_id, now, "contact_added", changes, contact
                )
            self._after_write(customer, now)
            ids.append(customer.id)
        return ImportOutcome(len(ids), tuple(skipped), tuple(ids), dry_run=False)

    # -- filing deadlines (seed 000:1.4.1-1.4.3) ----------------------------------------------

    def _open_filings(self, customer: m.Customer, agent_id: int, now: datetime) -> None:
        """A new customer: CS files its profile within 24 h (1.4.3), personal notes within a
        month (1.4.2), and, when a contract date is known, sales' 3 days from it (1.4.1)."""
        owner = customer.assigned_agent_id or agent_id
        team = self.session.scalar(select(m.Agent.team).where(m.Agent.id == owner)) or "default"
        filings: list[tuple[ProfileFilingKind, datetime, datetime]] = [
            (kind, now, profile_filing_due(self.policy, kind, now))
            for kind in (FILING_CS, FILING_NOTES)
        ]
        if customer.contract_signed_on is not None:
            # a contract date is a local day, not UTC midnight (seed 000:1.4.1)
            starts_at, due_at = profile_filing_due_on(
                self.policy, FILING_SALES, customer.contract_signed_on, SITE_TIMEZONE
            )
            filings.append((FILING_SALES, starts_at, due_at))
        for kind, starts_at, due_at in filings:
            deadline_id = self.add_deadline(
                DeadlineKind.PROFILE_FILING,
                SubjectType.CUSTOMER,
                customer.id,
                owner,
                starts_at,
                due_at,
                label=customer.name,
                customer_id=customer.id,
                team=team,
            )
            deadline = self.session.get_one(m.Deadline, deadline_id)
            deadline.note = kind

    def _after_write(self, customer: m.Customer, now: datetime) -> None:
        """Meet the filings the profile now satisfies, record the change, refresh lookups."""
        self.session.flush()
        self.session.refresh(customer, ["contacts"])
        met = set()
        if _filed(customer):
            met |= {FILING_CS, FILING_SALES}
        if any(c.personal_notes.strip() for c in customer.contacts):
            met.add(FILING_NOTES)
        if met:
            query = select(m.Deadline).where(
                *_open_filings(customer.id), m.Deadline.note.in_(sorted(met))
            )
            for deadline in self.session.scalars(query):
                deadline.met_at = now
                self._changed("deadline", deadline.id, now)
        self._changed("customer", customer.id, now)
        self._uow.customers.index_customer_names(customer.id)


def _filed(customer: m.Customer) -> bool:
    """A profile counts as filed once it has a name and a contact who can be phoned."""
    return bool(customer.name.strip()) and any(c.phone_e164 for c in customer.contacts)


def _open_filings(customer_id: int) -> Iterable[Any]:
    return open_of(SubjectType.CUSTOMER, customer_id, DeadlineKind.PROFILE_FILING)


def _contact(contact: m.Contact) -> ContactDetail:
    return ContactDetail(
        id=contact.id,
        version=contact.version,
        name=contact.name,
        role=contact.role,
        position=contact.position,
        phone_e164=contact.phone_e164,
        phone_extension=contact.phone_extension,
        email=contact.email,
        gender=contact.gender,
        birthday=contact.birthday,
        convenient_time=contact.convenient_time,
        personal_notes=contact.personal_notes,
    )
