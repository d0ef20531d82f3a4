"""Ctrl+F from any screen (issue 26): find a record by its number (`#54` or `54`), a phone in
any format, a customer's or contact's name, or words of the problem; the tickets found in a
work list, newest first, Enter opens one as the desk opens a ticket's row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker

from deskui.domain.field_limits import input_limit
from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.desk import open_work_item
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.phone_desk import shown_number
from deskui.screens.runner import run_service
from deskui.widgets.field_input import FieldInput
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.search import FoundRecords, FoundTicket

SEARCH_DELAY = 0.3  # seconds after the last key, as the register's and the picker's filters
RESEARCHED_ON = frozenset({"ticket", "customer", "contact", "department_leg", "agent"})
"""Changes that may change what a search shows: a ticket's words, status or answer, a name,
a department's legs (what a department member may find), an owner's name."""


class FoundSource:
    """The tickets one search found: already read, so the list's pages are slices."""

    def __init__(self, rows: Sequence[FoundTicket]) -> None:
        self._rows = list(rows)

    def replace(self, rows: Sequence[FoundTicket]) -> None:
        """The same search read again (the list's reload then keeps its cursor's ticket)."""
        self._rows = list(rows)  # one assignment: a page read in a worker sees old or new

    def count(self) -> int:
        return len(self._rows)

    def rows(self, offset: int, limit: int) -> list[Any]:
        return self._rows[offset : offset + limit]


def found_columns(timezone: str) -> list[Column]:
    zone = ZoneInfo(timezone)
    return [
        Column(t("search.col.number"), 7, cell=lambda r: f"#{r.ticket_id}", min_width=6),
        Column(
            t("search.col.opened"),
            12,
            cell=lambda r: r.opened_at.astimezone(zone).strftime("%m-%d %H:%M"),
            min_width=11,
            drop=3,
        ),
        Column(t("search.col.kind"), 8, cell=lambda r: t(f"kind.{r.kind}"), drop=4),
        Column(t("search.col.status"), 10, cell=lambda r: t(f"status.{r.status}"), min_width=6),
        Column(t("search.col.customer"), 22, cell=lambda r: r.customer_name, min_width=12),
        Column(t("search.col.contact"), 8, cell=lambda r: r.contact_name, drop=1),
        Column(t("search.col.phone"), 14, cell=_phone, drop=2),
        Column(t("search.col.matched"), 6, cell=lambda r: t(f"search.match.{r.matched}")),
        Column(t("search.col.words"), 0, cell=lambda r: r.words, min_width=10),
    ]


def _shown(screen: Screen[Any]) -> bool:
    """Whether the screen is on view: the top one, or under the dialogs on top (a ticket
    opened from the results is a dialog over them)."""
    for above in reversed(screen.app.screen_stack):
        if above is screen:
            return True
        if not above.is_modal:
            return False
    return False


def _phone(row: FoundTicket) -> str:
    return shown_number(row.caller_phone) if row.caller_phone else ""


class SearchScreen(Screen[None]):
    """One search for every kind of record the desk finds; kept on the stack like any
    screen, so Esc from a record opened here comes back to the same results."""

    CSS_PATH = "search.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "query", "keys.search_query", id="search_query"),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="search")
        localize_bindings(self)
        self._timer: Timer | None = None
        self._asked = ""
        """The text of the search whose results are shown (or on their way)."""
        self._to_list = False
        """Enter was pressed in the field: the cursor goes to the results when they come."""
        self._stale = False
        """A change came while another screen hid this one: searched again when it is back."""
        self._again: Worker[None] | None = None
        self._again_owed = False
        """Changes came while the search ran again: it runs once more when it is done (one
        search at a time per desk, however fast the changes come)."""

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        yield Static(t("search.title"), id="search-title", classes="section-title")
        yield FieldInput(
            placeholder=t("search.placeholder"),
            id="search-query",
            compact=True,
            max_length=input_limit("search"),
        )
        yield Static(t("search.waiting"), id="search-note")
        yield WorkList(
            found_columns(self.desk_app.settings.site_timezone),
            empty_text=t("search.waiting"),
            row_key=lambda row: row.ticket_id,
            id="found",
        )
        yield Static("", id="found-detail")
        yield Static(t("search.hint"), id="search-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#search-query", Input).focus()

    def asked_again(self) -> None:
        """Ctrl+F while the search is open: back to its field, what was typed selected."""
        self.action_query()

    def action_query(self) -> None:
        field = self.query_one("#search-query", Input)
        field.focus()
        field.select_all()

    # -- typing --------------------------------------------------------------------------------

    @on(Input.Changed, "#search-query")
    def _typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self._search)

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._to_list = True
        value = self.query_one("#search-query", Input).value
        if value == self._asked and self.query_one("#found", WorkList).count is not None:
            self._go_to_list()
            return
        self._search()

    def on_key(self, event: Any) -> None:
        # Down from the field goes to the results, as in the register and the picker
        if event.key == "down" and self.focused is self.query_one("#search-query", Input):
            self._go_to_list()
            event.stop()

    def _go_to_list(self) -> None:
        self._to_list = False
        found = self.query_one("#found", WorkList)
        if found.count:
            found.focus()

    def _search(self) -> None:
        from deskui.services.search import FindRecords, find_records

        text = self.query_one("#search-query", Input).value
        self._asked = text
        self.query_one("#search-note", Static).update(t("search.searching"))
        run_service(
            self,
            find_records,
            FindRecords(text),
            done=lambda found: self._show(text, found),
            trouble=self._trouble,
            group="search",
            exclusive=True,
        )

    def _show(self, text: str, found: FoundRecords, *, again: bool = False) -> None:
        if text != self._asked:
            return  # a newer search is on its way
        results = self.query_one("#found", WorkList)
        self.query_one("#search-note", Static).update(self._note(text, found))
        source = results.source
        if again and isinstance(source, FoundSource):
            source.replace(found.rows)
            results.reload()  # the cursor stays on its ticket (row_key), wherever it went
            return
        if found.too_short:
            results.empty_text = t("search.waiting") if not text.strip() else t("search.too_short")
        else:
            results.empty_text = t("search.empty")
        results.set_source(FoundSource(found.rows))
        if self._to_list:
            self._to_list = False
            if found.rows:
                results.focus()

    def _note(self, text: str, found: FoundRecords) -> str:
        if found.too_short:
            return t("search.waiting") if not text.strip() else t("search.too_short")
        lines = []
        if found.more:
            lines.append(t("search.more", count=len(found.rows)))
        elif found.rows:
            lines.append(t("search.found", count=len(found.rows)))
        else:
            lines.append(t("search.empty"))
        if found.numbers_hidden:
            lines.append(t("search.numbers_hidden"))
        return "  ".join(lines)

    def _trouble(self, line: str) -> None:
        self.query_one("#search-note", Static).update(Text(line))

    # -- another desk's changes (DESIGN.md 7) --------------------------------------------------

    def on_desk_app_changes_seen(self, message: Any) -> None:
        """A ticket saved or changed here or at another desk: the results shown are read
        again, as the work list reloads, without a key (issue 26)."""
        if not message.entities & RESEARCHED_ON:
            return
        if not _shown(self):
            self._stale = True  # a screen over it: searched again when it shows
            return
        self._search_again()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._search_again()

    def _search_again(self) -> None:
        from deskui.services.search import FindRecords, find_records

        self._stale = False
        text = self._asked
        field = self.query_one("#search-query", Input)
        if (
            not text.strip()
            or field.value != text
            or self.query_one("#found", WorkList).count is None
        ):
            return  # nothing shown yet, or the search being typed runs after its pause anyway
        if self._again is not None and self._again.is_running:
            self._again_owed = True
            return
        self._again = run_service(
            self,
            find_records,
            FindRecords(text),
            done=lambda found: self._found_again(text, found),
            trouble=self._trouble,
            group="search_again",
        )

    def _found_again(self, text: str, found: FoundRecords) -> None:
        self._show(text, found, again=True)
        if self._again_owed:
            self._again_owed = False
            self._search_again()

    # -- the results ---------------------------------------------------------------------------

    @on(WorkList.CursorMoved, "#found")
    def _moved(self, event: WorkList.CursorMoved) -> None:
        self.query_one("#found-detail", Static).update(self.describe(event.row))

    def describe(self, row: FoundTicket | None) -> Text:
        """Two lines about the selected ticket, every value typed by someone as plain text."""
        text = Text()
        if row is None:
            return text
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        text.append(f"#{row.ticket_id}  ", style="bold")
        text.append(visible(row.customer_name, one_line=True))
        if row.contact_name:
            text.append("  ")
            text.append(visible(row.contact_name, one_line=True))
        text.append("  ")
        text.append(
            t(
                "search.detail",
                opened=row.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                owner=visible(row.owner_name, one_line=True),
                status=t(f"status.{row.status}"),
            )
        )
        text.append("\n")
        text.append(visible(row.words, one_line=True))
        return text

    @on(WorkList.RowSelected, "#found")
    def _open(self, event: WorkList.RowSelected) -> None:
        open_work_item(self.app, event.row)
