"""The phone on the agent's desk (issue 25): the line that names a caller while it rings, the
screen pop when the agent answers, and the wrap-up after the call.

The desk learns of a call as of any change (DESIGN.md 12): the change feed names the calls
and the agents they concern, and only a desk a call concerns asks anything. One read says
what this desk shows: the calls ringing for the agent or their queue, the call the agent is
on, and the last one they ended (its wrap-up). A call answered at the agent's extension is
popped once: intake opens with the number and the caller's card, whatever screen was open;
a locked desk shows only the masked line, and pops once the agent has signed in again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from textual.command import CommandPalette
from textual.screen import Screen

from deskui.domain.countdown import format_duration
from deskui.domain.floor import Readiness, call_seconds
from deskui.domain.permissions import Action
from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.navigation import every_screen, kept_screen
from deskui.screens.runner import run_service
from deskui.widgets.call_line import CallLine

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from deskui.screens.host import DeskHost
    from deskui.services.intake import CallersFound
    from deskui.services.phone_desk import DeskCall, DeskCalls

ANONYMOUS = "anonymous"
"""A withheld number as the phone system stores it (deskui.domain.calls.ANONYMOUS): not
imported from there, which loads phonenumbers, while the desk starts (DESIGN.md 9)."""
QUEUE_CALL = "call_queue"
"""The change feed's word for a call ringing a queue and no agent by name: every desk."""
LINE_ID = "call-line"


class PhoneDesk:
    """The app's phone watcher: one per desk app, told of changes, ticks, the lock."""

    def __init__(self, app: DeskHost) -> None:
        self._app = app
        self._calls: DeskCalls | None = None
        self._popped: set[int] = set()
        """Calls this desk has popped (or found already on when it signed in)."""
        self._waiting_pop: int | None = None
        """A call answered while the desk was locked: popped once it is open again."""
        self._watching = False
        self._read_ahead = False
        """A notification named this agent and the read started then: the feed's poll that
        follows it need not read again."""
        self._callers: dict[int, CallersFound] = {}
        """The callers and card read for each call as it rang the agent by name: its answer
        pops with them (a queue's call, or one whose number the role may not see, is read
        when it is answered, as before)."""

    @property
    def readiness(self) -> Readiness | None:
        """What the agent last said of themselves (None: nothing yet, which is ready)."""
        calls = self._calls
        if calls is None or calls.readiness is None:
            return None
        return calls.readiness.readiness

    @property
    def ringing(self) -> bool:
        """A call rings for the agent or their queue now: its answer may pop any moment."""
        calls = self._calls
        return calls is not None and bool(calls.ringing)

    # -- what the app tells it ----------------------------------------------------------------

    def signed_in(self) -> None:
        # the desk host is the Textual app itself (DeskHost is its typed face)
        node = cast("DOMNode", self._app)
        if not node.is_running:  # the desk closed as its first rows came: nothing to watch
            return
        if not self._watching:  # the line follows the agent from screen to screen
            self._watching = True
            self._app.screen_change_signal.subscribe(node, lambda _screen: self._paint())
        self.load()

    def changes_seen(self, entities: frozenset[str], records: frozenset[tuple[str, int]]) -> None:
        """The feed says whom a call concerns: this desk reads only when it names its agent
        (a call ringing them or answered by them, their state) or a call ringing a queue."""
        agent = self._app.agent
        if agent is None:
            return
        if (
            QUEUE_CALL in entities
            or ("call_agent", agent.id) in records
            or ("agent_state", agent.id) in records
        ):
            if self._read_ahead:
                self._read_ahead = False
                return
            self.load()

    def read_ahead(self) -> None:
        """A notification names this agent (PostgreSQL): read the calls now, in parallel with
        the feed's poll, not after it (the answer-to-card time: one worker and one round trip
        less); the poll's own news of it then reads nothing."""
        self._read_ahead = True
        self.load()

    def unlocked(self) -> None:
        """The agent signed in again: a call they answered meanwhile pops now."""
        self.load()

    def tick(self) -> None:
        """Once a second: the line's times (wait, duration, wrap-up left) move on."""
        self._paint()

    # -- the read ------------------------------------------------------------------------------

    def load(self) -> None:
        from deskui.services.phone_desk import desk_calls

        app = self._app
        if app.agent is None or app.database is None or not app.screen_stack:
            return
        if not takes_calls(app):
            return  # a department member: the phone is not theirs (asking is refused)
        from deskui.services.phone_desk import CallsAsked

        # the call to pop comes with its caller's card, unless its caller was read as it rang
        asked = CallsAsked(frozenset(self._popped), frozenset(self._callers))
        run_service(
            app.screen_stack[0],  # the desk, always at the bottom: its worker outlives dialogs
            desk_calls,
            asked,
            done=self._loaded,
            trouble=lambda _reason: None,  # the desk's own trouble banner says the database
            group="phone_desk",
            exclusive=True,
        )

    def _loaded(self, calls: DeskCalls) -> None:
        self._calls = calls
        current = calls.current  # a call already on when the desk signs in pops too
        self._keep_callers(calls)
        if current is not None and current.found is None:
            found = self._callers.get(current.call_id)
            if found is not None:  # read as it rang: the answer pops at once with it
                current = replace(current, found=found)
        if current is not None and current.call_id not in self._popped:
            if self._locked():
                self._waiting_pop = current.call_id
            else:
                self._pop(current)
        elif current is None:
            self._waiting_pop = None
        if calls.ringing and not self._locked():
            self._ready_for_answer()
        self._paint()

    def _keep_callers(self, calls: DeskCalls) -> None:
        """The callers read for the calls ringing the agent, kept until their call is neither
        ringing nor the one the agent is on."""
        for ringing in calls.ringing:
            if ringing.found is not None:
                self._callers[ringing.call_id] = ringing.found
        live = {r.call_id for r in calls.ringing}
        if calls.current is not None:
            live.add(calls.current.call_id)
        for call_id in self._callers.keys() - live:
            del self._callers[call_id]

    def _ready_for_answer(self) -> None:
        """A call rings for the agent: the intake its answer pops is built now, off the
        stack, while the phone rings (a few hundred ms of the desk's loop the first time),
        so the pop shows it in a frame instead of building it after the answer."""
        prepare = getattr(self._app, "prepare_intake", None)
        if prepare is not None:
            prepare()

    def _locked(self) -> bool:
        return bool(getattr(self._app, "locked", False))

    def _pop(self, call: DeskCall) -> None:
        self._popped.add(call.call_id)
        self._waiting_pop = None
        opener = getattr(self._app, "open_call", None)
        if opener is not None:
            opener(call)

    # -- the line --------------------------------------------------------------------------------

    def line(self, now: datetime) -> tuple[str, str]:
        """The line's text and kind at `now`: a call ringing (masked on a locked desk), the
        call the agent is on, or the wrap-up after it; ("", "") when there is none."""
        calls = self._calls
        if calls is None:
            return "", ""
        locked = self._locked()
        if calls.ringing:
            first = calls.ringing[0]
            wait = format_duration(call_seconds(first.rang_at, now) or 0)
            if locked:  # nobody at the desk: the masked number, not even the customer's name
                caller = caller_words("", first.masked)
            else:
                caller = caller_words(first.customer_name, first.number)
            more = t("ringing.more", count=len(calls.ringing) - 1) if len(calls.ringing) > 1 else ""
            return t("ringing.line", caller=caller, wait=wait, more=more), "ringing"
        if locked:
            return "", ""  # a locked desk shows a ringing line and nothing else of a call
        current = calls.current
        if current is not None:
            talked = format_duration(call_seconds(current.answered_at, now) or 0)
            caller = caller_words(current.customer_name, current.number)
            return t("ringing.on_call", caller=caller, talked=talked), "on-call"
        last = calls.last_ended
        if last is not None and last.ended_at is not None:
            left = call_seconds(now, last.ended_at + calls.wrap_up)
            if left:
                talked = format_duration(call_seconds(last.answered_at, last.ended_at) or 0)
                wait = format_duration(call_seconds(last.rang_at, last.answered_at) or 0)
                return (
                    t(
                        "ringing.wrap_up",
                        caller=caller_words(last.customer_name, last.number),
                        wait=wait,
                        talked=talked,
                        left=format_duration(left),
                    ),
                    "wrap-up",
                )
        return "", ""

    def _paint(self) -> None:
        app = self._app
        if not app.screen_stack:
            return
        if self._waiting_pop is not None and not self._locked() and self._calls is not None:
            current = self._calls.current
            if current is not None and current.call_id == self._waiting_pop:
                self._pop(current)
        text, kind = self.line(app.clock.now())
        top = app.screen_stack[-1]
        if text and not isinstance(top, CommandPalette):
            _line_on(top)
        desk = cast("App[Any]", app)
        if kind == "ringing":
            # the intake its answer pops has the line from its first frame (built ahead
            # while it rings: a line mounted in the pop's frame laid the whole form out)
            intake = kept_screen(desk, "intake")
            if intake is not None:
                _line_on(intake)
        # the screens kept off the stack too: none is shown again with a call long gone
        for screen in every_screen(desk):
            for line in _lines_of(screen):
                line.show(text, kind)


def takes_calls(app: DeskHost) -> bool:
    """Whether the signed-in person is a desk of calls (the permission table's SEE_CALLS)."""
    actor = app.actor
    return actor is not None and actor.may(Action.SEE_CALLS)


def shown_number(number: str) -> str:
    """A caller's number as the desk writes numbers (`021 5555 0101`); one masked for the
    reader as it is (`021****0101`); a withheld one in words."""
    if number in ("", ANONYMOUS):
        return t("ringing.anonymous")
    if "*" not in number:
        from deskui.domain.phone import format_display
        from deskui.domain.search import LookupKind, classify

        lookup = classify(number)
        if lookup.kind is LookupKind.PHONE and lookup.phone.e164:
            return format_display(lookup.phone.e164, lookup.phone.extension)
    return visible(number)


def caller_words(customer_name: str, number: str) -> str:
    """Whom a call is with, in one phrase: the customer and the number (as the reader may
    see it), the number alone, or that it was withheld. Stored text: made visible."""
    shown = shown_number(number)
    if customer_name:
        return f"{visible(customer_name)} {visible(shown)}"
    return visible(shown)


def _lines_of(screen: Screen[Any]) -> list[CallLine]:
    """The screen's call line (a child of the screen, docked at its top), looked for among
    the screen's children only: a query of the whole screen matched every node of a form
    of a hundred widgets, each paint and each switch (a fifth of the desk's time from an
    answered call to its card, benchmarks/answer_to_card.py)."""
    return [child for child in screen.children if isinstance(child, CallLine)]


def _line_on(screen: Screen[Any]) -> CallLine:
    """The screen's call line, mounted at its top the first time a call is to be shown."""
    found = _lines_of(screen)
    if found:
        return found[0]
    line = CallLine(id=LINE_ID)
    screen.mount(line)
    return line
