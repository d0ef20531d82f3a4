"""Handing a worker's result back to the UI thread without waiting for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from textual.message_pump import MessagePump


def deliver(node: MessagePump, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """From a thread worker: run `callback(*args, **kwargs)` on the UI thread soon, never blocking.

    `App.call_from_thread` waits for the UI to run the callback; when the screen or the app
    closes first the worker never returns and the app hangs on exit (seen in the screen
    tests). A closed node simply drops the callback.
    """

    def run() -> Any:
        result = callback(*args, **kwargs)
        # a coroutine must be awaited; an optional awaitable such as `dismiss()` has already
        # done its work, and awaiting it from the screen's own handler is an error
        return result if asyncio.iscoroutine(result) else None

    with suppress(RuntimeError):  # the event loop is gone: the app has already exited
        node.call_later(run)
