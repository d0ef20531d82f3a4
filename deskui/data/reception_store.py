"""Reception: visitors, walk-ins, contractor passes, phone messages, correspondence
(seed 001:4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.store_base import StoreBase
from deskui.domain.phone import display_number
from deskui.domain.reception import MailKind, local_day

if TYPE_CHECKING:
    pass

VISIT_EXPORT_HEADERS = (
    "visit", "visitor", "company", "purpose", "host", "prepare", "expected_at", "arrived_at",
    "left_at", "ticket", "recorded_by", "recorded_at",
)  # fmt: skip
PASS_EXPORT_HEADERS = (
    "pass", "company", "people", "area", "valid_from", "valid_to", "issued_by", "issued_at",
    "revoked_at", "revoked_by", "revoke_reason",
)  # fmt: skip
MESSAGE_EXPORT_HEADERS = (
    "message", "for", "from_name", "from_number", "message_text", "urgent", "taken_by",
    "taken_at", "done_at",
)  # fmt: skip
MAIL_EXPORT_HEADERS = (
    "item", "at", "direction", "kind", "category", "party", "handed_to", "archive", "note",
    "signed_at", "signed_by", "recorded_by", "copy_made",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class VisitRow:
    id: int
    visitor: str
    company: str
    purpose: str
    host: str
    prepare: str
    expected_at: datetime | None
    arrived_at: datetime | None
    left_at: datetime | None
    ticket_id: int | None


@dataclass(frozen=True, slots=True)
class PassRow:
    id: int
    company: str
    people: str
    area: str
    valid_from: datetime
    valid_to: datetime
    issued_by: str
    revoked_at: datetime | None
    revoke_reason: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    id: int
    for_name: str
    from_name: str
    from_number: str
    message: str
    urgent: bool
    taken_by: str
    taken_at: datetime
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class MailRow:
    id: int
    at: datetime
    direction: str
    kind: str
    category: str
    party: str
    handed_to: str
    archive: bool
    note: str
    signed_at: datetime | None
    signed_by: str
    copy_made: bool = False
    """A fading fax copied, the copy handed over with the original (seed 001:4.6)."""


class ReceptionStore(StoreBase):
    """One aggregate's reads and writes; shares the unit of work's session and bookkeeping."""

    # -- visitors: booked and walk-in (seed 001:4.9-4.10) ------------------------------------

    def add_visit(
        self,
        agent_id: int,
        now: datetime,
        *,
        visitor: str,
        company: str = "",
        purpose: str = "",
        host: str = "",
        prepare: str = "",
        expected_at: datetime | None = None,
    ) -> int:
        """A booked visitor (`expected_at`), or a walk-in arriving now when it is None."""
        visit = m.Visit(
            visitor=visitor.strip(),
            company=company.strip(),
            purpose=purpose,
            host=host.strip(),
            prepare=prepare,
            expected_at=expected_at,
            arrived_at=None if expected_at is not None else now,
            recorded_by_id=agent_id,
            recorded_at=now,
        )
        self.session.add(visit)
        self.session.flush()
        self._changed("visit", visit.id, now)
        return visit.id

    def _today_visits(self, now: datetime, zone: ZoneInfo) -> Select[Any]:
        start, end = local_day(now, zone)
        return select(m.Visit).where(m.Visit.expected_at >= start, m.Visit.expected_at < end)

    def today_visits_count(self, now: datetime, zone: ZoneInfo) -> int:
        query = self._today_visits(now, zone).with_only_columns(func.count(m.Visit.id))
        return int(self.session.scalar(query) or 0)

    def today_visits(
        self, now: datetime, zone: ZoneInfo, offset: int, limit: int
    ) -> list[VisitRow]:
        """Today's expected visitors in time order, with what to prepare."""
        query = self._today_visits(now, zone).order_by(m.Visit.expected_at, m.Visit.id)
        return [_visit(v) for v in self.session.scalars(query.offset(offset).limit(limit))]

    def _walk_ins(self, now: datetime, zone: ZoneInfo) -> Select[Any]:
        start, end = local_day(now, zone)
        return select(m.Visit).where(
            m.Visit.expected_at.is_(None), m.Visit.arrived_at >= start, m.Visit.arrived_at < end
        )

    def walk_ins_count(self, now: datetime, zone: ZoneInfo) -> int:
        query = self._walk_ins(now, zone).with_only_columns(func.count(m.Visit.id))
        return int(self.session.scalar(query) or 0)

    def walk_ins(self, now: datetime, zone: ZoneInfo, offset: int, limit: int) -> list[VisitRow]:
        query = self._walk_ins(now, zone).order_by(m.Visit.arrived_at.desc(), m.Visit.id.desc())
        return [_visit(v) for v in self.session.scalars(query.offset(offset).limit(limit))]

    def visit_arrived(self, visit_id: int, now: datetime) -> None:
        visit = self.session.get_one(m.Visit, visit_id)
        if visit.arrived_at is not None:
            raise FrontDeskError("reception.error.already_arrived")
        visit.arrived_at = now
        self._changed("visit", visit_id, now)

    def visit_left(self, visit_id: int, now: datetime) -> None:
        visit = self.session.get_one(m.Visit, visit_id)
        if visit.arrived_at is None:
            raise FrontDeskError("reception.error.not_arrived")
        if visit.left_at is not None:
            raise FrontDeskError("reception.error.already_left")
        visit.left_at = now
        self._changed("visit", visit_id, now)

    def visit(self, visit_id: int) -> VisitRow:
        """One visit as it stands (MissingRecord when there is none)."""
        return _visit(self.session.get_one(m.Visit, visit_id))

    def tie_ticket(self, visit_id: int, ticket_id: int, now: datetime) -> None:
        """The walk-in's problem is recorded as the ticket `ticket_id` (seed 001:8.1)."""
        self.session.get_one(m.Visit, visit_id).ticket_id = ticket_id
        self._changed("visit", visit_id, now)

    # -- contractor passes, 施工单位出入证 (seed 001:4.8) ------------------------------------

    def issue_pass(
        self,
        agent_id: int,
        now: datetime,
        *,
        company: str,
        people: str,
        area: str,
        valid_from: datetime,
        valid_to: datetime,
        issued_by: str,
    ) -> int:
        issued = m.ContractorPass(
            company=company.strip(),
            people=people.strip(),
            area=area.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            issued_by=issued_by.strip(),
            issued_by_id=agent_id,
            issued_at=now,
        )
        self.session.add(issued)
        self.session.flush()
        self._changed("contractor_pass", issued.id, now)
        return issued.id

    def revoke_pass(self, pass_id: int, agent_id: int, now: datetime, reason: str = "") -> None:
        issued = self.session.get_one(m.ContractorPass, pass_id)
        if issued.revoked_at is not None:
            raise FrontDeskError("reception.error.already_revoked")
        issued.revoked_at = now
        issued.revoked_by_id = agent_id
        issued.revoke_reason = reason
        self._changed("contractor_pass", pass_id, now)

    def _passes(self, now: datetime, zone: ZoneInfo, expiring_today: bool) -> Select[Any]:
        query = select(m.ContractorPass).where(m.ContractorPass.revoked_at.is_(None))
        if expiring_today:
            start, end = local_day(now, zone)
            return query.where(m.ContractorPass.valid_to >= start, m.ContractorPass.valid_to < end)
        return query.where(m.ContractorPass.valid_to > now)

    def passes_count(self, now: datetime, zone: ZoneInfo, expiring_today: bool = False) -> int:
        query = self._passes(now, zone, expiring_today)
        return int(self.session.scalar(query.with_only_columns(func.count())) or 0)

    def passes(
        self, now: datetime, zone: ZoneInfo, offset: int, limit: int, expiring_today: bool = False
    ) -> list[PassRow]:
        """Passes not revoked and still running (or ending today), soonest end first."""
        query = self._passes(now, zone, expiring_today).order_by(
            m.ContractorPass.valid_to, m.ContractorPass.id
        )
        return [_pass(p) for p in self.session.scalars(query.offset(offset).limit(limit))]

    # -- phone messages for colleagues (seed 001:4.7) -------------------------------------------

    def take_message(
        self,
        agent_id: int,
        now: datetime,
        *,
        for_agent_id: int,
        from_name: str,
        message: str,
        from_number: str = "",
        urgent: bool = False,
    ) -> int:
        """The message; an urgent one reaches its addressee's bell in the same transaction
        (`MissingRecord` when there is no such addressee)."""
        self.session.get_one(m.Agent, for_agent_id)
        taken = m.PhoneMessage(
            for_agent_id=for_agent_id,
            from_name=from_name.strip(),
            from_number=from_number.strip(),
            message=message,
            urgent=urgent,
            taken_by_id=agent_id,
            taken_at=now,
        )
        self.session.add(taken)
        self.session.flush()
        if urgent:  # urgent matters go to the person at once (seed 001:4.7)
            caller = f"{taken.from_name} {display_number(taken.from_number)}".strip()
            notice = m.Notification(
                agent_id=for_agent_id,
                kind="urgent_message",
                subject_type="phone_message",
                subject_id=taken.id,
                text=f"{caller}: {message}",
                created_at=now,
            )
            self.session.add(notice)
            self.session.flush()
            self._changed("notification", notice.id, now)
        self._changed("phone_message", taken.id, now)
        return taken.id

    def message_done(self, message_id: int, now: datetime) -> None:
        taken = self.session.get_one(m.PhoneMessage, message_id)
        if taken.done_at is not None:
            raise FrontDeskError("reception.error.already_done")
        taken.done_at = now
        self._changed("phone_message", message_id, now)

    def _messages(self) -> Select[Any]:
        return select(m.PhoneMessage).where(m.PhoneMessage.done_at.is_(None))

    def messages_count(self) -> int:
        query = self._messages().with_only_columns(func.count(m.PhoneMessage.id))
        return int(self.session.scalar(query) or 0)

    def messages(self, offset: int, limit: int) -> list[MessageRow]:
        """Open messages, urgent first, newest first."""
        addressee = aliased(m.Agent)
        taker = aliased(m.Agent)
        query = (
            self._messages()
            .add_columns(addressee.name, taker.name)
            .join(addressee, addressee.id == m.PhoneMessage.for_agent_id)
            .join(taker, taker.id == m.PhoneMessage.taken_by_id)
            .order_by(m.PhoneMessage.urgent.desc(), m.PhoneMessage.taken_at.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_message(p, a, b) for p, a, b in self.session.execute(query)]

    # -- correspondence register (seed 001:4.5-4.6) -------------------------------------------

    def register_mail(
        self,
        agent_id: int,
        now: datetime,
        *,
        at: datetime,
        direction: str,
        kind: str,
        party: str,
        category: str = "",
        handed_to: str = "",
        archive: bool = False,
        note: str = "",
        copy_made: bool = False,
    ) -> int:
        if copy_made and kind != MailKind.FAX:
            # only thermal fax paper fades (seed 001:4.6)
            raise FrontDeskError("correspondence.error.copy_only_fax", field="copy_made")
        item = m.Correspondence(
            at=at,
            direction=direction,
            kind=MailKind(kind).value,
            category=category.strip(),
            party=party.strip(),
            handed_to=handed_to.strip(),
            archive=archive,
            note=note,
            recorded_by_id=agent_id,
            copy_made=copy_made,
        )
        self.session.add(item)
        self.session.flush()
        self._changed("correspondence", item.id, now)
        return item.id

    def sign_mail(self, item_id: int, signed_by: str, now: datetime) -> None:
        item = self.session.get_one(m.Correspondence, item_id)
        if item.signed_at is not None:
            raise FrontDeskError("correspondence.error.already_signed", who=item.signed_by)
        item.signed_at = now
        item.signed_by = signed_by.strip()
        self._changed("correspondence", item_id, now)

    def _mail(self, search: str, archive_only: bool) -> Select[Any]:
        query = select(m.Correspondence)
        words = search.strip()
        if words:
            pattern = f"%{_like(words)}%"
            query = query.where(
                or_(
                    *(
                        column.ilike(pattern, escape="\\")
                        for column in (
                            m.Correspondence.party,
                            m.Correspondence.category,
                            m.Correspondence.handed_to,
                            m.Correspondence.note,
                            m.Correspondence.signed_by,
                        )
                    )
                )
            )
        if archive_only:
            query = query.where(m.Correspondence.archive.is_(True))
        return query

    def mail_count(self, search: str = "", archive_only: bool = False) -> int:
        query = self._mail(search, archive_only).with_only_columns(func.count(m.Correspondence.id))
        return int(self.session.scalar(query) or 0)

    def mail(
        self, offset: int, limit: int, search: str = "", archive_only: bool = False
    ) -> list[MailRow]:
        """Newest first; the archive is filed by received time and category (seed 001:4.6)."""
        query = self._mail(search, archive_only)
        if archive_only:
            query = query.order_by(m.Correspondence.category, m.Correspondence.at)
        else:
            query = query.order_by(m.Correspondence.at.desc(), m.Correspondence.id.desc())
        return [_mail(c) for c in self.session.scalars(query.offset(offset).limit(limit))]

    # -- export ----------------------------------------------------------------------------------

    def visit_export_rows(self) -> list[list[Any]]:
        query = (
            select(m.Visit, m.Agent.name)
            .join(m.Agent, m.Agent.id == m.Visit.recorded_by_id)
            .order_by(m.Visit.id)
        )
        return [
            [
                v.id,
                v.visitor,
                v.company,
                v.purpose,
                v.host,
                v.prepare,
                v.expected_at,
                v.arrived_at,
                v.left_at,
                v.ticket_id or "",
                name,
                v.recorded_at,
            ]
            for v, name in self.session.execute(query)
        ]

    def pass_export_rows(self) -> list[list[Any]]:
        revoker = aliased(m.Agent)
        query = (
            select(m.ContractorPass, revoker.name)
            .outerjoin(revoker, revoker.id == m.ContractorPass.revoked_by_id)
            .order_by(m.ContractorPass.id)
        )
        return [
            [
                p.id,
                p.company,
                p.people,
                p.area,
                p.valid_from,
                p.valid_to,
                p.issued_by,
                p.issued_at,
                p.revoked_at,
                name or "",
                p.revoke_reason,
            ]
            for p, name in self.session.execute(query)
        ]

    def message_export_rows(self) -> list[list[Any]]:
        addressee = aliased(m.Agent)
        taker = aliased(m.Agent)
        query = (
            select(m.PhoneMessage, addressee.name, taker.name)
            .join(addressee, addressee.id == m.PhoneMessage.for_agent_id)
            .join(taker, taker.id == m.PhoneMessage.taken_by_id)
            .order_by(m.PhoneMessage.id)
        )
        return [
            [
                p.id,
                a,
                p.from_name,
                p.from_number,
                p.message,
                "yes" if p.urgent else "no",
                b,
                p.taken_at,
                p.done_at,
            ]
            for p, a, b in self.session.execute(query)
        ]

    def mail_export_rows(self) -> list[list[Any]]:
        query = (
            select(m.Correspondence, m.Agent.name)
            .join(m.Agent, m.Agent.id == m.Correspondence.recorded_by_id)
            .order_by(m.Correspondence.at, m.Correspondence.id)
        )
        return [
            [
                c.id,
                c.at,
                c.direction,
                c.kind,
                c.category,
                c.party,
                c.handed_to,
                "yes" if c.archive else "no",
                c.note,
                c.signed_at,
                c.signed_by,
                name,
                "yes" if c.copy_made else "no",
            ]
            for c, name in self.session.execute(query)
        ]


def _like(words: str) -> str:
    return words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _visit(v: m.Visit) -> VisitRow:
    return VisitRow(
        v.id, v.visitor, v.company, v.purpose, v.host, v.prepare, v.expected_at, v.arrived_at,
        v.left_at, v.ticket_id,
    )  # fmt: skip


def _pass(p: m.ContractorPass) -> PassRow:
    return PassRow(
        p.id, p.company, p.people, p.area, p.valid_from, p.valid_to, p.issued_by, p.revoked_at,
        p.revoke_reason,
    )  # fmt: skip


def _message(p: m.PhoneMessage, for_name: str, taken_by: str) -> MessageRow:
    return MessageRow(
        p.id, for_name, p.from_name, p.from_number, p.message, p.urgent, taken_by, p.taken_at,
        p.done_at,
    )  # fmt: skip


def _mail(c: m.Correspondence) -> MailRow:
    return MailRow(
        c.id, c.at, c.direction, c.kind, c.category, c.party, c.handed_to, c.archive, c.note,
        c.signed_at, c.signed_by, c.copy_made,
    )  # fmt: skip
