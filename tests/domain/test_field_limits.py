"""One limit per kind of field, from deskui/domain/field_limits.py."""

from __future__ import annotations

from deskui.domain import intake
from deskui.domain.field_limits import (
    LIMITS,
    FieldKind,
    TooLong,
    input_limit,
    kind_of,
    near_limit,
    over_limit,
    too_long,
)


def test_every_kind_has_a_limit() -> None:
    assert set(LIMITS) == set(FieldKind)
    assert LIMITS[FieldKind.NAME] < LIMITS[FieldKind.SHORT_TEXT] < LIMITS[FieldKind.NOTE]


def test_a_field_is_of_a_kind_by_its_name_and_one_line_by_default() -> None:
    assert kind_of("contact_name") is FieldKind.NAME
    assert kind_of("contact_phone") is FieldKind.PHONE
    assert kind_of("unit") is FieldKind.UNIT_NUMBER
    assert kind_of("expected_finish") is FieldKind.CODE
    assert kind_of("expectation") is FieldKind.SHORT_TEXT
    assert input_limit("new_contact") == LIMITS[FieldKind.NAME]


def test_the_limit_itself_is_fine_one_more_is_not() -> None:
    most = LIMITS[FieldKind.NOTE]
    assert not over_limit("字" * most, FieldKind.NOTE)
    assert over_limit("字" * (most + 1), FieldKind.NOTE)
    assert near_limit("字" * int(most * 0.9), FieldKind.NOTE)
    assert not near_limit("字" * 10, FieldKind.NOTE)


def test_too_long_names_each_field_with_its_limit_and_length() -> None:
    values = {"note": "记" * 4001, "contact_name": "名" * 81, "cause": "短", "n": 3}
    kinds = {"contact_name": FieldKind.NAME, "note": FieldKind.NOTE, "cause": FieldKind.SHORT_TEXT}
    assert too_long(values, kinds) == [TooLong("contact_name", 80, 81), TooLong("note", 4000, 4001)]
    assert too_long(values, kinds)[0].values == (("limit", 80), ("length", 81))


def test_intake_takes_its_limits_from_the_kinds() -> None:
    assert LIMITS[FieldKind.NOTE] == intake.MAX_WORDS
    assert LIMITS[FieldKind.NAME] == intake.MAX_NAME  # the new contact is a person
