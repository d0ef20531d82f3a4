"""The site's settings as a service (issue 15), on SQLite and PostgreSQL: a lead saves a
change under their name and every desk is told through the change feed; an agent may read
them but not save (Action.EDIT_SITE_SETTINGS); a text that does not parse is not stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid
from deskui.i18n import has_key
from deskui.services.actor import Actor, Denied
from deskui.services.site_settings import (
    SaveSiteSettings,
    StoredSettings,
    save_site_settings,
    stored_settings,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def test_a_manager_saves_settings_under_their_name_and_the_desks_are_told(
    database: Database, desk: Desk
) -> None:
    manager = Actor(desk.manager, "刘洋", Role.MANAGER, "north")
    changes = {"callback.shared_after": " 45 ", "callback.period": "quarter"}
    with UnitOfWork(database) as uow:
        save_site_settings(uow, manager, SaveSiteSettings(changes), FIXED_NOW)
    with UnitOfWork(database) as uow:
        stored = stored_settings(uow, manager, StoredSettings(), FIXED_NOW)
        who = set(uow.session.scalars(select(m.SiteSettingRow.updated_by_id)))
        told = [entity for _, entity, _ in uow.changes.changes_since(0)]
        assert uow.rules.callbacks.shared_after.total_seconds() == 45 * 60
    assert stored == {"callback.shared_after": "45", "callback.period": "quarter"}
    assert who == {desk.manager}
    assert "site_setting" in told


def test_an_agent_reads_the_settings_but_may_not_save_them(database: Database, desk: Desk) -> None:
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        save_site_settings(uow, agent, SaveSiteSettings({"handover.ack": "60"}), FIXED_NOW)
    assert denied.value.action is Action.EDIT_SITE_SETTINGS
    with UnitOfWork(database) as uow:
        assert stored_settings(uow, agent, StoredSettings(), FIXED_NOW) == {}


def test_a_text_that_does_not_parse_is_refused_and_nothing_is_stored(
    database: Database, desk: Desk
) -> None:
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    changes = {"handover.ack": "60", "callback.shared_after": "1"}  # 1 is below 5 minutes
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        save_site_settings(uow, lead, SaveSiteSettings(changes), FIXED_NOW)
    assert (refused.value.field, refused.value.key) == ("callback.shared_after", "site.error.range")
    unknown = {"handover.ack": "60", "nonsense.setting": "1", "attachment.limit": "huge"}
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        save_site_settings(uow, lead, SaveSiteSettings(unknown), FIXED_NOW)
    assert [(p.field, p.key) for p in refused.value.problems] == [
        ("nonsense.setting", "site.error.unknown"),
        ("attachment.limit", "site.error.number"),
    ]
    assert all(has_key(p.key) for p in refused.value.problems)
    with UnitOfWork(database) as uow:
        assert stored_settings(uow, lead, StoredSettings(), FIXED_NOW) == {}


def test_the_leadership_told_of_a_critical_record_are_active_accounts(
    database: Database, desk: Desk
) -> None:
    """Found walking the desk: escalation.leadership took any words (周总, a name with a
    typing slip), so a critical record was told to nobody and the desk said nothing. The
    service refuses a name that is no active account, beside the setting, and stores nothing."""
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        save_site_settings(
            uow, lead, SaveSiteSettings({"escalation.leadership": "刘洋、周总"}), FIXED_NOW
        )
    assert (refused.value.field, refused.value.key) == ("escalation.leadership", "site.error.names")
    assert dict(refused.value.values) == {"name": "周总"}
    with UnitOfWork(database) as uow:
        assert stored_settings(uow, lead, StoredSettings(), FIXED_NOW) == {}
        save_site_settings(
            uow, lead, SaveSiteSettings({"escalation.leadership": "刘洋，张伟"}), FIXED_NOW
        )
    with UnitOfWork(database) as uow:
        assert uow.rules.leadership == ("刘洋", "张伟")


def test_only_a_manager_sets_who_sees_numbers_and_how_long_personal_data_is_kept(
    database: Database, desk: Desk
) -> None:
    """A lead (Action.EDIT_SITE_SETTINGS) could set privacy.retention to 1 day, so the
    nightly purge, run as the host, anonymised every record closed since yesterday, and
    privacy.masked to nobody, so department members saw every number: both decide over
    people's data, a manager's (Action.PERSONAL_DATA). Refused with nothing stored, even
    beside a change the lead may make; every change a manager or lead saves is audited."""
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    manager = Actor(desk.manager, "刘洋", Role.MANAGER, "north")
    for changes in (
        {"privacy.retention": "1"},
        {"privacy.masked": "nobody"},
        {"handover.ack": "60", "privacy.masked": "nobody"},
    ):
        with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
            save_site_settings(uow, lead, SaveSiteSettings(changes), FIXED_NOW)
        assert denied.value.action is Action.PERSONAL_DATA
    with UnitOfWork(database) as uow:
        assert stored_settings(uow, lead, StoredSettings(), FIXED_NOW) == {}
        assert uow.rules.retention_days == 0
    with UnitOfWork(database) as uow:
        save_site_settings(uow, lead, SaveSiteSettings({"handover.ack": "60"}), FIXED_NOW)
    with UnitOfWork(database) as uow:
        save_site_settings(
            uow, manager, SaveSiteSettings({"privacy.retention": "365"}), FIXED_NOW
        )
    with UnitOfWork(database) as uow:
        assert uow.rules.retention_days == 365
        lines = uow.audit.search(action="site_settings", limit=10)
    assert sorted((x.agent_name, x.subject, tuple(x.detail["keys"])) for x in lines) == [
        ("刘洋", "privacy.retention", ("privacy.retention",)),
        ("张伟", "handover.ack", ("handover.ack",)),
    ]
    assert has_key("audit.action.site_settings") and has_key("audit.detail.keys")
