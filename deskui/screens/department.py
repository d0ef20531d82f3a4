"""F7: a department's queue (seed 002:2.3.2, 2.4.2, 2.5). A department member signs in to
their own department's tickets with each leg's countdown; a CS agent records a department's
answers on its behalf, under the department person's name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from deskui.domain.department_legs import (
    LegPolicy,
    LegStage,
    check_name,
    check_note,
    check_plan,
    check_result,
    leg_times,
)
from deskui.domain.search import visible
from deskui.domain.work_permissions import works_one_department
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal, ring_bell
from deskui.screens.delivery import deliver
from deskui.screens.example_times import example_time
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.leg_form import LegField, LegFormModal, save_in_worker, save_leg
from deskui.screens.runner import call_service
from deskui.screens.trouble_text import error_line
from deskui.services.departments import (
    AcceptLeg,
    DepartmentQueuePage,
    FindDepartment,
    HandToDepartment,
    PlanLeg,
    RecordLegResult,
    ReturnLeg,
    accept_leg,
    department_queue_count,
    department_queue_rows,
    find_department,
    plan_leg,
    record_leg_result,
    return_leg,
)
from deskui.services.departments import hand_to_department as hand_ticket_to_department
from deskui.widgets.banner import Banner
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.departments import LegRecord, LegRow

# the leg form moved to leg_form.py; the ticket record and the tests still find it here
__all__ = [
    "DEPARTMENT_CODES",
    "DepartmentScreen",
    "LegField",
    "LegFormModal",
    "describe_leg",
    "hand_to_department",
    "legs_table",
    "save_in_worker",
]

DEPARTMENT_CODES = ("technical", "platform", "business", "customer_service")


# -- the queue -------------------------------------------------------------------------------


class DepartmentQueueSource:
    """A department's open legs, soonest due first, for the work list's worker."""

    def __init__(self, app: DeskHost, department_code: str) -> None:
        self._app = app
        self.department_code = department_code

    def count(self) -> int:
        page = DepartmentQueuePage(self.department_code)
        return call_service(self._app, department_queue_count, page)

    def rows(self, offset: int, limit: int) -> list[Any]:
        page = DepartmentQueuePage(self.department_code, offset, limit)
        return list(call_service(self._app, department_queue_rows, page))


class DepartmentScreen(KeptScreen):
    """Only one department's tickets, each with the countdown of the step it waits for."""

    CSS_PATH = "department.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "keys.leg_accept", id="leg_accept"),
        Binding("p", "plan", "keys.leg_plan", id="leg_plan"),
        Binding("f", "result", "keys.leg_result", id="leg_result"),
        Binding("b", "return_leg", "keys.leg_return", id="leg_return"),
        Binding("d", "switch_department", "keys.leg_switch", id="leg_switch"),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class DepartmentFound(Message):
        code: str | None

    def __init__(self, department_code: str | None = None) -> None:
        super().__init__(id="department-desk")
        localize_bindings(self)
        self.department_code = department_code
        self._row: LegRow | None = None

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    @property
    def member(self) -> bool:
        """A department member records as themself; CS records for someone, by name."""
        agent = self.desk_app.agent
        return agent is not None and works_one_department(agent.role)

    def compose(self) -> ComposeResult:
        yield Static("", id="department-title", classes="section-title")
        yield Banner(id="department-trouble")
        yield WorkList(
            columns=self._columns(),
            empty_text=t("department.legs.empty"),
            row_key=lambda row: row.leg.id,
            id="department-queue",
        )
        yield Static("", id="leg-detail")
        yield KeyFooter()

    def _columns(self) -> list[Column]:
        def stage(row: Any) -> str:
            return t(f"department.legs.stage.{row.leg.stage}")

        def severity(row: Any) -> str:
            return t(f"severity.{row.severity}")

        return [
            Column(
                title=t("department.legs.col_countdown"),
                width=18,
                countdown=lambda row: (row.due_at, row.starts_at, row.paused_at),
                min_width=14,
            ),
            Column(title=t("department.legs.col_stage"), width=12, cell=stage),
            Column(
                title=t("department.legs.col_ticket"),
                width=7,
                cell=lambda row: f"#{row.leg.ticket_id}",
            ),
            # on a narrow terminal the severity and the CS owner leave (the detail says them) so
            # the customer's words stay
            Column(title=t("department.legs.col_severity"), width=8, cell=severity, drop=2),
            Column(
                title=t("department.legs.col_customer"),
                width=24,
                cell=lambda r: r.customer_name,
                min_width=14,
            ),
            Column(
                title=t("department.legs.col_owner"), width=10, cell=lambda r: r.owner_name, drop=1
            ),
            Column(
                title=t("department.legs.col_words"),
                width=0,
                cell=lambda r: r.customer_words,
                min_width=12,
            ),
        ]

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        if self.department_code is None and self.member:
            self.find_department()
        else:
            self._show_department(self.department_code or DEPARTMENT_CODES[0])

    def reopened(self) -> None:
        """F7 again after Esc: the department shown stays (CS's choice with d), its queue
        read again with the cursor on the same leg where it still is; the keys go to it."""
        if self.department_code is None and self.member:
            self.find_department()  # not found the first time (the member's department)
            return
        queue = self.query_one("#department-queue", WorkList)
        queue.focus()
        self.call_after_refresh(queue.reload)  # once the screen is painted as it was left

    @work(thread=True, exclusive=True, group="department_find", exit_on_error=False)
    def find_department(self) -> None:
        try:
            code = call_service(self.desk_app, find_department, FindDepartment())
        except Exception as error:
            deliver(self, self._trouble, error_line(error))
            return
        self.post_message(self.DepartmentFound(code))

    def on_department_screen_department_found(self, message: DepartmentFound) -> None:
        if message.code is None:
            self.query_one("#department-title", Static).update(t("department.legs.not_member"))
            return
        self._show_department(message.code)

    def _show_department(self, code: str) -> None:
        self.department_code = code
        name = t(f"department.{code}")
        agent = self.desk_app.agent
        if self.member and agent is not None:
            title = t("department.legs.desk_title", department=name) + "  ·  "
            title += t("department.legs.signed_in", name=visible(agent.name), department=name)
        else:
            title = t("department.legs.desk_title_cs", department=name)
        self.query_one("#department-title", Static).update(Text(title))
        queue = self.query_one("#department-queue", WorkList)
        queue.set_source(DepartmentQueueSource(self.desk_app, code))
        queue.focus()

    def _trouble(self, reason: str) -> None:
        self.query_one("#department-trouble", Banner).message = t(
            "department.legs.trouble", reason=visible(reason.splitlines()[0] if reason else "")
        )

    # -- the list --------------------------------------------------------------------------

    @on(WorkList.CursorMoved, "#department-queue")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self._row = event.row
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        detail = describe_leg(event.row.leg, zone) if event.row is not None else Text("")
        self.query_one("#leg-detail", Static).update(detail)

    @on(WorkList.RowSelected, "#department-queue")
    def open_ticket(self, event: WorkList.RowSelected) -> None:
        from deskui.screens.desk import open_work_item

        open_work_item(self.app, event.row)

    def reload(self) -> None:
        self.query_one("#department-queue", WorkList).reload()

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"department_leg", "deadline"}:
            self.reload()

    def action_switch_department(self) -> None:
        if self.member:
            ring_bell(self)
            return
        codes = list(DEPARTMENT_CODES)
        current = codes.index(self.department_code) if self.department_code in codes else -1
        self._show_department(codes[(current + 1) % len(codes)])

    # -- the steps -------------------------------------------------------------------------

    def _current(self, wanted: LegStage) -> LegRecord | None:
        row = self._row
        if row is None:
            self.notify(t("department.legs.pick_first"), severity="warning")
            return None
        if row.leg.stage is not wanted:
            self.notify(t(f"department.legs.error.stage_{row.leg.stage}"), severity="warning")
            return None
        return row.leg

    def _by_field(self) -> list[LegField]:
        return [] if self.member else [LegField("by_name", t("department.legs.by_name"))]

    def _by_name(self, values: dict[str, str]) -> str | None:
        return None if self.member else values.get("by_name", "")

    def _done(self, key: str, leg: LegRecord) -> Callable[[object], None]:
        def done(_: object) -> None:
            owner = self._row.owner_name if self._row is not None else ""
            self.notify(t(key, id=leg.ticket_id, owner=visible(owner)), markup=False)
            self.reload()

        return done

    def action_accept(self) -> None:
        self._step_by_name(
            LegStage.ACCEPT,
            "accepted_ok",
            "accept_title",
            lambda leg_id, name: (accept_leg, AcceptLeg(leg_id, name)),
        )

    def action_plan(self) -> None:
        leg = self._current(LegStage.PLAN)
        if leg is None:
            return
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        fields = [
            LegField(
                "expected",
                t("department.legs.expected"),
                placeholder=t(
                    "department.legs.plan_expected_hint",
                    example=example_time(self.desk_app, 17),
                ),
            ),
            LegField("measures", t("department.legs.measures"), kind="area"),
            *self._by_field(),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            name = self._by_name(values)
            expected, problems = check_plan(
                LegPolicy(), values["expected"], values["measures"], name, self._now(), zone
            )
            if problems or expected is None:
                modal.show_problems(problems)
                return
            command = PlanLeg(leg.id, expected, values["measures"], name or "")
            save_leg(self, modal, plan_leg, command, self._done("department.legs.planned_ok", leg))

        title = t("department.legs.plan_title", id=leg.ticket_id)
        open_modal(
            self.app, LegFormModal(title, fields, submit, draft="leg_plan", draft_key=leg.id)
        )

    def action_result(self) -> None:
        leg = self._current(LegStage.RESULT)
        if leg is None:
            return
        fields = [LegField("result", t("department.legs.result"), kind="area"), *self._by_field()]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            name = self._by_name(values)
            problems = check_result(values["result"], name)
            if problems:
                modal.show_problems(problems)
                return
            command = RecordLegResult(leg.id, values["result"], name or "")
            done = self._done("department.legs.result_ok", leg)
            save_leg(self, modal, record_leg_result, command, done)

        title = t("department.legs.result_title", id=leg.ticket_id)
        open_modal(
            self.app, LegFormModal(title, fields, submit, draft="leg_result", draft_key=leg.id)
        )

    def action_return_leg(self) -> None:
        self._step_by_name(
            LegStage.RETURN,
            "returned_ok",
            "return_title",
            lambda leg_id, name: (return_leg, ReturnLeg(leg_id, name)),
        )

    def _step_by_name(
        self,
        stage: LegStage,
        ok_key: str,
        title_key: str,
        step: Callable[[int, str], tuple[Any, Any]],
    ) -> None:
        """A step that records only who took it (accept, return): at once for a department
        member, else in a dialog asking for the department person's name. `step(leg id,
        name)` gives the service and its command."""
        leg = self._current(stage)
        if leg is None:
            return
        done = self._done(f"department.legs.{ok_key}", leg)
        if self.member:
            save_leg(self, None, *step(leg.id, ""), done)
            return

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            name = self._by_name(values)
            problems = check_name(name)
            if problems:
                modal.show_problems(problems)
                return
            save_leg(self, modal, *step(leg.id, name or ""), done)

        title = t(f"department.legs.{title_key}", id=leg.ticket_id)
        open_modal(
            self.app,
            LegFormModal(title, self._by_field(), submit, draft=f"leg_{stage}", draft_key=leg.id),
        )

    def _now(self) -> datetime:
        return self.desk_app.clock.now()


# -- the CS side: hand a ticket to a department ----------------------------------------------


def hand_to_department(
    screen: Screen[Any], ticket_id: int, proposed: str | None, done: Callable[[], None]
) -> None:
    """The hand-off form: the department (the routing proposal first) and a note."""
    app = desk_host(screen.app)
    agent = app.agent
    if agent is None:
        ring_bell(screen)
        return
    codes = [c for c in DEPARTMENT_CODES if c != "customer_service"]
    options = [(t(f"department.{code}"), code) for code in codes]
    fields = [
        LegField(
            "department",
            t("department.legs.hand_department"),
            kind="select",
            value=proposed if proposed in codes else "",
            options=options,
        ),
        LegField("note", t("department.legs.hand_note")),
    ]

    def submit(values: dict[str, str], modal: LegFormModal) -> None:
        note = values["note"]
        problems = check_note(note)
        if problems:
            modal.show_problems(problems)
            return
        code = values["department"]

        def finished(_: object) -> None:
            name = t(f"department.{code}")
            app.notify(t("department.legs.handed_ok", id=ticket_id, department=name))
            done()

        command = HandToDepartment(ticket_id, code, note)
        save_leg(screen, modal, hand_ticket_to_department, command, finished)

    title = t("department.legs.hand_title", id=ticket_id)
    form = LegFormModal(title, fields, submit, draft="hand_off", draft_key=ticket_id)
    open_modal(screen.app, form)


# -- how a leg reads, on the queue and on the ticket -------------------------------------------


def describe_leg(leg: LegRecord, zone: ZoneInfo) -> Text:
    """The leg's steps so far, each with who and when; user text painted literally."""
    text = Text()
    text.append(f"#{leg.ticket_id}  ", style="bold")
    text.append(t(f"department.{leg.department_code}"))
    text.append("  ")
    text.append(
        t("department.legs.handed", at=_local(leg.handed_at, zone), who=visible(leg.handed_by))
    )
    if leg.note:
        text.append(f"\n{t('department.legs.note')}: ", style="bold")
        text.append(visible(leg.note))
    if leg.expected_at is not None:
        text.append(f"\n{t('department.legs.expected')}: ", style="bold")
        text.append(_local(leg.expected_at, zone))
        text.append(f"\n{t('department.legs.measures')}: ", style="bold")
        text.append(visible(leg.measures))
    if leg.result:
        text.append(f"\n{t('department.legs.result')}: ", style="bold")
        text.append(visible(leg.result))
    return text


def legs_table(legs: Sequence[LegRecord], now: datetime, zone: ZoneInfo) -> Group | Text:
    """Every leg of a ticket: each step with who, when, how long it took against its limit."""
    if not legs:
        return Text(t("department.legs.none"), style="dim")
    policy = LegPolicy()
    who = {
        LegStage.ACCEPT: lambda leg: leg.accepted_by,
        LegStage.PLAN: lambda leg: leg.planned_by,
        LegStage.RESULT: lambda leg: leg.result_by,
        LegStage.RETURN: lambda leg: leg.returned_by,
        LegStage.INFORM: lambda leg: leg.returned_to,
    }
    parts: list[Text | Table] = []
    for leg in legs:
        header = Text(t(f"department.{leg.department_code}"), style="bold")
        header.append(f"  [{t(f'department.legs.stage.{leg.stage}')}]  ")
        header.append(
            t("department.legs.handed", at=_local(leg.handed_at, zone), who=visible(leg.handed_by))
        )
        parts.append(header)
        steps = Table.grid(padding=(0, 2))
        for _ in range(5):
            steps.add_column(no_wrap=True)
        steps.add_column()
        for step in leg_times(policy, leg.facts, now):
            state = (
                t("department.legs.open")
                if step.ended_at is None
                else t("department.legs.late")
                if step.late
                else t("department.legs.on_time")
            )
            steps.add_row(
                Text("  " + t(f"department.legs.step.{step.stage}")),
                Text(_local(step.ended_at, zone) if step.ended_at else "—"),
                Text(t("department.legs.took", took=_duration(step.took))),
                Text(t("department.legs.limit", due=_local(step.due_at, zone))),
                Text(state, style="bold" if step.late else ""),
                Text(visible(who[step.stage](leg)) if step.ended_at else ""),
            )
        parts.append(steps)
        notes = Table.grid(padding=(0, 2))
        notes.add_column(no_wrap=True)
        notes.add_column()
        for label, value in (
            ("note", leg.note),
            ("expected", _local(leg.expected_at, zone)),
            ("measures", leg.measures),
            ("result", leg.result),
        ):
            if value:
                notes.add_row(Text(f"  {t(f'department.legs.{label}')}"), Text(visible(value)))
        parts.append(notes)
    return Group(*parts)


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return t("department.legs.duration_dhm", d=days, h=hours, m=minutes)
    if hours:
        return t("department.legs.duration_hm", h=hours, m=minutes)
    return t("department.legs.duration_m", m=minutes)


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""
