"""WorkList: a virtual list that fetches only what is on screen and paints user data as text."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import suppress
from datetime import timedelta
from typing import Any

from rich.cells import cell_len
from textual.geometry import Region
from textual.worker import WorkerCancelled
from worklist_app import START, FakeSource, ListApp, Row, generated

from deskui import i18n
from deskui.widgets.work_list import (
    PAGE_SIZE,
    Column,
    WorkList,
    column_widths,
    display_text,
    fit,
)

SIZE = (80, 20)


def painted(work_list: WorkList) -> list[str]:
    """The lines as the screen holds them (only refreshed lines are repainted)."""
    width, height = work_list.size
    return [strip.text for strip in work_list.render_lines(Region(0, 0, width, height))]


async def test_first_paint_fetches_only_the_visible_page_and_its_margin() -> None:
    source = FakeSource(generated(100_000))
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        assert source.calls == [(0, PAGE_SIZE), (PAGE_SIZE, PAGE_SIZE)]
        assert source.counts == 1
        assert work_list.count == 100_000
        assert work_list.virtual_size.height == 100_001
        lines = painted(work_list)
        assert lines[0].split() == ["#", "客户", "时限", "备注"]
        assert lines[1].split()[:2] == ["0", "客户0"]
        assert lines[19].split()[:2] == ["18", "客户18"]


async def test_end_jumps_to_the_last_row_and_fetches_only_the_last_pages() -> None:
    source = FakeSource(generated(100_000))
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        await pilot.press("end")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert work_list.cursor_index == 99_999
        assert (99_800, PAGE_SIZE) in source.calls
        assert {offset for offset, _ in source.calls} <= {0, 200, 99_600, 99_800}
        assert painted(work_list)[-1].split()[:2] == ["99999", "客户99999"]
        assert app.moved[-1].index == 99_999
        assert app.moved[-1].row.number == 99_999


async def test_home_and_page_keys_move_the_cursor() -> None:
    app = ListApp(FakeSource(generated(1_000)))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        await pilot.press("pagedown", "pagedown", "down")
        assert work_list.cursor_index == 2 * 19 + 1
        assert work_list.scroll_offset.y <= work_list.cursor_index < work_list.scroll_offset.y + 19
        await pilot.press("pageup", "up")
        assert work_list.cursor_index == 19
        await pilot.press("home")
        assert work_list.cursor_index == 0
        assert work_list.scroll_offset.y == 0


async def test_enter_posts_row_selected_with_the_cursor_row() -> None:
    app = ListApp(FakeSource(generated(500)))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert [(m.index, m.row.number) for m in app.selected] == [(3, 3)]
        assert app.moved[-1].index == 3


async def test_a_click_moves_the_cursor_and_selects() -> None:
    app = ListApp(FakeSource(generated(500)))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.click(WorkList, offset=(10, 3))
        await pilot.pause()
        assert app.query_one(WorkList).cursor_index == 2
        assert [m.row.number for m in app.selected] == [2]
        await pilot.click(WorkList, offset=(10, 0))  # the header selects nothing
        await pilot.pause()
        assert len(app.selected) == 1


async def test_chinese_cells_are_padded_by_width_so_columns_align() -> None:
    names = ["张三丰", "Li Lei", "欧阳娜娜娜娜超长名字", "王"]
    rows = [Row(i, name, START, START + timedelta(hours=1)) for i, name in enumerate(names)]
    columns = (
        Column("姓名", 8, cell=lambda row: row.name),
        Column("号", 4, cell=lambda row: f"#{row.number}"),
    )
    app = ListApp(FakeSource(rows), columns)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        lines = painted(work_list)
        for i, line in enumerate(lines[1:5]):
            assert cell_len(line[: line.index(f"#{i}")]) == 9  # 8 cells and the gap
            assert cell_len(line) == work_list.scrollable_content_region.width
        assert lines[1].startswith("张三丰   #0")
        assert lines[3].startswith("欧阳娜…  #2")  # 7 cells, one pad, the gap


def test_fit_crops_and_pads_by_cells() -> None:
    assert fit("张三", 6) == "张三  "
    assert fit("张三丰", 5) == "张三…"
    assert cell_len(fit("张三丰", 4)) == 4
    assert fit("abc", 0) == ""


def test_display_text_shows_escapes_and_controls_on_one_line() -> None:
    assert display_text("\x1b[31mred\x1b[0m") == r"\x1b[31mred\x1b[0m"
    assert display_text("a\nb\tc\x07\x00") == r"a\nb\tc\x07\x00"
    assert display_text("\x1b]0;title\x07name") == r"\x1b]0;title\x07name"
    assert display_text("[red]x[/]") == "[red]x[/]"


async def test_user_markup_and_escapes_are_never_styled() -> None:
    rows = [
        Row(0, "plain", START, START + timedelta(hours=1)),
        Row(1, "[red]x[/]", START, START + timedelta(hours=1)),
        Row(2, "\x1b[31mred\x1b[0m [bold]b", START, START + timedelta(hours=1)),
    ]
    columns = (Column("名", 20, cell=lambda row: row.name),)
    app = ListApp(FakeSource(rows), columns)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        plain = work_list.render_line(1)  # row 0 has the cursor; compare rows 1 and 2 with it
        lines = painted(work_list)
        assert lines[2].startswith("[red]x[/] ")
        assert lines[3].startswith(r"\x1b[31mred\x1b[0m…")  # 20 cells, cropped
        for y in (2, 3):
            styles = {segment.style for segment in work_list.render_line(y)}
            colours = {style.color.name for style in styles if style and style.color}
            assert "red" not in colours
            assert all(style is None or not style.bold for style in styles)
        assert plain.text.startswith("plain")


async def test_countdown_cells_change_phase_as_the_clock_advances() -> None:
    rows = [
        Row(0, "a", START, START + timedelta(hours=10)),
        Row(1, "b", START, START + timedelta(hours=10), paused_at=START),
    ]
    app = ListApp(FakeSource(rows))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        await pilot.press("down")  # take the cursor off row 0

        def cell(y: int) -> str:
            width, height = work_list.size
            strips = work_list.render_lines(Region(0, 0, width, height))
            return strips[y].crop(18, 32).text.rstrip()

        assert cell(1) == "  10h 00m"
        assert cell(2).startswith("‖ 暂停")
        steps = [
            (timedelta(hours=5, seconds=1), "! 4h 59m"),
            (timedelta(hours=3), "‼ 1h 59m"),
            (timedelta(hours=1, minutes=59, seconds=50), "‼ 9s"),
            (timedelta(hours=1, minutes=5, seconds=10), "+ 逾期 1h 05m"),
        ]
        for delta, expected in steps:
            app.clock.advance(delta)
            work_list.tick()
            await pilot.pause()
            assert cell(1) == expected
            assert cell(2).startswith("‖ 暂停")
        overdue = work_list.get_component_rich_style("work-list--overdue", partial=True)
        styles = [segment.style for segment in work_list.render_line(1) if "逾期" in segment.text]
        assert styles and styles[0] is not None and styles[0].bold == overdue.bold is True


async def test_lines_are_not_repainted_without_a_tick() -> None:
    rows = [Row(0, "a", START, START + timedelta(hours=10))]
    app = ListApp(FakeSource(rows))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        before = painted(work_list)
        app.clock.advance(timedelta(minutes=1))
        await pilot.pause()
        assert painted(work_list) == before
        work_list.tick()
        await pilot.pause()
        assert painted(work_list) != before


async def test_a_tick_refreshes_only_the_countdown_cells_that_changed() -> None:
    """Issue 27: at a tick only the countdown cells whose text changed are repainted (and sent
    to the terminal), not their whole lines, and rows whose text stayed are not touched."""
    rows = [
        Row(0, "a", START - timedelta(hours=1), START + timedelta(hours=9)),
        Row(1, "b", START - timedelta(hours=1), START + timedelta(hours=9, seconds=30)),
    ]
    app = ListApp(FakeSource(rows))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        await pilot.pause()
        regions: list[Region] = []
        original = work_list.refresh

        def refresh(*args: Any, **kwargs: Any) -> WorkList:
            regions.extend(args)
            return original(*args, **kwargs)

        work_list.refresh = refresh  # type: ignore[method-assign]
        work_list.tick()
        assert regions == []  # nothing changed since the paint
        app.clock.advance(timedelta(seconds=20))  # row 0: 9h 00m -> 8h 59m; row 1 stays 9h 00m
        work_list.tick()
        countdown_x = 6 + 1 + 10 + 1  # after "#" and "客户" and their gaps
        assert regions == [Region(countdown_x, 1, 14, 1)]
        await pilot.pause()
        assert painted(work_list)[1][countdown_x:].startswith("  8h 59m")
        assert painted(work_list)[2][countdown_x:].startswith("  9h 00m")
        regions.clear()
        work_list.tick()
        assert regions == []


async def test_empty_source_shows_the_empty_text() -> None:
    app = ListApp(FakeSource([]))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        assert painted(work_list)[1].strip() == "没有待办"
        assert not work_list.has_class("-loading")
        await pilot.press("enter", "down", "end")
        assert app.selected == []


class SlowSource(FakeSource):
    """Counts only when the test lets it."""

    def __init__(self, rows: Sequence[Row]) -> None:
        super().__init__(rows)
        self.gate = threading.Event()

    def count(self) -> int:
        self.gate.wait(5)
        return super().count()


async def test_rows_paint_before_the_count_arrives() -> None:
    source = SlowSource(generated(1_000))
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        work_list = app.query_one(WorkList)
        try:
            for _ in range(50):
                await pilot.pause()
                if source.calls:
                    break
            await pilot.pause()
            assert work_list.has_class("-loading")
            assert work_list.count is None
            assert painted(work_list)[1].split()[:2] == ["0", "客户0"]
        finally:
            source.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not work_list.has_class("-loading")
        assert work_list.count == 1_000


async def test_loading_look_before_anything_arrives() -> None:
    source = SlowSource([])
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            work_list = app.query_one(WorkList)
            assert painted(work_list)[1].strip() == "加载中…"
        finally:
            source.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert painted(work_list)[1].strip() == "没有待办"


async def test_reload_recounts_and_keeps_the_cursor_clamped() -> None:
    source = FakeSource(generated(1_000))
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        work_list.move_cursor(50)
        await pilot.pause()
        source.data = generated(10)
        source.calls.clear()
        work_list.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert source.counts == 2
        assert source.calls == [(0, PAGE_SIZE)]
        assert work_list.count == 10
        assert work_list.cursor_index == 9
        assert app.moved[-1].index == 9
        assert app.moved[-1].row.number == 9
        assert painted(work_list)[11].strip() == ""


async def test_a_list_that_empties_says_no_row_is_under_the_cursor_then_announces_the_next() -> (
    None
):
    """The screens' detail panes and row keys follow CursorMoved: when the last row goes (done
    here, reassigned on another desk) they hear of it, with row None, and of the next row."""
    source = FakeSource(generated(3))
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        work_list.move_cursor(1)
        await pilot.pause()
        assert app.moved[-1].row is not None
        source.data = []
        work_list.reload()
        for _ in range(10):
            await pilot.pause(0.05)
        assert (app.moved[-1].row, app.moved[-1].index) == (None, -1)
        source.data = generated(2)
        work_list.reload()
        for _ in range(10):
            await pilot.pause(0.05)
        assert app.moved[-1].row is not None and app.moved[-1].row.number == 0


async def test_set_source_starts_from_the_top() -> None:
    app = ListApp(FakeSource(generated(1_000)))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        await pilot.press("end")
        await app.workers.wait_for_complete()
        other = FakeSource([Row(7, "新的", START, START + timedelta(hours=1))])
        work_list.set_source(other)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert work_list.cursor_index == 0
        assert work_list.scroll_offset.y == 0
        assert painted(work_list)[1].split()[:2] == ["7", "新的"]


async def test_tick_costs_nothing_when_hidden() -> None:
    source = FakeSource(generated(1_000))
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        work_list.display = False
        await pilot.pause()
        calls = len(source.calls)
        work_list.tick()
        await pilot.pause()
        assert len(source.calls) == calls
        assert work_list.has_class("-live")


async def test_keys_have_ids_and_descriptions_from_the_catalog() -> None:
    app = ListApp(FakeSource(generated(10)))
    async with app.run_test(size=SIZE):
        work_list = app.query_one(WorkList)
        bindings = {binding.id: binding for _, binding in work_list._bindings if binding.id}
        assert bindings["work_list.last"].description == "最后一行"
        assert bindings["work_list.select"].tooltip == "打开光标所在的一行"
        assert {binding.key for binding in bindings.values()} >= KEYS
        assert all(binding.tooltip for binding in bindings.values())


KEYS = {"up", "down", "pageup", "pagedown", "home", "end", "enter"}


def test_work_list_and_countdown_keys_exist_in_every_locale() -> None:
    keys = {
        locale: {key for key in i18n.catalog(locale) if key.split(".")[0] in AREAS}
        for locale in i18n.LOCALES
    }
    assert keys["zh-CN"] == keys["en"]
    assert "work_list.key.last" in keys["en"]


AREAS = {"work_list", "countdown"}


class GatedPagesSource(FakeSource):
    """Serves the first page at once and the others only when the test lets it."""

    def __init__(self, rows: Sequence[Row]) -> None:
        super().__init__(rows)
        self.gate = threading.Event()

    def rows(self, offset: int, limit: int) -> Sequence[Row]:
        if offset:
            self.gate.wait(5)
        return super().rows(offset, limit)


async def test_rows_not_yet_fetched_paint_as_placeholders() -> None:
    source = GatedPagesSource(generated(100_000))
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        work_list = app.query_one(WorkList)
        try:
            for _ in range(50):
                await pilot.pause()
                if work_list.count:
                    break
            await pilot.press("end")
            await pilot.pause()
            assert work_list.cursor_index == 99_999
            assert painted(work_list)[-1].strip() == "⋯"
            assert work_list.cursor_row is None
            await pilot.press("enter")
            assert app.selected == []
        finally:
            source.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert painted(work_list)[-1].split()[:2] == ["99999", "客户99999"]
        assert app.moved[-1].index == 99_999


def test_fixed_columns_give_cells_to_the_flexible_one_only_when_it_would_be_too_narrow() -> None:
    columns = [
        Column("when", 12, cell=str, min_width=11),
        Column("kind", 6, cell=str, min_width=4),
        Column("due", 16, cell=str, min_width=12),
        Column("who", 8, cell=str, min_width=4),
        Column("what", 0, cell=str, min_width=12),
    ]
    # wide enough: fixed widths as given, the rest to the flexible column
    assert column_widths(columns, 80) == [12, 6, 16, 8, 34]
    assert column_widths(columns, 58) == [12, 6, 16, 8, 12]
    # narrower: the right-most fixed column shrinks first, then the next
    assert column_widths(columns, 54) == [12, 6, 16, 4, 12]
    assert column_widths(columns, 50) == [12, 6, 12, 4, 12]
    # every fixed column at its minimum: the flexible one takes what is left
    assert column_widths(columns, 40) == [11, 4, 12, 4, 5]
    # a column without min_width never shrinks
    plain = [Column("a", 10, cell=str), Column("b", 0, cell=str, min_width=20)]
    assert column_widths(plain, 20) == [10, 9]


def test_columns_with_a_drop_leave_a_narrow_list_whole_instead_of_pushing_others_off() -> None:
    columns = [
        Column("when", 12, cell=str),
        Column("kind", 6, cell=str, drop=1),
        Column("who", 8, cell=str, drop=2),
        Column("due", 12, cell=str),
        Column("what", 0, cell=str, min_width=10),
    ]
    # room for all: nothing leaves
    assert column_widths(columns, 52) == [12, 6, 8, 12, 10]
    # one cell short: the highest drop leaves first, its gap with it
    assert column_widths(columns, 51) == [12, 6, 0, 12, 18]
    assert column_widths(columns, 42) == [12, 0, 0, 12, 16]
    # past what dropping can give, the columns that stay are laid out as before
    assert column_widths(columns, 30) == [12, 0, 0, 12, 4]


async def test_a_dropped_column_is_not_painted_and_the_due_column_stays_whole() -> None:
    columns = (
        Column("#", 6, cell=lambda row: str(row.number)),
        Column("客户", 30, cell=lambda row: row.name, drop=1),
        Column("时限", 14, countdown=lambda row: (row.due_at, row.starts_at, row.paused_at)),
        Column("备注", 0, cell=lambda row: f"note {row.number}", min_width=8),
    )
    app = ListApp(FakeSource(generated(3)), columns)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = painted(app.query_one(WorkList))
        assert lines[0].split() == ["#", "时限", "备注"]
        assert "客户0" not in lines[1] and "9h 00m" in lines[1] and "note 0" in lines[1]


async def _fetched(app: ListApp, pilot: Any) -> None:
    """Every fetch over, the ones a fetch started too (a cancelled one was replaced)."""
    for _ in range(5):
        with suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def test_after_a_reload_the_cursor_stays_on_its_record_where_the_list_sorted_again() -> None:
    """Issue 26 (F7): the record under the cursor moved down when the list sorted again; the
    cursor goes with it, and no row that took its place is announced on the way."""
    rows = generated(500)
    source = FakeSource(rows)
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        work_list.row_key = lambda row: row.number
        await pilot.press("down", "down")
        await pilot.pause()
        assert work_list.cursor_row.number == 2
        app.moved.clear()
        source.data = rows[:2] + rows[3:300] + [rows[2]] + rows[300:]  # #2 is due later now
        work_list.reload()
        await _fetched(app, pilot)
        assert work_list.cursor_index == 299 and work_list.cursor_row.number == 2
        assert [m.row.number for m in app.moved] == [2]
        assert work_list.scroll_offset.y <= 299 < work_list.scroll_offset.y + SIZE[1]
        # the record left the list: the cursor keeps its place, on the row now there
        app.moved.clear()
        source.data = [r for r in source.data if r.number != 2]
        work_list.reload()
        await _fetched(app, pilot)
        assert work_list.cursor_index == 299 and work_list.cursor_row.number == 300
        assert [m.row.number for m in app.moved] == [300]


async def test_without_a_row_key_a_reload_keeps_the_cursor_on_its_index() -> None:
    rows = generated(10)
    source = FakeSource(rows)
    app = ListApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        work_list = app.query_one(WorkList)
        await pilot.press("down")
        await pilot.pause()
        source.data = list(reversed(rows))
        work_list.reload()
        await _fetched(app, pilot)
        assert work_list.cursor_index == 1 and work_list.cursor_row.number == 8
