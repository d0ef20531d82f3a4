"""A field's limit never exceeds its column: past it, PostgreSQL refuses what SQLite took."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from deskui.data import models as m
from deskui.domain.field_limits import LIMITS, FieldKind


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        (m.Customer.name, FieldKind.SHORT_TEXT),
        (m.Customer.address, FieldKind.ADDRESS),
        (m.Customer.unit_number, FieldKind.UNIT_NUMBER),
        (m.Customer.phone_extension, FieldKind.CODE),
        (m.Contact.name, FieldKind.NAME),
        (m.Ticket.unit_number, FieldKind.UNIT_NUMBER),
        (m.Ticket.caller_phone, FieldKind.PHONE),
        (m.Agent.name, FieldKind.NAME),
        (m.Visit.visitor, FieldKind.NAME),
        (m.Visit.company, FieldKind.COMPANY),
        (m.ComplaintRecord.responsible, FieldKind.SHORT_TEXT),
    ],
    ids=lambda value: getattr(value, "key", str(value)),
)
def test_a_kinds_limit_fits_its_column(column: object, kind: FieldKind) -> None:
    type_ = column.property.columns[0].type  # type: ignore[attr-defined]
    assert isinstance(type_, String)
    if kind is FieldKind.CODE:  # an extension: parsed digits, at most 6 after a dash or 转
        assert type_.length >= 6
        return
    assert LIMITS[kind] <= type_.length
