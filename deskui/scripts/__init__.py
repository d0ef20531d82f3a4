"""The words agents read aloud, as TOML files per locale, loaded and validated here.

`deskui/scripts/<locale>/<script>.toml`; a site may edit these files without touching code.
A problem is reported with the file and line: `complaint.toml:42: step "apology" ...`.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from deskui.domain.script_flow import (
    PLACEHOLDERS,
    Branch,
    Script,
    ScriptError,
    Step,
    placeholders_in,
)


def load_script(name: str, locale: str) -> Script:
    """A packaged script, validated; cached per (name, locale)."""
    return _load_packaged(name, locale)


@cache
def _load_packaged(name: str, locale: str) -> Script:
    resource = resources.files(__package__).joinpath(locale, f"{name}.toml")
    return parse_script(resource.read_text("utf-8"), f"{locale}/{name}.toml", locale)


def load_script_file(path: Path, locale: str) -> Script:
    return parse_script(path.read_text("utf-8"), str(path), locale)


def available_scripts(locale: str) -> list[str]:
    folder = resources.files(__package__).joinpath(locale)
    return sorted(
        e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")
    )


def parse_script(text: str, source: str, locale: str) -> Script:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(error))) else 1
        raise ScriptError(source, line, f"not valid TOML: {error}") from error
    head = data.get("script")
    if not isinstance(head, dict):
        raise ScriptError(source, 1, "missing the [script] table (id, title, start)")
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScriptError(source, 1, "no [[step]] tables")
    lines = text.splitlines()
    steps: dict[str, Step] = {}
    for raw in raw_steps:
        step_id = str(raw.get("id", ""))
        line = _line_of(lines, step_id)
        if not step_id:
            raise ScriptError(source, _nth_step_line(lines, len(steps)), "a step without id")
        if step_id in steps:
            raise ScriptError(source, line, f'step "{step_id}" appears twice')
        for key in ("title", "say"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise ScriptError(source, line, f'step "{step_id}" needs a non-empty {key}')
        unknown = placeholders_in(raw["say"]) - PLACEHOLDERS
        if unknown:
            raise ScriptError(
                source,
                line,
                f'step "{step_id}" uses unknown placeholder(s) {sorted(unknown)}; '
                f"known: {sorted(PLACEHOLDERS)}",
            )
        branches = tuple(
            Branch(str(b.get("answer", raw.get("ask", ""))), str(b["value"]), str(b["next"]))
            for b in raw.get("branch", [])
        )
        steps[step_id] = Step(
            id=step_id,
            title=raw["title"],
            say=raw["say"],
            do=str(raw.get("do", "")),
            requires=tuple(str(r) for r in raw.get("requires", [])),
            ask=raw.get("ask"),
            options=tuple(str(o) for o in raw.get("options", [])),
            next=raw.get("next"),
            branches=branches,
            final=bool(raw.get("final", False)),
            line=line,
        )
    start = str(head.get("start", next(iter(steps))))
    if start not in steps:
        raise ScriptError(
            source, _line_of(lines, start, "start"), f'start step "{start}" does not exist'
        )
    for step in steps.values():
        targets = ([step.next] if step.next else []) + [b.next for b in step.branches]
        for target in targets:
            if target not in steps:
                raise ScriptError(
                    source, step.line, f'step "{step.id}" goes to "{target}", which does not exist'
                )
        for branch in step.branches:
            if step.options and branch.value not in step.options:
                raise ScriptError(
                    source,
                    step.line,
                    f'step "{step.id}" branches on unknown answer "{branch.value}"',
                )
        if not targets and not step.final:
            raise ScriptError(
                source, step.line, f'step "{step.id}" has no next step and is not final'
            )
    reachable = _reachable(steps, start)
    for step in steps.values():
        if step.id not in reachable:
            raise ScriptError(
                source, step.line, f'step "{step.id}" cannot be reached from "{start}"'
            )
    return Script(
        id=str(head.get("id", Path(source).stem)),
        locale=locale,
        title=str(head.get("title", "")),
        start=start,
        steps=steps,
        source=source,
    )


def _reachable(steps: dict[str, Step], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        step = steps[current]
        todo.extend(([step.next] if step.next else []) + [b.next for b in step.branches])
    return seen


def _line_of(lines: list[str], value: str, key: str = "id") -> int:
    pattern = re.compile(rf'^\s*{key}\s*=\s*"{re.escape(value)}"')
    for number, text in enumerate(lines, start=1):
        if pattern.match(text):
            return number
    return 1


def _nth_step_line(lines: list[str], index: int) -> int:
    found = -1
    for number, text in enumerate(lines, start=1):
        if text.strip() == "[[step]]":
            found += 1
            if found == index:
                return number
    return 1
