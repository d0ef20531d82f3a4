"""Drafts of what an agent is typing, one per form and subject (DESIGN.md 5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from deskui.data import models as m
from deskui.data.store_base import StoreBase


class DraftStore(StoreBase):
    """Save, load and delete an agent's draft of a form."""

    def save_draft(
        self, agent_id: int, form: str, payload: dict[str, object], now: datetime, key: str = ""
    ) -> None:
        self.session.merge(
            m.Draft(agent_id=agent_id, form=form, subject_key=key, payload=payload, updated_at=now)
        )

    def load_draft(self, agent_id: int, form: str, key: str = "") -> dict[str, object] | None:
        draft = self.session.get(m.Draft, (agent_id, form, key))
        return dict(draft.payload) if draft else None

    def delete_draft(self, agent_id: int, form: str, key: str = "") -> None:
        self.session.execute(
            delete(m.Draft).where(
                m.Draft.agent_id == agent_id, m.Draft.form == form, m.Draft.subject_key == key
            )
        )
