"""Waiting on the customer (DESIGN.md 2): `w` on a ticket pauses its deadlines with a reason,
and `w` again, once the customer answers, resumes them later by the paused time."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static

from deskui.domain.deadlines import PAUSE_REASON_MAX, pause_reason_problem
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import open_modal, ring_bell
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount
from deskui.screens.runner import denied_line, run_service

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.pauses import Resumed

from deskui.screens.host import desk_host
from deskui.screens.pause_key import PAUSE_BINDING  # noqa: F401 - its old home
from deskui.widgets.field_input import FieldInput


class PauseTicketModal(ModalScreen[bool]):
    """The reason the ticket waits on the customer; Enter pauses, Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "keys.back", id="back"),
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__(id="pause-ticket")
        localize_bindings(self)
        self.ticket_id = ticket_id
        self.draft = FormDraft(
            self, "pause_ticket", ticket_id, title=t("pause.title", id=ticket_id)
        )

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("pause.title", id=self.ticket_id), classes="dialog-title")
            yield Static(t("pause.explain"), classes="hint")
            yield Label(t("pause.reason"), classes="field-label")
            yield FieldInput(
                id="pause-reason",
                placeholder=t("pause.reason_hint"),
                max_length=PAUSE_REASON_MAX,
                compact=True,
            )
            yield Static("", id="err-pause-reason", classes="field-error")
            yield Static(t("pause.hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#pause-reason", Input).focus()
        self.draft.load()

    @on(Input.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _error(self, key: str) -> None:
        self.query_one("#err-pause-reason", Static).update(Text(t(key)) if key else "")

    @on(Input.Submitted, "#pause-reason")
    def submitted(self) -> None:
        reason = self.query_one("#pause-reason", Input).value
        problem = pause_reason_problem(reason)
        self._error(problem or "")
        if problem is not None:
            return
        self.draft.hold()  # a draft written after the save would come back
        self.save(reason)

    def save(self, reason: str) -> None:
        from deskui.services.pauses import PauseTicket, pause_ticket

        run_service(
            self,
            pause_ticket,
            PauseTicket(self.ticket_id, reason),
            done=self._paused,
            refused=self._refused,
            trouble=self._trouble,
            draft=self.draft,
            group="pause_save",
            exclusive=True,
        )

    def _paused(self, count: int) -> None:
        self.notify(t("pause.paused", id=self.ticket_id, count=count))
        self.dismiss(True)

    def _refused(self, error: Exception) -> None:
        from deskui.services.errors import PauseError

        if isinstance(error, PauseError):
            self._error(error.key)
        else:  # a role the table refuses: the runner's line of who may not do what
            self.notify(denied_line(error), severity="warning")
        self.draft.resume()

    def _trouble(self, reason: str) -> None:
        """The database went away: say so, keep the typing."""
        self.notify(reason, severity="error", markup=False)
        self.draft.resume()

    def action_cancel(self) -> None:
        self.draft.flush()  # what was typed stays a draft for the next time
        self.dismiss(False)


def wait_or_resume(
    screen: Screen[Any], ticket_id: int, waiting: bool, done: Callable[[], None]
) -> None:
    """`w`: a ticket not waiting opens the reason dialog; a waiting one resumes at once (the
    customer answered) and says how much later its deadlines now fall due."""
    app = desk_host(screen.app)
    if app.agent is None or app.database is None:
        ring_bell(screen)
        return
    if not waiting:
        open_modal(screen.app, PauseTicketModal(ticket_id), lambda saved: done() if saved else None)
        return
    from deskui.services.pauses import ResumeTicket, resume_ticket

    def resumed(result: Resumed) -> None:
        from deskui.domain.countdown import format_duration

        paused_for = format_duration(int(result.paused_for.total_seconds()))
        app.notify(t("pause.resumed", id=ticket_id, paused_for=paused_for))
        done()

    def refused(error: Exception) -> None:
        from deskui.services.errors import PauseError

        if isinstance(error, PauseError):
            app.notify(t(error.key), severity="warning")
        else:
            app.notify(denied_line(error), severity="warning")

    run_service(
        screen,
        resume_ticket,
        ResumeTicket(ticket_id),
        done=resumed,
        refused=refused,
        trouble=lambda reason: app.notify(reason, severity="error", markup=False),
        group="pause_resume",
    )
