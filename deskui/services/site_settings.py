"""The site's own limits (deskui.domain.site): first-contact times, calling hours, when an
overdue personal callback goes to the shared queue, mail signing time, attachment limit.
A lead saves them; every desk picks the change up through the change feed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.field_problem import FieldProblem
from deskui.domain.permissions import Action, setting_action
from deskui.domain.refusal import refuse_problems
from deskui.domain.site import BY_KEY, SettingProblem, Unit, names_not_accounts, parse_setting
from deskui.services.actor import Actor, require

__all__ = ["SaveSiteSettings", "StoredSettings", "save_site_settings", "stored_settings"]


@dataclass(frozen=True, slots=True)
class SaveSiteSettings:
    """The setting texts a lead changed, by setting key; each must parse (the screen checks
    them field by field first, the service refuses one that does not)."""

    changes: Mapping[str, str]


def save_site_settings(
    uow: UnitOfWork, actor: Actor, command: SaveSiteSettings, now: datetime
) -> None:
    """Only a lead or manager changes the site's settings, and only a manager those over
    people's personal data (domain/permissions.setting_action); saved under their name and
    audited (`site_settings`, the keys changed: a value may hold numbers). Raises `Invalid`
    (each problem beside its setting's key) for a setting that does not exist or a text that
    does not parse (domain/site.parse_setting): nothing is stored."""
    require(actor, Action.EDIT_SITE_SETTINGS)
    for key in command.changes:
        require(actor, setting_action(key))
    problems: list[FieldProblem] = []
    for key, text in command.changes.items():
        setting = BY_KEY.get(key)
        if setting is None:
            problems.append(FieldProblem(key, "site.error.unknown"))
        elif isinstance(parsed := parse_setting(setting, text), SettingProblem):
            problems.append(FieldProblem(key, parsed.key, parsed.values))
        elif setting.unit is Unit.NAMES and isinstance(parsed, tuple):
            accounts = frozenset(a.name for a in uow.agents.agents())
            unknown = names_not_accounts(parsed, accounts)
            if unknown is not None:
                problems.append(FieldProblem(key, unknown.key, unknown.values))
    refuse_problems(problems)
    uow.settings.save_settings(dict(command.changes), actor.id, now)
    keys = sorted(command.changes)
    uow.audit.write(
        now,
        "site_settings",
        agent_id=actor.id,
        agent_name=actor.name,
        subject=", ".join(keys)[:200],
        detail={"keys": keys},
    )
    uow.commit()


@dataclass(frozen=True, slots=True)
class StoredSettings:
    """The setting texts leads have saved (unset keys run on their defaults)."""


def stored_settings(
    uow: UnitOfWork, actor: Actor, query: StoredSettings, now: datetime
) -> dict[str, str]:
    """Everyone may read them: an agent sees the settings, only saving is the lead's."""
    require(actor, Action.WORK_OWN)
    return uow.settings.stored_settings()
