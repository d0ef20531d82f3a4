"""Who manages whom (issue 23): the pure permission table every account service and the
accounts screen ask. A lead manages agents and department members only and gives nobody the
lead or manager role; lead and manager accounts only a manager manages; nobody acts on their
own account; the last enabled manager is neither disabled nor demoted."""

from __future__ import annotations

import pytest

from deskui.domain.permissions import AccountAction, account_action_refusal

A = AccountAction
ME, OTHER = 1, 2


@pytest.mark.parametrize(
    ("actor", "target", "action", "new_role", "managers", "refusal"),
    [
        # the finding: a lead resets, disables, promotes the manager; or makes themselves one
        ("lead", "manager", A.RESET_PASSWORD, None, 1, "account.refused.only_manager"),
        ("lead", "manager", A.DISABLE, None, 1, "account.refused.only_manager"),
        ("lead", "manager", A.SET_ROLE, "agent", 2, "account.refused.only_manager"),
        ("lead", "lead", A.RESET_PASSWORD, None, 1, "account.refused.only_manager"),
        ("lead", "lead", A.ENABLE, None, 1, "account.refused.only_manager"),
        ("lead", "agent", A.SET_ROLE, "lead", 1, "account.refused.give_role"),
        ("lead", "agent", A.SET_ROLE, "manager", 1, "account.refused.give_role"),
        ("lead", "", A.ADD, "manager", 1, "account.refused.give_role"),
        ("lead", "", A.ADD, "lead", 1, "account.refused.give_role"),
        # what a lead does
        ("lead", "agent", A.RESET_PASSWORD, None, 1, None),
        ("lead", "department", A.DISABLE, None, 1, None),
        ("lead", "agent", A.ENABLE, None, 1, None),
        ("lead", "agent", A.SET_ROLE, "department", 1, None),
        ("lead", "department", A.SET_ROLE, "agent", 1, None),
        ("lead", "", A.ADD, "agent", 1, None),
        ("lead", "", A.ADD, "department", 1, None),
        # a manager manages everyone else
        ("manager", "lead", A.RESET_PASSWORD, None, 1, None),
        ("manager", "manager", A.DISABLE, None, 2, None),
        ("manager", "manager", A.SET_ROLE, "lead", 2, None),
        ("manager", "agent", A.SET_ROLE, "manager", 1, None),
        ("manager", "", A.ADD, "manager", 1, None),
        # the last enabled manager stays one
        ("manager", "manager", A.DISABLE, None, 1, "account.refused.last_manager"),
        ("manager", "manager", A.SET_ROLE, "agent", 1, "account.refused.last_manager"),
        ("manager", "manager", A.SET_ROLE, "manager", 1, None),
        ("manager", "manager", A.RESET_PASSWORD, None, 1, None),
        # roles without accounts to manage
        ("agent", "agent", A.RESET_PASSWORD, None, 1, "account.refused.role"),
        ("department", "agent", A.DISABLE, None, 1, "account.refused.role"),
        ("agent", "", A.ADD, "agent", 1, "account.refused.role"),
        ("visitor", "agent", A.ENABLE, None, 1, "account.refused.role"),
        ("lead", "agent", A.SET_ROLE, "boss", 1, "account.refused.give_role"),
    ],
)
def test_who_manages_whom(
    actor: str,
    target: str,
    action: AccountAction,
    new_role: str | None,
    managers: int,
    refusal: str | None,
) -> None:
    target_id = None if action is A.ADD else OTHER
    got = account_action_refusal(actor, ME, target, target_id, action, new_role, managers)
    assert got == refusal


@pytest.mark.parametrize("action", [A.RESET_PASSWORD, A.DISABLE, A.ENABLE, A.SET_ROLE])
@pytest.mark.parametrize("role", ["lead", "manager"])
def test_nobody_acts_on_their_own_account(role: str, action: AccountAction) -> None:
    new_role = "manager" if action is A.SET_ROLE else None
    assert account_action_refusal(role, ME, role, ME, action, new_role, 5) == "account.refused.own"


def test_a_disabled_manager_is_not_the_last_enabled_one() -> None:
    """Demoting a manager who is disabled leaves the enabled managers as they were."""
    refusal = account_action_refusal(
        "manager", ME, "manager", OTHER, A.SET_ROLE, "agent", 1, target_active=False
    )
    assert refusal is None
