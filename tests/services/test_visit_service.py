"""On-site visit requests as services (issue 15; seed 000:2.5.4), on SQLite and PostgreSQL:
an agent asks, only a lead or manager decides (Action.APPROVE_VISIT), feedback follows."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

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

LETTER = {
    "confirmation_form": "媒体机运行正常／有问题需解决；对产品和服务的评价与建议",
    "feedback_frequency": "每次回访后",
    "feedback_times": "回访当天下班前",
}
"""What a request letter states besides its reason, frequency and dates (seed 000:2.5.4)."""


def test_an_agent_asks_a_lead_approves_and_the_feedback_is_kept(
    database: Database, desk: Desk
) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    asked = RequestVisit(
        desk.customer, "设备老化", "每月一次", date(2026, 12, 1), date(2027, 3, 1), **LETTER
    )
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
        desk.customer, "设备检查", "每月一次", date(2026, 12, 1), date(2026, 11, 1), **LETTER
    )
    blank = RequestVisit(
        desk.customer, " ", "每月一次", date(2026, 12, 1), date(2027, 1, 1), **LETTER
    )
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
        desk.customer, "设备检查", "每月一次", date(2026, 12, 1), date(2027, 5, 31), **LETTER
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


def test_an_approved_request_schedules_its_visits_and_a_rejected_one_none(
    database: Database, desk: Desk
) -> None:
    """Issue 26 (seed 000:2.5.4): an approval scheduled no visit. Monthly from 12-01 to
    03-01 is four visits, each a callback made on site, the requesting agent's, at 10:00 on
    its day (moved out of rest time as any callback); a rejection schedules none."""
    from sqlalchemy import select

    from deskui.data import models as m

    sh = ZoneInfo("Asia/Shanghai")
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    monthly = RequestVisit(
        desk.customer, "设备老化", "每月一次", date(2026, 12, 1), date(2027, 3, 1), **LETTER
    )
    other = RequestVisit(
        desk.other_customer, "客户要求", "每周", date(2026, 12, 1), date(2026, 12, 31), **LETTER
    )
    with UnitOfWork(database) as uow:
        approved = request_visit(uow, agent, monthly, FIXED_NOW)
        rejected = request_visit(uow, agent, other, FIXED_NOW)
    with UnitOfWork(database) as uow:
        decide_visit(uow, lead, DecideVisit(approved, True, "同意"), FIXED_NOW)
        decide_visit(uow, lead, DecideVisit(rejected, False, "电话回访即可"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        visits = uow.session.scalars(
            select(m.Callback).where(m.Callback.way == "visit").order_by(m.Callback.due_at)
        ).all()
        assert {v.customer_id for v in visits} == {desk.customer}
        assert {v.agent_id for v in visits} == {desk.agent}
        days = [v.due_at.astimezone(sh) for v in visits]
        assert [d.date() for d in days] == [
            date(2026, 12, 1),
            date(2027, 1, 1),
            date(2027, 2, 1),
            date(2027, 3, 1),
        ]  # fmt: skip  (2027 is guessed by the weekday: a Friday, so it stays)
        assert all(d.hour >= 9 for d in days)


def test_a_visits_days_follow_its_frequency() -> None:
    from deskui.domain.visit_life import visit_dates

    first, end = date(2026, 1, 31), date(2026, 12, 31)
    assert visit_dates(first, date(2026, 5, 1), "每月一次")[1:3] == [
        date(2026, 2, 28), date(2026, 3, 31),
    ]  # fmt: skip
    assert len(visit_dates(first, end, "每季度")) == 4
    assert visit_dates(first, date(2026, 2, 28), "每两周") == [
        date(2026, 1, 31), date(2026, 2, 14), date(2026, 2, 28),
    ]  # fmt: skip
    assert visit_dates(first, end, "视情况而定") == [first]  # the next from its feedback
    assert len(visit_dates(first, date(2030, 1, 1), "每周")) == 60  # never more
