"""A lead enters the official holiday schedule (or a site's own days) as overrides.

chinese-calendar knows 2004-2026; for a later year the desk works on weekends plus these
overrides until the official schedule is entered here (issue 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from deskui.domain.calendar import DAY_NOTE_LIMIT, day_note_problem
from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.permissions import Action, may
from deskui.domain.refusal import Invalid
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service, run_service
from deskui.screens.trouble_text import error_line
from deskui.services.calendar import CalendarDays, SetCalendarDay, calendar_days, set_calendar_day
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


class CalendarDaysModal(ModalScreen[bool]):
    """Dismisses with True when an override was saved (the app reloads its calendar)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "keys.calendar_save", id="calendar_save", priority=True),
        Binding("escape", "close", "keys.back", id="calendar_back"),
    ]

    @dataclass
    class Loaded(Message):
        days: list[tuple[date, bool, str]]

    @dataclass
    class Failed(Message):
        reason: str

    def __init__(self) -> None:
        super().__init__(id="calendar-days")
        localize_bindings(self)
        self._saved = False
        self.draft = FormDraft(self, "calendar_day", trouble=self._error, title=t("calendar.title"))

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("calendar.title"), classes="dialog-title")
            yield Static(t("calendar.explain"), classes="hint")
            with Horizontal(classes="row"):
                with Vertical(classes="cell"):
                    yield Label(t("calendar.day"))
                    yield FieldInput(
                        placeholder="2027-02-06",
                        id="calendar-day",
                        compact=True,
                        max_length=limit(FieldKind.CODE),
                    )
                with Vertical(classes="cell"):
                    yield Label(t("calendar.kind"))
                    yield Select(
                        [(t("calendar.holiday"), "holiday"), (t("calendar.working"), "working")],
                        value="holiday",
                        allow_blank=False,
                        id="calendar-kind",
                        compact=True,
                    )
            yield Label(t("calendar.note"))
            yield FieldInput(
                placeholder=t("calendar.note_hint"),
                id="calendar-note",
                compact=True,
                max_length=DAY_NOTE_LIMIT,
            )
            yield Static("", id="calendar-error", classes="field-error")
            yield Static(t("calendar.existing"), classes="dialog-title")
            yield OptionList(id="calendar-list")
            yield Static(t("calendar.hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        agent = self.desk_app.agent
        if agent is None or not may(agent.role, Action.EDIT_CALENDAR):
            self._error(t("calendar.lead_only"))
            for field in self.query(Input):
                field.disabled = True
        self.query_one("#calendar-day", Input).focus()
        self.load_days()
        self.draft.load()

    @on(Input.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _error(self, text: str) -> None:
        self.query_one("#calendar-error", Static).update(Text(text))

    @work(thread=True, exclusive=True, group="calendar_days", exit_on_error=False)
    def load_days(self) -> None:
        try:
            days = call_service(self.desk_app, calendar_days, CalendarDays())
        except Exception as error:
            self.post_message(self.Failed(error_line(error)))
            return
        self.post_message(self.Loaded(days))

    def on_calendar_days_modal_loaded(self, message: Loaded) -> None:
        listing = self.query_one("#calendar-list", OptionList)
        listing.clear_options()
        for day, working, note in message.days:
            line = Text(f"{day.isoformat()}  ")
            line.append(t("calendar.working" if working else "calendar.holiday"), style="bold")
            if note:
                line.append(f"  {visible(note)}")
            listing.add_option(Option(line))

    def on_calendar_days_modal_failed(self, message: Failed) -> None:
        self._error(t("app.database_failed", reason=visible(message.reason)))

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        agent = self.desk_app.agent
        if agent is None or not may(agent.role, Action.EDIT_CALENDAR):
            self._error(t("calendar.lead_only"))
            return
        text = self.query_one("#calendar-day", Input).value
        note = self.query_one("#calendar-note", Input).value
        day = parse_day(text)
        if day is None:
            self._error(t("calendar.bad_day", text=visible(text)))
            self.query_one("#calendar-day", Input).focus()
            return
        problem = day_note_problem(note.strip())
        if problem is not None:
            self._error(t(problem.key, **dict(problem.values)))
            self.query_one("#calendar-note", Input).focus()
            return
        working = self.query_one("#calendar-kind", Select).value == "working"
        self._error("")
        self.draft.hold()  # a draft written after the save would come back
        self.save_day(day, working, note.strip())

    def save_day(self, day: date, working: bool, note: str) -> None:
        run_service(
            self,
            set_calendar_day,
            SetCalendarDay(day, working, note),
            done=self._day_saved,
            refused=self._refused,
            trouble=self._save_failed,
            draft=self.draft,
            group="calendar_save",
            exclusive=True,
        )

    def _day_saved(self, _: None) -> None:
        self.draft.saved()
        self._saved = True
        self.load_days()

    def _refused(self, refusal: Exception) -> None:
        """A Denied (the role may no longer edit the calendar) or the note the service
        refused; the form keeps what was typed."""
        self.draft.resume()
        if isinstance(refusal, Invalid):
            self._error(t(refusal.key, **refusal.values))
            return
        self._error(t("calendar.lead_only"))

    def _save_failed(self, line: str) -> None:
        self._error(t("app.database_failed", reason=visible(line)))
        self.draft.resume()

    def action_close(self) -> None:
        self.draft.flush()  # back, not cancel: what was typed is still there next time
        self.dismiss(self._saved)
