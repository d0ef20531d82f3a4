"""Who may make which choice inside the desk's work (issue 24): the finer rows beside the
permission table (deskui.domain.permissions, which says who may do an action at all). Pure:
a role and the facts in, a yes or no out; the services refuse by it, the screens offer by it.

Kept apart from permissions.py, which decides the accounts' rules too; a row here may move
into its Action table later without changing a caller's question.
"""

from __future__ import annotations

from enum import StrEnum

from deskui.domain.model import Role
from deskui.domain.permissions import Action, may


class WorkChoice(StrEnum):
    """A choice inside an action that not every role that may do the action may make."""

    CHOOSE_DEPARTMENT = "choose_department"
    """seed 002:2.3.2: routing proposes the department; a lead may send it elsewhere."""
    ANY_DEPARTMENT = "any_department"
    """The desk (CS) sees every department's queue and records for them by name; a
    department member sees and works only their own department's."""


_LEADS = frozenset({Role.LEAD, Role.MANAGER})

WORK_CHOICES: dict[WorkChoice, frozenset[str]] = {
    WorkChoice.CHOOSE_DEPARTMENT: _LEADS,
    WorkChoice.ANY_DEPARTMENT: frozenset({Role.AGENT, Role.LEAD, Role.MANAGER}),
}


def may_choose(role: str, choice: WorkChoice) -> bool:
    """Whether `role` may make `choice` (an unknown role may make none)."""
    return role in WORK_CHOICES[choice]


def may_see_department(role: str, own_department: str | None, department: str) -> bool:
    """Whether `role` (a member of `own_department`, or of none) may read `department`'s
    queue: the desk any department's, a department member only their own."""
    if may_choose(role, WorkChoice.ANY_DEPARTMENT):
        return True
    return may(role, Action.WORK_DEPARTMENT) and own_department == department


def works_one_department(role: str) -> bool:
    """A role whose work is one department's queue (a department member): their desk opens
    on F7 and records as themself, never for a department by name."""
    return may(role, Action.WORK_DEPARTMENT) and not may_choose(role, WorkChoice.ANY_DEPARTMENT)
