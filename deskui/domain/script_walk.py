"""A call's script replayed from the answers a command carries (issue 24): where it ends and
what is missing on the way, so a service decides as the screen's walk did, whoever calls it.

Over deskui.domain.script_flow (the flow the screens step through), never changing it.
"""

from __future__ import annotations

from collections.abc import Mapping

from deskui.domain.field_problem import FieldProblem
from deskui.domain.script_flow import Script, ScriptFlow, Step, is_filled


def walk_answers(script: Script, answers: Mapping[str, object]) -> tuple[Step, list[FieldProblem]]:
    """The step the answers carry the script to from its start, and what stopped them short
    of a final step: a required field still empty ("callbacks.error.required"), a question
    unanswered or answered outside its options ("callbacks.call.pick_answer"), a branch
    leading nowhere ("callbacks.call.finish_script")."""
    flow = ScriptFlow(script)
    for _ in range(len(script.steps) + 1):  # a script that loops is walked no further
        step = flow.current
        answer = answers.get(step.ask) if step.ask else None
        if step.ask and step.options and is_filled(answer) and str(answer) not in step.options:
            return step, [FieldProblem(step.ask, "callbacks.call.pick_answer")]
        missing = flow.missing(answers)
        if missing:
            return step, [_missing(step, name) for name in missing]
        if step.final:
            return step, []
        if flow.next_step(answers) is None:
            return step, [FieldProblem(step.ask or step.id, "callbacks.call.finish_script")]
        flow.advance(answers)
    return flow.current, [FieldProblem(flow.current.id, "callbacks.call.finish_script")]


def _missing(step: Step, name: str) -> FieldProblem:
    if name == step.ask:
        return FieldProblem(name, "callbacks.call.pick_answer")
    return FieldProblem(name, "callbacks.error.required")
