"""The layers load only what they need (STYLE.md: the layers), checked in a fresh interpreter.

As Harlequin's tests/unit_tests/test_import_hygiene.py: a module that pulls in the UI or the
ORM by accident costs start-up time, and the desk must paint before the data layer loads
(DESIGN.md 9).
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import deskui.domain
import deskui.widgets

ROOT = Path(__file__).resolve().parents[1]


def _submodules(package: object) -> list[str]:
    return sorted(
        info.name for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}.")
    )


def _loaded_after_import(modules: list[str]) -> dict[str, bool]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps({m: m in sys.modules for m in ('textual', 'sqlalchemy')}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


DOMAIN = _submodules(deskui.domain)
WIDGETS = _submodules(deskui.widgets)


def test_the_lists_of_modules_are_not_empty() -> None:
    # guards the parametrisations below against silently testing nothing
    assert "deskui.domain.deadlines" in DOMAIN
    assert "deskui.widgets.work_list" in WIDGETS


@pytest.mark.parametrize("module", ["deskui.domain", *DOMAIN])
def test_domain_loads_neither_textual_nor_sqlalchemy(module: str) -> None:
    assert _loaded_after_import([module]) == {"textual": False, "sqlalchemy": False}


@pytest.mark.parametrize("module", ["deskui.data.models", "deskui.data.unit_of_work"])
def test_data_layer_does_not_load_textual(module: str) -> None:
    loaded = _loaded_after_import([module])
    assert loaded["sqlalchemy"]  # the check can see a loaded package at all
    assert not loaded["textual"]


@pytest.mark.parametrize("module", ["deskui.widgets", *WIDGETS])
def test_widgets_do_not_load_sqlalchemy(module: str) -> None:
    assert not _loaded_after_import([module])["sqlalchemy"]


def test_app_paints_before_the_data_layer_loads() -> None:
    loaded = _loaded_after_import(["deskui.app"])
    assert loaded["textual"]
    assert not loaded["sqlalchemy"]
