"""No module at the package root (deskui/*.py) or of the command line (deskui/cli/) imports
into a circle (issue 24: cli <-> cli_accounts <-> report_command, report <-> lead_sheets).

The import graph is read from the source with `ast`, every import counted: at the top, in a
function (a lazy import is still a circle a reader must untangle) and under TYPE_CHECKING."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "deskui"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    """Every deskui module `path` names in an import (an imported name that is a module
    counts as that module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "deskui" or m.startswith("deskui.")}


def _graph(paths: list[Path]) -> dict[str, set[str]]:
    names = {_module_name(p): p for p in paths}
    return {
        name: {m for m in _imports(path, name) if m in names and m != name}
        for name, path in names.items()
    }


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _root_and_cli() -> list[Path]:
    return sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "cli").glob("*.py"))


def test_the_graph_sees_the_modules_and_their_imports() -> None:
    # guards the test below against an empty graph or a reader that finds no import
    graph = _graph(_root_and_cli())
    assert "deskui.cli" in graph and "deskui.cli.accounts" in graph and "deskui.app" in graph
    assert "deskui.cli.common" in graph["deskui.cli.accounts"]
    assert "deskui.cli.parser" in graph["deskui.cli"]


def test_a_circle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_a_lazy_import_counts(tmp_path: Path) -> None:
    package = tmp_path / "deskui"
    package.mkdir()
    (package / "one.py").write_text("def f():\n    from deskui.two import g\n")
    (package / "two.py").write_text("from . import one\n")
    names = {"deskui.one": package / "one.py", "deskui.two": package / "two.py"}
    graph = {
        name: {m for m in _imports(path, name) if m in names and m != name}
        for name, path in names.items()
    }
    assert graph == {"deskui.one": {"deskui.two"}, "deskui.two": {"deskui.one"}}


def test_no_module_at_the_root_or_of_the_cli_imports_into_a_circle() -> None:
    assert _circles(_graph(_root_and_cli())) == []
