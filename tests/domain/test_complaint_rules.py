"""Complaint rules: step 4's commitment, the written reply's order, forwarded complaints."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.complaint import (
    COMMIT_REPLY,
    COMMIT_RESOLUTION,
    REPLY_PARTS,
    ReplyFacts,
    build_reply,
    check_commitment,
    check_future_time,
    forward_delay_days,
    late_hand_on,
    parse_local_time,
    repeat_caused_by_late_hand_on,
)

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
FRIDAY_EVENING = datetime(2026, 11, 27, 19, 0, tzinfo=SH)
BEFORE_GOLDEN_WEEK = datetime(2026, 9, 30, 16, 0, tzinfo=SH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24 10:00", datetime(2026, 11, 24, 10, 0, tzinfo=SH)),
        ("11-24 10:30", datetime(2026, 11, 24, 10, 30, tzinfo=SH)),
        ("16:00", datetime(2026, 11, 23, 16, 0, tzinfo=SH)),
        ("16：00", datetime(2026, 11, 23, 16, 0, tzinfo=SH)),
        ("2026/11/24 9:05", datetime(2026, 11, 24, 9, 5, tzinfo=SH)),
        ("tomorrow", None),
        ("2026-02-30 10:00", None),
        ("25:00", None),
        ("", None),
    ],
)
def test_times_typed_by_the_agent(text: str, expected: datetime | None) -> None:
    assert parse_local_time(text, MONDAY, "Asia/Shanghai") == expected


def test_a_reply_time_within_one_working_day_is_accepted() -> None:
    at, problem = check_commitment(COMMIT_REPLY, "2026-11-24 09:00", MONDAY, CAL)
    assert problem is None and at == datetime(2026, 11, 24, 9, 0, tzinfo=SH)


def test_a_reply_time_later_than_one_working_day_is_refused_with_the_latest() -> None:
    at, problem = check_commitment(COMMIT_REPLY, "2026-11-24 09:01", MONDAY, CAL)
    assert at is None and problem is not None
    assert problem.key == "complaint.err.reply_too_late"
    assert dict(problem.values) == {"latest": "2026-11-24 09:00"}


def test_friday_evening_gives_until_tuesday_morning_and_golden_week_is_skipped() -> None:
    _, problem = check_commitment(COMMIT_REPLY, "2026-12-01 09:00", FRIDAY_EVENING, CAL)
    assert problem is None
    _, problem = check_commitment(COMMIT_REPLY, "2026-12-01 09:01", FRIDAY_EVENING, CAL)
    assert problem is not None
    _, problem = check_commitment(COMMIT_REPLY, "2026-10-02 10:00", BEFORE_GOLDEN_WEEK, CAL)
    assert problem is None  # 10-01..10-07 are holidays: the next working day is 10-08
    at, problem = check_commitment(COMMIT_REPLY, "2026-10-08 16:00", BEFORE_GOLDEN_WEEK, CAL)
    assert problem is None and at is not None
    _, problem = check_commitment(COMMIT_REPLY, "2026-10-08 16:01", BEFORE_GOLDEN_WEEK, CAL)
    assert problem is not None


def test_a_resolution_time_may_be_later_but_not_past_nor_empty_nor_garbled() -> None:
    at, problem = check_commitment(COMMIT_RESOLUTION, "2026-11-30 18:00", MONDAY, CAL)
    assert problem is None and at is not None
    for text, key in (
        ("", "complaint.err.promised_missing"),
        ("next week", "complaint.err.promised_format"),
        ("08:00", "complaint.err.promised_past"),
    ):
        at, problem = check_commitment(COMMIT_RESOLUTION, text, MONDAY, CAL)
        assert at is None and problem is not None and problem.key == key


def test_future_times_for_callbacks() -> None:
    assert check_future_time("callback_time", "", MONDAY, "Asia/Shanghai")[1].key == (  # type: ignore[union-attr]
        "complaint.err.required"
    )
    assert check_future_time("x", "", MONDAY, "Asia/Shanghai", required=False) == (None, None)
    assert check_future_time("x", "bad", MONDAY, "Asia/Shanghai")[1].key == (  # type: ignore[union-attr]
        "complaint.err.time_format"
    )


TEMPLATES = {
    "greeting": "尊敬的{salutation}：",
    "thanks": "感谢您{received_on}来信告诉我们{subject}。",
    "done": "收到来信后我们做了以下工作：",
    "cause": "原因：{cause}",
    "cause_missing": "原因正在调查。",
    "responsible": "责任人：{responsible}",
    "action": "行动时间：{action_at}",
    "finish": "预计完成：{expected_finish}",
    "result": "结果：{result}",
    "result_missing": "正在处理中。",
    "agree": "您说得对。",
    "exceed": "另外我们为您……",
    "confirm": "请问您是否满意？",
    "closing": "再次感谢您！",
    "signature": "{agent_name} {company} {today}",
}


def test_the_reply_follows_the_seed_order_with_the_recorded_facts() -> None:
    facts = ReplyFacts(
        salutation="王先生",
        subject="网络中断",
        received_on="11月20日",
        cause="网线老化",
        responsible="平台组 陈静",
        action_at="11-23 10:00",
        expected_finish="11-24 18:00",
        result="",
        agent_name="王芳",
        company="客服部",
        today="2026-11-23",
    )
    reply = build_reply(facts, TEMPLATES)
    order = [
        reply.index(marker)
        for marker in (
            "尊敬的王先生",
            "感谢您",
            "原因：网线老化",
            "责任人：平台组 陈静",
            "行动时间",
            "预计完成：11-24 18:00",
            "正在处理中",
            "您说得对",
            "是否满意",
            "再次感谢",
            "王芳 客服部",
        )
    ]
    assert order == sorted(order)
    assert "结果：" not in reply
    assert REPLY_PARTS[0] == "greeting" and REPLY_PARTS[-2:] == ("closing", "signature")


def test_an_unknown_cause_says_so_and_missing_values_read_as_ellipsis() -> None:
    facts = ReplyFacts("您", "", "", "", "", "", "", "", "", "", "")
    reply = build_reply(facts, TEMPLATES)
    assert "原因正在调查。" in reply and "感谢您…来信" in reply


def test_forwarded_delay_and_late_hand_on() -> None:
    ours = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wednesday 11:00 in Shanghai
    assert forward_delay_days(date(2026, 11, 23), ours, "Asia/Shanghai") == 2
    assert late_hand_on(date(2026, 11, 23), ours, CAL)  # Monday's letter: due by Tuesday
    assert not late_hand_on(date(2026, 11, 24), ours, CAL)
    # received on Friday, reaching us on Monday is the next working day: not late
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=SH)
    assert not late_hand_on(date(2026, 11, 27), monday, CAL)


def test_a_repeat_complaint_while_the_department_held_it_late_counts_against_them() -> None:
    ours = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
    repeat = datetime(2026, 11, 25, 15, 0, tzinfo=SH)
    assert repeat_caused_by_late_hand_on(date(2026, 11, 23), ours, repeat, CAL)
    after = datetime(2026, 11, 27, 11, 0, tzinfo=SH)
    assert not repeat_caused_by_late_hand_on(date(2026, 11, 23), ours, after, CAL)
    on_time = datetime(2026, 11, 24, 10, 0, tzinfo=SH)
    assert not repeat_caused_by_late_hand_on(date(2026, 11, 23), on_time, repeat, CAL)
