"""Callback rules added for issue 6's remainder: the sales head's confirmation (seed
000:2.5.2.1), due callbacks the agent has not seen, quarterly survey forms (seed 000:2.5.3)
and promotion periods as special occasions (seed 000:2.5.1.2). Dates given explicitly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.callbacks import (
    CallbackRules,
    Confirmation,
    OccasionFacts,
    Promotion,
    confirmation_state,
    may_start_script,
    needs_sales_confirmation,
    newly_due,
    plan_occasions,
    promotion_problems,
    survey_days_left,
    survey_late,
    survey_quarter,
)
from deskui.domain.model import CallbackPurpose

SH = ZoneInfo("Asia/Shanghai")
RULES = CallbackRules()
CAL = BusinessCalendar()


def at(y: int, mo: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


# -- the sales head's confirmation -------------------------------------------------------------


def test_confirmation_is_not_needed_by_default() -> None:
    assert not needs_sales_confirmation(False, CallbackPurpose.ROUTINE, RULES)
    assert RULES.confirm_purposes == frozenset()


def test_a_flagged_customer_needs_it_for_every_purpose() -> None:
    for purpose in CallbackPurpose:
        assert needs_sales_confirmation(True, purpose, RULES)


def test_a_site_may_ask_for_it_per_purpose() -> None:
    rules = CallbackRules(confirm_purposes=frozenset({"new_product", "special_occasion"}))
    assert needs_sales_confirmation(False, CallbackPurpose.NEW_PRODUCT, rules)
    assert needs_sales_confirmation(False, "special_occasion", rules)
    assert not needs_sales_confirmation(False, CallbackPurpose.ROUTINE, rules)


@pytest.mark.parametrize(
    ("flag", "confirmed", "state", "may_start"),
    [
        (False, None, Confirmation.NOT_NEEDED, True),
        (False, False, Confirmation.NOT_NEEDED, True),  # no longer asked for: not in the way
        (True, None, Confirmation.NEEDED, False),
        (True, True, Confirmation.CONFIRMED, True),
        (True, False, Confirmation.DECLINED, False),
    ],
)
def test_the_script_waits_until_the_sales_head_agrees(
    flag: bool, confirmed: bool | None, state: Confirmation, may_start: bool
) -> None:
    got = confirmation_state(flag, CallbackPurpose.ROUTINE, confirmed, RULES)
    assert got is state
    assert may_start_script(got) is may_start


# -- due callbacks the agent has not looked at ---------------------------------------------------


def test_a_callback_is_newly_due_once_it_falls_due_after_the_last_look() -> None:
    now = at(2026, 11, 23, 10)
    assert newly_due(at(2026, 11, 23, 9, 30), None, now)  # never opened the queue
    assert newly_due(at(2026, 11, 23, 9, 30), at(2026, 11, 23, 9), now)
    assert not newly_due(at(2026, 11, 23, 9, 30), at(2026, 11, 23, 9, 45), now)  # seen
    assert not newly_due(at(2026, 11, 23, 10, 30), None, now)  # not due yet


def test_newly_due_compares_instants_not_zones() -> None:
    due = at(2026, 11, 23, 9, 30)
    seen = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert newly_due(due, seen, due + timedelta(minutes=1))


# -- quarterly survey forms ----------------------------------------------------------------------


def test_survey_quarter_due_at_the_end_of_the_tenth() -> None:
    quarter = survey_quarter(at(2026, 11, 23), RULES)
    assert (quarter.year, quarter.quarter, quarter.label) == (2026, 4, "2026Q4")
    assert quarter.due_on == date(2026, 10, 10)
    assert quarter.due_at == at(2026, 10, 11, 0).astimezone(UTC)
    assert quarter.starts_at == at(2026, 10, 1, 0).astimezone(UTC)


def test_survey_quarter_in_spring_festival_and_golden_week() -> None:
    # Spring Festival 2027 falls in Q1 (6 February): the forms are still due on 10 January
    spring = survey_quarter(at(2027, 2, 7), RULES)
    assert (spring.quarter, spring.due_on) == (1, date(2027, 1, 10))
    # Golden Week covers 1-7 October: a site may move the day later
    golden = survey_quarter(at(2026, 10, 3), CallbackRules(survey_day=15))
    assert golden.due_on == date(2026, 10, 15)


def test_days_left_count_down_to_the_end_of_the_due_day() -> None:
    quarter = survey_quarter(at(2026, 10, 3), RULES)
    assert survey_days_left(at(2026, 10, 3), quarter) == 7  # 7d 15h, as the countdown says
    assert survey_days_left(at(2026, 10, 10, 9), quarter) == 0  # the due day itself
    assert not survey_late(at(2026, 10, 10, 23, 59), quarter)
    assert survey_late(at(2026, 10, 11, 9), quarter)
    assert survey_days_left(at(2026, 10, 11, 9), quarter) == 0  # late, under a day
    assert survey_days_left(at(2026, 11, 23), quarter) == -43  # 43d 09h late


def test_the_quarter_turns_at_local_midnight() -> None:
    # 31 December 17:00 UTC is already 1 January in Shanghai
    quarter = survey_quarter(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), RULES)
    assert (quarter.year, quarter.quarter) == (2027, 1)


# -- promotions as special occasions ----------------------------------------------------------


def test_promotion_problems() -> None:
    assert promotion_problems("双十二", date(2026, 12, 5), date(2026, 12, 12)) == []
    assert promotion_problems(" ", None, None) == ["name", "starts_on", "ends_on"]
    assert promotion_problems("x", date(2026, 12, 5), date(2026, 12, 1)) == ["ends_before_start"]


def test_a_promotion_ahead_is_called_before_it_starts() -> None:
    now = at(2026, 11, 23)
    facts = [OccasionFacts(1, 7, None), OccasionFacts(2, None, None)]
    promotion = Promotion(3, "双十二", date(2026, 12, 3), date(2026, 12, 12))
    planned = plan_occasions(facts, now, RULES, CAL, fallback_agent=9, promotions=[promotion])
    assert [(p.customer_id, p.agent_id, p.occasion) for p in planned] == [
        (1, 7, "promotion:3"),
        (2, 9, "promotion:3"),
    ]
    assert planned[0].purpose is CallbackPurpose.SPECIAL_OCCASION
    assert planned[0].due_at == at(2026, 11, 30, 9, 30).astimezone(UTC)  # three days ahead


def test_a_promotion_recorded_late_is_still_called_during_it() -> None:
    now = at(2026, 12, 5)
    running = Promotion(4, "双十二", date(2026, 12, 1), date(2026, 12, 12))
    planned = plan_occasions(
        [OccasionFacts(1, 7, None)], now, RULES, CAL, fallback_agent=9, promotions=[running]
    )
    # never overdue the moment it is made: the occasion grace after now
    assert [p.due_at for p in planned] == [now.astimezone(UTC) + RULES.occasion_grace]


def test_promotions_outside_the_horizon_or_over_are_not_planned() -> None:
    now = at(2026, 11, 23)
    later = Promotion(5, "春节促销", date(2027, 1, 20), date(2027, 2, 10))
    over = Promotion(6, "国庆促销", date(2026, 10, 1), date(2026, 10, 7))
    planned = plan_occasions(
        [OccasionFacts(1, 7, None)], now, RULES, CAL, fallback_agent=9, promotions=[later, over]
    )
    assert planned == []
