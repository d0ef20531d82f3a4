"""A form's typing kept as a draft row (DESIGN.md 5), for any screen or dialog to own.

The screen builds a `FormDraft` with its form name and subject key, forwards its fields'
change messages to `edited()`, calls `load()` once its own prefill is on screen, and deletes
the draft inside the unit of work of its successful save (`delete_in`). What is collected:
every `Input`, `TextArea`, `GuardedText` and `Select` with an id (under `within` when given),
except disabled or read-only ones and those marked `-no-draft`. What a form holds beside its
fields (a script's answers and the step it stands on) goes in through `state` and comes back
through `restore_state`, before the restored notice.

A draft is written only when the fields differ from what the form showed before the agent
typed (its baseline), so opening a form never leaves a draft behind and a form emptied back
to its baseline leaves none either.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Select, TextArea
from textual.widgets.select import InvalidSelectValueError

from deskui.domain.search import visible
from deskui.i18n import t
from deskui.screens.delivery import deliver
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service
from deskui.services.drafts import (
    DraftOf,
    SaveDraft,
    delete_draft,
    delete_draft_in,
    load_draft,
    save_draft,
)
from deskui.widgets.guarded_text import GuardedText

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.screens.runner import UnitOfWork

DRAFT_DELAY = 0.5  # seconds after the last key (DESIGN.md 5)
RETRY_SECONDS = 5.0
"""After a failed write the draft is tried again, typing or not, once the database is back."""
NO_DRAFT = "-no-draft"
"""A widget (or container) with this class is never written to a draft."""
STATE = "~state"
"""The payload key of what `state` returns: no widget id starts with "~"."""

Values = dict[str, object]
Trouble = Callable[[str], None]
"""Told the reason a draft could not be written, and "" once one is written again."""


class FormDraft:
    """One form's draft: `draft(agent_id, form, subject_key)` for the signed-in agent."""

    def __init__(
        self,
        screen: Screen[Any],
        form: str,
        key: object = "",
        *,
        within: str | None = None,
        restored: Callable[[Values], None] | None = None,
        trouble: Trouble | None = None,
        title: str = "",
        state: Callable[[], object] | None = None,
        restore_state: Callable[[object], None] | None = None,
    ) -> None:
        self.screen = screen
        self.form = form
        self.key = str(key)
        self._within = within
        self._restored = restored
        self._trouble = trouble
        self._title = title
        self._state = state
        self._restore_state = restore_state
        self._timer: Timer | None = None
        self._baseline: Values | None = None
        """The fields before the agent typed: None until `load()`."""
        self._stored: Values | None = None
        """What the draft row holds as far as this form knows (None: no row)."""
        self._ready = False
        self._held = False
        self._failing = False
        self._lock = threading.Lock()
        self._app: DeskHost | None = None
        self._sequence = 0
        """Bumped by every write and by `delete_in`: an older write still queued drops out."""
        _live.add(self)

    @property
    def app(self) -> DeskHost:
        # kept from the first ask on the UI thread: a write that runs after its form has
        # closed can no longer reach the app through the screen
        if self._app is None:
            self._app = desk_host(self.screen.app)
        return self._app

    @property
    def _agent_id(self) -> int | None:
        app = self.app
        if app.agent is None or app.database is None:
            return None
        return app.agent.id

    @property
    def _which(self) -> DraftOf:
        return DraftOf(self.form, self.key)

    # -- the fields ---------------------------------------------------------------------------

    def fields(self) -> list[Widget]:
        """The widgets the draft keeps, in screen order."""
        root: Widget = self.screen if self._within is None else self.screen.query_one(self._within)
        found: list[Widget] = []
        for widget in root.query("Input, TextArea, Select, GuardedText"):
            if not widget.id or widget.is_disabled or getattr(widget, "read_only", False):
                continue
            if any(node.has_class(NO_DRAFT) for node in (widget, *widget.ancestors)):
                continue
            found.append(widget)
        return found

    def values(self) -> Values:
        """The fields as they stand, by id: text as typed, a choice's value or None."""
        values: Values = {}
        for widget in self.fields():
            assert widget.id is not None
            if isinstance(widget, Input):
                values[widget.id] = widget.value
            elif isinstance(widget, TextArea | GuardedText):
                values[widget.id] = widget.text
            elif isinstance(widget, Select):
                value = widget.value
                values[widget.id] = None if value is Select.NULL else str(value)
        if self._state is not None:
            values[STATE] = self._state()
        return values

    def fill(self, values: Values) -> None:
        """Put `values` into the fields that are still there; a choice gone stays as it is."""
        for widget in self.fields():
            if widget.id not in values:
                continue
            value = values[widget.id]
            if isinstance(widget, Input):
                widget.value = str(value or "")
            elif isinstance(widget, TextArea | GuardedText):
                widget.text = str(value or "")
            elif isinstance(widget, Select) and value is not None:
                with suppress(InvalidSelectValueError):
                    widget.value = str(value)

    # -- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Once the form shows what it starts with: remember that, then bring a draft back."""
        self._baseline = self.values()
        if self._agent_id is None:
            return
        self.screen.run_worker(
            self._read,
            thread=True,
            exclusive=True,
            group=f"draft_load_{self.form}",
            exit_on_error=False,
        )

    def _read(self) -> None:
        if self._agent_id is None:
            return
        try:
            payload = call_service(self.app, load_draft, self._which)
        except Exception as error:
            deliver(self.screen, self._failed, _first_line(error))
            deliver(self.screen, self._loaded, None)
            return
        deliver(self.screen, self._loaded, payload)

    def _loaded(self, payload: Values | None) -> None:
        self._ready = True
        if payload:
            before = self.values()
            self.fill(payload)
            if self._restore_state is not None and STATE in payload:
                self._restore_state(payload[STATE])
            self._stored = self.values()
            if self._stored != before:
                self.screen.notify(t("drafts.restored"), title=self._title)
                if self._restored is not None:
                    self._restored(self._stored)
        self._schedule()  # anything typed while the draft was on its way

    # -- typing -------------------------------------------------------------------------------

    def edited(self) -> None:
        """A field changed: write the draft once the agent pauses."""
        if self._ready and not self._held:
            self._schedule()

    def _schedule(self, delay: float = DRAFT_DELAY) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.screen.set_timer(delay, self._flush)

    def flush(self) -> None:
        """Write now what differs from the stored draft (the form is being left): the
        last keys' Changed messages may not have reached the form yet, so no pending timer
        is needed for there to be something to write."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._held:
            return
        if self._ready:
            self._flush(on_app=True)
        else:
            self._flush_before_loaded()

    def _flush_before_loaded(self) -> None:
        """The agent typed and left before the stored draft came back (a form typed into
        the moment it opens, on a busy host): keep both. What they changed wins, field by
        field; the stored draft keeps every field they did not touch."""
        if self._agent_id is None or self._baseline is None or not self.screen.is_attached:
            return
        values, baseline = self.values(), self._baseline
        if values == baseline:
            return  # nothing typed: the stored draft stays as it is
        with self._lock:
            self._sequence += 1
            sequence = self._sequence

        def merge_and_write() -> None:
            try:
                stored = call_service(self.app, load_draft, self._which) or {}
            except Exception as error:
                deliver(self.screen, self._write_failed, _first_line(error))
                return
            merged = {
                name: value if value != baseline.get(name) else stored.get(name, value)
                for name, value in values.items()
            }
            self._write(sequence, merged)

        # the app's worker: the screen is being left
        self.app.run_worker(
            merge_and_write, thread=True, group=f"draft_{self.form}", exit_on_error=False
        )

    def write_now(self) -> None:
        """The desk is stopping on an unexpected error: write what a pending timer would
        write, on this thread, since no worker will run any more."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._ready or self._held or self._baseline is None:
            return  # before its draft came back the form may hold less than the row
        values = self.values()
        if values == self._stored or (values == self._baseline and self._stored is None):
            return
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
        self._write(sequence, None if values == self._baseline else values)

    def _flush(self, *, on_app: bool = False) -> None:
        self._timer = None
        if self._held or self._baseline is None or not self.screen.is_attached:
            return
        values = self.values()
        if values == self._stored:
            return
        if values == self._baseline:  # typed back to where it started: nothing to keep
            if self._stored is None:
                return
            payload: Values | None = None
        else:
            payload = values
        self._stored = payload
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
        # leaving the form: the app's worker outlives the screen's
        runner = self.app if on_app else self.screen
        runner.run_worker(
            lambda: self._write(sequence, payload),
            thread=True,
            group=f"draft_{self.form}",
            exit_on_error=False,
        )

    def _write(self, sequence: int, payload: Values | None) -> None:
        if self._agent_id is None:
            return
        app = self.app
        try:
            with self._lock:  # one write at a time, the newest only
                if sequence != self._sequence or self._held:
                    return
                if payload is None:
                    call_service(app, delete_draft, self._which)
                else:
                    call_service(app, save_draft, SaveDraft(self.form, payload, self.key))
        except Exception as error:
            deliver(self.screen, self._write_failed, _first_line(error))
            return
        if self._failing:
            deliver(self.screen, self._recovered)

    def _write_failed(self, reason: str) -> None:
        """What is typed stays on screen; the draft is written again a little later."""
        self._stored = {"": "unknown"}  # differs from anything the fields hold
        self._failed(reason)
        if not self._held:
            self._schedule(RETRY_SECONDS)

    def _failed(self, reason: str) -> None:
        first = not self._failing
        self._failing = True
        if first:
            self._say(t("drafts.trouble", reason=visible(reason)))

    def _recovered(self) -> None:
        if self._failing:
            self._failing = False
            self._say("")

    def _say(self, message: str) -> None:
        if self._trouble is not None:
            self._trouble(message)
        elif message:
            self.screen.notify(message, severity="warning", markup=False)

    # -- the form's own save ------------------------------------------------------------------

    def hold(self) -> None:
        """The form is being saved: no draft is written until `saved()` or `resume()`."""
        self._held = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def delete_in(self, uow: UnitOfWork) -> None:
        """In the worker of the form's save, inside its unit of work: the draft goes with the
        save's commit, or stays if the save fails."""
        actor = self.app.actor
        if self._agent_id is None or actor is None:
            return
        with self._lock:
            self._sequence += 1
        delete_draft_in(uow, actor, self._which)

    def saved(self) -> None:
        """The save went through (and took the draft with it): what shows now is the start."""
        self._held = False
        self._stored = None
        self._baseline = self.values()
        if self._failing:
            self._recovered()

    def resume(self) -> None:
        """The save failed: keep writing the draft, starting with what is there now."""
        if self._held:
            self._held = False
            self._stored = {"": "unknown"}
            self._schedule()

    def discard(self) -> None:
        """The agent drops the form (cancel, new form): its draft goes too."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._stored = None
        if self._baseline is not None:
            self._baseline = self.values()
        if self._agent_id is None:
            return
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
        # a dialog closing now would take a worker of its own with it
        self.app.run_worker(
            lambda: self._write(sequence, None),
            thread=True,
            group=f"draft_{self.form}",
            exit_on_error=False,
        )


_live: weakref.WeakSet[FormDraft] = weakref.WeakSet()
"""Every form's draft still alive, for the app to write them all when it stops on an error."""


def live_drafts() -> list[FormDraft]:
    """The drafts of every form still open (or not yet collected)."""
    return [draft for draft in list(_live) if draft.screen.is_attached]


def _first_line(error: BaseException) -> str:
    from deskui.screens.trouble_text import error_line

    return error_line(error)  # catalog words; the raw text goes to the log
