"""The site's settings as leads saved them (calling hours, deadlines, masks ...)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.store_base import StoreBase


class SettingsStore(StoreBase):
    """Read and save the setting texts; the unit of work turns them into `SiteRules`."""

    def stored_settings(self) -> dict[str, str]:
        """The setting texts leads have saved, by key (unset keys run on defaults)."""
        rows = self.session.execute(select(m.SiteSettingRow.key, m.SiteSettingRow.value))
        return {key: value for key, value in rows}

    def save_settings(self, changes: dict[str, str], agent_id: int | None, now: datetime) -> None:
        """Store what a lead typed (whether each text is a setting is the service's to ask
        of domain/site.parse_setting, the screen checking it first)."""
        for key, text in changes.items():
            self.session.merge(
                m.SiteSettingRow(
                    key=key, value=text.strip(), updated_by_id=agent_id, updated_at=now
                )
            )
        self._uow.forget_rules()
        self._changed("site_setting", 0, now)

    def save_stored(self, key: str, value: str, agent_id: int | None, now: datetime) -> None:
        """A stored value no screen edits (the phone bridge's token digest)."""
        self.session.merge(
            m.SiteSettingRow(key=key, value=value, updated_by_id=agent_id, updated_at=now)
        )
        self._changed("site_setting", 0, now)
