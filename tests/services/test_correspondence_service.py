"""The correspondence register as services (issue 15; seed 001:4.5-4.6), on SQLite and
PostgreSQL: a fax registered by the actor, found by search and in the archive, signed for
once; a copy of a letter refused, a role outside the table denied, neither writes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.refusal import Invalid
from deskui.i18n import has_key
from deskui.services.actor import Actor, Denied
from deskui.services.correspondence import (
    MailPage,
    MailSearch,
    RegisterMail,
    SignMail,
    mail_count,
    mail_page,
    register_mail,
    sign_mail,
)
from deskui.services.errors import FrontDeskError
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

RECEIVED = FIXED_NOW - timedelta(hours=1)
LATER = FIXED_NOW + timedelta(minutes=30)


def _fax(**changes: object) -> RegisterMail:
    fields: dict[str, object] = {
        "at": RECEIVED,
        "direction": "received",
        "kind": "fax",
        "party": "上海星辰电子有限公司",
        "category": "合同",
        "handed_to": "陈经理",
        "archive": True,
        "copy_made": True,
    }
    fields.update(changes)
    return RegisterMail(**fields)  # type: ignore[arg-type]


def test_a_fax_registered_is_found_and_signed_for_once(database: Database, desk: Desk) -> None:
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        item_id = register_mail(uow, me, _fax(), FIXED_NOW)
    with UnitOfWork(database) as uow:  # committed by the service, recorded by the actor
        assert uow.session.get_one(m.Correspondence, item_id).recorded_by_id == desk.agent
        assert mail_count(uow, me, MailSearch("星辰", archive_only=True), FIXED_NOW) == 1
        assert mail_count(uow, me, MailSearch("华强"), FIXED_NOW) == 0
        (row,) = mail_page(uow, me, MailPage(0, 10, "陈经理"), FIXED_NOW)
    assert (row.id, row.at, row.kind, row.copy_made, row.signed_at) == (
        item_id,
        RECEIVED,
        "fax",
        True,
        None,
    )

    with UnitOfWork(database) as uow:
        sign_mail(uow, me, SignMail(item_id, " 陈经理 "), LATER)
    with UnitOfWork(database) as uow:
        (row,) = mail_page(uow, me, MailPage(0, 10), FIXED_NOW)
        with pytest.raises(FrontDeskError) as refused:
            sign_mail(uow, me, SignMail(item_id, "李娜"), LATER)
    assert (row.signed_by, row.signed_at) == ("陈经理", LATER)
    assert refused.value.key == "correspondence.error.already_signed"


def test_a_copied_letter_is_refused_and_a_stranger_denied_nothing_written(
    database: Database, desk: Desk
) -> None:
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(FrontDeskError) as refused:
        register_mail(uow, me, _fax(kind="letter"), FIXED_NOW)
    assert refused.value.field == "copy_made"
    stranger = Actor(desk.agent, "王芳", "visitor")
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        register_mail(uow, stranger, _fax(), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert mail_count(uow, me, MailSearch(), FIXED_NOW) == 0


# -- issue 24: the service refuses what the form refuses, whoever calls it ---------------------


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"party": "  "}, "party", "reception.error.required"),
        ({"party": "星" * 121}, "party", "reception.error.too_long"),
        ({"category": "合" * 41}, "category", "reception.error.too_long"),
        ({"handed_to": "陈\x1b]0;pwned\x07"}, "handed_to", "reception.error.control"),
        ({"direction": "sideways"}, "direction", "reception.error.choice"),
        ({"kind": "pigeon", "copy_made": False}, "kind", "reception.error.choice"),
    ],
)
def test_an_invalid_register_line_is_refused_with_the_forms_reason(
    database: Database, desk: Desk, changes: dict[str, object], field: str, key: str
) -> None:
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        register_mail(uow, me, _fax(**changes), FIXED_NOW)
    assert (refused.value.field, refused.value.key) == (field, key)
    assert has_key(key)
    with UnitOfWork(database) as uow:
        assert mail_count(uow, me, MailSearch(), FIXED_NOW) == 0


def test_a_blank_signature_is_refused_and_the_item_stays_unsigned(
    database: Database, desk: Desk
) -> None:
    me = Actor(desk.agent, "王芳", Role.AGENT)
    with UnitOfWork(database) as uow:
        item_id = register_mail(uow, me, _fax(), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        sign_mail(uow, me, SignMail(item_id, " "), LATER)
    assert (refused.value.field, refused.value.key) == ("signed_by", "reception.error.required")
    with UnitOfWork(database) as uow:
        (row,) = mail_page(uow, me, MailPage(0, 10), FIXED_NOW)
    assert row.signed_at is None
