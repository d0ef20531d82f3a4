"""Unfinished-work handover between shifts and order follow-up (seed 004)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.deadline_store import is_open, open_of
from deskui.data.history import HistoryEntry, entry_changes, field_changes, newest_first
from deskui.data.store_base import StoreBase
from deskui.data.version_check import claim_version, conflict_of
from deskui.domain.assignment import Lead, leads_for
from deskui.domain.clock import site_zone
from deskui.domain.deadlines import parcel_final_answer_due
from deskui.domain.field_problem import FieldProblem
from deskui.domain.handover import (
    Leave,
    OpenWork,
    ReportRow,
    ack_due,
    check_item,
    check_leave,
    gather,
    handed_item_status,
    is_ack_overdue,
    local_day,
)
from deskui.domain.model import DeadlineKind, HandoverSheet, HandoverStatus, SubjectType
from deskui.domain.orders import (
    NO_TRACKING_LIMIT,
    OrderFacts,
    OrderStatus,
    ParcelProblem,
    ReturnStep,
    check_close_unpaid,
    check_order,
    check_return_step,
    check_void,
    needs_chase,
    parse_local,
    problem_action,
    status_of,
    unpaid_follow_up_due,
    unshipped_window,
    void_notice,
)
from deskui.domain.refusal import Refusal
from deskui.i18n import has_key, t

if TYPE_CHECKING:
    pass

ORDER_SUBJECT = "order"
HANDOVER_NOTICE = "handover_unacknowledged"
OPEN_STATES = (HandoverStatus.OPEN, HandoverStatus.HANDED_OVER)
SITE_ZONE = site_zone()  # Settings.site_timezone by default


class HandoverError(Refusal, ValueError):
    """A refused change; the message is a catalog key."""

    def __init__(self, key: str, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(key)
        self.key = key
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class HandoverRow:
    """One handover item as a row of the handover screen."""

    item_id: int
    sheet: str
    status: str
    customer_name: str
    title: str
    done_so_far: str
    next_step: str
    note: str
    from_name: str
    to_name: str
    subject_type: str | None
    subject_id: int | None
    due_at: datetime | None
    starts_at: datetime | None
    handed_over_at: datetime | None
    acknowledged_at: datetime | None
    paused_at: datetime | None = None
    version: int = 0
    """The version the row was read at: each edit of the item carries it (issue 16)."""


@dataclass(frozen=True, slots=True)
class NewHandoverItem:
    sheet: str
    title: str
    customer_name: str = ""
    done_so_far: str = ""
    next_step: str = ""
    note: str = ""
    due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class HandedOver:
    report_id: int
    items: int
    done: int
    ack_due: datetime


@dataclass(frozen=True, slots=True)
class HandoverReportRecord:
    id: int
    from_name: str
    to_name: str
    team: str
    handed_over_at: datetime
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True, slots=True)
class OrderRow:
    order_id: int
    number: str
    shop: str
    customer: str
    status: str
    paid_at: datetime | None
    shipped_at: datetime | None
    courier: str
    tracking_number: str
    last_tracking_at: datetime | None
    problem: str | None
    responsible: str
    reason: str
    due_at: datetime | None = None
    starts_at: datetime | None = None
    paused_at: datetime | None = None
    return_steps: tuple[str, ...] = ()
    version: int = 0
    """The version the row was read at: each edit of the order carries it (issue 16)."""


@dataclass(frozen=True, slots=True)
class OrderImport:
    added: int
    problems: tuple[tuple[int, FieldProblem], ...] = field(default_factory=tuple)


ORDER_VIEWS = ("morning", "chase", "problem", "unpaid", "all")


class HandoverStore(StoreBase):
    """One aggregate's reads and writes; shares the unit of work's session and bookkeeping."""

    # -- end of shift: gather, add by hand, hand over -------------------------------------

    def _scope(self, agent_id: int, whole_shift: bool) -> list[int]:
        """The outgoing agent, or for a lead the whole shift: every active agent of the team."""
        agent = self.session.get_one(m.Agent, agent_id)
        if not whole_shift:
            return [agent_id]
        return list(
            self.session.scalars(
                select(m.Agent.id).where(m.Agent.team == agent.team, m.Agent.active.is_(True))
            )
        )

    def gather_handover(
        self,
        agent_id: int,
        now: datetime,
        whole_shift: bool = False,
        tz: ZoneInfo = SITE_ZONE,
    ) -> int:
        """Put today's unfinished work the agent (or the shift) owns on the handover list,
        once per subject (seed 004 after-sales 8); returns how many were added."""
        owners = self._scope(agent_id, whole_shift)
        query = (
            select(m.Deadline, m.Customer.name)
            .outerjoin(m.Customer, m.Customer.id == m.Deadline.customer_id)
            .where(is_open(), m.Deadline.owner_id.in_(owners))
        )
        rows = list(self.session.execute(query))
        listed = {
            (st, sid)
            for st, sid in self.session.execute(
                select(m.HandoverItem.subject_type, m.HandoverItem.subject_id).where(
                    m.HandoverItem.status.in_(OPEN_STATES),
                    m.HandoverItem.subject_type.is_not(None),
                )
            )
            if st is not None and sid is not None
        }
        owner_of = {(d.subject_type, d.subject_id): d.owner_id for d, _ in rows}
        work = [
            OpenWork(
                d.kind,
                d.subject_type,
                d.subject_id,
                d.customer_id,
                name or "",
                _work_title(d),
                d.due_at,
            )
            for d, name in rows
        ]
        added = 0
        for item in gather(work, listed, local_day(now, tz)):
            row = m.HandoverItem(
                sheet=item.sheet,
                status=HandoverStatus.OPEN,
                customer_id=item.customer_id,
                customer_name=item.customer,
                subject_type=item.subject_type,
                subject_id=item.subject_id,
                from_agent_id=owner_of[(item.subject_type, item.subject_id)] or agent_id,
                title=item.title[:200],
                done_so_far="",
                next_step="",
                note="",
                due_at=item.due_at,
                created_at=now,
            )
            self.session.add(row)
            self.session.flush()
            self._item_history(row, agent_id, now, "gathered", {})
            self._changed("handover_item", row.id, now)
            added += 1
        return added

    def add_handover_item(self, new: NewHandoverItem, agent_id: int, now: datetime) -> int:
        """An item entered by hand on one of the seed's sheets; its deadline counts down."""
        problems = check_item(title=new.title, sheet=new.sheet, next_step=new.next_step)
        if problems:
            raise HandoverError("handover.error.fix_fields", problems)
        agent = self.session.get_one(m.Agent, agent_id)
        item = m.HandoverItem(
            sheet=new.sheet,
            status=HandoverStatus.OPEN,
            customer_name=new.customer_name.strip()[:200],
            from_agent_id=agent_id,
            title=new.title.strip(),
            done_so_far=new.done_so_far,
            next_step=new.next_step,
            note=new.note,
            due_at=new.due_at,
            created_at=now,
        )
        self.session.add(item)
        self.session.flush()
        if new.due_at is not None:
            self.add_deadline(
                DeadlineKind.HANDOVER_FOLLOW_UP,
                SubjectType.HANDOVER_ITEM,
                item.id,
                agent_id,
                now,
                new.due_at,
                label=item.title,
                team=agent.team,
            )
        self._item_history(item, agent_id, now, "added", {})
        self._changed("handover_item", item.id, now)
        return item.id

    def update_handover_item(
        self,
        item_id: int,
        done_so_far: str,
        next_step: str,
        note: str,
        now: datetime,
        agent_id: int | None = None,
        expected_version: int | None = None,
    ) -> None:
        """`expected_version`: the version the form loaded; another desk's save since is a
        `Conflict` (as for finishing and reassigning), None for a write no form stands behind."""
        item = self._saving_item(item_id, expected_version, agent_id, now)
        before = self._item_fields(item)
        item.done_so_far, item.next_step, item.note = done_so_far, next_step, note
        self._item_history(item, agent_id, now, "changed", before)
        self._changed("handover_item", item.id, now)

    def hand_over(
        self, from_agent_id: int, to_agent_id: int, now: datetime, whole_shift: bool = False
    ) -> HandedOver:
        """Hand the shift over in one action: every open item goes to the incoming agent with
        an acknowledgement countdown, and the report is frozen as it stands now; one whose
        record was finished since is done (domain/handover.handed_item_status). Handing over
        to oneself is the service's to refuse (domain/handover.hand_over_refusal)."""
        taker = self.session.get_one(m.Agent, to_agent_id)
        giver = self.session.get_one(m.Agent, from_agent_id)
        owners = self._scope(from_agent_id, whole_shift)
        items = list(
            self.session.scalars(
                select(m.HandoverItem)
                .where(
                    m.HandoverItem.status == HandoverStatus.OPEN,
                    m.HandoverItem.from_agent_id.in_(owners),
                )
                .order_by(m.HandoverItem.id)
            )
        )
        if not items:
            raise HandoverError("handover.error.nothing")
        due = ack_due(self.policy, now)
        names = dict(self.session.execute(select(m.Agent.id, m.Agent.name)).all())
        done = 0
        handed: list[m.HandoverItem] = []
        for item in items:
            before = self._item_fields(item)
            still_open = None if item.subject_type is None else self._still_open(item)
            decided = handed_item_status(still_open)
            if decided is HandoverStatus.DONE:
                item.status = decided
                self._item_history(item, from_agent_id, now, "finished", before)
                self._changed("handover_item", item.id, now)
                done += 1
                continue
            item.status = decided
            item.to_agent_id = to_agent_id
            item.handed_over_at = now
            item.updated_at, item.updated_by_id = now, from_agent_id
            self.add_deadline(
                DeadlineKind.HANDOVER_ACK,
                SubjectType.HANDOVER_ITEM,
                item.id,
                to_agent_id,
                now,
                due,
                label=item.title,
                customer_id=item.customer_id,
                team=taker.team,
            )
            self._item_history(item, from_agent_id, now, "handed_over", before)
            self._changed("handover_item", item.id, now)
            handed.append(item)
        if not handed:
            raise HandoverError("handover.error.nothing")
        rows = [
            _row_dict(_report_row(item, names.get(item.from_agent_id, ""), taker.name))
            for item in handed
        ]
        report = m.HandoverReport(
            from_agent_id=from_agent_id,
            to_agent_id=to_agent_id,
            team=giver.team,
            handed_over_at=now,
            item_ids=[item.id for item in handed],
            rows=rows,
            note="",
        )
        self.session.add(report)
        self.session.flush()
        self._changed("handover_report", report.id, now)
        return HandedOver(report.id, len(handed), done, due)

    def _still_open(self, item: m.HandoverItem) -> bool:
        count = self.session.scalar(
            select(func.count())
            .select_from(m.Deadline)
            .where(*open_of(item.subject_type, item.subject_id))
        )
        return bool(count)

    # -- start of shift: acknowledge, take ownership -----------------------------------------

    def acknowledge(
        self,
        item_ids: Sequence[int],
        agent_id: int,
        now: datetime,
        expected_versions: Mapping[int, int] | None = None,
    ) -> int:
        """The incoming agent takes each item: ownership moves with a history entry, the
        countdowns stay as they were (seed 004 after-sales 8). An item whose version the
        agent saw (`expected_versions`, by id) and another desk changed since is a
        `Conflict`: nothing is taken."""
        taker = self.session.get_one(m.Agent, agent_id)
        names = dict(self.session.execute(select(m.Agent.id, m.Agent.name)).all())
        expected = expected_versions or {}
        taken = 0
        for item in self.session.scalars(
            select(m.HandoverItem).where(m.HandoverItem.id.in_(item_ids))
        ).all():
            seen = expected.get(item.id)
            if seen is not None and item.version != seen:  # taken or moved since it was seen
                raise conflict_of(self.session, item, "handover_item", item_theirs)
            problem = check_leave(item.status, Leave.ACKNOWLEDGED, "")
            if problem is not None or item.to_agent_id != agent_id:
                continue
            claim_version(self.session, item, seen, "handover_item", item_theirs, agent_id, now)
            before = self._item_fields(item)
            item.status = HandoverStatus.ACKNOWLEDGED
            item.acknowledged_at = now
            self.meet_deadlines(
                SubjectType.HANDOVER_ITEM, item.id, now, kind=DeadlineKind.HANDOVER_ACK
            )
            self._take(item, taker, names.get(item.from_agent_id, ""), now)
            self._item_history(item, agent_id, now, "acknowledged", before)
            self._changed("handover_item", item.id, now)
            taken += 1
        return taken

    def _take(self, item: m.HandoverItem, taker: m.Agent, giver: str, now: datetime) -> None:
        detail = {"from": giver, "to": taker.name, "handover_item": item.id}
        if item.subject_type == SubjectType.TICKET and item.subject_id is not None:
            ticket = self.session.get_one(m.Ticket, item.subject_id)
            ticket.owner_id = taker.id
            self._event(ticket.id, taker.id, now, "handed_over", detail)
            self._changed("ticket", ticket.id, now)
        elif item.subject_type == SubjectType.CALLBACK and item.subject_id is not None:
            callback = self.session.get_one(m.Callback, item.subject_id)
            callback.agent_id = taker.id
            callback.updated_at, callback.updated_by_id = now, taker.id
            self._uow.callbacks.callback_event(callback.id, taker.id, now, "handed_over", detail)
            self._changed("callback", callback.id, now)
        elif item.subject_type == ORDER_SUBJECT and item.subject_id is not None:
            order = self.session.get_one(m.Order, item.subject_id)
            order.owner_id = taker.id
            order.updated_at, order.updated_by_id = now, taker.id
            self._order_event(order.id, taker.id, now, "handed_over", detail)
        subjects = [(SubjectType.HANDOVER_ITEM.value, item.id)]
        if item.subject_type is not None and item.subject_id is not None:
            subjects.append((item.subject_type, item.subject_id))
        for subject_type, subject_id in subjects:  # due_at untouched: the countdown stays
            self._uow.deadlines.move_open(subject_type, subject_id, taker.id, taker.team, now)

    def finish_handover_item(
        self,
        item_id: int,
        agent_id: int,
        now: datetime,
        note: str,
        expected_version: int | None = None,
        status: HandoverStatus = HandoverStatus.DONE,
    ) -> None:
        """Done: the item leaves the list with the status the service's rule decided
        (domain/handover.next_item_status), its own countdowns are met."""
        item = self._saving_item(item_id, expected_version, agent_id, now)
        before = self._item_fields(item)
        item.status = status
        if note.strip():
            item.note = f"{item.note}\n{note.strip()}".strip()
        self.meet_deadlines(SubjectType.HANDOVER_ITEM, item.id, now)
        self._item_history(item, agent_id, now, "finished", before)
        self._changed("handover_item", item.id, now)

    def reassign_handover_item(
        self,
        item_id: int,
        to_agent_id: int,
        agent_id: int,
        now: datetime,
        note: str,
        expected_version: int | None = None,
    ) -> tuple[str, str]:
        """Reassigned with a note (the service checked it may be: domain/handover): the
        acknowledgement countdown moves to the new agent. Returns who had it and who has it
        now, by name."""
        item = self._saving_item(item_id, expected_version, agent_id, now)
        target = self.session.get_one(m.Agent, to_agent_id)
        before = self._item_fields(item)
        item.note = f"{item.note}\n{note.strip()}".strip()
        if item.status == HandoverStatus.HANDED_OVER:
            item.to_agent_id = target.id
            deadlines = self._uow.deadlines
            deadlines.move_open(SubjectType.HANDOVER_ITEM, item.id, target.id, target.team, now)
        else:
            item.from_agent_id = target.id
        self._item_history(item, agent_id, now, "reassigned", before, note.strip())
        self._changed("handover_item", item.id, now)
        key = "to" if item.status == HandoverStatus.HANDED_OVER else "from"
        return str(before[key] or ""), target.name

    def item_status(self, item_id: int) -> str:
        """The item's status as stored; `MissingRecord` when there is none."""
        return str(self.session.get_one(m.HandoverItem, item_id).status)

    def check_item_version(self, item_id: int, expected: int | None) -> None:
        """`Conflict` when another desk saved the item since the form loaded `expected`;
        writes nothing (None: no form stands behind the save)."""
        item = self.session.get_one(m.HandoverItem, item_id)
        if expected is not None and item.version != expected:
            raise conflict_of(self.session, item, "handover_item", item_theirs)

    def _saving_item(
        self, item_id: int, expected: int | None, agent_id: int | None, now: datetime
    ) -> m.HandoverItem:
        """The item to write, after the version check of the form that saves it."""
        item = self.session.get_one(m.HandoverItem, item_id)
        claim_version(self.session, item, expected, "handover_item", item_theirs, agent_id, now)
        return item

    # -- the item's history (issue 16): appended with each change, never changed -----------

    def _item_fields(self, item: m.HandoverItem) -> dict[str, object]:
        """The fields of an item an entry compares; who has it by name."""

        def name(agent_id: int | None) -> str | None:
            agent = self.session.get(m.Agent, agent_id) if agent_id is not None else None
            return agent.name if agent else None

        return {
            "title": item.title,
            "sheet": item.sheet,
            "customer": item.customer_name,
            "status": item.status,
            "from": name(item.from_agent_id),
            "to": name(item.to_agent_id),
            "done_so_far": item.done_so_far,
            "next_step": item.next_step,
            "note": item.note,
            "due_at": item.due_at,
        }

    def _item_history(
        self,
        item: m.HandoverItem,
        agent_id: int | None,
        now: datetime,
        action: str,
        before: dict[str, object],
        reason: str = "",
    ) -> None:
        detail: dict[str, Any] = dict(field_changes(before, self._item_fields(item)))
        if reason:
            detail["reason"] = reason
        if not detail and action == "changed":
            return  # saved as it was: nothing to keep
        self.session.add(
            m.HandoverEvent(
                item_id=item.id, agent_id=agent_id, at=now, action=action, detail=detail
            )
        )

    def item_history(self, item_id: int) -> list[HistoryEntry]:
        """Every entry of one item, newest first."""
        events = m.HandoverEvent
        return [
            HistoryEntry(
                id=event.id,
                at=event.at,
                agent_name=name,
                action=event.action,
                changes=entry_changes(event.detail or {}),
                note=str((event.detail or {}).get("reason") or ""),
            )
            for event, name in newest_first(self.session, events, events.item_id == item_id)
        ]

    def flag_unacknowledged(self, now: datetime) -> int:
        """Items not acknowledged within the site-set time go to the lead as a notice, once."""
        query = select(m.HandoverItem, m.Agent.team).join(
            m.Agent, m.Agent.id == m.HandoverItem.to_agent_id
        )
        query = query.where(
            m.HandoverItem.status == HandoverStatus.HANDED_OVER,
            m.HandoverItem.handed_over_at <= now - self.policy.handover_ack,
        )
        flagged = 0
        active: list[Lead] | None = None
        for item, team in self.session.execute(query):
            if not is_ack_overdue(
                self.policy, item.status, item.handed_over_at, item.acknowledged_at, now
            ):
                continue
            seen = self.session.scalar(
                select(func.count())
                .select_from(m.Notification)
                .where(
                    m.Notification.kind == HANDOVER_NOTICE,
                    m.Notification.subject_type == SubjectType.HANDOVER_ITEM,
                    m.Notification.subject_id == item.id,
                )
            )
            if seen:
                continue
            if active is None:
                active = self._uow.agents.active_leads()
            for lead in leads_for(team, active):  # the one rule of which lead (domain)
                self.session.add(
                    m.Notification(
                        agent_id=lead.id,
                        kind=HANDOVER_NOTICE,
                        subject_type=SubjectType.HANDOVER_ITEM,
                        subject_id=item.id,
                        text=item.title,
                        created_at=now,
                    )
                )
            self._changed("handover_item", item.id, now)
            flagged += 1
        return flagged

    # -- the lists --------------------------------------------------------------------------

    def _handover_query(self, view: str, agent_id: int, whole_shift: bool) -> Select[Any]:
        query = select(m.HandoverItem)
        if view == "incoming":
            return query.where(
                m.HandoverItem.status == HandoverStatus.HANDED_OVER,
                m.HandoverItem.to_agent_id.in_(self._scope(agent_id, whole_shift)),
            )
        return query.where(
            m.HandoverItem.status == HandoverStatus.OPEN,
            m.HandoverItem.from_agent_id.in_(self._scope(agent_id, whole_shift)),
        )

    def handover_count(self, view: str, agent_id: int, whole_shift: bool = False) -> int:
        query = self._handover_query(view, agent_id, whole_shift).with_only_columns(func.count())
        return int(self.session.scalar(query) or 0)

    def handover_rows(
        self, view: str, agent_id: int, offset: int, limit: int, whole_shift: bool = False
    ) -> list[HandoverRow]:
        giver, taker = aliased(m.Agent), aliased(m.Agent)
        query = (
            self._handover_query(view, agent_id, whole_shift)
            .add_columns(m.Customer.name, giver.name, taker.name)
            .outerjoin(m.Customer, m.Customer.id == m.HandoverItem.customer_id)
            .join(giver, giver.id == m.HandoverItem.from_agent_id)
            .outerjoin(taker, taker.id == m.HandoverItem.to_agent_id)
            .order_by(m.HandoverItem.due_at.is_(None), m.HandoverItem.due_at, m.HandoverItem.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            _row(item, customer or "", from_name, to_name or "")
            for item, customer, from_name, to_name in self.session.execute(query)
        ]

    def latest_handover_report(self, agent_id: int) -> HandoverReportRecord | None:
        """The last report this agent gave or received, frozen as it was handed over."""
        report = self.session.scalars(
            select(m.HandoverReport)
            .where(
                or_(
                    m.HandoverReport.from_agent_id == agent_id,
                    m.HandoverReport.to_agent_id == agent_id,
                )
            )
            .order_by(m.HandoverReport.id.desc())
            .limit(1)
        ).first()
        if report is None:
            return None
        return self.handover_report(report.id)

    def handover_report(self, report_id: int) -> HandoverReportRecord:
        report = self.session.get_one(m.HandoverReport, report_id)
        names = dict(self.session.execute(select(m.Agent.id, m.Agent.name)).all())
        return HandoverReportRecord(
            id=report.id,
            from_name=names.get(report.from_agent_id, ""),
            to_name=names.get(report.to_agent_id, ""),
            team=report.team,
            handed_over_at=report.handed_over_at,
            rows=tuple(_from_dict(row) for row in report.rows),
        )

    # -- orders (seed 004 in-sales 1-6, pre-sales 6-7, after-sales 6) --------------------------

    def add_order(
        self, fields: Mapping[str, str], agent_id: int | None, now: datetime, tz: ZoneInfo
    ) -> int:
        problems = check_order(fields, tz)
        if problems:
            raise HandoverError("orders.error.fix_fields", problems)
        number, shop = fields["number"].strip(), fields["shop"].strip()
        exists = self.session.scalar(
            select(m.Order.id).where(m.Order.shop == shop, m.Order.number == number)
        )
        if exists is not None:
            raise HandoverError(
                "orders.error.fix_fields", [FieldProblem("number", "orders.error.duplicate")]
            )

        def when(name: str) -> datetime | None:
            text = fields.get(name, "").strip()
            return parse_local(text, tz) if text else None

        problem = fields.get("problem", "").strip() or None
        facts = OrderFacts(
            number, shop, paid_at=when("paid_at"), shipped_at=when("shipped_at"),
            received_at=when("received_at"),
        )  # fmt: skip
        order = m.Order(
            number=number,
            shop=shop,
            customer=fields.get("customer", "").strip()[:200],
            status=status_of(facts),
            paid_at=facts.paid_at,
            shipped_at=facts.shipped_at,
            received_at=facts.received_at,
            courier=fields.get("courier", "").strip()[:40],
            tracking_number=fields.get("tracking_number", "").strip()[:64],
            last_tracking_at=when("last_tracking_at"),
            problem=problem,
            problem_at=now if problem else None,
            owner_id=agent_id,
            created_at=now,
        )
        self.session.add(order)
        self.session.flush()
        self._order_event(order.id, agent_id, now, "recorded", {"status": order.status})
        return order.id

    def import_orders(
        self,
        rows: Sequence[Mapping[str | None, object]],  # a CSV line longer than its header: None
        agent_id: int | None,
        now: datetime,
        tz: ZoneInfo,
    ) -> OrderImport:
        """Rows by header (number, shop, customer, paid_at, ...): good rows are added, a bad
        row is reported by its line and field, nothing else is lost."""
        added = 0
        problems: list[tuple[int, FieldProblem]] = []
        for line, raw in enumerate(rows, start=2):
            fields = {
                str(k).strip(): "" if v is None else _cell_text(v) for k, v in raw.items() if k
            }
            try:
                with self.session.begin_nested():
                    self.add_order(fields, agent_id, now, tz)
                added += 1
            except HandoverError as error:
                problems.extend((line, p) for p in error.problems)
        return OrderImport(added, tuple(problems))

    def _order_event(
        self,
        order_id: int,
        agent_id: int | None,
        now: datetime,
        action: str,
        detail: dict[str, Any],
    ) -> None:
        self.session.add(
            m.OrderEvent(order_id=order_id, agent_id=agent_id, at=now, action=action, detail=detail)
        )
        self._changed("order", order_id, now)

    def order_rows_for(self, view: str, now: datetime, tz: ZoneInfo) -> list[OrderRow]:
        """One of the morning lists; SQL narrows it, the pure rules decide."""
        query = select(m.Order).order_by(m.Order.paid_at, m.Order.id)
        if view == "morning":
            start, end = unshipped_window(now, tz)
            query = query.where(
                m.Order.status == OrderStatus.PAID,
                m.Order.shipped_at.is_(None),
                m.Order.paid_at >= start,
                m.Order.paid_at < end,
            )
        elif view == "chase":
            query = query.where(
                m.Order.status == OrderStatus.SHIPPED,
                func.coalesce(m.Order.last_tracking_at, m.Order.shipped_at)
                <= now - NO_TRACKING_LIMIT,
            )
        elif view == "problem":
            query = query.where(m.Order.problem.is_not(None), m.Order.received_at.is_(None))
        elif view == "unpaid":
            query = query.where(m.Order.status == OrderStatus.UNPAID)
        orders = list(self.session.scalars(query))
        deadlines = self._order_deadlines([o.id for o in orders])
        steps = self._return_steps([o.id for o in orders])
        last_follow = self._last_follow_ups([o.id for o in orders])
        result = []
        for order in orders:
            facts = _facts(order)
            if view == "chase" and not needs_chase(facts, now):
                continue  # China Post is excepted (seed 004 in-sales 3)
            if view == "problem" and problem_action(facts, now) is None:
                continue
            if view == "unpaid" and not unpaid_follow_up_due(
                facts, last_follow.get(order.id), now, tz
            ):
                continue
            due = deadlines.get(order.id)
            result.append(
                OrderRow(
                    order_id=order.id,
                    number=order.number,
                    shop=order.shop,
                    customer=order.customer,
                    status=order.status,
                    paid_at=order.paid_at,
                    shipped_at=order.shipped_at,
                    courier=order.courier,
                    tracking_number=order.tracking_number,
                    last_tracking_at=order.last_tracking_at,
                    problem=order.problem,
                    responsible=order.responsible,
                    reason=order.reason,
                    due_at=due[0] if due else None,
                    starts_at=due[1] if due else None,
                    return_steps=tuple(steps.get(order.id, ())),
                    version=order.version,
                )
            )
        return result

    def _order_deadlines(self, ids: list[int]) -> dict[int, tuple[datetime, datetime]]:
        if not ids:
            return {}
        query = (
            select(m.Deadline.subject_id, m.Deadline.due_at, m.Deadline.starts_at)
            .where(
                m.Deadline.subject_type == ORDER_SUBJECT,
                m.Deadline.subject_id.in_(ids),
                is_open(),
            )
            .order_by(m.Deadline.due_at.desc())
        )
        return {sid: (due, start) for sid, due, start in self.session.execute(query)}

    def _return_steps(self, ids: list[int]) -> dict[int, list[str]]:
        steps: dict[int, list[str]] = {}
        if not ids:
            return steps
        query = (
            select(m.OrderEvent.order_id, m.OrderEvent.detail)
            .where(m.OrderEvent.order_id.in_(ids), m.OrderEvent.action == "return_step")
            .order_by(m.OrderEvent.id)
        )
        for order_id, detail in self.session.execute(query):
            steps.setdefault(order_id, []).append(str(detail.get("step", "")))
        return steps

    def _last_follow_ups(self, ids: list[int]) -> dict[int, datetime]:
        if not ids:
            return {}
        query = (
            select(m.OrderEvent.order_id, func.max(m.OrderEvent.at))
            .where(m.OrderEvent.order_id.in_(ids), m.OrderEvent.action == "unpaid_follow_up")
            .group_by(m.OrderEvent.order_id)
        )
        utc = m.UTCDateTime()
        return {
            oid: utc.process_result_value(at, None)  # type: ignore[misc]
            for oid, at in self.session.execute(query)
        }

    def _saving_order(
        self, order_id: int, expected: int | None, agent_id: int | None, now: datetime
    ) -> m.Order:
        """The order to write, after the version check of the form that saves it: another
        desk's save since the form loaded it is a `Conflict`, nothing written (issue 16).
        Every edit of an order writes its row, so each one moves the version on."""
        order = self.session.get_one(m.Order, order_id)
        claim_version(self.session, order, expected, "order", self._order_theirs, agent_id, now)
        return order

    def _order_theirs(self, order: m.Order) -> dict[str, str]:
        """An order as another desk left it, under the order forms' field names: its reason
        and who bears it, and what the last step said (a chase's result, an answer ...)."""
        last = self.session.scalar(
            select(m.OrderEvent.detail)
            .where(m.OrderEvent.order_id == order.id)
            .order_by(m.OrderEvent.id.desc())
            .limit(1)
        )
        theirs = {str(k): str(v) for k, v in (last or {}).items() if isinstance(v, str)}
        theirs.update(reason=order.reason, responsible=order.responsible, status=order.status)
        return theirs

    def register_unshipped(
        self,
        order_id: int,
        reason: str,
        responsible: str,
        agent_id: int,
        now: datetime,
        expected_version: int | None = None,
    ) -> None:
        """The real reason an order was not shipped and who bears it (seed 004 in-sales 1)."""
        if not reason.strip():
            raise HandoverError(
                "orders.error.fix_fields", [FieldProblem("reason", "orders.error.required")]
            )
        order = self._saving_order(order_id, expected_version, agent_id, now)
        order.reason, order.responsible = reason.strip(), responsible.strip()[:200]
        self._order_event(
            order.id,
            agent_id,
            now,
            "unshipped_reason",
            {"reason": reason, "responsible": responsible},
        )

    def follow_up_unpaid(
        self,
        order_id: int,
        result: str,
        agent_id: int,
        now: datetime,
        close: bool = False,
        expected_version: int | None = None,
    ) -> None:
        """Today's follow-up of an unpaid order with its result; closing needs the reason."""
        field_name = "result"
        problem = check_close_unpaid(result)
        if problem is not None:
            raise HandoverError("orders.error.fix_fields", [FieldProblem(field_name, problem)])
        order = self._saving_order(order_id, expected_version, agent_id, now)
        if order.status != OrderStatus.UNPAID:
            raise HandoverError("orders.error.not_unpaid")
        self._order_event(order.id, agent_id, now, "unpaid_follow_up", {"result": result})
        if close:
            order.status = OrderStatus.CLOSED
            order.reason = result.strip()

    def chase_parcel(
        self,
        order_id: int,
        courier_result: str,
        agent_id: int,
        now: datetime,
        expected_version: int | None = None,
    ) -> int | None:
        """Chased with the courier: the customer's final answer is due within 24 hours; with
        no result today the chase goes on the unfinished-work sheet (seed 004 in-sales 3)."""
        order = self._saving_order(order_id, expected_version, agent_id, now)
        agent = self.session.get_one(m.Agent, agent_id)
        order.owner_id = agent_id
        self._order_event(order.id, agent_id, now, "chased", {"result": courier_result})
        label = f"{order.courier} {order.tracking_number}".strip()
        open_chase = self.session.scalar(
            select(func.count())
            .select_from(m.Deadline)
            .where(*open_of(ORDER_SUBJECT, order.id, DeadlineKind.PARCEL_CHASE))
        )
        if not open_chase:
            self.add_deadline(
                DeadlineKind.PARCEL_CHASE,
                ORDER_SUBJECT,  # type: ignore[arg-type]
                order.id,
                agent_id,
                now,
                parcel_final_answer_due(self.policy, now),
                label=label,
                team=agent.team,
            )
        if courier_result.strip():
            return None
        item = m.HandoverItem(
            sheet=HandoverSheet.UNFINISHED,
            status=HandoverStatus.OPEN,
            customer_name=order.customer,
            subject_type=ORDER_SUBJECT,
            subject_id=order.id,
            from_agent_id=agent_id,
            title=f"{order.shop} {order.number} {label}".strip()[:200],
            done_so_far="",
            next_step="",
            note="",
            due_at=parcel_final_answer_due(self.policy, now),
            created_at=now,
        )
        self.session.add(item)
        self.session.flush()
        self._changed("handover_item", item.id, now)
        return item.id

    def answer_parcel(
        self,
        order_id: int,
        answer: str,
        agent_id: int,
        now: datetime,
        expected_version: int | None = None,
    ) -> None:
        """The customer got the final answer (or the message why not): the chase is met."""
        if not answer.strip():
            raise HandoverError(
                "orders.error.fix_fields", [FieldProblem("answer", "orders.error.required")]
            )
        self._saving_order(order_id, expected_version, agent_id, now)
        self._order_event(order_id, agent_id, now, "answered", {"answer": answer})
        self.meet_deadlines(ORDER_SUBJECT, order_id, now, kind=DeadlineKind.PARCEL_CHASE)  # type: ignore[arg-type]

    def void_order(
        self,
        order_id: int,
        confirmed: bool,
        refund: str,
        agent_id: int,
        now: datetime,
        expected_version: int | None = None,
    ) -> tuple[str, str]:
        """Refund before shipping: the void notice (number + shop + void) and the refund are
        recorded (seed 004 in-sales 5)."""
        order = self._saving_order(order_id, expected_version, agent_id, now)
        problem = check_void(_facts(order), confirmed)
        if problem is not None:
            raise HandoverError(problem)
        number, shop = void_notice(order.number, order.shop)
        order.status = OrderStatus.VOID
        self._order_event(
            order.id, agent_id, now, "void", {"number": number, "shop": shop, "refund": refund}
        )
        return number, shop

    def record_return_step(
        self,
        order_id: int,
        step: str,
        agreed: str,
        agent_id: int,
        now: datetime,
        expected_version: int | None = None,
    ) -> None:
        """negotiate → return/exchange → refund the difference; never skipping negotiation."""
        self._saving_order(order_id, expected_version, agent_id, now)
        done = [ReturnStep(s) for s in self._return_steps([order_id]).get(order_id, [])]
        try:
            wanted = ReturnStep(step)
        except ValueError as error:
            raise HandoverError("orders.error.step_out_of_order") from error
        problem = check_return_step(done, wanted, agreed)
        if problem is not None:
            field_name = "agreed" if problem == "orders.error.agreed_required" else "step"
            raise HandoverError("orders.error.fix_fields", [FieldProblem(field_name, problem)])
        agent = self.session.get_one(m.Agent, agent_id)
        self._order_event(
            order_id, agent_id, now, "return_step",
            {"step": wanted.value, "agreed": agreed.strip(), "by": agent.name},
        )  # fmt: skip

    def order_history(self, order_id: int) -> list[tuple[datetime, str, str, dict[str, object]]]:
        query = (
            select(m.OrderEvent, m.Agent.name)
            .outerjoin(m.Agent, m.Agent.id == m.OrderEvent.agent_id)
            .where(m.OrderEvent.order_id == order_id)
            .order_by(m.OrderEvent.id)
        )
        return [
            (e.at, name or "", e.action, dict(e.detail)) for e, name in self.session.execute(query)
        ]

    def handover_export(self) -> list[list[Any]]:
        """Every handover item ever listed, for `deskui export handover`."""
        giver, taker = aliased(m.Agent), aliased(m.Agent)
        query = (
            select(m.HandoverItem, m.Customer.name, giver.name, taker.name)
            .outerjoin(m.Customer, m.Customer.id == m.HandoverItem.customer_id)
            .join(giver, giver.id == m.HandoverItem.from_agent_id)
            .outerjoin(taker, taker.id == m.HandoverItem.to_agent_id)
            .order_by(m.HandoverItem.id)
        )
        return [
            [h.id, h.sheet, h.status, h.customer_name or customer or "", h.title, h.done_so_far,
             h.next_step, h.due_at, from_name, to_name or "", h.note,
             f"{h.subject_type}#{h.subject_id}" if h.subject_type else "",
             h.handed_over_at, h.acknowledged_at]
            for h, customer, from_name, to_name in self.session.execute(query)
        ]  # fmt: skip

    def orders_export(self) -> list[list[Any]]:
        return [
            [o.id, o.number, o.shop, o.customer, o.status, o.paid_at, o.shipped_at, o.courier,
             o.tracking_number, o.last_tracking_at, o.problem or "", o.responsible, o.reason]
            for o in self.session.scalars(select(m.Order).order_by(m.Order.id))
        ]  # fmt: skip

    # -- the register as rows, for `deskui export` ---------------------------------------

    def handover_items(self) -> Sequence[tuple[Any, ...]]:
        giver = aliased(m.Agent)
        taker = aliased(m.Agent)
        query = (
            select(m.HandoverItem, m.Customer.name, giver.name, taker.name)
            .outerjoin(m.Customer, m.Customer.id == m.HandoverItem.customer_id)
            .join(giver, giver.id == m.HandoverItem.from_agent_id)
            .outerjoin(taker, taker.id == m.HandoverItem.to_agent_id)
            .order_by(m.HandoverItem.id)
        )
        return [
            (
                h.id,
                h.sheet,
                h.status,
                customer_name or "",
                h.title,
                h.done_so_far,
                h.next_step,
                h.due_at,
                from_name,
                to_name or "",
                h.note,
                h.acknowledged_at,
            )
            for h, customer_name, from_name, to_name in self.session.execute(query)
        ]


def _facts(order: m.Order) -> OrderFacts:
    return OrderFacts(
        number=order.number,
        shop=order.shop,
        customer=order.customer,
        paid_at=order.paid_at,
        shipped_at=order.shipped_at,
        courier=order.courier,
        tracking_number=order.tracking_number,
        last_tracking_at=order.last_tracking_at,
        received_at=order.received_at,
        problem=ParcelProblem(order.problem) if order.problem else None,
        problem_at=order.problem_at,
        status=OrderStatus(order.status),
    )


def _row(item: m.HandoverItem, customer: str, from_name: str, to_name: str) -> HandoverRow:
    return HandoverRow(
        item_id=item.id,
        sheet=item.sheet,
        status=item.status,
        customer_name=item.customer_name or customer,
        title=item.title,
        done_so_far=item.done_so_far,
        next_step=item.next_step,
        note=item.note,
        from_name=from_name,
        to_name=to_name,
        subject_type=item.subject_type,
        subject_id=item.subject_id,
        due_at=item.due_at,
        starts_at=item.handed_over_at or item.created_at,
        handed_over_at=item.handed_over_at,
        acknowledged_at=item.acknowledged_at,
        version=item.version,
    )


def item_theirs(item: m.HandoverItem) -> dict[str, str]:
    """A handover item as another desk saved it, under the handover forms' field names."""
    return {
        "done_so_far": item.done_so_far,
        "next_step": item.next_step,
        "note": item.note,
        "to": str(item.to_agent_id or item.from_agent_id),
        "status": item.status,
    }


def _report_row(item: m.HandoverItem, from_name: str, to_name: str) -> ReportRow:
    return ReportRow(
        sheet=item.sheet,
        customer=item.customer_name,
        item=item.title,
        status=item.status,
        deadline=item.due_at,
        owner=to_name or from_name,
        note=item.note,
        done_so_far=item.done_so_far,
        next_step=item.next_step,
    )


def _row_dict(row: ReportRow) -> dict[str, object]:
    return {
        "sheet": row.sheet,
        "customer": row.customer,
        "item": row.item,
        "status": row.status,
        "deadline": row.deadline.isoformat() if row.deadline else None,
        "owner": row.owner,
        "note": row.note,
        "done_so_far": row.done_so_far,
        "next_step": row.next_step,
    }


def _from_dict(data: Mapping[str, Any]) -> ReportRow:
    deadline = data.get("deadline")
    return ReportRow(
        sheet=str(data["sheet"]),
        customer=str(data.get("customer", "")),
        item=str(data.get("item", "")),
        status=str(data.get("status", "")),
        deadline=datetime.fromisoformat(deadline) if deadline else None,
        owner=str(data.get("owner", "")),
        note=str(data.get("note", "")),
        done_so_far=str(data.get("done_so_far", "")),
        next_step=str(data.get("next_step", "")),
    )


def _cell_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value).strip()


HANDOVER_EXPORT_HEADERS = (
    "id", "sheet", "status", "customer", "item", "done_so_far", "next_step", "due_at",
    "from_agent", "to_agent", "note", "subject", "handed_over_at", "acknowledged_at",
)  # fmt: skip
ORDER_EXPORT_HEADERS = (
    "id", "number", "shop", "customer", "status", "paid_at", "shipped_at", "courier",
    "tracking_number", "last_tracking_at", "problem", "responsible", "reason",
)  # fmt: skip


def _work_title(deadline: m.Deadline) -> str:
    """What a gathered deadline is, in words: a callback by its purpose, an unlabelled one
    (a profile to file) by its kind, the rest by their label."""
    purpose = f"callbacks.purpose.{deadline.label}"
    if deadline.kind == DeadlineKind.CALLBACK and deadline.label and has_key(purpose):
        return f"{t(purpose)} #{deadline.subject_id}"
    return deadline.label or f"{t(f'deadline_kind.{deadline.kind}')} #{deadline.subject_id}"
