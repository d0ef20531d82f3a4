"""Handover rules (seed 004 after-sales 8): gathering, flagging, leaving the list, the report."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskui.domain.deadlines import DeadlinePolicy
from deskui.domain.handover import (
    Leave,
    OpenWork,
    ReportRow,
    by_sheet,
    check_item,
    check_leave,
    gather,
    hand_over_refusal,
    handed_item_status,
    is_ack_overdue,
)
from deskui.domain.model import HandoverSheet, HandoverStatus

SH = ZoneInfo("Asia/Shanghai")
END_OF_SHIFT = datetime(2026, 11, 23, 17, 50, tzinfo=SH)
POLICY = DeadlinePolicy()


def work(kind: str, subject: str, subject_id: int, hours: float) -> OpenWork:
    return OpenWork(kind, subject, subject_id, 1, "星辰", f"{subject}{subject_id}",
                    END_OF_SHIFT + timedelta(hours=hours))  # fmt: skip


def test_gather_one_item_per_subject_soonest_first() -> None:
    gathered = gather(
        [
            work("repeat_contact", "ticket", 7, 10),
            work("first_contact", "ticket", 7, 2),
            work("callback", "callback", 3, 1),
            work("parcel_chase", "order", 9, 5),
        ]
    )
    assert [(g.subject_type, g.subject_id) for g in gathered] == [
        ("callback", 3),
        ("ticket", 7),
        ("order", 9),
    ]
    assert gathered[1].kinds == ("first_contact", "repeat_contact")
    assert gathered[1].due_at == END_OF_SHIFT + timedelta(hours=2)
    assert gathered[2].sheet is HandoverSheet.COURIER
    assert gathered[0].sheet is HandoverSheet.UNFINISHED


def test_gather_skips_handover_deadlines_and_listed_subjects() -> None:
    gathered = gather(
        [work("handover_ack", "handover_item", 1, 1), work("first_contact", "ticket", 2, 1)],
        already_listed=[("ticket", 2)],
    )
    assert gathered == []


def test_unacknowledged_is_flagged_after_the_site_set_time() -> None:
    start = END_OF_SHIFT
    due = start + POLICY.handover_ack
    handed = HandoverStatus.HANDED_OVER
    assert not is_ack_overdue(POLICY, handed, start, None, due - timedelta(seconds=1))
    assert is_ack_overdue(POLICY, handed, start, None, due)
    assert not is_ack_overdue(POLICY, handed, start, due, due + timedelta(hours=1))
    assert not is_ack_overdue(POLICY, HandoverStatus.OPEN, start, None, due + timedelta(hours=1))
    site = DeadlinePolicy(handover_ack=timedelta(hours=2))
    assert not is_ack_overdue(site, handed, start, None, due)


def test_nothing_leaves_silently() -> None:
    assert check_leave("handed_over", Leave.REASSIGNED, "  ") == "handover.error.note_required"
    assert check_leave("handed_over", Leave.REASSIGNED, "交给李娜跟进") is None
    assert check_leave("open", Leave.ACKNOWLEDGED, "") == "handover.error.not_handed_over"
    assert check_leave("handed_over", Leave.ACKNOWLEDGED, "") is None
    assert check_leave("done", Leave.DONE, "") == "handover.error.already_done"


def test_check_item_fields() -> None:
    problems = check_item(title="", sheet="nope", next_step="")
    assert [p.field for p in problems] == ["title", "sheet", "next_step"]
    assert check_item(title="退货", sheet="return", next_step="明早联系") == []


def test_report_has_every_sheet_in_seed_order() -> None:
    rows = [
        ReportRow("return", "星辰", "退货", "handed_over", END_OF_SHIFT, "王芳", ""),
        ReportRow("unfinished", "华强", "催件", "handed_over", None, "王芳", ""),
        ReportRow(
            "return", "宏达", "换货", "handed_over", END_OF_SHIFT - timedelta(hours=1), "王芳", ""
        ),
    ]
    grouped = by_sheet(rows)
    assert list(grouped) == list(HandoverSheet)
    assert [r.customer for r in grouped[HandoverSheet.RETURN]] == ["宏达", "星辰"]
    assert grouped[HandoverSheet.PAYMENT] == []


def test_the_days_sheet_holds_todays_due_work_and_open_tickets_not_next_weeks_callbacks() -> None:
    """seed 004 after-sales 8: 当天的未完结工作表."""
    from deskui.domain.handover import local_day

    day = local_day(END_OF_SHIFT, SH)
    assert day == (datetime(2026, 11, 23, tzinfo=SH), datetime(2026, 11, 24, tzinfo=SH))
    gathered = gather(
        [
            work("callback", "callback", 1, -30),  # overdue since this morning
            work("callback", "callback", 2, 6),  # 23:50 tonight: still today
            work("callback", "callback", 3, 7),  # 00:50 tomorrow
            work("callback", "callback", 4, 24 * 6),  # next week
            work("first_contact", "ticket", 5, 15),  # an open problem record, due tomorrow
            work("parcel_chase", "order", 6, 40),  # chased the day after tomorrow
        ],
        day=day,
    )
    assert [(g.subject_type, g.subject_id) for g in gathered] == [
        ("callback", 1),
        ("callback", 2),
        ("ticket", 5),
    ]


def test_an_item_leaves_the_list_with_the_status_its_rule_decides() -> None:
    from deskui.domain.handover import ItemRefusal, edit_refusal, next_item_status
    from deskui.domain.model import HandoverStatus

    assert next_item_status("handed_over", Leave.DONE, "") == HandoverStatus.DONE
    assert next_item_status("handed_over", Leave.ACKNOWLEDGED, "") == HandoverStatus.ACKNOWLEDGED
    assert next_item_status("open", Leave.REASSIGNED, "李娜熟悉") == HandoverStatus.OPEN
    assert next_item_status("open", Leave.ACKNOWLEDGED, "") == ItemRefusal(
        "handover.error.not_handed_over"
    )
    assert next_item_status("done", Leave.DONE, "") == ItemRefusal("handover.error.already_done")
    assert edit_refusal("handed_over") is None
    assert edit_refusal("done") == ItemRefusal("handover.error.closed")


def test_a_shift_to_oneself_is_refused_and_a_finished_record_leaves_as_done() -> None:
    from deskui.domain.handover import ItemRefusal

    assert hand_over_refusal(3, 3) == ItemRefusal("handover.error.same_agent")
    assert hand_over_refusal(3, 4) is None
    assert hand_over_refusal(3, 4, "department") == ItemRefusal("handover.error.not_desk")
    assert hand_over_refusal(3, 4, None) == ItemRefusal("handover.error.no_such_agent")
    assert hand_over_refusal(3, 4, "lead") is None
    assert handed_item_status(None) is HandoverStatus.HANDED_OVER  # hand-entered: follows none
    assert handed_item_status(True) is HandoverStatus.HANDED_OVER
    assert handed_item_status(False) is HandoverStatus.DONE  # finished since it was gathered
