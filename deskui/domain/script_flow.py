"""Phone scripts as data with a tiny flow engine (DESIGN.md 6).

A script is a set of steps: the words to read aloud (with placeholders such as
`{salutation}`), what the agent must do, the fields the step requires, an optional question
with its answers, and where to go next (`next`, or a branch per answer). `ScriptFlow` walks
one: the current step, whether it can advance and why not, the next step given answers.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from deskui.domain.refusal import Refusal

PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "salutation",  # 称呼: 王先生 / 李女士, from the contact's name and gender
        "contact_name",
        "customer_name",
        "unit_number",
        "product",
        "agent_name",
        "company",
        "reply_time",
        "callback_time",
        "occasion",  # which holiday, birthday, anniversary or promotion (seed 000:2.5.1.2)
    }
)


class ScriptError(Refusal, ValueError):
    """A script file that cannot be used, said with its file and line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Branch:
    answer: str
    """The question's answer key this branch reads."""
    value: str
    next: str


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    say: str
    do: str = ""
    requires: tuple[str, ...] = ()
    ask: str | None = None
    """The key of the question this step asks, if any; its answers are `options`."""
    options: tuple[str, ...] = ()
    next: str | None = None
    branches: tuple[Branch, ...] = ()
    final: bool = False
    line: int = 0


@dataclass(frozen=True, slots=True)
class Script:
    id: str
    locale: str
    title: str
    start: str
    steps: Mapping[str, Step]
    source: str = ""

    @property
    def order(self) -> list[str]:
        """Steps in file order, for the progress strip."""
        return list(self.steps)


class StepRefused(Refusal, ValueError):
    """A step that may not be left as asked: `reason` says why (`missing`: the step's
    required answers `fields` are empty; `not_on_path`: the call never reached that step;
    `finished`: the script is over; `no_next`: no way on from the answers given;
    `not_a_complaint`: the complaint script named a ticket that is no complaint;
    `too_long`: the answers `fields` are past their field's limit)."""

    def __init__(self, step: str, reason: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(f"step {step}: {reason}" + (f" ({', '.join(fields)})" if fields else ""))
        self.step = step
        self.reason = reason
        self.fields = fields


@dataclass(frozen=True, slots=True)
class StepLeft:
    """Where leaving a step leads: the step reached, the path to it, and whether it ends
    the script."""

    leaving: str
    reached: str
    path: tuple[str, ...]
    final: bool


def leave_step(
    script: Script, path: Sequence[str], leaving: str, answers: Mapping[str, object]
) -> StepLeft:
    """The step `leaving` done with `answers`, on a call that has taken `path` so far (empty
    for a call not started): the script decides where it leads. The agent may leave the step
    they are on or one already taken (stepped back to); raises `StepRefused` otherwise, or
    when a required answer is empty or no branch matches."""
    taken = [step for step in path if step in script.steps] or [script.start]
    if leaving not in taken:
        raise StepRefused(leaving, "not_on_path")
    flow = ScriptFlow(script, leaving, taken[: taken.index(leaving) + 1])
    if flow.current.final:
        raise StepRefused(leaving, "finished")
    missing = flow.missing(answers)
    if missing:
        raise StepRefused(leaving, "missing", tuple(missing))
    target = flow.next_step(answers)
    if target is None or target not in script.steps:
        raise StepRefused(leaving, "no_next", (flow.current.ask,) if flow.current.ask else ())
    return StepLeft(leaving, target, (*flow.path, target), script.steps[target].final)


def is_filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


@dataclass
class ScriptFlow:
    """Where a call stands in its script; `answers` holds captured fields and answers."""

    script: Script
    current_id: str = ""
    path: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.current_id:
            self.current_id = self.script.start
        if not self.path:
            self.path = [self.current_id]

    @property
    def current(self) -> Step:
        return self.script.steps[self.current_id]

    def missing(self, answers: Mapping[str, object]) -> list[str]:
        """Required fields of the current step that are still empty, in order."""
        step = self.current
        needed = list(step.requires)
        if step.ask and step.ask not in needed:
            needed.append(step.ask)
        return [name for name in needed if not is_filled(answers.get(name))]

    def can_advance(self, answers: Mapping[str, object]) -> bool:
        return not self.missing(answers) and not self.current.final

    def next_step(self, answers: Mapping[str, object]) -> str | None:
        step = self.current
        for branch in step.branches:
            if str(answers.get(branch.answer, "")) == branch.value:
                return branch.next
        return step.next

    def advance(self, answers: Mapping[str, object]) -> Step:
        """Move on; raises ValueError naming what is missing when the step is not done."""
        missing = self.missing(answers)
        if missing:
            raise ValueError(f"step {self.current_id} needs: {', '.join(missing)}")
        target = self.next_step(answers)
        if target is None:
            raise ValueError(f"step {self.current_id} is the last")
        self.current_id = target
        self.path.append(target)
        return self.current

    def back(self) -> Step:
        if len(self.path) > 1:
            self.path.pop()
            self.current_id = self.path[-1]
        return self.current

    @property
    def done(self) -> bool:
        return self.current.final

    def visited(self, step_id: str) -> bool:
        return step_id in self.path[:-1]


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


def render(text: str, values: Mapping[str, object]) -> str:
    """The words with this caller's details filled in; unknown values read as `…`."""
    return string.Formatter().vformat(
        text, (), _Blank({k: str(v) for k, v in values.items() if is_filled(v)})
    )


def salutation(name: str, gender: str, locale: str) -> str:
    """称呼: surname + 先生/女士 (zh-CN) or Mr/Ms + surname (en); the full name otherwise."""
    name = name.strip()
    if not name:
        return "您" if locale == "zh-CN" else "Sir or Madam"
    surname = name[0] if _is_cjk(name[0]) else name.split()[-1]
    if locale == "zh-CN":
        if gender == "male":
            return f"{surname}先生"
        if gender == "female":
            return f"{surname}女士"
        return name
    if gender == "male":
        return f"Mr {surname}"
    if gender == "female":
        return f"Ms {surname}"
    return name


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def placeholders_in(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
