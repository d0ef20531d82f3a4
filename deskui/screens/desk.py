"""The desk: who is signed in, the clock, and the agent's own deadlines as one live list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import open_modal, ring_bell
from deskui.screens.host import desk_host
from deskui.screens.pause_key import PAUSE_BINDING
from deskui.screens.runner import run_service
from deskui.screens.work_columns import deadline_columns, kind_text, subject
from deskui.widgets.banner import Banner
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.live_clock import LiveClock
from deskui.widgets.work_list import WorkList

if TYPE_CHECKING:
    from deskui.domain.floor import Readiness
    from deskui.screens.host import DeskHost
    from deskui.screens.notifications import Seen
    from deskui.services.desk import AgentRecord
    from deskui.services.notifications import NotificationRecord


TOASTS_AT_ONCE = 2
"""New notifications shown as toasts one by one; more than this are summed up in one."""


FIRST_ROWS_WAIT = 2.0
"""Seconds after the sign-in after which what waits for the first rows runs anyway (a list
that cannot load says so itself; the notifications must not wait on it)."""


class DeskScreen(Screen[None]):
    """Home: kept open all shift."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "notifications", "keys.notifications", id="notifications"),
        Binding("r", "reload", "keys.reload", id="reload", show=False),
        Binding("c", "calendar", "keys.calendar", id="calendar", show=False),
        Binding("s", "site_settings", "keys.site_settings", id="site_settings", show=False),
        Binding("b", "readiness", "keys.readiness", id="readiness", show=False),
        PAUSE_BINDING,  # the selected ticket waits on the customer, or resumes (DESIGN.md 2)
    ]

    def __init__(self) -> None:
        super().__init__(id="desk")
        localize_bindings(self)
        self._notifications: list[NotificationRecord] = []
        self._after_rows: list[Callable[[], object]] | None = None
        self._trouble = ""
        """The trouble banner's text, as last said (`show_trouble`)."""
        """What waits for the work list's first rows (None: they are painted)."""

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(id="desk-header"):
            yield Static(t("app.name"), id="brand")
            yield Static(t("desk.signing_in"), id="agent")
            yield Static("", id="bell")
            yield LiveClock(self.desk_app.settings.site_timezone, id="clock")
        yield Banner(id="trouble")
        yield Banner(id="calendar-notice", classes="-notice")
        yield Banner(id="callbacks-notice", classes="-attention")
        yield Static(t("desk.my_work"), id="work-title", classes="section-title")
        yield WorkList(
            columns=[],
            empty_text=t("desk.empty"),
            row_key=lambda row: (row.subject_type, row.subject_id),
            id="work",
        )
        yield Static("", id="work-detail")
        yield KeyFooter()

    # -- called by the app ---------------------------------------------------------------

    def show_trouble(self, message: str) -> None:
        """The trouble banner's text. Said before the desk is composed (the data worker's
        first answer can come first at start: it ended the desk with NoMatches once in a CI
        run), it is shown once the banner is there (`on_mount`)."""
        self._trouble = message
        for banner in self.query("#trouble").results(Banner):
            banner.message = message

    def on_mount(self) -> None:
        if self._trouble:
            self.show_trouble(self._trouble)

    def sign_in(self, agent: AgentRecord) -> None:
        from deskui.screens.sources import DeadlineSource

        app = self.desk_app
        self.query_one("#agent", Static).update(
            Text(t("desk.agent", name=agent.name, role=t(f"role.{agent.role}")))
        )
        work_list = self.query_one("#work", WorkList)
        work_list.columns = tuple(deadline_columns(app.settings.site_timezone))
        work_list.set_source(DeadlineSource(app, owner_id=agent.id))
        work_list.focus()
        self._show_calendar_notice()
        self._after_rows = []
        self.set_timer(FIRST_ROWS_WAIT, self._first_rows_shown)
        self.after_first_rows(self.load_notifications)
        self.after_first_rows(self.load_due_callbacks)

    def after_first_rows(self, then: Callable[[], object]) -> None:
        """Run `then` once the work list's first rows are painted after the sign-in (issue
        27): the agent waits for the rows, and the notifications, the due callbacks, the
        phone and the handover check each read in a worker that would compete with the
        rows' own for the interpreter. Run now when the rows are already shown."""
        if self._after_rows is None:
            then()
        else:
            self._after_rows.append(then)

    def _first_rows_shown(self) -> None:
        waiting, self._after_rows = self._after_rows, None
        for then in waiting or ():
            then()

    def refresh_work(self) -> None:
        self.query_one("#work", WorkList).reload()
        self._show_calendar_notice()  # a new or moved deadline may reach a year not known
        self.load_notifications()
        self.load_due_callbacks()

    # -- due callbacks stand out until the agent opens the queue (issue 6) ------------------

    def load_due_callbacks(self) -> None:
        from deskui.services.desk import newly_due_callbacks

        app = self.desk_app
        if app.agent is None or app.database is None:
            return
        run_service(
            self,
            newly_due_callbacks,
            None,
            done=self.show_due_callbacks,
            group="due_callbacks",
            exclusive=True,
        )

    def show_due_callbacks(self, count: int) -> None:
        """Text, not colour alone: how many fell due unseen and the key that opens them."""
        notice = t("desk.callbacks_due", count=count) if count else ""
        self.query_one("#callbacks-notice", Banner).message = notice

    def on_screen_resume(self) -> None:
        if self.desk_app.agent is not None:
            self.load_due_callbacks()

    def show_calendar_notice(self) -> None:
        self._show_calendar_notice()

    def _show_calendar_notice(self) -> None:
        if self.desk_app.calendar is not None and self.desk_app.database is not None:
            self.load_calendar_reach()

    def load_calendar_reach(self) -> None:
        from deskui.services.desk import latest_open_due

        run_service(
            self,
            latest_open_due,
            None,
            done=self._calendar_reach,
            group="calendar_reach",
            exclusive=True,
        )

    def _calendar_reach(self, latest: datetime | None) -> None:
        """Only a year some deadline or booking reaches into and the calendar does not know."""
        app = self.desk_app
        if app.calendar is None:
            return
        today = app.clock.now().astimezone(app.calendar.tz).date()
        years = []
        if latest is not None:
            years = app.calendar.unknown_years(today, latest.astimezone(app.calendar.tz).date())
        notice = ""
        if years:
            notice = t("desk.calendar_unknown", years="、".join(str(y) for y in years))
            entered = sum(app.calendar.overrides_in(year) for year in years)
            notice += " " + t("desk.calendar_entered", count=entered)
        self.query_one("#calendar-notice", Banner).message = notice

    # -- notifications (escalations reach the supervisor inside the app, seed 002:2.3.2) ----

    def load_notifications(self) -> None:
        from deskui.services.notifications import unread_notifications

        if self.desk_app.agent is None:
            return
        run_service(
            self,
            unread_notifications,
            None,
            done=self._show_notifications,
            group="notifications",
            exclusive=True,
        )

    def _show_notifications(self, notifications: list[NotificationRecord]) -> None:
        fresh = {n.id for n in notifications} - {n.id for n in self._notifications}
        self._notifications = notifications
        bell = self.query_one("#bell", Static)
        bell.update(Text(t("desk.bell", count=len(notifications))) if notifications else "")
        bell.set_class(bool(notifications), "-ringing")
        self.query_one("#desk-header").set_class(bool(notifications), "-belled")
        arrived = [n for n in notifications if n.id in fresh]
        for notification in arrived[:TOASTS_AT_ONCE]:
            self.notify(
                visible(notification.text),
                title=t(f"notification.{notification.kind}"),
                severity="warning",
                markup=False,
            )
        if len(arrived) > TOASTS_AT_ONCE:  # a backlog at sign-in: one line, not a wall
            self.notify(
                t("desk.notifications_more", count=len(arrived) - TOASTS_AT_ONCE),
                severity="warning",
            )

    def action_notifications(self) -> None:
        from deskui.screens.notifications import NotificationsModal

        open_modal(self.app, NotificationsModal(self._notifications), self._notifications_read)

    def _notifications_read(self, seen: Seen | None) -> None:
        from deskui.screens.notifications import open_notice

        if seen is None:
            return
        if seen.ids:
            self.mark_read(seen.ids)
        if seen.opened is not None:
            open_notice(self.app, seen.opened)

    def mark_read(self, ids: list[int]) -> None:
        from deskui.services.notifications import MarkRead, mark_read

        run_service(
            self,
            mark_read,
            MarkRead(tuple(ids)),
            done=lambda _: self.load_notifications(),
            group="notifications",
            exclusive=True,
        )

    def action_calendar(self) -> None:
        from deskui.screens.calendar_days import CalendarDaysModal

        open_modal(self.app, CalendarDaysModal(), self._calendar_closed)

    def action_site_settings(self) -> None:
        from deskui.screens.site_settings import SiteSettingsScreen

        if self.desk_app.database is None:
            ring_bell(self)
            return
        open_modal(self.app, SiteSettingsScreen())

    def _calendar_closed(self, saved: bool | None) -> None:
        if saved:
            self.desk_app.reload_calendar()

    def action_wait_customer(self) -> None:
        row = self.query_one("#work", WorkList).cursor_row
        if row is None or row.subject_type != "ticket":
            self.notify(t("pause.not_ticket"), severity="warning")
            return
        from deskui.screens.pause_ticket import wait_or_resume

        wait_or_resume(self, row.subject_id, row.paused_at is not None, self.refresh_work)

    # -- ready or not for calls (issue 25) -----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ready or not is for those who take calls: not offered to a department member."""
        if action == "readiness":
            if self.desk_app.agent is None:  # nobody to take calls: the phone waits for one
                return False
            from deskui.screens.phone_desk import takes_calls

            return takes_calls(self.desk_app)
        return True

    def action_readiness(self) -> None:
        from deskui.screens.readiness import ReadinessModal

        app = self.desk_app
        if app.agent is None or app.database is None:
            ring_bell(self)
            return
        phone = getattr(app, "phone", None)
        current = phone.readiness if phone is not None else None
        open_modal(self.app, ReadinessModal(current), self._readiness_picked)

    def _readiness_picked(self, readiness: Readiness | None) -> None:
        from deskui.services.phone_desk import SetReadiness, set_readiness

        if readiness is None:
            return
        run_service(
            self,
            set_readiness,
            SetReadiness(readiness),
            done=lambda _: self._readiness_set(readiness),
            trouble=self.show_trouble,
            group="readiness",
            exclusive=True,
        )

    def _readiness_set(self, readiness: Readiness) -> None:
        self.notify(t("readiness.set", state=t(f"readiness.{readiness.value}")))
        phone = getattr(self.desk_app, "phone", None)
        if phone is not None:
            phone.load()

    def action_reload(self) -> None:
        self.refresh_work()

    # -- the list ------------------------------------------------------------------------

    @on(WorkList.CursorMoved, "#work")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self.query_one("#work-detail", Static).update(describe_row(self.desk_app, event.row))
        if self._after_rows is not None:  # the first rows (or none) are in: once painted
            self.call_after_refresh(self._first_rows_shown)

    @on(WorkList.RowSelected, "#work")
    def open_subject(self, event: WorkList.RowSelected) -> None:
        open_work_item(self.app, event.row)

    def show_status(self, text: str) -> None:
        self.query_one("#agent", Static).update(Text(text))

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"deadline", "ticket", "callback", "handover_item", "notification"}:
            self.refresh_work()


def open_work_item(app: App[Any], row: Any) -> None:
    """Enter on a deadline opens what it is about; screens of later features add theirs."""
    if row is None:
        return
    if row.subject_type == "ticket":
        from deskui.screens.ticket_detail import TicketDetailModal

        open_modal(app, TicketDetailModal(row.subject_id))
        return
    opener = getattr(app, f"open_{row.subject_type}", None)
    if opener is not None:
        opener(row.subject_id)
    else:
        app.notify(t("desk.no_detail"), severity="information")


def describe_row(app: DeskHost, row: Any) -> Text:
    """Two lines about the selected deadline, all user data as plain text."""
    from zoneinfo import ZoneInfo

    if row is None:
        return Text("")
    zone = ZoneInfo(app.settings.site_timezone)
    due = row.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    text = Text()
    text.append(kind_text(row), style="bold")
    text.append(f"  #{row.subject_id}  ")
    text.append(visible(row.customer_name))
    text.append("\n")
    text.append(t("desk.due_at", due=due))
    if row.label:
        text.append("  ")
        text.append(visible(subject(row)))  # a callback's purpose in words, not its key
    return text
