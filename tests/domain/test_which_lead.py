"""Which lead takes a matter (domain/assignment): one rule for the complaint take-over and
the unacknowledged-handover notice (seed 002:2.4.1: the agent's own group's lead)."""

from __future__ import annotations

from deskui.domain.assignment import Lead, lead_taking_over, leads_for

NORTH_2, SOUTH, NORTH_1 = Lead(7, "north"), Lead(3, "south"), Lead(5, "north")


def test_the_teams_own_leads_in_the_order_they_were_added() -> None:
    assert leads_for("north", [NORTH_2, SOUTH, NORTH_1]) == (NORTH_1, NORTH_2)
    assert lead_taking_over("north", [NORTH_2, SOUTH, NORTH_1]) == NORTH_1


def test_a_team_without_a_lead_goes_to_every_lead() -> None:
    assert leads_for("east", [NORTH_2, SOUTH, NORTH_1]) == (SOUTH, NORTH_1, NORTH_2)
    assert lead_taking_over("east", [NORTH_2, SOUTH, NORTH_1]) == SOUTH


def test_no_lead_at_all() -> None:
    assert leads_for("north", []) == ()
    assert lead_taking_over("north", []) is None
