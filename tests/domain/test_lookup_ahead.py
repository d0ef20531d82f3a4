"""The next keystroke's lookups, answered between keys (deskui/domain/lookup_ahead.py)."""

from __future__ import annotations

from deskui.domain.lookup_ahead import MAX_AGE, LookupAhead
from deskui.domain.search import LOOK_AHEAD_DIGITS, LookupKind, classify, next_keystrokes


class Monotonic:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_a_number_being_typed_has_ten_possible_next_values() -> None:
    typed = "1381234567"
    assert next_keystrokes(typed, classify(typed).kind) == tuple(
        typed + digit for digit in "0123456789"
    )


def test_separators_as_typed_are_kept_in_the_next_values() -> None:
    typed = "010-8888 666"
    assert next_keystrokes(typed, classify(typed).kind)[6] == "010-8888 6666"


def test_too_few_digits_and_names_have_no_next_values() -> None:
    short = "1" * (LOOK_AHEAD_DIGITS - 1)
    assert next_keystrokes(short, classify(short).kind) == ()
    assert next_keystrokes(short + "1", classify(short + "1").kind) != ()
    assert classify("华强电子3").kind is LookupKind.NAME
    assert next_keystrokes("华强电子123", LookupKind.NAME) == ()


def test_planned_values_wait_in_order_until_answered() -> None:
    ahead: LookupAhead[str] = LookupAhead(monotonic=Monotonic())
    ahead.plan(["1230", "1231", "1232"])
    assert ahead.waiting == 3
    assert ahead.next_value() == "1230"
    ahead.keep("1230", "answer 0")
    assert ahead.next_value() == "1231"
    assert ahead.next_value() == "1232"
    assert ahead.next_value() is None
    assert ahead.take("1230") == "answer 0"
    assert ahead.take("1231") is None  # asked for, never answered


def test_an_answer_is_only_for_exactly_its_value() -> None:
    ahead: LookupAhead[str] = LookupAhead(monotonic=Monotonic())
    ahead.plan(["13812345678"])
    ahead.keep("13812345678", "card")
    assert ahead.take("1381234567") is None
    assert ahead.take("13812345678 ") is None
    assert ahead.take("13812345678") == "card"


def test_a_new_plan_keeps_the_answers_it_still_needs_and_drops_the_rest() -> None:
    ahead: LookupAhead[str] = LookupAhead(monotonic=Monotonic())
    ahead.plan(["10", "11"])
    ahead.keep("10", "ten")
    ahead.keep("11", "eleven")
    ahead.plan(["11", "12"])
    assert ahead.take("10") is None
    assert ahead.take("11") == "eleven"
    assert ahead.next_value() == "12"  # "11" has its answer: it does not wait again
    assert ahead.next_value() is None


def test_answers_go_stale_after_max_age() -> None:
    clock = Monotonic()
    ahead: LookupAhead[str] = LookupAhead(monotonic=clock)
    ahead.plan(["5678"])
    ahead.keep("5678", "found")
    clock.now += MAX_AGE
    assert ahead.take("5678") == "found"
    clock.now += 0.01
    assert ahead.take("5678") is None
    ahead.plan(["5678"])  # planned again: the stale answer is dropped and waits anew
    assert ahead.next_value() == "5678"


def test_forget_drops_answers_and_waiting_values() -> None:
    ahead: LookupAhead[str] = LookupAhead(monotonic=Monotonic())
    ahead.plan(["1", "2"])
    ahead.keep("1", "one")
    ahead.forget()
    assert ahead.take("1") is None
    assert ahead.waiting == 0
    assert ahead.next_value() is None
