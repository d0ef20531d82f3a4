"""F3: complaints. The list of open complaints, and one complaint walked through the seven
steps of seed 001:6.1-6.7 (or, once the lead has taken it over, the lead's script that starts
with the apology, seed 002:2.4.1): the words to read, large and calm, what to capture, and a
progress strip. A step is not done while its required fields are empty.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.widgets.select import InvalidSelectValueError

from deskui.domain.complaint import (
    COMMIT_REPLY,
    COMMIT_RESOLUTION,
    COMPLAINT_FIELD_KINDS,
    check_commitment,
    check_future_time,
    default_callback_at,
    forward_delay_days,
    late_hand_on,
    one_working_day,
)
from deskui.domain.field_limits import limit, too_long
from deskui.domain.field_problem import FieldProblem
from deskui.domain.phone import format_display, normalise_phone
from deskui.domain.script_flow import ScriptFlow, is_filled, render, salutation
from deskui.domain.search import visible
from deskui.i18n import current_locale, t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal, ring_bell
from deskui.screens.delivery import deliver
from deskui.screens.drafts import FormDraft
from deskui.screens.example_times import example_time
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.own_saves import tell_saved_here
from deskui.screens.record_watch import RecordWatch
from deskui.screens.runner import call_service, run_service
from deskui.screens.trouble_text import error_line, trouble_line
from deskui.widgets.banner import Banner
from deskui.widgets.countdown import Countdown
from deskui.widgets.field_input import FieldInput
from deskui.widgets.guarded_text import GuardedText
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.text_area import DeskTextArea
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.domain.callbacks import CallingHours
    from deskui.domain.script_flow import Script
    from deskui.screens.host import DeskHost
    from deskui.services.complaints import ComplaintCase, ComplaintRow, DepartmentRepeats
    from deskui.services.errors import Conflict

TIME_FORMAT = "%Y-%m-%d %H:%M"
INPUT_FIELDS = (
    "contact_name",
    "contact_phone",
    "unit_number",
    "cause",
    "promised_at",
    "callback_time",
    "responsible",
    "expected_finish",
)
AREA_FIELDS = ("customer_words", "complaint")
GUARDED_FIELDS = ("action_taken",)
CHOICE_FIELDS = ("fixed_now", "satisfied")
ALL_FIELDS = INPUT_FIELDS + AREA_FIELDS + GUARDED_FIELDS + CHOICE_FIELDS
FIELD_KINDS = COMPLAINT_FIELD_KINDS
"""How long each field may be (field_limits): checked before a step is saved, and by the
service again."""


def _local(at: datetime | None, timezone: str) -> str:
    return at.astimezone(ZoneInfo(timezone)).strftime(TIME_FORMAT) if at else ""


# -- the list --------------------------------------------------------------------------------


class ComplaintSource:
    """Open complaints, nearest deadline first, for the work list's worker."""

    def __init__(self, app: DeskHost, owner_id: int | None) -> None:
        self._app = app
        self.owner_id = owner_id

    def count(self) -> int:
        from deskui.services.complaints import ComplaintsOf, complaint_count

        return call_service(self._app, complaint_count, ComplaintsOf(self.owner_id))

    def rows(self, offset: int, limit: int) -> list[ComplaintRow]:
        from deskui.services.complaints import ComplaintPage, complaint_page

        return call_service(self._app, complaint_page, ComplaintPage(offset, limit, self.owner_id))


class ComplaintListScreen(KeptScreen):
    """F3: my open complaints (a lead's include those taken over), soonest due first."""

    CSS_PATH = "complaint.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "toggle_all", "keys.complaint_all", id="complaint_all"),
        Binding("w", "reply", "keys.complaint_reply", id="complaint_reply"),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class RepeatsLoaded(Message):
        rows: list[DepartmentRepeats]

    def __init__(self) -> None:
        super().__init__(id="complaints")
        localize_bindings(self)
        self._all = False
        self._row: ComplaintRow | None = None

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        yield Static(t("complaint.list_title"), id="complaint-list-title", classes="section-title")
        yield Banner(id="complaint-list-trouble")
        yield WorkList(
            columns=self._columns(),
            empty_text=t("complaint.list_empty"),
            row_key=lambda row: row.ticket_id,
            id="list",
        )
        yield Static("", id="complaint-list-detail")
        yield Static("", id="department-repeats")
        yield KeyFooter()

    def _columns(self) -> list[Column]:
        zone = self.desk_app.settings.site_timezone

        def step(row: Any) -> str:
            return t(f"complaint.step_short.{row.step}") if row.step else t("complaint.not_started")

        return [
            Column(
                title=t("work.countdown"),
                width=16,
                countdown=lambda row: (row.due_at, row.starts_at, row.paused_at),
                min_width=14,
            ),
            Column(title="#", width=5, cell=lambda row: str(row.ticket_id)),
            # on a narrow terminal the opening time, the owner and the status leave (Enter
            # opens the complaint) so what it is about stays
            Column(
                title=t("work.customer"), width=24, cell=lambda row: row.customer_name, min_width=14
            ),
            Column(
                title=t("complaint.status"),
                width=10,
                cell=lambda row: t(f"complaint.status_name.{row.status}"),
                drop=1,
            ),
            Column(title=t("complaint.step"), width=12, cell=step),
            Column(title=t("work.owner"), width=8, cell=lambda row: row.owner_name, drop=2),
            Column(
                title=t("complaint.opened"),
                width=12,
                cell=lambda row: _local(row.opened_at, zone)[5:],
                drop=3,
            ),
            Column(title=t("work.subject"), width=0, cell=lambda row: row.summary, min_width=12),
        ]

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self._set_source()
        self.load_repeats()

    def _set_source(self) -> None:
        app = self.desk_app
        owner = None if self._all or app.agent is None else app.agent.id
        work_list = self.query_one("#list", WorkList)
        work_list.set_source(ComplaintSource(app, owner))
        work_list.focus()
        title = t("complaint.list_title_all") if self._all else t("complaint.list_title")
        self.query_one("#complaint-list-title", Static).update(title)

    def action_toggle_all(self) -> None:
        self._all = not self._all
        self._set_source()

    @on(WorkList.CursorMoved, "#list")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self._row = event.row
        detail = Text()
        if event.row is not None:
            detail.append(t("complaint.words"), style="bold")
            detail.append(" ")
            detail.append(visible(event.row.summary))
        self.query_one("#complaint-list-detail", Static).update(detail)

    @on(WorkList.RowSelected, "#list")
    def open_case(self, event: WorkList.RowSelected) -> None:
        if event.row is not None:
            self.desk_app.open_complaint(event.row.ticket_id)

    def action_reply(self) -> None:
        if self._row is None:
            ring_bell(self)
            return
        self.desk_app.open_reply(self._row.ticket_id)

    @work(thread=True, exclusive=True, group="complaint_repeats", exit_on_error=False)
    def load_repeats(self) -> None:
        from deskui.services.complaints import RepeatsQuery, department_repeats

        app = self.desk_app
        if app.calendar is None:
            return
        try:
            rows = call_service(app, department_repeats, RepeatsQuery(app.calendar))
        except Exception as error:
            deliver(self, self._trouble, error_line(error))
            return
        self.post_message(self.RepeatsLoaded(rows))

    def on_complaint_list_screen_repeats_loaded(self, message: RepeatsLoaded) -> None:
        """seed 000:3.2.3: repeat complaints caused by a department's late hand-on."""
        if not message.rows:
            self.query_one("#department-repeats", Static).update("")
            return
        text = Text(t("complaint.repeats_title"), style="bold")
        for row in message.rows:
            name = t(f"complaint.department.{row.department_code}")
            text.append("\n")
            text.append(
                t(
                    "complaint.repeats_row",
                    department=name,
                    forwarded=row.forwarded,
                    late=row.late,
                    repeats=row.repeats,
                )
            )
        self.query_one("#department-repeats", Static).update(text)

    def _trouble(self, reason: str) -> None:
        self.query_one("#complaint-list-trouble", Banner).message = t(
            "complaint.trouble", reason=visible(reason)
        )

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self.query_one("#list", WorkList).reload)  # the frame first

    def reopened(self) -> None:
        """F3 again after Esc: mine or all as the agent left it, the list read again (on
        resume) with the cursor on the complaint it was on if still listed, the repeats
        counted again; the keys go to the list. What is read again is read once the screen
        is painted as it was left (a worker started sooner would slow that frame)."""
        self.query_one("#list", WorkList).focus()
        self.call_after_refresh(self.load_repeats)

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"ticket", "deadline"}:
            self.query_one("#list", WorkList).reload()


# -- one complaint, step by step ---------------------------------------------------------------


class ComplaintScreen(Screen[None]):
    """One ticket's complaint script, one step at a time."""

    CSS_PATH = "complaint.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "advance", "keys.complaint_next", id="complaint_next", priority=True),
        Binding("ctrl+b", "back", "keys.complaint_back", id="complaint_back", priority=True),
        Binding("ctrl+r", "reply", "keys.complaint_reply", id="complaint_compose", priority=True),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class CaseLoaded(Message):
        case: ComplaintCase

    @dataclass
    class StepSaved(Message):
        case: ComplaintCase
        target: str
        lead_name: str
        before: int | None
        """The version the save was checked against."""

    @dataclass
    class Trouble(Message):
        reason: str

    @property
    def presence_subject(self) -> str:
        """The complaint's ticket, as the app's tick reports it (issue 16)."""
        return f"ticket:{self.ticket_id}"

    def __init__(self, ticket_id: int) -> None:
        super().__init__(id="complaint")
        localize_bindings(self)
        self.ticket_id = ticket_id
        self.case: ComplaintCase | None = None
        self.flow: ScriptFlow | None = None
        self.answers: dict[str, object] = {}
        self._filling = False
        self._saving = False
        self._refused: set[str] = set()  # the fields the step's refusal names, until filled
        self.draft = FormDraft(
            self,
            "complaint",
            ticket_id,
            within="#fields",
            restored=self._draft_restored,
            trouble=self._draft_trouble,
            title=t("complaint.title"),
        )
        self.record_watch = RecordWatch(self, "ticket", ticket_id, "complaint", said=self._moved)
        """Another desk reassigning, closing or changing this ticket is said (issue 23)."""

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="case-header"):
            yield Static(t("complaint.loading"), id="case-title")
            yield Static("", id="case-deadline")
            yield Countdown(id="case-countdown")
        yield Banner(id="complaint-trouble")
        yield Banner(id="complaint-moved", classes="-attention")
        yield Static("", id="progress")
        yield Static("", id="step-title")
        yield Static("", id="say")
        yield Static("", id="do")
        with VerticalScroll(id="fields", can_focus=False):  # no Tab stop of its own
            for name in ALL_FIELDS:
                with Vertical(id=f"box-{name}", classes="field-box"):
                    yield Label(t(f"complaint.field.{name}"), classes="field-label")
                    yield from self._field_widgets(name)
                    yield Static("", id=f"err-{name}", classes="field-error")
            with Vertical(id="box-note", classes="field-box"):
                yield Label(t("complaint.field.note"), classes="field-label")
                yield GuardedText(
                    id="note", placeholder=t("complaint.note_hint"), kind=FIELD_KINDS["note"]
                )
                yield Static("", id="err-note", classes="field-error")
        yield Static("", id="step-error")
        yield KeyFooter()

    def _field_widgets(self, name: str) -> ComposeResult:
        if name == "promised_at":
            with Horizontal(classes="row"):
                yield Select(
                    [
                        (t("complaint.commit_reply"), COMMIT_REPLY),
                        (t("complaint.commit_resolution"), COMMIT_RESOLUTION),
                    ],
                    id="commit_mode",
                    allow_blank=False,
                    compact=True,
                )
                yield FieldInput(
                    id=name,
                    placeholder=t("complaint.time_hint", example=example_time(self.desk_app, 10)),
                    compact=True,
                    max_length=limit(FIELD_KINDS[name]),
                )
            yield Static("", id="promise-hint", classes="hint-line")
        elif name in INPUT_FIELDS:
            example = example_time(self.desk_app, 10)
            timed = name in ("callback_time", "expected_finish")
            hint = t("complaint.time_hint", example=example) if timed else ""
            most = limit(FIELD_KINDS[name])
            yield FieldInput(id=name, placeholder=hint, compact=True, max_length=most)
        elif name in AREA_FIELDS:
            yield DeskTextArea(id=name, soft_wrap=True, tab_behavior="focus", classes="short-area")
        elif name in GUARDED_FIELDS:
            yield GuardedText(id=name, kind=FIELD_KINDS[name])
        else:
            yield Select(
                [
                    (t(f"complaint.choice.{name}.yes"), "yes"),
                    (t(f"complaint.choice.{name}.no"), "no"),
                ],
                id=name,
                prompt=t("complaint.choose"),
                compact=True,
            )

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        for name in (*ALL_FIELDS, "note"):
            self.query_one(f"#box-{name}").display = False
        self.load_case()
        self.record_watch.start()

    def on_desk_app_changes_seen(self, message: Any) -> None:
        self.record_watch.changes_seen(message)

    def _moved(self, line: str) -> None:
        """Another desk moved or changed this ticket: said in the form, its header shows who
        has it now, the typing kept."""
        self.query_one("#complaint-moved", Banner).message = f"{line}。{t('watch.keep_typing')}"
        standing, case = self.record_watch.standing, self.case
        if standing is not None and case is not None and standing.owner_id is not None:
            status = "closed" if standing.closed else case.status
            self.case = replace(
                case, owner_id=standing.owner_id, owner_name=standing.owner_name, status=status
            )
            self._show_header()

    # -- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="complaint_load", exit_on_error=False)
    def load_case(self) -> None:
        from deskui.services.complaints import ComplaintOf, complaint_case

        try:
            case = call_service(self.desk_app, complaint_case, ComplaintOf(self.ticket_id))
        except Exception as error:
            self.post_message(self.Trouble(trouble_line(error)))
            return
        self.post_message(self.CaseLoaded(case))

    def on_complaint_screen_case_loaded(self, message: CaseLoaded) -> None:
        from deskui.scripts import load_script

        case = message.case
        self.case = case
        script = load_script(case.script, current_locale())
        current = case.step if case.step in script.steps else script.start
        path = [p for p in case.path if p in script.steps] or [current]
        if path[-1] != current:
            path.append(current)
        self.flow = ScriptFlow(script, current, path)
        self.answers = self._prefilled(case)
        self._fill_fields()
        self._show_header()
        self._show_step()
        self.draft.load()  # what was typed and not saved goes over what the case knows

    def _prefilled(self, case: ComplaintCase) -> dict[str, object]:
        """What the ticket already knows fills the step fields, so nothing is asked twice."""
        zone = self.desk_app.settings.site_timezone
        answers: dict[str, object] = {
            "customer_words": case.customer_words,
            "contact_name": case.contact_name,
            "contact_phone": (
                format_display(case.contact_phone, case.contact_extension)
                if case.contact_phone
                else ""
            ),
            "unit_number": case.unit_number,
            "complaint": case.customer_words,
            "cause": case.cause,
            "responsible": case.responsible,
            "expected_finish": _local(case.expected_finish, zone),
            "action_taken": case.result,
        }
        if case.promised_at:
            answers["promised_at"] = _local(case.promised_at, zone)
        if case.commit_mode:
            answers["commit_mode"] = case.commit_mode
        answers.update({k: v for k, v in case.answers.items() if is_filled(v)})
        return answers

    def _fill_fields(self) -> None:
        self._filling = True
        try:
            for name in INPUT_FIELDS:
                self.query_one(f"#{name}", Input).value = str(self.answers.get(name) or "")
            for name in AREA_FIELDS:
                self.query_one(f"#{name}", TextArea).text = str(self.answers.get(name) or "")
            for name in GUARDED_FIELDS:
                self.query_one(f"#{name}", GuardedText).text = str(self.answers.get(name) or "")
            self.query_one("#note", GuardedText).text = str(self.answers.get("note") or "")
            for name in (*CHOICE_FIELDS, "commit_mode"):
                value = self.answers.get(name)
                if value:
                    with suppress(InvalidSelectValueError):  # an option gone stays unset
                        self.query_one(f"#{name}", Select).value = str(value)
        finally:
            self._filling = False

    # -- what the agent sees ------------------------------------------------------------------

    def _values(self) -> dict[str, object]:
        """The placeholders of the words read aloud, from this caller's details."""
        case = self.case
        assert case is not None
        app = self.desk_app
        locale = current_locale()
        name = str(self.answers.get("contact_name") or case.contact_name)
        gender = case.contact_gender if name == case.contact_name else "unknown"
        reply = self.answers.get("promised_at") or ""
        values: dict[str, object] = {
            "salutation": salutation(name, gender, locale),
            "contact_name": name,
            "customer_name": case.customer_name,
            "unit_number": self.answers.get("unit_number") or case.unit_number,
            "product": t(f"category.{case.category}"),
            "agent_name": app.agent.name if app.agent else "",
            "company": t("complaint.company"),
            "reply_time": reply,
            "callback_time": self.answers.get("callback_time") or "",
        }
        return {key: visible(str(value)) for key, value in values.items()}  # user data, literal

    def _show_header(self) -> None:
        case = self.case
        assert case is not None
        title = Text()
        title.append(t("complaint.case_title", id=case.ticket_id), style="bold")
        title.append("  ")
        title.append(visible(case.customer_name))
        if case.contact_name:
            title.append(f"  {visible(case.contact_name)}")
        if case.unit_number:
            title.append(f"  {t('complaint.field.unit_number')}: {visible(case.unit_number)}")
        title.append(f"  · {t(f'complaint.status_name.{case.status}')}")
        title.append(f"  · {t('work.owner')}: {visible(case.owner_name)}")
        if case.forwarded_by:
            title.append("  · " + self._forwarded_line(case))
        self.query_one("#case-title", Static).update(title)
        # the countdown alone changed meaning between steps (first contact, then the promised
        # reply): its label says which deadline it counts down to, and when that is
        label = self.query_one("#case-deadline", Static)
        label.display = case.due_at is not None
        if case.due_at is not None:
            label.update(
                t(
                    "complaint.deadline",
                    kind=t(f"deadline_kind.{case.due_kind}"),
                    due=case.due_at.astimezone(
                        ZoneInfo(self.desk_app.settings.site_timezone)
                    ).strftime("%m-%d %H:%M"),
                )
            )
        countdown = self.query_one("#case-countdown", Countdown)
        countdown.display = case.due_at is not None
        if case.due_at is not None:
            countdown.due_at = case.due_at
            countdown.starts_at = case.starts_at

    def _forwarded_line(self, case: ComplaintCase) -> str:
        """Who had it, since when, and how late it reached us (seed 000:3.2.2-3.2.3)."""
        department = t(f"complaint.department.{case.forwarded_by}")
        received, ours = case.received_by_department_on, case.our_received_at
        calendar = self.desk_app.calendar
        if received is None or ours is None or calendar is None:
            return t("complaint.forwarded", department=department, on=received or "")
        late = late_hand_on(received, ours, calendar)
        return t(
            "complaint.forward_late" if late else "complaint.forward_on_time",
            department=department,
            on=received,
            days=forward_delay_days(received, ours, str(calendar.tz)),
        )

    def _show_step(self) -> None:
        flow = self.flow
        assert flow is not None
        step = flow.current
        self.query_one("#progress", Static).update(self._progress(flow.script, flow))
        self.query_one("#step-title", Static).update(Text(step.title, style="bold"))
        self.query_one("#say", Static).update(Text(render(step.say, self._values())))
        self.query_one("#do", Static).update(Text(t("complaint.do", do=step.do)))
        needed = set(step.requires) | ({step.ask} if step.ask else set())
        for name in ALL_FIELDS:
            self.query_one(f"#box-{name}").display = name in needed
            self.query_one(f"#err-{name}", Static).update("")
        self.query_one("#box-note").display = not step.final
        self.query_one("#step-error", Static).update("")
        self._refused = set()
        if "promised_at" in needed:
            self._show_promise_hint()
        if "callback_time" in needed and not self.answers.get("callback_time"):
            self._propose_callback()
        first = next((n for n in ALL_FIELDS if n in needed), None)
        # a step's fields start at the top: the last step's scroll would hide them (80x24)
        self.query_one("#fields", VerticalScroll).scroll_home(animate=False, immediate=True)
        if first is not None:
            self.query_one(f"#{first}").focus()
        else:
            self.query_one("#note", GuardedText).focus()

    def _progress(self, script: Script, flow: ScriptFlow) -> Text:
        """The seven steps as a strip: done ✓, current ▶, to come ·; once the script is over,
        only the steps taken (a complaint handed to the lead was never confirmed with the
        customer here)."""
        strip = Text()
        shown: list[str] = []
        for step_id in script.order:
            step = script.steps[step_id]
            number = step.title.split(" ", 1)[0]
            if not number.isdigit() or number in shown:
                continue
            shown.append(number)
            on_path = [s for s in flow.path if script.steps[s].title.split(" ", 1)[0] == number]
            current_number = flow.current.title.split(" ", 1)[0]
            label = flow.current.title if number == current_number else step.title
            if flow.done and not on_path:
                continue  # a finished script (closed, or handed to the lead) shows what happened
            if strip:
                strip.append("  ")
            if number == current_number and not flow.done:
                strip.append(f"▶ {label}", style="bold reverse")
            elif on_path:
                strip.append(f"✓ {label}", style="green")
            else:
                strip.append(f"· {label}", style="dim")
        if flow.done:
            strip.append("  ")
            strip.append(f"■ {flow.current.title}", style="bold")
        return strip

    def _show_promise_hint(self) -> None:
        calendar = self.desk_app.calendar
        if calendar is None:
            return
        latest = one_working_day(calendar, self.desk_app.clock.now())
        zone = self.desk_app.settings.site_timezone
        self.query_one("#promise-hint", Static).update(
            Text(t("complaint.promise_hint", latest=_local(latest, zone)))
        )

    def _propose_callback(self) -> None:
        calendar = self.desk_app.calendar
        if calendar is None:
            return
        at = default_callback_at(calendar, self.desk_app.clock.now(), self._calling_hours())
        zone = self.desk_app.settings.site_timezone
        self._filling = True
        self.query_one("#callback_time", Input).value = _local(at, zone)
        self._filling = False
        self.answers["callback_time"] = _local(at, zone)

    # -- typing keeps everything ------------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if not self._filling and event.input.id in INPUT_FIELDS:
            self.answers[event.input.id] = event.value
            self._field_typed(event.input.id, bool(event.value.strip()))
            if event.input.id in ("contact_name", "unit_number", "promised_at", "callback_time"):
                self._refresh_words()

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        if self._filling:
            return
        if event.text_area.id in AREA_FIELDS:
            self.answers[event.text_area.id] = event.text_area.text
            self._field_typed(event.text_area.id, bool(event.text_area.text.strip()))

    @on(GuardedText.Checked)
    def _guarded_changed(self, event: GuardedText.Checked) -> None:
        if self._filling:
            return
        name = event.guarded.id or ""
        self.answers[name] = event.guarded.text

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if self._filling or event.select.id is None:
            return
        value = None if event.value is Select.NULL else str(event.value)
        self.answers[event.select.id] = value
        if event.select.id in CHOICE_FIELDS:
            self._field_typed(event.select.id, value is not None)

    def _field_typed(self, name: str, filled: bool) -> None:
        """A field is being filled: its own error goes, and the step's refusal once every
        field it named has a value (it said to fill them; typed, it no longer applies)."""
        if not filled:
            return
        error = self.query_one(f"#err-{name}", Static)
        if str(error.content):  # an update lays the step out again: not at every keystroke
            error.update("")
        if name in self._refused:
            self._refused.discard(name)
            if not self._refused:
                self.query_one("#step-error", Static).update("")

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _draft_edited(self) -> None:
        self.draft.edited()

    def _draft_restored(self, values: dict[str, object]) -> None:
        self._collect()
        self._refresh_words()

    def _draft_trouble(self, message: str) -> None:
        self.query_one("#complaint-trouble", Banner).message = message

    def on_screen_suspend(self) -> None:
        self.draft.flush()  # left (or covered) within the half second: keep the last keys

    def _calling_hours(self) -> CallingHours:
        """The site's calling hours less the rest time, for times the customer is called at."""
        from deskui.domain.callbacks import calling_hours_for

        return calling_hours_for([], self.desk_app.site_rules.callbacks)

    def _collect(self) -> None:
        """The fields as they stand now (a change message may still be on its way)."""
        for name in INPUT_FIELDS:
            self.answers[name] = self.query_one(f"#{name}", Input).value
        for name in AREA_FIELDS:
            self.answers[name] = self.query_one(f"#{name}", TextArea).text
        for name in (*GUARDED_FIELDS, "note"):
            self.answers[name] = self.query_one(f"#{name}", GuardedText).text
        for name in (*CHOICE_FIELDS, "commit_mode"):
            value = self.query_one(f"#{name}", Select).value
            self.answers[name] = None if value is Select.NULL else str(value)

    def _refresh_words(self) -> None:
        if self.flow is not None and self.case is not None:
            self.query_one("#say", Static).update(
                Text(render(self.flow.current.say, self._values()))
            )

    # -- advancing ----------------------------------------------------------------------------

    def action_advance(self) -> None:
        flow, case = self.flow, self.case
        if flow is None or case is None or self._saving:
            return
        if flow.done:
            self.query_one("#step-error", Static).update(Text(t("complaint.finished")))
            return
        self._collect()
        answers = {k: (v.strip() if isinstance(v, str) else v) for k, v in self.answers.items()}
        missing = flow.missing(answers)
        problems = [FieldProblem(name, "complaint.err.required") for name in missing]
        promised_at: datetime | None = None
        expected_finish: datetime | None = None
        callback_at: datetime | None = None
        now = self.desk_app.clock.now()
        zone = self.desk_app.settings.site_timezone
        step = flow.current
        if not missing:
            if "promised_at" in step.requires and self.desk_app.calendar is not None:
                mode = str(answers.get("commit_mode") or COMMIT_REPLY)
                promised_at, problem = check_commitment(
                    mode,
                    str(answers.get("promised_at", "")),
                    now,
                    self.desk_app.calendar,
                    self._calling_hours(),  # never in the customer's rest time
                )
                problems += [problem] if problem else []
            if "contact_phone" in step.requires:
                phone = normalise_phone(str(answers.get("contact_phone", "")))
                if not phone.valid:
                    problems.append(
                        FieldProblem("contact_phone", phone.error or "complaint.err.required")
                    )
            if "callback_time" in step.requires:
                callback_at, problem = check_future_time(
                    "callback_time",
                    str(answers.get("callback_time", "")),
                    now,
                    zone,
                    hours=self._calling_hours(),
                    calendar=self.desk_app.calendar,
                )
                problems += [problem] if problem else []
            if "expected_finish" in step.requires:
                expected_finish, problem = check_future_time(
                    "expected_finish", str(answers.get("expected_finish", "")), now, zone
                )
                problems += [problem] if problem else []
        # said before the save, and the text is kept
        problems += [FieldProblem(p.field, p.key, p.values) for p in too_long(answers, FIELD_KINDS)]
        if problems:
            self._show_problems(problems)
            return
        if flow.next_step(answers) is None:
            return
        self._saving = True
        self.draft.hold()  # a draft written after the save would come back
        self.save_step(
            step.id,
            answers,
            promised_at,
            expected_finish,
            callback_at,
            mode=str(answers.get("commit_mode") or COMMIT_REPLY),
        )

    def _show_problems(self, problems: list[FieldProblem]) -> None:
        for problem in problems:
            values = dict(problem.values)
            self.query_one(f"#err-{problem.field}", Static).update(Text(t(problem.key, **values)))
        names = "、".join(t(f"complaint.field.{p.field}") for p in problems)
        key = (
            "complaint.cannot_advance_missing"
            if all(p.key == "complaint.err.required" for p in problems)
            else "complaint.cannot_advance"
        )
        self.query_one("#step-error", Static).update(Text(t(key, fields=names)))
        self._refused = {p.field for p in problems}
        self.query_one(f"#{problems[0].field}").focus()

    def save_step(
        self,
        step_id: str,
        answers: dict[str, object],
        promised_at: datetime | None,
        expected_finish: datetime | None,
        callback_at: datetime | None,
        mode: str,
    ) -> None:
        from deskui.services.complaints import SaveComplaintStep, save_complaint_step

        flow, case = self.flow, self.case
        assert flow is not None and case is not None
        command = SaveComplaintStep(
            ticket_id=case.ticket_id,
            leaving=step_id,  # where it leads is the script's, in the service
            answers=answers,
            expected_version=case.version,  # 0: no record yet, still checked
            commit_mode=mode,
            promised_at=promised_at,
            expected_finish=expected_finish,
            callback_at=callback_at,
            calendar=self.desk_app.calendar,
        )
        run_service(
            self,
            save_complaint_step,
            command,
            done=lambda saved: self.post_message(
                self.StepSaved(saved.case, saved.reached, saved.lead_name, command.expected_version)
            ),
            refused=self._save_refused,
            conflict=self._save_conflicted,
            trouble=self._save_trouble,
            draft=self.draft,
            group="complaint_save",
            exclusive=True,
        )

    def _save_trouble(self, reason: str) -> None:
        self.post_message(self.Trouble(reason))
        self._save_failed()

    def _save_failed(self) -> None:
        self._saving = False
        self.draft.resume()

    def _save_refused(self, error: Exception) -> None:
        """The service refused the step (the screen's own checks passed): its reason by the
        fields, or in one line; everything typed stays."""
        from deskui.services.complaints import StepRefused

        self._save_failed()
        if not isinstance(error, StepRefused):
            self.post_message(self.Trouble(str(error)))
            return
        if error.reason == "missing" and error.fields:
            self._show_problems([FieldProblem(f, "complaint.err.required") for f in error.fields])
        elif error.reason == "finished":
            self.query_one("#step-error", Static).update(Text(t("complaint.finished")))
        elif error.fields and all(f in ALL_FIELDS for f in error.fields):
            self._show_problems([FieldProblem(f, "complaint.err.time_past") for f in error.fields])
        else:
            self.query_one("#step-error", Static).update(
                Text(t("watch.step_refused", step=error.step))
            )

    def _save_conflicted(self, conflict: Conflict) -> None:
        from deskui.screens.conflict import ConflictModal, moved_away_line
        from deskui.services.standing import MovedAway

        self._save_failed()
        self._collect()
        if isinstance(conflict, MovedAway):  # no longer hers: said, and nothing to save over
            self.query_one("#complaint-moved", Banner).message = moved_away_line(conflict)
        names = ("note", *AREA_FIELDS, *GUARDED_FIELDS, *INPUT_FIELDS)
        mine = {name: str(self.answers.get(name) or "") for name in names}
        labels = {name: t(f"complaint.field.{name}") for name in names}
        zone = self.desk_app.settings.site_timezone
        open_modal(
            self.app,
            ConflictModal(conflict, mine, labels, zone),
            partial(self._conflict_decided, conflict),
        )

    def _conflict_decided(self, conflict: Conflict, keep_mine: bool | None) -> None:
        if keep_mine and self.case is not None:  # saved over theirs, knowingly
            self.case = replace(self.case, version=conflict.version)
            self.action_advance()

    def on_complaint_screen_step_saved(self, message: StepSaved) -> None:
        self._saving = False
        flow = self.flow
        assert flow is not None
        self.case = message.case
        tell_saved_here(self, "complaint", self.ticket_id, message.before, message.case.version)
        if message.case.script == flow.script.id:
            flow.current_id = message.case.step
            flow.path = list(message.case.path)
        else:  # handed to the lead, whose script starts afresh: this desk's part is done
            flow.current_id = message.target
            flow.path.append(message.target)
        self.query_one("#complaint-trouble", Banner).message = ""
        self._show_header()
        self._show_step()
        self.draft.saved()
        if message.lead_name:
            self.notify(
                t("complaint.handed_to_lead", lead=message.lead_name), title=t("complaint.title")
            )
        elif flow.done:
            self.notify(t("complaint.closed_note"), title=t("complaint.title"))

    def saved_here(self, record: str, record_id: int, before: int, after: int) -> None:
        """Its written reply, saved on this desk, moved the complaint record's version."""
        case = self.case
        mine = record == "complaint" and record_id == self.ticket_id
        if mine and case is not None and case.version == before:
            self.case = replace(case, version=after)

    def action_back(self) -> None:
        flow = self.flow
        if flow is None or len(flow.path) <= 1 or flow.done or self._saving:
            ring_bell(self)
            return
        flow.back()
        self._show_step()

    def action_reply(self) -> None:
        self.desk_app.open_reply(self.ticket_id)

    def on_complaint_screen_trouble(self, message: Trouble) -> None:
        self.query_one("#complaint-trouble", Banner).message = t(
            "complaint.trouble", reason=visible(message.reason)
        )
