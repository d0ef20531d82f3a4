"""A refusal: the command broke a rule of the seeds (a missing field, a flagged word, a closed
record) or the actor's role may not do it. It is the agent's to fix, so the form stays open
with the reason beside it; anything else a service raises is a fault of the database.

Every refusal of every layer derives from `Refusal`, so the runner catches them all without
importing the stores that define them (importing them all cost some 45 ms of the desk's first
service run)."""

from __future__ import annotations

from collections.abc import Iterable

from deskui.domain.field_problem import FieldProblem


class Refusal(Exception):
    """The base of every answer that is the agent's to fix."""


class Invalid(Refusal, ValueError):
    """A command the domain's checks find wrong (a blank field, a time out of order, a choice
    the role may not make): every problem beside its field; `key`, `field` and `values` are
    the first one's, for a caller that says one line."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("an Invalid needs at least one problem")
        first = self.problems[0]
        super().__init__(first.key)
        self.key = first.key
        self.field = first.field
        self.values: dict[str, object] = dict(first.values)

    @property
    def problem(self) -> FieldProblem:
        """The first problem, for a form that shows one."""
        return self.problems[0]


def refuse_problems(problems: Iterable[FieldProblem]) -> None:
    """Refuse the command (`Invalid`) when the domain's checks found anything wrong."""
    found = tuple(problems)
    if found:
        raise Invalid(found)
