"""Every screen and dialog where an agent types keeps a draft (DESIGN.md 5; issue 13): each
class in deskui.screens whose widgets take typing (Input, TextArea, GuardedText) builds a
FormDraft, or says here why what is typed there is no form's content."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
import textwrap
from functools import cache

from textual.screen import Screen

import deskui.screens

TYPING = {"Input", "FieldInput", "PhoneInput", "TextArea", "GuardedText"}
NOT_A_FORM = {
    "AgentPickModal": "sign-in: no agent yet, and a draft belongs to one agent",
    "SignInScreen": "a name and a password: a password is never stored, a draft would store it",
    "AccountFormModal": "a new account's password: never stored, so never a draft",
    "ContactPickModal": "a search box over the contacts: a filter, not a record",
    "CorrespondenceScreen": "the register's search box (its entries are LegFormModal)",
    "SearchScreen": "what to find (issue 26): a search, not a record",
    "AttachmentsModal": "the path of a file to attach or save to, not words for a record",
    "ImportModal": "the path of the file to import, not words for a record",
    "PeriodRangeModal": "the two days the measures are shown for: a view's filter, no record",
    "PrivacyModal": "a person's data request (issue 28, PIPL): a draft would keep the very "
    "number or name the manager is asked to erase",
    "IntakeScreen": "its own draft (intake.DRAFT_FORM, older than FormDraft; the kill test "
    "in test_drafts_survive_sigkill covers it)",
}


@cache
def _screen_classes() -> tuple[type[Screen[object]], ...]:
    found: dict[str, type[Screen[object]]] = {}
    for module in pkgutil.iter_modules(deskui.screens.__path__):
        loaded = importlib.import_module(f"deskui.screens.{module.name}")
        for name, cls in vars(loaded).items():
            if (
                inspect.isclass(cls)
                and issubclass(cls, Screen)
                and cls.__module__ == loaded.__name__
            ):
                found[name] = cls
    return tuple(found.values())


@cache
def _called(source: object) -> set[str]:
    """The names called in a class's or module's source (Input(...), self.x.FormDraft(...))."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(source)))  # type: ignore[arg-type]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Subscript):  # SelectionList[str](...)
                func = func.value
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


@cache
def _calls(cls: type) -> set[str]:
    """What the class's own body and its deskui bases call."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("deskui."):
            names |= _called(klass)
    return names


def test_the_walk_finds_the_forms_it_must() -> None:
    typing = {cls.__name__ for cls in _screen_classes() if _calls(cls) & TYPING}
    for name in ("CallbackCallScreen", "ComplaintScreen", "LegFormModal", "FormModal"):
        assert name in typing  # the walk sees through compose and helper methods


def _only_a_base(cls: type) -> bool:
    """Never opened itself, only through subclasses (each checked on its own)."""
    opened = set().union(*(_called(sys.modules[c.__module__]) for c in _screen_classes()))
    return bool(cls.__subclasses__()) and cls.__name__ not in opened


def test_every_screen_or_dialog_that_takes_typing_keeps_a_draft() -> None:
    classes = _screen_classes()
    missing = [
        cls.__name__
        for cls in classes
        if _calls(cls) & TYPING
        and not _only_a_base(cls)
        and "FormDraft" not in _calls(cls)
        and cls.__name__ not in NOT_A_FORM
    ]
    assert missing == [], f"typing with no FormDraft in: {', '.join(sorted(missing))}"


def test_every_reason_given_still_names_a_screen() -> None:
    names = {cls.__name__ for cls in _screen_classes()}
    assert set(NOT_A_FORM) <= names
