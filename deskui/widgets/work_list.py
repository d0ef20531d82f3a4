"""The one virtual list for every list of work (DESIGN.md 4).

Built on the line API: only the visible lines are rendered, only the pages around them are
fetched, in a thread worker, from a source with `count()` and `rows(offset, limit)`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.binding import Binding, BindingsMap, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState, get_current_worker

from deskui.domain.countdown import Phase
from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.widgets.countdown import clock_now, countdown_text

PAGE_SIZE = 200
"""Rows fetched per `rows()` call."""
CACHED_PAGES = 8
CELL_CACHE_ROWS = 2_000
"""Rows whose cleaned cells are kept; the cache empties itself past this."""
"""Pages kept; the visible window plus its margin never needs more than four."""

CountdownFields = tuple[datetime | None, datetime | None, datetime | None]
"""`(due_at, starts_at, paused_at)` of the deadline a countdown column shows; a row with
no open deadline (a closed ticket in a history) gives `due_at=None` and a blank cell."""


class WorkSource(Protocol):
    """What a list shows. Both methods may be slow (SQL): the list calls them in a thread."""

    def count(self) -> int: ...

    def rows(self, offset: int, limit: int) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Column:
    """One column: a title (already translated), a width in cells (0 = takes the rest).

    Give either `cell` (user data, shown as plain text) or `countdown` (a live deadline).
    `min_width`: for the column that takes the rest, the cells it needs to be worth showing;
    for a fixed column, how far it may shrink (the right-most first) to give them; 0, the
    default, means a fixed column never shrinks.
    `drop`: when even shrunk columns do not fit, a column with a `drop` leaves the list (the
    highest first, the right-most of equals) rather than push the columns after it off the
    edge; the screen's detail pane shows what it held. 0, the default, never leaves.
    """

    title: str
    width: int
    cell: Callable[[Any], str] | None = None
    countdown: Callable[[Any], CountdownFields] | None = None
    min_width: int = 0
    drop: int = 0


def column_widths(columns: Sequence[Column], width: int) -> list[int]:
    """Cells per column: fixed widths first, flexible ones share the rest. When the width
    left is below what the flexible columns need (their `min_width`, 0 when there is none),
    fixed columns with a `min_width` give up cells down to it, the right-most first. When
    that is not enough, columns with a `drop` leave (width 0, no gap) until the rest fit."""
    kept = list(range(len(columns)))

    def least(column: Column) -> int:
        if column.width <= 0:
            return column.min_width
        return min(column.min_width, column.width) if column.min_width else column.width

    def needed() -> int:
        return sum(least(columns[i]) for i in kept) + max(0, len(kept) - 1)

    while needed() > width:
        droppable = [i for i in kept if columns[i].drop > 0]
        if not droppable:
            break
        kept.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    shown = [columns[i] for i in kept]
    widths = [0] * len(columns)
    for i, cells in zip(kept, _shared_widths(shown, width), strict=True):
        widths[i] = cells
    return widths


def _shared_widths(columns: Sequence[Column], width: int) -> list[int]:
    gaps = max(0, len(columns) - 1)
    widths = [max(0, column.width) for column in columns]
    flexible = [i for i, column in enumerate(columns) if column.width <= 0]
    wanted = sum(columns[i].min_width for i in flexible)
    short = wanted - (width - sum(widths) - gaps)
    for i in reversed(range(len(columns))):
        if short <= 0:
            break
        column = columns[i]
        if column.width > 0 and column.min_width:
            give = min(short, column.width - min(column.min_width, column.width))
            widths[i] -= give
            short -= give
    rest = max(0, width - sum(widths) - gaps)
    for n, i in enumerate(flexible):
        widths[i] = rest // len(flexible) + (1 if n < rest % len(flexible) else 0)
    return widths


def display_text(value: object) -> str:
    """A cell of user data as painted: one line, every control character shown as its
    escape (`\\x1b[2J`, `\\n`), never sent to the terminal (issue 23)."""
    return visible(value, one_line=True)


def fit(text: str, width: int) -> str:
    """`text` cropped or padded to exactly `width` cells (Chinese characters are two)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1).rstrip(" ") + "…"
    return set_cell_size(text, width)


def _translated(bindings: BindingsMap) -> BindingsMap:
    """Bindings whose description and tooltip are catalog keys, in the current locale."""
    return BindingsMap(
        replace(binding, description=t(binding.description), tooltip=t(binding.tooltip))
        if binding.description.startswith("work_list.")
        else binding
        for _, binding in bindings
    )


class WorkList(ScrollView, can_focus=True):
    """A virtual list of work rows with a fixed header, a cursor and live countdowns."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up",
            "cursor_up",
            "work_list.key.up",
            tooltip="work_list.tip.up",
            show=False,
            id="work_list.cursor_up",
        ),
        Binding(
            "down",
            "cursor_down",
            "work_list.key.down",
            tooltip="work_list.tip.down",
            show=False,
            id="work_list.cursor_down",
        ),
        Binding(
            "pageup",
            "page_up",
            "work_list.key.page_up",
            tooltip="work_list.tip.page_up",
            show=False,
            id="work_list.page_up",
        ),
        Binding(
            "pagedown",
            "page_down",
            "work_list.key.page_down",
            tooltip="work_list.tip.page_down",
            show=False,
            id="work_list.page_down",
        ),
        Binding(
            "home",
            "first",
            "work_list.key.first",
            tooltip="work_list.tip.first",
            show=False,
            id="work_list.first",
        ),
        Binding(
            "end",
            "last",
            "work_list.key.last",
            tooltip="work_list.tip.last",
            show=False,
            id="work_list.last",
        ),
        Binding(
            "enter",
            "select",
            "work_list.key.select",
            tooltip="work_list.tip.select",
            id="work_list.select",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "work-list--header",
        "work-list--cursor",
        "work-list--placeholder",
        "work-list--calm",
        "work-list--near",
        "work-list--urgent",
        "work-list--overdue",
        "work-list--paused",
        "work-list--met",
    }

    DEFAULT_CSS = """
    WorkList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;
        & > .work-list--header { text-style: bold; background: $panel; }
        & > .work-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .work-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .work-list--placeholder { color: $text-muted; text-style: dim; }
        & > .work-list--calm { }
        & > .work-list--near { color: $warning; }
        & > .work-list--urgent { color: $warning; text-style: bold; }
        & > .work-list--overdue { color: $error; text-style: bold; }
        & > .work-list--paused { color: $text-muted; }
        & > .work-list--met { color: $success; }
    }
    """

    class CursorMoved(Message):
        """The cursor is on another row (sent in bursts: a newer one replaces a pending one);
        `row` None when the list has no rows (any more), so nothing is under the cursor."""

        def __init__(self, work_list: WorkList, row: Any, index: int) -> None:
            super().__init__()
            self.work_list = work_list
            self._row = row
            self._source = work_list.source
            self.index = index

        @property
        def row(self) -> Any | None:
            """None once the list shows another source: a row of the last one, still on its
            way to the screen, is not under the cursor (a prospect's row read as a gift's)."""
            return self._row if self.work_list.source is self._source else None

        @property
        def control(self) -> WorkList:
            return self.work_list

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, WorkList.CursorMoved) and message.work_list is self.work_list

    class RowSelected(Message):
        """The agent pressed Enter on (or clicked) a row."""

        def __init__(self, work_list: WorkList, row: Any, index: int) -> None:
            super().__init__()
            self.work_list = work_list
            self._row = row
            self._source = work_list.source
            self.index = index

        @property
        def row(self) -> Any | None:
            """None once the list shows another source (as `CursorMoved.row`)."""
            return self._row if self.work_list.source is self._source else None

        @property
        def control(self) -> WorkList:
            return self.work_list

    class _Counted(Message):
        def __init__(self, generation: int, count: int) -> None:
            super().__init__()
            self.generation = generation
            self.count = count

    class _PageLoaded(Message):
        def __init__(self, generation: int, page: int, rows: Sequence[Any]) -> None:
            super().__init__()
            self.generation = generation
            self.page = page
            self.rows = rows

    def __init__(
        self,
        columns: Sequence[Column],
        source: WorkSource | None = None,
        *,
        empty_text: str | None = None,
        row_key: Callable[[Any], Hashable] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._bindings = _translated(self._bindings)
        self.add_class("-live", "-loading")
        self._columns: tuple[Column, ...] = tuple(columns)
        self.empty_text: str = t("work_list.empty") if empty_text is None else empty_text
        self._source = source
        self._generation = 0
        self._count: int | None = None
        self._pages: LRUCache[int, Sequence[Any]] = LRUCache(CACHED_PAGES)
        self._stale: dict[int, Sequence[Any]] = {}  # last load's pages, painted until refetched
        self._inflight: frozenset[int] = frozenset()
        self._counting = False
        self._counted_generation = -1
        self._fetcher: Worker[None] | None = None
        self._cursor = 0
        self._announce = False  # CursorMoved owed once the cursor's row arrives
        self.row_key = row_key
        """Which record a row is: after a reload the cursor stays on the same record where
        the list re-sorted (issue 26), not on whatever row now has its place."""
        self._follow: Hashable | None = None  # the record the cursor looks for after a reload
        self._styles: dict[tuple[str | None, bool], Style] = {}
        self._cell_cache: dict[int, tuple[Any, int, list[str | tuple[int, int]]]] = {}
        self._width_cache: dict[int, list[int]] = {}
        self._painted: dict[int, tuple[tuple[str, Phase] | None, ...]] = {}

    # -- the parent's way in ------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @columns.setter
    def columns(self, columns: Sequence[Column]) -> None:
        self._columns = tuple(columns)
        self._cell_cache.clear()
        self._width_cache = {}
        self._painted.clear()
        self.refresh()

    @property
    def source(self) -> WorkSource | None:
        return self._source

    def set_source(self, source: WorkSource | None) -> None:
        """Show another source, from its first row."""
        self._source = source
        self._stale = {}
        self._count = None
        self._cursor = 0
        self._follow = None
        self.add_class("-loading")
        self.virtual_size = Size(0, 1)
        self.scroll_to(y=0, animate=False)
        self._invalidate()

    def reload(self) -> None:
        """Fetch again (the data changed): recount, refetch visible pages, keep the cursor on
        its record (`row_key`) where it is among the pages fetched, else on its index."""
        cursor_row = self.cursor_row
        if self.row_key is not None and cursor_row is not None:
            self._follow = self.row_key(cursor_row)
        fresh = {page: self._pages.get(page) for page in self._pages.keys()}  # noqa: SIM118 (not iterable)
        self._stale = {
            page: rows for page, rows in fresh.items() if rows is not None
        } or self._stale
        self._invalidate()

    def forget_off_screen(self) -> None:
        """Its screen is kept off the stack (issue 27): only the pages on screen and the
        cursor's stay, to paint it at once when shown again and find the cursor's record
        when it is read again then; the pages around them and the cells cleaned for
        painting go."""
        window = self._window()
        on_screen = {*self._pages_over(window.start, window.stop), self._cursor // PAGE_SIZE}
        for page in [page for page in self._pages.keys() if page not in on_screen]:  # noqa: SIM118 (not iterable)
            self._pages.discard(page)
        self._stale = {page: rows for page, rows in self._stale.items() if page in on_screen}
        self._cell_cache.clear()
        self._painted.clear()

    def _invalidate(self) -> None:
        self._generation += 1
        self._pages.clear()
        self._inflight = frozenset()
        self._counting = False
        self._announce = True
        self.refresh()
        if self.is_mounted:
            self._fetch_missing()

    @property
    def count(self) -> int | None:
        """Rows in the source, or None until the first count arrives."""
        return self._count

    @property
    def cursor_index(self) -> int:
        return self._cursor

    @property
    def cursor_row(self) -> Any | None:
        """The row under the cursor, or None when it is not loaded (or the list is empty)."""
        return self.row_at(self._cursor)

    def row_at(self, index: int) -> Any | None:
        """A loaded row, or None when it is not in the cache."""
        if self._count is not None and not 0 <= index < self._count:
            return None
        page, at = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None:
            rows = self._stale.get(page)
        if rows is None or at >= len(rows):
            return None
        return rows[at]

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (clamped) and scroll it into view."""
        self._follow = None  # the agent moved it: nothing to look for
        last = max(0, (self._count or 0) - 1)
        index = max(0, min(index, last))
        if index != self._cursor:
            self._cursor = index
            self._announce = True
            self.refresh()
        self._scroll_to_cursor()
        self._announce_cursor()

    def tick(self) -> None:
        """The app's one tick: repaint only the lines whose countdown text changed.

        A countdown hours away changes once a minute, so most ticks repaint a few lines.
        """
        if not self._count or not self.display or not self.size.height:
            return
        if not any(column.countdown is not None for column in self.columns):
            return
        now = clock_now(self)
        width = self._line_width()
        spans = self._countdown_spans(width)
        top = self.scroll_offset.y
        changed: list[Region] = []
        for index in self._window():
            row = self.row_at(index)
            if row is None:
                continue
            painted = self._painted.get(index)
            shown = self._countdowns(row, now)
            if painted == shown:
                continue
            y = index - top + 1
            if painted is None or len(painted) != len(shown):
                changed.append(Region(0, y, width, 1))
                continue
            # only the cells whose text or phase changed: the rest of the line is as painted,
            # and a terminal is sent the changed cells, not the 160-cell line (issue 27)
            for (x, cells), before, after in zip(spans, painted, shown, strict=True):
                if before != after and cells:
                    changed.append(Region(x, y, cells, 1))
        if changed:
            self.refresh(*changed)  # one call: each clears the widget's caches again

    def _countdown_spans(self, width: int) -> list[tuple[int, int]]:
        """Where each countdown column is painted in a line `width` cells wide: (x, cells),
        in column order (cells 0 for a column left out on a narrow terminal)."""
        spans: list[tuple[int, int]] = []
        x = 0
        first = True
        for column, cells in zip(self.columns, self._widths(width), strict=True):
            if cells and not first:
                x += 1  # the gap before a shown column
            if column.countdown is not None:
                spans.append((x, cells))
            if cells:
                x += cells
                first = False
        return spans

    # -- geometry -------------------------------------------------------------------------

    def _body_height(self) -> int:
        """Data lines visible below the header."""
        return max(0, self.scrollable_content_region.height - 1)

    def _line_width(self) -> int:
        """Cells in a line, without the scrollbar."""
        return self.scrollable_content_region.width

    def _window(self) -> range:
        """Indexes of the rows on screen now."""
        top = self.scroll_offset.y
        bottom = top + self._body_height()
        if self._count is not None:
            bottom = min(bottom, self._count)
        return range(top, max(top, bottom))

    def _scroll_to_cursor(self) -> None:
        body = self._body_height()
        top = self.scroll_offset.y
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif body and self._cursor >= top + body:
            self.scroll_to(y=self._cursor - body + 1, animate=False)

    def on_resize(self) -> None:
        self.virtual_size = Size(0, (self._count or 0) + 1)
        self._fetch_missing()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._fetch_missing()

    def on_mount(self) -> None:
        self._fetch_missing()

    # -- fetching -------------------------------------------------------------------------

    def _fetch_missing(self) -> None:
        """Start a fetch for the count and the pages around the window not yet cached."""
        if self._source is None or not self.is_mounted:
            return
        window = self._window()
        if not window and self._count is None:
            window = range(0, max(1, self._body_height()))
        visible = self._pages_over(window.start, window.stop)
        margin = [
            page
            for page in self._pages_over(window.start - PAGE_SIZE, window.stop + PAGE_SIZE)
            if page not in visible
        ]
        wanted = [page for page in visible + margin if page not in self._pages]
        need_count = self._counted_generation != self._generation
        if (self._counting or not need_count) and set(wanted) <= self._inflight:
            return  # the running fetch already brings all of it
        first = tuple(page for page in wanted if page in visible)
        then = tuple(page for page in wanted if page not in visible)
        self._inflight = frozenset(wanted)
        self._counting = need_count
        self._fetcher = self._load_rows(self._source, self._generation, first, need_count, then)

    def _pages_over(self, start: int, stop: int) -> list[int]:
        start = max(0, start)
        if self._count is not None:
            stop = min(stop, self._count)
        if stop <= start:
            return []
        return list(range(start // PAGE_SIZE, (stop - 1) // PAGE_SIZE + 1))

    @work(thread=True, exclusive=True, group="work-list", exit_on_error=False)
    def _load_rows(
        self,
        source: WorkSource,
        generation: int,
        first: tuple[int, ...],
        need_count: bool,
        then: tuple[int, ...],
    ) -> None:
        """Fetch the visible pages, then the count, then the margin; stop when superseded.

        Runs in a thread: it only calls the source and posts messages.
        """
        worker = get_current_worker()
        for page in first:
            if worker.is_cancelled:
                return
            rows = source.rows(page * PAGE_SIZE, PAGE_SIZE)
            self._post_from_thread(self._PageLoaded(generation, page, rows))
        if need_count and not worker.is_cancelled:
            count = source.count()
            self._post_from_thread(self._Counted(generation, count))
            then = tuple(page for page in then if page * PAGE_SIZE < count)
        for page in then:
            if worker.is_cancelled:
                return
            rows = source.rows(page * PAGE_SIZE, PAGE_SIZE)
            self._post_from_thread(self._PageLoaded(generation, page, rows))

    def _post_from_thread(self, message: Message) -> None:
        # The app may close its loop while a query runs: then nobody is left to paint.
        with suppress(RuntimeError):
            self.post_message(message)

    @on(_Counted)
    def _counted(self, message: _Counted) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._counted_generation = message.generation
        self._counting = False
        self._count = message.count
        self.remove_class("-loading")
        self.virtual_size = Size(0, message.count + 1)
        cursor = max(0, min(self._cursor, message.count - 1))
        if cursor != self._cursor:
            self._cursor = cursor
            self._announce = True
        self._scroll_to_cursor()
        self.refresh()
        self._find_followed()
        if not message.count:  # no row under the cursor now: a detail shown for one is stale
            self._announce = True  # the first row to arrive later is announced
            self.post_message(self.CursorMoved(self, None, -1))
        self._announce_cursor()
        self._fetch_missing()

    @on(_PageLoaded)
    def _page_loaded(self, message: _PageLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._pages[message.page] = message.rows
        self._stale.pop(message.page, None)
        self._inflight = self._inflight - {message.page}
        window = self._window()
        first, last = message.page * PAGE_SIZE, (message.page + 1) * PAGE_SIZE
        if (window.start < last and first < window.stop) or self._count is None:
            self.refresh()
        self._find_followed()
        self._announce_cursor()

    def _find_followed(self) -> None:
        """After a reload: the cursor goes to its record's new place once a fetched page
        holds it; when the fetch is over without it (it left the list, or moved beyond the
        pages around the window) the cursor stays on its index."""
        key, row_key = self._follow, self.row_key
        if key is None or row_key is None:
            return
        for page in list(self._pages.keys()):
            for at, row in enumerate(self._pages.get(page) or ()):
                if row_key(row) == key:
                    self._follow = None
                    index = page * PAGE_SIZE + at
                    if index != self._cursor:
                        self._cursor = index
                        self._announce = True
                        self.refresh()
                    self._scroll_to_cursor()
                    return
        if self._count is not None and not self._inflight and not self._counting:
            self._follow = None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failed fetch may be retried by the next scroll; the screen reports the error.
        if event.worker is self._fetcher and event.state in (
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self._inflight = frozenset()
            self._counting = False

    def _announce_cursor(self) -> None:
        if not self._announce or not self._count or self._follow is not None:
            return
        row = self.row_at(self._cursor)
        if row is None or self._cursor // PAGE_SIZE not in self._pages:
            return
        self._announce = False
        self.post_message(self.CursorMoved(self, row, self._cursor))

    # -- keys and mouse -------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        body = max(1, self._body_height())
        self.scroll_to(y=self.scroll_offset.y - body, animate=False)
        self.move_cursor(self._cursor - body)

    def action_page_down(self) -> None:
        body = max(1, self._body_height())
        self.scroll_to(y=self.scroll_offset.y + body, animate=False)
        self.move_cursor(self._cursor + body)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor((self._count or 0) - 1)

    def action_select(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.RowSelected(self, row, self._cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1 or not self._count:
            return
        index = self.scroll_offset.y + offset.y - 1
        if index >= self._count:
            return
        self.move_cursor(index)
        self.action_select()

    # -- painting -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if hasattr(self, "_styles"):  # called once from Widget.__init__, before ours ran
            self._styles.clear()
        self.refresh()

    def _style(self, component: str | None = None, partial: bool = False) -> Style:
        """The base style, or a component's, cached until the styles change: computing
        `rich_style` walks every ancestor and was a quarter of the render time."""
        key = (component, partial)
        style = self._styles.get(key)
        if style is None:
            if component is None:
                style = self.rich_style
            else:
                style = self.get_component_rich_style(component, partial=partial)
            self._styles[key] = style
        return style

    def _countdowns(self, row: Any, now: datetime) -> tuple[tuple[str, Phase] | None, ...]:
        """The countdown cells of a row at `now`, as they would be painted."""
        cells: list[tuple[str, Phase] | None] = []
        for column in self.columns:
            if column.countdown is None:
                continue
            due_at, starts_at, paused_at = column.countdown(row)
            if due_at is None:
                cells.append(None)
            else:
                cells.append(countdown_text(due_at, now, starts_at=starts_at, paused_at=paused_at))
        return tuple(cells)

    def _fitted(self, row: Any, width: int) -> list[str | tuple[int, int]]:
        """The line of a row as runs: the plain cells cleaned, fitted to their columns and
        joined with the gaps between them into one text per run, and between the runs a
        countdown cell as (its place among the countdowns, its width). Once per row and
        width, not once per paint: a tick repaints a line as three segments, not one per
        cell and gap (issue 27: 300 lines a second at an accelerated clock)."""
        cached = self._cell_cache.get(id(row))
        if cached is not None and cached[0] is row and cached[1] == width:
            return cached[2]
        if len(self._cell_cache) > CELL_CACHE_ROWS:
            self._cell_cache.clear()
        runs: list[str | tuple[int, int]] = []
        text: list[str] = []
        live = -1
        first = True
        for column, cell_width in zip(self.columns, self._widths(width), strict=True):
            if column.countdown is not None:
                live += 1
            if not cell_width:
                continue  # a column left out on a narrow terminal (Column.drop)
            if not first:
                text.append(" ")
            first = False
            if column.countdown is None:
                text.append(fit(display_text(column.cell(row)), cell_width) if column.cell else "")
                continue
            if text:
                runs.append("".join(text))
                text = []
            runs.append((live, cell_width))
        if text:
            runs.append("".join(text))
        self._cell_cache[id(row)] = (row, width, runs)
        return runs

    def _widths(self, width: int) -> list[int]:
        """Cells per column at this width (`column_widths`), kept for the last width."""
        cached = self._width_cache.get(width)
        if cached is not None:
            return cached
        widths = column_widths(self.columns, width)
        self._width_cache = {width: widths}
        return widths

    def render_line(self, y: int) -> Strip:
        width = self._line_width()
        base = self._style()
        if y == 0:
            header = base + self._style("work-list--header")
            cells = [column.title for column in self.columns]
            return self._strip(cells, [None] * len(cells), width, header)
        index = self.scroll_offset.y + y - 1
        row = self.row_at(index)
        if self._count == 0 or (self._count is None and row is None):
            if y != 1 or self._source is None:
                return Strip.blank(width, base)
            muted = base + self._style("work-list--placeholder")
            note = t("work_list.loading") if self._count is None else self.empty_text
            return Strip([Segment(fit(" " + note, width), muted)], width)
        if self._count is not None and index >= self._count:
            return Strip.blank(width, base)
        style = base
        if index == self._cursor:
            style = base + self._style("work-list--cursor")
        if row is None:
            muted = style + self._style("work-list--placeholder", partial=True)
            return Strip([Segment(fit(" ⋯", width), muted)], width)
        return self._row_strip(index, row, width, style)

    def _row_strip(self, index: int, row: Any, width: int, style: Style) -> Strip:
        countdowns = self._countdowns(row, clock_now(self))
        self._painted[index] = countdowns
        segments: list[Segment] = []
        for run in self._fitted(row, width):
            if isinstance(run, str):
                segments.append(Segment(run, style))
                continue
            at, cell_width = run
            shown = countdowns[at]
            if shown is None:
                segments.append(Segment(" " * cell_width, style))
                continue
            text, phase = shown
            phase_style = style + self._style(f"work-list--{phase.value}", partial=True)
            segments.append(Segment(fit(text, cell_width), phase_style))
        return Strip(segments).adjust_cell_length(width, style)

    def _strip(
        self, cells: list[str], phases: list[Phase | None], width: int, style: Style
    ) -> Strip:
        segments: list[Segment] = []
        gap = Segment(" ", style)
        for text, phase, cell_width in zip(cells, phases, self._widths(width), strict=True):
            if not cell_width:
                continue  # a column left out on a narrow terminal (Column.drop)
            if segments:
                segments.append(gap)
            cell_style = style
            if phase is not None:
                cell_style = style + self._style(f"work-list--{phase.value}", partial=True)
            segments.append(Segment(fit(text, cell_width), cell_style))
        return Strip(segments).adjust_cell_length(width, style)
