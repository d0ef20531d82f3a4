"""A fast random walk of keys over the desk (issue 23): keys in bursts with no pause between
them, hostile text typed and pasted into whatever has focus; the first exit, uncaught error
or failed worker ends it with the keys that led there."""

from __future__ import annotations

import random
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.worker import Worker, WorkerState

from deskui.app import DeskApp

NAVIGATION = (
    *(f"f{n}" for n in range(1, 11)),
    "f12",
    "ctrl+k",
    "ctrl+f",  # the search from any screen (issue 26), and `/` back to its field
    "slash",
    "ctrl+p",
    "escape",
    "tab",
    "shift+tab",
    "enter",
    "up",
    "down",
    "left",
    "right",
)
BINDING_LETTERS = (*"arhlwsmxc", *"12345")
SAVES = ("ctrl+s", "ctrl+d")
HOSTILE = (
    "[red]红[/red]",
    "[b]x[/b][link=http://x]y[/link]",
    "\x1b[2J\x1b]0;pwned\x07",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd",
    "\x00",
    "\u202eevil\u202c",
    "13800138000",
    "长" * 2000,
    "x" * 2000,
)
"""Markup, escape sequences, spreadsheet formulas, NUL, a bidi override, a number, two
2,000-character strings."""
TYPED = ("[red]", "=1+2", "[/]", "@a", "+1")
"""Hostile text short enough to type key by key (the long ones come as a paste)."""


@dataclass
class Walk:
    """What a walk saw: the keys sent so far and anything that went wrong."""

    keys: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    quits: int = 0
    """Quit chosen from the palette (or Esc on the pick list): asked for, not a crash."""


def walk_keys(rng: random.Random) -> Iterator[str | events.Event]:
    """An endless random walk: mostly navigation and the screens' letters, now and then a
    save, hostile text typed key by key or pasted."""
    while True:
        roll = rng.random()
        if roll < 0.45:
            yield rng.choice(NAVIGATION)
        elif roll < 0.80:
            yield rng.choice(BINDING_LETTERS)
        elif roll < 0.86:
            yield rng.choice(SAVES)
        elif roll < 0.94:
            yield from rng.choice(TYPED)
        else:
            yield events.Paste(rng.choice(HOSTILE))


def label(key: str | events.Event) -> str:
    if isinstance(key, events.Paste):
        text = key.text if len(key.text) < 20 else f"{key.text[:8]}…({len(key.text)})"
        return f"paste:{text!r}"
    return str(key)


def watch(walk: Walk) -> Any:
    """A message hook recording every worker that failed (a bug the screen swallowed)."""

    def hook(message: Any) -> None:
        if isinstance(message, Worker.StateChanged) and message.state is WorkerState.ERROR:
            worker = message.worker
            error = worker.error
            where = "".join(traceback.format_exception(error)[-6:]) if error else ""
            walk.failures.append(f"worker {worker.name!r} failed: {error!r}\n{where}")

    return hook


def quits_counted(app: DeskApp, walk: Walk) -> None:
    """Quit from the palette is the agent's choice: counted, and the walk goes on."""

    async def action_quit() -> None:
        walk.quits += 1

    app.action_quit = action_quit  # type: ignore[method-assign]


def chunks(keys: Iterator[str | events.Event], size: int, total: int) -> Iterator[Sequence[Any]]:
    sent = 0
    while sent < total:
        chunk = [next(keys) for _ in range(min(size, total - sent))]
        sent += len(chunk)
        yield chunk
