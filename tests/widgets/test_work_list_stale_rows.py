"""A row of the source a list no longer shows never reaches the screen as under the cursor
(issue 23: F10's detail read a prospect's row as a gift's, `AttributeError: gift`, exit 70:
its CursorMoved was still on its way when `2` switched the list to the gifts)."""

from __future__ import annotations

from datetime import timedelta

from worklist_app import START, FakeSource, ListApp, Row, generated

from deskui.widgets.work_list import WorkList

SIZE = (80, 20)


class RowsSeenApp(ListApp):
    """Records each message's row as the handler reads it, when it arrives."""

    def __init__(self, source: FakeSource) -> None:
        super().__init__(source)
        self.rows_moved: list[object] = []
        self.rows_selected: list[object] = []

    def on_work_list_row_selected(self, message: WorkList.RowSelected) -> None:
        self.rows_selected.append(message.row)

    def on_work_list_cursor_moved(self, message: WorkList.CursorMoved) -> None:
        self.rows_moved.append(message.row)


async def test_messages_of_the_last_source_carry_no_row_once_another_is_shown() -> None:
    first = generated(5)
    app = RowsSeenApp(FakeSource(first))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        app.rows_moved.clear()
        other = [Row(7, "新的", START, START + timedelta(hours=1))]
        work_list.move_cursor(2)  # announced: on its way to the app
        work_list.action_select()
        work_list.set_source(FakeSource(other))  # before either arrived
        await app.workers.wait_for_complete()
        for _ in range(3):
            await pilot.pause()
        assert not any(row in first for row in app.rows_moved + app.rows_selected)
        assert app.rows_selected == [None]
        assert app.rows_moved[-1] == other[0]  # the new source's first row is announced
