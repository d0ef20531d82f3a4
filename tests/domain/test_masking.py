"""One function masks a person's number and address for a role that need not see them, on
screens (a row) and in exports (a table), by the field's name (issue 23)."""

from __future__ import annotations

from dataclasses import dataclass

from deskui.domain.masking import masked_record, masked_table, personal


@dataclass(frozen=True, slots=True)
class Message:
    from_name: str
    from_number: str
    message: str


def test_a_number_and_an_address_are_masked_and_other_fields_kept() -> None:
    assert personal("from_number", "+8613800138000", sees=False) == "138****8000"
    assert personal("phone_e164", "+862161234567", sees=False) == "021****4567"
    assert personal("email", "wang@example.cn", sees=False) == "w***@example.cn"
    assert personal("unit_number", "A-178", sees=False) == "A-178"
    assert personal("from_number", "+8613800138000", sees=True) == "+8613800138000"
    assert personal("from_number", "", sees=False) == ""


def test_a_row_is_masked_for_a_role_that_need_not_see_it() -> None:
    row = Message("周总", "+8613800138000", "回电 13800138000 不改")
    assert masked_record(row, sees=False) == Message("周总", "138****8000", row.message)
    assert masked_record(row, sees=True) is row


def test_an_export_masks_its_number_and_address_columns_only() -> None:
    headers = ["number", "phone", "phone_extension", "contact_phone", "email", "tracking_number"]
    row = ["T20261101", "+8613812345678", "801", "+8613912345678", "a@b.cn", "SF1234567890"]
    assert masked_table(headers, [row], sees=False) == (
        headers,
        [["T20261101", "138****5678", "801", "139****5678", "a***@b.cn", "SF1234567890"]],
    )
    assert masked_table(headers, [row], sees=True) == (headers, [row])
