"""From/to on the lead's measures (issue 17): two local days, prefilled with the period shown;
Enter on the first goes to the second, Enter on the second shows those days, Esc goes back.
A bad day, an end before the start or more than a year gets one line, the form stays filled."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.periods import MOST_RANGE_DAYS, RangeProblem, range_problem
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.focus import closed_before_mount
from deskui.widgets.field_input import FieldInput

RANGE_FIELDS = ("from", "to")


def typed_day(text: str) -> date | None:
    """A day typed as 2026-10-01; None when it is not one."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def problem_line(problem: RangeProblem, first_day: date | None, last_day: date | None) -> str:
    if problem is RangeProblem.TOO_LONG and first_day and last_day:
        days = (last_day - first_day).days + 1
        return t("measures.range.error.too_long", most=MOST_RANGE_DAYS, days=days)
    return t(f"measures.range.error.{problem.value}")


class PeriodRangeModal(ModalScreen[tuple[date, date] | None]):
    """The from/to form; returns the first and last day (both shown), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "keys.back", id="back"),
    ]

    def __init__(self, first_day: date, last_day: date) -> None:
        super().__init__(id="period-range")
        localize_bindings(self)
        self.first_day = first_day
        self.last_day = last_day

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("measures.range.title"), classes="dialog-title")
            for name, day in zip(RANGE_FIELDS, (self.first_day, self.last_day), strict=True):
                yield Label(t(f"measures.range.{name}"), classes="field-label")
                yield FieldInput(
                    day.isoformat(),
                    # a filter's day, typed over whole: no record's value is lost (issue 26)
                    select_on_focus=True,
                    id=f"range-{name}",
                    placeholder=t("measures.range.date_hint"),
                    max_length=limit(FieldKind.CODE),
                    compact=True,
                )
                yield Static("", id=f"err-range-{name}", classes="field-error")
            yield Static(t("measures.range.hint", most=MOST_RANGE_DAYS), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#range-from", Input).focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#range-{name}", Input).value

    def _error(self, name: str, line: str) -> None:
        self.query_one(f"#err-range-{name}", Static).update(Text(line))

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "range-from":
            self.query_one("#range-to", Input).focus()
        else:
            self.apply()

    def apply(self) -> None:
        first_day, last_day = typed_day(self._value("from")), typed_day(self._value("to"))
        problem = range_problem(first_day, last_day)
        for name in RANGE_FIELDS:
            self._error(name, "")
        if problem is not None:
            name, why = problem
            self._error(name, problem_line(why, first_day, last_day))
            field = self.query_one(f"#range-{name}", Input)
            field.focus()
            field.select_all()  # the typing stays; the next day typed replaces it
            return
        assert first_day is not None and last_day is not None
        self.dismiss((first_day, last_day))

    def action_cancel(self) -> None:
        self.dismiss(None)
