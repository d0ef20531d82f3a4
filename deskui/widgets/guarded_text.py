"""A text area with the rules of conduct on (seed 000:3.2.1.2): forbidden words and phrases
are underlined as the agent types, and the suggested alternative shows beneath.

Knows nothing of the database: any screen where an agent writes to a customer (complaint
notes, written replies, callback notes) composes one. The rules come from the site's data
(`deskui.domain.conduct`); a parent may give its own.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static, TextArea

from deskui.domain.conduct import ConductRules, Hit, packaged_conduct
from deskui.domain.field_limits import FieldKind, limit, near_limit, over_limit
from deskui.i18n import current_locale, t
from deskui.keys import localize_bindings
from deskui.widgets.text_area import DeskTextArea
from deskui.widgets.words_area import ENTER_MOVES_ON, new_line

HIT_HIGHLIGHT = "deskui.conduct_hit"


class GuardedArea(DeskTextArea):
    """The TextArea itself: its highlight map carries the conduct hits, not syntax."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"guarded-area--hit"}
    DEFAULT_CSS = """
    GuardedArea > .guarded-area--hit {
        color: $error;
        text-style: bold underline;
    }
    """

    def __init__(self, rules: ConductRules, **kwargs: Any) -> None:  # TextArea's own
        self.rules = rules
        self.hits: list[Hit] = []
        super().__init__(**kwargs)

    def _build_highlight_map(self) -> None:
        super()._build_highlight_map()
        text = self.text
        self.hits = self.rules.check(text)
        if not self.hits:
            return
        if self.is_mounted:
            style = self.get_component_rich_style("guarded-area--hit", partial=True)
            self._theme.syntax_styles = {**self._theme.syntax_styles, HIT_HIGHLIGHT: style}
        line_starts = [0]
        for line in text.split("\n")[:-1]:
            line_starts.append(line_starts[-1] + len(line) + 1)
        lines = text.split("\n")
        spans: dict[int, list[tuple[int, int | None, str]]] = defaultdict(list)
        for hit in self.hits:
            row = _row_of(line_starts, hit.start)
            start = hit.start - line_starts[row]
            end = min(hit.end - line_starts[row], len(lines[row]))
            prefix = lines[row][:start].encode("utf-8")
            body = lines[row][start:end].encode("utf-8")
            spans[row].append((len(prefix), len(prefix) + len(body), HIT_HIGHLIGHT))
        for row, row_spans in spans.items():
            self._highlights[row].extend(row_spans)

    def on_mount(self) -> None:
        self._build_highlight_map()
        self.refresh()


class FieldGuardedArea(GuardedArea):
    """A GuardedArea on a form where Enter goes to the next field: Ctrl+J, in the footer,
    starts a new line (widgets/words_area.py)."""

    BINDINGS: ClassVar[list[BindingType]] = ENTER_MOVES_ON

    def __init__(self, rules: ConductRules, **kwargs: Any) -> None:  # TextArea's own
        super().__init__(rules, **kwargs)
        localize_bindings(self)

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def action_new_line(self) -> None:
        new_line(self)


def _row_of(line_starts: list[int], offset: int) -> int:
    row = 0
    for index, start in enumerate(line_starts):
        if start <= offset:
            row = index
        else:
            break
    return row


class GuardedText(Widget):
    """A TextArea whose forbidden phrases are underlined, with the suggestions under it."""

    DEFAULT_CSS = """
    GuardedText {
        height: auto;
        layout: vertical;
    }
    GuardedText > GuardedArea {
        height: 5;
    }
    GuardedText > .guarded-text--advice {
        height: auto;
        color: $warning;
        display: none;
    }
    GuardedText.-flagged > .guarded-text--advice {
        display: block;
    }
    GuardedText > .guarded-text--count {
        height: auto;
        color: $text-muted;
        display: none;
    }
    GuardedText.-near-limit > .guarded-text--count {
        display: block;
    }
    GuardedText.-over-limit > .guarded-text--count {
        color: $error;
    }
    """

    class Checked(Message):
        """The text changed and was checked: `hits` is empty when it is clean."""

        def __init__(self, guarded: GuardedText, hits: list[Hit]) -> None:
            super().__init__()
            self.guarded = guarded
            self.hits = hits

        @property
        def control(self) -> GuardedText:
            return self.guarded

    def __init__(
        self,
        text: str = "",
        *,
        rules: ConductRules | None = None,
        placeholder: str = "",
        id: str | None = None,
        classes: str | None = None,
        kind: FieldKind = FieldKind.NOTE,
        enter_moves: bool = False,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.kind = kind
        self._enter_moves = enter_moves
        """How long the text may be (field_limits): the count shows near it, the screen
        refuses a save past it."""
        self._rules = rules or packaged_conduct(current_locale())
        self._initial = text
        self._placeholder = placeholder
        self._advice_shown: str | None = None
        """The advice line's text as last given (`_show_advice`)."""

    def compose(self) -> ComposeResult:
        area = FieldGuardedArea if self._enter_moves else GuardedArea
        yield area(
            self._rules,
            text=self._initial,
            soft_wrap=True,
            tab_behavior="focus",
            placeholder=self._placeholder,
        )
        yield Static("", classes="guarded-text--advice")
        yield Static("", classes="guarded-text--count")

    def on_mount(self) -> None:
        self._show_advice()
        self._show_count()

    @property
    def over_limit(self) -> bool:
        return over_limit(self.text, self.kind)

    def refusal(self) -> str | None:
        """What a save says while the text is past its limit (the text stays), else None."""
        if not self.over_limit:
            return None
        return t("field.too_long", limit=limit(self.kind), length=len(self.text))

    @property
    def area(self) -> GuardedArea:
        return self.query_one(GuardedArea)

    @property
    def text(self) -> str:
        return self.area.text if self.is_mounted else self._initial

    @text.setter
    def text(self, value: str) -> None:
        if self.is_mounted:
            self.area.text = value
        else:
            self._initial = value

    @property
    def hits(self) -> list[Hit]:
        return list(self.area.hits)

    def focus(self, scroll_visible: bool = True) -> GuardedText:
        self.area.focus(scroll_visible)
        return self

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self.area:
            return
        self._show_advice()
        self._show_count()
        self.post_message(self.Checked(self, self.hits))

    def _show_count(self) -> None:
        """Near the limit, what is left; past it, the refusal the save will give."""
        text, most = self.text, limit(self.kind)
        near = near_limit(text, self.kind)
        self.set_class(near, "-near-limit")
        self.set_class(over_limit(text, self.kind), "-over-limit")
        if not near:
            return
        if len(text) > most:
            shown = t("field.too_long", limit=most, length=len(text))
        else:
            shown = t("field.left", left=most - len(text), limit=most)
        self.query_one(".guarded-text--count", Static).update(Text(shown))

    def _show_advice(self) -> None:
        hits = self.hits
        self.set_class(bool(hits), "-flagged")
        advice = Text()
        for index, hit in enumerate(hits[:3]):
            if index:
                advice.append("\n")
            advice.append("⚠ ")
            kind = t(f"conduct.kind.{hit.kind}")
            advice.append(t("conduct.hit", phrase=hit.phrase, kind=kind, suggest=hit.suggest))
        if len(hits) > 3:
            advice.append("\n" + t("conduct.more", count=len(hits) - 3))
        if advice.plain == self._advice_shown:
            return  # each update lays the form out again: per keystroke, in its frame
        self._advice_shown = advice.plain
        self.query_one(".guarded-text--advice", Static).update(advice)
