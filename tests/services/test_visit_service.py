"""On-site visit requests as services (issue 15; seed 000:2.5.4), on SQLite and PostgreSQL:
an agent asks, only a lead or manager decides (Action.APPROVE_VISIT), feedback follows."""

from __future__ import annotations

from datetime import date

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied
from deskui.services.errors import CallbackError
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


def test_an_agent_asks_a_lead_approves_and_the_feedback_is_kept(
    database: Database, desk: Desk
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    asked = RequestVisit(desk.customer, "设备老化", "每月一次", date(2026, 12, 1), date(2027, 3, 1))
    with UnitOfWork(database) as uow:
        request_id = request_visit(uow, agent, asked, FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        decide_visit(uow, agent, DecideVisit(request_id, True), FIXED_NOW)
    assert denied.value.action is Action.APPROVE_VISIT
    with UnitOfWork(database) as uow:
        assert [r.status for r in visit_page(uow, agent, ListPage(0, 5), FIXED_NOW)] == ["pending"]
        with pytest.raises(CallbackError):  # not approved yet: no feedback
            record_visit_feedback(uow, agent, RecordVisitFeedback(request_id, "很好"), FIXED_NOW)
        decide_visit(uow, lead, DecideVisit(request_id, True, "同意"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        record_visit_feedback(uow, agent, RecordVisitFeedback(request_id, "设备已检查"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        (row,) = visit_page(uow, lead, ListPage(0, 5), FIXED_NOW)
    assert (row.status, row.decided_by, row.decision_note, row.feedback) == (
        "approved",
        "张伟",
        "同意",
        "设备已检查",
    )


def test_a_visit_request_and_its_decision_are_refused_with_the_rules_reason(
    database: Database, desk: Desk
) -> None:
    """Invalid commands answer the domain's reason (domain/visit_life) and write nothing."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    backwards = RequestVisit(
        desk.customer, "设备检查", "每月一次", date(2026, 12, 1), date(2026, 11, 1)
    )
    blank = RequestVisit(desk.customer, " ", "每月一次", date(2026, 12, 1), date(2027, 1, 1))
    with UnitOfWork(database) as uow:
        for command, key in (
            (backwards, "callbacks.error.end_before_first"),
            (blank, "callbacks.error.required"),
        ):
            with pytest.raises(CallbackError) as refused:
                request_visit(uow, agent, command, FIXED_NOW)
            assert refused.value.key == key
        assert visit_page(uow, agent, ListPage(0, 5), FIXED_NOW) == []
    asked = RequestVisit(
        desk.customer, "设备检查", "每月一次", date(2026, 12, 1), date(2027, 5, 31)
    )
    with UnitOfWork(database) as uow:
        request_id = request_visit(uow, agent, asked, FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(CallbackError) as no_note:
        decide_visit(uow, lead, DecideVisit(request_id, False, " "), FIXED_NOW)
    assert no_note.value.key == "callbacks.error.reject_needs_note"
    with UnitOfWork(database) as uow:
        decide_visit(uow, lead, DecideVisit(request_id, False, "不需要上门"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        with pytest.raises(CallbackError) as twice:
            decide_visit(uow, lead, DecideVisit(request_id, True, "同意"), FIXED_NOW)
        assert twice.value.key == "callbacks.error.already_decided"
        with pytest.raises(CallbackError) as rejected:
            record_visit_feedback(uow, agent, RecordVisitFeedback(request_id, "好"), FIXED_NOW)
        assert rejected.value.key == "callbacks.error.not_approved"
        (row,) = visit_page(uow, lead, ListPage(0, 5), FIXED_NOW)
    assert (row.status, row.decision_note, row.feedback) == ("rejected", "不需要上门", "")
