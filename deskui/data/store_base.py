"""The bookkeeping every part of the repository shares: the session, the deadline policy,
deadline rows, ticket history and the change feed (DESIGN.md 2 and 7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskui.data import models as m
from deskui.domain.deadlines import DeadlinePolicy
from deskui.domain.model import DeadlineKind, SubjectType
from deskui.domain.site import (
    BY_KEY,
    SettingProblem,
    SiteRules,
    SiteSetting,
    parse_setting,
    site_rules,
)


class StoreBase:
    """Base of `Repository` and of each feature's part of it (profiles, callbacks, ...)."""

    def __init__(
        self,
        session: Session,
        policy: DeadlinePolicy | None = None,
        rules: SiteRules | None = None,
    ) -> None:
        self.session = session
        self._policy = policy
        self._rules = rules

    @property
    def rules(self) -> SiteRules:
        """The site's rules, read once per unit of work from the stored settings."""
        if self._rules is None:
            self._rules = site_rules(self.stored_settings())
        return self._rules

    @property
    def policy(self) -> DeadlinePolicy:
        """Deadline durations: an explicit policy (tests, tools), else the site's."""
        return self._policy or self.rules.policy

    def stored_settings(self) -> dict[str, str]:
        """The setting texts leads have saved, by key (unset keys run on defaults)."""
        rows = self.session.execute(select(m.SiteSettingRow.key, m.SiteSettingRow.value))
        return {key: value for key, value in rows}

    def save_settings(self, changes: dict[str, str], agent_id: int | None, now: datetime) -> None:
        """Store what a lead typed; every text must parse (the screen checked it first)."""
        for key, text in changes.items():
            setting: SiteSetting = BY_KEY[key]
            if isinstance(parse_setting(setting, text), SettingProblem):
                raise ValueError(f"{key}: {text!r} is not a valid setting")
            self.session.merge(
                m.SiteSettingRow(
                    key=key, value=text.strip(), updated_by_id=agent_id, updated_at=now
                )
            )
        self._rules = None
        self._changed("site_setting", 0, now)

    def add_deadline(
        self,
        kind: DeadlineKind,
        subject_type: SubjectType,
        subject_id: int,
        owner_id: int | None,
        starts_at: datetime,
        due_at: datetime,
        *,
        label: str = "",
        customer_id: int | None = None,
        severity: str | None = None,
        team: str = "default",
    ) -> int:
        deadline = m.Deadline(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            owner_id=owner_id,
            team=team,
            customer_id=customer_id,
            label=label[:200],
            severity=severity,
            starts_at=starts_at,
            due_at=due_at,
        )
        self.session.add(deadline)
        self.session.flush()
        self._changed("deadline", deadline.id, starts_at)
        return deadline.id

    def meet_deadlines(
        self, subject_type: SubjectType, subject_id: int, now: datetime, kind: str | None = None
    ) -> None:
        query = select(m.Deadline).where(
            m.Deadline.subject_type == subject_type,
            m.Deadline.subject_id == subject_id,
            m.Deadline.met_at.is_(None),
        )
        if kind is not None:
            query = query.where(m.Deadline.kind == kind)
        for deadline in self.session.scalars(query):
            deadline.met_at = now
            self._changed("deadline", deadline.id, now)

    def _event(
        self,
        ticket_id: int,
        agent_id: int | None,
        now: datetime,
        action: str,
        detail: dict[str, Any],
    ) -> None:
        self.session.add(
            m.TicketEvent(
                ticket_id=ticket_id, agent_id=agent_id, at=now, action=action, detail=detail
            )
        )

    def _changed(self, entity: str, entity_id: int, now: datetime) -> None:
        self.session.add(m.Change(entity=entity, entity_id=entity_id, at=now))
