"""What follows from a call, decided before anything is written (domain/intake.plan_call,
seed 002:2.2-2.3): the department, a close at intake, the deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from deskui.domain.deadlines import DeadlinePolicy
from deskui.domain.intake import CallPlan, plan_call
from deskui.domain.routing import DEFAULT_RULES, propose_department

NOW = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)  # National Day, Golden Week
POLICY = DeadlinePolicy()


def _plan(**changes: Any) -> CallPlan:
    fields: dict[str, Any] = {
        "kind": "complaint",
        "category": "network_line",
        "severity": "normal",
        "department_code": None,
        "close_now": False,
        "answer": "",
        "customer_known": True,
        "rules": DEFAULT_RULES,
        "policy": POLICY,
        "now": NOW,
    }
    fields.update(changes)
    return plan_call(**fields)


def test_the_routing_table_proposes_unless_a_department_was_chosen() -> None:
    rule = propose_department("complaint", "network_line", DEFAULT_RULES)
    assert rule is not None
    assert _plan().department == rule.department
    assert _plan(department_code="technical").department == "technical"


def test_a_question_answered_on_the_line_closes_and_needs_no_repeat_contact() -> None:
    answered = _plan(
        kind="question", category="usage", close_now=True, answer="已说明", severity="urgent"
    )
    assert answered.closes and answered.repeat_contact_due is None
    unanswered = _plan(kind="question", category="usage", close_now=True, answer="")
    assert not unanswered.closes
    complaint = _plan(close_now=True, answer="已说明")
    assert not complaint.closes


def test_severity_decides_the_deadlines() -> None:
    urgent = _plan(severity="urgent")
    assert urgent.first_contact_due == NOW + timedelta(hours=8)
    assert urgent.repeat_contact_due is not None
    assert _plan().first_contact_due == NOW + timedelta(hours=24)
    assert _plan().repeat_contact_due is None


def test_a_new_customer_is_filed_within_24_hours() -> None:
    assert _plan().profile_filing_due is None
    assert _plan(customer_known=False).profile_filing_due == NOW + timedelta(hours=24)


def test_a_new_customers_personal_notes_are_due_within_a_month() -> None:
    """seed 000:1.4.2, as for a customer filed from the profiles (issue 26)."""
    assert _plan().personal_notes_due is None
    assert _plan(customer_known=False).personal_notes_due == NOW + timedelta(days=30)
