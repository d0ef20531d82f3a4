"""Who else has the record open (issue 16), on SQLite and PostgreSQL: each desk says what it
shows; the others on the same record are named until they leave or go quiet."""

from __future__ import annotations

from datetime import timedelta

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor
from deskui.services.presence import here
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def test_two_desks_on_one_ticket_see_each_other_until_one_leaves(
    database: Database, desk: Desk
) -> None:
    wang = Actor(desk.agent, "王芳", Role.AGENT)
    li = Actor(desk.colleague, "李娜", Role.AGENT)
    lead = Actor(desk.lead, "张伟", Role.LEAD)

    def at(actor: Actor, subject: str | None, seconds: int) -> list[str]:
        with UnitOfWork(database) as uow:
            return here(uow, actor, subject, FIXED_NOW + timedelta(seconds=seconds))

    assert at(wang, "ticket:7", 0) == []
    assert at(li, "ticket:7", 2) == ["王芳"]
    assert at(lead, "ticket:8", 3) == []
    assert at(wang, "ticket:7", 5) == ["李娜"]
    assert at(li, None, 6) == []  # 李娜 closed the ticket
    assert at(wang, "ticket:7", 10) == []
    at(lead, "ticket:7", 11)
    assert at(wang, "ticket:7", 40) == []  # the lead's desk went quiet 29 s ago
