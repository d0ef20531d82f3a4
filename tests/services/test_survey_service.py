"""Survey forms as services (issue 15; seed 000:2.5.3), on SQLite and PostgreSQL: the quarter's
missing forms are every agent's to read, recording one is a lead's (Action.RECORD_SURVEY)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.callbacks import CallbackRules, survey_quarter
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied
from deskui.services.errors import SurveyError
from deskui.services.surveys import (
    MissingSurveys,
    RecordSurvey,
    missing_survey_count,
    missing_survey_page,
    record_survey,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def test_a_lead_records_a_form_and_it_leaves_the_missing_list(
    database: Database, desk: Desk
) -> None:
    quarter = survey_quarter(FIXED_NOW, CallbackRules())
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    form = RecordSurvey(
        desk.customer,
        quarter.year,
        quarter.quarter,
        received_from="销售部 陈静",
        received_at=FIXED_NOW - timedelta(hours=1),
        score=4,
        note="整体满意",
    )
    with UnitOfWork(database) as uow:
        assert missing_survey_count(uow, agent, MissingSurveys(quarter), FIXED_NOW) == 2
        with pytest.raises(Denied) as denied:
            record_survey(uow, agent, form, FIXED_NOW)
        assert denied.value.action is Action.RECORD_SURVEY
    with UnitOfWork(database) as uow:
        form_id = record_survey(uow, lead, form, FIXED_NOW)
    with UnitOfWork(database) as uow:  # committed by the service
        rows = missing_survey_page(uow, agent, MissingSurveys(quarter, 0, 5), FIXED_NOW)
        assert [r.customer_id for r in rows] == [desk.other_customer]
        assert rows[0].due_at == quarter.due_at
        with pytest.raises(SurveyError) as again:
            record_survey(uow, lead, form, FIXED_NOW)
    assert form_id > 0 and again.value.key == "team.survey.error.already"
