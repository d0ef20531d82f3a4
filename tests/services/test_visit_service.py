"""On-site visit requests as services (issue 15; seed 000:2.5.4), on SQLite and PostgreSQL:
an agent asks, only a lead or manager decides (Action.APPROVE_VISIT), feedback follows."""

from __future__ import annotations

from datetime import date
from typing import TypedDict
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


class Letter(TypedDict):
    confirmation_form: str
    feedback_frequency: str
    feedback_times: str


LETTER: Letter = {
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


def test_a_request_keeps_all_its_letter_states_and_the_export_lists_them(
    database: Database, desk: Desk
) -> None:
    """Issue 26 (seed 000:2.5.4): the letter states the confirmation form's contents and the
    feedback's frequency and times; they are kept as typed (markup is text), shown in the
    visits list's rows and exported with the request's decision."""
    from deskui.services.exports import ExportRecords, export_records

    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    letter: Letter = {**LETTER, "confirmation_form": "[b]媒体机运行正常[/b]；客户签字"}
    asked = RequestVisit(
        desk.customer, "设备老化", "每季度", date(2026, 12, 1), date(2027, 6, 1), **letter
    )
    with UnitOfWork(database) as uow:
        request_id = request_visit(uow, agent, asked, FIXED_NOW)
    with UnitOfWork(database) as uow:
        decide_visit(uow, lead, DecideVisit(request_id, True, "同意"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        (row,) = visit_page(uow, agent, ListPage(0, 5), FIXED_NOW)
        headers, rows = export_records(
            uow, agent, ExportRecords("visit_requests", "Asia/Shanghai"), FIXED_NOW
        )
    assert (row.confirmation_form, row.feedback_frequency, row.feedback_times) == (
        "[b]媒体机运行正常[/b]；客户签字",
        "每次回访后",
        "回访当天下班前",
    )
    (exported,) = rows
    said = dict(zip(headers, exported, strict=True))
    assert said["confirmation_form"] == "[b]媒体机运行正常[/b]；客户签字"
    assert (said["feedback_frequency"], said["feedback_times"]) == ("每次回访后", "回访当天下班前")
    assert (said["first_date"], said["end_date"], said["frequency"]) == (
        "2026-12-01",
        "2027-06-01",
        "每季度",
    )
    assert (said["status"], said["decided_by"]) == ("approved", "张伟")
    assert said["requested_by"] == "王芳"


def test_hostile_missing_or_out_of_range_statements_are_refused_and_nothing_is_written(
    database: Database, desk: Desk
) -> None:
    """Tried as an attacker: every statement is required; a NUL (PostgreSQL cannot store it),
    an ESC/OSC sequence or a bidi override is refused, not stored; 2 MB is refused with the
    limit, and so is a frequency past its column's 80 (PostgreSQL refused it with a raw
    error); the first visit before the desk's today, or an end in 9999, is refused."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    first, end = date(2026, 12, 1), date(2027, 3, 1)

    def asked(**changed: object) -> RequestVisit:
        fields: dict[str, object] = {
            "customer_id": desk.customer, "reason": "设备老化", "frequency": "每月一次",
            "first_date": first, "end_date": end, **LETTER,
        }  # fmt: skip
        fields.update(changed)
        return RequestVisit(**fields)  # type: ignore[arg-type]

    cases: list[tuple[RequestVisit, str, str]] = [
        (asked(confirmation_form=" "), "confirmation_form", "required"),
        (asked(feedback_frequency=""), "feedback_frequency", "required"),
        (asked(feedback_times="\t"), "feedback_times", "required"),
        (asked(confirmation_form="签字\x00确认"), "confirmation_form", "control"),
        (asked(feedback_times="\x1b]0;pwned\x07当天"), "feedback_times", "control"),
        (asked(feedback_frequency="\x1b[2J每次"), "feedback_frequency", "control"),
        (asked(reason="txt\u202eexe"), "reason", "control"),
        (asked(confirmation_form="确" * 2_000_000), "confirmation_form", "too_long"),
        (asked(frequency="每" * 81), "frequency", "too_long"),
        (asked(first_date=date(2026, 11, 22)), "first_date", "first_past"),
        (asked(end_date=date(9999, 12, 31)), "end_date", "end_too_far"),
    ]
    with UnitOfWork(database) as uow:
        for command, field, key in cases:
            with pytest.raises(CallbackError) as refused:
                request_visit(uow, agent, command, FIXED_NOW)
            said = (refused.value.problems[0].field, refused.value.key)
            assert said == (field, f"callbacks.error.{key}")
        with pytest.raises(CallbackError) as nobody:
            request_visit(uow, agent, asked(customer_id=999_999), FIXED_NOW)
        assert nobody.value.key == "callbacks.error.no_customer"
        assert visit_page(uow, agent, ListPage(0, 5), FIXED_NOW) == []
    with UnitOfWork(database) as uow, pytest.raises(CallbackError) as too_long:
        request_visit(uow, agent, asked(confirmation_form="确" * 2_000_000), FIXED_NOW)
    assert too_long.value.values == {"limit": 4000, "length": 2_000_000}
    # the desk's today is the first day a visit may fall on; 80 characters fit the column
    with UnitOfWork(database) as uow:
        request_visit(
            uow, agent, asked(first_date=date(2026, 11, 23), frequency="每" * 80), FIXED_NOW
        )
    with UnitOfWork(database) as uow:
        (row,) = visit_page(uow, agent, ListPage(0, 5), FIXED_NOW)
    assert row.frequency == "每" * 80


def test_an_agent_may_not_decide_and_a_hostile_note_or_feedback_is_refused(
    database: Database, desk: Desk
) -> None:
    """A lower role approving is denied before anything is read; a lead's note or the
    visit's feedback holding an ESC sequence or a NUL is refused, and the request stays as
    it was."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    asked = RequestVisit(
        desk.customer, "设备老化", "每月一次", date(2026, 12, 1), date(2027, 3, 1), **LETTER
    )
    with UnitOfWork(database) as uow:
        request_id = request_visit(uow, agent, asked, FIXED_NOW)
    for approve in (True, False):
        with UnitOfWork(database) as uow, pytest.raises(Denied):
            decide_visit(uow, agent, DecideVisit(request_id, approve, "我自己批"), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(CallbackError) as control:
        decide_visit(uow, lead, DecideVisit(request_id, True, "同意\x1b[2J"), FIXED_NOW)
    assert control.value.key == "callbacks.error.control"
    with UnitOfWork(database) as uow:
        (row,) = visit_page(uow, lead, ListPage(0, 5), FIXED_NOW)
        assert (row.status, row.decided_by) == ("pending", "")
        decide_visit(uow, lead, DecideVisit(request_id, True, "同意"), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(CallbackError) as nul:
        record_visit_feedback(uow, agent, RecordVisitFeedback(request_id, "好\x00"), FIXED_NOW)
    assert nul.value.key == "callbacks.error.control"
    with UnitOfWork(database) as uow:
        (row,) = visit_page(uow, lead, ListPage(0, 5), FIXED_NOW)
    assert (row.status, row.feedback) == ("approved", "")


def test_what_a_request_must_state_is_checked_by_the_domain() -> None:
    from deskui.domain.visit_life import request_problems

    today = date(2027, 3, 10)
    texts = {"reason": "客户要求", "frequency": "每月"}
    texts.update((name, str(value)) for name, value in LETTER.items())
    assert request_problems(texts, today, today, today) == []
    problems = request_problems({}, None, None, today)
    assert [p.field for p in problems] == [
        "reason", "frequency", "confirmation_form", "feedback_frequency", "feedback_times",
        "first_date", "end_date",
    ]  # fmt: skip
    # an unreadable date's example is the desk's tomorrow, never a date from the catalog
    assert dict(problems[-1].values) == {"example": "2027-03-11"}
    (late,) = request_problems(texts, today, date(2029, 3, 10), today)
    assert (late.key, dict(late.values)) == ("callbacks.error.end_too_far", {"last": "2029-03-09"})
    assert request_problems(texts, today, date(2029, 3, 9), today) == []


def test_a_lead_does_not_decide_their_own_request_and_every_decision_is_audited(
    database: Database, desk: Desk
) -> None:
    """Found walking the desk: a lead asked for a visit and approved it himself. A request is
    decided by someone other than who asked (another lead or a manager), in the service; each
    decision is an audit line saying who decided which request and how."""
    from sqlalchemy import select

    from deskui.data import models as m

    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    manager = Actor(desk.manager, "刘洋", Role.MANAGER, "north")
    asked = RequestVisit(
        desk.customer, "设备老化", "每月一次", date(2026, 12, 1), date(2027, 3, 1), **LETTER
    )
    with UnitOfWork(database) as uow:
        request_id = request_visit(uow, lead, asked, FIXED_NOW)
    for approve, note in ((True, "同意"), (False, "不需要")):
        with UnitOfWork(database) as uow, pytest.raises(CallbackError) as own:
            decide_visit(uow, lead, DecideVisit(request_id, approve, note), FIXED_NOW)
        assert own.value.key == "callbacks.error.own_request"
    with UnitOfWork(database) as uow:
        (row,) = visit_page(uow, lead, ListPage(0, 5), FIXED_NOW)
        assert (row.status, row.decided_by) == ("pending", "")
        assert not uow.session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "visit_decided")
        ).all()
        decide_visit(uow, manager, DecideVisit(request_id, True, "同意"), FIXED_NOW)
    with UnitOfWork(database) as uow:
        (row,) = visit_page(uow, lead, ListPage(0, 5), FIXED_NOW)
        assert (row.status, row.decided_by) == ("approved", "刘洋")
        lines = uow.session.execute(
            select(m.AuditEntry.agent_name, m.AuditEntry.outcome, m.AuditEntry.subject).where(
                m.AuditEntry.action == "visit_decided"
            )
        ).all()
    assert [tuple(line) for line in lines] == [("刘洋", "approved", f"visit request {request_id}")]
