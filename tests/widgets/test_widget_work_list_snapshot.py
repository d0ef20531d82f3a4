"""How a WorkList looks: Chinese rows aligned, every countdown phase, user markup as text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.pilot import Pilot
from worklist_app import START, FakeSource, ListApp, Row

from deskui.widgets.work_list import Column

ROWS = [
    Row(1, "张伟", START - timedelta(hours=1), START + timedelta(hours=9)),  # calm
    Row(2, "Li Na 李娜", START - timedelta(hours=6), START + timedelta(hours=4)),  # near
    Row(3, "欧阳明月超长的名字要截断", START - timedelta(hours=9), START + timedelta(minutes=45)),
    Row(4, "王芳", START - timedelta(hours=3), START - timedelta(hours=1, minutes=5)),  # overdue
    Row(5, "[red]赵[/]\x1b[31m", START - timedelta(hours=2), START + timedelta(hours=2), START),
]

COLUMNS = (
    Column("编号", 5, cell=lambda row: f"T{row.number:03d}"),
    Column("客户", 14, cell=lambda row: row.name),
    Column("时限", 14, countdown=lambda row: (row.due_at, row.starts_at, row.paused_at)),
    Column("摘要", 0, cell=lambda row: f"宽带报修 {row.number} 号"),
)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_work_list_snapshot(snap_compare: Any) -> None:
    app = ListApp(FakeSource(ROWS), COLUMNS)
    assert snap_compare(app, terminal_size=(80, 20), run_before=settle)
