"""The finer permission rows (domain/work_permissions), the intake's choices and department,
and a script replayed from a command's answers (domain/script_walk): issue 24's domain."""

from __future__ import annotations

import pytest

from deskui.domain.field_problem import FieldProblem
from deskui.domain.intake import check_choices, department_problem
from deskui.domain.model import Role
from deskui.domain.refusal import Invalid, refuse_problems
from deskui.domain.script_walk import walk_answers
from deskui.domain.work_permissions import (
    WorkChoice,
    may_choose,
    may_see_department,
    works_one_department,
)
from deskui.scripts import load_script


@pytest.mark.parametrize(
    ("role", "choose", "any_department"),
    [
        (Role.AGENT, False, True),
        (Role.LEAD, True, True),
        (Role.MANAGER, True, True),
        (Role.DEPARTMENT, False, False),
        ("visitor", False, False),
    ],
)
def test_who_chooses_the_department_and_who_sees_every_queue(
    role: str, choose: bool, any_department: bool
) -> None:
    assert may_choose(role, WorkChoice.CHOOSE_DEPARTMENT) is choose
    assert may_choose(role, WorkChoice.ANY_DEPARTMENT) is any_department


def test_only_a_department_member_works_one_department() -> None:
    assert works_one_department(Role.DEPARTMENT)
    assert not any(works_one_department(r) for r in (Role.AGENT, Role.LEAD, Role.MANAGER, "x"))


def test_a_department_member_sees_only_their_own_queue() -> None:
    assert may_see_department(Role.DEPARTMENT, "technical", "technical")
    assert not may_see_department(Role.DEPARTMENT, "technical", "platform")
    assert not may_see_department(Role.DEPARTMENT, None, "technical")
    assert may_see_department(Role.AGENT, None, "platform")
    assert not may_see_department("visitor", "technical", "technical")


def test_routing_proposes_and_only_a_lead_changes_the_department() -> None:
    wrong = [FieldProblem("department", "intake.error.department_lead_only")]
    assert department_problem(False, "platform", "business") == wrong
    assert department_problem(False, "business", "business") == []
    assert department_problem(False, None, "business") == []
    assert department_problem(True, "platform", "business") == []


def test_the_intakes_lists_take_only_what_the_desk_knows() -> None:
    known = check_choices(kind="question", category="usage", channel="phone", severity="urgent")
    assert known == []
    fields = [
        p.field
        for p in check_choices(kind="", category="x" * 41, channel="pigeon", severity="soon")
    ]
    assert fields == ["kind", "category", "channel", "severity"]


def test_an_invalid_carries_every_problem_and_nothing_is_no_refusal() -> None:
    refuse_problems([])
    problems = [FieldProblem("a", "k.one", (("limit", 3),)), FieldProblem("b", "k.two")]
    with pytest.raises(Invalid) as refused:
        refuse_problems(problems)
    assert refused.value.problems == tuple(problems)
    first = (refused.value.field, refused.value.key, refused.value.values)
    assert first == ("a", "k.one", {"limit": 3})
    assert refused.value.problem == problems[0]


ROUTINE = load_script("callback_routine", "zh-CN")


@pytest.mark.parametrize(
    ("answers", "end", "problems"),
    [
        ({}, "greet", [FieldProblem("convenient", "callbacks.call.pick_answer")]),
        ({"convenient": "no"}, "book", [FieldProblem("booked_at", "callbacks.error.required")]),
        ({"convenient": "no", "booked_at": "15:00"}, "book", []),
        ({"convenient": "yes", "satisfaction": "satisfied"}, "evaluate",
         [FieldProblem("feedback", "callbacks.error.required")]),
        ({"convenient": "yes", "feedback": "好", "satisfaction": "satisfied"}, "thanks", []),
        ({"convenient": "yes", "feedback": "好", "satisfaction": "average"}, "follow_up",
         [FieldProblem("issue", "callbacks.error.required")]),
        ({"convenient": "yes", "feedback": "好", "satisfaction": "average", "issue": "慢"},
         "thanks", []),
        ({"convenient": "perhaps"}, "greet",
         [FieldProblem("convenient", "callbacks.call.pick_answer")]),
    ],
)  # fmt: skip
def test_the_answers_carry_the_routine_script_to_its_end_or_say_what_stops_them(
    answers: dict[str, object], end: str, problems: list[FieldProblem]
) -> None:
    step, found = walk_answers(ROUTINE, answers)
    assert (step.id, found) == (end, problems)
