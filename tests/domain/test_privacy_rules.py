"""The rules of a person's data on request (issue 28, PIPL): which pieces name a person,
how a text and a history entry are masked, the retention's cutoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskui.domain.privacy import (
    MASK,
    blank_personal_pairs,
    json_forms,
    make_person,
    number_forms,
    phone_of,
    retention_cutoff,
    scrub,
    scrub_value,
)


def test_a_number_is_looked_for_in_every_form_text_writes_it() -> None:
    assert set(number_forms("+8613912345678")) == {
        "+8613912345678",
        "13912345678",
        "013912345678",
    }
    assert set(number_forms("+862155550101")) == {"+862155550101", "2155550101", "02155550101"}
    assert number_forms("110") == ()  # too short to look for in free text


def test_numbers_typed_oddly_are_the_stored_number() -> None:
    for typed in (
        "139 1234 5678",
        "+86 (139) 1234-5678",
        "０１３９１２３４５６７８",
        "8613912345678",
    ):
        assert phone_of(typed) == "+8613912345678", typed
    assert phone_of("not a number") is None
    assert phone_of("\x1b[2J") is None
    assert phone_of("9" * 2_000_000) is None  # a 2 MB paste, refused before it is parsed
    assert phone_of("[b]13912345678[/b]") is None


def test_the_needles_are_longest_first_and_skip_one_character_names_and_shared_numbers() -> None:
    person = make_person(
        [7], ["+8613912345678"], ["+8613912345678", "+862155550101"], ["欧阳晴雪", "王"],
        ["a@b.cn"], ["女儿在读高三"],
    )  # fmt: skip
    assert "王" not in person.needles  # one character: would mask every 王 on the desk
    assert "2155550101" not in person.needles  # held by another profile too: not theirs alone
    assert person.needles[0] == "+8613912345678"
    lengths = [len(n) for n in person.needles]
    assert lengths == sorted(lengths, reverse=True)
    assert scrub("欧阳晴雪来电 013912345678", person.needles) == f"{MASK}来电 {MASK}"


def test_a_json_value_is_masked_in_every_string_and_its_keys_kept() -> None:
    pieces = ("欧阳晴雪",)
    value = {"name": "欧阳晴雪", "lines": ["请欧阳晴雪回电", 3], "n": None}
    assert scrub_value(value, pieces) == {"name": MASK, "lines": [f"请{MASK}回电", 3], "n": None}
    assert json_forms("欧阳") == ("欧阳", "\\u6b27\\u9633")
    assert json_forms("139") == ("139",)


def test_a_history_entry_keeps_that_a_field_changed_not_its_values() -> None:
    detail = {"contact_phone": ["+8613912345678", None], "role": ["liaison", "principal"],
              "personal_notes": ["", "女儿"], "note": "a reason"}  # fmt: skip
    assert blank_personal_pairs(detail) == {
        "contact_phone": ["", ""],
        "role": ["liaison", "principal"],  # a fact, kept
        "personal_notes": ["", ""],
        "note": "a reason",
    }


def test_the_retention_cutoff_and_off() -> None:
    now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    assert retention_cutoff(now, 0) is None
    assert retention_cutoff(now, 30) == now - timedelta(days=30)
