"""The agent's unread notices (escalations), newest first; Enter opens the record one is
about, and leaving the list either way marks them read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.host import desk_host

if TYPE_CHECKING:
    from deskui.services.notifications import NotificationRecord


@dataclass(frozen=True, slots=True)
class Seen:
    """What leaving the list says: which notices were shown, and the one to open, if any."""

    ids: list[int]
    opened: NotificationRecord | None = None


class NotificationsModal(ModalScreen[Seen]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "done", "keys.mark_read", id="mark_read"),
    ]

    def __init__(self, notifications: list[NotificationRecord]) -> None:
        super().__init__(id="notifications")
        localize_bindings(self)
        self._notifications = notifications

    def compose(self) -> ComposeResult:
        zone = ZoneInfo(desk_host(self.app).settings.site_timezone)
        with Vertical(classes="dialog"):
            yield Static(t("notification.title"), classes="dialog-title")
            if not self._notifications:
                yield Static(t("notification.none"), classes="hint")
            else:
                yield OptionList(
                    *(Option(self._line(n, zone), id=str(n.id)) for n in self._notifications),
                    id="notification-list",
                )
            yield Static(t("notification.hint"), classes="hint")

    @staticmethod
    def _line(notification: NotificationRecord, zone: ZoneInfo) -> Text:
        line = Text()
        line.append(notification.created_at.astimezone(zone).strftime("%m-%d %H:%M  "))
        line.append(t(f"notification.{notification.kind}"), style="bold")
        line.append("  ")
        line.append(visible(notification.text, one_line=True))
        if notification.subject_id is not None:
            line.append(f"  #{notification.subject_id}")
        return line

    @on(OptionList.OptionSelected, "#notification-list")
    def open_selected(self, event: OptionList.OptionSelected) -> None:
        opened = next(n for n in self._notifications if str(n.id) == event.option.id)
        self.dismiss(Seen([n.id for n in self._notifications], opened))

    def action_done(self) -> None:
        self.dismiss(Seen([n.id for n in self._notifications]))


def open_notice(app: App[Any], notice: NotificationRecord) -> None:
    """The record a notice is about: a complaint handed to the lead opens its steps, a late
    handover the handover list, an urgent phone message the reception's messages; any other
    ticket its detail (as Enter on the desk's row does)."""
    from deskui.navigation import navigate
    from deskui.screens.desk import open_work_item

    if notice.subject_id is None:
        return
    host = desk_host(app)
    if notice.kind == "complaint_takeover":
        host.open_complaint(notice.subject_id)
    elif notice.subject_type == "handover_item":
        host.action_open_screen("handover")
    elif notice.subject_type == "phone_message":
        from deskui.screens.reception import ReceptionScreen

        navigate(
            app,
            "reception",
            lambda: ReceptionScreen("messages"),
            brought_back=lambda screen: screen.action_section("messages"),
        )
    else:
        open_work_item(app, notice)
