"""Callbacks (回访, seed 000:2): opening the queue, calling one customer through the purpose's
script, the sales head's confirmation, booking a time, planning the period's callbacks, a
lead's reassigning and promotion periods; and the queue's lists as read queries."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from deskui.data.callback_store import (
    BookingDoubted,
    BookingRefused,
    CallbackDetail,
    CallbackError,
    CallbackResult,
    CallbackRow,
    CallbackScope,
    CoverageRow,
    PromotionRow,
    coverage_period,
    coverage_spans,
    number_named,
)
from deskui.data.history import HistoryEntry
from deskui.data.records import AgentRecord
from deskui.data.relations_store import ContactChoice
from deskui.domain.accounts import masked_number, sees_personal
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.callback_life import (
    CallbackMove,
    CallbackRefusal,
    CallbackState,
    CallbackTransition,
    booking_refusal,
    next_state,
    sales_answer_refusal,
)
from deskui.domain.callbacks import (
    BOOKING_FIELD,
    CallbackRules,
    CoverageShare,
    booking_doubts,
    callback_script,
    check_booking,
    promotion_name_problem,
    promotion_problems,
)
from deskui.domain.clock import site_zone
from deskui.domain.conduct import flagged_phrases, packaged_conduct
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.model import CallbackWay
from deskui.domain.permissions import Action
from deskui.domain.refusal import refuse_problems
from deskui.domain.script_walk import walk_answers
from deskui.scripts import load_script
from deskui.services.actor import Actor, require
from deskui.services.standing import refuse_unless_yours

if TYPE_CHECKING:
    from datetime import date

    from deskui.data.unit_of_work import UnitOfWork

SCRIPT_LOCALES = ("zh-CN", "en")
"""The locales the call scripts and the rules of conduct are packaged in."""

__all__ = [
    "AddPromotion",
    "AgentRecord",
    "BookCallback",
    "CallbackDetail",
    "CallbackPage",
    "CallbackResult",
    "CallbackRow",
    "CallbackScope",
    "CallbacksGenerated",
    "ContactChoice",
    "CoverageQuery",
    "CoverageRow",
    "CoverageShare",
    "GenerateCallbacks",
    "ListPage",
    "OpenCallback",
    "OpenQueue",
    "PromotionRow",
    "QueueOpened",
    "ReassignCallback",
    "RecordCallback",
    "RecordSalesConfirmation",
    "add_promotion",
    "book_callback",
    "callback_count",
    "callback_page",
    "coverage_count",
    "coverage_page",
    "coverage_period",
    "coverage_shares",
    "generate_callbacks",
    "open_callback",
    "open_queue",
    "promotion_count",
    "promotion_page",
    "reassign_callback",
    "reassign_choices",
    "record_callback",
    "record_sales_confirmation",
]


def _refuse(refusal: CallbackRefusal | None) -> None:
    """Raise the callback's life's refusal (the screens say its key), if there is one."""
    if refusal is not None:
        raise CallbackError(refusal.key)


def _decided(state: CallbackState, move: CallbackMove) -> CallbackTransition:
    """The callback's life's decision for `move`, or `CallbackError` with its reason."""
    decided = next_state(state, move)
    if isinstance(decided, CallbackRefusal):
        raise CallbackError(decided.key)
    return decided


def _refuse_out_of_hours(
    uow: UnitOfWork,
    callback_id: int,
    at: datetime,
    now: datetime,
    calendar: BusinessCalendar | None,
    doubts_seen: bool = False,
) -> None:
    """Refuse (`BookingRefused`, with the next allowed slot and why) a time the customer may
    not be called at: their rest time, a holiday, outside their calling hours (seed
    000:2.5.2.1); then (`BookingDoubted`) a time far out or in a year the calendar does not
    know, unless the agent has seen that (`doubts_seen`). No calendar: the site's stored one."""
    if calendar is None:
        calendar = BusinessCalendar(uow.calendar.calendar_overrides())
    hours = uow.callbacks.calling_hours(callback_id)
    placement = check_booking(at, now, hours, calendar, uow.rules.callbacks.rest_hours)
    if placement.moved:
        raise BookingRefused(placement)
    if not doubts_seen and (doubts := booking_doubts(at, now, calendar)):
        raise BookingDoubted(doubts, at)  # kept once the agent has seen why (issue 26)


def _require_scope(actor: Actor, scope: CallbackScope) -> None:
    """One's own queue and the shared queue are every agent's; anyone else's or everyone's
    is the team view's (a lead's 'all')."""
    if scope.shared or (scope.agent_id is not None and scope.agent_id == actor.id):
        require(actor, Action.WORK_OWN)
    else:
        require(actor, Action.SEE_TEAM)


# -- the queue's lists (read queries, no commit) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class ListPage:
    """A window of a list: `limit` rows from `offset` (the virtual list asks page by page)."""

    offset: int = 0
    limit: int = 0


@dataclass(frozen=True, slots=True)
class CallbackPage:
    """A window of one queue: the agent's own, the shared queue, or everyone's."""

    scope: CallbackScope
    offset: int = 0
    limit: int = 0
    rules: CallbackRules | None = None
    """The calling rules the desk shows the confirmation marks by; None: the stored ones."""


def callback_count(uow: UnitOfWork, actor: Actor, scope: CallbackScope, now: datetime) -> int:
    """How many open callbacks the queue holds."""
    _require_scope(actor, scope)
    return uow.callbacks.callback_count(scope)


def callback_page(
    uow: UnitOfWork, actor: Actor, page: CallbackPage, now: datetime
) -> list[CallbackRow]:
    """Open callbacks of the queue by due time, one window."""
    _require_scope(actor, page.scope)
    rows = uow.callbacks.callback_rows(page.scope, page.offset, page.limit, page.rules)
    if sees_personal(actor.role, uow.rules.masked_roles):
        return rows
    return [replace(r, customer_name=_masked_name(r.number)) if r.number else r for r in rows]


def _masked_name(number: str) -> str:
    """A callback named by its number (no customer), masked for a role the site masks."""
    return number_named(masked_number(number) or "")


@dataclass(frozen=True, slots=True)
class CoverageQuery:
    """Customers with no callback between `start` and `end` (the coverage period, UTC)."""

    start: datetime
    end: datetime
    offset: int = 0
    limit: int = 0


def coverage_count(uow: UnitOfWork, actor: Actor, query: CoverageQuery, now: datetime) -> int:
    require(actor, Action.WORK_OWN)
    return uow.callbacks.uncovered_count(query.start, query.end)


def coverage_page(
    uow: UnitOfWork, actor: Actor, query: CoverageQuery, now: datetime
) -> list[CoverageRow]:
    require(actor, Action.WORK_OWN)
    return uow.callbacks.uncovered_rows(query.start, query.end, query.offset, query.limit)


def promotion_count(uow: UnitOfWork, actor: Actor, page: ListPage, now: datetime) -> int:
    require(actor, Action.WORK_OWN)
    return uow.callbacks.promotion_count()


def promotion_page(
    uow: UnitOfWork, actor: Actor, page: ListPage, now: datetime
) -> list[PromotionRow]:
    """Promotion periods, the latest first."""
    require(actor, Action.WORK_OWN)
    return uow.callbacks.promotion_rows(page.offset, page.limit)


def coverage_shares(
    uow: UnitOfWork, actor: Actor, calendar: BusinessCalendar, now: datetime
) -> dict[str, CoverageShare]:
    """Customers called back this week and this quarter (seed 000:2.5.2.1), by span name."""
    require(actor, Action.WORK_OWN)
    spans = coverage_spans(now, calendar)
    return {name: uow.callbacks.coverage_share(*span) for name, span in spans.items()}


# -- opening the queue ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenQueue:
    """The agent opens the callback queue; `site_timezone` says where today ends."""

    site_timezone: str


@dataclass(frozen=True, slots=True)
class QueueOpened:
    unseen: int
    """The agent's (and the shared queue's) callbacks due by the end of today nobody opened."""
    shared: list[int]
    """Personal callbacks overdue by the site's minutes, moved to the shared queue just now."""


def open_queue(uow: UnitOfWork, actor: Actor, command: OpenQueue, now: datetime) -> QueueOpened:
    """Share the overdue personal callbacks, count what the agent has seen as seen (the desk's
    notice clears until more fall due), commit; then count the unseen ones due today."""
    require(actor, Action.WORK_OWN)
    zone = site_zone(command.site_timezone)
    end_of_day = datetime.combine(
        now.astimezone(zone).date() + timedelta(days=1), time(0), tzinfo=zone
    ).astimezone(UTC)
    shared = uow.callbacks.share_overdue(now)
    uow.callbacks.mark_callbacks_seen(actor.id, now)
    uow.commit()
    return QueueOpened(uow.callbacks.unseen_due_count(actor.id, end_of_day), shared)


# -- planning the period's callbacks (seed 000:2.5.2.1: 100% of customers) -------------------


@dataclass(frozen=True, slots=True)
class GenerateCallbacks:
    """Plan the routine callbacks of the period and the special occasions ahead."""

    calendar: BusinessCalendar


@dataclass(frozen=True, slots=True)
class CallbacksGenerated:
    routine: int
    occasions: int


def generate_callbacks(
    uow: UnitOfWork, actor: Actor, command: GenerateCallbacks, now: datetime
) -> CallbacksGenerated:
    """Routine callbacks for every customer not yet covered, then the occasions; one commit."""
    require(actor, Action.WORK_OWN)
    routine = uow.callbacks.generate_routine(now, command.calendar)
    occasions = uow.callbacks.generate_occasions(now, command.calendar)
    uow.commit()
    return CallbacksGenerated(routine, occasions)


# -- the callback's history (issue 16) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallbackHistory:
    callback_id: int


def callback_history(
    uow: UnitOfWork, actor: Actor, query: CallbackHistory, now: datetime
) -> list[HistoryEntry]:
    """Every change to the callback, newest first: who, when, old -> new."""
    require(actor, Action.WORK_OWN)
    return uow.callbacks.callback_history(query.callback_id)


# -- a lead reassigns ----------------------------------------------------------------------


def reassign_choices(
    uow: UnitOfWork, actor: Actor, page: ListPage, now: datetime
) -> list[AgentRecord]:
    """The active agents a lead may give a callback to."""
    require(actor, Action.REASSIGN)
    return uow.agents.agents()


@dataclass(frozen=True, slots=True)
class ReassignCallback:
    """A lead gives a callback to another agent; it becomes personal again."""

    callback_id: int
    agent_id: int
    expected_version: int
    """The version the lead's list showed (issue 16)."""


def reassign_callback(
    uow: UnitOfWork, actor: Actor, command: ReassignCallback, now: datetime
) -> None:
    """Raises `Conflict` when another desk changed the callback since the list showed it,
    `CallbackError` for one already done (the callback's life)."""
    require(actor, Action.REASSIGN)
    _decided(
        uow.callbacks.callback_life(command.callback_id, command.expected_version),
        CallbackMove.REASSIGNED,
    )
    before, after = uow.callbacks.reassign_callback(
        command.callback_id, command.agent_id, actor.id, now, command.expected_version
    )
    subject = f"callback {command.callback_id}"
    uow.audit.reassigned(now, actor.id, actor.name, subject, before, after)
    uow.commit()


# -- promotion periods (促销活动期, seed 000:2.5.1.2) ------------------------------------------


@dataclass(frozen=True, slots=True)
class AddPromotion:
    """A lead records a promotion period; generation plans a callback ahead of its start."""

    name: str
    starts_on: date | None
    ends_on: date | None


def add_promotion(uow: UnitOfWork, actor: Actor, command: AddPromotion, now: datetime) -> int:
    """The new promotion's id. Raises `CallbackError` for a promotion without its name or
    dates, or ending before it starts (domain/callbacks.promotion_problems), or a name too
    long or driving a terminal (promotion_name_problem), nothing saved; audited."""
    require(actor, Action.RECORD_PROMOTION)
    problems = promotion_problems(command.name, command.starts_on, command.ends_on)
    if problems or command.starts_on is None or command.ends_on is None:
        raise CallbackError(f"callbacks.promotion.error.{problems[0]}")
    named = promotion_name_problem(command.name)
    if named is not None:
        raise CallbackError(named.key, named.values, [named])
    promotion_id = uow.callbacks.add_promotion(
        command.name, command.starts_on, command.ends_on, actor.id, now
    )
    # every customer's special-occasion callback is planned ahead of it: a lead's, audited
    uow.audit.write(
        now,
        "promotion_added",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=f"promotion {promotion_id}",
        detail={
            "first_day": command.starts_on.isoformat(),
            "last_day": command.ends_on.isoformat(),
        },
    )
    uow.commit()
    return promotion_id


# -- one callback's call ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenCallback:
    """The agent opens a callback's call: what the screen shows, and, the first time, an
    `opened` event (it clears the queue's unseen count)."""

    callback_id: int
    mark_opened: bool = True
    rules: CallbackRules | None = None
    """The calling rules the desk runs by; None: the stored ones."""


def open_callback(
    uow: UnitOfWork, actor: Actor, command: OpenCallback, now: datetime
) -> CallbackDetail:
    require(actor, Action.WORK_OWN)
    detail = uow.callbacks.callback_detail(command.callback_id, command.rules)
    if not sees_personal(actor.role, uow.rules.masked_roles):  # the number as the role sees it
        detail = replace(detail, phone=masked_number(detail.phone) or "")
        if detail.number:
            detail = replace(detail, customer_name=_masked_name(detail.number))
    if command.mark_opened:
        uow.callbacks.mark_callback_opened(command.callback_id, actor.id, now)
        uow.commit()
    return detail


@dataclass(frozen=True, slots=True)
class RecordSalesConfirmation:
    """The sales head's answer before the call (seed 000:2.5.2.1): a "no" needs its reason
    and may postpone the callback to a time the customer may be called at."""

    callback_id: int
    sales_head: str
    confirmed: bool
    expected_version: int
    """The version the call screen loaded (issue 16)."""
    note: str = ""
    postpone_to: datetime | None = None
    calendar: BusinessCalendar | None = None
    doubts_seen: bool = False
    """The agent was told the postponement is far out or in a year the calendar does not
    know, and keeps it (issue 26)."""


def record_sales_confirmation(
    uow: UnitOfWork, actor: Actor, command: RecordSalesConfirmation, now: datetime
) -> None:
    """Raises `BookingRefused` (with the next allowed slot) for a postponement into rest time,
    `Conflict` when another desk saved the callback since the screen loaded it."""
    require(actor, Action.WORK_OWN)
    # issue 23: not moved away from her (one already done is the callback's life's refusal)
    refuse_unless_yours(
        uow, actor, "callback", command.callback_id, closed_too=False, once_theirs=True
    )
    _refuse(
        sales_answer_refusal(
            command.sales_head, command.confirmed, command.note, command.postpone_to, now
        )
    )
    _decided(
        uow.callbacks.callback_life(command.callback_id, command.expected_version),
        CallbackMove.SALES_ANSWERED,
    )
    if command.postpone_to is not None:
        _refuse_out_of_hours(
            uow,
            command.callback_id,
            command.postpone_to,
            now,
            command.calendar,
            command.doubts_seen,
        )
    uow.callbacks.record_sales_confirmation(
        command.callback_id,
        actor.id,
        now,
        sales_head=command.sales_head,
        confirmed=command.confirmed,
        note=command.note,
        postpone_to=command.postpone_to,
        expected_version=command.expected_version,
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class BookCallback:
    """The customer is busy and gave a time: the callback and its countdown move there."""

    callback_id: int
    booked_at: datetime
    expected_version: int
    """The version the call screen loaded (issue 16)."""
    answers: dict[str, object] = field(default_factory=dict)
    notes: str = ""
    calendar: BusinessCalendar | None = None
    doubts_seen: bool = False
    """The agent was told the time is far out or in a year the calendar does not know, and
    keeps it (issue 26)."""


def book_callback(uow: UnitOfWork, actor: Actor, command: BookCallback, now: datetime) -> None:
    """Raises `BookingRefused` for the customer's rest time or outside the calling hours,
    `Conflict` when another desk saved the callback since the screen loaded it."""
    require(actor, Action.WORK_OWN)
    # issue 23: not moved away from her (one already done is the callback's life's refusal)
    refuse_unless_yours(
        uow, actor, "callback", command.callback_id, closed_too=False, once_theirs=True
    )
    _refuse(booking_refusal(command.booked_at, now))
    _decided(
        uow.callbacks.callback_life(command.callback_id, command.expected_version),
        CallbackMove.BOOKED,
    )
    _refuse_out_of_hours(
        uow, command.callback_id, command.booked_at, now, command.calendar, command.doubts_seen
    )
    uow.callbacks.book_callback(
        command.callback_id,
        actor.id,
        command.booked_at,
        now,
        command.answers,
        command.notes,
        expected_version=command.expected_version,
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class RecordCallback:
    """The callback is done: the script's answers, the notes and the way it was made."""

    callback_id: int
    answers: dict[str, object]
    expected_version: int
    """The version the call screen loaded (issue 16)."""
    notes: str = ""
    way: str | None = None
    locale: str = "zh-CN"
    """The language of the script the agent read, whose rules of conduct the notes keep."""


def _check_result(command: RecordCallback, state: tuple[str, bool]) -> None:
    """Refuse (`Invalid`) a result the call's script does not reach: the answers replayed
    from the script's start must carry it to a final step that is no booking, every
    required field filled on the way (seed 000:2.3); the notes within their limit and the
    rules of conduct (seed 000:3.2.1.2). A done callback is the callback's life's to refuse."""
    purpose, still_open = state
    if not still_open:
        return
    locale = command.locale if command.locale in SCRIPT_LOCALES else "zh-CN"
    script = load_script(callback_script(purpose), locale)
    end, problems = walk_answers(script, command.answers)
    if not problems and BOOKING_FIELD in end.requires:
        problems = [FieldProblem(BOOKING_FIELD, "callbacks.error.result_is_booking")]
    if command.way is not None and command.way not in set(CallbackWay):
        problems.append(FieldProblem("way", "callbacks.error.required"))
    notes, most = command.notes, limit(FieldKind.NOTE)
    if len(notes) > most:
        problems.append(
            FieldProblem("notes", "field.too_long", (("limit", most), ("length", len(notes))))
        )
    elif flagged := flagged_phrases(packaged_conduct(locale), notes):
        problems.append(
            FieldProblem("notes", "callbacks.error.conduct", (("phrases", "、".join(flagged)),))
        )
    refuse_problems(problems)


def record_callback(
    uow: UnitOfWork, actor: Actor, command: RecordCallback, now: datetime
) -> CallbackResult:
    """The outcome; an unsatisfied customer gets a follow-up ticket owned by the agent.
    Raises `Conflict` when another desk saved the callback since the screen loaded it,
    `Invalid` for a result its script does not reach."""
    require(actor, Action.WORK_OWN)
    state = uow.callbacks.callback_state(command.callback_id)
    if state is None:
        raise CallbackError("callbacks.error.missing")
    # issue 23: not moved away from her (one already done is the callback's life's refusal)
    refuse_unless_yours(
        uow, actor, "callback", command.callback_id, closed_too=False, once_theirs=True
    )
    _check_result(command, state)
    _decided(
        uow.callbacks.callback_life(command.callback_id, command.expected_version),
        CallbackMove.DONE,
    )
    result = uow.callbacks.record_callback(
        command.callback_id,
        actor.id,
        now,
        command.answers,
        command.notes,
        command.way,
        expected_version=command.expected_version,
    )
    uow.commit()
    return result
