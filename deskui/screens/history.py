"""A record's history (issue 16): every change, newest first, at local time, who, what, and
each changed field as old → new, with the field's name from the catalog. Opened from the
customer profiles (`h`), the handover, callbacks and accounts (`l`); it only reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from deskui.domain.phone import format_display
from deskui.domain.search import visible
from deskui.i18n import has_key, t
from deskui.keys import localize_bindings
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import Service, denied_line, run_service
from deskui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.profiles import HistoryEntry

TIME_FORMAT = "%Y-%m-%d %H:%M"
LONGEST_VALUE = 60
"""A long text (a note, done so far) is cut in the list: the record shows it whole."""
PHONES = ("phone", "contact_phone")
TIMES = ("due_at", "locked_until")
WORDS = {
    "role": "profiles.role",
    "gender": "profiles.gender",
    "status": "handover.status",
    "sheet": "handover.sheet",
    "purpose": "callbacks.purpose",
    "account_role": "role",
    "account_department": "department",
}
"""Fields whose stored value is a code shown in words from the catalog."""


class HistoryModal(ModalScreen[None]):
    """The history of one record, as `service(query)` returns it (`HistoryEntry` rows)."""

    CSS_PATH = "history.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "keys.back", id="history_back"),
    ]

    def __init__(self, title: str, service: Service[Any, list[HistoryEntry]], query: object):
        super().__init__(id="history")
        localize_bindings(self)
        self.title_text = title
        self.service = service
        self.query_command = query

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog history-dialog"):
            yield Static(Text(visible(self.title_text, one_line=True)), classes="dialog-title")
            with VerticalScroll(id="history-list"):
                yield Static(t("history.loading"), id="history-entries")
            yield Static(t("history.hint"), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#history-list", VerticalScroll).focus()
        run_service(
            self,
            self.service,
            self.query_command,
            done=self._show,
            refused=lambda error: self._failed(denied_line(error)),
            trouble=self._failed,
            group="history",
            exclusive=True,
        )

    def _failed(self, reason: str) -> None:
        self.query_one("#history-entries", Static).update(Text(t("history.failed", reason=reason)))

    def _show(self, entries: list[HistoryEntry]) -> None:
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        self.query_one("#history-entries", Static).update(history_table(entries, zone))


def history_table(entries: list[HistoryEntry], zone: ZoneInfo) -> Table | Text:
    """The entries as the modal shows them: one row each, its changes one line each."""
    if not entries:
        return Text(t("history.empty"))
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    for entry in entries:
        table.add_row(
            entry.at.astimezone(zone).strftime(TIME_FORMAT),
            Text(visible(entry.agent_name) or t("history.nobody")),
            describe_entry(entry, zone),
        )
    return table


def describe_entry(entry: HistoryEntry, zone: ZoneInfo) -> Text:
    """What happened (with the contact it concerns), then each field: old → new."""
    text = Text()
    action = f"history.action.{entry.action}"
    text.append(t(action) if has_key(action) else entry.action, style="bold")
    if entry.subject:
        text.append("  ")
        text.append(visible(entry.subject))
    if entry.note:
        text.append("  ")
        text.append(t("history.reason", reason=visible(entry.note)))
    for field, old, new in entry.changes:
        label = f"history.field.{field}"
        text.append("\n")
        text.append(f"{t(label) if has_key(label) else field}: ", style="dim")
        text.append(value_text(field, old, zone))
        text.append(" → ")
        text.append(value_text(field, new, zone))
    return text


def value_text(field: str, value: object, zone: ZoneInfo) -> str:
    """One stored value in words: none as a dash, yes/no, a phone in its national format, a
    time in local time, a code by its catalog name, a long text cut."""
    if value is None or value == "":
        return t("history.none")
    if isinstance(value, bool):
        return t("history.yes") if value else t("history.no")
    shown = str(value)
    if field in PHONES:
        return format_display(shown)
    if field in TIMES:
        return _local_time(shown, zone)
    if field in WORDS and has_key(f"{WORDS[field]}.{shown}"):
        return t(f"{WORDS[field]}.{shown}")
    if field.endswith("_on") or field == "birthday":
        return _day(shown)
    line = visible(" ".join(shown.split()))
    return line if len(line) <= LONGEST_VALUE else line[: LONGEST_VALUE - 1] + "…"


def _local_time(stored: str, zone: ZoneInfo) -> str:
    try:
        return datetime.fromisoformat(stored).astimezone(zone).strftime(TIME_FORMAT)
    except ValueError:
        return visible(stored)


def _day(stored: str) -> str:
    try:
        return date.fromisoformat(stored).isoformat()
    except ValueError:
        return visible(stored)
