"""The small form of the department, reception, correspondence and relations screens: each
problem next to its field, the typing kept as a draft until the save succeeds, and the one
way those forms run a service (`save_leg`, on the runner)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Select, Static, TextArea

from deskui.domain.field_limits import input_limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount, focus_first_field
from deskui.screens.host import desk_host
from deskui.screens.runner import Service, denied_line, run_service
from deskui.screens.trouble_text import error_line
from deskui.widgets.field_input import FieldInput
from deskui.widgets.text_area import DeskTextArea

C = TypeVar("C")
R = TypeVar("R")


@dataclass(frozen=True)
class LegField:
    name: str
    label: str
    kind: str = "input"  # input | area | select
    value: str = ""
    placeholder: str = ""
    options: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (label, value)


Submit = Callable[[dict[str, str], "LegFormModal"], None]


class LegFormModal(ModalScreen[bool]):
    """Each problem shows next to its field; the dialog closes only once the save worked."""

    CSS_PATH = "leg_form.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "keys.form_save", id="leg_form_save", priority=True),
        Binding("escape", "cancel", "keys.back", id="leg_form_cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[LegField],
        submit: Submit,
        *,
        draft: str,
        draft_key: object = "",
    ) -> None:
        """`draft` names the form whose typing is kept as a draft (DESIGN.md 5) under
        `draft_key`."""
        super().__init__(classes="leg-form")
        localize_bindings(self)
        self._title = title
        self._fields = tuple(fields)
        self._submit = submit
        self.draft = FormDraft(self, draft, draft_key, trouble=self._draft_trouble, title=title)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog leg-dialog", can_focus=False):
            yield Static(Text(visible(self._title, one_line=True)), classes="dialog-title")
            for spec in self._fields:
                yield Label(spec.label, classes="field-label")
                if spec.kind == "select":
                    yield Select(
                        list(spec.options),
                        value=spec.value or spec.options[0][1],
                        allow_blank=False,
                        id=f"f-{spec.name}",
                        compact=True,
                    )
                elif spec.kind == "area":
                    yield DeskTextArea(
                        spec.value, id=f"f-{spec.name}", soft_wrap=True, tab_behavior="focus"
                    )
                else:
                    yield FieldInput(
                        spec.value,
                        placeholder=spec.placeholder,
                        id=f"f-{spec.name}",
                        compact=True,
                        max_length=input_limit(spec.name),
                    )
                yield Static("", id=f"err-{spec.name}", classes="field-error")
            yield Static("", id="form-trouble", classes="field-error")
            yield Static(t("department.legs.form_hint"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        focus_first_field(self, [spec.name for spec in self._fields])
        self.draft.load()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _draft_trouble(self, message: str) -> None:
        self.query_one("#form-trouble", Static).update(Text(message))

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for spec in self._fields:
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, TextArea):
                out[spec.name] = widget.text
            elif isinstance(widget, Select):
                out[spec.name] = str(widget.value)
            elif isinstance(widget, Input):
                out[spec.name] = widget.value
        return out

    @on(Input.Submitted)
    def action_submit(self) -> None:
        self.show_problems([])
        self.draft.hold()  # a draft written after the save would come back
        self._submit(self.values(), self)

    def show_problems(self, problems: Sequence[FieldProblem], trouble: str = "") -> None:
        for spec in self._fields:
            self.query_one(f"#err-{spec.name}", Static).update("")
        general = Text(visible(trouble)) if trouble else Text("")
        for problem in problems:
            message = Text(t(problem.key, **dict(problem.values)))
            target = self.query(f"#err-{problem.field}")
            if target:
                target.first(Static).update(message)
            else:
                general = message
        self.query_one("#form-trouble", Static).update(general)
        if problems and self.query(f"#f-{problems[0].field}"):
            self.query_one(f"#f-{problems[0].field}").focus()
        if problems or trouble:
            self.draft.resume()  # not saved: the typing is kept as a draft again

    def action_cancel(self) -> None:
        """Esc closes the dialog; what was typed stays a draft, as the hint promises
        ("已填写的内容不会丢失"), and comes back when the same form opens again."""
        self.draft.flush()
        self.dismiss(False)


def save_leg(
    screen: Screen[Any],
    modal: LegFormModal | None,
    service: Service[C, R],
    command: C,
    done: Callable[[R], object],
) -> None:
    """Run `service` on the runner; a refusal goes next to its field and the form stays open
    (without a form: an error notice); success closes the form, then calls `done(result)`."""
    host = desk_host(screen.app)

    def open_form() -> bool:  # the form may be closed while it saved (Esc at once, issue 23)
        return modal is not None and modal in host.screen_stack

    def say(message: str) -> None:
        if modal is not None and open_form():
            modal.show_problems([], message)
        else:
            host.notify(message, severity="error", markup=False)

    def refused(error: Exception) -> None:
        problem = getattr(error, "problem", None)
        if isinstance(problem, FieldProblem):
            if modal is not None and open_form():
                modal.show_problems([problem])
            else:
                say(t(problem.key, **dict(problem.values)))
        elif getattr(error, "action", None) is not None:  # a Denied: who may not do what
            say(denied_line(error))
        else:
            say(t("department.legs.trouble", reason=error_line(error)))

    def conflicted(error: Exception) -> None:  # the ticket is no longer the agent's
        from deskui.screens.conflict import moved_away_line
        from deskui.screens.trouble_text import trouble_line
        from deskui.services.standing import MovedAway

        if isinstance(error, MovedAway):
            say(moved_away_line(error))
        else:
            say(t("department.legs.trouble", reason=trouble_line(error)))

    def saved(result: R) -> None:
        if modal is not None and open_form():
            if host.screen_stack[-1] is modal:
                modal.dismiss(True)
            else:  # under a screen opened while it saved: closed where it is
                host.leave(modal)
        done(result)

    run_service(
        screen,
        service,
        command,
        done=saved,
        refused=refused,
        conflict=conflicted,
        trouble=lambda line: say(t("department.legs.trouble", reason=line)),
        draft=modal.draft if modal is not None else None,
        group="leg_save",
    )


def _write(uow: Any, actor: Any, write: Callable[[Any], None], now: Any) -> None:
    write(uow)
    uow.commit()


def save_in_worker(
    screen: Screen[Any],
    modal: LegFormModal | None,
    write: Callable[[Any], None],
    done: Callable[[], None],
) -> None:
    """The older form of `save_leg` with the store calls written in the screen: kept only
    for the ticket record's "customer told" (another engineer's screen, issue 15) until it
    runs `deskui.services.departments.tell_customer`; then it goes."""
    save_leg(screen, modal, _write, write, lambda _: done())
