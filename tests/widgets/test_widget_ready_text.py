"""ReadyText: lines rendered ahead are what a render at paint time would give, and a text
prepared for another size or style is rendered again instead of shown wrong."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region

from deskui.widgets.ready_text import ReadyText

CARD = Text.assemble(
    ("深圳华强电子有限公司", "bold"),
    "  单元号: B-110\n138 1234 5678  深圳市福田区华强北路 1 号 [red]x[/] \x1b[31m",
)


class CardApp(App[None]):
    CSS = "ReadyText { height: 3; border-left: thick $accent; padding: 0 1; }"

    def compose(self) -> ComposeResult:
        yield ReadyText("…", id="card")


def _screen_lines(widget: ReadyText) -> list[str]:
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return [strip.text for strip in strips]


async def test_prepared_lines_paint_what_a_render_would() -> None:
    app = CardApp()
    async with app.run_test(size=(60, 6)) as pilot:
        card = app.query_one(ReadyText)
        card.update(CARD)
        await pilot.pause()
        rendered = _screen_lines(card)
        card.update("…")
        await pilot.pause()
        prepared = card.prepare(CARD)
        card.update(prepared)
        assert card._ready is prepared.lines  # shown as prepared, not rendered again
        await pilot.pause()
        assert _screen_lines(card) == rendered
        assert "深圳华强电子有限公司" in rendered[0]


async def test_a_string_is_shown_literally_prepared_or_not() -> None:
    app = CardApp()
    async with app.run_test(size=(60, 6)) as pilot:
        card = app.query_one(ReadyText)
        card.update("客户说 [red]x[/] 和 [b]y[/b]")
        await pilot.pause()
        assert "客户说 [red]x[/] 和 [b]y[/b]" in _screen_lines(card)[0]
        card.update(card.prepare("铺位 [bold]B-110[/]"))
        await pilot.pause()
        assert "铺位 [bold]B-110[/]" in _screen_lines(card)[0]


async def test_prepared_lines_on_screen_follow_a_theme_change() -> None:
    app = CardApp()
    async with app.run_test(size=(60, 6)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        card = app.query_one(ReadyText)
        card.update(card.prepare(CARD))
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        themed = card.render_lines(Region(0, 0, card.size.width, card.size.height))
        card.update(CARD)  # rendered afresh in the new theme
        await pilot.pause()
        fresh = card.render_lines(Region(0, 0, card.size.width, card.size.height))
        assert [list(strip) for strip in themed] == [list(strip) for strip in fresh]


async def test_a_text_prepared_before_a_resize_is_rendered_for_the_new_width() -> None:
    app = CardApp()
    async with app.run_test(size=(30, 6)) as pilot:
        card = app.query_one(ReadyText)
        prepared = card.prepare(CARD)  # wrapped for 30 columns
        await pilot.resize_terminal(70, 6)
        await pilot.pause()
        card.update(prepared)
        await pilot.pause()
        wide = _screen_lines(card)
        assert "深圳华强电子有限公司  单元号: B-110" in wide[0]
        assert str(card.visual).startswith("深圳华强电子有限公司")


async def test_prepared_lines_on_screen_are_rendered_again_after_a_resize() -> None:
    app = CardApp()
    async with app.run_test(size=(30, 6)) as pilot:
        card = app.query_one(ReadyText)
        card.update(card.prepare(CARD))  # shown as prepared, for 30 columns
        await pilot.pause()
        assert "单元号" not in _screen_lines(card)[0]
        await pilot.resize_terminal(70, 6)
        await pilot.pause()
        assert "深圳华强电子有限公司  单元号: B-110" in _screen_lines(card)[0]


async def test_shown_text_is_the_widgets_visual() -> None:
    app = CardApp()
    async with app.run_test(size=(40, 6)) as pilot:
        card = app.query_one(ReadyText)
        assert str(card.render()) == "…"
        card.update(card.prepare("已找到"))
        await pilot.pause()
        assert str(card.render()) == "已找到"
        assert _screen_lines(card)[0].strip().endswith("已找到")


async def test_the_same_text_again_is_no_change_and_no_refresh() -> None:
    """The intake gives the card "keep typing" at every digit after the 4th: each refresh
    rendered its lines again in the frame of the digit's echo (issue 27)."""
    app = CardApp()
    async with app.run_test(size=(60, 6)) as pilot:
        card = app.query_one(ReadyText)
        refreshed: list[str] = []
        real = card.refresh

        def counted(*args: object, **kwargs: object) -> ReadyText:
            refreshed.append(str(card.visual))
            return real(*args, **kwargs)  # type: ignore[arg-type]

        card.refresh = counted  # type: ignore[method-assign]
        card.update("继续输入")
        card.update("继续输入")
        card.update(Text("找到", style="bold"))
        card.update(Text("找到", style="bold"))
        card.update(Text("找到"))  # the same characters in another style is a change
        prepared = card.prepare(CARD)
        card.update(prepared)
        card.update(prepared)
        await pilot.pause()
        assert refreshed == ["继续输入", "找到", "找到", str(prepared.visual)]
        assert "深圳华强电子有限公司" in _screen_lines(card)[0]


class TypingApp(App[None]):
    """The intake's order in a keystroke: the field's watcher changes a hint, asks for
    something after the frame (as the pick list does), then changes the card."""

    CSS = "ReadyText { height: 3; } Input { height: 3; }"

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        class Field(Input):
            def watch_value(self, value: str) -> None:
                app = self.app
                assert isinstance(app, TypingApp)
                app.query_one("#hint", ReadyText).update(f"hint {value}")
                self.screen.call_after_refresh(lambda: None)
                app.query_one("#card", ReadyText).update(f"card {value}")

        yield Field(id="field")
        yield ReadyText("", id="hint")
        yield ReadyText("…", id="card")


async def test_a_text_changed_in_a_keystroke_is_painted_in_that_keystrokes_frame() -> None:
    """The card changed by the digit that completes a number went idle after the screen
    had begun the digit's frame, and came 25-40 ms later in a frame of its own (issue 27).
    The screen is told at once: the frame that paints the digit paints the card too."""
    from textual.screen import Screen

    app = TypingApp()
    frames: list[set[str | None]] = []
    async with app.run_test(size=(60, 12)) as pilot:
        app.query_one("#field").focus()
        await pilot.pause(0.1)
        screen = app.screen
        real = Screen._compositor_refresh

        def recorded(self: Screen[None]) -> None:
            frames.append({widget.id for widget in self._dirty_widgets})
            real(self)

        screen._compositor_refresh = recorded.__get__(screen)  # type: ignore[method-assign]
        for digit in "123":
            frames.clear()
            await pilot.press(digit)
            await pilot.pause(0.1)
            echo = next(frame for frame in frames if "field" in frame)
            assert {"hint", "card"} <= echo, frames
