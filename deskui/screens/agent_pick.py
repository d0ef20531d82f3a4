"""Who is at the desk: pick your name, or create the first agent on a new database."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.runner import run_service
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.services.agents import AgentRecord

MAX_NAME = 40  # shorter than FieldKind.NAME: the name sits in every list's owner column


class AgentPickModal(ModalScreen["AgentRecord | None"]):
    """Returns the agent who sits down; a first run creates that agent (as lead)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "keys.quit", id="pick_quit", show=False),
    ]

    def __init__(self, agents: list[AgentRecord], *, demo: bool = False) -> None:
        super().__init__(id="agent-pick")
        localize_bindings(self)
        self._agents = agents
        self._demo = demo
        """The demo's people, marked as such: they sign in without a password (issue 16)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="agent-pick-box", classes="dialog"):
            if self._agents:
                title = t("signin.demo_title") if self._demo else t("pick.title")
                yield Static(title, classes="dialog-title")
                yield OptionList(
                    *(
                        Option(Text(f"{a.name}  ·  {t(f'role.{a.role}')}"), id=str(a.id))
                        for a in self._agents
                    ),
                    id="agents",
                )
                yield Static(t("pick.hint"), classes="hint")
            else:
                yield Static(t("pick.first_run"), classes="dialog-title")
                yield FieldInput(
                    placeholder=t("pick.name_placeholder"), id="new-name", max_length=MAX_NAME
                )
                yield Static("", id="name-error", classes="field-error")
                yield Static(t("pick.first_run_hint"), classes="hint")

    @on(OptionList.OptionSelected, "#agents")
    def picked(self, event: OptionList.OptionSelected) -> None:
        chosen = next(a for a in self._agents if str(a.id) == event.option.id)
        self.dismiss(chosen)

    @on(Input.Submitted, "#new-name")
    def create(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        error = ""
        if not name:
            error = t("pick.name_empty")
        elif len(name) > MAX_NAME:
            error = t("pick.name_too_long", max=MAX_NAME)
        elif any(not ch.isprintable() for ch in name):
            error = t("pick.name_unprintable")
        self.query_one("#name-error", Static).update(Text(error))
        if not error:
            self.save_agent(name)

    def _chosen(self, agent: AgentRecord) -> None:
        self.dismiss(agent)  # not awaited: a callback must not await its own screen's dismiss

    def _show_error(self, message: str) -> None:
        self.query_one("#name-error", Static).update(Text(message))

    def save_agent(self, name: str) -> None:
        from deskui.services.agents import AddFirstAgent, add_first_agent

        run_service(
            self,
            add_first_agent,
            AddFirstAgent(name),
            done=self._chosen,
            trouble=lambda reason: self._show_error(t("pick.save_failed", reason=reason)),
            group="save_agent",
            exclusive=True,
            anonymous=True,  # nobody is signed in yet: this is the first agent
        )
