"""On-site visit requests (上门回访申请函, seed 000:2.5.4): an agent asks with reason, frequency,
first and end date; a lead or manager approves or rejects with a note; approved visits get
their feedback recorded. Also the lead's agent pick for reassigning a callback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskui.domain.field_limits import input_limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.search import visible
from deskui.domain.visit_life import VISIT_TEXTS, request_problems
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import run_service
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost

VISIT_FIELDS = (
    "reason",
    "frequency",
    "first_date",
    "end_date",
    "confirmation_form",
    "feedback_frequency",
    "feedback_times",
)
"""The request letter's statements (seed 000:2.5.4), in the form's order: Enter moves on."""
VISIT_HINTS = ("confirmation_form", "feedback_frequency", "feedback_times")
"""Fields whose placeholder is an example from the catalog (the dates' come from the clock)."""


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def desk_today(app: DeskHost) -> date:
    """The desk's own day: its clock (--now included) in the site's zone."""
    return app.clock.now().astimezone(ZoneInfo(app.settings.site_timezone)).date()


def example_day(app: DeskHost) -> str:
    """A date to show as an example of how to write one: tomorrow by the desk's clock, never
    a date written into the catalog (issue 26)."""
    return (desk_today(app) + timedelta(days=1)).isoformat()


def refusal_key(error: Exception) -> str:
    """The catalog key of a callback's or a visit's refusal: the store's own, or the lead's
    line when the permission table refuses the role (the words the store says for it)."""
    from deskui.services.errors import Denied

    if isinstance(error, Denied):
        return "callbacks.error.lead_only"
    return str(getattr(error, "key", error))  # every refusal is raised with its catalog key


def refusal_text(error: Exception) -> str:
    """The refusal in words, filled with what it names (a limit, a date)."""
    values = getattr(error, "values", None)
    return t(refusal_key(error), **(values if isinstance(values, dict) else {}))


class VisitRequestModal(ModalScreen[int | None]):
    """The request form; returns the new request's id once saved."""

    DEFAULT_CSS = """
    VisitRequestModal #visit-fields { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "keys.visit_save", id="visit_save", priority=True),
        Binding("escape", "cancel", "keys.back", id="back"),
    ]

    def __init__(self, customer_name: str, customer_id: int, callback_id: int | None) -> None:
        super().__init__(id="visit-request")
        localize_bindings(self)
        self.customer_name = customer_name
        self.customer_id = customer_id
        self.callback_id = callback_id
        self.draft = FormDraft(self, "visit_request", customer_id, title=t("callbacks.visit.title"))

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("callbacks.visit.title"), classes="dialog-title")
            yield Static(Text(visible(self.customer_name)), classes="hint")
            hints = self._date_hints()
            with VerticalScroll(id="visit-fields", can_focus=False):
                for name in VISIT_FIELDS:
                    yield Label(t(f"callbacks.visit.{name}"), classes="field-label")
                    hint = hints.get(name) or (
                        t(f"callbacks.visit.{name}_hint") if name in VISIT_HINTS else ""
                    )
                    yield FieldInput(
                        id=f"visit-{name}",
                        placeholder=hint,
                        compact=True,
                        max_length=VISIT_TEXTS.get(name) or input_limit(name),
                    )
                    yield Static("", id=f"err-visit-{name}", classes="field-error")
            yield Static(t("callbacks.visit.hint"), classes="hint")

    def _date_hints(self) -> dict[str, str]:
        """The example dates from the desk's own day (its clock, --now included), not a date
        written into the catalog (issue 26): tomorrow, and a month after it."""
        first = desk_today(self.desk_app) + timedelta(days=1)
        return {
            "first_date": first.isoformat(),
            "end_date": (first + timedelta(days=30)).isoformat(),
        }

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#visit-reason", Input).focus()
        # focused before its first layout, the field scrolled its label out of sight
        fields = self.query_one("#visit-fields", VerticalScroll)
        self.call_after_refresh(fields.scroll_home, animate=False)
        self.draft.load()

    @on(Input.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next statement, as in the other forms; on the last it submits."""
        order = [f"visit-{name}" for name in VISIT_FIELDS]
        position = order.index(event.input.id or "")
        if position + 1 < len(order):
            self.query_one(f"#{order[position + 1]}", Input).focus()
        else:
            self.action_save()

    def _value(self, name: str) -> str:
        return self.query_one(f"#visit-{name}", Input).value

    def _error(self, name: str, text: str) -> None:
        self.query_one(f"#err-visit-{name}", Static).update(Text(text))

    def _show(self, problems: Sequence[FieldProblem]) -> None:
        """Each problem beside its field (the first one per field), the first field focused."""
        shown: dict[str, str] = {}
        for problem in problems:
            shown.setdefault(problem.field, t(problem.key, **dict(problem.values)))
        for name in VISIT_FIELDS:
            self._error(name, shown.get(name, ""))
        first = next((name for name in VISIT_FIELDS if name in shown), None)
        if first is not None:
            self.query_one(f"#visit-{first}", Input).focus()

    def action_save(self) -> None:
        first = parse_day(self._value("first_date"))
        end = parse_day(self._value("end_date"))
        texts = {name: self._value(name) for name in VISIT_TEXTS}
        problems = request_problems(texts, first, end, desk_today(self.desk_app))
        self._show(problems)
        if problems:
            return
        assert first is not None and end is not None
        self.draft.hold()  # a draft written after the save would come back
        self.save(texts, first, end)

    def save(self, texts: dict[str, str], first: date, end: date) -> None:
        from deskui.services.visits import RequestVisit, request_visit

        command = RequestVisit(
            self.customer_id,
            texts["reason"],
            texts["frequency"],
            first,
            end,
            self.callback_id,
            confirmation_form=texts["confirmation_form"],
            feedback_frequency=texts["feedback_frequency"],
            feedback_times=texts["feedback_times"],
        )
        run_service(
            self,
            request_visit,
            command,
            done=self.dismiss,
            refused=self._refused,
            trouble=self._trouble,
            draft=self.draft,
            group="visit_save",
            exclusive=True,
        )

    def _refused(self, error: Exception) -> None:
        problems = getattr(error, "problems", ())
        if problems:
            self._show(problems)
        else:
            self._error("reason", refusal_text(error))
        self.draft.resume()

    def _trouble(self, reason: str) -> None:
        self.notify(reason, severity="error")
        self.draft.resume()

    def action_cancel(self) -> None:
        self.draft.discard()
        self.dismiss(None)


def visit_statements(row: Any) -> list[tuple[str, str]]:
    """What the request letter states (seed 000:2.5.4) and who asked, as (field, value), in
    the form's order: the decision dialog and the visits view's detail show them alike."""
    return [
        ("reason", row.reason),
        ("frequency", row.frequency),
        ("first_date", row.first_date.isoformat()),
        ("end_date", row.end_date.isoformat()),
        ("confirmation_form", row.confirmation_form),
        ("feedback_frequency", row.feedback_frequency),
        ("feedback_times", row.feedback_times),
        ("requested_by", row.requested_by),
    ]


class VisitDecisionModal(ModalScreen[bool]):
    """A lead approves (Ctrl+Y) or rejects (Ctrl+R) with a note; an approved visit's
    feedback is recorded here too (Ctrl+S)."""

    DEFAULT_CSS = """
    VisitDecisionModal #visit-summary-scroll { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+y", "approve", "keys.visit_approve", id="visit_approve", priority=True),
        Binding("ctrl+r", "reject", "keys.visit_reject", id="visit_reject", priority=True),
        Binding("ctrl+s", "feedback", "keys.visit_feedback", id="visit_feedback", priority=True),
        Binding("escape", "cancel", "keys.back", id="back"),
    ]

    def __init__(self, row: Any, *, lead: bool) -> None:
        super().__init__(id="visit-decision")
        localize_bindings(self)
        self.row = row
        self.lead = lead
        self.draft = FormDraft(
            self, "visit_decision", row.id, title=t("callbacks.visit.decision_title")
        )

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        row = self.row
        with Vertical(classes="dialog wide"):
            yield Static(t("callbacks.visit.decision_title"), classes="dialog-title")
            text = Text()
            text.append(visible(row.customer_name), style="bold")
            text.append(f"  {t(f'callbacks.visit_status.{row.status}')}\n")
            for name, value in visit_statements(row):
                text.append(f"{t(f'callbacks.visit.{name}')}: ")
                text.append(visible(value) or t("callbacks.visit.not_stated"))
                text.append("\n")
            if row.status != "pending":  # what was decided stays in sight (seed 000:2.5.4)
                text.append(f"{t('callbacks.visit.decision_note')}: ")
                text.append(visible(row.decision_note or t("callbacks.visit.no_note")))
                if row.decided_by:
                    text.append(
                        f"  ({t('callbacks.visit.decided_by', name=visible(row.decided_by))})"
                    )
                text.append("\n")
            with VerticalScroll(id="visit-summary-scroll"):  # a long letter scrolls
                yield Static(text, id="visit-summary")
            label = (
                "callbacks.visit.feedback"
                if row.status == "approved"
                else "callbacks.visit.decision_note"
            )
            yield Label(t(label), classes="field-label")
            # reopened, the dialog holds what was saved: the feedback to edit, or the note
            saved = row.feedback if row.status == "approved" else row.decision_note
            yield FieldInput(saved, id="visit-note", compact=True, max_length=input_limit("note"))
            yield Static("", id="err-visit-note", classes="field-error")
            hint = (
                "callbacks.visit.feedback_hint"
                if row.status == "approved"
                else "callbacks.visit.decision_hint"
            )
            yield Static(t(hint), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#visit-note", Input).focus()
        self.draft.load()

    @on(Input.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _error(self, key: str, text: str = "") -> None:
        said = text or (t(key) if key else "")
        self.query_one("#err-visit-note", Static).update(Text(said))

    def action_approve(self) -> None:
        self._decide(True)

    def action_reject(self) -> None:
        self._decide(False)

    def _decide(self, approve: bool) -> None:
        if not self.lead:
            self._error("callbacks.error.lead_only")
            return
        if self.row.status != "pending":
            self._error("callbacks.error.already_decided")
            return
        note = self.query_one("#visit-note", Input).value
        if not approve and not note.strip():
            self._error("callbacks.error.reject_needs_note")
            return
        self.draft.hold()  # a draft written after the save would come back
        self.save(approve, note, feedback=False)

    def action_feedback(self) -> None:
        if self.row.status != "approved":
            self._error("callbacks.error.not_approved")
            return
        note = self.query_one("#visit-note", Input).value
        if not note.strip():
            self._error("callbacks.error.required")
            return
        self.draft.hold()  # a draft written after the save would come back
        self.save(True, note, feedback=True)

    def save(self, approve: bool, note: str, *, feedback: bool) -> None:
        from deskui.services.visits import (
            DecideVisit,
            RecordVisitFeedback,
            decide_visit,
            record_visit_feedback,
        )

        key = (
            "callbacks.visit.feedback_saved"
            if feedback
            else ("callbacks.visit.approved" if approve else "callbacks.visit.rejected")
        )

        def saved(_: None) -> None:
            self.notify(t(key))
            self.dismiss(True)

        if feedback:
            run_service(
                self,
                record_visit_feedback,
                RecordVisitFeedback(self.row.id, note),
                done=saved,
                refused=self._refused,
                trouble=self._trouble,
                draft=self.draft,
                group="visit_decide",
                exclusive=True,
            )
        else:
            run_service(
                self,
                decide_visit,
                DecideVisit(self.row.id, approve, note),
                done=saved,
                refused=self._refused,
                trouble=self._trouble,
                draft=self.draft,
                group="visit_decide",
                exclusive=True,
            )

    def _refused(self, error: Exception) -> None:
        self._error("", refusal_text(error))
        self.draft.resume()

    def _trouble(self, reason: str) -> None:
        self.notify(reason, severity="error")
        self.draft.resume()

    def action_cancel(self) -> None:
        self.draft.discard()
        self.dismiss(False)


class ReassignModal(ModalScreen[int | None]):
    """A lead picks who gets the callback (or the ticket: its own title)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "keys.back", id="back"),
    ]

    def __init__(self, agents: list[Any], title: str | None = None) -> None:
        super().__init__(id="reassign")
        localize_bindings(self)
        self.agents = agents
        self.title_text = title if title is not None else t("callbacks.reassign_title")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(
                *(
                    Option(Text(f"{visible(a.name)}  {t(f'role.{a.role}')}"), id=str(a.id))
                    for a in self.agents
                ),
                id="reassign-agents",
            )

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#reassign-agents", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id) if event.option.id else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
