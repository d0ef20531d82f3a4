"""Keys typed ahead land where they would if typed slowly (issue 23).

Textual hands a key to the widget focused when the app reads it from its queue; a key's
bindings (Tab's move to the next field among them) run only once the key has bubbled back up
to the app through the queues of the widget and its ancestors. A burst from a terminal
(`NAME<Tab>13700002222<Tab>MSG` arriving in one read over a slow ssh link) is read whole
before the first Tab comes back, so every key of it went into the first field.

`KeysInOrderApp` handles one key at a time: while a key is on its way, the keys after it
wait in the app; the key's trail follows it up (its widget, each ancestor, the app), each step
queued behind whatever the key set off there (its bubbling copy, an `Input.Submitted`), and
when the trail is back, a dialog or screen the key opened has mounted too, the next key goes
to the widget focused then. Keys typed slowly never wait: the trail is back long before.
"""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import Any

from textual import events
from textual.app import App, ReturnType
from textual.dom import DOMNode
from textual.timer import Timer

SETTLE_ROUNDS = 8
"""How often a trail waits behind new messages on one node before it moves on (a node
that never empties, a blinking cursor's timer, must not hold the keyboard)."""
MAX_STEPS = 64
"""Steps a trail takes at most before the next key goes anyway."""
WATCHDOG_SECONDS = 3.0
"""A trail lost on the way (its node removed under it) holds the next key this long at most."""


class _Trail:
    """The way one key took; the app lets the next key go when this one comes back."""

    __slots__ = ("steps", "watchdog")

    def __init__(self) -> None:
        self.steps = 0
        self.watchdog: Timer | None = None


class KeysInOrderApp(App[ReturnType]):
    """An App whose keys (and pastes) are handled in the order they were typed, each sent to
    the widget focused once the keys before it are fully handled."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys_waiting: deque[events.Key | events.Paste] = deque()
        self._key_trail: _Trail | None = None
        """The trail of the key on its way; None while no key is."""
        self._key_holds = 0
        """Screens a key asked for that are still to be pushed (`hold_keys`)."""
        self._parked: _Trail | None = None
        """A trail back at the app while keys are held: it goes on when they are let go."""
        self.lost_key_trails = 0
        """Keys let go by the watchdog, their trail lost: none, unless a step is missing."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            trail = self._key_trail
            if trail is not None or self._keys_waiting:  # keys before it are on their way
                self._keys_waiting.append(event)
                if trail is not None and trail.watchdog is None:
                    trail.watchdog = self.set_timer(
                        WATCHDOG_SECONDS, partial(self._trail_lost, trail), name="key-watchdog"
                    )
                return
            await self._send_key(event)
            return
        await super().on_event(event)

    async def _send_key(self, event: events.Key | events.Paste) -> None:
        """Handle `event` as Textual does (priority bindings, then the focused widget), then
        follow it."""
        trail = _Trail()
        self._key_trail = trail
        await super().on_event(event)
        # forwarded: it is queued on the widget focused now; otherwise the app handled it
        # (an F-key's screen may be the one on top now and still mounting)
        target: DOMNode = (self.focused or self.screen) if event.is_forwarded else self.screen
        self._follow(trail, target)

    def _follow(self, trail: _Trail, node: DOMNode, rounds: int = 0) -> None:
        """Queue the trail's next step on `node`, behind what is queued there now."""
        trail.steps += 1
        if trail.steps > MAX_STEPS or not node.call_later(self._step, trail, node, rounds):
            self._key_back(trail)  # `node` is closing: what it held will not come back up

    def _step(self, trail: _Trail, node: DOMNode, rounds: int) -> None:
        """Run on `node` once what the key queued there before is handled."""
        if trail is not self._key_trail:
            return  # already back (the watchdog let the next key go)
        if node is not self:
            if node.message_queue_size and rounds < SETTLE_ROUNDS:
                self._follow(trail, node, rounds + 1)  # the key set off more here: after it
            else:
                self._follow(trail, node.parent or self)
            return
        if self._key_holds:  # a screen the key asked for is still to come
            self._parked = trail
            return
        if not self.screen.is_mounted:  # the key opened it: the next key goes to its focus
            self._follow(trail, self.screen)
            return
        self._key_back(trail)

    def hold_keys(self) -> None:
        """Keys wait until `let_keys_go`: a key asked for a screen that is pushed later (once
        the one holding its id is removed); the keys after it belong on that screen."""
        self._key_holds += 1

    def let_keys_go(self) -> None:
        self._key_holds -= 1
        trail, self._parked = self._parked, None
        if self._key_holds:
            self._parked = trail
        elif trail is not None and trail is self._key_trail:
            self._follow(trail, self.screen)  # the new screen mounts before the next key

    def _trail_lost(self, trail: _Trail) -> None:
        if trail is self._key_trail:
            self.lost_key_trails += 1
            self._key_back(trail)

    def _key_back(self, trail: _Trail) -> None:
        """`trail`'s key is handled: the next waiting key goes now."""
        if trail is not self._key_trail:
            return
        self._key_trail = None
        if trail.watchdog is not None:
            trail.watchdog.stop()
        if self._keys_waiting:
            self.call_later(self._send_waiting)

    async def _send_waiting(self) -> None:
        if self._key_trail is None and self._keys_waiting:
            await self._send_key(self._keys_waiting.popleft())
