"""Stored text as it reaches a terminal: every character that drives one is shown as its
escape, nothing else changes (issue 23)."""

from __future__ import annotations

import pytest

from deskui.domain.visible_text import drives_terminal, visible

CLEAR = "\x1b[2J"
RENAME = "\x1b]0;pwned\x07"


def test_a_csi_and_an_osc_are_shown_not_sent() -> None:
    assert visible(f"清屏{CLEAR}公司{RENAME}") == r"清屏\x1b[2J公司\x1b]0;pwned\x07"


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x00", r"\x00"),
        ("\x07", r"\x07"),
        ("\x08", r"\x08"),
        ("\x0b", r"\x0b"),
        ("\x0c", r"\x0c"),
        ("\x1b", r"\x1b"),
        ("\x1f", r"\x1f"),
        ("\x7f", r"\x7f"),
        ("\x80", r"\x80"),
        ("\x9b", r"\x9b"),  # CSI in one byte
        ("\x9d", r"\x9d"),  # OSC in one byte
        ("\x9f", r"\x9f"),
        ("\u202a", r"\u202a"),
        ("\u202e", r"\u202e"),  # right-to-left override
        ("\u2066", r"\u2066"),
        ("\u2069", r"\u2069"),
        ("\u200e", r"\u200e"),
        ("\u2028", r"\u2028"),
    ],
)
def test_every_control_c0_c1_del_and_bidi_override_is_an_escape(char: str, shown: str) -> None:
    assert visible(f"a{char}b") == f"a{shown}b"
    assert visible(f"a{char}b", one_line=True) == f"a{shown}b"
    assert drives_terminal(char)


def test_on_one_line_a_tab_and_every_line_break_are_escapes_too() -> None:
    assert visible("一\n二\t三\r\n四\r五", one_line=True) == r"一\n二\t三\r\n四\r五"


def test_in_a_pane_lines_and_tabs_stay_and_only_a_lone_cr_is_shown() -> None:
    assert visible("一\n二\t三\r\n四\r五") == "一\n二\t三\r\n四\\r五"


@pytest.mark.parametrize(
    "text",
    ["", "深圳市华强北路 1 号", "[red]x[/] <b>", "C:\\new", "ﾊﾝｶｸ 😀 é", "\u00a0\u3000"],
)
def test_text_without_controls_is_left_as_it_is(text: str) -> None:
    assert visible(text) == text
    assert visible(text, one_line=True) == text
    assert not drives_terminal(text)


def test_values_that_are_not_text_are_shown_as_text() -> None:
    assert visible(None) == ""
    assert visible(12) == "12"


def test_what_it_shows_drives_nothing_any_more() -> None:
    every = "".join(map(chr, range(0xA0))) + "\u061c\u200e\u200f\u2028\u2029"
    every += "".join(map(chr, range(0x202A, 0x202F))) + "".join(map(chr, range(0x2066, 0x206A)))
    assert not drives_terminal(visible(every, one_line=True))
    assert set(visible(every)) & set(every) <= set(map(chr, range(0x20, 0x7F))) | {"\n", "\t"}
