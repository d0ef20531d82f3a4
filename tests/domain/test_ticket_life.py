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
