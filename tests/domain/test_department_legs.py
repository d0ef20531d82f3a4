"""The department leg rules: the step awaited, its window, each step's time, plan checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskui.domain.department_legs import (
    LegFacts,
    LegPolicy,
    LegStage,
    check_name,
    check_plan,
    check_result,
    leg_times,
    parse_local_time,
    stage,
    stage_window,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)  # the last day of the Golden Week, 09:00 local
POLICY = LegPolicy()


def test_each_step_is_awaited_in_order_with_its_window() -> None:
    facts = LegFacts(handed_at=NOW)
    assert stage(facts) is LegStage.ACCEPT
    assert stage_window(POLICY, facts) == (NOW, NOW + timedelta(hours=2))
    accepted = LegFacts(NOW, accepted_at=NOW + timedelta(hours=1))
    assert stage_window(POLICY, accepted) == (NOW + timedelta(hours=1), NOW + timedelta(hours=5))
    planned = LegFacts(NOW, NOW, NOW, expected_at=NOW + timedelta(days=2))
    assert stage(planned) is LegStage.RESULT
    assert stage_window(POLICY, planned) == (NOW, NOW + timedelta(days=2))  # the own promise
    done = LegFacts(NOW, NOW, NOW, NOW, NOW, NOW, NOW)
    assert stage(done) is LegStage.DONE and stage_window(POLICY, done) is None


def test_leg_times_say_how_long_each_step_took_and_which_was_late() -> None:
    facts = LegFacts(
        handed_at=NOW,
        accepted_at=NOW + timedelta(hours=3),  # limit 2 h: late
        planned_at=NOW + timedelta(hours=4),  # limit 4 h after accepting: on time
        expected_at=NOW + timedelta(hours=30),
    )
    times = leg_times(POLICY, facts, NOW + timedelta(hours=31))
    assert [t.stage for t in times] == [LegStage.ACCEPT, LegStage.PLAN, LegStage.RESULT]
    assert [t.took for t in times] == [timedelta(hours=3), timedelta(hours=1), timedelta(hours=27)]
    assert [t.late for t in times] == [True, False, True]  # the result is past its promise
    assert times[-1].ended_at is None


def test_plan_reads_the_local_time_and_refuses_bad_or_past_times() -> None:
    expected, problems = check_plan(POLICY, "2026-10-09 17:00", "更换主板", None, NOW, SHANGHAI)
    assert problems == [] and expected == datetime(2026, 10, 9, 9, 0, tzinfo=UTC)
    for text, key in (
        ("", "expected_required"),
        ("明天下午", "expected_format"),
        ("2026-10-08 08:00", "expected_past"),
        ("2027-01-01 09:00", "expected_far"),
    ):
        expected, problems = check_plan(POLICY, text, "x", None, NOW, SHANGHAI)
        assert expected is None
        assert [p.key for p in problems] == [f"department.legs.error.{key}"]
    _, problems = check_plan(POLICY, "2026-10-09", "", "", NOW, SHANGHAI)
    assert [p.field for p in problems] == ["measures", "by_name"]


def test_a_date_alone_means_the_end_of_that_working_day() -> None:
    assert parse_local_time("2026-10-09", SHANGHAI) == datetime(2026, 10, 9, 10, 0, tzinfo=UTC)
    assert parse_local_time("2026/10/09  17:30", SHANGHAI) == datetime(
        2026, 10, 9, 9, 30, tzinfo=UTC
    )


def test_result_and_name_checks_keep_markup_but_refuse_escapes() -> None:
    assert check_result("[b]已修好[/b]", None) == []
    assert [p.key for p in check_result("\x1b[31m红", None)] == ["department.legs.error.control"]
    assert [p.field for p in check_result("已修好", "  ")] == ["by_name"]
    assert check_name(None) == [] and check_name("孙平") == []
    assert [p.key for p in check_name("名" * 81)] == ["department.legs.error.too_long"]
