"""The desk's lists as services (issue 15; DESIGN.md 2), on SQLite and PostgreSQL: an agent
reads their own and their own team's deadlines, another team's is a lead's (SEE_TEAM), and
notices marked read leave the unread list."""

from __future__ import annotations

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.missing import MissingRecord
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied
from deskui.services.desk import WorkPage, work_count, work_page
from deskui.services.notifications import MarkRead, mark_read, unread_notifications
from tests.conftest import FIXED_NOW
from tests.data.conftest import record_call
from tests.services.conftest import Desk


def test_own_and_own_teams_work_for_an_agent_the_rest_for_a_lead(
    database: Database, desk: Desk
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    call = CallIntake("question", "billing", "phone", "normal", "发票", customer_id=desk.customer)
    with UnitOfWork(database) as uow:
        record_call(uow, call, desk.agent, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        own = work_page(uow, agent, WorkPage(owner_id=desk.agent, limit=10), FIXED_NOW)
        assert [row.owner_name for row in own] == ["王芳"] * len(own) and own
        assert work_count(uow, agent, WorkPage(team="north"), FIXED_NOW) == len(own)
        for page in (WorkPage(owner_id=desk.colleague), WorkPage(team="south"), WorkPage()):
            with pytest.raises(Denied) as denied:
                work_count(uow, agent, page, FIXED_NOW)
            assert denied.value.action is Action.SEE_TEAM
            work_count(uow, lead, page, FIXED_NOW)  # a lead's to see


def test_marked_notices_leave_the_unread_list(database: Database, desk: Desk) -> None:
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow:
        uow.session.add(
            m.Notification(
                agent_id=desk.lead, kind="escalation", text="投诉升级", created_at=FIXED_NOW
            )
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        unread = unread_notifications(uow, lead, None, FIXED_NOW)
        assert [n.text for n in unread] == ["投诉升级"]
        mark_read(uow, lead, MarkRead([n.id for n in unread]), FIXED_NOW)
    with UnitOfWork(database) as uow:  # committed by the service
        assert unread_notifications(uow, lead, None, FIXED_NOW) == []


def test_a_notice_not_ones_own_or_none_at_all_is_refused_and_nothing_is_marked(
    database: Database, desk: Desk
) -> None:
    """Issue 24: an agent marking the lead's notice read (or one that never was) is refused
    as unknown, by name; nothing is marked, the lead's own stays unread."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow:
        uow.session.add(
            m.Notification(
                agent_id=desk.lead, kind="escalation", text="投诉升级", created_at=FIXED_NOW
            )
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        [notice] = unread_notifications(uow, lead, None, FIXED_NOW)
    for ids in ([notice.id], [notice.id + 999]):
        with UnitOfWork(database) as uow, pytest.raises(MissingRecord) as refused:
            mark_read(uow, agent, MarkRead(ids), FIXED_NOW)
        assert refused.value.key == "service.missing"
    with UnitOfWork(database) as uow:
        assert [n.id for n in unread_notifications(uow, lead, None, FIXED_NOW)] == [notice.id]
