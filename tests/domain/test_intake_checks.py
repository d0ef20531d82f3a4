"""check_intake(): each problem of the intake form is a catalog key next to its field."""

from __future__ import annotations

from typing import Any

import pytest

from deskui.domain.field_problem import FieldProblem
from deskui.domain.intake import (
    MAX_LINE,
    MAX_NAME,
    MAX_WORDS,
    check_intake,
    contact_means_problems,
)
from deskui.i18n import t


def _check(**changes: Any) -> list[FieldProblem]:
    form: dict[str, Any] = {
        "phone": "138 1234 5678",
        "customer_known": True,
        "new_customer_name": "",
        "customer_words": "媒体机升级后黑屏",
        "expectation": "",
        "unit_number": "",
        "new_contact_name": "",
        "close_now": False,
        "answer": "",
        "kind": "question",
    }
    form.update(changes)
    return check_intake(**form)


def _keys(problems: list[FieldProblem]) -> list[tuple[str, str]]:
    return [(p.field, p.key) for p in problems]


def test_a_complete_form_has_no_problems() -> None:
    assert _check() == []
    assert _check(phone="") == []  # a walk-in or a web form may have no number
    assert _check(customer_known=False, new_customer_name="深圳蓝海科技有限公司") == []


@pytest.mark.parametrize("words", ["", "   ", "\n\t "])
def test_empty_customer_words_are_required(words: str) -> None:
    assert _keys(_check(customer_words=words)) == [("words", "intake.error.words_required")]


@pytest.mark.parametrize("name", ["", "  "])
def test_a_new_customer_needs_a_name(name: str) -> None:
    problems = _check(customer_known=False, new_customer_name=name)
    assert _keys(problems) == [("new_customer", "intake.error.customer_required")]
    assert _check(customer_known=True, new_customer_name=name) == []


def test_a_5000_character_paste_is_too_long_with_limit_and_length() -> None:
    problems = _check(customer_words="投" * 5000)
    assert problems == [
        FieldProblem("words", "intake.error.too_long", (("limit", MAX_WORDS), ("length", 5000)))
    ]
    message = t(problems[0].key, **dict(problems[0].values))
    assert "4000" in message and "5000" in message
    assert _check(customer_words="投" * MAX_WORDS) == []  # exactly the limit is fine


def test_one_line_fields_have_their_own_limits() -> None:
    problems = _check(
        customer_known=False,
        new_customer_name="名" * (MAX_LINE + 1),
        new_contact_name="人" * (MAX_LINE + 1),
        unit_number="A" * 41,
        expectation="望" * (MAX_LINE + 1),
    )
    assert [(p.field, dict(p.values)) for p in problems] == [
        ("new_customer", {"limit": MAX_LINE, "length": MAX_LINE + 1}),
        ("new_contact", {"limit": MAX_NAME, "length": MAX_LINE + 1}),  # a person: String(80)
        ("unit", {"limit": 40, "length": 41}),
        ("expectation", {"limit": MAX_LINE, "length": MAX_LINE + 1}),
    ]
    assert {p.key for p in problems} == {"intake.error.too_long"}


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        ("138-abc-5678", "phone.not_a_number"),
        ("138 1234", "phone.too_short"),
        ("138 1234 5678 999", "phone.too_long"),
    ],
)
def test_a_bad_phone_is_named_next_to_the_phone_field(phone: str, key: str) -> None:
    assert _keys(_check(phone=phone)) == [("phone", key)]
    assert t(key) != key  # the catalog has words for it


def test_problems_come_in_field_order() -> None:
    problems = _check(phone="12ab", customer_known=False, customer_words="")
    assert [p.field for p in problems] == ["phone", "new_customer", "words"]


def test_close_now_only_for_a_question_with_an_answer() -> None:
    assert _check(close_now=True, answer="已告知补办流程") == []
    assert _keys(_check(close_now=True, answer=" ")) == [("answer", "intake.error.answer_required")]
    assert _keys(_check(close_now=True, answer="已答复", kind="complaint")) == [
        ("answer", "intake.error.only_questions_close")
    ]
    assert _keys(_check(close_now=True, answer="答" * (MAX_WORDS + 1)))[0] == (
        "answer",
        "intake.error.too_long",
    )
    # an answer typed without closing is no problem, whatever the kind
    assert _check(close_now=False, answer="", kind="complaint") == []


def test_a_forwarded_complaint_needs_the_department_and_a_past_receipt_day() -> None:
    """seed 000:3.2.2: without both the delay cannot be told."""
    from datetime import date

    today = date(2026, 11, 23)

    def fields(department: str, typed: str) -> list[str]:
        problems = check_intake(
            phone="",
            customer_known=True,
            new_customer_name="",
            customer_words="投诉",
            expectation="",
            unit_number="",
            new_contact_name="",
            close_now=False,
            answer="",
            kind="complaint",
            forwarded=True,
            forwarded_by=department,
            forwarded_on=typed,
            today=today,
        )
        return [problem.key.rsplit(".", 1)[1] for problem in problems]

    assert fields("", "") == ["forwarded_by_required", "forwarded_on_required"]
    assert fields("business", "11月20日") == ["forwarded_on_unreadable"]
    assert fields("business", "2026-11-24") == ["forwarded_on_future"]
    assert fields("business", "2026-11-20") == []


@pytest.mark.parametrize(
    ("email", "fax", "problems"),
    [
        ("", "", []),
        ("li.lei@example.com", "010 8888 6666", []),
        ("li lei@example.com", "", [("email", "intake.error.email_invalid")]),
        ("<script>@x.cn", "", [("email", "intake.error.email_invalid")]),
        ("a@b.cn\x1b]0;x\x07", "", [("email", "intake.error.email_invalid")]),
        ("a@b", "", [("email", "intake.error.email_invalid")]),
        ("x" * 201, "", [("email", "intake.error.too_long")]),
        ("", "请发传真", [("fax", "phone.not_a_number")]),
    ],
)
def test_the_callers_e_mail_and_fax_are_checked(
    email: str, fax: str, problems: list[tuple[str, str]]
) -> None:
    found = contact_means_problems(email, fax)
    assert [(p.field, p.key) for p in found] == problems
