"""Customer satisfaction survey forms (顾客满意度调查表, seed 000:2.5.3): the quarter's forms
still missing from sales, and a lead recording one as received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.missing import MissingRecord
from deskui.data.survey_store import MissingSurveyRow, SurveyError
from deskui.domain.callbacks import SurveyQuarter, survey_problems
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, require

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

__all__ = [
    "MissingSurveyRow",
    "MissingSurveys",
    "RecordSurvey",
    "SurveyQuarter",
    "missing_survey_count",
    "missing_survey_page",
    "record_survey",
]


@dataclass(frozen=True, slots=True)
class MissingSurveys:
    """Customers without the quarter's form, a window of them."""

    quarter: SurveyQuarter
    offset: int = 0
    limit: int = 0


def missing_survey_count(
    uow: UnitOfWork, actor: Actor, query: MissingSurveys, now: datetime
) -> int:
    # the team view is open to every agent today (F6): reading it is the desk's own work
    require(actor, Action.WORK_OWN)
    return uow.surveys.missing_survey_count(query.quarter.year, query.quarter.quarter)


def missing_survey_page(
    uow: UnitOfWork, actor: Actor, query: MissingSurveys, now: datetime
) -> list[MissingSurveyRow]:
    """By customer name; every row counts down to the quarter's due time."""
    require(actor, Action.WORK_OWN)
    q = query.quarter
    return uow.surveys.missing_survey_rows(
        q.year, q.quarter, q.due_at, q.starts_at, query.offset, query.limit
    )


@dataclass(frozen=True, slots=True)
class RecordSurvey:
    """A customer's form for the quarter reached the CS lead: from whom, when, its overall
    score (None: not given) and notes."""

    customer_id: int
    year: int
    quarter: int
    received_from: str
    received_at: datetime
    score: int | None = None
    note: str = ""


def record_survey(uow: UnitOfWork, actor: Actor, command: RecordSurvey, now: datetime) -> int:
    """The new form's id; a second form for the same quarter is refused, and so is text that
    is too long or would drive a terminal (domain/callbacks.survey_problems), a quarter that
    is none, or a customer not on file. The form is an audit line: its customer and quarter,
    not who handed it in (a person's name) nor its note."""
    require(actor, Action.RECORD_SURVEY)
    problems = survey_problems(command.received_from, command.note, command.year, command.quarter)
    if problems:
        raise SurveyError(problems[0].key, problems[0].values, problems[0].field)
    if not uow.customers.customer_exists(command.customer_id):
        raise MissingRecord("customer", command.customer_id)
    form_id = uow.surveys.record_survey(
        command.customer_id,
        command.year,
        command.quarter,
        received_from=command.received_from,
        received_at=command.received_at,
        score=command.score,
        note=command.note,
        agent_id=actor.id,
        now=now,
    )
    uow.audit.write(
        now,
        "survey_recorded",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=f"survey form {form_id}",
        detail={"customer": command.customer_id, "quarter": f"{command.year} Q{command.quarter}"},
    )
    uow.commit()
    return form_id
