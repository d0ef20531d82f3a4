"""Ready or not (issue 25, after the call): the agent says they take calls again, or not, and
why (示忙, 小休, 培训). The desk's `b` and its palette command open it; the lead's floor (F6)
shows the state and how long it has lasted."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskui.domain.floor import NOT_READY_REASONS, Readiness
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.focus import closed_before_mount


class ReadinessModal(ModalScreen[Readiness | None]):
    """Returns the readiness the agent picked (None: Esc, nothing changes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "keys.back", id="readiness_back"),
    ]

    def __init__(self, current: Readiness | None) -> None:
        super().__init__(id="readiness")
        localize_bindings(self)
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="readiness-box", classes="dialog"):
            yield Static(t("readiness.title"), classes="dialog-title")
            yield OptionList(
                *(
                    Option(Text(self._label(choice)), id=choice.value)
                    for choice in (Readiness.READY, *NOT_READY_REASONS)
                ),
                id="readiness-choices",
            )
            yield Static(t("readiness.hint"), classes="hint")

    def _label(self, choice: Readiness) -> str:
        label = t(f"readiness.{choice.value}")
        return t("readiness.current", label=label) if choice is self._current else label

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        choices = self.query_one("#readiness-choices", OptionList)
        # the choice offered first is the other side of where the agent stands
        choices.highlighted = 1 if self._current in (None, Readiness.READY) else 0
        choices.focus()

    @on(OptionList.OptionSelected, "#readiness-choices")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Readiness(str(event.option.id)))

    def action_cancel(self) -> None:
        self.dismiss(None)
