"""A ticket's life as a table (domain/ticket_life): each move's status, and its refusals."""

from __future__ import annotations

import pytest

from deskui.domain.model import TicketStatus as S
from deskui.domain.ticket_life import (
    RULES,
    TicketMove,
    TicketRefusal,
    TicketState,
    Transition,
    may,
    next_state,
)


@pytest.mark.parametrize(
    ("status", "move", "expected"),
    [
        (S.OPEN, TicketMove.CONTACTED, Transition(S.IN_PROGRESS)),
        (S.WITH_LEAD, TicketMove.CONTACTED, Transition(S.WITH_LEAD)),
        (S.OPEN, TicketMove.ANSWERED, Transition(S.CLOSED, closes=True)),
        (S.IN_PROGRESS, TicketMove.ANSWERED, TicketRefusal("ticket.error.closed")),
        (S.IN_PROGRESS, TicketMove.RESOLVED, Transition(S.RESOLVED)),
        (S.RESOLVED, TicketMove.TAKEN_OVER, Transition(S.WITH_LEAD)),
        (S.RESOLVED, TicketMove.CLOSED, Transition(S.CLOSED, closes=True)),
        (S.OPEN, TicketMove.HANDED_TO_DEPARTMENT, Transition(S.WITH_DEPARTMENT)),
        (S.WITH_DEPARTMENT, TicketMove.RETURNED, Transition(S.IN_PROGRESS)),
        (S.WITH_LEAD, TicketMove.PAUSED, Transition(S.WAITING_CUSTOMER)),
        (S.WAITING_CUSTOMER, TicketMove.PAUSED, TicketRefusal("pause.error.already_paused")),
        (S.RESOLVED, TicketMove.PAUSED, TicketRefusal("pause.error.closed")),
        (S.OPEN, TicketMove.RESUMED, TicketRefusal("pause.error.not_paused")),
        (S.WAITING_CUSTOMER, TicketMove.RESUMED, Transition(S.IN_PROGRESS)),
    ],
)
def test_each_move_leads_where_the_table_says(
    status: S, move: TicketMove, expected: Transition | TicketRefusal
) -> None:
    assert next_state(TicketState(status), move) == expected
    assert may(TicketState(status), move) is isinstance(expected, Transition)


def test_a_resumed_ticket_returns_to_the_status_it_had() -> None:
    waiting = TicketState(S.WAITING_CUSTOMER)
    assert next_state(waiting, TicketMove.RESUMED, resume_to=S.WITH_LEAD) == Transition(S.WITH_LEAD)


@pytest.mark.parametrize("move", [m for m in TicketMove if RULES[m].refuse_closed])
def test_a_closed_ticket_moves_no_further(move: TicketMove) -> None:
    closed = TicketState(S.CLOSED, closed=True)
    assert isinstance(next_state(closed, move), TicketRefusal)
    # the closed time counts even where a status says otherwise
    assert isinstance(next_state(TicketState(S.IN_PROGRESS, closed=True), move), TicketRefusal)


def test_a_ticket_a_department_holds_is_not_handed_on_again() -> None:
    held = TicketState(S.WITH_DEPARTMENT, open_leg=True)
    assert next_state(held, TicketMove.HANDED_TO_DEPARTMENT) == TicketRefusal(
        "department.legs.error.already_with", "department"
    )
    closed = TicketState(S.CLOSED, closed=True, open_leg=True)
    assert next_state(closed, TicketMove.HANDED_TO_DEPARTMENT) == TicketRefusal(
        "department.legs.error.closed"
    )


def test_every_move_has_a_row_and_every_refusal_is_a_catalog_key() -> None:
    from deskui.i18n import LOCALES, catalog

    assert set(RULES) == set(TicketMove)
    keys = {"department.legs.error.already_with"}
    for rule in RULES.values():
        keys |= {rule.otherwise, *rule.refused.values()}
    for locale in LOCALES:
        assert keys <= set(catalog(locale)), locale


# -- issue 26: the record's life after intake (seed 002:2.3-2.5) ---------------------------


@pytest.mark.parametrize(
    ("state", "move", "expected"),
    [
        (TicketState(S.IN_PROGRESS), TicketMove.RESULT_TOLD, Transition(S.RESOLVED)),
        (TicketState(S.WAITING_CUSTOMER), TicketMove.RESULT_TOLD, Transition(S.RESOLVED)),
        (
            TicketState(S.WITH_DEPARTMENT, open_leg=True),
            TicketMove.RESULT_TOLD,
            TicketRefusal("ticket.error.with_department"),
        ),
        (
            TicketState(S.RESOLVED),
            TicketMove.RESULT_TOLD,
            TicketRefusal("ticket.error.already_resolved"),
        ),
        (TicketState(S.RESOLVED), TicketMove.FINISHED, Transition(S.CLOSED, closes=True)),
        (
            TicketState(S.IN_PROGRESS),
            TicketMove.FINISHED,
            TicketRefusal("ticket.error.close_unresolved"),
        ),
        (
            TicketState(S.CLOSED, closed=True),
            TicketMove.REOPENED,
            Transition(S.IN_PROGRESS, reopens=True),
        ),
        (TicketState(S.RESOLVED), TicketMove.REOPENED, Transition(S.IN_PROGRESS, reopens=True)),
        (TicketState(S.OPEN), TicketMove.REOPENED, TicketRefusal("ticket.error.not_finished")),
        (TicketState(S.CLOSED, closed=True), TicketMove.NOTED, Transition(S.CLOSED)),
        (TicketState(S.WITH_LEAD), TicketMove.NOTED, Transition(S.WITH_LEAD)),
    ],
)
def test_resolve_close_reopen_and_note_lead_where_the_table_says(
    state: TicketState, move: TicketMove, expected: Transition | TicketRefusal
) -> None:
    assert next_state(state, move) == expected


def test_what_a_move_needs_typed_is_checked_plainly() -> None:
    from deskui.domain.field_problem import FieldProblem
    from deskui.domain.ticket_life import (
        contact_problems,
        note_problems,
        reopen_problems,
        result_problems,
    )

    def keys(problems: list[FieldProblem]) -> list[str]:
        return [p.key for p in problems]

    assert result_problems("已重置账号\n客户确认可以登录", "email") == []
    assert keys(result_problems(" ", "phone")) == ["ticket.error.result_required"]
    assert keys(result_problems("好了", "")) == ["ticket.error.way_required"]
    assert keys(contact_problems("phone", "\x1b[2J")) == ["ticket.error.control"]
    assert keys(contact_problems("visit", "\u202etxt.exe")) == ["ticket.error.control"]
    assert contact_problems("sms", "") == []  # the note is optional
    assert keys(note_problems("\x00")) == ["ticket.error.control"]
    assert keys(note_problems("长" * 4001)) == ["ticket.error.too_long"]
    assert note_problems("[bold]标记只是文字[/]") == []  # markup is text, shown as typed
    assert keys(reopen_problems("原" * 201)) == ["ticket.error.too_long"]


def test_a_complaints_result_is_the_leads_to_tell() -> None:
    from deskui.domain.ticket_life import result_teller_refusal

    assert result_teller_refusal("complaint", False) == TicketRefusal(
        "ticket.error.complaint_lead_tells"
    )
    assert result_teller_refusal("complaint", True) is None
    assert result_teller_refusal("question", False) is None


def test_a_contact_meets_the_first_contact_and_an_urgent_ones_progress() -> None:
    from datetime import UTC, datetime, timedelta

    from deskui.domain.deadlines import DeadlinePolicy
    from deskui.domain.model import DeadlineKind as K
    from deskui.domain.ticket_life import contact_plan, reopen_plan

    now = datetime(2026, 10, 3, 2, 0, tzinfo=UTC)  # Golden Week: a contact counts the same
    policy = DeadlinePolicy()
    normal = contact_plan(policy, "normal", S.IN_PROGRESS, now)
    assert (normal.meets, normal.next_progress_due) == ((K.FIRST_CONTACT,), None)
    urgent = contact_plan(policy, "urgent", S.IN_PROGRESS, now)
    assert urgent.meets == (K.FIRST_CONTACT, K.REPEAT_CONTACT)
    assert urgent.next_progress_due == now + timedelta(hours=12)
    assert contact_plan(policy, "urgent", S.RESOLVED, now).next_progress_due is None
    again = reopen_plan(policy, "critical", now)
    assert (again.first_contact_due, again.next_progress_due) == (now + timedelta(hours=4), None)


def test_escalation_goes_to_the_departments_supervisor_or_the_cs_manager() -> None:
    from deskui.domain.deadlines import escalation_recipients
    from deskui.domain.model import Severity

    def told(severity: Severity, supervisors: tuple[int, ...]) -> tuple[int, ...]:
        return escalation_recipients(
            severity, department_supervisors=supervisors, team_leads=[3], managers=[4, 4]
        )

    assert told(Severity.URGENT, (7, 8)) == (7, 8)  # seed 002:2.3.2: 上报部门主管
    assert told(Severity.URGENT, ()) == (3,)  # CS handles it: CS's own lead
    assert told(Severity.CRITICAL, (7,)) == (4,)  # the CS manager, once
    assert told(Severity.NORMAL, (7,)) == ()


def test_a_routed_record_lands_with_its_department_unless_cs_keeps_or_answered_it() -> None:
    from deskui.domain.routing import department_leg_for

    assert department_leg_for("technical", closed=False) == "technical"
    assert department_leg_for("customer_service", closed=False) is None
    assert department_leg_for("technical", closed=True) is None
    assert department_leg_for(None, closed=False) is None


def test_the_leadership_is_a_list_of_account_names_the_site_sets() -> None:
    from deskui.domain.site import BY_KEY, SettingProblem, parse_setting, site_rules

    setting = BY_KEY["escalation.leadership"]
    assert parse_setting(setting, "周总， 王董、周总") == ("周总", "王董")
    assert parse_setting(setting, "") == ()
    assert isinstance(parse_setting(setting, "周总\x1b[2J"), SettingProblem)
    assert site_rules({"escalation.leadership": "周总"}).leadership == ("周总",)
    assert site_rules({}).leadership == ()
