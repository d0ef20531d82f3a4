"""Order follow-up, parcel chasing, unpaid orders and returns (seed 004): functions of
(facts, now). Times are aware; day boundaries are the site's local days."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.field_problem import FieldProblem

CUTOFF = time(16, 0)
"""Orders paid between 16:00 two days ago and 16:00 yesterday (seed 004 in-sales 1)."""
PROBLEM_MESSAGE_WINDOW = timedelta(days=2)
"""A problem parcel gets a message within 2 days, then courier or customer is contacted
(seed 004 in-sales 2)."""
NO_TRACKING_LIMIT = timedelta(days=2)
"""No tracking update for two days or more means a chase (seed 004 in-sales 3)."""
CHINA_POST_NAMES = ("邮政", "china post", "chinapost", "ems")
"""China Post is excepted from chasing (seed 004 in-sales 3: 除邮政外)."""
MAX_FIELD = limit(FieldKind.SHORT_TEXT)


class OrderStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    SHIPPED = "shipped"
    RECEIVED = "received"
    VOID = "void"  # refunded before shipping (seed 004 in-sales 5)
    CLOSED = "closed"  # an unpaid order given up, with its reason (seed 004 pre-sales 6)


class ParcelProblem(StrEnum):
    """Problem parcels (seed 004 in-sales 2)."""

    WRONG_CONTACT = "wrong_contact"
    REFUSED = "refused"
    SELF_PICKUP = "self_pickup"


class ProblemAction(StrEnum):
    MESSAGE = "message"  # within 2 days: leave the customer a message
    CONTACT = "contact"  # after 2 days: contact the courier or the customer


class ReturnStep(StrEnum):
    """seed 004 after-sales 6: 协商 → 退换货 → 退差价, never skipping the negotiation."""

    NEGOTIATE = "negotiate"
    RETURN = "return"
    EXCHANGE = "exchange"
    REFUND_DIFFERENCE = "refund_difference"


@dataclass(frozen=True, slots=True)
class OrderFacts:
    number: str
    shop: str
    customer: str = ""
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    courier: str = ""
    tracking_number: str = ""
    last_tracking_at: datetime | None = None
    received_at: datetime | None = None
    problem: ParcelProblem | None = None
    problem_at: datetime | None = None
    status: OrderStatus = OrderStatus.UNPAID


def unshipped_window(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[16:00 two days ago, 16:00 yesterday) in local time, as UTC instants."""
    today = _local_day(now, tz)
    start = datetime.combine(today - timedelta(days=2), CUTOFF, tzinfo=tz)
    end = datetime.combine(today - timedelta(days=1), CUTOFF, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def unshipped_in_window(order: OrderFacts, now: datetime, tz: ZoneInfo) -> bool:
    """On this morning's list: paid in the window and still not shipped (seed 004 in-sales 1)."""
    if order.paid_at is None or order.shipped_at is not None:
        return False
    if order.status in (OrderStatus.VOID, OrderStatus.CLOSED):
        return False
    start, end = unshipped_window(now, tz)
    return start <= _utc(order.paid_at) < end


def is_china_post(courier: str) -> bool:
    folded = courier.casefold()
    return any(name in folded for name in CHINA_POST_NAMES)


def needs_chase(order: OrderFacts, now: datetime) -> bool:
    """Shipped, not received, no tracking update for 2 days or more, not China Post."""
    if order.shipped_at is None or order.received_at is not None:
        return False
    if order.status in (OrderStatus.VOID, OrderStatus.RECEIVED):
        return False
    if is_china_post(order.courier):
        return False
    last = order.last_tracking_at or order.shipped_at
    return _utc(now) - _utc(last) >= NO_TRACKING_LIMIT


def problem_action(order: OrderFacts, now: datetime) -> ProblemAction | None:
    """What a problem parcel needs now (seed 004 in-sales 2)."""
    if order.problem is None or order.problem_at is None or order.received_at is not None:
        return None
    if _utc(now) - _utc(order.problem_at) < PROBLEM_MESSAGE_WINDOW:
        return ProblemAction.MESSAGE
    return ProblemAction.CONTACT


def unpaid_follow_up_due(
    order: OrderFacts, last_follow_up_at: datetime | None, now: datetime, tz: ZoneInfo
) -> bool:
    """Unpaid orders are followed up once a (local) day (seed 004 pre-sales 7)."""
    if order.status is not OrderStatus.UNPAID:
        return False
    if last_follow_up_at is None:
        return True
    return _local_day(last_follow_up_at, tz) < _local_day(now, tz)


def check_close_unpaid(reason: str) -> str | None:
    """An unpaid order is closed only with its reason (seed 004 pre-sales 6)."""
    return None if reason.strip() else "orders.error.reason_required"


def check_void(order: OrderFacts, confirmed: bool) -> str | None:
    """A refund before shipping: paid, not shipped, confirmed with the customer."""
    if order.status in (OrderStatus.VOID, OrderStatus.CLOSED):
        return "orders.error.already_void"
    if order.paid_at is None:
        return "orders.error.not_paid"
    if order.shipped_at is not None:
        return "orders.error.already_shipped"
    if not confirmed:
        return "orders.error.not_confirmed"
    return None


def void_notice(number: str, shop: str) -> tuple[str, str]:
    """The notice posted to the warehouse group: order number + shop + void (seed 004 in-sales
    5). The screen formats it with the catalog."""
    return number.strip(), shop.strip()


def next_return_steps(done: Sequence[ReturnStep]) -> tuple[ReturnStep, ...]:
    """Steps allowed after `done`: negotiation first, then return or exchange, then the
    refund of the difference (seed 004 after-sales 6)."""
    if ReturnStep.NEGOTIATE not in done:
        return (ReturnStep.NEGOTIATE,)
    if ReturnStep.RETURN not in done and ReturnStep.EXCHANGE not in done:
        return (ReturnStep.RETURN, ReturnStep.EXCHANGE)
    if ReturnStep.REFUND_DIFFERENCE not in done:
        return (ReturnStep.REFUND_DIFFERENCE,)
    return ()


def check_return_step(done: Sequence[ReturnStep], step: ReturnStep, agreed: str) -> str | None:
    """Why `step` may not be recorded now, as a catalog key, or None."""
    if step not in next_return_steps(done):
        if ReturnStep.NEGOTIATE not in done:
            return "orders.error.negotiate_first"
        return "orders.error.step_out_of_order"
    if not agreed.strip():
        return "orders.error.agreed_required"
    return None


def check_order(fields: Mapping[str, str], tz: ZoneInfo) -> list[FieldProblem]:
    """Checks on a hand-entered or imported order; each problem names its field."""
    problems: list[FieldProblem] = []
    for name in ("number", "shop"):
        value = fields.get(name, "").strip()
        if not value:
            problems.append(FieldProblem(name, "orders.error.required"))
        elif len(value) > MAX_FIELD:
            problems.append(FieldProblem(name, "orders.error.too_long", (("max", MAX_FIELD),)))
    times: dict[str, datetime | None] = {}
    for name in ("paid_at", "shipped_at", "last_tracking_at"):
        text = fields.get(name, "").strip()
        try:
            times[name] = parse_local(text, tz) if text else None
        except ValueError:
            problems.append(FieldProblem(name, "orders.error.bad_time"))
    paid, shipped = times.get("paid_at"), times.get("shipped_at")
    if shipped is not None and paid is None and "paid_at" in times:
        problems.append(FieldProblem("paid_at", "orders.error.shipped_unpaid"))
    if shipped is not None and paid is not None and shipped < paid:
        problems.append(FieldProblem("shipped_at", "orders.error.shipped_before_paid"))
    problem = fields.get("problem", "").strip()
    if problem and problem not in {p.value for p in ParcelProblem}:
        problems.append(FieldProblem("problem", "orders.error.bad_problem"))
    return problems


def parse_local(text: str, tz: ZoneInfo) -> datetime:
    """`2026-11-23 09:30`, `2026-11-23T09:30` or `2026/11/23 9:30` in local time, or with an
    offset; returns UTC."""
    cleaned = text.strip().replace("/", "-").replace("T", " ")
    parsed = datetime.fromisoformat(cleaned)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def status_of(order: OrderFacts) -> OrderStatus:
    """The status implied by the order's times when it was entered or imported."""
    if order.status in (OrderStatus.VOID, OrderStatus.CLOSED):
        return order.status
    if order.received_at is not None:
        return OrderStatus.RECEIVED
    if order.shipped_at is not None:
        return OrderStatus.SHIPPED
    if order.paid_at is not None:
        return OrderStatus.PAID
    return OrderStatus.UNPAID


def _local_day(instant: datetime, tz: ZoneInfo) -> date:
    return _utc(instant).astimezone(tz).date()


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("order rules need timezone-aware instants")
    return instant.astimezone(UTC)
