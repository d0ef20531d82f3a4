"""What a written reply to a complaint must be before it is saved (seed 001:7; issue 24: the
service's gate, the composer's checks): the facts written into the letter within their
limits and the rules of conduct (seed 000:3.2.1.2), and a letter that says something."""

from __future__ import annotations

from deskui.domain.conduct import ConductRules, flagged_phrases
from deskui.domain.field_limits import FieldKind, input_limit, limit
from deskui.domain.field_problem import FieldProblem

WRITTEN_FACTS = ("cause", "responsible")
"""The facts the letter quotes as typed: held to the rules of conduct."""


def reply_problems(
    *, cause: str, responsible: str, result: str, reply_text: str, rules: ConductRules
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for name, text in zip(WRITTEN_FACTS, (cause, responsible), strict=True):
        if len(text) > input_limit(name):
            problems.append(_too_long(name, text, input_limit(name)))
        elif flagged := flagged_phrases(rules, text):
            problems.append(
                FieldProblem(name, "reply.err.conduct", (("phrases", "、".join(flagged)),))
            )
    if len(result) > limit(FieldKind.NOTE):
        problems.append(_too_long("result", result, limit(FieldKind.NOTE)))
    if not reply_text.strip():
        problems.append(FieldProblem("reply", "reply.empty"))
    elif len(reply_text) > limit(FieldKind.LETTER):
        problems.append(_too_long("reply", reply_text, limit(FieldKind.LETTER)))
    return problems


def _too_long(field: str, text: str, most: int) -> FieldProblem:
    return FieldProblem(field, "field.too_long", (("limit", most), ("length", len(text))))
