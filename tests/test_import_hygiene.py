"""The layers load only what they need (STYLE.md: the layers), checked in a fresh interpreter.

As Harlequin's tests/unit_tests/test_import_hygiene.py: a module that pulls in the UI or the
ORM by accident costs start-up time, and the desk must paint before the data layer loads
(DESIGN.md 9).
"""

from __future__ import annotations

import ast
import functools
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


def test_the_models_an_idle_desk_does_not_read_are_mapped_when_first_asked_for() -> None:
    """Issue 27: `deskui.data.models` maps the tables an idle desk reads; the others
    (deskui/data/later_models.py) are mapped by the first `models.<name>` of one of them.
    The early tables refer to no later one, so their rows are written without those."""
    code = (
        "import json, sys\n"
        "from deskui.data import models as m\n"
        "early = sorted(mp.class_.__name__ for mp in m.Base.registry.mappers)\n"
        "loaded = 'deskui.data.later_models' in sys.modules\n"
        "targets = sorted({fk.column.table.name for t in m.Base.metadata.tables.values()\n"
        "                  for fk in t.foreign_keys})\n"
        "tables = sorted(m.Base.metadata.tables)\n"
        "order = m.Order.__name__\n"
        "every = sorted(m.every_model().metadata.tables)\n"
        "print(json.dumps([early, loaded, targets, tables, order, every]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    early, loaded, targets, tables, order, every = json.loads(result.stdout.splitlines()[-1])
    assert "Agent" in early and "Order" not in early and "ComplaintRecord" not in early
    assert not loaded
    assert set(targets) <= set(tables)  # every foreign key of the early tables resolves
    assert order == "Order"
    assert {"shop_order", "complaint_record", "ticket", "agent"} <= set(every)


def test_app_paints_before_the_data_layer_loads() -> None:
    loaded = _loaded_after_import(["deskui.app"])
    assert loaded["textual"]
    assert not loaded["sqlalchemy"]


# -- Textual's public API only (issue 24) ---------------------------------------------------
#
# Textual is pinned (pyproject), but its underscored names change without notice between
# releases. deskui uses none of them where a public one serves: no `textual._*` module, and no
# private attribute of a Textual object, read, written, called or overridden. The scan is of
# the source (ast), against the private names Textual's own source defines.

PRIVATE_TEXTUAL_ALLOWED: dict[tuple[str, str], str] = {
    # (file under deskui/, name): why Textual 8.2.8 offers no public way
    ("widgets/styles_cache.py", "textual._styles_cache"): "its background-style cache held "
    "every widget painted, with its lines (textual#6665, open): the desk replaces it once",
    ("app.py", "_handle_exception"): "the one hook for an exception no handler caught: the "
    "desk writes its crash log and keeps the drafts (deskui/crash.py)",
    ("app.py", "_exit_renderables"): "Textual prints the traceback it kept there on exit; the "
    "crash log has it and the CLI says where in one line",
    ("app.py", "_bindings"): "a node's bindings (as localized and keymapped) exist only there: "
    "the palette lists the app's and the screen's keys",
    ("keys.py", "_bindings"): "a binding's words cannot be changed publicly: the catalogs' "
    "words go in when a screen is built",
    ("keys.py", "textual.widgets._select"): "the open choice's list (SelectOverlay) is not "
    "exported, and its Esc says 'Dismiss menu' in English in the footer of a zh-CN screen",
    ("keys.py", "_merged_bindings"): "that list's bindings as Textual merged them: the only "
    "place its key's words can be given in the agent's language",
    ("screens/profiles.py", "_bindings"): "as keys.py: the profile keys' catalog words",
    ("screens/help.py", "_bindings"): "as app.py: the help lists the keys of the screen below "
    "it, which is not the focused chain `Screen.active_bindings` reads",
    ("widgets/key_footer.py", "_bindings"): "the order of the app's keys as bound (keymap "
    "included), to put the screen's keys before the app's F-keys",
    ("widgets/work_list.py", "_bindings"): "as keys.py: the list's own keys in the catalog's words",
    ("screens/measures.py", "_bindings"): "as keys.py: the measures keys' catalog words",
    ("navigation.py", "_screen_stack"): "`screen_stack` is a copy: no public way to bring a "
    "screen back to the top, or to close one below the top, without rebuilding it",
    ("navigation.py", "_register"): "an installed screen is built only when first shown: "
    "`build_ahead` composes it off the stack as showing it would (`App._get_screen` does "
    "the same), so a popped call or an F-key shows it in a frame",
    ("navigation.py", "_load_screen_css"): "as `_register`: a screen's own CSS is read when "
    "it is first shown (every style of the desk updated again); the screen built ahead "
    "reads it before it is composed",
    ("navigation.py", "_refresh_layout"): "a screen off the stack is laid out only by a "
    "resize: the screen built ahead is laid out at the desk's size before it is shown",
    ("navigation.py", "_layout_required"): "as `_refresh_layout`: Textual clears it only in "
    "the current screen's update; the screen laid out ahead would be laid out again, whole, "
    "in its first frame",
    ("navigation.py", "_compositor"): "a screen off the stack is drawn only when shown: "
    "the screen built ahead has its widgets' lines drawn (into their own caches, nothing "
    "sent) before it is shown",
    ("navigation.py", "_get_renders"): "part of the drawing above: every widget's lines, "
    "without the full update that would clear the screen's dirty regions",
    ("palette.py", "_gather_commands"): "the palette's search, started from its own queued "
    "Input.Changed: no public hook to refuse one once the palette is off the stack",
    ("palette.py", "_start_no_matches_countdown"): "Textual writes 'No matches found' in "
    "English inside it: no public way to say it in the agent's language",
    ("palette.py", "_stop_no_matches_countdown"): "part of the countdown above",
    ("palette.py", "_no_matches_timer"): "part of the countdown above",
    ("palette.py", "_NO_MATCHES"): "part of the countdown above",
    ("palette.py", "_NO_MATCHES_COUNTDOWN"): "part of the countdown above",
    ("palette.py", "_list_visible"): "part of the countdown above",
    ("widgets/shared_lines.py", "_styles_cache"): "the lines a widget last drew are kept only "
    "there (issue 27): a kept screen's equal lines (a background, 320 times) are made one "
    "object, nothing drawn changed and nothing drawn again",
    ("widgets/shared_lines.py", "textual._styles_cache"): "a widget's lines are drawn there "
    "one by one: a line equal to the one drawn before it is kept as that same object (a "
    "background at 320 rows, one line instead of 320, issue 27)",
    ("widgets/shared_lines.py", "_cache"): "part of the lines above (the styles cache's own)",
    ("widgets/shared_lines.py", "_render_cache"): "part of the lines above (a plain widget's "
    "content lines)",
    ("widgets/guarded_text.py", "_build_highlight_map"): "a TextArea styles spans of its text "
    "only through a syntax language; the conduct hits are not one",
    ("widgets/guarded_text.py", "_highlights"): "part of the highlight map above",
    ("widgets/guarded_text.py", "_theme"): "part of the highlight map above",
}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


class _ClassInfo:
    def __init__(self, bases: list[str], privates: set[str]) -> None:
        self.bases = bases
        self.privates = privates


def _base_names(node: ast.ClassDef) -> list[str]:
    names = []
    for base in node.bases:
        while isinstance(base, ast.Subscript):  # Screen[None]
            base = base.value
        if isinstance(base, ast.Attribute):
            names.append(base.attr)
        elif isinstance(base, ast.Name):
            names.append(base.id)
    return names


def _defined_in(node: ast.ClassDef) -> set[str]:
    """The private names a class defines: methods, class attributes, `self._x = ...`."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _private(item.name):
            names.add(item.name)
        targets = (
            item.targets
            if isinstance(item, ast.Assign)
            else [item.target]
            if isinstance(item, ast.AnnAssign)
            else []
        )
        names |= {t.id for t in targets if isinstance(t, ast.Name) and _private(t.id)}
    for inner in ast.walk(node):
        if (
            isinstance(inner, ast.Attribute)
            and isinstance(inner.ctx, ast.Store)
            and isinstance(inner.value, ast.Name)
            and inner.value.id == "self"
            and _private(inner.attr)
        ):
            names.add(inner.attr)
    return names


@functools.cache
def _classes_under(root: Path) -> dict[str, list[_ClassInfo]]:
    return _classes(sorted(root.rglob("*.py")))


def _classes(files: list[Path]) -> dict[str, list[_ClassInfo]]:
    found: dict[str, list[_ClassInfo]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                info = _ClassInfo(_base_names(node), _defined_in(node))
                found.setdefault(node.name, []).append(info)
    return found


def _inherited(name: str, classes: dict[str, list[_ClassInfo]], seen: set[str]) -> set[str]:
    """Every private name the classes called `name` and their bases define."""
    if name in seen:
        return set()
    seen.add(name)
    names: set[str] = set()
    for info in classes.get(name, []):
        names |= info.privates
        for base in info.bases:
            names |= _inherited(base, classes, seen)
    return names


def _textual_imports(tree: ast.Module) -> set[str]:
    """The names a deskui module imports from Textual."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "textual"
        for alias in node.names
    }


def private_textual_uses(deskui_root: Path, textual_root: Path) -> set[tuple[str, str, int]]:
    """(file, private name, line) for each use of Textual's private API under `deskui_root`."""
    textual = _classes_under(textual_root)
    every_private = set().union(*(i.privates for infos in textual.values() for i in infos))
    files = sorted(deskui_root.rglob("*.py"))
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in files}
    ours: dict[str, list[tuple[list[str], ast.ClassDef, Path]]] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                ours.setdefault(node.name, []).append((_base_names(node), node, path))

    def textual_privates(class_name: str, imported: set[str], seen: set[str]) -> set[str]:
        """What a deskui class inherits of Textual's private names (through deskui bases)."""
        if class_name in seen:
            return set()
        seen.add(class_name)
        names: set[str] = set()
        for bases, _, _ in ours.get(class_name, []):
            for base in bases:
                if base in ours:
                    names |= textual_privates(base, imported, seen)
                elif base in textual:
                    names |= _inherited(base, textual, set())
        return names

    uses: set[tuple[str, str, int]] = set()
    own: set[str] = set()  # privates deskui defines for itself: another object's are its own
    checked: list[tuple[Path, ast.ClassDef, set[str]]] = []
    for path, tree in trees.items():
        imported = _textual_imports(tree)
        relative = path.relative_to(deskui_root).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                modules = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                )
                for module in modules:
                    parts = module.split(".")
                    if parts[0] == "textual" and any(_private(part) for part in parts):
                        uses.add((relative, module, node.lineno))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _private(node.name):
                own.add(node.name)  # a module's function, or a class's (checked below)
            elif isinstance(node, ast.ClassDef):
                inherited = textual_privates(node.name, imported, set())
                checked.append((path, node, inherited))
                own |= _defined_in(node) - inherited
    for path, node, inherited in checked:
        relative = path.relative_to(deskui_root).as_posix()
        for name in _defined_in(node) & inherited:  # an override, or a write
            line = next(
                (n.lineno for n in ast.walk(node) if getattr(n, "name", None) == name), node.lineno
            )
            uses.add((relative, name, line))
    for path, tree in trees.items():
        relative = path.relative_to(deskui_root).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not _private(node.attr):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue  # its own class's: checked below when that class is a Textual one
            if node.attr in every_private and node.attr not in own:
                uses.add((relative, node.attr, node.lineno))
    for path, node, inherited in checked:  # `self._x` and `super()._x` of Textual's
        relative = path.relative_to(deskui_root).as_posix()
        for inner in ast.walk(node):
            if isinstance(inner, ast.Attribute) and inner.attr in inherited:
                uses.add((relative, inner.attr, inner.lineno))
    return uses


def _textual_root() -> Path:
    import textual

    return Path(textual.__file__).parent


def test_deskui_uses_no_private_textual_api() -> None:
    uses = private_textual_uses(ROOT / "deskui", _textual_root())
    found = sorted(use for use in uses if (use[0], use[1]) not in PRIVATE_TEXTUAL_ALLOWED)
    assert not found, "Textual's private API (use the public one, or say why not above):\n" + (
        "\n".join(f"deskui/{path}:{line}: {name}" for path, name, line in found)
    )
    # the allowlist holds only what is still used: a replaced use leaves it
    used = {(path, name) for path, name, _ in uses}
    assert set(PRIVATE_TEXTUAL_ALLOWED) <= used, set(PRIVATE_TEXTUAL_ALLOWED) - used


def test_the_private_api_check_sees_each_kind_of_use(tmp_path: Path) -> None:
    """The scan above finds what it is for: a private module, a private attribute of a
    Textual object (read, written, called), and an override of a private method."""
    (tmp_path / "probe.py").write_text(
        "from textual._context import active_app\n"
        "from textual.screen import Screen\n"
        "from textual.app import App\n\n"
        "class Probe(Screen[None]):\n"
        "    def _refresh_layout(self) -> None:\n"
        "        pass\n\n"
        "    def own(self) -> None:\n"
        "        self._own = 1\n"
        "        self._compositor = None\n\n"
        "def f(app: App[None]) -> None:\n"
        "    app._screen_stack.pop()\n"
        "    app.screen._nodes\n",
        encoding="utf-8",
    )
    names = {name for _, name, _ in private_textual_uses(tmp_path, _textual_root())}
    assert names == {
        "textual._context",
        "_refresh_layout",
        "_compositor",
        "_screen_stack",
        "_nodes",
    }
