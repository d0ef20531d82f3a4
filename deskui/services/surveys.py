"""Customer satisfaction survey forms (顾客满意度调查表, seed 000:2.5.3): the quarter's forms
still missing from sales, and a lead recording one as received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from deskui.data.survey_store import MissingSurveyRow
from deskui.domain.callbacks import SurveyQuarter
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
    """The new form's id; a second form for the same quarter is refused."""
    require(actor, Action.RECORD_SURVEY)
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
    uow.commit()
    return form_id
