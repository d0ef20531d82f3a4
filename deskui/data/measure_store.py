"""The lead's measures (issue 17; seed 002:2.5): every figure an SQL aggregate over indexes.

A deadline row is the desk's one record of "was it done in time": first contact by severity,
the urgent tickets' progress contacts, callbacks, profile filing (sales and CS side),
handover acknowledgement, parcel chases, department legs. A deadline belongs to the period
its due time falls in; it is on time when met by its due time, late when met after it or
still open past it, and pending (in no share) while open and not yet due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Interval,
    Select,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.deadline_store import is_open
from deskui.data.store_base import StoreBase
from deskui.domain.callbacks import survey_due, survey_quarters_due
from deskui.domain.model import (
    CallbackPurpose,
    CallbackStatus,
    DeadlineKind,
    HandoverStatus,
    Severity,
    TicketKind,
    TicketStatus,
)
from deskui.domain.orders import ReturnStep
from deskui.domain.periods import Period, day_start

CLOSED_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
OPEN_STATUSES = tuple(s for s in TicketStatus if s not in CLOSED_STATUSES)
_CAP = 500
"""Most records a drill-down lists (the newest first): a screen page, a report sheet."""


@dataclass(frozen=True, slots=True)
class Share:
    """A share with its numerator and denominator; no denominator means no data (None)."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True, slots=True)
class OnTime:
    """The deadlines of one kind (and severity or filing side) due in the period."""

    kind: str
    group: str
    """The severity (first contact), the filing side (profile filing: cs, sales,
    personal_notes), else ''."""
    on_time: Share
    late: int
    pending: int


@dataclass(frozen=True, slots=True)
class Resolution:
    """Time to resolution of the tickets closed in the period, for one category or department."""

    key: str
    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    count: int


@dataclass(frozen=True, slots=True)
class LegPlans:
    """One department's legs planned in the period against the time its head stated (seed
    002:2.3.2, 2.4.2): finished by the stated time (the result written by `expected_at`) of
    those finished or past it; still working and not yet due is pending. Hours count from
    the plan: stated = planned_at -> expected_at, actual = planned_at -> result_at (legs with
    a result only)."""

    department: str
    """The department's code."""
    planned: int
    by_stated_time: Share
    pending: int
    stated_median_hours: float | None
    actual_median_hours: float | None
    finished: int
    """Legs with a result: the actual median's count."""


@dataclass(frozen=True, slots=True)
class LateHandOn:
    """The period's complaints counted against one department person for a late hand-on (seed
    000:3.2.3, 3.1.3): see `MeasureStore.late_hand_on` for the definition."""

    department: str
    person: str
    """The department person's name as the leg recorded it; '' when none was recorded."""
    complaints: int


@dataclass(frozen=True, slots=True)
class SurveyForms:
    """One quarter's satisfaction survey forms (seed 000:2.5.3) whose due day (the 10th of its
    first month) falls in the period: received by the end of that day, of the customers on
    file by then; late (received after) and missing (none yet) are the rest."""

    year: int
    quarter: int
    due_on: date
    by_due_day: Share
    late: int
    missing: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"


@dataclass(frozen=True, slots=True)
class ReturnsRefunds:
    """Returns and refunds recorded in the period (seed 004 after-sales 6, in-sales 5), and the
    shop's rates: counted as the shops count theirs (店铺月度退货率退款率), the orders returned
    or refunded in the period over the orders paid in the period. An order returned this
    period may have been paid before it, so a rate is not a share of the same orders.

    Returns are orders with a `return` step (退货; an exchange is counted on its own);
    refunds are orders voided before shipping (refunded, the void notice posted) or with the
    difference refunded (退差价), each order once."""

    orders_paid: int
    returns: int
    exchanges: int
    refunds: int
    voids: int
    refund_differences: int

    @property
    def return_rate(self) -> Share:
        return Share(self.returns, self.orders_paid)

    @property
    def refund_rate(self) -> Share:
        return Share(self.refunds, self.orders_paid)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """Every figure of the period view."""

    period: Period
    new_tickets: int
    complaints: int
    on_time: tuple[OnTime, ...]
    resolution_by_category: tuple[Resolution, ...]
    resolution_by_department: tuple[Resolution, ...]
    complaints_by_category: tuple[Count, ...]
    repeat_complaints: int
    """Complaints in the period from a customer who had complained before (seed 000:3.2.3)."""
    callbacks_made: Share
    """Callbacks due in the period that were made, of all not cancelled (seed 000:2.5.2)."""
    callbacks_within_week: Share
    """Made by their due time, a week after the event (seed 000:2.5.6), of the same."""
    gift_arrivals_confirmed: Share
    """Gift-arrival callbacks made by their due time, 3 days after sending (seed 000:2.5.5)."""
    breaches: int
    guardrail_hits: tuple[GuardrailHits, ...] = ()
    """Per agent, most hits first (issue 17)."""
    leg_plans: tuple[LegPlans, ...] = ()
    """Per department, by code: the stated expected times against the actual."""
    late_hand_on: Share = Share(0, 0)
    """Complaints attributed to a department's late hand-on (seed 000:3.2.3), of the period's
    complaints: see `MeasureStore.late_hand_on`."""
    late_hand_on_by_department: tuple[Count, ...] = ()
    late_hand_on_by_person: tuple[LateHandOn, ...] = ()
    survey_forms: tuple[SurveyForms, ...] = ()
    """The quarters whose forms fall due in the period (none in most weeks)."""
    returns_refunds: ReturnsRefunds = ReturnsRefunds(0, 0, 0, 0, 0, 0)

    def share(self, kind: str, group: str = "") -> OnTime | None:
        return next((f for f in self.on_time if f.kind == kind and f.group == group), None)


@dataclass(frozen=True, slots=True)
class GuardrailHits:
    """One agent's saves stopped by the rules of conduct in the period, and which phrases
    (most hit first), for coaching (seed 000:3.2.1.2)."""

    agent_name: str
    hits: int
    phrases: tuple[Count, ...]


@dataclass(frozen=True, slots=True)
class AgentLoad:
    """One agent's open deadlines now."""

    agent_id: int
    name: str
    open: int
    due_today: int
    overdue: int
    signed_in: bool = False
    """Their desk said where it is within the last few ticks (presence, issue 16)."""


@dataclass(frozen=True, slots=True)
class LiveFigures:
    """The live view: open work, what breaches soon, what breached today, who carries what."""

    open_by_severity: tuple[Count, ...]
    open_by_department: tuple[Count, ...]
    """Keyed by department code; '' for tickets with no department."""
    breaching_next_hour: int
    breached_today: int
    agents: tuple[AgentLoad, ...]
    unacknowledged_handover: int


@dataclass(frozen=True, slots=True)
class DayTrend:
    day: date
    new_tickets: int
    breaches: int
    on_time: Share


@dataclass(frozen=True, slots=True)
class MeasureRecord:
    """One record behind a figure (a drill-down row)."""

    subject_type: str
    subject_id: int
    label: str
    owner: str
    due_at: datetime | None
    met_at: datetime | None
    state: str
    """'on_time', 'late', 'pending', or 'open' / 'closed' for a ticket with no deadline;
    'late' / 'missing' for a survey form; 'order.<status or step>' for an order."""


def _late(now: datetime) -> ColumnElement[bool]:
    d = m.Deadline
    return or_(d.met_at > d.due_at, and_(is_open(d), d.due_at < now))


def _on_time() -> ColumnElement[bool]:
    d = m.Deadline
    return and_(d.met_at.is_not(None), d.met_at <= d.due_at)


def _group_column() -> ColumnElement[Any]:
    d = m.Deadline
    return case(
        (d.kind == DeadlineKind.FIRST_CONTACT, func.coalesce(d.severity, "")),
        # a filing that does not say its side is CS's (intake's before issue 26)
        (d.kind == DeadlineKind.PROFILE_FILING, func.coalesce(func.nullif(d.note, ""), "cs")),
        else_=literal(""),
    )


def _leg_on_time() -> ColumnElement[bool]:
    """The leg's result was written by the time its department stated."""
    leg = m.DepartmentLeg
    return and_(leg.result_at.is_not(None), leg.result_at <= leg.expected_at)


def _leg_late(now: datetime) -> ColumnElement[bool]:
    leg = m.DepartmentLeg
    return or_(
        leg.result_at > leg.expected_at, and_(leg.result_at.is_(None), leg.expected_at < now)
    )


def _in(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


class MeasureStore(StoreBase):
    """Read-only: the period view, the live view, the 30-day trend and their records."""

    # the period view -------------------------------------------------------------------------
    def period_figures(self, period: Period, now: datetime) -> PeriodFigures:
        t = m.Ticket
        tickets = self.session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((t.kind == TicketKind.COMPLAINT, 1), else_=0)), 0),
            ).where(_in(t.opened_at, period.start, period.end))
        ).one()
        on_time = self.on_time(period.start, period.end, now)
        late_hand_on, by_department, by_person = self.late_hand_on(period)
        return PeriodFigures(
            period=period,
            new_tickets=int(tickets[0]),
            complaints=int(tickets[1]),
            on_time=on_time,
            resolution_by_category=self._resolution(t.category, period),
            resolution_by_department=self._resolution(
                func.coalesce(m.Department.code, ""), period, with_department=True
            ),
            complaints_by_category=self._complaints_by_category(period),
            repeat_complaints=self._repeat_complaints(period),
            callbacks_made=self._callbacks(period, within_week=False),
            callbacks_within_week=self._callbacks(period, within_week=True),
            gift_arrivals_confirmed=self._callbacks(
                period, within_week=True, purpose=CallbackPurpose.GIFT_ARRIVAL
            ),
            breaches=sum(f.late for f in on_time),
            guardrail_hits=self._guardrail_hits(period),
            leg_plans=self._leg_plans(period, now),
            late_hand_on=Share(late_hand_on, int(tickets[1])),
            late_hand_on_by_department=by_department,
            late_hand_on_by_person=by_person,
            survey_forms=self._survey_forms(period),
            returns_refunds=self._returns_refunds(period),
        )

    def _guardrail_hits(self, period: Period) -> tuple[GuardrailHits, ...]:
        """The period's hits per agent; the phrases counted from the same lines' details
        (a JSON list, read alike on both backends; the lines are few: one per stopped save)."""
        a = m.AuditEntry
        lines = self.session.execute(
            select(a.agent_name, a.detail).where(
                a.action == "guardrail", _in(a.at, period.start, period.end)
            )
        ).all()
        hits: dict[str, int] = {}
        phrases: dict[str, dict[str, int]] = {}
        for name, detail in lines:
            hits[name] = hits.get(name, 0) + 1
            said = phrases.setdefault(name, {})
            listed = (detail or {}).get("phrases")
            for phrase in listed if isinstance(listed, list) else ():
                said[str(phrase)] = said.get(str(phrase), 0) + 1
        return tuple(
            GuardrailHits(
                name,
                count,
                tuple(
                    Count(p, n)
                    for p, n in sorted(phrases[name].items(), key=lambda item: (-item[1], item[0]))
                ),
            )
            for name, count in sorted(hits.items(), key=lambda item: (-item[1], item[0]))
        )

    def on_time(self, start: datetime, end: datetime, now: datetime) -> tuple[OnTime, ...]:
        """On time, late and pending deadlines due in [start, end), by kind and group."""
        d = m.Deadline
        group = _group_column()
        rows = self.session.execute(
            select(
                d.kind,
                group.label("grp"),
                func.sum(case((_on_time(), 1), else_=0)),
                func.sum(case((_late(now), 1), else_=0)),
                func.count(),
            )
            .where(d.kind.in_(_MEASURED_KINDS), _in(d.due_at, start, end))
            .group_by(d.kind, group)
            .order_by(d.kind, group)
        ).all()
        result = []
        for kind, grp, on, late, total in rows:
            on, late = int(on or 0), int(late or 0)
            result.append(
                OnTime(str(kind), str(grp or ""), Share(on, on + late), late, total - on - late)
            )
        return tuple(result)

    def _resolution(
        self, key: Any, period: Period, *, with_department: bool = False
    ) -> tuple[Resolution, ...]:
        """Median and 90th percentile by nearest rank, with window functions (both backends)."""
        t = m.Ticket
        hours = self._hours(t.opened_at, t.closed_at)
        inner = select(
            key.label("k"),
            hours.label("h"),
            func.row_number().over(partition_by=key, order_by=hours).label("rn"),
            func.count().over(partition_by=key).label("n"),
        ).where(t.closed_at.is_not(None), _in(t.closed_at, period.start, period.end))
        if with_department:
            inner = inner.select_from(t).outerjoin(m.Department, m.Department.id == t.department_id)
        sub = inner.subquery()
        # nearest rank: ceil(p * n) in integer arithmetic
        rows = self.session.execute(
            select(
                sub.c.k,
                func.max(sub.c.n),
                func.max(case((sub.c.rn == (sub.c.n * 50 + 99) // 100, sub.c.h))),
                func.max(case((sub.c.rn == (sub.c.n * 90 + 99) // 100, sub.c.h))),
            )
            .group_by(sub.c.k)
            .order_by(sub.c.k)
        ).all()
        return tuple(
            Resolution(str(k or ""), int(n), _round(med), _round(p90)) for k, n, med, p90 in rows
        )

    def _hours(self, start: Any, end: Any) -> ColumnElement[float]:
        if self.session.get_bind().dialect.name == "postgresql":
            return cast(func.extract("epoch", end - start) / 3600.0, Float)
        return cast((func.julianday(end) - func.julianday(start)) * 24.0, Float)

    def _complaints_by_category(self, period: Period) -> tuple[Count, ...]:
        t = m.Ticket
        rows = self.session.execute(
            select(t.category, func.count())
            .where(t.kind == TicketKind.COMPLAINT, _in(t.opened_at, period.start, period.end))
            .group_by(t.category)
            .order_by(func.count().desc(), t.category)
        ).all()
        return tuple(Count(str(c), int(n)) for c, n in rows)

    def _repeat_complaints(self, period: Period) -> int:
        query = select(func.count()).select_from(m.Ticket).where(*self._repeat_where(period))
        return int(self.session.scalar(query) or 0)

    def _repeat_where(self, period: Period) -> list[ColumnElement[bool]]:
        t, earlier = m.Ticket, aliased(m.Ticket)
        return [
            t.kind == TicketKind.COMPLAINT,
            _in(t.opened_at, period.start, period.end),
            exists().where(
                earlier.customer_id == t.customer_id,
                earlier.kind == TicketKind.COMPLAINT,
                earlier.opened_at < t.opened_at,
            ),
        ]

    def _callbacks(self, period: Period, *, within_week: bool, purpose: str | None = None) -> Share:
        c = m.Callback
        made = and_(c.status == CallbackStatus.DONE, c.done_at.is_not(None))
        if within_week:
            made = and_(made, c.done_at <= c.due_at)
        query = select(func.coalesce(func.sum(case((made, 1), else_=0)), 0), func.count()).where(
            c.status != CallbackStatus.CANCELLED, _in(c.due_at, period.start, period.end)
        )
        if purpose is not None:
            query = query.where(c.purpose == purpose)
        row = self.session.execute(query).one()
        return Share(int(row[0]), int(row[1]))

    # departments: stated times, late hand-on ---------------------------------------------------
    def _leg_plans(self, period: Period, now: datetime) -> tuple[LegPlans, ...]:
        """Per department, the legs whose plan was written in the period (seed 002:2.4.2)."""
        leg, code = m.DepartmentLeg, m.Department.code
        on_time, late = _leg_on_time(), _leg_late(now)
        planned = _in(leg.planned_at, period.start, period.end)
        counts = self.session.execute(
            select(
                code,
                func.count(),
                func.sum(case((on_time, 1), else_=0)),
                func.sum(case((late, 1), else_=0)),
            )
            .join(m.Department, m.Department.id == leg.department_id)
            .where(planned, leg.expected_at.is_not(None))
            .group_by(code)
            .order_by(code)
        ).all()
        stated = self._median_by(code, self._hours(leg.planned_at, leg.expected_at), planned)
        actual = self._median_by(
            code, self._hours(leg.planned_at, leg.result_at), planned, leg.result_at.is_not(None)
        )
        result = []
        for department, total, on, late_count in counts:
            on, late_count = int(on or 0), int(late_count or 0)
            finished, actual_median = actual.get(department, (0, None))
            result.append(
                LegPlans(
                    str(department),
                    int(total),
                    Share(on, on + late_count),
                    int(total) - on - late_count,
                    stated.get(department, (0, None))[1],
                    actual_median,
                    finished,
                )
            )
        return tuple(result)

    def _median_by(
        self, key: Any, hours: ColumnElement[float], *where: ColumnElement[bool]
    ) -> dict[str, tuple[int, float | None]]:
        """{department code: (count, median hours)} of the legs `where` picks (nearest rank)."""
        leg = m.DepartmentLeg
        sub = (
            select(
                key.label("k"),
                hours.label("h"),
                func.row_number().over(partition_by=key, order_by=hours).label("rn"),
                func.count().over(partition_by=key).label("n"),
            )
            .select_from(leg)
            .join(m.Department, m.Department.id == leg.department_id)
            .where(leg.expected_at.is_not(None), *where)
            .subquery()
        )
        rows = self.session.execute(
            select(
                sub.c.k,
                func.max(sub.c.n),
                func.max(case((sub.c.rn == (sub.c.n * 50 + 99) // 100, sub.c.h))),
            ).group_by(sub.c.k)
        ).all()
        return {str(k): (int(n), _round(median)) for k, n, median in rows}

    def late_hand_on(self, period: Period) -> tuple[int, tuple[Count, ...], tuple[LateHandOn, ...]]:
        """Complaints caused by a department's late hand-on (seed 000:3.2.3 on 3.1.3: a customer
        complaining again because another department did not tell CS in time counts against
        that person, each time), as the desk's records define it. A complaint opened in the
        period is attributed to a department when either

        - the department received the customer's complaint itself and handed it on to CS late
          (seed 000:3.2.2; `domain.complaint.repeat_caused_by_late_hand_on`, the rule of F3's
          count, in the desk's business calendar): this complaint was opened after the day the
          department received the other and before that one reached CS. The desk keeps no
          name of who at the department held it: the person is '';
        - or the same customer's earlier complaint (opened before it) went to the department
          on a leg (seed 002:2.4.2) handed over before it was opened, and by then one of the
          department's steps on that leg was already late: not accepted within the site's
          accept limit (`LegPolicy.accept`), no plan within the plan limit after accepting, no
          result by the expected time its head stated, or not returned to CS within the return
          limit after the result (a step done after its due time is late too). The person is
          who held the leg at its first late step: who accepted it (accept and plan steps; ''
          while nobody has), who stated the expected time (result), who wrote the result
          (return).

        A complaint counts once against each department and once against each person it is
        attributed to; every later complaint counts again. The candidates are found by SQL
        over the indexes (complaints by opened time, tickets by customer, legs by ticket);
        what is counted is small, and is tallied here.

        Returns (complaints attributed, by department, by department and person)."""
        pairs = self._late_hand_on_pairs(period)
        departments: dict[str, set[int]] = {}
        people: dict[tuple[str, str], int] = {}
        for ticket_id, department, person in pairs:
            departments.setdefault(department, set()).add(ticket_id)
            people[department, person] = people.get((department, person), 0) + 1
        return (
            len({ticket_id for ticket_id, _, _ in pairs}),
            tuple(
                Count(d, len(ids))
                for d, ids in sorted(departments.items(), key=lambda item: (-len(item[1]), item[0]))
            ),
            tuple(
                LateHandOn(d, person, n)
                for (d, person), n in sorted(
                    people.items(), key=lambda item: (-item[1], item[0][0], item[0][1])
                )
            ),
        )

    def _late_hand_on_pairs(self, period: Period) -> set[tuple[int, str, str]]:
        """(complaint, department code, person) of `late_hand_on`, each once."""
        legs = {
            (int(i), str(d), str(p or ""))
            for i, d, p in self.session.execute(self._late_leg_pairs(period))
        }
        return legs | self._late_forward_pairs(period)

    def _late_forward_pairs(self, period: Period) -> set[tuple[int, str, str]]:
        """The complaints opened in the period while a department still held the customer's
        complaint it had received itself, kept where that one was handed on late."""
        from deskui.domain.calendar import BusinessCalendar
        from deskui.domain.complaint import repeat_caused_by_late_hand_on

        t, forwarded, record = m.Ticket, aliased(m.Ticket), m.ComplaintRecord
        rows = self.session.execute(
            select(
                t.id,
                m.Department.code,
                record.received_by_department_on,
                record.our_received_at,
                t.opened_at,
            )
            .select_from(t)
            .join(
                forwarded,
                and_(
                    forwarded.customer_id == t.customer_id,
                    forwarded.kind == TicketKind.COMPLAINT,
                    forwarded.id != t.id,
                ),
            )
            .join(record, record.ticket_id == forwarded.id)
            .join(m.Department, m.Department.id == record.forwarded_by_department_id)
            .where(
                t.kind == TicketKind.COMPLAINT,
                _in(t.opened_at, period.start, period.end),
                record.received_by_department_on.is_not(None),
                record.our_received_at.is_not(None),
                t.opened_at < record.our_received_at,
            )
        ).all()
        if not rows:
            return set()
        calendar = BusinessCalendar(self._uow.calendar.calendar_overrides())
        return {
            (int(i), str(code), "")
            for i, code, received_on, ours, opened in rows
            # the query's `where` leaves no date out
            if received_on is not None
            and ours is not None
            and repeat_caused_by_late_hand_on(received_on, ours, opened, calendar)
        }

    def _late_leg_pairs(self, period: Period) -> Select[int, str, Any]:
        """Distinct (complaint, department, person) a late leg caused (`late_hand_on`)."""
        t, earlier, leg = m.Ticket, aliased(m.Ticket), m.DepartmentLeg
        policy = self.rules.legs
        opened = self._instant(t.opened_at)
        accept_due = self._later(leg.handed_at, policy.accept)
        plan_due = self._later(leg.accepted_at, policy.plan)
        return_due = self._later(leg.result_at, policy.return_after_result)
        accept_late = and_(
            accept_due < opened,
            or_(leg.accepted_at.is_(None), self._instant(leg.accepted_at) > accept_due),
        )
        plan_late = and_(
            leg.accepted_at.is_not(None),
            plan_due < opened,
            or_(leg.planned_at.is_(None), self._instant(leg.planned_at) > plan_due),
        )
        result_late = and_(
            leg.expected_at.is_not(None),
            leg.expected_at < t.opened_at,
            or_(leg.result_at.is_(None), leg.result_at > leg.expected_at),
        )
        return_late = and_(
            leg.result_at.is_not(None),
            return_due < opened,
            or_(leg.returned_at.is_(None), self._instant(leg.returned_at) > return_due),
        )
        person = case(
            (or_(accept_late, plan_late), leg.accepted_by),
            (result_late, leg.planned_by),
            else_=leg.result_by,
        )
        return (
            select(
                t.id.label("ticket_id"),
                m.Department.code.label("department"),
                func.coalesce(person, "").label("person"),
            )
            .select_from(t)
            .join(
                earlier,
                and_(
                    earlier.customer_id == t.customer_id,
                    earlier.kind == TicketKind.COMPLAINT,
                    earlier.opened_at < t.opened_at,
                ),
            )
            .join(leg, leg.ticket_id == earlier.id)
            .join(m.Department, m.Department.id == leg.department_id)
            .where(
                t.kind == TicketKind.COMPLAINT,
                _in(t.opened_at, period.start, period.end),
                leg.handed_at < t.opened_at,
                or_(accept_late, plan_late, result_late, return_late),
            )
            .distinct()
        )

    def _instant(self, column: Any) -> ColumnElement[Any]:
        """A time as `_later` compares it: itself on PostgreSQL, its Julian day on SQLite
        (where a time plus an offset is no longer the stored text)."""
        if self.session.get_bind().dialect.name == "postgresql":
            return column  # type: ignore[no-any-return]
        return func.julianday(column)

    def _later(self, column: Any, delta: timedelta) -> ColumnElement[Any]:
        """`column` + `delta`, comparable with `_instant`."""
        if self.session.get_bind().dialect.name == "postgresql":
            return column + literal(delta, Interval())  # type: ignore[no-any-return]
        return func.julianday(column, f"+{int(delta.total_seconds())} seconds")

    # survey forms, returns and refunds ------------------------------------------------------
    def survey_due_quarters(self, period: Period) -> list[tuple[int, int, date, datetime]]:
        """(year, quarter, due day, due time) of the quarters whose forms fall due in the
        period; the due time is the end of the due day (forms in on the 10th are on time)."""
        rules = self.rules.callbacks
        quarters = []
        for year, quarter in survey_quarters_due(period.first_day, period.last_day, rules):
            due_on = survey_due(year, quarter, rules)
            quarters.append((year, quarter, due_on, day_start(due_on + timedelta(days=1))))
        return quarters

    def _survey_forms(self, period: Period) -> tuple[SurveyForms, ...]:
        f = m.SurveyForm
        result = []
        for year, quarter, due_on, due_at in self.survey_due_quarters(period):
            row = self.session.execute(
                select(
                    func.count(m.Customer.id),
                    func.coalesce(func.sum(case((f.submitted_at < due_at, 1), else_=0)), 0),
                    func.coalesce(func.sum(case((f.submitted_at >= due_at, 1), else_=0)), 0),
                )
                .select_from(m.Customer)
                .outerjoin(f, self._form_of(year, quarter))
                .where(m.Customer.created_at < due_at)
            ).one()
            expected, on_time, late = int(row[0]), int(row[1]), int(row[2])
            result.append(
                SurveyForms(
                    year, quarter, due_on, Share(on_time, expected), late, expected - on_time - late
                )
            )
        return tuple(result)

    @staticmethod
    def _form_of(year: int, quarter: int) -> ColumnElement[bool]:
        f = m.SurveyForm
        return and_(f.customer_id == m.Customer.id, f.year == year, f.quarter == quarter)

    def _returns_refunds(self, period: Period) -> ReturnsRefunds:
        e = m.OrderEvent
        step = e.detail["step"].as_string()
        is_step = e.action == "return_step"

        def orders(condition: ColumnElement[bool]) -> Any:
            return func.count(distinct(case((condition, e.order_id))))

        events = self.session.execute(
            select(
                orders(and_(is_step, step == ReturnStep.RETURN)),
                orders(and_(is_step, step == ReturnStep.EXCHANGE)),
                orders(
                    or_(e.action == "void", and_(is_step, step == ReturnStep.REFUND_DIFFERENCE))
                ),
                orders(e.action == "void"),
                orders(and_(is_step, step == ReturnStep.REFUND_DIFFERENCE)),
            ).where(e.action.in_(("return_step", "void")), _in(e.at, period.start, period.end))
        ).one()
        paid = self.session.scalar(
            select(func.count()).where(_in(m.Order.paid_at, period.start, period.end))
        )
        return ReturnsRefunds(int(paid or 0), *(int(n or 0) for n in events))

    # the live view ---------------------------------------------------------------------------
    def live_figures(
        self, now: datetime, today_start: datetime, present_since: datetime | None = None
    ) -> LiveFigures:
        t, d = m.Ticket, m.Deadline
        ticket_open = t.status.in_(OPEN_STATUSES)  # an IN list the status index serves
        by_severity = self.session.execute(
            select(t.severity, func.count()).where(ticket_open).group_by(t.severity)
        ).all()
        order = {
            s.value: i for i, s in enumerate((Severity.CRITICAL, Severity.URGENT, Severity.NORMAL))
        }
        by_department = self.session.execute(
            select(func.coalesce(m.Department.code, ""), func.count())
            .select_from(t)
            .outerjoin(m.Department, m.Department.id == t.department_id)
            .where(ticket_open)
            .group_by(m.Department.code)
            .order_by(func.count().desc())
        ).all()
        soon = self.session.scalar(
            select(func.count()).where(
                is_open(d),
                d.paused_at.is_(None),
                _in(d.due_at, now, now + timedelta(hours=1)),
            )
        )
        breached = self.session.scalar(
            select(func.count()).where(
                d.kind.in_(_MEASURED_KINDS), _in(d.due_at, today_start, now), _late(now)
            )
        )
        tomorrow = today_start + timedelta(days=1)
        agents = self.session.execute(
            select(
                m.Agent.id,
                m.Agent.name,
                func.count(d.id),
                func.coalesce(
                    func.sum(case((_in(d.due_at, today_start, tomorrow), 1), else_=0)), 0
                ),
                func.coalesce(func.sum(case((d.due_at < now, 1), else_=0)), 0),
            )
            .select_from(m.Agent)
            .outerjoin(d, and_(d.owner_id == m.Agent.id, is_open(d)))
            .where(m.Agent.active.is_(True))
            .group_by(m.Agent.id, m.Agent.name)
            .order_by(m.Agent.name)
        ).all()
        present = set(
            self.session.scalars(
                select(m.Presence.agent_id).where(m.Presence.seen_at >= (present_since or now))
            )
        )
        unacknowledged = self.session.scalar(
            select(func.count()).where(
                m.HandoverItem.status == HandoverStatus.HANDED_OVER,
                m.HandoverItem.acknowledged_at.is_(None),
            )
        )
        return LiveFigures(
            open_by_severity=tuple(
                Count(str(s), int(n))
                for s, n in sorted(by_severity, key=lambda r: order.get(str(r[0]), 9))
            ),
            open_by_department=tuple(Count(str(c), int(n)) for c, n in by_department),
            breaching_next_hour=int(soon or 0),
            breached_today=int(breached or 0),
            agents=tuple(
                AgentLoad(int(i), str(name), int(o), int(due), int(over), int(i) in present)
                for i, name, o, due, over in agents
            ),
            unacknowledged_handover=int(unacknowledged or 0),
        )

    # the trend -------------------------------------------------------------------------------
    def trend(self, days: list[Period], now: datetime) -> tuple[DayTrend, ...]:
        """New tickets, breaches and on-time share per local day: one grouped query each.
        Days of 24 hours (the site's zone keeps no summer time) are numbered by arithmetic;
        otherwise a CASE over the days' UTC boundaries (8x slower on a year's data)."""
        if not days:
            return ()
        start, end = days[0].start, days[-1].end
        t, d = m.Ticket, m.Deadline
        uniform = all(p.end - p.start == timedelta(days=1) for p in days)
        postgres = self.session.get_bind().dialect.name == "postgresql"

        def bucket(column: Any) -> ColumnElement[int]:
            if not uniform:
                return case(*((column < p.end, i) for i, p in enumerate(days)), else_=len(days))
            if postgres:
                origin = literal(start, type_=m.Deadline.due_at.type)
                return cast(func.floor(func.extract("epoch", column - origin) / 86400), Integer)
            origin_text = start.strftime("%Y-%m-%d %H:%M:%S")  # the stored form (UTC, naive)
            return cast(func.julianday(column) - func.julianday(origin_text), Integer)

        tickets = (
            select(bucket(t.opened_at).label("b")).where(_in(t.opened_at, start, end)).subquery()
        )
        new: dict[int, int] = dict(
            self.session.execute(select(tickets.c.b, func.count()).group_by(tickets.c.b)).all()
        )
        deadlines = (
            select(
                bucket(d.due_at).label("b"),
                case((_on_time(), 1), else_=0).label("on"),
                case((_late(now), 1), else_=0).label("late"),
            )
            .where(d.kind.in_(_MEASURED_KINDS), _in(d.due_at, start, end))
            .subquery()
        )
        rows = self.session.execute(
            select(deadlines.c.b, func.sum(deadlines.c.on), func.sum(deadlines.c.late)).group_by(
                deadlines.c.b
            )
        ).all()
        kept = {int(b): (int(on or 0), int(late or 0)) for b, on, late in rows}
        result = []
        for i, p in enumerate(days):
            on, late = kept.get(i, (0, 0))
            result.append(DayTrend(p.first_day, int(new.get(i, 0)), late, Share(on, on + late)))
        return tuple(result)

    # the records behind a figure -------------------------------------------------------------
    def deadline_records(
        self,
        start: datetime,
        end: datetime,
        now: datetime,
        *,
        kind: str | None = None,
        group: str | None = None,
        state: str | None = None,
        owner_id: int | None = None,
        open_only: bool = False,
        any_kind: bool = False,
    ) -> list[MeasureRecord]:
        """The deadlines due in [start, end) behind a share, a breach count or an agent's load;
        `state` 'late' or 'on_time' narrows them."""
        d = m.Deadline
        query = (
            select(d, m.Agent.name)
            .outerjoin(m.Agent, m.Agent.id == d.owner_id)
            .where(_in(d.due_at, start, end))
        )
        if kind is not None:
            query = query.where(d.kind == kind)
        elif not any_kind:  # an agent's load counts every open deadline
            query = query.where(d.kind.in_(_MEASURED_KINDS))
        if group is not None:
            query = query.where(_group_column() == group)
        if state == "late":
            query = query.where(_late(now))
        elif state == "on_time":
            query = query.where(_on_time())
        if owner_id is not None:
            query = query.where(d.owner_id == owner_id)
        if open_only:
            query = query.where(is_open(d))
        rows = self.session.execute(query.order_by(d.due_at.desc(), d.id).limit(_CAP)).all()
        return [
            MeasureRecord(
                row.subject_type,
                row.subject_id,
                row.label,
                name or "",
                row.due_at,
                row.met_at,
                _state(row, now),
            )
            for row, name in rows
        ]

    def ticket_records(
        self,
        period: Period | None,
        *,
        complaints_only: bool = False,
        repeat_only: bool = False,
        open_severity: str | None = None,
        open_department: str | None = None,
    ) -> list[MeasureRecord]:
        """Tickets opened in the period (optionally complaints, repeat complaints), or the open
        tickets of a severity or a department (period None)."""
        t = m.Ticket
        query = (
            select(t.id, m.Customer.name, m.Agent.name, t.opened_at, t.closed_at)
            .join(m.Customer, m.Customer.id == t.customer_id)
            .join(m.Agent, m.Agent.id == t.owner_id)
            .outerjoin(m.Department, m.Department.id == t.department_id)
        )
        if period is not None:
            query = query.where(_in(t.opened_at, period.start, period.end))
            if repeat_only:
                query = query.where(*self._repeat_where(period))
        if complaints_only:
            query = query.where(t.kind == TicketKind.COMPLAINT)
        if open_severity is not None:
            query = query.where(t.status.in_(OPEN_STATUSES), t.severity == open_severity)
        if open_department is not None:
            query = query.where(
                t.status.in_(OPEN_STATUSES),
                func.coalesce(m.Department.code, "") == open_department,
            )
        rows = self.session.execute(query.order_by(t.opened_at.desc(), t.id).limit(_CAP)).all()
        return [
            MeasureRecord(
                "ticket", i, customer, owner, opened, closed, "open" if closed is None else "closed"
            )
            for i, customer, owner, opened, closed in rows
        ]

    def leg_records(
        self, period: Period, now: datetime, department: str | None = None
    ) -> list[MeasureRecord]:
        """The legs planned in the period (of one department): the ticket, who stated the
        expected time, that time (due) and the result's (met)."""
        leg, t = m.DepartmentLeg, m.Ticket
        query = (
            select(leg.ticket_id, t.customer_words, leg.planned_by, leg.expected_at, leg.result_at)
            .join(t, t.id == leg.ticket_id)
            .join(m.Department, m.Department.id == leg.department_id)
            .where(_in(leg.planned_at, period.start, period.end), leg.expected_at.is_not(None))
        )
        if department is not None:
            query = query.where(m.Department.code == department)
        rows = self.session.execute(query.order_by(leg.planned_at.desc(), leg.id).limit(_CAP)).all()
        return [
            MeasureRecord(
                "ticket",
                ticket_id,
                " ".join((words or "").split())[:60],
                by or "",
                expected,
                result,
                _leg_state(expected, result, now),
            )
            for ticket_id, words, by, expected, result in rows
            if expected is not None  # the query's `where` leaves none out
        ]

    def late_hand_on_records(
        self, period: Period, department: str | None = None, person: str | None = None
    ) -> list[MeasureRecord]:
        """The complaints `late_hand_on` attributes (to a department, to one of its people):
        one row each, the people named against it as its owner."""
        named: dict[int, list[str]] = {}
        for ticket_id, d, who in sorted(self._late_hand_on_pairs(period)):
            if (department is None or d == department) and (person is None or who == person):
                names = named.setdefault(ticket_id, [])
                if who and who not in names:
                    names.append(who)
        if not named:
            return []
        t = m.Ticket
        rows = self.session.execute(
            select(t.id, m.Customer.name, t.opened_at, t.closed_at)
            .join(m.Customer, m.Customer.id == t.customer_id)
            .where(t.id.in_(list(named)))
            .order_by(t.opened_at.desc(), t.id)
            .limit(_CAP)
        ).all()
        return [
            MeasureRecord(
                "ticket",
                i,
                customer,
                "、".join(named[i]),
                opened,
                closed,
                "open" if closed is None else "closed",
            )
            for i, customer, opened, closed in rows
        ]

    def survey_records(self, year: int, quarter: int, due_at: datetime) -> list[MeasureRecord]:
        """The customers whose form for the quarter did not come by its due time: late (in
        after it, met shows when) or missing (none yet)."""
        f, c = m.SurveyForm, m.Customer
        rows = self.session.execute(
            select(c.id, c.name, m.Agent.name, f.submitted_at)
            .outerjoin(f, self._form_of(year, quarter))
            .outerjoin(m.Agent, m.Agent.id == c.assigned_agent_id)
            .where(c.created_at < due_at, or_(f.id.is_(None), f.submitted_at >= due_at))
            .order_by(c.id)
            .limit(_CAP)
        ).all()
        return [
            MeasureRecord(
                "customer", i, name, agent or "", due_at, got, "missing" if got is None else "late"
            )
            for i, name, agent, got in rows
        ]

    def order_records(self, period: Period, which: str) -> list[MeasureRecord]:
        """`paid`: the orders paid in the period (state `order.<status>` now, met when
        shipped); `return`, `exchange`: the orders with that step in the period; `refund`:
        the orders voided before shipping or with the difference refunded (state
        `order.<step>` or `order.void_refund`); due is when."""
        o, e = m.Order, m.OrderEvent
        if which == "paid":
            paid = self.session.execute(
                select(o.id, o.shop, o.number, m.Agent.name, o.paid_at, o.shipped_at, o.status)
                .outerjoin(m.Agent, m.Agent.id == o.owner_id)
                .where(_in(o.paid_at, period.start, period.end))
                .order_by(o.paid_at.desc(), o.id)
                .limit(_CAP)
            ).all()
            return [
                MeasureRecord(
                    "order", i, f"{shop} {number}", who or "", at, shipped, f"order.{status}"
                )
                for i, shop, number, who, at, shipped, status in paid
            ]
        step = e.detail["step"].as_string()
        is_step = e.action == "return_step"
        wanted = (
            or_(e.action == "void", and_(is_step, step == ReturnStep.REFUND_DIFFERENCE))
            if which == "refund"
            else and_(is_step, step == which)
        )
        rows = self.session.execute(
            select(o.id, o.shop, o.number, m.Agent.name, e.at, e.action, step)
            .select_from(e)
            .join(o, o.id == e.order_id)
            .outerjoin(m.Agent, m.Agent.id == e.agent_id)
            .where(wanted, _in(e.at, period.start, period.end))
            .order_by(e.at.desc(), e.id)
            .limit(_CAP)
        ).all()
        return [
            MeasureRecord(
                "order",
                i,
                f"{shop} {number}",
                who or "",
                at,
                None,
                "order.void_refund" if action == "void" else f"order.{done}",
            )
            for i, shop, number, who, at, action, done in rows
        ]

    def unacknowledged_handover_records(self) -> list[MeasureRecord]:
        h = m.HandoverItem
        rows = self.session.execute(
            select(h.id, h.title, m.Agent.name, h.handed_over_at, h.due_at)
            .join(m.Agent, m.Agent.id == h.from_agent_id)
            .where(h.status == HandoverStatus.HANDED_OVER, h.acknowledged_at.is_(None))
            .order_by(h.handed_over_at, h.id)
            .limit(_CAP)
        ).all()
        return [
            MeasureRecord("handover_item", i, title, name, due or handed, None, "pending")
            for i, title, name, handed, due in rows
        ]


_MEASURED_KINDS: tuple[str, ...] = tuple(
    k.value
    for k in (
        DeadlineKind.FIRST_CONTACT,
        DeadlineKind.REPEAT_CONTACT,
        DeadlineKind.PROMISED_REPLY,
        DeadlineKind.CALLBACK,
        DeadlineKind.PROFILE_FILING,
        DeadlineKind.HANDOVER_ACK,
        DeadlineKind.PARCEL_CHASE,
        DeadlineKind.DEPARTMENT_LEG,
    )
)
"""The deadlines the measures count (prospects and event plans are not the desk's KPIs)."""


def _state(deadline: m.Deadline, now: datetime) -> str:
    if deadline.met_at is not None:
        return "on_time" if deadline.met_at <= deadline.due_at else "late"
    return "late" if deadline.due_at < now else "pending"


def _leg_state(expected: datetime, result: datetime | None, now: datetime) -> str:
    if result is not None:
        return "on_time" if result <= expected else "late"
    return "late" if expected < now else "pending"


def _round(hours: float | None) -> float | None:
    return None if hours is None else round(float(hours), 2)
