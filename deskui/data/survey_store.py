"""Quarterly satisfaction survey forms (顾客满意度调查表, seed 000:2.5.3): sales hands in one
form per customer by the 10th of each quarter's first month; the CS lead records each one
received and the team view lists the customers whose form is still missing.

"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from deskui.data import models as m
from deskui.data.store_base import StoreBase
from deskui.domain.callbacks import SURVEY_SCORES
from deskui.domain.refusal import Refusal


class SurveyError(Refusal, ValueError):
    """A survey form that cannot be recorded; `key` is the catalog key saying why, `values`
    what it names (a limit, a length), `field` the form's field it is about."""

    def __init__(
        self, key: str, values: Sequence[tuple[str, object]] = (), field: str = "received_from"
    ) -> None:
        super().__init__(key)
        self.key = key
        self.values: dict[str, object] = dict(values)
        self.field = field


@dataclass(frozen=True, slots=True)
class MissingSurveyRow:
    """A customer whose form for the quarter has not reached the CS lead."""

    customer_id: int
    customer_name: str
    assigned_agent: str
    due_at: datetime
    starts_at: datetime
    paused_at: datetime | None = None


SURVEY_EXPORT_HEADERS = [
    "id", "customer", "year", "quarter", "received_from", "received_at", "score", "note",
    "received_by", "recorded_at",
]  # fmt: skip


class SurveyStore(StoreBase):
    """Quarterly satisfaction survey forms: who is missing, who sent theirs."""

    def _missing(self, year: int, quarter: int) -> Select[Any]:
        received = select(m.SurveyForm.customer_id).where(
            m.SurveyForm.year == year,
            m.SurveyForm.quarter == quarter,
            m.SurveyForm.customer_id.is_not(None),
        )
        return select(m.Customer.id).where(m.Customer.id.not_in(received))

    def missing_survey_count(self, year: int, quarter: int) -> int:
        query = self._missing(year, quarter).with_only_columns(func.count())
        return int(self.session.scalar(query) or 0)

    def missing_survey_rows(
        self,
        year: int,
        quarter: int,
        due_at: datetime,
        starts_at: datetime,
        offset: int,
        limit: int,
    ) -> list[MissingSurveyRow]:
        """Customers without the quarter's form, by name; every row counts down to the same
        due time."""
        query = (
            self._missing(year, quarter)
            .add_columns(m.Customer.name, m.Agent.name)
            .outerjoin(m.Agent, m.Agent.id == m.Customer.assigned_agent_id)
            .order_by(m.Customer.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            MissingSurveyRow(cid, name, agent or "", due_at, starts_at)
            for cid, name, agent in self.session.execute(query)
        ]

    def record_survey(
        self,
        customer_id: int,
        year: int,
        quarter: int,
        *,
        received_from: str,
        received_at: datetime,
        score: int | None,
        note: str,
        agent_id: int,
        now: datetime,
    ) -> int:
        """A lead records a customer's form as received: from whom, when, its score, notes."""
        if not received_from.strip():
            raise SurveyError("team.survey.error.from_required")
        if score is not None and score not in SURVEY_SCORES:
            raise SurveyError("team.survey.error.bad_score")
        if received_at > now:
            raise SurveyError("team.survey.error.future")
        already = self.session.scalar(
            select(m.SurveyForm.id).where(
                m.SurveyForm.customer_id == customer_id,
                m.SurveyForm.year == year,
                m.SurveyForm.quarter == quarter,
            )
        )
        if already is not None:
            raise SurveyError("team.survey.error.already")
        form = m.SurveyForm(
            customer_id=customer_id,
            department_code="",
            year=year,
            quarter=quarter,
            received_from=received_from.strip(),
            submitted_at=received_at,
            score=score,
            note=note.strip(),
            received_by_id=agent_id,
            recorded_at=now,
        )
        self.session.add(form)
        self.session.flush()
        self._changed("survey_form", form.id, now)
        return form.id

    def survey_export_rows(self) -> list[list[Any]]:
        received_by = aliased(m.Agent)
        query = (
            select(m.SurveyForm, m.Customer.name, received_by.name)
            .outerjoin(m.Customer, m.Customer.id == m.SurveyForm.customer_id)
            .outerjoin(received_by, received_by.id == m.SurveyForm.received_by_id)
            .order_by(m.SurveyForm.year, m.SurveyForm.quarter, m.SurveyForm.id)
        )
        return [
            [
                f.id,
                customer or f.department_code,
                f.year,
                f.quarter,
                f.received_from,
                f.submitted_at,
                "" if f.score is None else f.score,
                f.note,
                by or "",
                f.recorded_at,
            ]
            for f, customer, by in self.session.execute(query)
        ]


__all__ = ["SURVEY_EXPORT_HEADERS", "MissingSurveyRow", "SurveyError", "SurveyStore"]
