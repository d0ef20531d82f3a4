"""What a history entry keeps of a change (issue 16): each changed field as [old, new]."""

from __future__ import annotations

from datetime import UTC, date, datetime

from deskui.data.history import entry_changes, field_changes


def test_only_changed_fields_are_kept_as_old_and_new() -> None:
    before = {"name": "星辰", "phone": "+862155550101", "notes": "", "birthday": None}
    after = {"name": "星辰", "phone": "+862155550202", "notes": None, "birthday": date(1988, 7, 23)}
    assert field_changes(before, after) == {
        "phone": ["+862155550101", "+862155550202"],
        "birthday": [None, "1988-07-23"],
    }


def test_a_new_record_keeps_what_it_was_given_and_not_its_blanks_or_noes() -> None:
    after = {
        "name": "星辰",
        "address": "",
        "confirm": False,
        "due_at": datetime(2026, 1, 2, tzinfo=UTC),
    }
    assert field_changes({}, after) == {
        "name": [None, "星辰"],
        "due_at": [None, "2026-01-02T00:00:00+00:00"],
    }
    assert field_changes({"confirm": True}, {"confirm": False}) == {"confirm": [True, False]}


def test_an_entrys_changes_are_its_pairs_and_nothing_else() -> None:
    detail = {"to": ["张伟", "李娜"], "reason": "李娜熟悉", "status": ["open", "done"]}
    assert entry_changes(detail) == (("to", "张伟", "李娜"), ("status", "open", "done"))
