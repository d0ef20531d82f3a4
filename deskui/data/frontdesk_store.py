"""The front desk beyond calls: departments' round trip, visitors, passes, messages,
correspondence, attachments (seed 001:4, 002:2.3-2.5).
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.deadline_store import open_of
from deskui.data.store_base import StoreBase
from deskui.data.ticket_store import save_transition
from deskui.domain.department_legs import LegFacts, LegPolicy, LegStage, stage, stage_window
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import DeadlineKind, Role, SubjectType
from deskui.domain.refusal import Refusal
from deskui.domain.ticket_life import Transition

if TYPE_CHECKING:
    pass

DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024  # a fax scan or PDF; a site may change it
LEG_EXPORT_HEADERS = (
    "leg", "ticket", "customer", "department", "handed_by", "handed_at", "note",
    "accepted_at", "accepted_by", "planned_at", "expected_at", "measures", "planned_by",
    "result_at", "result", "result_by", "returned_at", "returned_by", "returned_to",
    "informed_at",
)  # fmt: skip
ERASED_STORAGE = "erased"
"""An attachment whose name and bytes a person's erasure removed (data/privacy_store)."""
ATTACHMENT_EXPORT_HEADERS = (
    "attachment", "ticket", "customer", "filename", "media_type", "size", "sha256",
    "storage", "stored_name", "added_by", "added_at",
)  # fmt: skip


class FrontDeskError(Refusal):
    """A step that cannot be taken: a catalog key, its values, and the field it concerns."""

    def __init__(self, key: str, field: str = "", **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.values = values

    @property
    def problem(self) -> FieldProblem:
        return FieldProblem(self.field, self.key, tuple(self.values.items()))


@dataclass(frozen=True, slots=True)
class AttachmentRules:
    """Where attachments are kept and how big one may be (a site setting)."""

    limit_bytes: int = DEFAULT_ATTACHMENT_LIMIT
    storage: str = "database"  # "database" or "folder"
    folder: Path | None = None
    """With storage "folder": the folder beside the database holding the files."""
    team: bool = False
    """A desk of a team host (deskui/locations.py `team_desk`): files come from the inbox and
    go to the export folder only; the service also holds a server database to it."""
    inbox: Path | None = None
    """The site's inbox (DESKUI_INBOX_DIR): the only folder a team desk attaches from."""
    exports: Path | None = None
    """The site's export folder (DESKUI_EXPORT_DIR): the only one a team desk writes to."""


@dataclass(frozen=True, slots=True)
class LegRecord:
    """One department leg as the ticket view and the department desk show it."""

    id: int
    ticket_id: int
    department_code: str
    handed_by: str
    handed_at: datetime
    note: str
    accepted_at: datetime | None
    accepted_by: str
    planned_at: datetime | None
    expected_at: datetime | None
    measures: str
    planned_by: str
    result_at: datetime | None
    result: str
    result_by: str
    returned_at: datetime | None
    returned_by: str
    returned_to: str
    informed_at: datetime | None

    @property
    def facts(self) -> LegFacts:
        return LegFacts(
            self.handed_at,
            self.accepted_at,
            self.planned_at,
            self.expected_at,
            self.result_at,
            self.returned_at,
            self.informed_at,
        )

    @property
    def stage(self) -> LegStage:
        return stage(self.facts)


@dataclass(frozen=True, slots=True)
class LegRow:
    """A row of a department's queue: the leg, its ticket, and the step's countdown."""

    leg: LegRecord
    customer_name: str
    severity: str
    customer_words: str
    owner_name: str
    starts_at: datetime | None
    due_at: datetime | None
    paused_at: datetime | None = None
    subject_type: str = field(default=SubjectType.TICKET)

    @property
    def subject_id(self) -> int:
        return self.leg.ticket_id


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    id: int
    ticket_id: int
    filename: str
    media_type: str
    size: int
    storage: str
    added_by: str
    added_at: datetime


class FrontDeskStore(StoreBase):
    """One aggregate's reads and writes; shares the unit of work's session and bookkeeping."""

    @property
    def leg_policy(self) -> LegPolicy:
        """The site's limits on each department leg."""
        return self.rules.legs

    # -- departments: who belongs where ------------------------------------------------------

    def leg_department(self, leg_id: int) -> str | None:
        """The department code a leg was handed to (None: no such leg)."""
        return self.session.scalar(
            select(m.Department.code)
            .join(m.DepartmentLeg, m.DepartmentLeg.department_id == m.Department.id)
            .where(m.DepartmentLeg.id == leg_id)
        )

    def leg_ticket(self, leg_id: int) -> int:
        """The ticket a leg belongs to; `FrontDeskError` missing when there is no such leg."""
        ticket_id = self.session.scalar(
            select(m.DepartmentLeg.ticket_id).where(m.DepartmentLeg.id == leg_id)
        )
        if ticket_id is None:
            raise FrontDeskError("department.legs.error.missing")
        return int(ticket_id)

    def agent_department(self, agent_id: int) -> str | None:
        """The department code of a department member (Agent.role == "department")."""
        return self.session.scalar(
            select(m.Department.code)
            .join(m.Agent, m.Agent.department_id == m.Department.id)
            .where(m.Agent.id == agent_id)
        )

    def add_department_member(
        self, name: str, department_code: str, now: datetime, team: str = "default"
    ) -> int:
        department = self._department(department_code)
        agent = m.Agent(
            name=name.strip(),
            role=Role.DEPARTMENT,
            team=team,
            department_id=department.id,
            created_at=now,
        )
        self.session.add(agent)
        self.session.flush()
        self._changed("agent", agent.id, now)
        return agent.id

    # -- the round trip (seed 002:2.3.2, 2.4.2, 2.5) --------------------------------------------

    def hand_to_department(
        self,
        ticket_id: int,
        department_code: str,
        agent_id: int,
        now: datetime,
        transition: Transition,
        note: str = "",
    ) -> int:
        """The record goes to a department (the status the ticket's life decided); the accept
        countdown starts on the owner's desk."""
        ticket = self.session.get_one(m.Ticket, ticket_id)
        department = self._department(department_code)
        leg = m.DepartmentLeg(
            ticket_id=ticket_id,
            department_id=department.id,
            handed_by_id=agent_id,
            handed_at=now,
            note=note.strip(),
        )
        self.session.add(leg)
        ticket.department_id = department.id
        save_transition(ticket, transition, now)
        self.session.flush()
        detail: dict[str, Any] = {"department": department.code}
        if leg.note:
            detail["note"] = leg.note[:200]
        self._event(ticket_id, agent_id, now, "department_handed", detail)
        self._next_deadline(leg, ticket, now)
        return leg.id

    def accept_leg(self, leg_id: int, agent_id: int, now: datetime, by_name: str = "") -> None:
        leg, ticket = self._leg_at(leg_id, LegStage.ACCEPT)
        leg.accepted_at = now
        leg.accepted_by = self._who(agent_id, by_name)
        self._step(leg, ticket, agent_id, now, "department_accepted", {"by": leg.accepted_by})

    def plan_leg(
        self,
        leg_id: int,
        agent_id: int,
        now: datetime,
        expected_at: datetime,
        measures: str,
        by_name: str = "",
    ) -> None:
        """The department head's expected resolution time and measures (seed 002:2.3.2)."""
        leg, ticket = self._leg_at(leg_id, LegStage.PLAN)
        if expected_at <= now:
            raise FrontDeskError("department.legs.error.expected_past", "expected")
        leg.planned_at = now
        leg.expected_at = expected_at
        leg.measures = measures.strip()
        leg.planned_by = self._who(agent_id, by_name)
        ticket.promised_at = expected_at
        detail = {"by": leg.planned_by, "measures": leg.measures[:200]}
        self._step(leg, ticket, agent_id, now, "department_planned", detail)

    def record_leg_result(
        self, leg_id: int, agent_id: int, now: datetime, result: str, by_name: str = ""
    ) -> None:
        leg, ticket = self._leg_at(leg_id, LegStage.RESULT)
        leg.result_at = now
        leg.result = result.strip()
        leg.result_by = self._who(agent_id, by_name)
        detail = {"by": leg.result_by, "result": leg.result[:200]}
        self._step(leg, ticket, agent_id, now, "department_result", detail)

    def return_leg(
        self,
        leg_id: int,
        agent_id: int,
        now: datetime,
        transition: Transition,
        by_name: str = "",
    ) -> None:
        """Back to the CS owner, who tells the customer (seed 002:2.4.2); the ticket takes
        the status the ticket's life decided."""
        leg, ticket = self._leg_at(leg_id, LegStage.RETURN)
        leg.returned_at = now
        leg.returned_by = self._who(agent_id, by_name)
        leg.returned_to_id = ticket.owner_id
        ticket.answer = leg.result  # the department's result is written into the record
        save_transition(ticket, transition, now)
        owner = self.session.get_one(m.Agent, ticket.owner_id)
        detail = {"by": leg.returned_by, "to": owner.name}
        self._step(leg, ticket, agent_id, now, "department_returned", detail)
        if ticket.owner_id != agent_id:  # the owner learns it at their desk, not by chance
            customer = self.session.get_one(m.Customer, ticket.customer_id)
            self.session.add(
                m.Notification(
                    agent_id=ticket.owner_id,
                    kind="leg_returned",
                    subject_type=SubjectType.TICKET,
                    subject_id=ticket.id,
                    text=f"#{ticket.id} {customer.name}: {leg.result[:120]}",
                    created_at=now,
                )
            )
            self._changed("notification", ticket.id, now)

    def customer_told(self, ticket_id: int, agent_id: int, now: datetime) -> None:
        """The owner told the customer the department's result: the leg is complete."""
        leg = self.session.scalar(
            select(m.DepartmentLeg)
            .where(
                m.DepartmentLeg.ticket_id == ticket_id,
                m.DepartmentLeg.returned_at.is_not(None),
                m.DepartmentLeg.informed_at.is_(None),
            )
            .order_by(m.DepartmentLeg.id.desc())
            .limit(1)
        )
        if leg is None:
            raise FrontDeskError("department.legs.error.nothing_to_tell")
        ticket = self.session.get_one(m.Ticket, ticket_id)
        leg.informed_at = now
        self._step(leg, ticket, agent_id, now, "department_customer_told", {})

    def legs(self, ticket_id: int) -> list[LegRecord]:
        query = self._leg_query().where(m.DepartmentLeg.ticket_id == ticket_id)
        return [_leg(*row) for row in self.session.execute(query.order_by(m.DepartmentLeg.id))]

    def leg(self, leg_id: int) -> LegRecord:
        row = self.session.execute(self._leg_query().where(m.DepartmentLeg.id == leg_id)).one()
        return _leg(*row)

    # -- a department's queue: open legs, soonest due first ------------------------------------

    def department_queue_count(self, department_code: str) -> int:
        query = (
            select(func.count())
            .select_from(m.DepartmentLeg)
            .join(m.Department, m.Department.id == m.DepartmentLeg.department_id)
            .where(m.Department.code == department_code, m.DepartmentLeg.returned_at.is_(None))
        )
        return int(self.session.scalar(query) or 0)

    def department_queue_rows(self, department_code: str, offset: int, limit: int) -> list[LegRow]:
        due = (
            select(m.Deadline.due_at)
            .where(
                *open_of(SubjectType.TICKET, m.DepartmentLeg.ticket_id, DeadlineKind.DEPARTMENT_LEG)
            )
            .order_by(m.Deadline.due_at)
            .limit(1)
            .scalar_subquery()
        )
        query = (
            self._leg_query()
            .add_columns(
                m.Customer.name, m.Ticket.severity, m.Ticket.customer_words, due.label("due")
            )
            .join(m.Customer, m.Customer.id == m.Ticket.customer_id)
            .where(m.Department.code == department_code, m.DepartmentLeg.returned_at.is_(None))
            .order_by(due, m.DepartmentLeg.id)
            .offset(offset)
            .limit(limit)
        )
        out: list[LegRow] = []
        for row in self.session.execute(query):
            leg = _leg(*row[:5])
            customer, severity, words = row[5], row[6], row[7]
            window = stage_window(self.leg_policy, leg.facts)
            out.append(
                LegRow(
                    leg=leg,
                    customer_name=customer,
                    severity=severity,
                    customer_words=words,
                    owner_name=row[4],
                    starts_at=window[0] if window else None,
                    due_at=window[1] if window else None,
                )
            )
        return out

    # -- attachments (seed 002:2.2.2) ----------------------------------------------------------

    def add_attachment(
        self, ticket_id: int, path: Path, agent_id: int, now: datetime, rules: AttachmentRules
    ) -> AttachmentRecord:
        """Attach the file at `path`: refused with a message when missing, unreadable or too big."""
        self.session.get_one(m.Ticket, ticket_id)
        content = read_attachment(path, rules.limit_bytes)
        return self.add_attachment_content(ticket_id, path.name, content, agent_id, now, rules)

    def add_attachment_content(
        self,
        ticket_id: int,
        filename: str,
        content: bytes,
        agent_id: int,
        now: datetime,
        rules: AttachmentRules,
    ) -> AttachmentRecord:
        """Attach `content` under `filename` (a file read from the site's inbox, issue 23)."""
        self.session.get_one(m.Ticket, ticket_id)
        attachment = m.Attachment(
            ticket_id=ticket_id,
            filename=filename[:255],
            media_type=media_type(filename, content),
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            storage=rules.storage,
            added_by_id=agent_id,
            added_at=now,
        )
        if rules.storage == "folder":
            if rules.folder is None:
                raise FrontDeskError("attachments.error.no_folder", "path")
            stored = f"{ticket_id}-{uuid.uuid4().hex}{stored_suffix(filename)}"
            try:
                rules.folder.mkdir(parents=True, exist_ok=True)
                (rules.folder / stored).write_bytes(content)
            except OSError as error:
                raise FrontDeskError(
                    "attachments.error.store_failed", "path", reason=str(error)
                ) from error
            attachment.stored_name = stored
        else:
            attachment.content = content
        self.session.add(attachment)
        self.session.flush()
        detail = {"file": attachment.filename, "size": attachment.size}
        self._event(ticket_id, agent_id, now, "attachment_added", detail)
        self._changed("attachment", attachment.id, now)
        self._changed("ticket", ticket_id, now)
        return self._attachment_record(attachment)

    def attachment_ticket(self, attachment_id: int) -> int | None:
        """The ticket an attachment belongs to (None: no such attachment)."""
        return self.session.scalar(
            select(m.Attachment.ticket_id).where(m.Attachment.id == attachment_id)
        )

    def attachments(self, ticket_id: int) -> list[AttachmentRecord]:
        query = (
            select(m.Attachment)
            .where(m.Attachment.ticket_id == ticket_id)
            .order_by(m.Attachment.id)
        )
        return [self._attachment_record(a) for a in self.session.scalars(query)]

    def save_attachment_out(self, attachment_id: int, target: Path, rules: AttachmentRules) -> Path:
        """Write an attachment back out; a folder gets the original name. Never overwrites."""
        attachment = self.session.get_one(m.Attachment, attachment_id)
        if attachment.storage == ERASED_STORAGE:
            raise FrontDeskError("attachments.error.erased", "path")
        if target.is_dir():
            target = target / attachment.filename
        if target.exists():
            raise FrontDeskError("attachments.error.target_exists", "path", path=str(target))
        if not target.parent.is_dir():
            raise FrontDeskError("attachments.error.no_parent", "path", path=str(target.parent))
        _, content = self.attachment_content(attachment_id, rules)
        try:
            with target.open("xb") as out:
                out.write(content)
        except OSError as error:
            raise FrontDeskError(
                "attachments.error.write_failed", "path", reason=str(error)
            ) from error
        return target

    def attachment_content(self, attachment_id: int, rules: AttachmentRules) -> tuple[str, bytes]:
        """An attachment's name and bytes, wherever the site keeps them."""
        attachment = self.session.get_one(m.Attachment, attachment_id)
        if attachment.storage == ERASED_STORAGE:  # issue 28: erased on the person's request
            raise FrontDeskError("attachments.error.erased", "path")
        if attachment.storage != "folder":
            return attachment.filename, attachment.content or b""
        if rules.folder is None:
            raise FrontDeskError("attachments.error.no_folder", "path")
        try:
            return attachment.filename, (rules.folder / attachment.stored_name).read_bytes()
        except OSError as error:
            raise FrontDeskError(
                "attachments.error.stored_missing", "path", reason=str(error)
            ) from error

    # -- export ----------------------------------------------------------------------------

    def leg_export_rows(self) -> list[list[Any]]:
        customer = aliased(m.Customer)
        query = (
            self._leg_query()
            .add_columns(customer.name)
            .join(customer, customer.id == m.Ticket.customer_id)
            .order_by(m.DepartmentLeg.id)
        )
        rows: list[list[Any]] = []
        for row in self.session.execute(query):
            leg = _leg(*row[:5])
            rows.append(
                [
                    leg.id,
                    leg.ticket_id,
                    row[5],
                    leg.department_code,
                    leg.handed_by,
                    leg.handed_at,
                    leg.note,
                    leg.accepted_at,
                    leg.accepted_by,
                    leg.planned_at,
                    leg.expected_at,
                    leg.measures,
                    leg.planned_by,
                    leg.result_at,
                    leg.result,
                    leg.result_by,
                    leg.returned_at,
                    leg.returned_by,
                    leg.returned_to,
                    leg.informed_at,
                ]
            )
        return rows

    def attachment_export_rows(self) -> list[list[Any]]:
        query = (
            select(
                m.Attachment.id,
                m.Attachment.ticket_id,
                m.Customer.name,
                m.Attachment.filename,
                m.Attachment.media_type,
                m.Attachment.size,
                m.Attachment.sha256,
                m.Attachment.storage,
                m.Attachment.stored_name,
                m.Agent.name,
                m.Attachment.added_at,
            )
            .join(m.Ticket, m.Ticket.id == m.Attachment.ticket_id)
            .join(m.Customer, m.Customer.id == m.Ticket.customer_id)
            .join(m.Agent, m.Agent.id == m.Attachment.added_by_id)
            .order_by(m.Attachment.id)
        )
        return [list(row) for row in self.session.execute(query)]

    # -- inside ------------------------------------------------------------------------------

    def _department(self, code: str) -> m.Department:
        department = self.session.scalar(select(m.Department).where(m.Department.code == code))
        if department is None:
            raise FrontDeskError("department.legs.error.unknown_department", "department")
        return department

    def _open_leg(self, ticket_id: int) -> m.DepartmentLeg | None:
        return self.session.scalar(
            select(m.DepartmentLeg).where(
                m.DepartmentLeg.ticket_id == ticket_id, m.DepartmentLeg.returned_at.is_(None)
            )
        )

    def _leg_at(self, leg_id: int, wanted: LegStage) -> tuple[m.DepartmentLeg, m.Ticket]:
        leg = self.session.get(m.DepartmentLeg, leg_id)
        if leg is None:
            raise FrontDeskError("department.legs.error.missing")
        current = stage(_facts(leg))
        if current is not wanted:
            raise FrontDeskError(f"department.legs.error.stage_{current}")
        return leg, self.session.get_one(m.Ticket, leg.ticket_id)

    def _who(self, agent_id: int, by_name: str) -> str:
        """The department person: the signed-in member, or the name CS was given."""
        if by_name.strip():
            return by_name.strip()[:80]
        return self.session.get_one(m.Agent, agent_id).name

    def _step(
        self,
        leg: m.DepartmentLeg,
        ticket: m.Ticket,
        agent_id: int,
        now: datetime,
        action: str,
        detail: dict[str, Any],
    ) -> None:
        """One step: its history entry, the old countdown met, the next one started."""
        self.session.flush()
        self._event(ticket.id, agent_id, now, action, detail)
        self.meet_deadlines(SubjectType.TICKET, ticket.id, now, kind=DeadlineKind.DEPARTMENT_LEG)
        self._next_deadline(leg, ticket, now)

    def _next_deadline(self, leg: m.DepartmentLeg, ticket: m.Ticket, now: datetime) -> None:
        facts = _facts(leg)
        window = stage_window(self.leg_policy, facts)
        self._changed("department_leg", leg.id, now)
        self._changed("ticket", ticket.id, now)
        if window is None:
            return
        owner = self.session.get_one(m.Agent, ticket.owner_id)
        self.add_deadline(
            DeadlineKind.DEPARTMENT_LEG,
            SubjectType.TICKET,
            ticket.id,
            ticket.owner_id,
            window[0],
            window[1],
            label=" ".join(ticket.customer_words.split())[:60],
            customer_id=ticket.customer_id,
            severity=ticket.severity,
            team=owner.team,
        )

    def _leg_query(self) -> Any:
        handed_by = aliased(m.Agent)
        returned_to = aliased(m.Agent)
        owner = aliased(m.Agent)
        return (
            select(m.DepartmentLeg, m.Department.code, handed_by.name, returned_to.name)
            .add_columns(owner.name)
            .join(m.Department, m.Department.id == m.DepartmentLeg.department_id)
            .join(handed_by, handed_by.id == m.DepartmentLeg.handed_by_id)
            .join(m.Ticket, m.Ticket.id == m.DepartmentLeg.ticket_id)
            .join(owner, owner.id == m.Ticket.owner_id)
            .outerjoin(returned_to, returned_to.id == m.DepartmentLeg.returned_to_id)
        )

    def _attachment_record(self, attachment: m.Attachment) -> AttachmentRecord:
        added_by = self.session.get_one(m.Agent, attachment.added_by_id).name
        return AttachmentRecord(
            attachment.id,
            attachment.ticket_id,
            attachment.filename,
            attachment.media_type,
            attachment.size,
            attachment.storage,
            added_by,
            attachment.added_at,
        )


def stored_suffix(filename: str) -> str:
    """The extension a stored file keeps (`.pdf`): letters and digits only, else none, so a
    hostile name (a NUL, a `/`, a control character) never reaches the file system."""
    suffix = Path(filename.replace("\x00", "")).suffix[:16]
    return suffix if suffix[1:].isascii() and suffix[1:].isalnum() else ""


def read_attachment(path: Path, limit_bytes: int) -> bytes:
    """The file's bytes, or a FrontDeskError saying plainly why not (the size is checked
    before anything is read)."""
    try:
        if not path.exists():
            raise FrontDeskError("attachments.error.missing", "path", path=str(path))
        if path.is_dir():
            raise FrontDeskError("attachments.error.is_folder", "path", path=str(path))
        size = path.stat().st_size
        if size > limit_bytes:
            raise FrontDeskError(
                "attachments.error.too_big",
                "path",
                size=human_size(size),
                limit=human_size(limit_bytes),
            )
        if size == 0:
            raise FrontDeskError("attachments.error.empty", "path", path=str(path))
        with path.open("rb") as handle:
            content = handle.read(limit_bytes + 1)
    except PermissionError as error:
        raise FrontDeskError("attachments.error.unreadable", "path", path=str(path)) from error
    except OSError as error:
        raise FrontDeskError(
            "attachments.error.unreadable", "path", path=f"{path} ({error.strerror})"
        ) from error
    if len(content) > limit_bytes:  # it grew while we looked
        raise FrontDeskError(
            "attachments.error.too_big",
            "path",
            size=human_size(len(content)),
            limit=human_size(limit_bytes),
        )
    return content


MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),  # fax scans
    (b"MM\x00*", "image/tiff"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)


def media_type(filename: str, content: bytes) -> str:
    """The file's type from its first bytes, else from its name (.eml is message/rfc822)."""
    for magic, kind in MAGIC:
        if content.startswith(magic) and not (
            kind == "application/zip" and mimetypes.guess_type(filename)[0]
        ):
            return kind
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def human_size(size: int) -> str:
    """1536 -> "1.5 KB": sizes as people read them."""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}"
    return f"{size} B"


def _facts(leg: m.DepartmentLeg) -> LegFacts:
    return LegFacts(
        leg.handed_at,
        leg.accepted_at,
        leg.planned_at,
        leg.expected_at,
        leg.result_at,
        leg.returned_at,
        leg.informed_at,
    )


def _leg(
    leg: m.DepartmentLeg,
    department_code: str,
    handed_by: str,
    returned_to: str | None,
    owner_name: str,
) -> LegRecord:
    return LegRecord(
        id=leg.id,
        ticket_id=leg.ticket_id,
        department_code=department_code,
        handed_by=handed_by,
        handed_at=leg.handed_at,
        note=leg.note,
        accepted_at=leg.accepted_at,
        accepted_by=leg.accepted_by,
        planned_at=leg.planned_at,
        expected_at=leg.expected_at,
        measures=leg.measures,
        planned_by=leg.planned_by,
        result_at=leg.result_at,
        result=leg.result,
        result_by=leg.result_by,
        returned_at=leg.returned_at,
        returned_by=leg.returned_by,
        returned_to=returned_to or "",
        informed_at=leg.informed_at,
    )
