"""F10: customer relations (seed 000:1.4.7, 2.5.5, 4). Prospects a callback turned up, who
follows them (CS itself, with a follow-up countdown, or a department it was handed to); the
business department's gift list and each gift's arrival confirmation within 3 days; customer
events with the plan due a month ahead, invitees from the customer list, invitations and
attendance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from deskui.domain.reception import check_text
from deskui.domain.relations import (
    CS,
    Attendance,
    InviteWay,
    ProspectStatus,
    check_event,
    check_gift,
    check_hand_off,
    check_invitation,
    check_plan,
    check_prospect,
    gift_state,
)
from deskui.domain.search import visible
from deskui.i18n import current_locale, t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal
from deskui.screens.contact_pick import ContactPickModal
from deskui.screens.delivery import deliver
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.leg_form import LegField, LegFormModal, save_leg
from deskui.screens.runner import call_service
from deskui.screens.trouble_text import error_line
from deskui.services.relations import (
    AddEvent,
    CloseProspect,
    ConfirmGift,
    CustomerEvent,
    HandProspect,
    InvitationSent,
    Invite,
    RecordAttendance,
    RecordGift,
    RecordPlan,
    RecordProspect,
    RelationsPage,
    add_event,
    close_prospect,
    confirm_gift,
    customer_event,
    hand_prospect,
    invitation_sent,
    invite,
    list_departments,
    record_attendance,
    record_gift,
    record_plan,
    record_prospect,
    relations_count,
    relations_rows,
)
from deskui.widgets.banner import Banner
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, CountdownFields, WorkList

if TYPE_CHECKING:
    from textual.screen import Screen as AnyScreen

    from deskui.screens.host import DeskHost
    from deskui.services.relations import (
        CallbackResult,
        ContactChoice,
        EventRow,
        GiftRow,
        GiftSaved,
        InviteeRow,
        ProspectRow,
    )

SECTIONS = ("prospects", "gifts", "events")
ACTIONS: dict[str, frozenset[str]] = {
    "prospects": frozenset({"new", "hand", "close"}),
    "gifts": frozenset({"new", "confirm"}),
    "events": frozenset({"new", "plan", "invitees"}),
    "invitees": frozenset({"new", "sent", "attendance"}),
}
"""The keys each section answers to; the footer shows only those."""
Departments = Sequence[tuple[str, str, str]]
NO_DEADLINE: CountdownFields = (None, None, None)


class RelationsSource:
    """One section's rows for the work list's worker."""

    def __init__(self, app: DeskHost, section: str, event_id: int | None = None) -> None:
        self._app = app
        self.section = section
        self.event_id = event_id

    def _page(self, offset: int = 0, limit: int = 0) -> RelationsPage:
        zone = self._app.settings.site_timezone
        return RelationsPage(self.section, zone, self.event_id, offset, limit)

    def count(self) -> int:
        return call_service(self._app, relations_count, self._page())

    def rows(self, offset: int, limit: int) -> list[Any]:
        return call_service(self._app, relations_rows, self._page(offset, limit))


def department_name(code: str, departments: Departments) -> str:
    for department, zh, en in departments:
        if department == code:
            return zh if current_locale() == "zh-CN" else en
    return code


def follow_options(departments: Departments) -> list[tuple[str, str]]:
    """CS itself first (no department follows it), then the business departments."""
    return [(t("relations.prospect.follow_cs"), CS)] + [
        (department_name(code, departments), code)
        for code, _, _ in departments
        if code != "customer_service"
    ]


def prospect_form(
    screen: AnyScreen[Any],
    choice: ContactChoice,
    departments: Departments,
    done: Callable[[], None],
    source_callback_id: int | None = None,
) -> LegFormModal:
    """The prospect dialog: what interests them, who follows it (seed 000:1.4.7)."""
    app = desk_host(screen.app)
    who = visible(choice.customer_name)
    if choice.contact_name:
        who += f" · {visible(choice.contact_name)}"
    fields = [
        LegField("interest", t("relations.prospect.interest"), kind="area"),
        LegField(
            "follow",
            t("relations.prospect.follow"),
            kind="select",
            options=follow_options(departments),
        ),
        LegField(
            "person",
            t("relations.prospect.person"),
            placeholder=t("relations.prospect.person_hint"),
        ),
        LegField(
            "follow_up",
            t("relations.prospect.follow_up"),
            placeholder=t("relations.prospect.follow_up_hint"),
        ),
    ]

    def submit(values: dict[str, str], modal: LegFormModal) -> None:
        now = app.clock.now()
        facts, problems = check_prospect(values, now, ZoneInfo(app.settings.site_timezone))
        if problems or facts is None:
            modal.show_problems(problems)
            return

        command = RecordProspect(
            customer_id=choice.customer_id,
            contact_id=choice.contact_id,
            interest=facts.interest,
            source_callback_id=source_callback_id,
            department_code=facts.department_code,
            person=facts.person,
            follow_up_at=facts.follow_up_at,
        )

        if facts.department_code is None:
            message = t("relations.prospect.saved_cs", who=who)
        else:
            name = department_name(facts.department_code, departments)
            message = t("relations.prospect.saved_handed", who=who, department=name)

        def finished(_: int) -> None:
            app.notify(message, markup=False)
            done()

        save_leg(screen, modal, record_prospect, command, finished)

    return LegFormModal(
        t("relations.prospect.title", who=who),
        fields,
        submit,
        draft="relations_prospect",
        draft_key=f"{choice.customer_id}:{choice.contact_id}",
    )


def mark_prospect(
    screen: AnyScreen[Any],
    choice: ContactChoice,
    source_callback_id: int | None = None,
    done: Callable[[], None] | None = None,
) -> None:
    """One key on a callback's call: the departments are read in a worker, then the prospect
    dialog opens over the screen, the callback kept as its source."""
    app = desk_host(screen.app)

    def load() -> None:
        try:
            departments = call_service(app, list_departments, None)
        except Exception as error:
            reason = t("relations.trouble", reason=error_line(error))
            deliver(screen, app.notify, reason, severity="error", markup=False)
            return
        form = prospect_form(
            screen, choice, departments, done or (lambda: None), source_callback_id
        )
        deliver(screen, open_modal, app, form)

    screen.run_worker(load, thread=True, group="prospect_form", exit_on_error=False)


class RelationsScreen(KeptScreen):
    """客户关系: three lists, one key each; Enter on an event opens its invitees."""

    CSS_PATH = "relations.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "section('prospects')", "keys.rel_prospects", id="rel_prospects", show=False),
        Binding("2", "section('gifts')", "keys.rel_gifts", id="rel_gifts", show=False),
        Binding("3", "section('events')", "keys.rel_events", id="rel_events", show=False),
        Binding("a", "new", "keys.rel_new", id="rel_new"),
        Binding("h", "hand", "keys.rel_hand", id="rel_hand"),
        Binding("d", "close", "keys.rel_close", id="rel_close"),
        Binding("c", "confirm", "keys.rel_confirm", id="rel_confirm"),
        Binding("p", "plan", "keys.rel_plan", id="rel_plan"),
        Binding("i", "invitees", "keys.rel_invitees", id="rel_invitees"),
        Binding("s", "sent", "keys.rel_sent", id="rel_sent"),
        Binding("t", "attendance", "keys.rel_attendance", id="rel_attendance"),
        Binding("escape", "back", "keys.back", id="back"),
    ]

    def __init__(self, section: str = "prospects", *, event_id: int | None = None) -> None:
        super().__init__(id="relations")
        localize_bindings(self)
        self.section = section
        self.event: EventRow | None = None
        self._open_event = event_id
        self._row: Any = None
        self._departments: Departments = ()

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.desk_app.settings.site_timezone)

    def compose(self) -> ComposeResult:
        yield Static(t("relations.title"), id="relations-title", classes="section-title")
        yield Static("", id="relations-sections")
        yield Banner(id="relations-trouble")
        yield WorkList(columns=[], empty_text="", id="relations-list")
        yield Static("", id="relations-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.load_departments()
        if self._open_event is not None:
            self.open_event(self._open_event)
        else:
            self.action_section(self.section)

    def reopened(self) -> None:
        """F10 again after Esc (which leaves only from a list of its own, not an event's
        invitees): the section chosen stays, read again; the keys go to the list."""
        self._list().focus()
        self.call_after_refresh(self.reload)  # once the screen is painted as it was left

    @work(thread=True, exclusive=True, group="relations_departments", exit_on_error=False)
    def load_departments(self) -> None:
        try:
            departments = call_service(self.desk_app, list_departments, None)
        except Exception as error:
            deliver(self, self._trouble, error_line(error))
            return
        deliver(self, self._departments_loaded, departments)

    def _departments_loaded(self, departments: Departments) -> None:
        self._departments = departments
        self._list().columns = self._list().columns  # department names in the cells

    def _trouble(self, reason: str) -> None:
        first = reason.splitlines()[0] if reason else ""
        self.query_one("#relations-trouble", Banner).message = t(
            "relations.trouble", reason=visible(first)
        )

    def _list(self) -> WorkList:
        return self.query_one("#relations-list", WorkList)

    # -- sections ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"new", "hand", "close", "confirm", "plan", "invitees", "sent", "attendance"}:
            return action in ACTIONS.get(self.section, frozenset())
        return True

    def action_section(self, section: str) -> None:
        self.section = section
        self.event = None
        self._show(RelationsSource(self.desk_app, section))

    def _show(self, source: RelationsSource) -> None:
        section = source.section
        line = Text()
        labels = t("relations.sections").split(" · ")
        current = "events" if section == "invitees" else section
        for name, label in zip(SECTIONS, labels, strict=False):
            line.append(f" {label} ", style="reverse bold" if name == current else "")
            line.append(" ")
        if section == "invitees" and self.event is not None:
            line.append(" ▸ ")
            line.append(t("relations.event.invitees_of", name=visible(self.event.name)))
        self.query_one("#relations-sections", Static).update(line)
        work_list = self._list()
        work_list.columns = tuple(self._columns(section))
        work_list.empty_text = t(f"relations.empty.{section}")
        work_list.set_source(source)
        self._row = None
        self.query_one("#relations-detail", Static).update("")
        self.refresh_bindings()
        work_list.focus()

    def open_event(self, event_id: int) -> None:
        """The event's invitees (Enter on an event; the desk's plan deadline opens here)."""
        self.load_event(event_id)

    @work(thread=True, exclusive=True, group="relations_event", exit_on_error=False)
    def load_event(self, event_id: int) -> None:
        try:
            event = call_service(self.desk_app, customer_event, CustomerEvent(event_id))
        except Exception as error:
            deliver(self, self._trouble, error_line(error))
            return
        deliver(self, self._event_loaded, event)

    def _event_loaded(self, event: EventRow) -> None:
        self.section = "invitees"
        self.event = event
        self._show(RelationsSource(self.desk_app, "invitees", event.id))

    async def action_back(self) -> None:
        if self.section == "invitees":
            self.action_section("events")
            return
        await self.app.run_action("app.pop_screen")  # the app's Esc: the screen is kept

    # -- columns -----------------------------------------------------------------------------

    def _time(self, value: datetime | None, pattern: str = "%m-%d %H:%M") -> str:
        return value.astimezone(self.zone).strftime(pattern) if value else ""

    def _columns(self, section: str) -> list[Column]:
        if section == "prospects":
            return [
                # at 80 columns the time recorded leaves (the detail says it), the customer
                # shrinks: who follows it stays whole and the interest shows (no cell cut by
                # the screen's edge: 客服 李娜 was shown 客服 李)
                Column(t("relations.col.countdown"), 14, countdown=self._prospect_due),
                Column(
                    t("relations.col.recorded"),
                    11,
                    cell=lambda r: self._time(r.recorded_at),
                    drop=2,
                ),
                Column(
                    t("relations.col.status"),
                    10,
                    cell=lambda r: t(f"relations.prospect.status.{r.status}"),
                ),
                Column(
                    t("relations.col.customer"), 22, cell=lambda r: r.customer_name, min_width=14
                ),
                Column(t("relations.col.contact"), 8, cell=lambda r: r.contact_name, drop=1),
                Column(t("relations.col.follower"), 14, cell=self._follower),
                Column(t("relations.col.interest"), 0, cell=lambda r: r.interest, min_width=12),
            ]
        if section == "gifts":
            return [
                # at 80 columns who sent it and when leave (the detail says both)
                Column(t("relations.col.countdown"), 14, countdown=self._gift_due),
                Column(t("relations.col.sent"), 11, cell=lambda r: self._time(r.sent_at), drop=2),
                Column(t("relations.col.state"), 10, cell=self._gift_state),
                Column(
                    t("relations.col.customer"), 20, cell=lambda r: r.customer_name, min_width=14
                ),
                Column(t("relations.col.contact"), 8, cell=lambda r: r.contact_name, drop=1),
                Column(t("relations.col.gift"), 18, cell=lambda r: r.gift, min_width=10),
                Column(t("relations.col.sent_by"), 12, cell=lambda r: r.sent_by, drop=3),
                Column(t("relations.col.callback"), 0, cell=self._gift_callback, min_width=8),
            ]
        if section == "events":
            return [
                Column(t("relations.col.plan_countdown"), 14, countdown=self._plan_due),
                Column(t("relations.col.date"), 10, cell=lambda r: r.event_on.isoformat()),
                Column(t("relations.col.name"), 16, cell=lambda r: r.name),
                Column(t("relations.col.place"), 10, cell=lambda r: r.place),
                Column(t("relations.col.plan"), 16, cell=self._plan_state),
                Column(t("relations.col.owner"), 6, cell=lambda r: r.owner_name),
                Column(t("relations.col.invitees"), 0, cell=self._event_counts),
            ]
        return [
            Column(t("relations.col.customer"), 24, cell=lambda r: r.customer_name),
            Column(t("relations.col.contact"), 8, cell=lambda r: r.contact_name),
            Column(t("relations.col.invited_at"), 11, cell=lambda r: self._time(r.invited_at)),
            Column(t("relations.col.way"), 6, cell=self._way),
            Column(t("relations.col.invited_by"), 12, cell=lambda r: r.invited_by),
            Column(t("relations.col.attendance"), 8, cell=self._attendance),
            Column(t("relations.col.note"), 0, cell=lambda r: r.note),
        ]

    def _prospect_due(self, row: ProspectRow) -> CountdownFields:
        if row.status != ProspectStatus.FOLLOWING or row.follow_up_at is None:
            return NO_DEADLINE
        return row.follow_up_at, row.recorded_at, None

    def _follower(self, row: ProspectRow) -> str:
        if row.department_code:
            name = department_name(row.department_code, self._departments)
            return f"{name} {row.department_person}"
        return t("relations.prospect.cs_owner", name=row.owner_name)

    def _gift_due(self, row: GiftRow) -> CountdownFields:
        if row.arrived is not None:
            return NO_DEADLINE
        return row.confirm_due, row.sent_at, None

    def _gift_state(self, row: GiftRow) -> str:
        state = gift_state(row.sent_at, row.arrived, self.desk_app.clock.now())
        return t(f"relations.gift.state.{state}")

    def _gift_callback(self, row: GiftRow) -> str:
        if row.callback_id is None:
            return ""
        if row.callback_done_at is not None:
            done = self._time(row.callback_done_at)
            return t("relations.gift.callback_done", id=row.callback_id, at=done)
        due = self._time(row.callback_due_at)
        return t("relations.gift.callback_due", id=row.callback_id, at=due)

    def _plan_due(self, row: EventRow) -> CountdownFields:
        if row.plan_due_at is None:
            return NO_DEADLINE
        return row.plan_due_at, row.plan_starts_at, None

    def _plan_state(self, row: EventRow) -> str:
        if row.plan_at is not None:
            return t("relations.event.plan_in", by=row.plan_by)
        return t("relations.event.plan_due", due=row.plan_due_on.strftime("%m-%d"))

    def _event_counts(self, row: EventRow) -> str:
        return t(
            "relations.event.counts",
            invitees=row.invitees,
            invited=row.invited,
            attended=row.attended,
            declined=row.declined,
            no_show=row.no_show,
        )

    def _way(self, row: InviteeRow) -> str:
        return t(f"relations.way.{row.invited_via}") if row.invited_via else ""

    def _attendance(self, row: InviteeRow) -> str:
        if row.attendance:
            return t(f"relations.attendance.{row.attendance}")
        return t("relations.attendance.invited") if row.invited_at else ""

    # -- the list and its detail -------------------------------------------------------------

    @on(WorkList.CursorMoved, "#relations-list")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self._row = event.row
        self.query_one("#relations-detail", Static).update(self._describe(event.row))

    @on(WorkList.RowSelected, "#relations-list")
    def row_selected(self, event: WorkList.RowSelected) -> None:
        if self.section == "events" and event.row is not None:
            self.action_invitees()

    def _describe(self, row: Any) -> Text:
        text = Text()
        if row is None:
            return text
        lines: list[tuple[str, str]] = []
        if self.section == "prospects":
            text.append(visible(f"{row.customer_name}  {row.contact_name}"), style="bold")
            lines.append(("interest", row.interest))
            found = t(
                "relations.detail.recorded", who=row.recorded_by, at=self._time(row.recorded_at)
            )
            if row.source_callback_id:
                found += " " + t("relations.detail.from_callback", id=row.source_callback_id)
            lines.append(("", found))
            if row.handed_at:
                lines.append(
                    (
                        "",
                        t(
                            "relations.detail.handed",
                            department=self._follower(row),
                            at=self._time(row.handed_at),
                            who=row.handed_by,
                        ),
                    )
                )
            elif row.status == ProspectStatus.FOLLOWING:
                due = self._time(row.follow_up_at)
                lines.append(("", t("relations.detail.cs_follows", name=row.owner_name, due=due)))
            if row.outcome:
                lines.append(("outcome", row.outcome))
        elif self.section == "gifts":
            text.append(visible(f"{row.customer_name}  {row.contact_name}"), style="bold")
            lines.append(("gift", row.gift))
            department = department_name(row.department_code, self._departments)
            lines.append(
                (
                    "",
                    t(
                        "relations.detail.sent",
                        at=self._time(row.sent_at),
                        who=row.sent_by,
                        department=department,
                        due=self._time(row.confirm_due),
                    ),
                )
            )
            if row.arrived is not None:
                key = "arrived" if row.arrived else "not_arrived"
                via = t(f"relations.gift.via.{row.via}", who=row.confirmed_by)
                lines.append(
                    ("", t(f"relations.detail.{key}", at=self._time(row.confirmed_at), via=via))
                )
            if row.confirm_note:
                lines.append(("note", row.confirm_note))
        elif self.section == "events":
            head = f"{row.name}  {row.event_on.isoformat()}  {row.place}"
            text.append(visible(head, one_line=True), style="bold")
            lines.append(("", self._plan_state(row)))
            if row.plan:
                lines.append(("plan", row.plan))
            lines.append(("", t("relations.detail.open_invitees")))
        else:
            text.append(visible(f"{row.customer_name}  {row.contact_name}"), style="bold")
            if row.invited_at:
                lines.append(
                    (
                        "",
                        t(
                            "relations.detail.invited",
                            at=self._time(row.invited_at),
                            way=self._way(row),
                            who=row.invited_by,
                        ),
                    )
                )
            if row.attendance:
                lines.append(("", self._attendance(row)))
            if row.note:
                lines.append(("note", row.note))
        for key, value in lines:
            if value:
                text.append("\n")
                if key:
                    text.append(f"{t(f'relations.field.{key}')}: ", style="bold")
                text.append(visible(value))
        return text

    def reload(self) -> None:
        self._list().reload()

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"prospect", "gift", "customer_event", "event_invitee", "callback"}:
            self.reload()

    # -- actions -----------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.desk_app.clock.now()

    def _picked(self) -> Any:
        if self._row is None:
            self.notify(t("relations.pick_first"), severity="warning")
        return self._row

    def _done(self, message: str) -> Callable[[object], None]:
        def done(_: object) -> None:
            self.notify(message, markup=False)
            self.reload()

        return done

    def action_new(self) -> None:
        if self.section == "invitees":
            self._invite()
            return
        if self.section == "events":
            self._new_event()
            return
        title = t(f"relations.pick.title_{self.section}")
        open_modal(self.app, ContactPickModal(title), self._contact_picked)

    def _contact_picked(self, picked: list[ContactChoice] | None) -> None:
        if not picked:
            return
        if self.section == "prospects":
            form = prospect_form(self, picked[0], self._departments, self.reload)
            open_modal(self.app, form)
        elif self.section == "gifts":
            self._new_gift(picked[0])

    def _new_gift(self, choice: ContactChoice) -> None:
        app = self.desk_app
        departments = [
            (department_name(code, self._departments), code)
            for code, _, _ in self._departments
            if code != "customer_service"
        ] or [(t("department.business"), "business")]
        who = visible(choice.customer_name)
        fields = [
            LegField("gift", t("relations.gift.gift")),
            LegField("sent_at", t("relations.gift.sent_at"), placeholder=t("relations.time_hint")),
            LegField(
                "department", t("relations.gift.department"), kind="select", options=departments
            ),
            LegField("sent_by", t("relations.gift.sent_by")),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            facts, problems = check_gift(values, self._now(), self.zone)
            if problems or facts is None:
                modal.show_problems(problems)
                return
            calendar = app.calendar
            if calendar is None:
                from deskui.domain.calendar import BusinessCalendar

                calendar = BusinessCalendar(tz=app.settings.site_timezone)
            command = RecordGift(
                customer_id=choice.customer_id,
                contact_id=choice.contact_id,
                gift=facts.gift,
                sent_at=facts.sent_at,
                sent_by=facts.sent_by,
                department_code=facts.department_code,
                calendar=calendar,
            )

            def done(saved: GiftSaved) -> None:
                key = "relations.gift.saved_joined" if saved.joined else "relations.gift.saved"
                self.notify(t(key, who=who, id=saved.callback_id), markup=False)
                self.reload()

            save_leg(self, modal, record_gift, command, done)

        key = f"{choice.customer_id}:{choice.contact_id}"
        title = t("relations.gift.title", who=who)
        open_modal(
            self.app, LegFormModal(title, fields, submit, draft="relations_gift", draft_key=key)
        )

    def _new_event(self) -> None:
        fields = [
            LegField("name", t("relations.event.name")),
            LegField(
                "event_on", t("relations.event.event_on"), placeholder=t("relations.date_hint")
            ),
            LegField("place", t("relations.event.place")),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            facts, problems = check_event(values, self._now(), self.zone)
            if problems or facts is None:
                modal.show_problems(problems)
                return

            zone = self.desk_app.settings.site_timezone
            command = AddEvent(facts.name, facts.event_on, facts.place, zone)
            due = facts.plan_due_on.isoformat()
            message = t("relations.event.saved", name=visible(facts.name), due=due)
            save_leg(self, modal, add_event, command, self._done(message))

        open_modal(
            self.app,
            LegFormModal(t("relations.event.title"), fields, submit, draft="relations_event"),
        )

    def action_hand(self) -> None:
        row: ProspectRow | None = self._picked()
        if row is None:
            return
        if row.status != ProspectStatus.FOLLOWING:
            self.notify(t("relations.error.not_following"), severity="warning")
            return
        options = [o for o in follow_options(self._departments) if o[1] != CS]
        fields = [
            LegField(
                "department", t("relations.prospect.department"), kind="select", options=options
            ),
            LegField("person", t("relations.prospect.person")),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems = check_hand_off(values)
            if problems:
                modal.show_problems(problems)
                return
            department, person = values["department"], values["person"]
            message = t(
                "relations.prospect.handed_ok",
                department=department_name(department, self._departments),
                person=visible(person.strip()),
            )
            command = HandProspect(row.id, department, person)
            save_leg(self, modal, hand_prospect, command, self._done(message))

        title = t("relations.prospect.hand_title", who=visible(row.customer_name))
        open_modal(
            self.app, LegFormModal(title, fields, submit, draft="relations_hand", draft_key=row.id)
        )

    def action_close(self) -> None:
        row: ProspectRow | None = self._picked()
        if row is None:
            return
        fields = [LegField("outcome", t("relations.prospect.outcome"), kind="area")]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems = check_text("outcome", values["outcome"])
            if problems:
                modal.show_problems(problems)
                return
            command = CloseProspect(row.id, values["outcome"])
            save_leg(
                self, modal, close_prospect, command, self._done(t("relations.prospect.closed_ok"))
            )

        title = t("relations.prospect.close_title", who=visible(row.customer_name))
        open_modal(
            self.app, LegFormModal(title, fields, submit, draft="relations_close", draft_key=row.id)
        )

    def action_confirm(self) -> None:
        row: GiftRow | None = self._picked()
        if row is None:
            return
        fields = [
            LegField(
                "arrived",
                t("relations.gift.arrived"),
                kind="select",
                options=[
                    (t("relations.gift.arrived_yes"), "yes"),
                    (t("relations.gift.arrived_no"), "no"),
                ],
            ),
            LegField("note", t("relations.gift.note"), kind="area"),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems = check_text("note", values["note"], required=values["arrived"] == "no")
            if problems:
                modal.show_problems(problems)
                return
            arrived = values["arrived"] == "yes"
            command = ConfirmGift(row.id, arrived, values["note"])

            def done(result: CallbackResult | None) -> None:
                follow_up = result.follow_up_ticket_id if result else None
                if follow_up is not None:
                    self.notify(t("relations.gift.follow_up", id=follow_up), severity="warning")
                else:
                    key = "relations.gift.confirmed_ok" if arrived else "relations.gift.missing_ok"
                    self.notify(t(key))
                self.reload()

            save_leg(self, modal, confirm_gift, command, done)

        title = t("relations.gift.confirm_title", gift=visible(row.gift))
        open_modal(
            self.app,
            LegFormModal(title, fields, submit, draft="relations_confirm", draft_key=row.id),
        )

    def action_plan(self) -> None:
        row: EventRow | None = self._picked()
        if row is None:
            return
        fields = [
            LegField("plan", t("relations.event.plan"), kind="area", value=row.plan),
            LegField("plan_by", t("relations.event.plan_by"), value=row.plan_by),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems = check_plan(values)
            if problems:
                modal.show_problems(problems)
                return
            command = RecordPlan(row.id, values["plan"], values["plan_by"])
            message = t("relations.event.plan_saved", name=visible(row.name))
            save_leg(self, modal, record_plan, command, self._done(message))

        title = t("relations.event.plan_title", name=visible(row.name))
        open_modal(
            self.app, LegFormModal(title, fields, submit, draft="relations_plan", draft_key=row.id)
        )

    def action_invitees(self) -> None:
        row: EventRow | None = self._picked()
        if row is not None:
            self._event_loaded(row)

    def _invite(self) -> None:
        if self.event is None:
            return
        title = t("relations.pick.title_invitees", name=visible(self.event.name))
        open_modal(self.app, ContactPickModal(title, multiple=True), self._invitees_picked)

    def _invitees_picked(self, picked: list[ContactChoice] | None) -> None:
        if not picked or self.event is None:
            return
        choices = [(c.customer_id, c.contact_id) for c in picked]

        def done(added: int) -> None:
            skipped = len(choices) - added
            self.notify(t("relations.event.invited_ok", count=added, skipped=skipped))
            self.reload()

        save_leg(self, None, invite, Invite(self.event.id, tuple(choices)), done)

    def action_sent(self) -> None:
        row: InviteeRow | None = self._picked()
        if row is None:
            return
        agent = self.desk_app.agent
        fields = [
            LegField(
                "way",
                t("relations.event.way"),
                kind="select",
                options=[(t(f"relations.way.{w}"), w.value) for w in InviteWay],
            ),
            LegField(
                "invited_at", t("relations.event.invited_at"), placeholder=t("relations.now_hint")
            ),
            LegField(
                "invited_by", t("relations.event.invited_by"), value=agent.name if agent else ""
            ),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            at, problems = check_invitation(values, self._now(), self.zone)
            if problems or at is None:
                modal.show_problems(problems)
                return
            command = InvitationSent(row.id, at, values["way"], values["invited_by"])
            message = t("relations.event.sent_ok", who=visible(row.customer_name))
            save_leg(self, modal, invitation_sent, command, self._done(message))

        title = t("relations.event.sent_title", who=visible(row.customer_name))
        open_modal(
            self.app, LegFormModal(title, fields, submit, draft="relations_sent", draft_key=row.id)
        )

    def action_attendance(self) -> None:
        row: InviteeRow | None = self._picked()
        if row is None:
            return
        fields = [
            LegField(
                "attendance",
                t("relations.event.attendance"),
                kind="select",
                options=[(t(f"relations.attendance.{a}"), a.value) for a in Attendance],
                value=row.attendance or "",
            ),
            LegField("note", t("relations.event.note"), value=row.note),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems = check_text("note", values["note"], required=False, limit=500)
            if problems:
                modal.show_problems(problems)
                return
            attendance = values["attendance"]
            zone = self.desk_app.settings.site_timezone
            command = RecordAttendance(row.id, attendance, zone, values["note"])
            message = t(
                "relations.event.attendance_ok",
                who=visible(row.customer_name),
                attendance=t(f"relations.attendance.{attendance}"),
            )
            save_leg(self, modal, record_attendance, command, self._done(message))

        title = t("relations.event.attendance_title", who=visible(row.customer_name))
        open_modal(
            self.app,
            LegFormModal(title, fields, submit, draft="relations_attendance", draft_key=row.id),
        )
