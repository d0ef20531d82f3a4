"""The script decides what follows a step (issue 24): `leave_step` over the packaged
complaint scripts, the times a step requires, and whose a record is to save onto (issue 23)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.domain.calendar import BusinessCalendar
from deskui.domain.complaint import closes, escalates, step_time_problems
from deskui.domain.ownership import NotYours, may_save_onto
from deskui.domain.script_flow import StepRefused, leave_step
from deskui.scripts import load_script

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=SH)  # a Monday
SCRIPT = load_script("complaint", "zh-CN")
LEAD = load_script("complaint_lead", "zh-CN")


def test_a_call_not_started_leaves_step_one_for_step_two_only() -> None:
    left = leave_step(SCRIPT, (), "calm", {"customer_words": "断网", "satisfied": "yes"})
    assert (left.reached, left.path, left.final) == ("thank", ("calm", "thank"), False)


@pytest.mark.parametrize("leaving", ["confirm", "closed", "escalate", "fix", "nowhere"])
def test_a_step_never_reached_cannot_be_left(leaving: str) -> None:
    with pytest.raises(StepRefused) as refused:
        leave_step(SCRIPT, ("calm",), leaving, {"satisfied": "yes", "fixed_now": "no"})
    assert refused.value.reason == "not_on_path"


def test_a_step_stepped_back_to_is_left_again_and_the_path_is_cut_there() -> None:
    left = leave_step(SCRIPT, ("calm", "thank", "apology"), "thank", {})
    assert left.path == ("calm", "thank", "apology")


def test_required_answers_blank_or_missing_refuse_naming_them() -> None:
    path = ("calm", "thank", "apology", "commit", "gather")
    with pytest.raises(StepRefused) as refused:
        leave_step(SCRIPT, path, "gather", {"contact_name": "王女士", "cause": "  "})
    assert refused.value.reason == "missing"
    assert refused.value.fields == ("contact_phone", "unit_number", "complaint", "cause")


def test_the_answer_decides_the_branch_and_an_answer_not_offered_goes_nowhere() -> None:
    path = ("calm", "thank", "apology", "commit", "gather", "fix")
    assert leave_step(SCRIPT, path, "fix", {"fixed_now": "yes"}).reached == "resolved"
    left = leave_step(SCRIPT, path, "fix", {"fixed_now": "no"})
    assert left.reached == "escalate" and escalates(left.reached, left.final)
    assert not closes(left.reached, left.final)
    with pytest.raises(StepRefused) as refused:
        leave_step(SCRIPT, path, "fix", {"fixed_now": "maybe"})
    assert refused.value.reason == "no_next"


def test_only_a_satisfied_customer_at_step_seven_closes() -> None:
    path = ("calm", "thank", "apology", "commit", "gather", "fix", "resolved", "confirm")
    left = leave_step(SCRIPT, path, "confirm", {"callback_time": "x", "satisfied": "yes"})
    assert left.reached == "closed" and closes(left.reached, left.final)
    with pytest.raises(StepRefused):
        leave_step(SCRIPT, (*path, "closed"), "closed", {})
    lead_path = ("apology", "review", "commit", "coordinate", "report", "confirm")
    again = leave_step(LEAD, lead_path, "confirm", {"callback_time": "x", "satisfied": "no"})
    assert again.reached == "coordinate" and not again.final


def test_the_times_a_step_requires() -> None:
    calendar = BusinessCalendar(tz="Asia/Shanghai")
    requires = ("promised_at",)
    assert step_time_problems(requires, NOW, calendar=calendar)[0].key == "complaint.err.required"
    past = step_time_problems(requires, NOW, promised_at=NOW - timedelta(minutes=1))
    assert past[0].key == "complaint.err.promised_past"
    late = NOW + timedelta(days=3)
    problems = step_time_problems(requires, NOW, promised_at=late, calendar=calendar)
    assert problems[0].key == "complaint.err.reply_too_late"
    resolution = step_time_problems(
        requires, NOW, commit_mode="resolution", promised_at=late, calendar=calendar
    )
    assert resolution == []
    assert step_time_problems(("callback_time",), NOW, callback_at=NOW + timedelta(days=1)) == []
    assert step_time_problems((), NOW, promised_at=NOW - timedelta(days=9)) == []


def test_whose_a_record_is_to_save_onto() -> None:
    assert may_save_onto(7, False, 7, "agent") is None
    assert may_save_onto(8, False, 7, "agent") is NotYours.OWNED_BY_OTHER
    assert may_save_onto(8, False, 7, "department") is NotYours.OWNED_BY_OTHER
    assert (
        may_save_onto(8, False, 7, "lead") is None and may_save_onto(8, False, 7, "manager") is None
    )
    assert may_save_onto(7, True, 7, "agent") is NotYours.CLOSED
    assert may_save_onto(7, True, 7, "manager") is NotYours.CLOSED
    assert may_save_onto(8, False, 7, "agent", open_to_all=True) is None
    assert may_save_onto(None, False, 7, "agent") is None
    assert may_save_onto(8, False, 7, "visitor") is NotYours.OWNED_BY_OTHER
