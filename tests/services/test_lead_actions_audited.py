"""A lead's writes that every desk's work follows are audit lines (DESIGN.md 10: the service
validates, permits, writes, audits and commits in one unit of work), on SQLite and PostgreSQL:
a promotion period recorded, a survey form recorded, customers shared out. An agent calling
them is refused with nothing written, and text that would not store (NUL, 2 MB) or would drive
every listing desk's terminal (ESC, OSC, a bidi override) is refused by the service, not by
the driver. Each audit test fails on the code before these lines were written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.missing import MissingRecord
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.callbacks import CallbackRules, survey_quarter
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Refusal
from deskui.services.actor import Actor, Denied
from deskui.services.callbacks import AddPromotion, add_promotion
from deskui.services.errors import CallbackError, SurveyError
from deskui.services.profiles import AssignCustomers, assign_customers
from deskui.services.surveys import RecordSurvey, record_survey
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

QUARTER = survey_quarter(FIXED_NOW, CallbackRules())


def _lead(desk: Desk) -> Actor:
    return Actor(desk.lead, "张伟", Role.LEAD, "north")


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _form(customer: int, **changed: object) -> RecordSurvey:
    fields: dict[str, object] = {
        "received_from": "销售部 陈静",
        "received_at": FIXED_NOW - timedelta(hours=1),
        "score": 4,
        "note": "整体满意",
    }
    fields.update(changed)
    return RecordSurvey(customer, QUARTER.year, QUARTER.quarter, **fields)  # type: ignore[arg-type]


def _audit(database: Database, action: str) -> list[tuple[object, ...]]:
    with UnitOfWork(database) as uow:
        rows = uow.session.execute(
            select(
                m.AuditEntry.agent_id,
                m.AuditEntry.agent_name,
                m.AuditEntry.subject,
                m.AuditEntry.detail,
            ).where(m.AuditEntry.action == action)
        ).all()
    return [tuple(row) for row in rows]


def _count(database: Database, model: type[m.Base]) -> int:
    with UnitOfWork(database) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_promotion_is_an_audit_line(database: Database, desk: Desk) -> None:
    """Every customer's special-occasion callback is planned ahead of a promotion."""
    command = AddPromotion("双十一", date(2026, 11, 1), date(2026, 11, 11))
    with UnitOfWork(database) as uow:
        promotion_id = add_promotion(uow, _lead(desk), command, FIXED_NOW)
    assert _audit(database, "promotion_added") == [
        (
            desk.lead,
            "张伟",
            f"promotion {promotion_id}",
            {"first_day": "2026-11-01", "last_day": "2026-11-11"},
        )
    ]


def test_a_survey_form_is_an_audit_line_naming_no_person(database: Database, desk: Desk) -> None:
    """The customer and the quarter, not who handed it in nor the note."""
    with UnitOfWork(database) as uow:
        form_id = record_survey(uow, _lead(desk), _form(desk.customer), FIXED_NOW)
    quarter = f"{QUARTER.year} Q{QUARTER.quarter}"
    lines = _audit(database, "survey_recorded")
    assert lines == [
        (
            desk.lead,
            "张伟",
            f"survey form {form_id}",
            {"customer": desk.customer, "quarter": quarter},
        )
    ]
    assert "陈静" not in repr(lines) and "满意" not in repr(lines)


def test_sharing_customers_out_is_an_audit_line(database: Database, desk: Desk) -> None:
    """Both customers get an agent; sharing again with none left writes no second line."""
    with UnitOfWork(database) as uow:
        shared = assign_customers(uow, _lead(desk), AssignCustomers(), FIXED_NOW)
    with UnitOfWork(database) as uow:
        again = assign_customers(uow, _lead(desk), AssignCustomers(), FIXED_NOW)
    assert (shared.count, again.count) == (2, 0)
    lines = _audit(database, "customers_assigned")
    assert len(lines) == 1
    agent_id, name, subject, detail = lines[0]
    assert (agent_id, name, subject) == (desk.lead, "张伟", "customers")
    assert isinstance(detail, dict) and detail["customers"] == 2


@pytest.mark.parametrize("which", ["promotion", "survey", "assign"])
def test_an_agent_calling_a_leads_action_is_refused_with_nothing_written(
    database: Database, desk: Desk, which: str
) -> None:
    agent = _agent(desk)
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        if which == "promotion":
            command = AddPromotion("双十一", date(2026, 11, 1), date(2026, 11, 11))
            add_promotion(uow, agent, command, FIXED_NOW)
        elif which == "survey":
            record_survey(uow, agent, _form(desk.customer), FIXED_NOW)
        else:
            assign_customers(uow, agent, AssignCustomers(), FIXED_NOW)
    expected = {
        "promotion": Action.RECORD_PROMOTION,
        "survey": Action.RECORD_SURVEY,
        "assign": Action.REASSIGN,
    }
    assert denied.value.action is expected[which]
    assert _count(database, m.Promotion) == _count(database, m.SurveyForm) == 0
    assert _count(database, m.AuditEntry) == 0
    with UnitOfWork(database) as uow:
        assigned = uow.session.scalar(
            select(func.count()).where(m.Customer.assigned_agent_id.is_not(None))
        )
    assert assigned == 0


HOSTILE = [
    pytest.param("双十一" * 700_000, "too_long", id="2MB"),
    pytest.param("双十一\x1b]0;owned\x07", "control", id="OSC"),
    pytest.param("双十一\x1b[2J", "control", id="ESC"),
    pytest.param("双\x00十一", "control", id="NUL"),
    pytest.param("双十一\u202e", "control", id="bidi"),
]


@pytest.mark.parametrize(("name", "problem"), HOSTILE)
def test_a_hostile_promotion_name_is_refused_by_the_service(
    database: Database, desk: Desk, name: str, problem: str
) -> None:
    """Found attacking: a 2 MB or NUL name reached PostgreSQL as a driver error (SQLite kept
    2 MB), and ESC, OSC or a bidi override were stored for every desk listing promotions."""
    command = AddPromotion(name, date(2026, 11, 1), date(2026, 11, 11))
    with UnitOfWork(database) as uow, pytest.raises(CallbackError) as refused:
        add_promotion(uow, _lead(desk), command, FIXED_NOW)
    assert refused.value.key == f"callbacks.error.{problem}"
    assert _count(database, m.Promotion) == _count(database, m.AuditEntry) == 0


def test_markup_in_a_promotion_name_is_text_kept_as_typed(database: Database, desk: Desk) -> None:
    command = AddPromotion("[b]双十一[/b] <i>", date(2026, 11, 1), date(2026, 11, 11))
    with UnitOfWork(database) as uow:
        add_promotion(uow, _lead(desk), command, FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert [r.name for r in uow.callbacks.promotion_rows(0, 5)] == ["[b]双十一[/b] <i>"]


@pytest.mark.parametrize("field", ["received_from", "note"])
@pytest.mark.parametrize(("text", "problem"), HOSTILE)
def test_hostile_survey_text_is_refused_by_the_service(
    database: Database, desk: Desk, field: str, text: str, problem: str
) -> None:
    """Found attacking: NUL in either field and a 2 MB 'handed in by' were PostgreSQL driver
    errors, a 2 MB note was stored, and ESC, OSC or a bidi override were kept."""
    with UnitOfWork(database) as uow, pytest.raises(SurveyError) as refused:
        record_survey(uow, _lead(desk), _form(desk.customer, **{field: text}), FIXED_NOW)
    assert (refused.value.key, refused.value.field) == (f"team.survey.error.{problem}", field)
    assert _count(database, m.SurveyForm) == _count(database, m.AuditEntry) == 0


def test_a_survey_note_keeps_its_line_breaks(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        record_survey(
            uow, _lead(desk), _form(desk.customer, note="整体满意\n\t物业响应慢"), FIXED_NOW
        )
    assert _count(database, m.SurveyForm) == 1


@pytest.mark.parametrize(
    ("customer", "year", "quarter", "refusal"),
    [
        pytest.param(999_999, None, None, MissingRecord, id="no-customer"),
        pytest.param(None, None, 9, SurveyError, id="quarter-9"),
        pytest.param(None, 0, None, SurveyError, id="year-0"),
    ],
)
def test_a_survey_form_for_no_customer_or_no_quarter_is_refused(
    database: Database,
    desk: Desk,
    customer: int | None,
    year: int | None,
    quarter: int | None,
    refusal: type[Refusal],
) -> None:
    """Found attacking: an unknown customer was a foreign-key error from the driver on both
    backends, and quarter 9 or year 0 were stored."""
    form = _form(desk.customer if customer is None else customer)
    form = RecordSurvey(
        form.customer_id,
        QUARTER.year if year is None else year,
        QUARTER.quarter if quarter is None else quarter,
        received_from=form.received_from,
        received_at=form.received_at,
    )
    with UnitOfWork(database) as uow, pytest.raises(refusal):
        record_survey(uow, _lead(desk), form, FIXED_NOW)
    assert _count(database, m.SurveyForm) == _count(database, m.AuditEntry) == 0
