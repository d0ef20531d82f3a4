"""One limit per kind of field, said before the save (issue 13: the complaint note took
100,000 characters while intake capped at 4,000)."""

from __future__ import annotations

import ast
from pathlib import Path

from textual import events
from textual.widgets import Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.field_limits import FieldKind, limit
from deskui.widgets.guarded_text import GuardedArea, GuardedText
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, screen_text, settle
from tests.screens.test_complaint_screens import ANGRY, _open_from_list, _ticket

SCREENS = Path(__file__).resolve().parents[2] / "deskui" / "screens"
NOTE = limit(FieldKind.NOTE)


async def test_a_complaint_note_past_the_limit_is_refused_before_the_save_and_kept(
    demo_database: Database, clock: FixedClock
) -> None:
    ticket_id = _ticket(demo_database, ANGRY)
    with UnitOfWork(demo_database) as uow:
        step_before = uow.complaints.complaint(ticket_id).step
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open_from_list(pilot, demo_database, "王芳", ticket_id)
        area = app.screen.query_one("#note GuardedArea", GuardedArea)
        area.focus()
        pasted = "记" * (NOTE - 5)
        app.post_message(events.Paste(pasted))  # what the terminal sends for a paste
        await settle(pilot)
        note = app.screen.query_one("#note", GuardedText)
        assert note.has_class("-near-limit")
        assert _count(note) == f"还可写 5 字（上限 {NOTE} 字）"
        await pilot.press(*"网络断了一整天")
        await settle(pilot)
        assert f"最多 {NOTE} 字，现在 {NOTE + 2} 字" in _count(note)
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "▶ 1 平息情绪" in text  # not advanced
        assert "内容过长" in str(app.screen.query_one("#err-note").render())
        assert app.screen.query_one("#note", GuardedText).text == pasted + "网络断了一整天"
    with UnitOfWork(demo_database) as uow:
        assert uow.complaints.complaint(ticket_id).step == step_before


def _count(note: GuardedText) -> str:
    return str(note.query_one(".guarded-text--count", Static).render())


def _calls(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ]


def test_every_input_on_a_screen_has_its_kinds_limit() -> None:
    """An Input without max_length takes any length: each one names its kind's limit."""
    missing = []
    for path in sorted(SCREENS.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for call in _calls(tree, {"Input", "PhoneInput"}):
            if not any(keyword.arg == "max_length" for keyword in call.keywords):
                missing.append(f"{path.name}:{call.lineno}")
    assert missing == []


def test_every_guarded_text_on_a_screen_names_its_kind() -> None:
    missing = []
    for path in sorted(SCREENS.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for call in _calls(tree, {"GuardedText"}):
            if not any(keyword.arg == "kind" for keyword in call.keywords):
                missing.append(f"{path.name}:{call.lineno}")
    assert missing == []
