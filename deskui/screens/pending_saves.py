"""Saves the desk promised to retry (issue 13): a save that failed because the database
could not take it is handed here, kept in memory and retried from the app's one tick until it
lands or the agent discards it, whatever screen is open. Every banner says how many wait."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import every_screen, open_modal
from deskui.screens.delivery import deliver
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service
from deskui.screens.trouble_text import driver_text
from deskui.widgets.banner import Banner
from deskui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from datetime import datetime

    from deskui.screens.runner import Service
    from deskui.services.actor import Actor

RETRY_TICKS = 5
"""Ticks (seconds) between two retries: the "5 秒" the banners promise."""

log = logging.getLogger("deskui.pending_saves")


@dataclass(frozen=True, slots=True)
class PendingSave:
    """One save waiting for the database: `service(uow, actor, command, taken_at)` runs in a
    worker, as the agent who made it and at the time they made it (the service commits), and
    returns what the screen that made it wants back."""

    key: str
    kind: str
    """Who made it ("intake"): the screens of that kind hear when it lands."""
    label: str
    """What it is, in the agent's words (the caller's first words)."""
    service: Service[Any, Any]
    command: Any
    actor: Actor
    taken_at: datetime
    typed: str = ""
    """The main text the agent typed, by which a form knows its own save again."""


@dataclass
class SaveLanded(Message, bubble=False):
    """A pending save reached the database; sent to every screen on the stack."""

    save: PendingSave
    result: Any


class PendingSaves:
    """The app's queue of saves to retry, oldest first."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._host = desk_host(app)
        self._saves: dict[str, PendingSave] = {}
        self._keys = itertools.count(1)
        self._running = False
        self._ticks = 0

    def __len__(self) -> int:
        return len(self._saves)

    def new_key(self, kind: str) -> str:
        return f"{kind}-{next(self._keys)}"

    def add(self, save: PendingSave) -> None:
        """Keep `save` until it lands or is discarded (a save with the same key replaces it)."""
        self._saves[save.key] = save
        self.show()

    def discard_all(self) -> None:
        for save in self._saves.values():
            log.warning("pending save discarded by the agent: %s", save.key)  # no words
        self._saves.clear()
        self.show()

    def open_modal(self) -> None:
        open_modal(self._app, PendingSavesModal(self))

    def labels(self) -> list[str]:
        return [save.label for save in self._saves.values()]

    def text(self) -> str:
        """What every banner adds while saves wait: how many, and how to discard them."""
        return t("pending.waiting", count=len(self._saves)) if self._saves else ""

    def show(self) -> None:
        text = self.text()
        for screen in every_screen(self._app):
            for banner in screen.query(Banner):
                banner.pending = text

    def tick(self) -> None:
        """From the app's one tick: retry every few seconds while saves wait."""
        self._ticks += 1
        if not self._saves or self._running or self._ticks % RETRY_TICKS:
            return
        if self._host.database is None:
            return
        self._running = True
        self._app.run_worker(
            self._retry, thread=True, group="pending_saves", exclusive=True, exit_on_error=False
        )

    def _retry(self) -> None:
        """In a worker: each save in its own unit of work, oldest first; the first that
        fails ends the round (the database is still not taking writes)."""
        try:
            for save in list(self._saves.values()):
                try:
                    result = call_service(
                        self._host, save.service, save.command, actor=save.actor, now=save.taken_at
                    )
                except Exception as error:
                    log.warning("pending save %s still not saved: %s", save.key, driver_text(error))
                    return
                deliver(self._app, self._landed, save, result)
        finally:
            deliver(self._app, self._finished)

    def _finished(self) -> None:
        self._running = False

    def _landed(self, save: PendingSave, result: Any) -> None:
        if self._saves.pop(save.key, None) is None:
            return
        for screen in every_screen(self._app):
            screen.post_message(SaveLanded(save, result))
        self._app.notify(t("pending.landed", what=save.label), title=t("pending.title"))
        self.show()


class PendingSavesModal(ModalScreen[None]):
    """What waits to be saved, and the one way to give it up (from the palette)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+x", "discard", "keys.pending_discard", id="pending_discard", priority=True),
        Binding("escape", "keep", "keys.pending_keep", id="pending_keep"),
    ]

    def __init__(self, pending: PendingSaves) -> None:
        super().__init__(id="pending-saves")
        localize_bindings(self)
        self.pending = pending

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("pending.title"), classes="dialog-title")
            for label in self.pending.labels() or [t("pending.none")]:
                yield Static(Text(f"· {label}"))
            yield Static(t("pending.hint"), classes="hint")
        yield KeyFooter()

    def action_discard(self) -> None:
        self.pending.discard_all()
        self.dismiss(None)

    def action_keep(self) -> None:
        self.dismiss(None)


def pending_saves_command(pending: PendingSaves) -> SystemCommand:
    """The palette's way to see the waiting saves and discard them."""
    return SystemCommand(
        t("pending.command", count=len(pending)),
        t("pending.command_tip"),
        pending.open_modal,
    )
