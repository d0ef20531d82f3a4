"""The agent's unread notices (escalations); closing the list marks them read."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskui.i18n import t
from deskui.keys import localize_bindings

if TYPE_CHECKING:
    from deskui.services.notifications import NotificationRecord


class NotificationsModal(ModalScreen[list[int]]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "done", "keys.mark_read", id="mark_read"),
    ]

    def __init__(self, notifications: list[NotificationRecord]) -> None:
        super().__init__(id="notifications")
        localize_bindings(self)
        self._notifications = notifications

    def compose(self) -> ComposeResult:
        zone = ZoneInfo(getattr(self.app, "settings").site_timezone)  # noqa: B009
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
        line.append(notification.text)
        if notification.subject_id is not None:
            line.append(f"  #{notification.subject_id}")
        return line

    def action_done(self) -> None:
        self.dismiss([n.id for n in self._notifications])
