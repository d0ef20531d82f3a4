"""F6: the team's open deadlines, everyone's, soonest first (seed 002:2.5); and this
quarter's satisfaction survey forms still missing from sales, counting down to the 10th of
the quarter's first month (seed 000:2.5.3), which a lead records as received with one key;
and for a lead, the floor live: calls ringing, today's calls, each agent's state (issue 25)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from deskui.domain.callbacks import (
    SurveyQuarter,
    survey_days_left,
    survey_late,
    survey_quarter,
)
from deskui.domain.permissions import Action
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal, ring_bell
from deskui.screens.desk import describe_row, open_work_item
from deskui.screens.floor import FLOOR_ENTITIES, FloorView
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service, run_service
from deskui.screens.sources import DeadlineSource
from deskui.screens.work_columns import deadline_columns
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost

TEAM_VIEWS = ("deadlines", "surveys", "floor")


class MissingSurveySource:
    """Customers without this quarter's form (`count`/`rows` run in the list's worker)."""

    def __init__(self, app: DeskHost, quarter: SurveyQuarter) -> None:
        self._app = app
        self.quarter = quarter

    def count(self) -> int:
        from deskui.services.surveys import MissingSurveys, missing_survey_count

        return call_service(self._app, missing_survey_count, MissingSurveys(self.quarter))

    def rows(self, offset: int, limit: int) -> list[Any]:
        from deskui.services.surveys import MissingSurveys, missing_survey_page

        query = MissingSurveys(self.quarter, offset, limit)
        return call_service(self._app, missing_survey_page, query)


def survey_columns() -> list[Column]:
    return [
        Column(
            title=t("work.countdown"),
            width=16,
            countdown=lambda row: (row.due_at, row.starts_at, row.paused_at),
        ),
        Column(title="#", width=6, cell=lambda row: str(row.customer_id)),
        Column(title=t("work.customer"), width=30, cell=lambda row: row.customer_name),
        Column(
            title=t("callbacks.col.assigned"),
            width=0,
            cell=lambda row: row.assigned_agent or t("callbacks.unassigned"),
        ),
    ]


def survey_summary(quarter: SurveyQuarter, missing: int, late: bool, days_left: int) -> str:
    """One line: the quarter, how many forms are missing, the due day and the days left (whole
    days, as the countdown column shows them)."""
    if missing == 0:
        return t("team.survey.all_in", year=quarter.year, quarter=quarter.quarter)
    if late:
        when = t("team.survey.days_late", days=-days_left) if days_left else t("team.survey.late")
    elif days_left > 0:
        when = t("team.survey.days_left", days=days_left)
    else:
        when = t("team.survey.due_today")
    return t(
        "team.survey.summary",
        year=quarter.year,
        quarter=quarter.quarter,
        missing=missing,
        due=quarter.due_on.strftime("%m-%d"),
        when=when,
    )


class TeamScreen(KeptScreen):
    CSS_PATH = "team.tcss"  # its own rules, parsed when it first opens
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "view('deadlines')", "keys.team_deadlines", id="team_deadlines"),
        Binding("2", "view('surveys')", "keys.team_surveys", id="team_surveys"),
        Binding("3", "view('floor')", "keys.team_floor", id="team_floor", show=False),
        Binding("s", "receive_survey", "keys.team_survey_receive", id="team_survey_receive"),
        Binding("m", "measures", "keys.measures", id="team_measures"),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class SurveysCounted(Message):
        missing: int

    def __init__(self, view: str = "deadlines") -> None:
        super().__init__(id="team")
        localize_bindings(self)
        self.view = view
        self._missing: int | None = None

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    @property
    def may_record_survey(self) -> bool:
        """A lead or manager records survey forms (the services' permission table)."""
        actor = self.desk_app.actor
        return actor is not None and actor.may(Action.RECORD_SURVEY)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The measures (issue 17) are a lead's and a manager's: not offered to an agent."""
        if action == "measures" or (action == "view" and parameters == ("floor",)):
            return self.sees_floor
        return True

    @property
    def sees_floor(self) -> bool:
        """The measures and the floor (issue 17, 25) are a lead's and a manager's."""
        actor = self.desk_app.actor
        return actor is not None and actor.may(Action.SEE_TEAM)

    async def action_measures(self) -> None:
        await self.app.run_action("open_screen('measures')")

    def quarter(self) -> SurveyQuarter:
        app = self.desk_app
        return survey_quarter(app.clock.now(), app.site_rules.callbacks, app.settings.site_timezone)

    def compose(self) -> ComposeResult:
        app = self.desk_app
        team = app.agent.team if app.agent else "default"
        name = t("team.default") if team == "default" else team
        with Horizontal(id="team-header"):
            yield Static(Text(t("team.title", team=name)), classes="section-title")
            yield Static("", id="team-tabs")
        yield Static("", id="team-surveys-summary")
        yield WorkList(
            columns=deadline_columns(app.settings.site_timezone, with_owner=True),
            empty_text=t("team.empty"),
            row_key=lambda row: (row.subject_type, row.subject_id),
            id="team-work",
        )
        yield WorkList(
            columns=survey_columns(),
            empty_text=t("team.survey.empty"),
            row_key=lambda row: row.customer_id,
            id="team-surveys",
        )
        yield FloorView(id="team-floor")
        yield Static("", id="team-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        app = self.desk_app
        team = app.agent.team if app.agent else None
        self.query_one("#team-work", WorkList).set_source(DeadlineSource(app, team=team))
        self.query_one("#team-surveys", WorkList).set_source(
            MissingSurveySource(app, self.quarter())
        )
        self.action_view(self.view)
        self.count_surveys()

    def reopened(self) -> None:
        """F6 again after Esc: the view the lead chose (1-3) stays, its list (or the floor)
        read again with the cursor on the same deadline where it still is; the keys go to
        the view shown."""
        self.action_view(self.view)
        self.call_after_refresh(self.reload)  # once the screen is painted as it was left

    def action_view(self, view: str) -> None:
        if view == "floor" and not self.sees_floor:
            view = "deadlines"
        self.view = view
        deadlines = self.query_one("#team-work", WorkList)
        surveys = self.query_one("#team-surveys", WorkList)
        floor = self.query_one("#team-floor", FloorView)
        deadlines.display = view == "deadlines"
        surveys.display = view == "surveys"
        floor.display = view == "floor"
        self.query_one("#team-detail").display = view != "floor"
        (floor if view == "floor" else surveys if view == "surveys" else deadlines).focus()
        line = Text()
        views = TEAM_VIEWS if self.sees_floor else TEAM_VIEWS[:2]
        for n, name in enumerate(views, start=1):
            label = f" {n} {t(f'team.view.{name}')} "
            line.append(label, style="reverse bold" if name == view else "")
        self.query_one("#team-tabs", Static).update(line)
        if view == "floor":
            self.load_floor()
        else:
            shown = surveys if view == "surveys" else deadlines
            self.query_one("#team-detail", Static).update(self._describe(shown.cursor_row))
        self._show_summary()

    # -- the floor, live (issue 25) ---------------------------------------------------------------

    def load_floor(self) -> None:
        from deskui.services.phone_desk import FloorQuery, read_floor

        run_service(
            self,
            read_floor,
            FloorQuery(self.desk_app.settings.site_timezone),
            done=self.query_one("#team-floor", FloorView).show,
            group="team_floor",
            exclusive=True,
        )

    # -- the survey summary ---------------------------------------------------------------------

    def count_surveys(self) -> None:
        from deskui.services.surveys import MissingSurveys, missing_survey_count

        run_service(
            self,
            missing_survey_count,
            MissingSurveys(self.quarter()),
            done=lambda missing: self.post_message(self.SurveysCounted(missing)),
            group="team_surveys",
            exclusive=True,
        )

    def on_team_screen_surveys_counted(self, message: SurveysCounted) -> None:
        self._missing = message.missing
        self._show_summary()

    def _show_summary(self) -> None:
        if self._missing is None:
            return
        now = self.desk_app.clock.now()
        quarter = self.quarter()
        late = survey_late(now, quarter)
        text = survey_summary(quarter, self._missing, late, survey_days_left(now, quarter))
        if self._missing and self.view != "surveys":
            text += t("team.survey.press")
        summary = self.query_one("#team-surveys-summary", Static)
        summary.update(Text(text))
        summary.set_class(self._missing > 0 and late, "-late")
        summary.set_class(self._missing > 0 and not late, "-pending")

    # -- rows -----------------------------------------------------------------------------------

    def _describe(self, row: Any) -> Text:
        if self.view != "surveys":
            return describe_row(self.desk_app, row)
        text = Text()
        if row is None:
            return text
        text.append(visible(row.customer_name), style="bold")
        text.append(f"  #{row.customer_id}\n")
        text.append(t("team.survey.hint" if self.may_record_survey else "team.survey.hint_agent"))
        return text

    @on(WorkList.CursorMoved)
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        if self.view != "floor" and event.work_list.id == (
            "team-surveys" if self.view == "surveys" else "team-work"
        ):
            self.query_one("#team-detail", Static).update(self._describe(event.row))

    @on(WorkList.RowSelected, "#team-work")
    def open_subject(self, event: WorkList.RowSelected) -> None:
        open_work_item(self.app, event.row)

    @on(WorkList.RowSelected, "#team-surveys")
    def survey_selected(self, event: WorkList.RowSelected) -> None:
        self.action_receive_survey()

    def action_receive_survey(self) -> None:
        if self.view != "surveys":
            self.notify(t("team.survey.where"), severity="warning")
            return
        if not self.may_record_survey:
            self.notify(t("team.survey.error.lead_only"), severity="warning")
            return
        row = self.query_one("#team-surveys", WorkList).cursor_row
        if row is None:
            ring_bell(self)
            return
        from deskui.screens.survey_form import SurveyReceivedModal

        open_modal(self.app, SurveyReceivedModal(row, self.quarter()), self._survey_saved)

    def _survey_saved(self, saved: int | None) -> None:
        if saved:
            self.notify(t("team.survey.saved"), title=t("team.survey.title"))
            self.reload()

    def reload(self) -> None:
        self.query_one("#team-work", WorkList).reload()
        self.query_one("#team-surveys", WorkList).reload()
        self.count_surveys()

    @property
    def watches_calls(self) -> bool:
        """The floor shows every call: the desk reads the feed for each (DeskApp.heard)."""
        return self.view == "floor"

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if self.view == "floor":
            if message.entities & FLOOR_ENTITIES:
                self.load_floor()
            if message.entities <= FLOOR_ENTITIES - {"callback"}:
                return  # a call event: the deadlines and surveys are as they were
        self.reload()
