"""One callback, called through its purpose's script (DESIGN.md 6; seed 000:2.3, 2.4):
convenient? (no: book a time, the callback moves) → the purpose's questions → satisfied /
average / unsatisfied (unsatisfied opens a follow-up ticket owned by the agent).

When the customer or the purpose asks for it, the sales head's confirmation comes first
(seed 000:2.5.2.1): the script waits until it is recorded; a "not now" postpones the call."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from deskui.domain.callbacks import CALLBACK_SCRIPTS, parse_booked_time
from deskui.domain.field_limits import FieldKind, input_limit
from deskui.domain.model import CallbackWay
from deskui.domain.phone import display_number
from deskui.domain.script_flow import ScriptFlow, render, salutation
from deskui.domain.search import visible
from deskui.i18n import current_locale, has_key, t
from deskui.keys import localize_bindings
from deskui.navigation import open_modal, ring_bell
from deskui.screens.booking_slot import SlotOffer, doubt_message, refused_message
from deskui.screens.drafts import FormDraft
from deskui.screens.focus import closed_before_mount
from deskui.screens.guardrail_hits import keep_guardrail_hit
from deskui.screens.host import desk_host
from deskui.screens.occasion_words import occasion_said
from deskui.screens.record_watch import RecordWatch
from deskui.screens.runner import run_service
from deskui.widgets.banner import Banner
from deskui.widgets.field_input import FieldInput
from deskui.widgets.guarded_text import GuardedText
from deskui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from deskui.domain.script_flow import Script
    from deskui.screens.host import DeskHost
    from deskui.services.callbacks import CallbackDetail, CallbackResult
    from deskui.services.errors import Conflict

INPUT_FIELDS = ("feedback", "issue", "booked_at")
CONFIRM_FIELDS = ("sales_head", "sales_note", "postpone_to")
SCRIPTS: dict[str, str] = CALLBACK_SCRIPTS  # the service replays the same script


def script_for(purpose: str, locale: str) -> Script:
    from deskui.scripts import load_script

    return load_script(SCRIPTS.get(purpose, "callback_routine"), locale)


def conduct_problems(notes: GuardedText) -> list[str]:
    """The conduct guardrails of issue 5 on the notes: forbidden phrases found."""
    return [hit.phrase for hit in notes.hits]


class CallbackCallScreen(Screen[None]):
    """The call: the words to read, the answer to pick, the fields to fill, then Ctrl+S."""

    CSS_PATH = "callback_call.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "keys.callback_save", id="callback_save", priority=True),
        Binding("ctrl+n", "next_step", "keys.callback_next", id="callback_next", priority=True),
        Binding("ctrl+b", "back_step", "keys.callback_back", id="callback_back", priority=True),
        Binding(
            "ctrl+r", "prospect", "keys.callback_prospect", id="callback_prospect", priority=True
        ),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class DetailLoaded(Message):
        detail: CallbackDetail

    @dataclass
    class Saved(Message):
        result: CallbackResult | None
        booked: bool

    @dataclass
    class Trouble(Message):
        reason: str
        field: str = ""

    @dataclass
    class Confirmed(Message):
        """The sales head's answer was recorded."""

        confirmed: bool

    def __init__(self, callback_id: int) -> None:
        super().__init__(id="callback-call")
        localize_bindings(self)
        self.callback_id = callback_id
        self.detail: CallbackDetail | None = None
        self.flow: ScriptFlow | None = None
        self.answers: dict[str, object] = {}
        self.confirming = False
        """The sales head's confirmation is asked for first: the script waits."""
        self.sales_answer: str = ""
        self._opened = False
        # the step answers, notes and choices survive a crash (DESIGN.md 5)
        self.draft = FormDraft(
            self,
            "callback_call",
            callback_id,
            trouble=self._draft_trouble,
            title=t("callbacks.title"),
            state=self._draft_state,
            restore_state=self._restore_draft_state,
        )
        self._draft_loaded = False
        self._slots = SlotOffer()  # a refused booked time offers the next allowed one
        self._booked: datetime | None = None
        self._postpone_slots = SlotOffer()
        self.record_watch = RecordWatch(self, "callback", callback_id, "callback", said=self._moved)
        """Another desk reassigning, taking or doing this callback is said (issue 23)."""

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The script's keys wait (shown dimmed) while the sales head's answer is asked."""
        if action in ("next_step", "back_step") and self.confirming:
            return None
        return True

    def compose(self) -> ComposeResult:
        yield Static(t("callbacks.call.loading"), id="call-title", classes="section-title")
        yield Banner(id="call-trouble")
        yield Banner(id="call-moved", classes="-attention")
        with Horizontal(id="call-body"):
            with VerticalScroll(id="confirm-box", can_focus=False):
                yield Static(t("callbacks.confirm.title"), id="confirm-title")
                yield Static(t("callbacks.confirm.why"), id="confirm-why")
                yield Static("", id="confirm-last")
                yield Label(t("callbacks.confirm.sales_head"), classes="field-label")
                yield FieldInput(
                    id="sales_head", compact=True, max_length=input_limit("sales_head")
                )
                yield Static("", id="err-sales_head", classes="field-error")
                yield Label(t("callbacks.confirm.answer"), classes="field-label")
                yield OptionList(
                    Option(t("callbacks.confirm.yes"), id="yes"),
                    Option(t("callbacks.confirm.no"), id="no"),
                    id="sales_answer",
                )
                yield Static("", id="err-sales_answer", classes="field-error")
                yield Label(t("callbacks.confirm.note"), classes="field-label")
                yield FieldInput(
                    id="sales_note",
                    placeholder=t("callbacks.confirm.note_hint"),
                    compact=True,
                    max_length=input_limit("sales_note"),
                )
                yield Static("", id="err-sales_note", classes="field-error")
                with Vertical(id="box-postpone_to", classes="field-box"):
                    yield Label(t("callbacks.confirm.postpone_to"), classes="field-label")
                    yield FieldInput(
                        id="postpone_to",
                        placeholder=t("callbacks.booked_hint"),
                        compact=True,
                        max_length=input_limit("postpone_to"),
                    )
                    yield Static("", id="err-postpone_to", classes="field-error")
                yield Static(t("callbacks.confirm.hint"), id="confirm-hint", classes="hint")
            with VerticalScroll(id="call-script", can_focus=False):
                yield Static("", id="call-progress")
                yield Static("", id="step-title")
                yield Static("", id="step-say")
                yield Static("", id="step-do")
                yield OptionList(id="answer")
                for name in INPUT_FIELDS:
                    with Vertical(id=f"box-{name}", classes="field-box"):
                        yield Label(t(f"callbacks.field.{name}"), classes="field-label")
                        hint = t("callbacks.booked_hint") if name == "booked_at" else ""
                        yield FieldInput(
                            id=name, placeholder=hint, compact=True, max_length=input_limit(name)
                        )
                        yield Static("", id=f"err-{name}", classes="field-error")
                yield Static("", id="step-hint", classes="hint")
            with Vertical(id="call-facts"):
                yield Static("", id="call-customer")
                yield Label(t("callbacks.field.way"), classes="field-label")
                yield Select(
                    [(t(f"callbacks.way.{w}"), w.value) for w in CallbackWay],
                    id="way",
                    allow_blank=False,
                    value=CallbackWay.PHONE.value,
                    compact=True,
                )
                yield Label(t("callbacks.field.notes"), classes="field-label")
                yield GuardedText(
                    id="notes", placeholder=t("callbacks.notes_hint"), kind=FieldKind.NOTE
                )
                yield Static("", id="err-notes", classes="field-error")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.record_watch.start()
        for name in INPUT_FIELDS:
            self.query_one(f"#box-{name}").display = False
        self.query_one("#confirm-box").display = False
        self.query_one("#box-postpone_to").display = False
        self.load_detail()

    # -- loading ------------------------------------------------------------------------------

    def load_detail(self) -> None:
        """The callback's facts; the first time also its `opened` event (the queue's notice)."""
        from deskui.services.callbacks import OpenCallback, open_callback

        app = self.desk_app
        command = OpenCallback(
            self.callback_id,
            mark_opened=app.agent is not None and not self._opened,
            rules=app.site_rules.callbacks,
        )
        run_service(
            self,
            open_callback,
            command,
            done=self._detail_loaded,
            refused=self._refused,
            trouble=self._trouble,
            group="callback_load",
            exclusive=True,
        )

    def _detail_loaded(self, detail: CallbackDetail) -> None:
        self._opened = True
        self.post_message(self.DetailLoaded(detail))

    def _trouble(self, reason: str) -> None:
        self.post_message(self.Trouble(reason))

    def _refused(self, error: Exception, field: str = "", slot_field: str = "") -> None:
        """A refusal in words beside `field` (none: the banner); a refused time beside
        `slot_field`, with the next allowed slot."""
        from deskui.screens.callbacks import refusal_text
        from deskui.services.errors import BookingDoubted, BookingRefused

        if isinstance(error, BookingRefused):
            said = refused_message(error.placement, self.desk_app.settings.site_timezone)
            self.post_message(self.Trouble(said, slot_field))
            return
        if isinstance(error, BookingDoubted):  # the form's own check had no calendar
            app = self.desk_app
            zone = app.settings.site_timezone
            said = doubt_message(error.doubts, error.at, app.clock.now(), zone)
            self.post_message(self.Trouble(said, slot_field))
            return
        self.post_message(self.Trouble(refusal_text(error), field))

    def on_callback_call_screen_detail_loaded(self, message: DetailLoaded) -> None:
        detail = message.detail
        self.detail = detail
        self.flow = ScriptFlow(script_for(detail.purpose, current_locale()))
        self.answers = dict(detail.answers)
        title = Text()
        title.append(t("callbacks.call.title", purpose=t(f"callbacks.purpose.{detail.purpose}")))
        title.append("  ")
        title.append(visible(detail.customer_name))
        self.query_one("#call-title", Static).update(title)
        self.query_one("#call-customer", Static).update(self._facts(detail))
        if detail.way in {w.value for w in CallbackWay}:
            self.query_one("#way", Select).value = detail.way
        self.query_one("#notes", GuardedText).text = detail.notes
        is_open = detail.status in ("pending", "booked")
        if not is_open:
            self.query_one("#step-hint", Static).update(t("callbacks.call.already_done"))
        self.confirming = is_open and not detail.may_start
        self.refresh_bindings()
        self.query_one("#confirm-box").display = self.confirming
        self.query_one("#call-script").display = not self.confirming
        if self.confirming:
            self._show_confirmation(detail)
        else:
            self._show_step()
        if is_open and not self._draft_loaded:
            self._draft_loaded = True
            self.draft.load()  # what was typed and not saved goes over what the callback holds
        elif self._draft_loaded:
            self.draft.saved()  # the script starts after the confirmation: that is the start

    # -- the draft --------------------------------------------------------------------------

    def _draft_state(self) -> dict[str, object]:
        """Beside the fields: the answers picked, the steps walked, the sales head's answer."""
        return {
            "answers": {k: v for k, v in self.answers.items() if isinstance(v, str)},
            "path": list(self.flow.path) if self.flow is not None else [],
            "sales_answer": self.sales_answer,
        }

    def _restore_draft_state(self, state: object) -> None:
        if not isinstance(state, dict):
            return
        answers = state.get("answers")
        if isinstance(answers, dict):
            self.answers.update({str(k): v for k, v in answers.items() if isinstance(v, str)})
        flow = self.flow
        path = state.get("path")
        steps = [str(p) for p in path] if isinstance(path, list) else []
        # a script edited since the draft was written: the call stays at its start
        known = flow is not None and all(p in flow.script.steps for p in steps)
        if flow is not None and known and steps and steps[0] == flow.script.start:
            flow.path = steps
            flow.current_id = steps[-1]
        sales = state.get("sales_answer")
        if self.confirming:
            self.sales_answer = sales if sales in ("yes", "no") else ""
            self._mark_sales_answer()
        elif flow is not None:
            # the fields were filled from the draft: they are this step's answers
            for name in flow.current.requires:
                if name in INPUT_FIELDS:
                    self.answers[name] = self.query_one(f"#{name}", Input).value
            self._show_step()

    @on(Input.Changed)
    def _field_typed(self, event: Input.Changed) -> None:
        """A field said to be missing is typed in: its 必填 goes (it said what to do)."""
        if event.input.id in INPUT_FIELDS and event.value.strip():
            self.query_one(f"#err-{event.input.id}", Static).update("")

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _draft_trouble(self, message: str) -> None:
        self.query_one("#call-trouble", Banner).message = message

    def on_screen_suspend(self) -> None:
        self.draft.flush()  # left within the half second: keep the last keys

    def _facts(self, detail: CallbackDetail) -> Text:
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        text = Text()
        text.append(visible(detail.customer_name), style="bold")
        if detail.unit_number:
            text.append(f"  {visible(detail.unit_number)}")
        text.append("\n")
        if detail.contact_name:
            text.append(f"{t('callbacks.col.contact')}: ")
            text.append(visible(detail.contact_name))
            text.append("\n")
        if detail.phone and not detail.number:  # a caller who is no customer: the name says it
            text.append(f"{t('callbacks.dial')}: ")
            text.append(visible(display_number(detail.phone)), style="bold")
            text.append("\n")
        text.append(f"{t('callbacks.convenient')}: ")
        text.append(visible(detail.convenient_time) or t("callbacks.site_hours"))
        text.append("\n")
        text.append(t("desk.due_at", due=detail.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")))
        if detail.moved_reason:
            from deskui.screens.callbacks import reason_text

            text.append("\n")
            text.append(t("callbacks.moved_because", reason=reason_text(detail.moved_reason)))
        if detail.confirmation != "not_needed":
            text.append("\n")
            text.append(t(f"callbacks.confirm.state.{detail.confirmation}"), style="bold")
            if detail.sales_head and detail.confirmation != "needed":
                text.append(f" ({t('callbacks.confirm.by', head=visible(detail.sales_head))})")
        return text

    # -- the sales head's confirmation before calling (seed 000:2.5.2.1) -------------------------

    def _show_confirmation(self, detail: CallbackDetail) -> None:
        last = Text()
        if detail.confirmation == "declined":
            last.append(t("callbacks.confirm.last_declined", head=visible(detail.sales_head)))
            last.append(visible(detail.sales_note))
        self.query_one("#confirm-last", Static).update(last)
        self.query_one("#sales_head", Input).value = detail.sales_head
        self.query_one("#sales_note", Input).value = ""
        self.sales_answer = ""
        self._mark_sales_answer()
        first = "#sales_answer" if detail.sales_head else "#sales_head"
        self.query_one(first).focus()

    def _mark_sales_answer(self) -> None:
        answers = self.query_one("#sales_answer", OptionList)
        for value in ("yes", "no"):
            label = t(f"callbacks.confirm.{value}")
            picked = "✓ " if self.sales_answer == value else "  "
            answers.replace_option_prompt(value, picked + label)
        self.query_one("#box-postpone_to").display = self.sales_answer == "no"

    @on(OptionList.OptionSelected, "#sales_answer")
    def sales_answer_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        self.sales_answer = event.option.id
        self._mark_sales_answer()
        self.draft.edited()
        self.query_one("#err-sales_answer", Static).update("")
        self.query_one("#sales_note", Input).focus()

    def _confirmation_problems(self) -> tuple[dict[str, str], datetime | None]:
        """Catalog keys by field, and the postponed time when the answer is no."""
        app = self.desk_app
        problems: dict[str, str] = {}
        if not self.query_one("#sales_head", Input).value.strip():
            problems["sales_head"] = "callbacks.error.required"
        if not self.sales_answer:
            problems["sales_answer"] = "callbacks.confirm.pick"
        postpone = None
        if self.sales_answer == "no":
            if not self.query_one("#sales_note", Input).value.strip():
                problems["sales_note"] = "callbacks.error.declined_needs_note"
            text = self.query_one("#postpone_to", Input).value
            if not text.strip():
                problems["postpone_to"] = "callbacks.error.required"
            else:
                now = app.clock.now()
                postpone = parse_booked_time(text, now, app.settings.site_timezone)
                if postpone is None:
                    problems["postpone_to"] = "callbacks.error.bad_time"
                elif postpone <= now:
                    problems["postpone_to"] = "callbacks.error.booked_past"
                else:
                    postpone, refused = self._postpone_slots.check(
                        app, text, postpone, self._convenient()
                    )
                    if refused:
                        problems["postpone_to"] = refused  # already in words, with the slot
        for name in (*CONFIRM_FIELDS, "sales_answer"):
            key = problems.get(name, "")
            said = t(key) if has_key(key) else key
            self.query_one(f"#err-{name}", Static).update(Text(said) if key else "")
        return problems, postpone

    def _confirm_next(self, event: Input.Submitted) -> None:
        """Enter moves down the confirmation form; on its last field it saves."""
        field_id = event.input.id
        if field_id == "sales_head":
            self.query_one("#sales_answer").focus()
        elif field_id == "sales_note" and self.sales_answer == "no":
            self.query_one("#postpone_to", Input).focus()
        else:
            self.action_save()

    def _save_confirmation(self) -> None:
        problems, postpone = self._confirmation_problems()
        if problems:
            name = next(iter(problems))
            self.query_one(f"#{name}").focus()
            return
        self.draft.hold()  # a draft written after the save would come back
        self.save_confirmation(
            self.query_one("#sales_head", Input).value,
            self.sales_answer == "yes",
            self.query_one("#sales_note", Input).value,
            postpone,
        )

    def save_confirmation(
        self, sales_head: str, confirmed: bool, note: str, postpone: datetime | None
    ) -> None:
        from deskui.services.callbacks import RecordSalesConfirmation, record_sales_confirmation

        assert self.detail is not None
        command = RecordSalesConfirmation(
            self.callback_id,
            sales_head=sales_head,
            confirmed=confirmed,
            expected_version=self.detail.version,
            note=note,
            postpone_to=postpone,
            calendar=self.desk_app.calendar,
            doubts_seen=self._postpone_slots.doubts_seen,
        )
        run_service(
            self,
            record_sales_confirmation,
            command,
            done=lambda _: self.post_message(self.Confirmed(confirmed)),
            refused=lambda error: self._refused(error, slot_field="postpone_to"),
            conflict=self._save_conflicted,
            trouble=self._trouble,
            draft=self.draft,
            group="callback_save",
            exclusive=True,
        )

    def on_callback_call_screen_confirmed(self, message: Confirmed) -> None:
        self.draft.saved()
        if message.confirmed:
            self.notify(t("callbacks.confirm.saved_yes"), title=t("callbacks.title"))
            self.load_detail()  # the script starts now
            return
        self.notify(t("callbacks.confirm.saved_no"), title=t("callbacks.title"))
        self.desk_app.leave(self)  # saved: this call goes, wherever the agent is now

    def _values(self) -> dict[str, object]:
        detail = self.detail
        app = self.desk_app
        if detail is None:
            return {}
        locale = current_locale()
        return {
            "salutation": salutation(detail.contact_name, detail.contact_gender, locale),
            "contact_name": detail.contact_name,
            "customer_name": detail.customer_name,
            "unit_number": detail.unit_number,
            "agent_name": app.agent.name if app.agent else "",
            "company": t("callbacks.company"),
            "product": t("callbacks.product"),
            "occasion": occasion_said(detail.occasion),
        }

    # -- the script ---------------------------------------------------------------------------

    def _show_step(self) -> None:
        flow = self.flow
        if flow is None:
            return
        step = flow.current
        self.query_one("#call-progress", Static).update(self._progress(flow))
        self.query_one("#step-title", Static).update(Text(step.title, style="bold"))
        self.query_one("#step-say", Static).update(Text(render(step.say, self._values())))
        self.query_one("#step-do", Static).update(Text(step.do))
        answer = self.query_one("#answer", OptionList)
        answer.clear_options()
        answer.display = bool(step.ask)
        if step.ask:
            for value in step.options:
                label = t(f"callbacks.answer.{value}")
                if self.answers.get(step.ask) == value:
                    label = "✓ " + label
                answer.add_option(Option(label, id=value))
            picked = self.answers.get(step.ask)
            answer.highlighted = step.options.index(picked) if picked in step.options else 0
        for name in INPUT_FIELDS:
            box = self.query_one(f"#box-{name}")
            box.display = name in step.requires
            self.query_one(f"#err-{name}", Static).update("")
            if name in step.requires:
                self.query_one(f"#{name}", Input).value = str(self.answers.get(name) or "")
        hint = ""
        if step.final:
            hint = t("callbacks.call.final_book" if step.id == "book" else "callbacks.call.final")
        self.query_one("#step-hint", Static).update(hint)
        if step.ask:
            answer.focus()
        elif step.requires:
            self.query_one(f"#{step.requires[0]}", Input).focus()
        else:
            self.query_one("#notes", GuardedText).focus()

    def _progress(self, flow: ScriptFlow) -> Text:
        strip = Text()
        for step_id in flow.path:
            step = flow.script.steps[step_id]
            mark = "▶ " if step_id == flow.current_id else "✓ "
            strip.append(
                f"{mark}{step.title}  ", style="bold" if step_id == flow.current_id else ""
            )
        return strip

    def _capture(self) -> None:
        if self.flow is None:
            return
        for name in self.flow.current.requires:
            if name in INPUT_FIELDS:
                self.answers[name] = self.query_one(f"#{name}", Input).value

    def _problems(self) -> dict[str, str]:
        """Missing required fields and a booked time that does not read as a future time."""
        assert self.flow is not None
        problems = {
            name: "callbacks.error.required"
            for name in self.flow.missing(self.answers)
            if name in INPUT_FIELDS
        }
        if "booked_at" in self.flow.current.requires and "booked_at" not in problems:
            app = self.desk_app
            booked = parse_booked_time(
                str(self.answers["booked_at"]), app.clock.now(), app.settings.site_timezone
            )
            if booked is None:
                problems["booked_at"] = "callbacks.error.bad_time"
            elif booked <= app.clock.now():
                problems["booked_at"] = "callbacks.error.booked_past"
            else:
                self._booked, refused = self._slots.check(
                    app, str(self.answers["booked_at"]), booked, self._convenient()
                )
                if refused:
                    problems["booked_at"] = refused  # already in words, with the slot
        for name in INPUT_FIELDS:
            key = problems.get(name, "")
            said = t(key) if has_key(key) else key
            self.query_one(f"#err-{name}", Static).update(Text(said) if key else "")
        return problems

    def _convenient(self) -> list[str]:
        return [self.detail.convenient_time] if self.detail is not None else []

    @on(OptionList.OptionSelected, "#answer")
    def answer_picked(self, event: OptionList.OptionSelected) -> None:
        if self.flow is None or not self.flow.current.ask or event.option.id is None:
            return
        self.answers[self.flow.current.ask] = event.option.id
        self.action_next_step()

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        if self.confirming:
            self._confirm_next(event)
        elif self.flow is not None and self.flow.current.final:
            self.action_save()
        else:
            self.action_next_step()

    def action_next_step(self) -> None:
        flow = self.flow
        if flow is None or self.confirming:
            return
        self._capture()
        problems = self._problems()
        if problems:
            self.query_one(f"#{next(iter(problems))}", Input).focus()
            return
        if flow.current.ask and not self.answers.get(flow.current.ask):
            self.notify(t("callbacks.call.pick_answer"), severity="warning")
            return
        if flow.current.final:
            self.query_one("#step-hint", Static).update(t("callbacks.call.final"))
            return
        flow.advance(self.answers)
        self._show_step()
        self.draft.edited()

    def action_prospect(self) -> None:
        """The contact shows interest in working with us: a prospect, this call its source
        (seed 000:1.4.7)."""
        detail = self.detail
        if detail is None or detail.customer_id is None:  # a number no customer has
            ring_bell(self.app)
            return
        from deskui.screens.relations import mark_prospect
        from deskui.services.callbacks import ContactChoice

        choice = ContactChoice(
            detail.customer_id, detail.customer_name, detail.contact_id, detail.contact_name, ""
        )
        mark_prospect(self, choice, source_callback_id=self.callback_id)

    def action_back_step(self) -> None:
        if self.flow is not None and not self.confirming:
            self._capture()
            self.flow.back()
            self._show_step()
            self.draft.edited()

    # -- saving -------------------------------------------------------------------------------

    def action_save(self) -> None:
        flow = self.flow
        if flow is None or self.detail is None:
            return
        if self.confirming:
            self._save_confirmation()
            return
        self._capture()
        if not flow.done:
            self.query_one("#step-hint", Static).update(t("callbacks.call.finish_script"))
            self.notify(t("callbacks.call.finish_script"), severity="warning")
            return
        if self._problems():
            return
        notes = self.query_one("#notes", GuardedText)
        hits = conduct_problems(notes)
        if hits:
            self.query_one("#err-notes", Static).update(
                Text(t("callbacks.error.conduct", phrases="、".join(hits)))
            )
            notes.focus()
            keep_guardrail_hit(self, "callback.notes", hits)
            return
        refusal = notes.refusal()  # past its limit: said before the save, the text kept
        if refusal is not None:
            self.query_one("#err-notes", Static).update(Text(refusal))
            notes.focus()
            return
        self.query_one("#err-notes", Static).update("")
        way = self.query_one("#way", Select).value
        answers: dict[str, object] = {k: str(v) for k, v in self.answers.items()}
        self.draft.hold()  # a draft written after the save would come back
        if flow.current_id == "book":
            assert self._booked is not None  # _problems checked it, and the calling hours
            self.save_booking(self._booked, answers, notes.text)
        else:
            self.save_result(answers, notes.text, str(way))

    def save_booking(self, booked: datetime, answers: dict[str, object], notes: str) -> None:
        from deskui.services.callbacks import BookCallback, book_callback

        assert self.detail is not None
        version = self.detail.version
        command = BookCallback(
            self.callback_id,
            booked,
            version,
            answers,
            notes,
            self.desk_app.calendar,
            doubts_seen=self._slots.doubts_seen,
        )
        run_service(
            self,
            book_callback,
            command,
            done=lambda _: self.post_message(self.Saved(None, booked=True)),
            refused=lambda error: self._refused(error, "booked_at", "booked_at"),
            conflict=self._save_conflicted,
            trouble=self._trouble,
            draft=self.draft,
            group="callback_save",
            exclusive=True,
        )

    def save_result(self, answers: dict[str, object], notes: str, way: str) -> None:
        from deskui.services.callbacks import RecordCallback, record_callback

        assert self.detail is not None
        command = RecordCallback(
            self.callback_id, answers, self.detail.version, notes, way, current_locale()
        )
        run_service(
            self,
            record_callback,
            command,
            done=lambda result: self.post_message(self.Saved(result, booked=False)),
            refused=self._refused,
            conflict=self._save_conflicted,
            trouble=self._trouble,
            draft=self.draft,
            group="callback_save",
            exclusive=True,
        )

    def on_desk_app_changes_seen(self, message: Any) -> None:
        self.record_watch.changes_seen(message)

    def _moved(self, line: str) -> None:
        """Another desk moved or changed this callback: said in the form, the typing kept."""
        self.query_one("#call-moved", Banner).message = f"{line}。{t('watch.keep_typing')}"

    def _save_conflicted(self, conflict: Conflict) -> None:
        """Another desk saved this callback since the screen loaded it: their version beside
        what this agent typed, which stays in the form (and its draft). No longer this
        agent's (issue 23): who has it now, and nothing to save over."""
        from deskui.screens.conflict import ConflictModal, moved_away_line
        from deskui.services.standing import MovedAway

        self.draft.resume()  # not saved: the typing is kept as a draft again
        if isinstance(conflict, MovedAway):
            self.query_one("#call-moved", Banner).message = moved_away_line(conflict)
        self.query_one("#step-hint", Static).update(t("callbacks.call.conflict"))
        mine, labels, theirs = self._conflict_sides(conflict.theirs)
        zone = self.desk_app.settings.site_timezone

        def decided(keep_mine: bool | None) -> None:
            if keep_mine and self.detail is not None:  # saved over theirs, knowingly
                self.detail = replace(self.detail, version=conflict.version)
                self.action_save()

        view = ConflictModal(replace(conflict, theirs=theirs), mine, labels, zone)
        open_modal(self.app, view, decided)

    def _conflict_sides(
        self, stored: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """What this agent typed or picked, each field's label, and what the other desk
        saved, field by field in words (an answer by its label, not its code)."""

        def said(value: object) -> str:
            key = f"callbacks.answer.{value}"
            return t(key) if value and has_key(key) else str(value or "")

        if self.confirming:
            labels = {
                "sales_head": t("callbacks.confirm.sales_head"),
                "sales_note": t("callbacks.confirm.note"),
            }
            mine = {name: self.query_one(f"#{name}", Input).value for name in labels}
            return mine, labels, {name: stored.get(name, "") for name in labels}
        labels = {}
        if self.flow is not None:
            for step in self.flow.script.steps.values():
                if step.ask and step.ask not in labels:
                    labels[step.ask] = step.title
        labels.update({name: t(f"callbacks.field.{name}") for name in INPUT_FIELDS})
        labels["way"] = t("callbacks.field.way")
        labels["notes"] = t("callbacks.field.notes")
        way = str(self.query_one("#way", Select).value)
        mine = {name: said(self.answers.get(name)) for name in labels}
        mine["way"] = t(f"callbacks.way.{way}")
        mine["notes"] = self.query_one("#notes", GuardedText).text
        theirs = {name: said(stored.get(name)) for name in labels}
        theirs["way"] = t(f"callbacks.way.{stored['way']}") if stored.get("way") else ""
        theirs["notes"] = stored.get("notes", "")
        return mine, labels, theirs

    def on_callback_call_screen_trouble(self, message: Trouble) -> None:
        self.draft.resume()  # not saved: the typing is kept as a draft again
        if message.field:
            self.query_one(f"#err-{message.field}", Static).update(Text(message.reason))
            return
        self.query_one("#call-trouble", Banner).message = t(
            "callbacks.trouble", reason=visible(message.reason)
        )

    def on_callback_call_screen_saved(self, message: Saved) -> None:
        self.draft.saved()
        result = message.result
        if message.booked:
            self.notify(t("callbacks.call.booked"), title=t("callbacks.title"))
        elif result is not None and result.follow_up_ticket_id is not None:
            self.notify(
                t("callbacks.call.follow_up", id=result.follow_up_ticket_id),
                title=t("callbacks.title"),
                severity="warning",
            )
        else:
            self.notify(t("callbacks.call.saved"), title=t("callbacks.title"))
        self.desk_app.leave(self)  # saved: this call goes, wherever the agent is now
