"""classify(): what the agent typed in the caller field becomes a number, last digits or a name."""

from __future__ import annotations

import pytest

from deskui.domain.search import LookupKind, classify, name_grams, visible


@pytest.mark.parametrize(
    ("typed", "e164", "extension"),
    [
        ("138 1234 5678", "+8613812345678", None),
        ("010-8888 6666", "+861088886666", None),
        ("+86 21 5555 1234", "+862155551234", None),
        ("4008001234", "+864008001234", None),
        ("0755-2666 8888 转 301", "+8675526668888", "301"),
        ("１３８ １２３４ ５６７８", "+8613812345678", None),  # full-width digits from an IME
    ],
)
def test_full_numbers_as_heard_are_looked_up_exactly_by_e164(
    typed: str, e164: str, extension: str | None
) -> None:
    lookup = classify(typed)
    assert lookup.kind is LookupKind.PHONE
    assert lookup.value == e164
    assert lookup.phone.valid
    assert lookup.phone.e164 == e164
    assert lookup.phone.extension == extension


def test_an_extension_never_reaches_the_number_itself() -> None:
    lookup = classify("0755-2666 8888 转 301")
    assert "301" not in lookup.value
    assert lookup.phone.digits == "075526668888"


@pytest.mark.parametrize(
    "typed",
    ["5678", " 5678 ", "尾号 5678", "尾号5678"],  # the placeholder's own example: 尾号 5678
)
def test_last_four_digits_are_a_digits_lookup(typed: str) -> None:
    lookup = classify(typed)
    assert lookup.kind is LookupKind.DIGITS
    assert lookup.value == "5678"


def test_more_digits_than_four_but_no_whole_number_search_by_the_ending() -> None:
    lookup = classify("1381234")
    assert lookup.kind is LookupKind.DIGITS
    assert lookup.value == "1381234"


@pytest.mark.parametrize("typed", ["华强", "星辰电子", "  华强  传媒 ", "Acme"])
def test_a_name_fragment_is_a_name_lookup_with_spaces_collapsed(typed: str) -> None:
    lookup = classify(typed)
    assert lookup.kind is LookupKind.NAME
    assert lookup.value == " ".join(typed.split())


@pytest.mark.parametrize("typed", ["", " ", "华", "1", "12", "124", "+8", "1-2"])
def test_too_little_to_look_up_is_none(typed: str) -> None:
    lookup = classify(typed)
    assert lookup.kind is LookupKind.NONE
    assert lookup.value == ""


def test_name_grams_are_two_character_pieces_case_folded_without_spaces() -> None:
    assert name_grams("华强 传媒") == {"华强", "强传", "传媒"}
    assert name_grams("AbC") == {"ab", "bc"}
    assert name_grams("华") == set()


def test_visible_shows_escape_and_control_characters_as_their_escapes() -> None:
    assert visible("\x1b[31mred") == r"\x1b[31mred"
    assert visible("a\x00b\x07c\x7f") == r"a\x00b\x07c\x7f"
    assert visible("[red]x[/]") == "[red]x[/]"  # markup is text, left alone
    assert visible("两行\n\t缩进") == "两行\n\t缩进"  # newline and tab are kept
    assert "\x1b" not in visible("\x1b]8;;http://x\x1b\\link")


def test_a_short_service_number_is_a_number_lookup() -> None:
    lookup = classify("95588")
    assert lookup.kind is LookupKind.PHONE
    assert lookup.value == "95588" and lookup.phone.short
