"""GuardedText while typed into: the advice line (under the area) is given new words only
when its words change. Each update of it lays the form out again, and it was updated at
every keystroke, in the keystroke's frame (issue 27)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from deskui.widgets.guarded_text import GuardedArea, GuardedText


class NoteApp(App[None]):
    def compose(self) -> ComposeResult:
        yield GuardedText(id="note")


async def test_the_advice_line_is_updated_only_when_its_words_change() -> None:
    app = NoteApp()
    async with app.run_test(size=(80, 12)) as pilot:
        advice = app.query_one(".guarded-text--advice", Static)
        given: list[str] = []
        real = advice.update

        def counted(content: Any = "", **kwargs: Any) -> None:
            given.append(str(content))
            real(content, **kwargs)

        advice.update = counted  # type: ignore[method-assign]
        app.query_one(GuardedArea).focus()
        await pilot.press(*"ok then")
        await pilot.pause()
        assert given == []  # nothing flagged before, nothing now: no update per key
        await pilot.press(*"不行")
        await pilot.pause()
        assert len(given) == 1 and "不行" in given[0]  # flagged: said once
        await pilot.press(*"abc")
        await pilot.pause()
        assert len(given) == 1  # the same advice at the next keys
        assert app.query_one(GuardedText).has_class("-flagged")
