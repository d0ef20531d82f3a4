"""Phone input as agents type it while listening (deskui.domain.phone)."""

from __future__ import annotations

import time

import pytest

from deskui.domain.phone import (
    PhoneParse,
    display_number,
    format_display,
    lookup_fragment,
    normalise_phone,
    reversed_digits,
)


@pytest.mark.parametrize(
    ("raw", "e164", "digits"),
    [
        ("138 1234 5678", "+8613812345678", "13812345678"),
        ("13812345678", "+8613812345678", "13812345678"),
        ("010-8888 6666", "+861088886666", "01088886666"),
        ("(010) 8888-6666", "+861088886666", "01088886666"),
        ("+86 21 5555 1234", "+862155551234", "862155551234"),
        ("+86 (0)21 5555 1234", "+862155551234", "8602155551234"),
        ("0086 138 1234 5678", "+8613812345678", "008613812345678"),
        ("4008001234", "+864008001234", "4008001234"),
        ("0755-2666 8888", "+8675526668888", "075526668888"),
        ("  138  1234-5678  ", "+8613812345678", "13812345678"),
        ("+44 20 7946 0958", "+442079460958", "442079460958"),
    ],
)
def test_valid_numbers_as_heard(raw: str, e164: str, digits: str) -> None:
    parsed = normalise_phone(raw)
    assert parsed == PhoneParse(raw, e164, None, digits, True, None)


def test_full_width_digits_and_brackets() -> None:
    assert normalise_phone("１３８１２３４５６７８").e164 == "+8613812345678"
    parsed = normalise_phone("（０１０）８８８８－６６６６")
    assert parsed.valid
    assert parsed.e164 == "+861088886666"
    assert parsed.digits == "01088886666"


@pytest.mark.parametrize(
    "raw",
    [
        "0755-2666 8888 转 301",
        "0755-2666 8888转301",
        "0755-2666 8888 分机 301",
        "0755-2666 8888 分机号:301",
        "0755-2666 8888 ext 301",
        "0755-2666 8888 ext. 301",
        "0755-2666 8888 EXT301",
        "0755-2666 8888 x301",
        "0755-2666 8888 X 301",
        "０７５５－２６６６ ８８８８ 转 ３０１",
    ],
)
def test_extension_markers(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert parsed.valid
    assert parsed.e164 == "+8675526668888"
    assert parsed.extension == "301"
    assert parsed.digits == "075526668888"  # extension digits stay out of the lookup key


def test_extension_marker_typed_before_its_digits() -> None:
    parsed = normalise_phone("0755-2666 8888 转 ")
    assert parsed.valid
    assert parsed.extension is None


@pytest.mark.parametrize("raw", ["", "   ", "\t", "\u3000"])
def test_empty(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert not parsed.valid
    assert parsed.error == "phone.empty"
    assert parsed.e164 is None
    assert parsed.digits == ""


@pytest.mark.parametrize(
    "raw", ["abc", "hello 123", "手机号码", "138 1234 5678 张", "+", "--", "()"]
)
def test_not_a_number(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert not parsed.valid
    assert parsed.error == "phone.not_a_number"
    assert parsed.e164 is None


@pytest.mark.parametrize("raw", ["1", "12", "5678", "1381234", "138 1234 567", "00"])
def test_too_short(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert not parsed.valid
    assert parsed.error == "phone.too_short"


@pytest.mark.parametrize("raw", ["138 1234 56789", "1381234567890123456789"])
def test_too_long(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert not parsed.valid
    assert parsed.error == "phone.too_long"


@pytest.mark.parametrize("raw", ["021 5555 123", "8888 6666", "+999 123 456"])
def test_invalid(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert not parsed.valid
    assert parsed.error == "phone.invalid"


@pytest.mark.parametrize(
    "raw",
    [
        "\x00",
        "+++",
        "转",
        "ext",
        "x",
        "#",
        "+86",
        "0" * 200,
        "9" * 5000,
        "💥138",
        "１" * 40,
        "转转转1",
    ],
)
def test_garbage_never_raises(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert isinstance(parsed, PhoneParse)
    assert not parsed.valid
    assert parsed.error is not None


def test_every_error_is_a_catalog_key() -> None:
    keys = {
        "phone.empty",
        "phone.not_a_number",
        "phone.too_short",
        "phone.too_long",
        "phone.invalid",
    }
    for raw in ["", "abc", "12", "138 1234 56789", "8888 6666", "+999 1"]:
        assert normalise_phone(raw).error in keys


def test_other_region_for_national_input() -> None:
    assert normalise_phone("020 7946 0958", region="GB").e164 == "+442079460958"


def test_fast_enough_for_every_keystroke() -> None:
    typed = "0755-2666 8888 转 301"
    normalise_phone.cache_clear()
    started = time.perf_counter()
    for end in range(1, len(typed) + 1):
        normalise_phone(typed[:end])
    per_keystroke = (time.perf_counter() - started) / len(typed)
    assert per_keystroke < 0.005


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("+8613812345678", "8765432183168"),
        ("1234", "4321"),
        ("138-1234-5678", "87654321831"),
        ("１２３", "321"),
        ("", ""),
        ("abc", ""),
    ],
)
def test_reversed_digits(given: str, expected: str) -> None:
    assert reversed_digits(given) == expected


def test_last_four_is_a_prefix_of_the_stored_key() -> None:
    stored = reversed_digits(normalise_phone("138 1234 5678").e164 or "")
    fragment = lookup_fragment("5678")
    assert fragment is not None
    assert stored.startswith(reversed_digits(fragment))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5678", "5678"),
        ("12 34", "1234"),
        ("1381234", "1381234"),
        ("8888 6666", "88886666"),
        ("１２３４", "1234"),
        ("123", None),
        ("", None),
        ("abc", None),
        ("138 1234 5678", None),  # a full number is looked up whole
        ("0755-2666 8888 转 301", None),
    ],
)
def test_lookup_fragment(raw: str, expected: str | None) -> None:
    assert lookup_fragment(raw) == expected


@pytest.mark.parametrize(
    ("e164", "extension", "expected"),
    [
        ("+8613812345678", None, "138 1234 5678"),
        ("+861088886666", None, "010 8888 6666"),
        ("+862155551234", None, "021 5555 1234"),
        ("+8675526668888", "301", "0755 2666 8888 转 301"),
        ("+864008001234", None, "400 800 1234"),
        ("+442079460958", None, "+44 20 7946 0958"),
        ("+16502530000", "12", "+1 650-253-0000 转 12"),
        ("not a number", None, "not a number"),
        ("", None, ""),
    ],
)
def test_format_display(e164: str, extension: str | None, expected: str) -> None:
    assert format_display(e164, extension) == expected


def test_round_trip_display_parses_back() -> None:
    parsed = normalise_phone("0755-2666 8888 转 301")
    assert parsed.e164 is not None
    shown = format_display(parsed.e164, parsed.extension)
    again = normalise_phone(shown)
    assert (again.e164, again.extension) == (parsed.e164, parsed.extension)


@pytest.mark.parametrize(
    "raw",
    [
        "010 8888 6666 转 301",
        "010 8888 6666 ext 301",
        "010-8888 6666-301",
        "01088886666-301",
        "（０１０）８８８８－６６６６－３０１",
    ],
)
def test_an_extension_is_kept_apart_from_the_number(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert (parsed.valid, parsed.e164, parsed.extension) == (True, "+861088886666", "301")
    assert format_display(parsed.e164 or "", parsed.extension) == "010 8888 6666 转 301"


def test_a_dash_is_an_extension_only_after_a_whole_number() -> None:
    # the groups of a number written with dashes stay the number
    assert normalise_phone("0755-2666-8888") == PhoneParse(
        "0755-2666-8888", "+8675526668888", None, "075526668888", True, None
    )
    assert normalise_phone("138-1234-5678").extension is None
    assert not normalise_phone("010-8888-666").valid  # one digit short, not "extension 666"


@pytest.mark.parametrize("raw", ["95588", "10086", "12345", "110", "955 88", "12315"])
def test_short_service_numbers_the_library_knows_for_cn_are_valid_as_typed(raw: str) -> None:
    from phonenumbers import parse
    from phonenumbers.shortnumberinfo import is_valid_short_number_for_region

    parsed = normalise_phone(raw)
    digits = "".join(raw.split())
    assert is_valid_short_number_for_region(parse(digits, "CN"), "CN")
    assert parsed == PhoneParse(raw, digits, None, digits, True, None, short=True)
    assert format_display(digits) == digits
    assert reversed_digits(digits) == digits[::-1]


@pytest.mark.parametrize("raw", ["1234", "9558", "+95588", "66666"])
def test_what_is_no_short_number_is_still_refused(raw: str) -> None:
    parsed = normalise_phone(raw)
    assert not parsed.valid and parsed.error == "phone.too_short"


def test_a_short_number_with_an_extension() -> None:
    parsed = normalise_phone("10086 转 3")
    assert (parsed.e164, parsed.extension, parsed.short) == ("10086", "3", True)


def test_an_extension_longer_than_a_switchboards_is_too_long() -> None:
    assert normalise_phone("010 8888 6666 转 12345678").extension == "12345678"
    parsed = normalise_phone("010 8888 6666 转 123456789")
    assert not parsed.valid and parsed.error == "phone.too_long"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+8613800138000", "138 0013 8000"),
        ("13800138000转301", "138 0013 8000 转 301"),
        ("+862155550101", "021 5555 0101"),
        ("8021", "8021"),  # an extension alone: as typed
        ("95588", "95588"),
        ("138****8000", "138****8000"),
        ("周先生的手机", "周先生的手机"),
        ("", ""),
    ],
)
def test_a_number_is_displayed_as_the_card_writes_it(stored: str, shown: str) -> None:
    """Issue 26: +8613800138000 raw in messages and notifications."""
    assert display_number(stored) == shown
