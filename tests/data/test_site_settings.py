"""Site settings stored by a lead feed every deadline the repository computes."""

from __future__ import annotations

from datetime import timedelta

from deskui.data.database import Database
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Severity
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk, record_call


def _urgent_call(desk: Desk) -> CallIntake:
    return CallIntake(
        kind="question",
        category="product",
        channel="phone",
        severity=Severity.URGENT,
        customer_words="屏幕不亮",
        customer_id=desk.customer,
    )


def test_saved_settings_change_the_next_units_deadlines(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        assert uow.settings.stored_settings() == {}
        first = record_call(uow, _urgent_call(desk), desk.agent, FIXED_NOW)
        uow.commit()
    assert first.first_contact_due == FIXED_NOW + timedelta(hours=8)
    with UnitOfWork(database) as uow:
        uow.settings.save_settings(
            {"first_contact.urgent": "2", "callback.shared_after": "45"}, desk.lead, FIXED_NOW
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.settings.stored_settings() == {
            "first_contact.urgent": "2",
            "callback.shared_after": "45",
        }
        assert uow.rules.callbacks.shared_after == timedelta(minutes=45)
        second = record_call(uow, _urgent_call(desk), desk.agent, FIXED_NOW)
        uow.commit()
        changes = uow.changes.changes_since(0)
    assert second.first_contact_due == FIXED_NOW + timedelta(hours=2)
    assert "site_setting" in {entity for _, entity, _ in changes}


def test_saving_again_replaces(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"mail.sign_within": "6"}, desk.lead, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"mail.sign_within": "8"}, desk.manager, FIXED_NOW)
        uow.commit()
    # a bad text is the service's to refuse (test_site_settings_service)
    with UnitOfWork(database) as uow:
        assert uow.settings.stored_settings() == {"mail.sign_within": "8"}
        assert uow.rules.sign_within_hours == 8


def test_the_sites_confirm_purposes_mark_the_queues_callbacks(
    database: Database, desk: Desk
) -> None:
    from deskui.data.callback_store import CallbackScope
    from deskui.domain.calendar import BusinessCalendar

    with UnitOfWork(database) as uow:
        uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, BusinessCalendar(), agent_id=desk.agent
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        [before] = uow.callbacks.callback_rows(CallbackScope(agent_id=desk.agent), 0, 10)
        uow.settings.save_settings({"callback.confirm_purposes": "routine"}, desk.lead, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        [after] = uow.callbacks.callback_rows(CallbackScope(agent_id=desk.agent), 0, 10)
    assert before.confirmation != after.confirmation
    assert after.confirmation == "needed"
