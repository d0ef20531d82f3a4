"""A lead records a customer's satisfaction survey form as received (顾客满意度调查表, seed
000:2.5.3): who handed it in, when, its overall score and notes. Opened with one key (S or
Enter) on the team view's survey list; the time starts as now."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from deskui.domain.callbacks import SURVEY_SCORES, SurveyQuarter
from deskui.domain.field_limits import input_limit
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import run_service
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost

SURVEY_FIELDS = ("received_from", "received_at", "score", "note")
TIME_FORMAT = "%Y-%m-%d %H:%M"


def parse_received_at(text: str, zone: ZoneInfo) -> datetime | None:
    """`2026-10-08 14:30` (or just the date) in the site's zone."""
    text = text.strip()
    for pattern in (TIME_FORMAT, "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


class SurveyReceivedModal(ModalScreen[int | None]):
    """The received form's facts; returns the new form's id once saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "keys.survey_save", id="survey_save", priority=True),
        Binding("escape", "cancel", "keys.back", id="back"),
    ]

    def __init__(self, row: Any, quarter: SurveyQuarter) -> None:
        super().__init__(id="survey-received")
        localize_bindings(self)
        self.row = row
        self.quarter = quarter
        key = f"{row.customer_id}:{quarter.year}Q{quarter.quarter}"
        self.draft = FormDraft(self, "survey_received", key, title=t("team.survey.form_title"))

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.desk_app.settings.site_timezone)

    def compose(self) -> ComposeResult:
        now = self.desk_app.clock.now().astimezone(self.zone)
        with Vertical(classes="dialog wide"):
            yield Static(t("team.survey.form_title"), classes="dialog-title")
            head = Text(t("team.survey.quarter", year=self.quarter.year, q=self.quarter.quarter))
            head.append("  ")
            head.append(visible(self.row.customer_name), style="bold")
            yield Static(head, classes="hint")
            yield Label(t("team.survey.received_from"), classes="field-label")
            yield FieldInput(
                id="survey-received_from",
                placeholder=t("team.survey.received_from_hint"),
                compact=True,
                max_length=input_limit("received_from"),
            )
            yield Static("", id="err-survey-received_from", classes="field-error")
            yield Label(t("team.survey.received_at"), classes="field-label")
            yield FieldInput(
                now.strftime(TIME_FORMAT),
                id="survey-received_at",
                compact=True,
                max_length=input_limit("received_at"),
            )
            yield Static("", id="err-survey-received_at", classes="field-error")
            yield Label(t("team.survey.score"), classes="field-label")
            yield Select(
                [(t(f"team.survey.scores.s{n}"), str(n)) for n in reversed(SURVEY_SCORES)],
                id="survey-score",
                prompt=t("team.survey.no_score"),
                compact=True,
            )
            yield Static("", id="err-survey-score", classes="field-error")
            yield Label(t("team.survey.note"), classes="field-label")
            yield FieldInput(id="survey-note", compact=True, max_length=input_limit("note"))
            yield Static("", id="err-survey-note", classes="field-error")
            yield Static(t("team.survey.form_hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#survey-received_from", Input).focus()
        self.draft.load()

    @on(Input.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _error(self, name: str, key: str) -> None:
        self.query_one(f"#err-survey-{name}", Static).update(Text(t(key)) if key else "")

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "survey-received_from":
            self.query_one("#survey-received_at", Input).focus()
        elif event.input.id == "survey-received_at":
            self.query_one("#survey-score", Select).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        received_from = self.query_one("#survey-received_from", Input).value
        received_at = parse_received_at(
            self.query_one("#survey-received_at", Input).value, self.zone
        )
        problems: dict[str, str] = {}
        if not received_from.strip():
            problems["received_from"] = "team.survey.error.from_required"
        if received_at is None:
            problems["received_at"] = "team.survey.error.bad_time"
        elif received_at > self.desk_app.clock.now():
            problems["received_at"] = "team.survey.error.future"
        for name in SURVEY_FIELDS:
            self._error(name, problems.get(name, ""))
        if problems:
            self.query_one(f"#survey-{next(iter(problems))}").focus()
            return
        assert received_at is not None
        score = self.query_one("#survey-score", Select).value
        note = self.query_one("#survey-note", Input).value
        self.draft.hold()  # a draft written after the save would come back
        self.save(
            received_from,
            received_at,
            int(str(score)) if score not in (Select.NULL, "") else None,
            note,
        )

    def save(self, received_from: str, received_at: datetime, score: int | None, note: str) -> None:
        from deskui.services.surveys import RecordSurvey, record_survey

        command = RecordSurvey(
            self.row.customer_id,
            self.quarter.year,
            self.quarter.quarter,
            received_from=received_from,
            received_at=received_at,
            score=score,
            note=note,
        )
        run_service(
            self,
            record_survey,
            command,
            done=self.dismiss,
            refused=self._refused,
            trouble=self._trouble,
            draft=self.draft,
            group="survey_save",
            exclusive=True,
        )

    def _refused(self, error: Exception) -> None:
        from deskui.services.errors import Denied

        # a role the permission table refuses hears the store's words for it
        values = getattr(error, "values", None)
        values = values if isinstance(values, dict) else {}
        if isinstance(error, Denied):
            key, values = "team.survey.error.lead_only", {}
        else:
            key = str(getattr(error, "key", error))
        field = str(getattr(error, "field", ""))  # beside the field it names, if the form has it
        name = field if field in SURVEY_FIELDS else "received_from"
        self.query_one(f"#err-survey-{name}", Static).update(Text(t(key, **values)))
        self.draft.resume()

    def _trouble(self, reason: str) -> None:
        self.notify(reason, severity="error")
        self.draft.resume()

    def action_cancel(self) -> None:
        self.draft.discard()  # "Esc cancels" (its hint): the typing goes too
        self.dismiss(None)
