"""Every audit line the services write reads in words (`deskui audit`, the account history):
each action written, and each detail it keeps, has its line in the zh-CN and the en catalog;
a code without one would show raw (cli/common.in_words falls back to the code)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import deskui.services
from deskui.i18n import catalog

SERVICES = Path(deskui.services.__file__).parent


def _is_audit_write(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "_audit"
    if not isinstance(func, ast.Attribute) or func.attr not in ("write", "reassigned"):
        return False
    owner = func.value
    return (isinstance(owner, ast.Attribute) and owner.attr == "audit") or (
        isinstance(owner, ast.Name) and owner.id == "audit"
    )


def _keys(node: ast.expr) -> set[str]:
    if not isinstance(node, ast.Dict):
        return set()
    return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def _written() -> tuple[set[str], set[str]]:
    """The actions (string literals among an audit write's arguments) and the detail keys
    (of a dict given to the write, or, in a function that writes the audit, built under the
    name given before the call, or set on `detail` as `detail["key"]`)."""
    actions: set[str] = {"reassign"}  # AuditStore.reassigned writes it
    details: set[str] = {"from", "to", "reason"}  # and these
    for path in sorted(SERVICES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            writes = [
                n for n in ast.walk(function) if isinstance(n, ast.Call) and _is_audit_write(n)
            ]
            if not writes:
                continue
            names = {"detail"}
            for call in writes:
                actions.update(
                    arg.value
                    for arg in call.args
                    if isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and arg.value.isidentifier()
                    and arg.value.islower()
                )
                given = [k.value for k in call.keywords if k.arg == "detail"] + call.args
                details.update(key for value in given for key in _keys(value))
                names.update(value.id for value in given if isinstance(value, ast.Name))
            for node in ast.walk(function):
                if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                    if isinstance(target, ast.Name) and target.id in names:
                        details.update(_keys(node.value))
                    if (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "detail"
                        and isinstance(target.slice, ast.Constant)
                        and isinstance(target.slice.value, str)
                    ):
                        details.add(target.slice.value)
    return actions, details


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_audit_action_and_detail_written_has_words(locale: str) -> None:
    words = catalog(locale)
    actions, details = _written()
    assert {"calendar_day", "visit_decided", "export"} <= actions  # the scan finds them
    assert sorted(a for a in actions if f"audit.action.{a}" not in words) == []
    assert sorted(d for d in details if f"audit.detail.{d}" not in words) == []
