"""F6: the team's open deadlines, everyone's, soonest first (seed 002:2.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.desk import describe_row, open_work_item
from deskui.screens.sources import DeadlineSource
from deskui.screens.work_columns import deadline_columns
from deskui.widgets.work_list import WorkList

if TYPE_CHECKING:
    from deskui.app import DeskApp


class TeamScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="team")
        localize_bindings(self)

    @property
    def desk_app(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        app = self.desk_app
        team = app.agent.team if app.agent else "default"
        name = t("team.default") if team == "default" else team
        yield Static(Text(t("team.title", team=name)), classes="section-title")
        yield WorkList(
            columns=deadline_columns(app.settings.site_timezone, with_owner=True),
            empty_text=t("team.empty"),
            id="team-work",
        )
        yield Static("", id="team-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        app = self.desk_app
        team = app.agent.team if app.agent else None
        work_list = self.query_one("#team-work", WorkList)
        work_list.set_source(DeadlineSource(app, team=team))
        work_list.focus()

    @on(WorkList.CursorMoved, "#team-work")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self.query_one("#team-detail", Static).update(describe_row(self.desk_app, event.row))

    @on(WorkList.RowSelected, "#team-work")
    def open_subject(self, event: WorkList.RowSelected) -> None:
        open_work_item(self.desk_app, event.row)

    def on_desk_app_changes_seen(self, message: Any) -> None:
        self.query_one("#team-work", WorkList).reload()
