"""F12: the caller log (issue 25). Today's and earlier calls, newest first: when, the number,
the customer, who answered, how long the caller waited and talked, and how it ended
(answered, missed, called back); 2 the missed calls, 3 those not called back yet. Enter opens
the call's ticket, or the caller's card in intake."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Static

from deskui.domain.countdown import format_duration
from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal, ring_bell
from deskui.screens.focus import closed_before_mount
from deskui.screens.phone_desk import ANONYMOUS, shown_number
from deskui.screens.runner import call_service
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.phone_desk import CallLogRow

FILTERS = ("all", "missed", "not_called_back")
"""The log's views by key 1, 2, 3 (deskui.services.phone_desk.CALL_LOG_FILTERS)."""


class CallLogSource:
    """The calls of one filter, newest first (`count`/`rows` run in the list's worker)."""

    def __init__(self, app: DeskHost, filter: str) -> None:
        self._app = app
        self.filter = filter

    def count(self) -> int:
        from deskui.services.phone_desk import CallLogPage, call_log_count

        return call_service(self._app, call_log_count, CallLogPage(self.filter))

    def rows(self, offset: int, limit: int) -> list[Any]:
        from deskui.services.phone_desk import CallLogPage, call_log_page

        return call_service(self._app, call_log_page, CallLogPage(self.filter, offset, limit))


def _seconds(value: int | None) -> str:
    return format_duration(value) if value is not None else "—"


def call_log_columns(app: DeskHost) -> list[Column]:
    zone = ZoneInfo(app.settings.site_timezone)
    return [
        Column(
            title=t("caller_log.col.when"),
            width=12,
            cell=lambda row: row.rang_at.astimezone(zone).strftime("%m-%d %H:%M"),
            min_width=11,
        ),
        Column(
            title=t("caller_log.col.number"),
            width=14,
            cell=lambda row: shown_number(row.number),
            min_width=11,
        ),
        Column(
            title=t("caller_log.col.outcome"),
            width=8,
            cell=lambda row: t(f"caller_log.outcome.{row.outcome}"),
        ),
        Column(
            title=t("caller_log.col.wait"),
            width=8,
            cell=lambda row: _seconds(row.wait_seconds),
            drop=2,
        ),
        Column(
            title=t("caller_log.col.duration"),
            width=8,
            cell=lambda row: _seconds(row.duration_seconds),
            drop=3,
        ),
        Column(
            title=t("caller_log.col.agent"),
            width=8,
            cell=lambda row: row.agent_name or "—",
            min_width=4,
            drop=1,
        ),
        Column(
            title=t("caller_log.col.customer"),
            width=0,
            cell=lambda row: row.customer_name or t("caller_log.unknown_customer"),
            min_width=10,
        ),
    ]


class CallerLogScreen(KeptScreen):
    """Every call the phone system told the desk of, by filter."""

    CSS_PATH = "caller_log.tcss"  # its own rules, parsed when it first opens
    watches_calls = True
    """Every call event concerns it: the desk reads the feed for each (DeskApp.heard)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "filter('all')", "keys.caller_log_all", id="caller_log_all"),
        Binding("2", "filter('missed')", "keys.caller_log_missed", id="caller_log_missed"),
        Binding(
            "3",
            "filter('not_called_back')",
            "keys.caller_log_not_called_back",
            id="caller_log_not_called_back",
        ),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    def __init__(self, filter: str = "all") -> None:
        super().__init__(id="caller-log")
        localize_bindings(self)
        self.filter = filter

    @property
    def desk_app(self) -> DeskHost:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="caller-log-header"):
            yield Static(t("caller_log.title"), classes="section-title")
            yield Static("", id="caller-log-tabs")
        yield WorkList(
            columns=call_log_columns(self.desk_app),
            empty_text=t("caller_log.empty"),
            id="calls",
        )
        yield Static("", id="call-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.action_filter(self.filter)

    def reopened(self) -> None:
        """F12 again after Esc: the filter chosen (1-3) stays, the calls read again; the
        keys go to the list."""
        calls = self.query_one("#calls", WorkList)
        calls.focus()
        self.call_after_refresh(calls.reload)  # once the screen is painted as it was left

    def action_filter(self, filter: str) -> None:
        self.filter = filter
        line = Text()
        for n, name in enumerate(FILTERS, start=1):
            line.append(
                f" {n} {t(f'caller_log.filter.{name}')} ", "reverse bold" if name == filter else ""
            )
        self.query_one("#caller-log-tabs", Static).update(line)
        calls = self.query_one("#calls", WorkList)
        calls.empty_text = t(f"caller_log.empty_{filter}")
        calls.set_source(CallLogSource(self.desk_app, filter))
        calls.focus()
        self.query_one("#call-detail", Static).update("")

    @on(WorkList.CursorMoved, "#calls")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self.query_one("#call-detail", Static).update(self.describe(event.row))

    def describe(self, row: CallLogRow | None) -> Text:
        """Two lines about the selected call, every value from the caller as plain text."""
        text = Text()
        if row is None:
            return text
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        text.append(row.rang_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"))
        text.append("  ")
        text.append(shown_number(row.number), style="bold")
        text.append("  ")
        text.append(visible(row.customer_name or t("caller_log.unknown_customer")))
        text.append("\n")
        text.append(
            t(
                "caller_log.detail",
                outcome=t(f"caller_log.outcome.{row.outcome}"),
                agent=visible(row.agent_name) or "—",
                wait=_seconds(row.wait_seconds),
                duration=_seconds(row.duration_seconds),
            )
        )
        text.append("  ")
        if row.ticket_id is not None:
            text.append(t("caller_log.enter_ticket", id=row.ticket_id))
        elif row.number == ANONYMOUS:  # nothing to dial: no callback was made, none waits
            if row.outcome == "missed":
                text.append(t("caller_log.withheld"), style="bold")
        elif row.customer_id is not None or row.number:
            text.append(t("caller_log.enter_customer"))
        return text

    @on(WorkList.RowSelected, "#calls")
    def open_call(self, event: WorkList.RowSelected) -> None:
        """Enter: the ticket the call was recorded as, else the caller's card in intake."""
        row: CallLogRow | None = event.row
        if row is None:
            ring_bell(self)
            return
        if row.ticket_id is not None:
            from deskui.screens.ticket_detail import TicketDetailModal

            open_modal(self.app, TicketDetailModal(row.ticket_id))
            return
        opener = getattr(self.app, "open_caller", None)
        if opener is None or (row.customer_id is None and not row.number):
            ring_bell(self)
            return
        opener(row)

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"call", "callback"}:
            self.query_one("#calls", WorkList).reload()
