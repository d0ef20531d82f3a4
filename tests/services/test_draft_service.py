"""An agent's drafts through the service (DESIGN.md 5): kept per form and subject, read
back, deleted; deleted inside another service's unit of work only with its commit."""

from __future__ import annotations

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor
from deskui.services.drafts import (
    DraftOf,
    SaveDraft,
    delete_draft,
    delete_draft_in,
    load_draft,
    save_draft,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def test_a_draft_is_the_agents_own_per_form_and_subject(database: Database, desk: Desk) -> None:
    me = Actor(desk.agent, "王芳", Role.AGENT)
    other = Actor(desk.colleague, "李娜", Role.AGENT)
    with UnitOfWork(database) as uow:
        save_draft(uow, me, SaveDraft("reply", {"body": "您好"}, "7"), FIXED_NOW)
    with UnitOfWork(database) as uow:  # committed by the service
        assert load_draft(uow, me, DraftOf("reply", "7"), FIXED_NOW) == {"body": "您好"}
        assert load_draft(uow, me, DraftOf("reply", "8"), FIXED_NOW) is None
        assert load_draft(uow, other, DraftOf("reply", "7"), FIXED_NOW) is None
        delete_draft(uow, me, DraftOf("reply", "7"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert load_draft(uow, me, DraftOf("reply", "7"), FIXED_NOW) is None


def test_a_draft_deleted_in_a_save_that_fails_stays(database: Database, desk: Desk) -> None:
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        save_draft(uow, me, SaveDraft("intake", {"words": "坏了"}), FIXED_NOW)
    with UnitOfWork(database) as uow:  # the save refused: its unit of work not committed
        delete_draft_in(uow, me, DraftOf("intake"))
    with UnitOfWork(database) as uow:
        assert load_draft(uow, me, DraftOf("intake"), FIXED_NOW) == {"words": "坏了"}
        delete_draft_in(uow, me, DraftOf("intake"))
        uow.commit()
    with UnitOfWork(database) as uow:
        assert load_draft(uow, me, DraftOf("intake"), FIXED_NOW) is None
