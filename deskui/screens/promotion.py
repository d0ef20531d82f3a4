"""A lead records a promotion period (促销活动期, seed 000:2.5.1.2): name, first and last day.
Generation (G on the coverage view) then plans a special-occasion callback for every customer
ahead of its start, like holidays, birthdays and anniversaries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from deskui.domain.callbacks import promotion_problems
from deskui.domain.field_limits import input_limit
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.runner import run_service
from deskui.screens.visit_request import desk_today, example_day, parse_day, refusal_text
from deskui.widgets.field_input import FieldInput

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost

PROMOTION_FIELDS = ("name", "starts_on", "ends_on")


class PromotionModal(ModalScreen[int | None]):
    """The promotion form; returns the new promotion's id once saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "keys.promotion_save", id="promotion_save", priority=True),
        Binding("escape", "cancel", "keys.back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="promotion")
        localize_bindings(self)
        self.draft = FormDraft(self, "promotion", title=t("callbacks.promotion.title"))

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("callbacks.promotion.title"), classes="dialog-title")
            hints = self._date_hints()
            for name in PROMOTION_FIELDS:
                yield Label(t(f"callbacks.promotion.{name}"), classes="field-label")
                hint = hints.get(name, "")
                yield FieldInput(
                    id=f"promotion-{name}",
                    placeholder=hint,
                    compact=True,
                    max_length=input_limit(name),
                )
                yield Static("", id=f"err-promotion-{name}", classes="field-error")
            yield Static(t("callbacks.promotion.form_hint"), classes="hint")

    def _date_hints(self) -> dict[str, str]:
        """Example days from the desk's own day (its clock, --now included), never a date
        written into the catalog (issue 26: it showed 2026-12-01 in any year): tomorrow, and
        a week after it."""
        first = desk_today(self.desk_app) + timedelta(days=1)
        return {
            "starts_on": first.isoformat(),
            "ends_on": (first + timedelta(days=7)).isoformat(),
        }

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#promotion-name", Input).focus()
        self.draft.load()

    @on(Input.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _value(self, name: str) -> str:
        return self.query_one(f"#promotion-{name}", Input).value

    def _error(self, name: str, key: str) -> None:
        said = t(key, example=example_day(self.desk_app)) if key else ""
        self.query_one(f"#err-promotion-{name}", Static).update(Text(said))

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        order = [f"promotion-{name}" for name in PROMOTION_FIELDS]
        position = order.index(event.input.id or "")
        if position + 1 < len(order):
            self.query_one(f"#{order[position + 1]}", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        starts_on = parse_day(self._value("starts_on"))
        ends_on = parse_day(self._value("ends_on"))
        problems: dict[str, str] = {}
        for problem in promotion_problems(self._value("name"), starts_on, ends_on):
            if problem == "ends_before_start":
                problems.setdefault("ends_on", "callbacks.promotion.error.ends_before_start")
            elif problem == "name":
                problems["name"] = "callbacks.error.required"
            else:
                problems[problem] = "callbacks.error.bad_date"
        for name in PROMOTION_FIELDS:
            self._error(name, problems.get(name, ""))
        if problems:
            self.query_one(f"#promotion-{next(iter(problems))}", Input).focus()
            return
        self.draft.hold()  # a draft written after the save would come back
        self.save(self._value("name"), starts_on, ends_on)

    def save(self, name: str, starts_on: date | None, ends_on: date | None) -> None:
        from deskui.services.callbacks import AddPromotion, add_promotion

        run_service(
            self,
            add_promotion,
            AddPromotion(name, starts_on, ends_on),
            done=self.dismiss,
            refused=self._refused,
            trouble=self._trouble,
            draft=self.draft,
            group="promotion_save",
            exclusive=True,
        )

    def _refused(self, error: Exception) -> None:
        self.query_one("#err-promotion-name", Static).update(Text(refusal_text(error)))
        self.draft.resume()

    def _trouble(self, reason: str) -> None:
        self.notify(reason, severity="error")
        self.draft.resume()

    def action_cancel(self) -> None:
        self.draft.discard()  # "Esc cancels" (its hint): the typing goes too
        self.dismiss(None)
