"""Customer relations: prospects, gifts and customer events (seed 000:1.4.7, 2.5.5, 4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.deadline_store import open_deadlines, open_of
from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.store_base import StoreBase
from deskui.domain.callbacks import CallbackRules, calling_hours_for, is_allowed
from deskui.domain.model import (
    CallbackPurpose,
    CallbackStatus,
    DeadlineKind,
    SubjectType,
)
from deskui.domain.reception import gift_confirmation_due
from deskui.domain.relations import (
    Attendance,
    InviteWay,
    OpenCall,
    ProspectStatus,
    arrival_from_answers,
    attendance_problem,
    callback_to_join,
    gift_call_at,
    plan_due_at,
    prospect_follow_up_due,
)

if TYPE_CHECKING:
    from deskui.data.callback_store import CallbackResult
    from deskui.domain.calendar import BusinessCalendar

PROSPECT_EXPORT_HEADERS = (
    "prospect", "customer", "contact", "interest", "source_callback", "recorded_by",
    "recorded_at", "status", "cs_owner", "follow_up_at", "department", "department_person",
    "handed_at", "handed_by", "closed_at", "closed_by", "outcome", "history",
)  # fmt: skip
GIFT_EXPORT_HEADERS = (
    "gift_id", "customer", "contact", "gift", "sent_at", "sent_by", "department",
    "recorded_by", "recorded_at", "confirm_due", "callback", "callback_due_at",
    "callback_done_at", "arrived", "confirmed_at", "confirmed_by", "confirmed_via",
    "confirm_note",
)  # fmt: skip
EVENT_EXPORT_HEADERS = (
    "event", "name", "event_on", "place", "owner", "plan_due_on", "plan", "plan_by", "plan_at",
    "created_by", "created_at", "invitee", "customer", "contact", "added_at", "invited_at",
    "invited_via", "invited_by", "attendance", "attendance_at", "note",
)  # fmt: skip
OPEN_CALLBACK = (CallbackStatus.PENDING, CallbackStatus.BOOKED)


@dataclass(frozen=True, slots=True)
class ContactChoice:
    """A customer and one of its contacts, as picked for a prospect, a gift or an event."""

    customer_id: int
    customer_name: str
    contact_id: int | None
    contact_name: str
    phone: str


@dataclass(frozen=True, slots=True)
class ProspectRow:
    id: int
    customer_id: int
    customer_name: str
    contact_name: str
    interest: str
    status: str
    recorded_at: datetime
    recorded_by: str
    owner_name: str
    follow_up_at: datetime | None
    department_code: str
    department_person: str
    handed_at: datetime | None
    handed_by: str
    source_callback_id: int | None
    closed_at: datetime | None
    outcome: str


@dataclass(frozen=True, slots=True)
class GiftRow:
    id: int
    customer_id: int
    customer_name: str
    contact_name: str
    gift: str
    sent_at: datetime
    sent_by: str
    department_code: str
    callback_id: int | None
    callback_due_at: datetime | None
    callback_done_at: datetime | None
    arrived: bool | None
    """Confirmed on the list, or found by the gift-arrival callback's script."""
    confirmed_at: datetime | None
    confirmed_by: str
    confirm_note: str
    via: str
    """"list" (confirmed here), "callback" (the script's answer) or "" (not yet)."""

    @property
    def confirm_due(self) -> datetime:
        return gift_confirmation_due(self.sent_at)


@dataclass(frozen=True, slots=True)
class GiftSaved:
    gift_id: int
    callback_id: int
    joined: bool
    """True when it rides along with a callback already planned for the customer."""


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    name: str
    event_on: date
    place: str
    owner_id: int
    owner_name: str
    plan_due_on: date
    plan_due_at: datetime | None
    """The open plan deadline's due time; None once the plan is in."""
    plan_starts_at: datetime | None
    plan: str
    plan_by: str
    plan_at: datetime | None
    invitees: int
    invited: int
    attended: int
    declined: int
    no_show: int


@dataclass(frozen=True, slots=True)
class InviteeRow:
    id: int
    event_id: int
    customer_id: int
    customer_name: str
    contact_name: str
    invited_at: datetime | None
    invited_via: str
    invited_by: str
    attendance: str | None
    attendance_at: datetime | None
    note: str


class RelationsStore(StoreBase):
    """One aggregate's reads and writes; shares the unit of work's session and bookkeeping."""

    # -- picking a customer's contact ----------------------------------------------------------

    def _choices(self, search: str) -> Select[Any]:
        query = select(m.Customer.id).outerjoin(m.Contact, m.Contact.customer_id == m.Customer.id)
        words = search.strip()
        if words:
            pattern = f"%{_like(words)}%"
            query = query.where(
                or_(
                    m.Customer.name.ilike(pattern, escape="\\"),
                    m.Contact.name.ilike(pattern, escape="\\"),
                    m.Customer.phone_e164.ilike(pattern, escape="\\"),
                    m.Contact.phone_e164.ilike(pattern, escape="\\"),
                )
            )
        return query

    def contact_choice_count(self, search: str = "") -> int:
        query = self._choices(search).with_only_columns(func.count())
        return int(self.session.scalar(query) or 0)

    def contact_choices(self, search: str, offset: int, limit: int) -> list[ContactChoice]:
        """Every customer with each of its contacts (a customer without one once), by name."""
        query = (
            self._choices(search)
            .add_columns(
                m.Customer.name,
                m.Contact.id,
                m.Contact.name,
                m.Contact.phone_e164,
                m.Customer.phone_e164,
            )
            .order_by(m.Customer.name, m.Customer.id, m.Contact.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            ContactChoice(cid, name, contact_id, contact or "", contact_phone or phone or "")
            for cid, name, contact_id, contact, contact_phone, phone in self.session.execute(query)
        ]

    # -- prospects (seed 000:1.4.7) -----------------------------------------------------------

    def record_prospect(
        self,
        agent_id: int,
        now: datetime,
        *,
        customer_id: int,
        interest: str,
        contact_id: int | None = None,
        source_callback_id: int | None = None,
        department_code: str | None = None,
        person: str = "",
        follow_up_at: datetime | None = None,
    ) -> int:
        """A contact's interest. With no department following it, CS follows it itself: the
        agent owns it with a follow-up deadline; else it is handed to the department."""
        if not interest.strip():
            raise FrontDeskError("reception.error.required", "interest")
        customer = self.session.get_one(m.Customer, customer_id)
        prospect = m.Prospect(
            customer_id=customer_id,
            contact_id=contact_id,
            interest=interest.strip(),
            source_callback_id=source_callback_id,
            recorded_by_id=agent_id,
            recorded_at=now,
            status=ProspectStatus.FOLLOWING,
            department_person="",
            outcome="",
        )
        self.session.add(prospect)
        self.session.flush()
        self._prospect_event(
            prospect.id, agent_id, now, "recorded", {"callback": source_callback_id}
        )
        if source_callback_id is not None:
            self._uow.callbacks.callback_event(
                source_callback_id, agent_id, now, "prospect", {"prospect": prospect.id}
            )
        if department_code is None:
            due = follow_up_at or prospect_follow_up_due(now)
            prospect.owner_id = agent_id
            prospect.follow_up_at = due
            self.add_deadline(
                DeadlineKind.PROSPECT_FOLLOW_UP,
                SubjectType.PROSPECT,
                prospect.id,
                agent_id,
                now,
                due,
                label=_summary(prospect.interest),
                customer_id=customer.id,
                team=self._agent_team(agent_id),
            )
        else:
            self._hand(prospect, agent_id, now, department_code, person)
        self._changed("prospect", prospect.id, now)
        return prospect.id

    def hand_prospect(
        self, prospect_id: int, agent_id: int, now: datetime, department_code: str, person: str
    ) -> None:
        """CS found the department that follows it after all: it goes on there."""
        prospect = self.session.get_one(m.Prospect, prospect_id)
        if prospect.status != ProspectStatus.FOLLOWING:
            raise FrontDeskError("relations.error.not_following")
        self.meet_deadlines(SubjectType.PROSPECT, prospect_id, now)
        self._hand(prospect, agent_id, now, department_code, person)
        self._changed("prospect", prospect_id, now)

    def _hand(
        self, prospect: m.Prospect, agent_id: int, now: datetime, department_code: str, person: str
    ) -> None:
        department = self.session.scalar(
            select(m.Department).where(m.Department.code == department_code)
        )
        if department is None:
            raise FrontDeskError("relations.error.pick_department", "department")
        if not person.strip():
            raise FrontDeskError("reception.error.required", "person")
        prospect.status = ProspectStatus.HANDED
        prospect.department_id = department.id
        prospect.department_person = person.strip()
        prospect.handed_at = now
        prospect.handed_by_id = agent_id
        # the hand-off in the prospect's history (seed 000:1.4.7)
        self._prospect_event(
            prospect.id,
            agent_id,
            now,
            "handed",
            {"department": department.code, "person": person.strip()},
        )

    def close_prospect(self, prospect_id: int, agent_id: int, now: datetime, outcome: str) -> None:
        """Followed up: how it ended (a contract, not interested after all, ...)."""
        prospect = self.session.get_one(m.Prospect, prospect_id)
        if prospect.status == ProspectStatus.CLOSED:
            raise FrontDeskError("relations.error.already_closed")
        if not outcome.strip():
            raise FrontDeskError("reception.error.required", "outcome")
        prospect.status = ProspectStatus.CLOSED
        prospect.closed_at = now
        prospect.closed_by_id = agent_id
        prospect.outcome = outcome.strip()
        self.meet_deadlines(SubjectType.PROSPECT, prospect_id, now)
        self._prospect_event(prospect_id, agent_id, now, "closed", {"outcome": outcome.strip()})
        self._changed("prospect", prospect_id, now)

    def _prospects(self, open_only: bool) -> Select[Any]:
        query = select(m.Prospect)
        if open_only:
            query = query.where(m.Prospect.status != ProspectStatus.CLOSED)
        return query

    def prospect_count(self, open_only: bool = False) -> int:
        query = self._prospects(open_only).with_only_columns(func.count(m.Prospect.id))
        return int(self.session.scalar(query) or 0)

    def prospect_rows(self, offset: int, limit: int, open_only: bool = False) -> list[ProspectRow]:
        """Open ones first (CS's own by follow-up time), then the closed, newest first."""
        closed = case((m.Prospect.status == ProspectStatus.CLOSED, 1), else_=0)
        query = (
            self._prospect_columns(self._prospects(open_only))
            .order_by(
                closed,
                m.Prospect.follow_up_at.is_(None),
                m.Prospect.follow_up_at,
                m.Prospect.recorded_at.desc(),
                m.Prospect.id.desc(),
            )
            .offset(offset)
            .limit(limit)
        )
        return [_prospect(*row) for row in self.session.execute(query)]

    def prospect(self, prospect_id: int) -> ProspectRow:
        query = self._prospect_columns(self._prospects(False)).where(m.Prospect.id == prospect_id)
        return _prospect(*self.session.execute(query).one())

    def _prospect_columns(self, query: Select[Any]) -> Select[Any]:
        contact = aliased(m.Contact)
        recorder = aliased(m.Agent)
        owner = aliased(m.Agent)
        hander = aliased(m.Agent)
        return (
            query.add_columns(
                m.Customer.name,
                contact.name,
                recorder.name,
                owner.name,
                m.Department.code,
                hander.name,
            )
            .join(m.Customer, m.Customer.id == m.Prospect.customer_id)
            .outerjoin(contact, contact.id == m.Prospect.contact_id)
            .join(recorder, recorder.id == m.Prospect.recorded_by_id)
            .outerjoin(owner, owner.id == m.Prospect.owner_id)
            .outerjoin(m.Department, m.Department.id == m.Prospect.department_id)
            .outerjoin(hander, hander.id == m.Prospect.handed_by_id)
        )

    def prospect_history(
        self, prospect_id: int
    ) -> list[tuple[datetime, str, str, dict[str, object]]]:
        query = (
            select(m.ProspectEvent, m.Agent.name)
            .outerjoin(m.Agent, m.Agent.id == m.ProspectEvent.agent_id)
            .where(m.ProspectEvent.prospect_id == prospect_id)
            .order_by(m.ProspectEvent.id)
        )
        return [
            (e.at, e.action, name or "", dict(e.detail or {}))
            for e, name in self.session.execute(query)
        ]

    def _prospect_event(
        self, prospect_id: int, agent_id: int | None, now: datetime, action: str, detail: Any
    ) -> None:
        self.session.add(
            m.ProspectEvent(
                prospect_id=prospect_id, agent_id=agent_id, at=now, action=action, detail=detail
            )
        )

    # -- gifts (seed 000:2.5.5) ------------------------------------------------------------------

    def record_gift(
        self,
        agent_id: int,
        now: datetime,
        calendar: BusinessCalendar,
        *,
        customer_id: int,
        gift: str,
        sent_at: datetime,
        sent_by: str,
        department_code: str = "business",
        contact_id: int | None = None,
        rules: CallbackRules | None = None,
    ) -> GiftSaved:
        """A line of the department's gift list, and the callback in which CS confirms its
        arrival within 3 days (seed 000:2.5.5.1): the customer's next routine callback when
        one falls in time (it becomes a gift-arrival call), else a gift-arrival callback of
        its own, placed at the latest time the customer may be called before the 3 days."""
        rules = rules or self.rules.callbacks
        customer = self.session.get_one(m.Customer, customer_id)
        department_id = self.session.scalar(
            select(m.Department.id).where(m.Department.code == department_code)
        )
        open_calls = self.session.execute(
            select(m.Callback.id, m.Callback.purpose, m.Callback.due_at).where(
                m.Callback.customer_id == customer_id,
                m.Callback.done_at.is_(None),
                m.Callback.status.in_(OPEN_CALLBACK),
            )
        ).all()
        joined = callback_to_join([OpenCall(i, p, d) for i, p, d in open_calls], sent_at)
        if joined is not None:
            callback = self.session.get_one(m.Callback, joined)
            if callback.purpose != CallbackPurpose.GIFT_ARRIVAL:
                # the routine call now asks about the gift too: its script does both
                previous = callback.purpose
                callback.purpose = CallbackPurpose.GIFT_ARRIVAL
                for deadline in self.session.scalars(open_deadlines(SubjectType.CALLBACK, joined)):
                    deadline.label = CallbackPurpose.GIFT_ARRIVAL
                    self._changed("deadline", deadline.id, now)
                self._uow.callbacks.callback_event(
                    joined, agent_id, now, "gift_joined", {"previous_purpose": previous}
                )
                self._changed("callback", joined, now)
            callback_id = joined
        else:
            owner = customer.assigned_agent_id or agent_id
            hours = calling_hours_for(self._convenient_times(customer_id, contact_id), rules)
            at = gift_call_at(sent_at, now, lambda t: is_allowed(t, hours, calendar))
            callback_id = self._uow.callbacks.add_callback(
                customer_id, CallbackPurpose.GIFT_ARRIVAL, sent_at, now, calendar,
                agent_id=owner, contact_id=contact_id, rules=rules, due_at=at,
            )  # fmt: skip
        record = m.Gift(
            customer_id=customer_id,
            contact_id=contact_id,
            gift=gift.strip(),
            sent_at=sent_at,
            sent_by=sent_by.strip(),
            department_id=department_id,
            callback_id=callback_id,
            recorded_by_id=agent_id,
            recorded_at=now,
            confirm_note="",
        )
        self.session.add(record)
        self.session.flush()
        self._changed("gift", record.id, now)
        return GiftSaved(record.id, callback_id, joined is not None)

    def _convenient_times(self, customer_id: int, contact_id: int | None) -> list[str]:
        query = select(m.Contact.convenient_time).where(m.Contact.customer_id == customer_id)
        if contact_id is not None:
            query = query.where(m.Contact.id == contact_id)
        return list(self.session.scalars(query.order_by(m.Contact.id)))

    def confirm_gift(
        self, gift_id: int, agent_id: int, now: datetime, arrived: bool, note: str = ""
    ) -> CallbackResult | None:
        """CS confirmed arrival (or found it did not arrive). When that was the last gift
        its callback was waiting for, the callback is done with the same answer, as if
        called through its script; a gift that did not arrive opens a follow-up there."""
        gift = self.session.get_one(m.Gift, gift_id)
        if gift.arrived is not None or self._confirmed_by_callback(gift):
            raise FrontDeskError("relations.error.already_confirmed")
        gift.arrived = arrived
        gift.confirmed_at = now
        gift.confirmed_by_id = agent_id
        gift.confirm_note = note.strip()
        self.session.flush()
        self._changed("gift", gift_id, now)
        if gift.callback_id is None:
            return None
        callback = self.session.get_one(m.Callback, gift.callback_id)
        if callback.done_at is not None or callback.status not in OPEN_CALLBACK:
            return None
        waiting = self.session.scalar(
            select(func.count()).where(m.Gift.callback_id == callback.id, m.Gift.arrived.is_(None))
        )
        if waiting:
            return None
        arrivals = self.session.scalars(
            select(m.Gift.arrived).where(m.Gift.callback_id == callback.id)
        ).all()
        answer = "yes" if all(arrivals) else "no"
        return self._uow.callbacks.record_callback(
            callback.id, agent_id, now, {"convenient": "yes", "arrived": answer}, note.strip()
        )

    def _confirmed_by_callback(self, gift: m.Gift) -> bool:
        if gift.callback_id is None:
            return False
        callback = self.session.get_one(m.Callback, gift.callback_id)
        return callback.done_at is not None and arrival_from_answers(callback.answers) is not None

    def gift_count(self) -> int:
        return int(self.session.scalar(select(func.count(m.Gift.id))) or 0)

    def gift_rows(self, offset: int, limit: int) -> list[GiftRow]:
        """Still to confirm first, the soonest due first; then the confirmed, newest first."""
        settled = case(
            (or_(m.Gift.arrived.is_not(None), m.Callback.done_at.is_not(None)), 1), else_=0
        )
        query = (
            self._gift_query()
            .order_by(
                settled,
                case((settled == 0, m.Gift.sent_at), else_=None),
                m.Gift.sent_at.desc(),
                m.Gift.id.desc(),
            )
            .offset(offset)
            .limit(limit)
        )
        return [_gift(*row) for row in self.session.execute(query)]

    def _gift_query(self) -> Select[Any]:
        contact = aliased(m.Contact)
        confirmer = aliased(m.Agent)
        return (
            select(m.Gift, m.Customer.name, contact.name, m.Department.code, confirmer.name)
            .add_columns(m.Callback.due_at, m.Callback.done_at, m.Callback.answers)
            .join(m.Customer, m.Customer.id == m.Gift.customer_id)
            .outerjoin(contact, contact.id == m.Gift.contact_id)
            .outerjoin(m.Department, m.Department.id == m.Gift.department_id)
            .outerjoin(confirmer, confirmer.id == m.Gift.confirmed_by_id)
            .outerjoin(m.Callback, m.Callback.id == m.Gift.callback_id)
        )

    # -- customer events, 联谊活动 (seed 000:4) -------------------------------------------------

    def add_event(
        self,
        agent_id: int,
        now: datetime,
        zone: ZoneInfo,
        *,
        name: str,
        event_on: date,
        place: str,
        owner_id: int | None = None,
    ) -> int:
        """The event and its plan's deadline, a month ahead, on the owner's desk."""
        from deskui.domain.reception import event_plan_due

        owner = owner_id or agent_id
        event = m.CustomerEvent(
            name=name.strip(),
            event_on=event_on,
            place=place.strip(),
            owner_id=owner,
            plan_due_on=event_plan_due(event_on),
            plan="",
            plan_by="",
            created_by_id=agent_id,
            created_at=now,
        )
        self.session.add(event)
        self.session.flush()
        self.add_deadline(
            DeadlineKind.EVENT_PLAN,
            SubjectType.CUSTOMER_EVENT,
            event.id,
            owner,
            now,
            plan_due_at(event_on, zone),
            label=event.name,
            team=self._agent_team(owner),
        )
        self._changed("customer_event", event.id, now)
        return event.id

    def record_plan(
        self, event_id: int, agent_id: int, now: datetime, plan: str, plan_by: str
    ) -> None:
        """The planning department's plan (seed 000:4.2); a later version replaces it."""
        event = self.session.get_one(m.CustomerEvent, event_id)
        if not plan.strip():
            raise FrontDeskError("reception.error.required", "plan")
        event.plan = plan.strip()
        event.plan_by = plan_by.strip()
        event.plan_at = now
        self.meet_deadlines(SubjectType.CUSTOMER_EVENT, event_id, now, DeadlineKind.EVENT_PLAN)
        self._changed("customer_event", event_id, now)

    def invite(
        self,
        event_id: int,
        agent_id: int,
        now: datetime,
        choices: Sequence[tuple[int, int | None]],
    ) -> int:
        """Customers (with their contacts) from the customer list on the invitation list;
        one already on it is not added twice. Returns how many were added."""
        event = self.session.get_one(m.CustomerEvent, event_id)
        have: set[tuple[int, int | None]] = {
            (customer_id, contact_id)
            for customer_id, contact_id in self.session.execute(
                select(m.EventInvitee.customer_id, m.EventInvitee.contact_id).where(
                    m.EventInvitee.event_id == event.id
                )
            ).all()
        }
        added = 0
        for customer_id, contact_id in choices:
            if (customer_id, contact_id) in have:
                continue
            have.add((customer_id, contact_id))
            invitee = m.EventInvitee(
                event_id=event.id,
                customer_id=customer_id,
                contact_id=contact_id,
                added_by_id=agent_id,
                added_at=now,
                invited_via="",
                invited_by="",
                note="",
            )
            self.session.add(invitee)
            self.session.flush()
            self._changed("event_invitee", invitee.id, now)
            added += 1
        return added

    def invitation_sent(
        self, invitee_id: int, now: datetime, *, at: datetime, way: str, invited_by: str
    ) -> None:
        invitee = self.session.get_one(m.EventInvitee, invitee_id)
        invitee.invited_at = at
        invitee.invited_via = InviteWay(way).value
        invitee.invited_by = invited_by.strip()
        self._changed("event_invitee", invitee_id, now)

    def record_attendance(
        self, invitee_id: int, now: datetime, zone: ZoneInfo, attendance: str, note: str = ""
    ) -> None:
        """Attended, declined or did not come; only an invited customer answers, and only
        a refusal comes before the day."""
        invitee = self.session.get_one(m.EventInvitee, invitee_id)
        event = self.session.get_one(m.CustomerEvent, invitee.event_id)
        problem = attendance_problem(
            attendance, invitee.invited_at is not None, event.event_on, now, zone
        )
        if problem is not None:
            raise FrontDeskError(problem, "attendance")
        invitee.attendance = Attendance(attendance).value
        invitee.attendance_at = now
        invitee.note = note.strip()
        self._changed("event_invitee", invitee_id, now)

    def event_count(self) -> int:
        return int(self.session.scalar(select(func.count(m.CustomerEvent.id))) or 0)

    def event_rows(self, today: date, offset: int, limit: int) -> list[EventRow]:
        """Coming events soonest first, then past ones, the latest first."""
        past = case((m.CustomerEvent.event_on < today, 1), else_=0)
        query = (
            self._event_query()
            .order_by(
                past,
                case((m.CustomerEvent.event_on >= today, m.CustomerEvent.event_on), else_=None),
                m.CustomerEvent.event_on.desc(),
                m.CustomerEvent.id,
            )
            .offset(offset)
            .limit(limit)
        )
        return [_event(*row) for row in self.session.execute(query)]

    def event(self, event_id: int) -> EventRow:
        query = self._event_query().where(m.CustomerEvent.id == event_id)
        return _event(*self.session.execute(query).one())

    def _event_query(self) -> Select[Any]:
        def open_plan(column: Any) -> Any:
            return (
                select(column)
                .where(
                    *open_of(
                        SubjectType.CUSTOMER_EVENT, m.CustomerEvent.id, DeadlineKind.EVENT_PLAN
                    )
                )
                .limit(1)
                .scalar_subquery()
            )

        def counted(*conditions: Any) -> Any:
            return (
                select(func.count(m.EventInvitee.id))
                .where(m.EventInvitee.event_id == m.CustomerEvent.id, *conditions)
                .scalar_subquery()
            )

        return (
            select(m.CustomerEvent, m.Agent.name)
            .add_columns(
                open_plan(m.Deadline.due_at),
                open_plan(m.Deadline.starts_at),
                counted(),
                counted(m.EventInvitee.invited_at.is_not(None)),
                counted(m.EventInvitee.attendance == Attendance.ATTENDED),
                counted(m.EventInvitee.attendance == Attendance.DECLINED),
                counted(m.EventInvitee.attendance == Attendance.NO_SHOW),
            )
            .join(m.Agent, m.Agent.id == m.CustomerEvent.owner_id)
        )

    def invitee_count(self, event_id: int) -> int:
        query = select(func.count(m.EventInvitee.id)).where(m.EventInvitee.event_id == event_id)
        return int(self.session.scalar(query) or 0)

    def invitee_rows(self, event_id: int, offset: int, limit: int) -> list[InviteeRow]:
        contact = aliased(m.Contact)
        query = (
            select(m.EventInvitee, m.Customer.name, contact.name)
            .join(m.Customer, m.Customer.id == m.EventInvitee.customer_id)
            .outerjoin(contact, contact.id == m.EventInvitee.contact_id)
            .where(m.EventInvitee.event_id == event_id)
            .order_by(m.EventInvitee.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            InviteeRow(
                i.id,
                i.event_id,
                i.customer_id,
                customer,
                contact_name or "",
                i.invited_at,
                i.invited_via,
                i.invited_by,
                i.attendance,
                i.attendance_at,
                i.note,
            )
            for i, customer, contact_name in self.session.execute(query)
        ]

    # -- export: every recorded field ------------------------------------------------------------

    def prospect_export_rows(self, zone: ZoneInfo | None = None) -> list[list[Any]]:
        """Every field, and the history (recorded, handed, closed) with times in `zone`."""
        closer = aliased(m.Agent)
        query = self._prospect_columns(select(m.Prospect)).add_columns(closer.name)
        query = query.outerjoin(closer, closer.id == m.Prospect.closed_by_id).order_by(
            m.Prospect.id
        )
        history: dict[int, list[str]] = {}
        for event in self.session.scalars(select(m.ProspectEvent).order_by(m.ProspectEvent.id)):
            detail = ", ".join(f"{k}={v}" for k, v in (event.detail or {}).items() if v)
            at = event.at.astimezone(zone) if zone else event.at
            line = f"{at.isoformat(timespec='minutes')} {event.action}"
            history.setdefault(event.prospect_id, []).append(f"{line} {detail}".strip())
        rows: list[list[Any]] = []
        for (
            p,
            customer,
            contact,
            recorder,
            owner,
            department,
            hander,
            closer_name,
        ) in self.session.execute(query):
            rows.append(
                [
                    p.id,
                    customer,
                    contact or "",
                    p.interest,
                    p.source_callback_id or "",
                    recorder,
                    p.recorded_at,
                    p.status,
                    owner or "",
                    p.follow_up_at,
                    department or "",
                    p.department_person,
                    p.handed_at,
                    hander or "",
                    p.closed_at,
                    closer_name or "",
                    p.outcome,
                    "; ".join(history.get(p.id, [])),
                ]
            )
        return rows

    def gift_export_rows(self, zone: ZoneInfo | None = None) -> list[list[Any]]:
        """Every field, the confirmation whichever way it came (times: the exporter's zone)."""
        recorder = aliased(m.Agent)
        query = (
            self._gift_query()
            .add_columns(recorder.name)
            .join(recorder, recorder.id == m.Gift.recorded_by_id)
            .order_by(m.Gift.sent_at, m.Gift.id)
        )
        rows: list[list[Any]] = []
        for *head, recorder_name in self.session.execute(query):
            row = _gift(*head)
            arrived = "" if row.arrived is None else ("yes" if row.arrived else "no")
            rows.append(
                [
                    row.id,
                    row.customer_name,
                    row.contact_name,
                    row.gift,
                    row.sent_at,
                    row.sent_by,
                    row.department_code,
                    recorder_name,
                    head[0].recorded_at,
                    row.confirm_due,
                    row.callback_id or "",
                    row.callback_due_at,
                    row.callback_done_at,
                    arrived,
                    row.confirmed_at,
                    row.confirmed_by,
                    row.via,
                    row.confirm_note,
                ]
            )
        return rows

    def event_export_rows(self, zone: ZoneInfo | None = None) -> list[list[Any]]:
        """One row per invitee, the event's fields repeated; an event without any, once."""
        owner = aliased(m.Agent)
        creator = aliased(m.Agent)
        contact = aliased(m.Contact)
        query = (
            select(m.CustomerEvent, owner.name, creator.name, m.EventInvitee)
            .add_columns(m.Customer.name, contact.name)
            .join(owner, owner.id == m.CustomerEvent.owner_id)
            .join(creator, creator.id == m.CustomerEvent.created_by_id)
            .outerjoin(m.EventInvitee, m.EventInvitee.event_id == m.CustomerEvent.id)
            .outerjoin(m.Customer, m.Customer.id == m.EventInvitee.customer_id)
            .outerjoin(contact, contact.id == m.EventInvitee.contact_id)
            .order_by(m.CustomerEvent.event_on, m.CustomerEvent.id, m.EventInvitee.id)
        )
        rows: list[list[Any]] = []
        for e, owner_name, creator_name, i, customer, contact_name in self.session.execute(query):
            event = [
                e.id, e.name, e.event_on, e.place, owner_name, e.plan_due_on, e.plan, e.plan_by,
                e.plan_at, creator_name, e.created_at,
            ]  # fmt: skip
            if i is None:
                rows.append([*event, *[""] * 10])
                continue
            rows.append(
                [
                    *event,
                    i.id,
                    customer or "",
                    contact_name or "",
                    i.added_at,
                    i.invited_at,
                    i.invited_via,
                    i.invited_by,
                    i.attendance or "",
                    i.attendance_at,
                    i.note,
                ]
            )
        return rows

    def _agent_team(self, agent_id: int) -> str:
        return self.session.get_one(m.Agent, agent_id).team


def _like(words: str) -> str:
    return words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _summary(words: str) -> str:
    return " ".join(words.split())[:60]


def _prospect(
    p: m.Prospect,
    customer: str,
    contact: str | None,
    recorder: str,
    owner: str | None,
    department: str | None,
    hander: str | None,
) -> ProspectRow:
    return ProspectRow(
        p.id, p.customer_id, customer, contact or "", p.interest, p.status, p.recorded_at,
        recorder, owner or "", p.follow_up_at, department or "", p.department_person,
        p.handed_at, hander or "", p.source_callback_id, p.closed_at, p.outcome,
    )  # fmt: skip


def _gift(
    g: m.Gift,
    customer: str,
    contact: str | None,
    department: str | None,
    confirmer: str | None,
    callback_due: datetime | None,
    callback_done: datetime | None,
    answers: dict[str, object] | None,
) -> GiftRow:
    arrived, via = g.arrived, "list" if g.arrived is not None else ""
    if arrived is None and callback_done is not None:
        arrived = arrival_from_answers(answers)
        via = "callback" if arrived is not None else ""
    return GiftRow(
        g.id, g.customer_id, customer, contact or "", g.gift, g.sent_at, g.sent_by,
        department or "", g.callback_id, callback_due, callback_done, arrived,
        g.confirmed_at if via == "list" else (callback_done if via else None),
        confirmer or "", g.confirm_note, via,
    )  # fmt: skip


def _event(
    e: m.CustomerEvent,
    owner: str,
    plan_due: datetime | None,
    plan_starts: datetime | None,
    invitees: int,
    invited: int,
    attended: int,
    declined: int,
    no_show: int,
) -> EventRow:
    utc = m.UTCDateTime()
    return EventRow(
        e.id, e.name, e.event_on, e.place, e.owner_id, owner, e.plan_due_on,
        utc.process_result_value(plan_due, None), utc.process_result_value(plan_starts, None),
        e.plan, e.plan_by, e.plan_at, int(invitees or 0), int(invited or 0), int(attended or 0),
        int(declined or 0), int(no_show or 0),
    )  # fmt: skip


__all__ = [
    "EVENT_EXPORT_HEADERS",
    "GIFT_EXPORT_HEADERS",
    "PROSPECT_EXPORT_HEADERS",
    "ContactChoice",
    "EventRow",
    "GiftRow",
    "GiftSaved",
    "InviteeRow",
    "ProspectRow",
    "RelationsStore",
]
