"""Order follow-up rules (seed 004 in-sales 1-5, pre-sales 6-7, after-sales 6), explicit dates."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.orders import (
    OrderFacts,
    OrderStatus,
    ParcelProblem,
    ProblemAction,
    ReturnStep,
    check_close_unpaid,
    check_order,
    check_return_step,
    check_void,
    is_china_post,
    needs_chase,
    next_return_steps,
    parse_local,
    problem_action,
    unpaid_follow_up_due,
    unshipped_in_window,
    unshipped_window,
)

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def paid(when: datetime, **more: object) -> OrderFacts:
    return OrderFacts("T1", "旗舰店", paid_at=when, status=OrderStatus.PAID, **more)  # type: ignore[arg-type]


def test_window_is_16_two_days_ago_to_16_yesterday_local() -> None:
    start, end = unshipped_window(at(23, 9), SH)
    assert start == at(21, 16).astimezone(UTC)
    assert end == at(22, 16).astimezone(UTC)


def test_window_after_midnight_local_uses_the_local_day() -> None:
    # 00:30 Shanghai on the 24th is still the 23rd in UTC: the local day counts
    start, _ = unshipped_window(at(24, 0, 30), SH)
    assert start == at(22, 16).astimezone(UTC)


@pytest.mark.parametrize(
    ("paid_at", "listed"),
    [
        (at(21, 15, 59), False),  # before the window
        (at(21, 16), True),  # the window's first minute
        (at(22, 15, 59), True),
        (at(22, 16), False),  # yesterday 16:00 belongs to tomorrow's list
    ],
)
def test_unshipped_window_edges(paid_at: datetime, listed: bool) -> None:
    assert unshipped_in_window(paid(paid_at), at(23, 9), SH) is listed


def test_shipped_or_void_orders_are_not_on_the_morning_list() -> None:
    assert not unshipped_in_window(paid(at(22, 10), shipped_at=at(22, 18)), at(23, 9), SH)
    void = OrderFacts("T2", "店", paid_at=at(22, 10), status=OrderStatus.VOID)
    assert not unshipped_in_window(void, at(23, 9), SH)


def test_window_across_golden_week() -> None:
    start, end = unshipped_window(at(2, 9, month=10), SH)
    assert (start, end) == (
        at(30, 16, month=9).astimezone(UTC),
        at(1, 16, month=10).astimezone(UTC),
    )


def shipped(courier: str, last: datetime | None, **more: object) -> OrderFacts:
    return OrderFacts(
        "T3", "店", paid_at=at(18, 10), shipped_at=at(19, 10), courier=courier,
        last_tracking_at=last, status=OrderStatus.SHIPPED, **more,  # type: ignore[arg-type]
    )  # fmt: skip


def test_two_days_without_tracking_is_a_chase() -> None:
    assert needs_chase(shipped("顺丰速运", at(21, 9)), at(23, 9))
    assert not needs_chase(shipped("顺丰速运", at(21, 9, 1)), at(23, 9))


def test_china_post_is_never_chased() -> None:
    assert is_china_post("中国邮政") and is_china_post("EMS") and is_china_post("China Post")
    assert not needs_chase(shipped("中国邮政", at(10, 9)), at(23, 9))
    assert not is_china_post("圆通")


def test_no_tracking_at_all_counts_from_shipping() -> None:
    assert needs_chase(shipped("中通", None), at(21, 10))
    assert not needs_chase(shipped("中通", None), at(21, 9))


def test_received_parcels_are_not_chased() -> None:
    assert not needs_chase(shipped("中通", at(10, 9), received_at=at(20, 9)), at(23, 9))


def test_problem_parcel_message_then_contact() -> None:
    order = shipped("中通", at(22, 9), problem=ParcelProblem.REFUSED, problem_at=at(21, 9))
    assert problem_action(order, at(23, 8, 59)) is ProblemAction.MESSAGE
    assert problem_action(order, at(23, 9)) is ProblemAction.CONTACT
    assert problem_action(shipped("中通", at(22, 9)), at(23, 9)) is None


def test_unpaid_follow_up_once_a_local_day() -> None:
    order = OrderFacts("T4", "店")
    assert unpaid_follow_up_due(order, None, at(23, 9), SH)
    assert not unpaid_follow_up_due(order, at(23, 0, 5), at(23, 23, 50), SH)
    assert unpaid_follow_up_due(order, at(22, 23, 50), at(23, 0, 5), SH)
    assert not unpaid_follow_up_due(paid(at(22, 9)), None, at(23, 9), SH)


def test_closing_unpaid_needs_a_reason() -> None:
    assert check_close_unpaid("  ") == "orders.error.reason_required"
    assert check_close_unpaid("嫌贵") is None


def test_void_before_shipping_only_when_paid_unshipped_and_confirmed() -> None:
    assert check_void(paid(at(22, 9)), confirmed=True) is None
    assert check_void(paid(at(22, 9)), confirmed=False) == "orders.error.not_confirmed"
    assert check_void(shipped("中通", None), confirmed=True) == "orders.error.already_shipped"
    assert check_void(OrderFacts("T", "店"), confirmed=True) == "orders.error.not_paid"


def test_returns_cannot_skip_negotiation() -> None:
    assert next_return_steps([]) == (ReturnStep.NEGOTIATE,)
    assert check_return_step([], ReturnStep.REFUND_DIFFERENCE, "退 20 元") == (
        "orders.error.negotiate_first"
    )
    assert check_return_step([], ReturnStep.EXCHANGE, "换蓝色") == "orders.error.negotiate_first"
    assert check_return_step([], ReturnStep.NEGOTIATE, "") == "orders.error.agreed_required"
    done = [ReturnStep.NEGOTIATE]
    assert next_return_steps(done) == (ReturnStep.RETURN, ReturnStep.EXCHANGE)
    assert check_return_step(done, ReturnStep.REFUND_DIFFERENCE, "x") == (
        "orders.error.step_out_of_order"
    )
    done.append(ReturnStep.EXCHANGE)
    assert next_return_steps(done) == (ReturnStep.REFUND_DIFFERENCE,)
    done.append(ReturnStep.REFUND_DIFFERENCE)
    assert next_return_steps(done) == ()


def test_check_order_names_the_field() -> None:
    problems = check_order({"number": "", "shop": "店", "paid_at": "昨天"}, SH)
    assert [(p.field, p.key) for p in problems] == [
        ("number", "orders.error.required"),
        ("paid_at", "orders.error.bad_time"),
    ]
    problems = check_order(
        {
            "number": "1",
            "shop": "店",
            "paid_at": "2026-11-22 10:00",
            "shipped_at": "2026-11-21 10:00",
        },
        SH,
    )
    assert [p.key for p in problems] == ["orders.error.shipped_before_paid"]


def test_parse_local_takes_site_time_and_slashes() -> None:
    assert parse_local("2026/11/22 16:00", SH) == at(22, 16).astimezone(UTC)
    assert parse_local("2026-11-22T08:00+00:00", SH) == datetime(2026, 11, 22, 8, tzinfo=UTC)
