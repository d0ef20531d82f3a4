"""The site's settings as leads saved them (calling hours, deadlines, masks ...)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.store_base import StoreBase
from deskui.domain.site import BY_KEY, SettingProblem, SiteSetting, parse_setting


class SettingsStore(StoreBase):
    """Read and save the setting texts; the unit of work turns them into `SiteRules`."""

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
        self._uow.forget_rules()
        self._changed("site_setting", 0, now)

    def save_stored(self, key: str, value: str, agent_id: int | None, now: datetime) -> None:
        """A stored value no screen edits (the phone bridge's token digest)."""
        self.session.merge(
            m.SiteSettingRow(key=key, value=value, updated_by_id=agent_id, updated_at=now)
        )
        self._changed("site_setting", 0, now)
