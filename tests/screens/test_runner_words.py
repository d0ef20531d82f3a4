"""A refusal a screen does not word itself reaches its trouble line in the catalog's words,
never as the catalog key (issue 23: nothing internal on screen)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.missing import MissingRecord
from deskui.domain.clock import FixedClock
from deskui.i18n import t
from deskui.screens.runner import run_service
from deskui.services.actor import Actor
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, settle


def _refuses(_uow: Any, _actor: Actor, _command: None, _now: datetime) -> None:
    raise MissingRecord("ticket", 99)


async def test_a_refusal_without_its_own_handler_is_shown_in_words(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        run_service(app.screen, _refuses, None, done=said.append, trouble=said.append)
        await settle(pilot)
    assert said == [t("service.missing")]
    assert "service.missing" not in said[0]
