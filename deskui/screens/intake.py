"""F2: the incoming call. Caller lookup as the agent types, the customer card and history,
and the problem record (客户问题记录表, seed 002:2.2), saved as a draft on every pause."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from time import perf_counter
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.select import InvalidSelectValueError

from deskui.domain.conduct import flagged_phrases, packaged_conduct
from deskui.domain.field_limits import FieldKind, input_limit
from deskui.domain.field_problem import FieldProblem
from deskui.domain.intake import check_intake, received_day
from deskui.domain.lookup_ahead import LookupAhead
from deskui.domain.model import (
    COMPLAINT_CATEGORIES,
    QUESTION_CATEGORIES,
    Channel,
    Severity,
    TicketKind,
)
from deskui.domain.phone import format_display, load_phone_rules, normalise_phone
from deskui.domain.routing import RoutingRule, propose_department
from deskui.domain.search import Lookup, LookupKind, classify, next_keystrokes, visible
from deskui.domain.work_permissions import WorkChoice, may_choose
from deskui.i18n import current_locale, t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen
from deskui.screens.delivery import deliver
from deskui.screens.focus import ComposedTabOrder, closed_before_mount
from deskui.screens.guardrail_hits import keep_guardrail_hit
from deskui.screens.host import desk_host
from deskui.screens.pending_saves import PendingSave, SaveLanded
from deskui.screens.runner import call_service, inline_database, run_service
from deskui.screens.trouble_text import trouble_line
from deskui.screens.work_columns import said
from deskui.widgets.banner import Banner
from deskui.widgets.field_input import FieldInput
from deskui.widgets.guarded_text import GuardedText
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.phone_input import PhoneInput
from deskui.widgets.ready_text import PreparedText, ReadyText
from deskui.widgets.words_area import WordsArea
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from collections.abc import Callable

    from deskui.screens.host import DeskHost
    from deskui.services.actor import Actor
    from deskui.services.intake import (
        CallerMatch,
        CallersFound,
        CallIntake,
        CustomerCard,
        IntakeReference,
        RecordCall,
        SavedCall,
    )
    from deskui.services.phone_desk import DeskCall

DRAFT_DELAY = 0.5  # seconds after the last key (DESIGN.md 5)
PHONE_EDIT_KEYS = frozenset({"backspace", "delete", "left", "right", "home", "end"})
"""Keys besides characters that edit the phone field: their echo goes before a layout."""
NEW_CONTACT = "__new__"
CARD_FOLLOW_UP = 0.05
"""Seconds after a card is shown that its history and contact choice fill in: after the
frame that paints the card (a frame every 1/60 s)."""
INLINE_BUDGET = 0.015
"""Seconds: a lookup on the UI thread slower than this counts as a slow answer."""
SLOW_ANSWERS_TO_WORKER = 3
"""Slow answers in a row after which the lookups go to a worker: one slow answer (the first
read of a cold file, a passing checkpoint) is not a slow database."""
FAST_ANSWERS_TO_INLINE = 3
"""Fast answers in a row from the worker after which the lookups come back to the UI
thread: the file has warmed up, the lock has gone."""
LOOK_AHEAD_AFTER = 0.03
"""Seconds after a key before its possible next keys are looked up: its frame is painted."""
LOOK_AHEAD_GAP = 0.002
"""Seconds between two look-ahead lookups: a key arriving meanwhile waits for one at most."""
HISTORY_SUMMARY_CELLS = 10
"""Cells the caller history keeps for what each entry was about, on a narrow terminal."""
TEXT_FIELDS = (
    "phone", "new_customer", "new_contact", "email", "fax", "unit", "expectation", "forwarded_on",
)  # fmt: skip
AREA_FIELDS = ("words", "answer")
ERROR_FIELDS = (
    "phone",
    "new_customer",
    "new_contact",
    "email",
    "fax",
    "forwarded_by",
    "forwarded_on",
    "unit",
    "words",
    "expectation",
    "answer",
)
SELECT_FIELDS = ("channel", "kind", "category", "severity", "department", "contact", "forwarded_by")


class CustomerHistorySource:
    """A customer's tickets and callbacks, newest first, for the work list's worker."""

    def __init__(self, app: DeskHost, customer_id: int) -> None:
        self._app = app
        self.customer_id = customer_id

    def count(self) -> int:
        from deskui.services.intake import history_count

        return call_service(self._app, history_count, self.customer_id)

    def rows(self, offset: int, limit: int) -> list[Any]:
        from deskui.services.intake import HistoryPage, history_page

        return call_service(self._app, history_page, HistoryPage(self.customer_id, offset, limit))


@dataclass(frozen=True, slots=True)
class Answer:
    """What one value of the phone field finds, ready to show: found between keystrokes
    (`LookupAhead`), so the key that types this value shows it without a lookup or a render."""

    lookup: Lookup
    matches: list[CallerMatch]
    card: CustomerCard | None
    hint: PreparedText
    card_lines: PreparedText | None


class IntakeScreen(ComposedTabOrder, KeptScreen):
    """One call from the first digit to the saved ticket."""

    CSS_PATH = "intake.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "keys.intake_save", id="intake_save", priority=True),
        Binding("ctrl+d", "save_closed", "keys.intake_close", id="intake_close", priority=True),
        Binding("ctrl+n", "new_call", "keys.intake_new", id="intake_new", priority=True),
        Binding("ctrl+l", "focus_phone", "keys.intake_phone", id="intake_phone"),
        # in the words and the answer the field itself takes Ctrl+J (widgets/words_area.py);
        # here so that help lists it beside the form's keys (no action: the palette has no
        # line to start)
        Binding("ctrl+j", "new_line", "keys.new_line", id="new_line", show=False),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class CallersFound(Message):
        sequence: int
        lookup: Lookup
        matches: list[CallerMatch]
        card: CustomerCard | None = None
        """Loaded in the same worker when a number finds exactly one caller."""
        seconds: float = 0.0
        """How long the lookup took in the worker."""

    @dataclass
    class CardLoaded(Message):
        card: CustomerCard

    @dataclass
    class CallSaved(Message):
        saved: SavedCall
        kind: str

    @dataclass
    class Trouble(Message):
        reason: str

    @dataclass
    class Refused(Message):
        error: Exception

    def __init__(self) -> None:
        super().__init__(id="intake")
        localize_bindings(self)
        self._sequence = 0
        self._card: CustomerCard | None = None
        self._rules: list[RoutingRule] = []
        self._draft_timer: Timer | None = None
        self._pending: CallIntake | None = None
        self._pending_key: str | None = None
        """This form's call in the app's pending saves, once handed there."""
        self._department_touched = False
        self._filling = False
        self._phone_error = False
        self._contacts_of: int | None = -1
        """Whose contacts the contact choice offers (None: only "new contact")."""
        self._inline = True
        """Numbers are looked up on the UI thread until an answer fails or several in a
        row are slow, and again once the worker has answered fast several times in a row."""
        self._slow_answers = 0
        self._fast_answers = 0
        self._ahead: LookupAhead[Answer] = LookupAhead()
        self._draft_waits = False
        """A draft set aside for keys typed before it came: back after the next save."""
        self._new_call_warned = False
        """The first Ctrl+N over unsaved words said so; the next one empties the form."""
        self._unanswered: Lookup | None = None
        """The phone field's lookup sent to the worker and not answered yet."""
        self._ahead_timer: Timer | None = None
        self._layout_wanted: dict[str, bool] = {}
        """Parts of the form to show or hide once the key's echo is painted (`_show_later`)."""
        self._card_on_view = False
        """Whether the card's place shows a caller's card (`_card` may already be None while
        its "pick from the list" waits for the key's echo)."""
        self._forget_wanted: set[str] = set()
        """What a card gone from the form leaves to empty once the key's echo is painted:
        "history", "contacts" (`_forget_later`)."""
        self._layout_planned = False
        self._pick_options: list[CallerMatch] | None = None
        self._card_unit = ""
        """The unit number the card filled in: it goes with the card (issue 13)."""
        self._call: DeskCall | None = None
        """The phone call this form records (issue 25): popped when the agent answered."""
        self._call_waiting: DeskCall | None = None
        """A call popped before the form was mounted: taken once it is."""
        self._errors_shown: set[str] = set()
        """The fields whose error line shows a message (`_show_problems`)."""
        self._calls_taken = 0
        """Calls this form has shown (`take_call`): a reopening followed by a popped call
        leaves the cursor where the call put it."""
        self._fields_ready = False

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    @property
    def presence_subject(self) -> str | None:
        """The customer whose card is shown, as the app's tick reports it (issue 16)."""
        return f"customer:{self._card.customer.id}" if self._card is not None else None

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(t("intake.title"), classes="section-title")
        yield Banner(id="intake-trouble")
        # the fields in the order a call goes (issue 26): the number, the customer's words,
        # kind, severity, the answer; what a call may not need comes after, so a field shown
        # or hidden never moves a Tab stop of the call's own. The history is laid out under
        # the card but composed last: the last Tab stop, never one between number and words
        with Container(id="intake-body"):
            with Vertical(id="caller"):
                yield Label(t("intake.phone"), classes="field-label")
                yield PhoneInput(
                    self.phone_typed,
                    placeholder=t("intake.phone_placeholder"),
                    id="phone",
                    max_length=input_limit("phone"),
                )
                yield ReadyText("", id="phone-hint", classes="hint-line")
                yield Static("", id="err-phone", classes="field-error")
                yield OptionList(id="matches")
                yield ReadyText(t("intake.card_empty"), id="card")
            with VerticalScroll(id="record"):
                with Vertical(classes="cell"):
                    yield Label(t("intake.words"), classes="field-label")
                    yield WordsArea(id="words", soft_wrap=True, tab_behavior="focus")
                    yield Static("", id="err-words", classes="field-error")
                with Horizontal(classes="row"):
                    yield self._select("kind", [(t(f"kind.{k}"), k.value) for k in TicketKind])
                    yield self._select("category", self._categories(TicketKind.QUESTION))
                    yield self._select(
                        "severity", [(t(f"severity.{s}"), s.value) for s in Severity]
                    )
                with Vertical(classes="cell"):
                    yield Label(t("intake.answer"), classes="field-label")
                    # what is said to the customer: the rules of conduct on (seed 000:3.2.1.2)
                    yield GuardedText(id="answer", kind=FieldKind.NOTE, enter_moves=True)
                    yield Static("", id="err-answer", classes="field-error")
                with Vertical(id="new-customer-box", classes="cell"):
                    yield Label(t("intake.new_customer"), classes="field-label")
                    yield FieldInput(
                        id="new_customer",
                        placeholder=t("intake.new_customer_hint"),
                        compact=True,
                        max_length=input_limit("new_customer"),
                    )
                    yield Static("", id="err-new_customer", classes="field-error")
                with Horizontal(classes="row"):
                    yield self._select("contact", [(t("intake.contact_new"), NEW_CONTACT)])
                    with Vertical(classes="cell"):
                        yield Label(t("intake.new_contact"), classes="field-label")
                        yield FieldInput(
                            id="new_contact",
                            placeholder=t("intake.new_contact_hint"),
                            compact=True,
                            max_length=input_limit("new_contact"),
                        )
                        yield Static("", id="err-new_contact", classes="field-error")
                with Horizontal(classes="row"):  # beside the phone (seed 002:2.2.1)
                    yield self._line("email")
                    yield self._line("fax")
                with Horizontal(classes="row"):
                    yield self._line("unit")
                    yield self._line("expectation")
                with Horizontal(classes="row"):
                    yield self._select("channel", [(t(f"channel.{c}"), c.value) for c in Channel])
                    yield self._select("department", [])
                yield Static("", id="department-with", classes="hint-line")
                # seed 000:3.2.2: which department had the complaint, and since when
                with Horizontal(classes="row", id="forward-box"):
                    yield self._select("forwarded_by", [])
                    with Vertical(classes="cell"):
                        yield Label(t("intake.forwarded_on"), classes="field-label")
                        yield FieldInput(
                            id="forwarded_on",
                            placeholder=t("intake.forwarded_on_hint"),
                            compact=True,
                            max_length=input_limit("forwarded_on"),
                        )
                        yield Static("", id="err-forwarded_on", classes="field-error")
                yield Static("", id="err-forwarded_by", classes="field-error")
            yield WorkList(
                columns=self._history_columns(),
                empty_text=t("intake.history_empty"),
                id="history",
            )
        yield KeyFooter()

    def _line(self, name: str) -> Vertical:
        """A one-line field under its label, its message under it."""
        return Vertical(
            Label(t(f"intake.{name}"), classes="field-label"),
            FieldInput(id=name, compact=True, max_length=input_limit(name)),
            Static("", id=f"err-{name}", classes="field-error"),
            classes="cell",
        )

    def _select(self, name: str, options: list[tuple[str, str]]) -> Vertical:
        allow_blank = name in ("department", "forwarded_by")
        select: Select[str] = Select(
            options,
            id=name,
            allow_blank=allow_blank,
            prompt=t("intake.department_none") if name == "department" else t("intake.choose"),
            compact=True,
        )
        box = Vertical(Label(t(f"intake.{name}"), classes="field-label"), select, classes="cell")
        return box

    def _categories(self, kind: TicketKind | str) -> list[tuple[str, str]]:
        pool = COMPLAINT_CATEGORIES if kind == TicketKind.COMPLAINT else QUESTION_CATEGORIES
        return [(t(f"category.{c}"), c.value) for c in pool]

    def _history_columns(self) -> list[Column]:
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        return [
            Column(
                title=t("intake.history_when"),
                width=12,
                cell=lambda row: row.at.astimezone(zone).strftime("%m-%d %H:%M"),
                min_width=11,
            ),
            Column(
                title=t("intake.history_kind"),
                width=6,
                cell=lambda row: t(f"intake.history_{row.kind}"),
                min_width=4,
                drop=2,  # on a narrow terminal the kind and handler leave so the summary shows
            ),
            Column(
                title=t("work.countdown"),
                width=16,
                countdown=lambda row: (row.due_at, row.starts_at, row.paused_at),
                min_width=14,  # "+ 逾期 13h 05m" whole
            ),
            Column(
                title=t("intake.history_handler"),
                width=8,
                cell=lambda row: row.handler,
                min_width=4,
                drop=1,
            ),
            Column(
                title=t("intake.history_summary"),
                width=0,
                cell=lambda row: said(row.kind, row.summary),
                min_width=HISTORY_SUMMARY_CELLS,
            ),
        ]

    @property
    def _hint(self) -> ReadyText:
        return self.query_one("#phone-hint", ReadyText)

    @property
    def _card_view(self) -> ReadyText:
        return self.query_one("#card", ReadyText)

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#matches", OptionList).display = False
        self.query_one("#department-with").display = False
        self._show_forward()
        self._show_problems([])
        self.query_one("#phone", Input).focus()
        # Tab from the number goes to the next field: the form's scroll box and an empty
        # history show no focus, so they are no stops (issue 13)
        self.query_one("#record").can_focus = False
        self.query_one("#history", WorkList).can_focus = False
        agent = self.desk_app.agent
        lead = agent is not None and may_choose(agent.role, WorkChoice.CHOOSE_DEPARTMENT)
        self.query_one("#department", Select).disabled = not lead
        self.load_reference()
        self.call_after_refresh(self._load_phone_rules)  # painted first, then the rules
        self._set_new_customer(True)
        self._fields_ready = True
        call, self._call_waiting = self._call_waiting, None
        if call is not None:  # popped as the screen was built: shown now, the draft after
            self.call_later(self.take_call, call)  # once mounted: the number is looked up

    @work(thread=True, exclusive=True, group="phone_rules", exit_on_error=False)
    def _load_phone_rules(self) -> None:
        """phonenumbers is imported by the first number (deskui/domain/phone.py): here,
        while the agent listens, not in the keystroke of the first digit."""
        load_phone_rules()

    def reopened(self) -> None:
        """F2 to the intake the agent left with Esc: what they left is what its draft holds
        (Esc wrote it), so the fields stay; answers looked up ahead are dropped, the card
        is read again (its counts may have changed), the cursor is in the phone field."""
        self._ahead.forget()
        self._show_problems([])  # an earlier Ctrl+S's: a form built afresh showed none
        self._lay_out()
        if self._card is not None:
            self.load_card(self._card.customer.id)
        taken = self._calls_taken
        # after what follows the reopening in the same turn: a call popped with it puts the
        # cursor in the words itself, and a focus moved twice restyles the form twice
        self.call_later(self._focus_phone_unless_popped, taken)

    def _focus_phone_unless_popped(self, taken: int) -> None:
        if self.is_mounted and self._calls_taken == taken:
            with suppress(NoMatches):  # taken down meanwhile (the app closing)
                self.query_one("#phone", Input).focus()

    # -- reference data and the draft -------------------------------------------------------

    def load_reference(self) -> None:
        from deskui.services.intake import intake_reference

        run_service(
            self,
            intake_reference,
            None,
            done=self._reference_loaded,
            trouble=self._trouble,
            group="intake_load",
            exclusive=True,
        )

    def _trouble(self, reason: str) -> None:
        self.post_message(self.Trouble(reason))

    def _reference_loaded(self, reference: IntakeReference) -> None:
        departments, draft = reference.departments, reference.draft
        self._rules = reference.rules
        zh = current_locale() == "zh-CN"
        named = [(name_zh if zh else name_en, code) for code, name_zh, name_en in departments]
        self.query_one("#department", Select).set_options(named)
        self.query_one("#forwarded_by", Select).set_options(named)
        call = self._call
        if draft and call is not None and not _same_caller(draft, call):
            self._set_aside(draft)  # the agent's earlier typing waits for the popped call
        elif draft and call is None and _anything_typed(self._fields()):
            # keys typed before the draft came (a restart, a call already on the line):
            # what they typed stays as typed, the draft waits until this call is saved
            self._draft_waits = True
            self._set_aside(draft)
        elif draft:
            self._fill(draft)
            self.notify(t("intake.draft_restored"), title=t("intake.title"))
            if call is not None:
                self.take_call(call)  # the same caller's draft: the call goes on it
        self._propose_department()

    def _area(self, name: str) -> TextArea | GuardedText:
        area = self.query_one(f"#{name}")
        assert isinstance(area, TextArea | GuardedText), area
        return area

    def _fields(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for name in TEXT_FIELDS:
            values[name] = self.query_one(f"#{name}", Input).value
        for name in AREA_FIELDS:
            values[name] = self._area(name).text
        for name in SELECT_FIELDS:
            value = self.query_one(f"#{name}", Select).value
            values[name] = None if value is Select.NULL else value
        values["customer_id"] = self._card.customer.id if self._card else None
        values["department_touched"] = self._department_touched
        return values

    def _fill(self, values: dict[str, object]) -> None:
        self._filling = True
        try:
            for name in TEXT_FIELDS:
                self.query_one(f"#{name}", Input).value = str(values.get(name) or "")
            for name in AREA_FIELDS:
                self._area(name).text = str(values.get(name) or "")
            kind = values.get("kind")
            if kind in (TicketKind.QUESTION, TicketKind.COMPLAINT):
                self.query_one("#kind", Select).value = str(kind)
                self.query_one("#category", Select).set_options(self._categories(str(kind)))
            for name in ("channel", "category", "severity", "department", "forwarded_by"):
                value = values.get(name)
                if value:
                    select = self.query_one(f"#{name}", Select)
                    # an option that no longer exists stays unset
                    with suppress(InvalidSelectValueError):
                        select.value = str(value)
            self._department_touched = bool(values.get("department_touched"))
        finally:
            self._filling = False
        customer_id = values.get("customer_id")
        if isinstance(customer_id, int):
            self.load_card(customer_id, contact=values.get("contact"))

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _edited(self, event: Message) -> None:
        if self._filling:
            return
        self._new_call_warned = False  # typed since the warning: Ctrl+N warns again
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft)

    def _save_draft(self) -> None:
        if self.desk_app.agent is None or self.desk_app.database is None:
            return
        if not self.is_attached or not self.display:  # closed, or being pruned: its fields
            return  # may be gone; leaving it wrote its draft (DeskApp.action_pop_screen)
        try:
            values = self._fields()
        except NoMatches:  # taken down with the app, its fields first, the screen still
            return  # attached (answer_to_card.py's desk ended this way as it closed)
        if _anything_typed(values):
            self.save_draft(values)
        else:
            self.discard_draft()  # an emptied form leaves no draft to "restore"

    def save_draft(self, payload: dict[str, object]) -> None:
        from deskui.services.intake import SaveIntakeDraft, save_intake_draft

        run_service(
            self,
            save_intake_draft,
            SaveIntakeDraft(payload),
            done=self._draft_saved,
            trouble=self._trouble,
            group="intake_draft",
            exclusive=True,
        )

    def _draft_saved(self, _: None) -> None:
        if self._pending is None:  # a call still waiting to be saved keeps its banner
            self._clear_trouble()

    # -- caller lookup as the agent types ---------------------------------------------------

    def phone_typed(self, value: str) -> None:
        """Each value of the phone field, synchronously (PhoneInput): a number found on the
        UI thread shows its card in the same frame as the digit that completed it. When the
        value was looked up ahead (between the previous keys), its answer is shown as is."""
        if not self.is_mounted:
            return
        answer = self._ahead.take(value)
        lookup = answer.lookup if answer is not None else classify(value)
        # both lines have a fixed height: no layout of the form per keystroke
        self._hint.update(answer.hint if answer is not None else _hint_text(lookup))
        if self._phone_error:  # typing on clears a stale message
            self._phone_error = False
            self.query_one("#err-phone", Static).update("")
        self._sequence += 1
        self._unanswered = None
        if lookup.kind is LookupKind.NONE:
            self._show_matches([], conclusive=not value.strip())
            if self._card is not None or self._card_on_view:  # (a card whose "pick from the
                self._set_card(None, conclusive=not value.strip())  # list" had not come yet)
        elif answer is not None:
            self._show_found(lookup, answer.matches, answer.card, answer.card_lines)
        else:
            found = self._find_now(lookup)
            if found is not None:
                self._show_found(lookup, *found)
            else:
                self._unanswered = lookup
                self.find_callers(self._sequence, lookup)
        self._plan_look_ahead(value, lookup)

    def _answer_now(self) -> None:
        """The lookup still in the worker, answered here before a key that leaves the phone
        field (typed ahead: a Tab before the answer came). What the form shows next (the
        card, or the new customer's fields) decides where that key and the keys after it
        go, so they go where the same keys pressed one by one would; the worker's answer,
        when it comes, is then an old one."""
        lookup, self._unanswered = self._unanswered, None
        if lookup is None or not self.is_mounted:
            return
        try:
            matches, card = _callers_and_card(partial(call_service, self.desk_app), lookup)
        except Exception:  # the worker's own answer (or its trouble line) follows
            self._unanswered = lookup
            return
        self._sequence += 1  # the worker's answer is for the value, already shown
        self._show_found(lookup, matches, card)

    def _plan_look_ahead(self, value: str, lookup: Lookup) -> None:
        """After this key's frame, answer the values the next key may make, one per step."""
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
            self._ahead_timer = None
        self._ahead.plan(next_keystrokes(value, lookup.kind) if self._answers_inline else ())
        if self._ahead.waiting:
            self._ahead_timer = self.set_timer(LOOK_AHEAD_AFTER, self._look_ahead)

    def _look_ahead(self) -> None:
        value = self._ahead.next_value()
        if value is None or not self.is_mounted:
            self._ahead_timer = None
            return
        started = perf_counter()
        lookup = classify(value)
        found: tuple[list[CallerMatch], CustomerCard | None] | None = ([], None)
        if lookup.kind is not LookupKind.NONE:
            found = self._find_now(lookup, ahead=True)
        if found is None:  # failed, or lookups left the UI thread: each key asks for itself
            self._ahead_timer = None
            return
        matches, card = found
        card_lines = None
        if card is not None:
            card_lines = self._card_view.prepare(card_text(card))
        hint = self._hint.prepare(_hint_text(lookup))
        self._ahead.keep(value, Answer(lookup, matches, card, hint, card_lines))
        if perf_counter() - started > INLINE_BUDGET:  # the UI thread was held: no more
            self._ahead_timer = None  # until the next key
            return
        self._ahead_timer = self.set_timer(LOOK_AHEAD_GAP, self._look_ahead)

    @property
    def _answers_inline(self) -> bool:
        """Whether numbers are looked up on the UI thread now: an embedded database that has
        not been slow or failing (a server database always answers in a worker)."""
        database = self.desk_app.database
        return self._inline and database is not None and database.is_sqlite

    def on_desk_app_changes_seen(self, message: Any) -> None:
        """Another desk (or this one) wrote: what was looked up ahead may be out of date."""
        self._ahead.forget()

    def _find_now(
        self, lookup: Lookup, *, ahead: bool = False
    ) -> tuple[list[CallerMatch], CustomerCard | None] | None:
        """A number's lookup and card on the UI thread, when that is measured to be fast.

        An embedded database answers an indexed number or last-digits lookup and the card
        in well under a millisecond at a million customers (benchmarks/lookup.py), so the
        card is painted in the same frame as the digit that completed the number. A name
        lookup, a server database, a busy file or a slow answer go to a worker instead
        (after a failure or a run of slow answers, until the worker answers fast again).
        Lookups `ahead` of the keys leave that measure alone: a cold file makes them slow
        ten at a time, and the look-ahead stops by itself."""
        database = inline_database(self.desk_app)
        if not self._answers_inline or lookup.kind is LookupKind.NAME or database is None:
            return None
        actor = self.desk_app.actor
        if actor is None:
            return None
        from deskui.services.intake import read_now

        started = perf_counter()
        now = self.desk_app.clock.now()
        try:
            found = _callers_and_card(partial(read_now, database, actor, now=now), lookup)
        except Exception:  # busy or gone: the worker says so on the banner and retries
            if not ahead:
                self._inline = False
            return None
        if ahead:
            return found
        if perf_counter() - started > INLINE_BUDGET:
            self._slow_answers += 1
            self._inline = self._slow_answers < SLOW_ANSWERS_TO_WORKER
        else:
            self._slow_answers = 0
        return found

    @work(thread=True, exclusive=True, group="intake_lookup", exit_on_error=False)
    def find_callers(self, sequence: int, lookup: Lookup) -> None:
        started = perf_counter()
        try:
            matches, card = _callers_and_card(partial(call_service, self.desk_app), lookup)
        except Exception as error:
            self.post_message(self.Trouble(trouble_line(error)))
            return
        seconds = perf_counter() - started
        self.post_message(self.CallersFound(sequence, lookup, matches, card, seconds))

    def on_intake_screen_callers_found(self, message: CallersFound) -> None:
        if not self._inline and message.lookup.kind is not LookupKind.NAME:
            self._worker_answered(message.seconds)
        if message.sequence != self._sequence:
            return  # the agent typed on (or a key took the answer itself): an older answer
        self._unanswered = None
        self._show_found(message.lookup, message.matches, message.card)

    def _worker_answered(self, seconds: float) -> None:
        """A run of fast answers in the worker brings the lookups back to the UI thread."""
        if seconds > INLINE_BUDGET:
            self._fast_answers = 0
            return
        self._fast_answers += 1
        if self._fast_answers >= FAST_ANSWERS_TO_INLINE:
            self._inline = True
            self._slow_answers = self._fast_answers = 0

    def _show_found(
        self,
        lookup: Lookup,
        matches: list[CallerMatch],
        card: CustomerCard | None,
        card_lines: PreparedText | None = None,
    ) -> None:
        # a complete number or a name that finds nobody is a new customer; last digits
        # that find nobody yet are a number still being typed
        conclusive = lookup.kind is not LookupKind.DIGITS
        self._show_matches(matches, conclusive=conclusive, by_name=lookup.kind is LookupKind.NAME)
        if card is not None:
            self._set_card(card, card_lines=card_lines)
        elif len(matches) == 1 and lookup.kind is not LookupKind.NAME:
            self.load_card(matches[0].customer_id)
        elif not matches:
            self._set_card(None, conclusive=conclusive)

    def _show_matches(
        self, matches: list[CallerMatch], *, conclusive: bool = True, by_name: bool = False
    ) -> None:
        """A pick list for several callers, or for one found by name (a name is no proof)."""
        several = len(matches) > 1 or (len(matches) == 1 and by_name)
        if several:
            self._pick_options = matches
            # no card now (the card says to pick from the list as the list shows): set before
            # the list is planned, which is done at once when the field has no focus; what
            # the card brought goes with it, its contact and unit as well as its history
            self._card = None
            self._show_later("#matches", True)
            self._forget_later("history", *(("contacts",) if self._contacts_of else ()))
            self._set_new_customer(False)
            return
        self._show_later("#matches", False)
        if not matches and self._card is None:
            self._set_new_customer(conclusive)

    def _show_later(self, selector: str, shown: bool) -> None:
        """Show or hide a part of the form (the pick list, the new customer's fields) a
        frame after the key's echo (issue 27): each change lays the whole form out again
        (7-12 ms), which held back the echo of the 4th and 7th digit. A caller's card, of a
        fixed size, still comes in the key's own frame; the card's "pick from the list"
        comes with the list."""
        self._layout_wanted[selector] = shown
        self._plan_lay_out()

    def _forget_later(self, *parts: str) -> None:
        """Empty the history and the contact choice of a card no longer shown a frame after
        the key's echo, as `_show_later` does (issue 27): emptied in the keystroke that
        took the card away (a 5th digit after a 4th that found one caller), they held its
        echo back 7-14 ms. Done only if no card came back meanwhile."""
        self._forget_wanted.update(parts)
        self._plan_lay_out()

    def _plan_lay_out(self) -> None:
        if self.is_mounted and not self.query_one("#phone", Input).has_focus:
            self._lay_out()  # no echo to wait for (an answer that came after a Tab): now
            return
        if not self._layout_planned:
            self._layout_planned = True
            self.call_after_refresh(self._lay_out)

    @property
    def _after_echo_waits(self) -> bool:
        """Whether something waits for the key's echo to be painted (`_lay_out` does it)."""
        return bool(self._layout_wanted or self._forget_wanted)

    def _lay_out(self) -> None:
        """What `_show_later` and `_forget_later` planned (at once, when a key needs it)."""
        self._layout_planned = False
        wanted, self._layout_wanted = self._layout_wanted, {}
        forget, self._forget_wanted = self._forget_wanted, set()
        if not self.is_mounted:
            return
        if self._card is None:  # a card that came back since brings its own (follow-up)
            if "history" in forget:
                self._history_shown(None)
            if "contacts" in forget:
                self._card_contacts(None, None)
        options, self._pick_options = self._pick_options, None
        if options is not None and wanted.get("#matches"):
            self._fill_pick_list(options)
            if self._card is None:
                self._card_view.update(t("intake.card_pick", count=len(options)))
                self._card_on_view = False
        for selector, shown in wanted.items():
            widget = self.query_one(selector)
            if widget.display != shown:  # setting it again would lay the form out again
                widget.display = shown

    def _fill_pick_list(self, matches: list[CallerMatch]) -> None:
        # a hidden list keeps its old options (refilled before it shows): clearing it
        # would lay the whole form out again for nothing
        option_list = self.query_one("#matches", OptionList)
        option_list.clear_options()
        for match in matches:
            line = Text()
            line.append(visible(match.name), style="bold")
            if match.contact_name:
                line.append(f"  {visible(match.contact_name)}")
            if match.phone_e164:
                line.append(f"  {format_display(match.phone_e164)}")
            if match.unit_number:
                line.append(f"  {visible(match.unit_number)}")
            option_list.add_option(Option(line, id=str(match.customer_id)))

    def on_key(self, event: events.Key) -> None:
        """↑/↓ in the phone field go to the pick list the card tells the agent to use.

        A key other than one typed into the phone field (Tab first) finds the form laid out
        as the keys before it left it: typed ahead, a Tab came before the frame that shows
        the new customer's fields and went past them (issue 23)."""
        phone = self.query_one("#phone", Input)
        editing = phone.has_focus and (event.is_printable or event.key in PHONE_EDIT_KEYS)
        if self._unanswered is not None and not editing:
            self._answer_now()
        if self._after_echo_waits and not editing:
            self._lay_out()
        if event.key == "enter" and isinstance(self.focused, Input | Select):
            # Enter goes on to the next field, as in the words (issue 26): a choice opens
            # with Space or an arrow, so an Enter pressed twice never leaves a list open
            # to swallow the keys typed after it. Not from an empty number: an Enter or
            # two after a save (its own key pressed twice) would send the next caller's
            # digits into the kind and the words; Tab still goes on without a number
            event.stop()
            event.prevent_default()
            if not (phone.has_focus and not phone.value):
                self.focus_next()
            return
        if event.key not in ("down", "up") or not phone.has_focus:
            return
        self._lay_out()  # the list the last key showed, even if its frame has not come
        matches = self.query_one("#matches", OptionList)
        if matches.display and matches.option_count:
            event.stop()
            matches.focus()
            matches.highlighted = 0 if event.key == "down" else matches.option_count - 1

    @on(OptionList.OptionSelected, "#matches")
    def caller_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.load_card(int(event.option.id))
            self._layout_wanted.pop("#matches", None)
            self.query_one("#matches", OptionList).display = False
            self.query_one("#words", TextArea).focus()

    def load_card(self, customer_id: int, contact: object = None) -> None:
        from deskui.services.intake import customer_card

        run_service(
            self,
            customer_card,
            customer_id,
            done=lambda card: self._set_card(card, contact),
            trouble=self._trouble,
            group="intake_card",
            exclusive=True,
        )

    def _set_card(
        self,
        card: CustomerCard | None,
        contact: object = None,
        *,
        conclusive: bool = True,
        card_lines: PreparedText | None = None,
    ) -> None:
        """Show the card (it has a fixed height: no layout; `card_lines` when it was rendered
        ahead), then, after it is on screen, what depends on it: the history, the contact
        choice, the unit number."""
        self._card = card
        self._card_on_view = card is not None
        if card is None:
            if not self.query_one("#phone", Input).value.strip():
                text = t("intake.card_empty")  # nothing looked up (a new call, a cleared field)
            else:
                text = t("intake.card_new") if conclusive else t("intake.card_typing")
            self._card_view.update(text)
            if self._contacts_of is not None:  # only once per card: each is a relayout
                self._forget_later("history", "contacts")
            self._set_new_customer(conclusive)
            return
        self._set_new_customer(False)
        self._card_view.update(card_lines or card_text(card))
        # the history and the contact choice (each a layout of the form) follow the card's
        # own frame instead of holding it back
        self.set_timer(CARD_FOLLOW_UP, partial(self._card_follow_up, card, contact))

    def _card_follow_up(self, card: CustomerCard, contact: object) -> None:
        if card is not self._card:
            return  # another card (or none) came in the meantime
        self._history_shown(CustomerHistorySource(self.desk_app, card.customer.id))
        self._card_contacts(card, contact)

    def _history_shown(self, source: CustomerHistorySource | None) -> None:
        history = self.query_one("#history", WorkList)
        history.set_source(source)
        history.can_focus = source is not None

    def _card_contacts(self, card: CustomerCard | None, contact: object) -> None:
        contacts = self.query_one("#contact", Select)
        self._contacts_of = card.customer.id if card else None
        if card is None:
            contacts.set_options([(t("intake.contact_new"), NEW_CONTACT)])
            contacts.value = NEW_CONTACT
            unit = self.query_one("#unit", Input)
            if self._card_unit and unit.value == self._card_unit:
                unit.value = ""  # the card's unit number, not one the agent typed
            self._card_unit = ""
            return
        options = [(visible(c.name), str(c.id)) for c in card.customer.contacts]
        options.append((t("intake.contact_new"), NEW_CONTACT))
        self._filling = True
        contacts.set_options(options)
        wanted = str(contact) if contact else (options[0][1] if options else NEW_CONTACT)
        contacts.value = wanted if any(v == wanted for _, v in options) else NEW_CONTACT
        unit = self.query_one("#unit", Input)
        if not unit.value or unit.value == self._card_unit:
            unit.value = self._card_unit = card.customer.unit_number
        self._filling = False

    def _set_new_customer(self, new: bool) -> None:
        self._show_later("#new-customer-box", new)

    # -- the record -------------------------------------------------------------------------

    @on(Select.Changed, "#kind")
    def kind_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        category = self.query_one("#category", Select)
        keep = category.value
        options = self._categories(str(event.value))
        category.set_options(options)
        if any(value == keep for _, value in options):
            category.value = keep
        else:
            category.value = options[0][1]
        self._propose_department()

    @on(Select.Changed, "#channel")
    def channel_changed(self, event: Select.Changed) -> None:
        self._show_forward()

    def _show_forward(self) -> None:
        """The department and its receipt day are asked only for a forwarded complaint."""
        forwarded = self.query_one("#channel", Select).value == Channel.DEPARTMENT
        box = self.query_one("#forward-box")
        if box.display != forwarded:
            box.display = forwarded
            self.query_one("#err-forwarded_by").display = forwarded

    @on(Select.Changed, "#category")
    def category_changed(self, event: Select.Changed) -> None:
        self._propose_department()

    @on(Select.Changed, "#department")
    def department_changed(self, event: Select.Changed) -> None:
        if not self._filling and event.select.has_focus:
            self._department_touched = True

    @on(Select.Changed, "#contact")
    def contact_changed(self, event: Select.Changed) -> None:
        new = event.value == NEW_CONTACT
        self.query_one("#new_contact", Input).disabled = not new

    def _propose_department(self) -> None:
        """seed 002:2.3.2, 2.4.2: routing proposes, a lead may change it."""
        if self._department_touched or not self._rules:
            return
        kind = self.query_one("#kind", Select).value
        category = self.query_one("#category", Select).value
        if kind is Select.NULL or category is Select.NULL:
            return
        rule = propose_department(str(kind), str(category), self._rules)
        # seed 002:2.4.2: some work is done by two departments together (product complaints)
        together = (
            "、".join(t(f"complaint.department.{code}") for code in rule.also) if rule else ""
        )
        hint = self.query_one("#department-with", Static)
        hint.update(t("intake.department_with", departments=together) if together else "")
        hint.display = bool(together)
        department = self.query_one("#department", Select)
        self._filling = True
        try:
            department.value = rule.department if rule else Select.NULL
        except InvalidSelectValueError:
            department.value = Select.NULL
        finally:
            self._filling = False

    # -- a call popped by the phone (issue 25) ------------------------------------------------

    @property
    def call(self) -> DeskCall | None:
        """The phone call this form records, when the phone popped it."""
        return self._call

    def take_call(self, call: DeskCall) -> None:
        """The agent answered `call`: the form shows its caller. What the form held for
        another caller is set aside as a draft and comes back once this call is saved."""
        if not self._fields_ready or not self.is_mounted:  # its fields are not there yet
            self._call_waiting = call
            return
        values = self._fields()
        typed = _anything_typed(values)
        if typed and not _same_caller(values, call):
            self._set_aside(values)
            self._reset()
        self._call = call
        self._calls_taken += 1
        if call.sees_number and call.number:
            lookup = classify(call.number)
            number = call.number
            if lookup.kind is LookupKind.PHONE and lookup.phone.e164:
                shown = format_display(lookup.phone.e164)
                number = "".join(ch for ch in shown if ch.isdigit())
            phone = self.query_one("#phone", Input)
            if classify(phone.value).phone.e164 != lookup.phone.e164 or not phone.value:
                if call.found is not None:  # read with the call: shown as the field fills
                    hint = self._hint.prepare(_hint_text(classify(number)))
                    found = Answer(lookup, call.found.matches, call.found.card, hint, None)
                    self._ahead.keep(number, found)
                phone.value = number  # the lookup and the card follow, as for typed digits
        elif call.customer_id is not None:
            self.load_card(call.customer_id)  # a masked reader: the card, not the number
        self.query_one("#words", TextArea).focus()  # the caller is known: what they say

    def _aside_due(self) -> bool:
        """Whether a form set aside comes back once this one leaves (saved or Ctrl+N): a
        popped call's, or the draft that came after the agent typed."""
        due = self._call is not None or self._draft_waits
        self._draft_waits = False
        return due

    def _set_aside(self, values: dict[str, object]) -> None:
        from deskui.services.phone_desk import set_intake_aside

        self.notify(t("intake.set_aside"), title=t("intake.title"))
        run_service(
            self,
            set_intake_aside,
            dict(values),
            done=lambda _: None,
            trouble=self._trouble,
            group="intake_aside",
        )

    def _bring_back_aside(self) -> None:
        """After a popped call: the typing set aside for it comes back (and is the form's
        draft again)."""
        from deskui.services.phone_desk import take_intake_aside

        if self.desk_app.agent is None or self.desk_app.database is None:
            return
        run_service(
            self,
            take_intake_aside,
            None,
            done=self._aside_back,
            trouble=self._trouble,
            group="intake_aside",
        )

    def _aside_back(self, values: dict[str, object] | None) -> None:
        if not values:
            return
        if self._call is not None:  # another call popped meanwhile: it waits for that one
            self._set_aside(values)
            return
        self._fill(values)
        self.notify(t("intake.aside_restored"), title=t("intake.title"))

    def action_focus_phone(self) -> None:
        self.query_one("#phone", Input).focus()

    def action_save(self) -> None:
        self._submit(close_now=False)

    def action_save_closed(self) -> None:
        self._submit(close_now=True)

    def _submit(self, *, close_now: bool) -> None:
        if self._after_echo_waits:  # a save in the same burst as the key that took a card
            self._lay_out()  # away: its contact and unit go first, as the form will show
        values = self._fields()
        kind = str(values["kind"] or "")
        forwarded = values["channel"] == Channel.DEPARTMENT
        answer = str(values["answer"])
        flagged = tuple(flagged_phrases(packaged_conduct(current_locale()), answer))
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        problems = check_intake(
            # once a card is shown the field may hold the last digits or the name it was
            # found by: only a caller still to be filed needs a whole number there
            phone=str(values["phone"]) if self._card is None else "",
            customer_known=self._card is not None,
            new_customer_name=str(values["new_customer"]),
            customer_words=str(values["words"]),
            expectation=str(values["expectation"]),
            unit_number=str(values["unit"]),
            new_contact_name=str(values["new_contact"]),
            close_now=close_now,
            answer=str(values["answer"]),
            answer_flagged=flagged,
            kind=kind,
            forwarded=forwarded,
            forwarded_by=str(values["forwarded_by"] or ""),
            forwarded_on=str(values["forwarded_on"]),
            today=self.desk_app.clock.now().astimezone(zone).date(),
            email=str(values["email"]),
            fax=str(values["fax"]),
        )
        self._show_problems(problems)
        if problems:
            self.query_one(f"#{problems[0].field}").focus()
            self.notify(t("intake.fix_fields", count=len(problems)), severity="error")
            if any(p.key == "intake.error.conduct" for p in problems):
                keep_guardrail_hit(self, "intake.answer", flagged)
            return
        from deskui.services.intake import CallIntake

        lookup = classify(str(values["phone"]))
        fax = normalise_phone(str(values["fax"]))
        contact = values["contact"]
        intake = CallIntake(
            kind=kind,
            category=str(values["category"]),
            channel=str(values["channel"]),
            severity=str(values["severity"]),
            customer_words=str(values["words"]),
            expectation=str(values["expectation"]),
            unit_number=str(values["unit"]),
            caller_phone=lookup.phone.e164 or "",
            caller_extension=(lookup.phone.extension or "") if lookup.phone.e164 else "",
            customer_id=self._card.customer.id if self._card else None,
            contact_id=int(str(contact)) if contact and contact != NEW_CONTACT else None,
            new_customer_name=str(values["new_customer"]),
            new_contact_name=str(values["new_contact"]) if contact == NEW_CONTACT else "",
            department_code=str(values["department"]) if values["department"] else None,
            answer=str(values["answer"]),
            close_now=close_now,
            forwarded_by=str(values["forwarded_by"]) if forwarded else None,
            received_by_department_on=(
                received_day(str(values["forwarded_on"])) if forwarded else None
            ),
            caller_email=str(values["email"]).strip(),
            caller_fax=fax.e164 or "",
        )
        self._pending = intake
        if self._draft_timer is not None:
            self._draft_timer.stop()  # a draft written after the save would come back
        self.save_call(intake)

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        # only the lines that show a message are emptied: each update lays the form out
        # again, and a reopened form (a popped call) had a dozen to empty for nothing
        for name in self._errors_shown:
            self.query_one(f"#err-{name}", Static).update("")
        self._errors_shown = set()
        for problem in problems:
            self.query_one(f"#err-{problem.field}", Static).update(
                Text(t(problem.key, **dict(problem.values)))
            )
            self._errors_shown.add(problem.field)
        self._phone_error = any(problem.field == "phone" for problem in problems)
        if any(problem.field in ("new_customer", "new_contact") for problem in problems):
            self._set_new_customer(True)  # the message stands by a field the agent can see

    @work(thread=True, exclusive=True, group="intake_save", exit_on_error=False)
    def save_call(self, intake: CallIntake) -> None:
        # call_service in a worker of its own rather than run_service: a database fault is
        # handed to the app's pending saves, which needs the fault itself, not its line
        from deskui.services.errors import REFUSALS, is_database_fault
        from deskui.services.intake import record_call

        app = self.desk_app
        actor, now = app.actor, app.clock.now()
        try:
            saved = call_service(app, record_call, self._command(intake), actor=actor, now=now)
        except REFUSALS as error:  # the service's own checks: the form stays as typed
            self.post_message(self.Refused(error))
            return
        except Exception as error:
            self.post_message(self.Trouble(trouble_line(error)))
            if actor is not None and is_database_fault(error):  # the app retries it,
                deliver(self, self._queue_save, intake, actor, now)  # whatever screen is open
            return
        self.post_message(self.CallSaved(saved, intake.kind))

    def _command(self, intake: CallIntake) -> RecordCall:
        from deskui.services.intake import RecordCall

        call = self._call
        popped = call.call_id if call is not None and not call.from_log else None
        return RecordCall(
            intake, current_locale(), self.desk_app.settings.site_timezone, call=popped
        )

    def on_intake_screen_refused(self, message: Refused) -> None:
        """The service refused what the form let through (issue 24): each problem beside
        its field where the form has one, the first in a notice."""
        error = message.error
        problems = list(getattr(error, "problems", ()))
        self._show_problems([p for p in problems if p.field in ERROR_FIELDS])
        key = str(getattr(error, "key", "")) or "trouble.unknown"
        values = dict(getattr(error, "values", {}))
        self.notify(t(key, **values), title=t("intake.title"), severity="error")

    def _queue_save(self, intake: CallIntake, actor: Actor, now: datetime) -> None:
        from deskui.services.intake import record_queued_call

        pending = self.desk_app.pending_saves
        self._pending_key = self._pending_key or pending.new_key("intake")
        label = t("intake.pending_label", words=" ".join(intake.customer_words.split())[:30])
        pending.add(
            PendingSave(
                self._pending_key,
                "intake",
                label,
                record_queued_call,
                self._command(intake),
                actor,
                now,
                intake.customer_words,
            )
        )

    def on_save_landed(self, message: SaveLanded) -> None:
        """A call this form handed to the app's queue is saved: the form starts afresh if it
        still shows that call (this screen or a later one restored from its draft)."""
        save = message.save
        if save.kind != "intake":
            return
        same_words = str(self._fields()["words"]).strip() == save.typed.strip()
        if save.key != self._pending_key and not same_words:
            return
        self._pending = None
        self._pending_key = None
        self._clear_trouble()
        if same_words:
            self._reset()

    def on_intake_screen_trouble(self, message: Trouble) -> None:
        self.query_one("#intake-trouble", Banner).message = t(
            "intake.trouble", reason=visible(message.reason)
        )

    def _clear_trouble(self) -> None:
        self.query_one("#intake-trouble", Banner).message = ""

    def on_intake_screen_call_saved(self, message: CallSaved) -> None:
        self._pending = None
        self._pending_key = None
        self._ahead.forget()  # the caller's card now counts one more ticket
        self._clear_trouble()
        saved = message.saved
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        due = saved.first_contact_due.astimezone(zone).strftime("%m-%d %H:%M")
        key = "intake.saved_closed" if saved.closed else "intake.saved"
        self.notify(t(key, id=saved.ticket_id, due=due), title=t("intake.title"))
        popped = self._aside_due()
        self._reset()
        if popped:
            self._bring_back_aside()
        if message.kind == TicketKind.COMPLAINT and not saved.closed:
            self.desk_app.open_complaint(saved.ticket_id)  # the seven steps start now

    def action_new_call(self) -> None:
        """Empty the form for the next caller. Words the agent typed and has not saved are
        not thrown away on one key: the first Ctrl+N says so, the second (with no typing
        between) empties the form."""
        if not self._new_call_warned and _words_typed(self._fields()):
            self._new_call_warned = True
            self.notify(t("intake.new_call_confirm"), title=t("intake.title"), severity="warning")
            return
        self._new_call_warned = False
        self._pending = None
        self._pending_key = None  # a call still queued stays queued; the next is another
        popped = self._aside_due()
        self._reset()
        self.discard_draft()
        if popped:
            self._bring_back_aside()

    def discard_draft(self) -> None:
        from deskui.services.intake import discard_intake_draft

        if self.desk_app.agent is None:
            return
        run_service(
            self,
            discard_intake_draft,
            None,
            done=lambda _: None,
            trouble=self._trouble,
            group="intake_draft",
            exclusive=True,
        )

    def _reset(self) -> None:
        self._call = None
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._ahead.forget()
        self._filling = True
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = ""
        for name in AREA_FIELDS:
            self._area(name).text = ""
        # a new call starts from the form's first choices, not the last call's (issue 13)
        for name, first in (("channel", Channel), ("kind", TicketKind), ("severity", Severity)):
            self.query_one(f"#{name}", Select).value = next(iter(first)).value
        category = self.query_one("#category", Select)
        category.set_options(self._categories(TicketKind.QUESTION))
        self.query_one("#department", Select).clear()
        self._filling = False
        self._department_touched = False
        # the route the next call will save, shown now: after a save or Ctrl+N the form
        # said 不转部门 while the record went to 业务部 (issue 26)
        self._propose_department()
        self._show_problems([])
        self._set_card(None)
        self.query_one("#phone", Input).focus()


def _callers_and_card(
    ask: Callable[..., CallersFound], lookup: Lookup
) -> tuple[list[CallerMatch], CustomerCard | None]:
    """The matches, and the card too when a number finds exactly one caller (one hop);
    `ask(query, value)` runs the service's query here (UI thread) or in a worker."""
    from deskui.services.intake import callers_and_card

    found = ask(callers_and_card, lookup)
    return found.matches, found.card


def _same_caller(values: dict[str, object], call: DeskCall) -> bool:
    """Whether a form's values are about the caller of `call` (its number or its customer):
    then they stay, and the call goes on the form they are on."""
    if call.customer_id is not None and values.get("customer_id") == call.customer_id:
        return True
    typed = classify(str(values.get("phone") or "")).phone.e164
    return bool(typed) and call.sees_number and typed == classify(call.number).phone.e164


def _hint_text(lookup: Lookup) -> Text:
    """The line under the phone field: the number as understood, or what will be searched."""
    if lookup.kind is LookupKind.PHONE and lookup.phone.e164:
        return Text("✓ " + format_display(lookup.phone.e164, lookup.phone.extension))
    if lookup.kind is LookupKind.DIGITS:
        return Text(t("intake.hint_digits", digits=lookup.value))
    if lookup.kind is LookupKind.NAME:
        return Text(t("intake.hint_name"))
    return Text("")


def card_text(card: CustomerCard) -> Text:
    """The customer card: every value is user data, painted literally."""
    customer = card.customer
    text = Text()
    text.append(visible(customer.name), style="bold")
    if customer.unit_number:
        text.append(f"  {t('intake.unit')}: {visible(customer.unit_number)}")
    text.append("\n")
    if customer.phone_e164:
        text.append(format_display(customer.phone_e164, customer.phone_extension))
    if customer.address:
        text.append(f"  {visible(customer.address)}")
    text.append("\n")
    text.append(
        t(
            "intake.card_summary",
            agent=customer.assigned_agent or t("intake.unassigned"),
            tickets=card.open_tickets,
            callbacks=card.callbacks_due,
        )
    )
    for contact in customer.contacts:
        text.append("\n· ")
        text.append(visible(contact.name), style="bold")
        text.append(f" {t(f'contact_role.{contact.role}')}")
        if contact.position:
            text.append(f" {visible(contact.position)}")
        if contact.phone_e164:
            text.append(f"  {format_display(contact.phone_e164, contact.phone_extension)}")
        if contact.convenient_time:
            text.append(f"  {t('intake.convenient')}: {visible(contact.convenient_time)}")
        if contact.birthday:
            text.append(f"  {t('intake.birthday')}: {contact.birthday:%m-%d}")
    return text


LOSABLE_FIELDS = ("words", "answer", "new_customer", "new_contact", "expectation")
"""What only the agent's typing fills (the number may come from the phone, the unit and the
contact from the card): what one Ctrl+N would lose."""


def _words_typed(values: dict[str, object]) -> bool:
    return any(str(values.get(name) or "").strip() for name in LOSABLE_FIELDS)


def _anything_typed(values: dict[str, object]) -> bool:
    """Whether the form's `values` hold any text (it opens empty: the agent typed it)."""
    return any(str(values[name]).strip() for name in TEXT_FIELDS + AREA_FIELDS)
