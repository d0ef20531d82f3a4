"""A small app around one WorkList, a fixed clock and an in-memory source that records calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult

from deskui.domain.clock import FixedClock
from deskui.widgets.work_list import Column, WorkList

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    number: int
    name: str
    starts_at: datetime
    due_at: datetime
    paused_at: datetime | None = None


class FakeSource:
    """Rows in a list; remembers every `rows(offset, limit)` call and how often it counted."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.data = list(rows)
        self.calls: list[tuple[int, int]] = []
        self.counts = 0

    def count(self) -> int:
        self.counts += 1
        return len(self.data)

    def rows(self, offset: int, limit: int) -> Sequence[Row]:
        self.calls.append((offset, limit))
        return self.data[offset : offset + limit]


def generated(n: int) -> list[Row]:
    return [
        Row(i, f"客户{i}", START - timedelta(hours=1), START + timedelta(hours=9, minutes=i % 60))
        for i in range(n)
    ]


COLUMNS = (
    Column("#", 6, cell=lambda row: str(row.number)),
    Column("客户", 10, cell=lambda row: row.name),
    Column("时限", 14, countdown=lambda row: (row.due_at, row.starts_at, row.paused_at)),
    Column("备注", 0, cell=lambda row: f"note {row.number}"),
)


class ListApp(App[None]):
    def __init__(self, source: FakeSource, columns: Sequence[Column] = COLUMNS) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.source = source
        self.columns = columns
        self.selected: list[WorkList.RowSelected] = []
        self.moved: list[WorkList.CursorMoved] = []

    def compose(self) -> ComposeResult:
        yield WorkList(self.columns, self.source)

    def on_mount(self) -> None:
        self.query_one(WorkList).focus()

    def on_work_list_row_selected(self, message: WorkList.RowSelected) -> None:
        self.selected.append(message)

    def on_work_list_cursor_moved(self, message: WorkList.CursorMoved) -> None:
        self.moved.append(message)
