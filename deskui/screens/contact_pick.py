"""Pick customers and their contacts from the customer list: type to narrow by name or
number, Enter takes the highlighted one; with `multiple`, Space marks several and Ctrl+S
takes the marked (an event's invitees, seed 000:4.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from deskui.domain.field_limits import input_limit
from deskui.domain.phone import display_number
from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service
from deskui.services.profiles import ContactChoicePage, contact_choice_count, contact_choice_page
from deskui.widgets.field_input import FieldInput
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.profiles import ContactChoice

SEARCH_DELAY = 0.3  # seconds after the last key


class ContactChoiceSource:
    """Customers with each contact, narrowed by what was typed; queried in the list's worker."""

    def __init__(self, app: DeskHost, search: str) -> None:
        self._app = app
        self.search = search

    def count(self) -> int:
        return call_service(self._app, contact_choice_count, ContactChoicePage(self.search))

    def rows(self, offset: int, limit: int) -> list[Any]:
        page = ContactChoicePage(self.search, offset, limit)
        return call_service(self._app, contact_choice_page, page)


class ContactPickModal(ModalScreen[list["ContactChoice"] | None]):
    """Returns the picked (customer, contact) choices, or None when cancelled."""

    DEFAULT_CSS = """
    ContactPickModal { align: center middle; }
    ContactPickModal > .pick-dialog {
        width: 96;
        height: 26;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    ContactPickModal #pick-list { height: 1fr; }
    ContactPickModal #pick-hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", "keys.pick_toggle", id="pick_toggle"),
        Binding("ctrl+s", "confirm", "keys.pick_confirm", id="pick_confirm", priority=True),
        Binding("slash", "search", "keys.pick_search", id="pick_search"),
        Binding("escape", "cancel", "keys.back", id="pick_cancel"),
    ]

    def __init__(self, title: str, *, multiple: bool = False) -> None:
        super().__init__(classes="contact-pick")
        localize_bindings(self)
        self._title = title
        self.multiple = multiple
        self.marked: dict[tuple[int, int | None], ContactChoice] = {}
        self._search_timer: Timer | None = None

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="pick-dialog"):
            yield Static(Text(visible(self._title, one_line=True)), classes="dialog-title")
            yield FieldInput(
                placeholder=t("relations.pick.search"),
                id="pick-search",
                compact=True,
                max_length=input_limit("search"),
            )
            yield WorkList(self._columns(), empty_text=t("relations.pick.empty"), id="pick-list")
            key = "relations.pick.hint_multiple" if self.multiple else "relations.pick.hint"
            yield Static(t(key), id="pick-hint")

    def _columns(self) -> list[Column]:
        def mark(row: ContactChoice) -> str:
            return "✓" if (row.customer_id, row.contact_id) in self.marked else ""

        columns = [Column("", 2, cell=mark)] if self.multiple else []
        return [
            *columns,
            Column(t("relations.col.customer"), 30, cell=lambda r: r.customer_name),
            Column(t("relations.col.contact"), 12, cell=lambda r: r.contact_name),
            Column(t("relations.pick.phone"), 0, cell=lambda r: display_number(r.phone)),
        ]

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self._load()
        self.query_one("#pick-search", Input).focus()

    def _load(self) -> None:
        search = self.query_one("#pick-search", Input).value
        self.query_one("#pick-list", WorkList).set_source(
            ContactChoiceSource(self.desk_app, search)
        )

    @on(Input.Changed, "#pick-search")
    def _search_changed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._load)

    @on(Input.Submitted, "#pick-search")
    def _search_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._load()
        self.query_one("#pick-list", WorkList).focus()

    def on_key(self, event: Any) -> None:
        # Down from the search field goes to the list, as in the correspondence register
        if event.key == "down" and self.focused is self.query_one("#pick-search", Input):
            self.query_one("#pick-list", WorkList).focus()
            event.stop()

    @on(WorkList.RowSelected, "#pick-list")
    def _picked(self, event: WorkList.RowSelected) -> None:
        if event.row is None:
            return
        if self.multiple and self.marked:
            self.action_confirm()
            return
        self.dismiss([event.row])

    def action_toggle_mark(self) -> None:
        work_list = self.query_one("#pick-list", WorkList)
        row: ContactChoice | None = work_list.cursor_row
        if not self.multiple or row is None:
            return
        key = (row.customer_id, row.contact_id)
        if key in self.marked:
            del self.marked[key]
        else:
            self.marked[key] = row
        work_list.columns = work_list.columns  # repaint the marks
        work_list.move_cursor(work_list.cursor_index + 1)

    def action_confirm(self) -> None:
        if self.marked:
            self.dismiss(list(self.marked.values()))
            return
        row = self.query_one("#pick-list", WorkList).cursor_row
        if row is not None:
            self.dismiss([row])

    def action_search(self) -> None:
        self.query_one("#pick-search", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
