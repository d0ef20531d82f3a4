"""What the profile screen sends to the repository and gets back: plain dataclasses only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from deskui.data.conflict import Conflict
from deskui.domain.customer_import import Problem


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    """The customer form as typed. `version` is the one the form loaded (None when new)."""

    name: str
    address: str = ""
    phone: str = ""
    unit_number: str = ""
    contract_signed_on: str = ""
    id: int | None = None
    version: int | None = None
    needs_sales_confirmation: bool | None = None
    """Confirm with the sales head before every callback (seed 000:2.5.2.1); None keeps it."""
    founded_on: str | None = None
    """The company's founding date as typed (seed 000:2.5.1.2); None keeps it, "" clears it."""


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """The contact form as typed; the birthday is text until the repository checks it."""

    customer_id: int
    name: str
    role: str = "liaison"
    position: str = ""
    phone: str = ""
    email: str = ""
    gender: str = "unknown"
    birthday: str = ""
    convenient_time: str = ""
    personal_notes: str = ""
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class SaveResult:
    """Saved (with the new id and version), or why not: field problems or a conflict."""

    id: int | None = None
    version: int | None = None
    problems: tuple[Problem, ...] = ()
    conflict: bool = False
    """Someone else saved this record since the form loaded it: nothing was written."""
    theirs: Conflict | None = None
    """With a conflict: who saved, when and what, for the conflict view."""
    missing: bool = False
    """The record no longer exists."""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.conflict and not self.missing


@dataclass(frozen=True, slots=True)
class ContactDetail:
    id: int
    version: int
    name: str
    role: str
    position: str
    phone_e164: str | None
    phone_extension: str | None
    email: str
    gender: str
    birthday: date | None
    convenient_time: str
    personal_notes: str


@dataclass(frozen=True, slots=True)
class CustomerDetail:
    id: int
    version: int
    name: str
    address: str
    phone_e164: str | None
    unit_number: str
    contract_signed_on: date | None
    assigned_agent_id: int | None
    assigned_agent: str | None
    contacts: tuple[ContactDetail, ...] = field(default_factory=tuple)
    filing_due: datetime | None = None
    """The soonest open profile-filing deadline, or None when all are met."""
    needs_sales_confirmation: bool = False
    filings: tuple[tuple[str, datetime], ...] = ()
    """Each open filing deadline, soonest first: (`cs` | `sales` | `personal_notes`, due)."""
    founded_on: date | None = None
    """公司成立日期: its anniversary is a special-occasion callback (seed 000:2.5.1.2)."""


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """One line of the customer list."""

    id: int
    name: str
    phone_e164: str | None
    unit_number: str
    agent_name: str
    filing_due: datetime | None
    filing_starts: datetime | None
    contacts: int


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did (or, on a dry run, would do)."""

    created: int
    skipped_lines: tuple[int, ...] = ()
    """Rows that were fine in the report but whose phone someone filed since."""
    customer_ids: tuple[int, ...] = ()
    dry_run: bool = True
