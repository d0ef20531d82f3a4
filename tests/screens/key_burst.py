"""Keys as a terminal sends them in one read: every key queued on the app at once, none
waiting for the one before to be handled (Pilot's `press` waits between keys)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot

from tests.screens.desk_pilot import settle


def key_event(key: str) -> events.Key:
    """The Key event a terminal driver makes for `key` (a key name, or one character)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def burst(app: App[Any], keys: Iterable[str | events.Event]) -> None:
    """Queue every key (or event, a Paste) on the app in one go, as the driver's input
    thread does with what one read of the terminal brought (`Driver.send_message`)."""
    for key in keys:
        event = key_event(key) if isinstance(key, str) else key
        event.set_sender(app)
        app.post_message(event)


async def handled(pilot: Pilot[Any], *, settled: bool = True) -> None:
    """Wait until every key of a burst is handled (none waiting, none on its way), and
    (`settled`) what they started has finished."""
    app: Any = pilot.app
    for _ in range(1000):
        if not app.is_running:
            return  # it stopped: the test says why
        await pilot.pause()
        if app._message_queue.empty() and not app._keys_waiting and app._key_trail is None:
            break
    else:
        raise AssertionError("the keys of the burst are still waiting")
    if settled:
        await settle(pilot)
