"""Answers for the phone field's next keystroke, found while the agent is between keys.

While a number is typed, the next key is one of ten digits (`search.next_keystrokes`). The
intake answers those ten lookups in the pause after a key, so the key that completes a
number shows its card without touching the database in its own frame. An answer is only
used for exactly the value it was found for, and only while it is fresh: answers older than
`MAX_AGE` are dropped, and the screen forgets them all when the change feed reports a write
or a call is saved. Typing forward, an answer is one key old; the age limit is what bounds
it otherwise, because the change feed is polled every other tick and held back while the
agent types.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

MAX_AGE = 1.0
"""Seconds an answer may be used after it was found: a pause longer than this before the
last digit means a fresh lookup (1-2 ms) instead."""

Answer = TypeVar("Answer")


class LookupAhead(Generic[Answer]):
    """The values worth answering next, and the answers found so far."""

    def __init__(
        self, *, max_age: float = MAX_AGE, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_age = max_age
        self._monotonic = monotonic
        self._answers: dict[str, tuple[float, Answer]] = {}
        self._waiting: list[str] = []

    def plan(self, values: Sequence[str]) -> None:
        """The field's possible next values: fresh answers for them are kept, every other
        answer is dropped, and the ones without an answer wait for `next_value`."""
        oldest = self._monotonic() - self._max_age
        self._answers = {
            value: found
            for value, found in self._answers.items()
            if found[0] >= oldest and value in values
        }
        self._waiting = [value for value in values if value not in self._answers]

    def next_value(self) -> str | None:
        """The next value to answer, or None when every planned value has its answer."""
        return self._waiting.pop(0) if self._waiting else None

    def keep(self, value: str, answer: Answer) -> None:
        self._answers[value] = (self._monotonic(), answer)

    def take(self, value: str) -> Answer | None:
        """The answer found for exactly this value, if it is still fresh."""
        found = self._answers.get(value)
        if found is None or found[0] < self._monotonic() - self._max_age:
            return None
        return found[1]

    def forget(self) -> None:
        """Drop every answer and every waiting value (data changed, the call ended)."""
        self._answers.clear()
        self._waiting.clear()

    @property
    def waiting(self) -> int:
        return len(self._waiting)
