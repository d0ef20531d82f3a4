"""The filter under every widget: a painted line holding a control character shows it as its
escape and keeps its width (issue 23)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Input, Static

from deskui.widgets.terminal_guard import TerminalGuard

BLACK = Color(0, 0, 0)
BOLD = Style(bold=True)
HOSTILE = "清屏\x1b[2J\x1b]0;pwned\x07公司\x9b31m\u202e"
DRIVING = ("\x1b", "\x07", "\x9b", "\u202e")


def _text(segments: list[Segment]) -> str:
    return "".join(segment.text for segment in segments)


def test_a_line_without_controls_is_passed_through_untouched() -> None:
    line = [Segment("张伟  ", BOLD), Segment("│")]
    assert TerminalGuard().apply(line, BLACK) is line


def test_the_escape_takes_the_padding_after_it_and_the_border_stays() -> None:
    line = [Segment("│ "), Segment("赵\x1b[2J", BOLD), Segment("          "), Segment("│")]
    guard = TerminalGuard()
    shown = guard.apply(line, BLACK)
    assert _text(shown) == "│ 赵\\x1b[2J      │"  # \\x1b took 4 of the 10 blanks
    assert cell_len(_text(shown)) == cell_len(_text(line))
    assert shown[1].style == BOLD  # the record's style is kept, only its text is shown
    assert guard.lines_guarded == 1


def test_without_room_the_line_is_cropped_to_its_width() -> None:
    line = [Segment("名\x1b[31m红色")]
    shown = TerminalGuard().apply(line, BLACK)
    assert _text(shown) == "名\\x1b[31m"  # 红色 gave its cells to the escape
    assert cell_len(_text(shown)) == 10


class _Hostile(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.guard = TerminalGuard()

    def get_line_filters(self):  # type: ignore[no-untyped-def]
        return [self.guard, *super().get_line_filters()]

    def compose(self) -> ComposeResult:
        yield Static(Text(HOSTILE))
        yield Input(value=HOSTILE)


async def test_no_widget_paints_a_control_character_through_the_guard() -> None:
    app = _Hostile()
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        painted = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert not any(char in painted for char in DRIVING)
        assert painted.count(r"\x1b[2J") == 2
        assert app.query_one(Input).value == HOSTILE  # what the agent edits stays as stored
