"""Every use case asks the permission table (issue 24): each public function of
deskui/services of the shape (uow, actor, command, now) calls `require()` or `may()` (itself or
through a helper of its module), or is on the short allow-list below with the reason; and
called by a role outside the table, it answers `Denied` before it reads or writes anything."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any
from unittest.mock import MagicMock

import pytest

import deskui.services
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.services.accounts import AccountRefused, AddAgent, SetExtension, SetRole
from deskui.services.actor import Actor, Denied
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

ALLOWED: dict[str, str] = {
    "accounts.sign_in": "who is acting is what it finds out: nobody is signed in yet",
    "accounts.demo_sign_in": "as sign_in, in a process started with --demo only",
    "agents.add_first_agent": "the first agent of an empty desk, nobody signed in yet; once "
    "the desk has one it is refused to everyone (accounts.add_agent asks the table)",
    "accounts.change_password": "one's own password, whatever the role (a one-time "
    "password is changed before anything else)",
    "audit.record_denial": "writes the audit line of a refusal, whoever was refused",
    "handover.flag_late_acknowledgements": "the clock's sweep: runs whoever is signed in, "
    "or nobody, and decides by time alone",
    "web_desks.start_web_desk": "a browser desk's start: who is acting is what it finds out, "
    "from the web host's hand-over of a sign-in (issue 23)",
}
"""Services that need not ask the table, each with why. Keep it short."""

CONSULTS = frozenset({"require", "may", "account_action_refusal"})
"""A call to any (a name or a method: `actor.may(...)`) consults the table; who may manage
whose account is the table's `account_action_refusal` (issue 23)."""

ACCOUNT_COMMANDS: dict[str, Callable[[], object]] = {
    "accounts.add_agent": lambda: AddAgent("新来的", "agent", "a long password"),
    "accounts.reset_password": lambda: "李娜",
    "accounts.set_active": lambda: ("李娜", False),
    "accounts.set_role": lambda: SetRole("李娜", "lead"),
    "accounts.set_extension": lambda: SetExtension("李娜", "8009"),
}
"""Who may manage an account depends on the account's role as well as the actor's: these
services read the account the command names, then ask the table, and refuse (audited) with
the table's `account.refused.*` line. Called with a real command naming a real account."""


def _modules() -> Iterator[ModuleType]:
    for info in pkgutil.iter_modules(deskui.services.__path__):
        yield importlib.import_module(f"deskui.services.{info.name}")


def _is_service(node: ast.AST) -> bool:
    if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
        return False
    names = [a.arg for a in node.args.args]
    return len(names) == 4 and names[0] == "uow" and names[3] == "now"


def _called(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                names.add(call.func.id)
            elif isinstance(call.func, ast.Attribute):
                names.add(call.func.attr)
    return names


def _consults(name: str, functions: dict[str, ast.FunctionDef], seen: set[str]) -> bool:
    """Whether `name` calls require()/may(), itself or through its module's functions."""
    seen.add(name)
    called = _called(functions[name])
    if called & CONSULTS:
        return True
    helpers = (c for c in called if c in functions and c not in seen)
    return any(_consults(helper, functions, seen) for helper in helpers)


def _services() -> dict[str, tuple[Callable[..., Any], bool]]:
    """Every service by `module.function`: the function and whether it consults the table."""
    found: dict[str, tuple[Callable[..., Any], bool]] = {}
    for module in _modules():
        tree = ast.parse(inspect.getsource(module))
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        short = module.__name__.removeprefix("deskui.services.")
        for node in tree.body:
            if _is_service(node):
                assert isinstance(node, ast.FunctionDef)
                consults = _consults(node.name, functions, set())
                found[f"{short}.{node.name}"] = (getattr(module, node.name), consults)
    return found


SERVICES = _services()


def test_the_services_are_found() -> None:
    # the walk finds the use cases of every job (a broken walk would pass anything)
    assert len(SERVICES) > 100
    for name in ("intake.record_call", "reception.issue_pass", "departments.department_queue_rows"):
        assert name in SERVICES
    assert sorted(name for name in ACCOUNT_COMMANDS if name not in SERVICES) == []


def test_every_service_consults_the_permission_table() -> None:
    silent = sorted(
        name for name, (_, consults) in SERVICES.items() if not consults and name not in ALLOWED
    )
    assert silent == [], "these services decide no permission: call require() or may()"


def test_the_allow_list_is_short_and_current() -> None:
    assert len(ALLOWED) <= 7
    assert sorted(name for name in ALLOWED if name not in SERVICES) == []


def test_a_role_outside_the_table_is_denied_by_every_service(
    database: Database, desk: Desk
) -> None:
    """Called by a role the table does not know, with any command at all, each service
    answers Denied: the table is asked before the command is read or anything written (on
    a desk with agents: agents.add_first_agent refuses everyone)."""
    visitor = Actor(desk.agent, "王芳", "visitor")
    answered: dict[str, str] = {}
    for name, (service, _) in sorted(SERVICES.items()):
        if name in ALLOWED:
            continue
        command = ACCOUNT_COMMANDS.get(name, lambda: MagicMock(name="command"))()
        with UnitOfWork(database) as uow:
            try:
                service(uow, visitor, command, FIXED_NOW)
            except Denied:
                continue
            except AccountRefused as refused:
                if name in ACCOUNT_COMMANDS and refused.key.startswith("account.refused."):
                    continue
                answered[name] = refused.key
            except Exception as error:  # the name of what it did instead
                answered[name] = type(error).__name__
            else:
                answered[name] = "a result"
    assert answered == {}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_allowed_service_exists_and_says_why(name: str) -> None:
    assert name in SERVICES
    assert len(ALLOWED[name]) > 20


PERMISSION_MODULES = ("deskui.domain.permissions", "deskui.domain.work_permissions")


def _permission_decisions(tree: ast.AST) -> list[str]:
    """Where a module decides a permission: it imports the table, or compares a loaded
    agent's role (`lead.role == ...`, `agent.role in ...`); a query's column
    (`m.Agent.role == Role.LEAD`, which rows to read) is no decision."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in PERMISSION_MODULES:
            found.append(f"line {node.lineno}: imports {node.module}")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: imports {a.name}"
                for a in node.names
                if a.name in PERMISSION_MODULES
            ]
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                column = isinstance(side, ast.Attribute) and isinstance(side.value, ast.Attribute)
                if isinstance(side, ast.Attribute) and side.attr == "role" and not column:
                    found.append(f"line {node.lineno}: compares {ast.unparse(side)}")
    return found


def test_no_store_decides_a_permission() -> None:
    """Stores persist; who may do what is the services' to ask the table (issue 24)."""
    import deskui.data

    offenders: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(deskui.data.__path__):
        if info.name == "demo":  # seeds demo rows by role; it serves no actor
            continue
        path = inspect.getfile(importlib.import_module(f"deskui.data.{info.name}"))
        with open(path, encoding="utf-8") as source:
            found = _permission_decisions(ast.parse(source.read()))
        if found:
            offenders[info.name] = found
    assert offenders == {}


def test_the_store_check_finds_a_permission_decided() -> None:
    """The check above can fail: each way a store decided a permission before is found."""
    decided = (
        "from deskui.domain.permissions import Action, may\n"
        "def f(lead):\n"
        "    if lead.role != 'lead':\n"
        "        raise ValueError\n"
        "    return select(m.Agent).where(m.Agent.role == 'lead')\n"
    )
    found = _permission_decisions(ast.parse(decided))
    assert found == [
        "line 1: imports deskui.domain.permissions",
        "line 3: compares lead.role",
    ]
