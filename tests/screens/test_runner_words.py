"""A refusal a screen does not word itself reaches its trouble line in the catalog's words,
never as the catalog key (issue 23: nothing internal on screen)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from textual.app import App
from textual.screen import Screen

from deskui.data.missing import MissingRecord
from deskui.domain.model import Role
from deskui.i18n import t
from deskui.screens.runner import run_service
from deskui.services.actor import Actor


class _Host(App[None]):
    """The little of a desk the runner uses: an actor, a clock, a unit of work."""

    actor = Actor(1, "王芳", Role.AGENT, "north")

    class clock:
        @staticmethod
        def now() -> datetime:
            return datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[None]:
        yield None


def _refuses(_uow: Any, _actor: Actor, _command: None, _now: datetime) -> None:
    raise MissingRecord("ticket", 99)


async def test_a_refusal_without_its_own_handler_is_shown_in_words() -> None:
    app = _Host()
    said: list[str] = []
    async with app.run_test() as pilot:
        screen: Screen[Any] = app.screen
        worker = run_service(screen, _refuses, None, done=said.append, trouble=said.append)
        await worker.wait()
        await pilot.pause()
    assert said == [t("service.missing")]
    assert "service.missing" not in said[0]
