"""A callback's life (issue 24): an open callback books and is done; one done or cancelled
moves no more; a booked time lies ahead; a sales head's answer names who and, for a "no", why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskui.domain.callback_life import (
    CallbackMove,
    CallbackRefusal,
    CallbackState,
    CallbackTransition,
    booking_refusal,
    moved_to,
    next_state,
    sales_answer_refusal,
)
from deskui.domain.model import CallbackStatus

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DONE = CallbackRefusal("callbacks.error.already_done")


def test_an_open_callback_moves_and_a_done_one_does_not() -> None:
    pending = CallbackState(CallbackStatus.PENDING)
    booked = CallbackState(CallbackStatus.BOOKED)
    assert next_state(pending, CallbackMove.BOOKED) == CallbackTransition(CallbackStatus.BOOKED)
    assert next_state(booked, CallbackMove.DONE) == CallbackTransition(CallbackStatus.DONE, True)
    assert next_state(booked, CallbackMove.SALES_ANSWERED) == CallbackTransition(
        CallbackStatus.BOOKED
    )
    assert moved_to(CallbackMove.DONE) == CallbackTransition(CallbackStatus.DONE, True)
    for closed in (
        CallbackState(CallbackStatus.DONE, done=True),
        CallbackState(CallbackStatus.CANCELLED),
        CallbackState(CallbackStatus.PENDING, done=True),  # a done time is done, whatever
    ):
        for move in CallbackMove:
            assert next_state(closed, move) == DONE


def test_a_booked_time_lies_ahead() -> None:
    assert booking_refusal(NOW, NOW) == CallbackRefusal("callbacks.error.booked_past")
    assert booking_refusal(NOW + timedelta(minutes=1), NOW) is None


def test_a_sales_heads_answer_names_who_and_a_no_says_why() -> None:
    later = NOW + timedelta(days=1)
    assert sales_answer_refusal(" ", True, "", None, NOW) == CallbackRefusal(
        "callbacks.error.sales_head_required"
    )
    assert sales_answer_refusal("赵磊", False, " ", None, NOW) == CallbackRefusal(
        "callbacks.error.declined_needs_note"
    )
    assert sales_answer_refusal("赵磊", False, "续约", NOW, NOW) == CallbackRefusal(
        "callbacks.error.booked_past"
    )
    assert sales_answer_refusal("赵磊", True, "", later, NOW) == CallbackRefusal(
        "callbacks.error.required"
    )
    assert sales_answer_refusal("赵磊", False, "续约", later, NOW) is None
    assert sales_answer_refusal("赵磊", True, "", None, NOW) is None
