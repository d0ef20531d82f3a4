"""Whose visit's feedback (seed 000:2.5.4; found attacking), on SQLite and PostgreSQL: any
agent or department member recorded what another agent's approved visit found, over the
agent's own words to come; only the agent who asked, or a lead or manager, records it now."""

from __future__ import annotations

from datetime import date

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied
from deskui.services.visits import (
    DecideVisit,
    ListPage,
    RecordVisitFeedback,
    RequestVisit,
    decide_visit,
    record_visit_feedback,
    request_visit,
    visit_page,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk
from tests.services.test_visit_service import LETTER


def test_only_the_agent_who_asked_or_a_lead_records_a_visits_feedback(
    database: Database, desk: Desk
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    colleague = Actor(desk.colleague, "李娜", Role.AGENT, "south")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow:
        member_id = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        uow.commit()
    member = Actor(member_id, "赵磊", Role.DEPARTMENT, department_code="technical")
    asked = RequestVisit(
        desk.customer, "设备老化", "每月一次", date(2026, 12, 1), date(2027, 3, 1), **LETTER
    )
    with UnitOfWork(database) as uow:
        request_id = request_visit(uow, agent, asked, FIXED_NOW)
    with UnitOfWork(database) as uow:
        decide_visit(uow, lead, DecideVisit(request_id, True, "同意"), FIXED_NOW)
    for stranger in (colleague, member):
        with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
            feedback = RecordVisitFeedback(request_id, "[b]客户已搬走[/b]")
            record_visit_feedback(uow, stranger, feedback, FIXED_NOW)
        assert denied.value.action is Action.REASSIGN
    with UnitOfWork(database) as uow:
        assert visit_page(uow, lead, ListPage(0, 5), FIXED_NOW)[0].feedback in ("", None)
        record_visit_feedback(uow, agent, RecordVisitFeedback(request_id, "设备已检查"), FIXED_NOW)
    with UnitOfWork(database) as uow:  # a lead may add to anyone's
        record_visit_feedback(uow, lead, RecordVisitFeedback(request_id, "已复核"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert visit_page(uow, lead, ListPage(0, 5), FIXED_NOW)[0].feedback == "已复核"
