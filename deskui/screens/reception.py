"""F8: reception (seed 001:4): today's booked visitors in time order with what to prepare,
walk-ins (one key makes a walk-in's problem a ticket), contractor passes and the ones that
expire today, phone messages for colleagues (an urgent one rings the addressee's bell)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from deskui.domain.accounts import sees_personal
from deskui.domain.field_problem import FieldProblem
from deskui.domain.masking import masked_record
from deskui.domain.model import COMPLAINT_CATEGORIES, QUESTION_CATEGORIES, Severity
from deskui.domain.phone import display_number
from deskui.domain.reception import check_pass, check_text, check_time
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal, ring_bell
from deskui.screens.delivery import deliver
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.leg_form import LegField, LegFormModal, save_leg
from deskui.screens.runner import call_service
from deskui.screens.trouble_text import error_line
from deskui.services.agents import desk_agents
from deskui.services.reception import (
    SECTIONS,
    FinishMessage,
    IssuePass,
    MakeWalkInTicket,
    ReceptionPage,
    RecordVisit,
    RevokePass,
    TakeMessage,
    VisitorArrived,
    VisitorLeft,
    finish_message,
    issue_pass,
    make_walk_in_ticket,
    reception_count,
    reception_page,
    record_visit,
    revoke_pass,
    take_message,
    visitor_arrived,
    visitor_left,
)
from deskui.widgets.banner import Banner
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.agents import AgentRecord
    from deskui.services.reception import MessageRow, PassRow, VisitRow

__all__ = ["SECTIONS", "ReceptionScreen", "ReceptionSource"]


class ReceptionSource:
    """One section's rows for the work list's worker; `now` read at each query."""

    def __init__(self, app: DeskHost, section: str) -> None:
        self._app = app
        self.section = section

    def _page(self, offset: int = 0, limit: int = 0) -> ReceptionPage:
        return ReceptionPage(self.section, self._app.settings.site_timezone, offset, limit)

    def count(self) -> int:
        return call_service(self._app, reception_count, self._page())

    def rows(self, offset: int, limit: int) -> list[Any]:
        rows = call_service(self._app, reception_page, self._page(offset, limit))
        actor = self._app.actor
        # a caller's number on a message is personal: masked for a role that need not see it
        sees = actor is not None and sees_personal(actor.role, self._app.site_rules.masked_roles)
        return [masked_record(row, sees=sees) for row in rows]


class ReceptionScreen(KeptScreen):
    """The front desk's own work beside the calls."""

    CSS_PATH = "reception.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "section('visitors')", "keys.rc_visitors", id="rc_visitors", show=False),
        Binding("2", "section('walk_ins')", "keys.rc_walk_ins", id="rc_walk_ins", show=False),
        Binding("3", "section('expiring')", "keys.rc_expiring", id="rc_expiring", show=False),
        Binding("4", "section('passes')", "keys.rc_passes", id="rc_passes", show=False),
        Binding("5", "section('messages')", "keys.rc_messages", id="rc_messages", show=False),
        Binding("a", "new", "keys.rc_new", id="rc_new"),
        Binding("i", "arrived", "keys.rc_arrived", id="rc_arrived"),
        Binding("o", "left", "keys.rc_left", id="rc_left"),
        Binding("t", "ticket", "keys.rc_ticket", id="rc_ticket"),
        Binding("v", "revoke", "keys.rc_revoke", id="rc_revoke"),
        Binding("d", "done", "keys.rc_done", id="rc_done"),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    def __init__(self, section: str = "visitors") -> None:
        super().__init__(id="reception")
        localize_bindings(self)
        self.section = section
        self._row: Any = None
        self._agents: list[AgentRecord] = []

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.desk_app.settings.site_timezone)

    def compose(self) -> ComposeResult:
        yield Static(t("reception.title"), id="reception-title", classes="section-title")
        yield Static("", id="reception-sections")
        yield Banner(id="reception-trouble")
        yield WorkList(columns=[], empty_text="", row_key=lambda row: row.id, id="reception-list")
        yield Static("", id="reception-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.load_agents()
        self.action_section(self.section)

    def reopened(self) -> None:
        """F8 again after Esc: the section the agent chose (1-5) stays, read again with the
        cursor on the same visitor, pass or message where it still is; keys go to it."""
        work_list = self.query_one("#reception-list", WorkList)
        work_list.focus()
        self.call_after_refresh(work_list.reload)  # once the screen is painted as it was left

    @work(thread=True, exclusive=True, group="reception_agents", exit_on_error=False)
    def load_agents(self) -> None:
        try:
            agents = call_service(self.desk_app, desk_agents, None)
        except Exception as error:
            deliver(self, self._trouble, error_line(error))
            return
        deliver(self, self._agents_loaded, agents)

    def _agents_loaded(self, agents: list[AgentRecord]) -> None:
        self._agents = agents

    def _trouble(self, reason: str) -> None:
        first = reason.splitlines()[0] if reason else ""
        self.query_one("#reception-trouble", Banner).message = t(
            "reception.trouble", reason=visible(first)
        )

    # -- sections ----------------------------------------------------------------------------

    def action_section(self, section: str) -> None:
        self.section = section
        line = Text()
        for number, (name, label) in enumerate(
            zip(SECTIONS, t("reception.sections").split(" · "), strict=False), start=1
        ):
            del number
            line.append(f" {label} ", style="reverse bold" if name == section else "")
            line.append(" ")
        self.query_one("#reception-sections", Static).update(line)
        work_list = self.query_one("#reception-list", WorkList)
        work_list.columns = tuple(self._columns(section))
        work_list.empty_text = t(f"reception.empty_{section}")
        work_list.set_source(ReceptionSource(self.desk_app, section))
        self._row = None
        self.query_one("#reception-detail", Static).update("")
        work_list.focus()

    def _time(self, value: datetime | None, pattern: str = "%H:%M") -> str:
        return value.astimezone(self.zone).strftime(pattern) if value else ""

    def _columns(self, section: str) -> list[Column]:
        if section in ("visitors", "walk_ins"):
            return self._visit_columns(section)
        if section == "messages":
            return [
                Column(
                    t("reception.col_taken"),
                    12,
                    cell=lambda r: self._time(r.taken_at, "%m-%d %H:%M"),
                ),
                Column(
                    t("reception.urgent"),
                    6,
                    cell=lambda r: t("reception.urgent") if r.urgent else "",
                ),
                Column(t("reception.col_for"), 10, cell=lambda r: r.for_name),
                Column(t("reception.col_from"), 12, cell=lambda r: r.from_name),
                Column(t("reception.col_number"), 16, cell=lambda r: display_number(r.from_number)),
                Column(t("reception.col_message"), 0, cell=lambda r: r.message),
            ]
        return [
            Column(t("reception.col_pass"), 6, cell=lambda r: f"#{r.id}"),
            Column(t("reception.col_valid"), 24, cell=self._validity),
            Column(t("reception.col_company"), 22, cell=lambda r: r.company),
            Column(t("reception.col_area"), 18, cell=lambda r: r.area),
            Column(t("reception.col_issued_by"), 10, cell=lambda r: r.issued_by),
            Column(t("reception.col_people"), 0, cell=lambda r: r.people),
        ]

    def _validity(self, row: PassRow) -> str:
        return (
            f"{self._time(row.valid_from, '%m-%d %H:%M')}–{self._time(row.valid_to, '%m-%d %H:%M')}"
        )

    def _visit_columns(self, section: str) -> list[Column]:
        def state(row: VisitRow) -> str:
            if row.left_at:
                return t("reception.state_left")
            if row.arrived_at:
                return t("reception.state_here")
            return t("reception.state_expected")

        first = (
            Column(t("reception.col_time"), 6, cell=lambda r: self._time(r.expected_at))
            if section == "visitors"
            else Column(t("reception.col_arrived"), 6, cell=lambda r: self._time(r.arrived_at))
        )
        last = (
            Column(t("reception.col_prepare"), 0, cell=lambda r: r.prepare)
            if section == "visitors"
            else Column(t("reception.col_purpose"), 0, cell=lambda r: r.purpose)
        )
        return [
            first,
            Column(t("reception.col_state"), 6, cell=state),
            Column(t("reception.col_visitor"), 10, cell=lambda r: r.visitor),
            Column(t("reception.col_company"), 20, cell=lambda r: r.company),
            Column(t("reception.col_host"), 10, cell=lambda r: r.host),
            Column(
                t("reception.col_ticket"),
                8,
                cell=lambda r: f"#{r.ticket_id}" if r.ticket_id else "",
            ),
            last,
        ]

    # -- the list ----------------------------------------------------------------------------

    @on(WorkList.CursorMoved, "#reception-list")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self._row = event.row
        self.query_one("#reception-detail", Static).update(self._describe(event.row))

    def _describe(self, row: Any) -> Text:
        text = Text()
        if row is None:
            return text
        pairs: list[tuple[str, str]] = []
        if self.section in ("visitors", "walk_ins"):
            text.append(visible(row.visitor), style="bold")
            text.append(f"  {visible(row.company)}")
            pairs = [("detail_purpose", row.purpose), ("detail_prepare", row.prepare)]
            if row.ticket_id:
                pairs.append(("", t("reception.detail_ticket", id=row.ticket_id)))
        elif self.section == "messages":
            number = visible(display_number(row.from_number))
            text.append(f"{visible(row.from_name)} {number}", style="bold")
            pairs = [("detail_message", row.message)]
        else:
            text.append(f"#{row.id} {visible(row.company)}", style="bold")
            pairs = [("detail_area", row.area), ("detail_people", row.people)]
        for key, value in pairs:
            if value:
                text.append("\n")
                if key:
                    text.append(f"{t(f'reception.{key}')}: ", style="bold")
                text.append(visible(value))
        return text

    def reload(self) -> None:
        self.query_one("#reception-list", WorkList).reload()

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"visit", "contractor_pass", "phone_message"}:
            self.reload()

    # -- actions -----------------------------------------------------------------------------

    def _me(self) -> int:
        agent = self.desk_app.agent
        assert agent is not None
        return agent.id

    def _now(self) -> datetime:
        return self.desk_app.clock.now()

    def _picked(self, *sections: str) -> Any:
        if self.section not in sections:
            self.notify(t("reception.not_here"), severity="warning")
            return None
        if self._row is None:
            self.notify(t("reception.pick_first"), severity="warning")
            return None
        return self._row

    def _done(self, message: str) -> Callable[[object], None]:
        def done(_result: object = None) -> None:
            self.notify(message, markup=False)
            self.reload()

        return done

    def action_new(self) -> None:
        if self.section in ("visitors", "walk_ins"):
            self._new_visit(walk_in=self.section == "walk_ins")
        elif self.section == "messages":
            self._new_message()
        else:
            self._new_pass()

    def _new_visit(self, walk_in: bool) -> None:
        fields = [
            LegField("visitor", t("reception.visitor")),
            LegField("company", t("reception.company")),
            LegField("host", t("reception.host")),
        ]
        if not walk_in:
            fields.append(
                LegField(
                    "expected_at", t("reception.expected_at"), placeholder=t("reception.time_hint")
                )
            )
        fields.append(LegField("purpose", t("reception.purpose"), kind="area"))
        if not walk_in:
            fields.append(LegField("prepare", t("reception.prepare"), kind="area"))

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems = check_text("visitor", values["visitor"], limit=80)
            problems += check_text("company", values["company"], required=False, limit=120)
            problems += check_text("host", values["host"], required=walk_in is False, limit=80)
            problems += check_text("purpose", values["purpose"], required=False)
            problems += check_text("prepare", values.get("prepare", ""), required=False)
            expected = None
            if not walk_in:
                expected, bad = check_time(
                    "expected_at", values["expected_at"], self._now(), self.zone
                )
                problems += bad
            if problems:
                modal.show_problems(problems)
                return

            command = RecordVisit(
                visitor=values["visitor"],
                company=values["company"],
                purpose=values["purpose"],
                host=values["host"],
                prepare=values.get("prepare", ""),
                expected_at=expected,
            )
            name = visible(values["visitor"].strip())
            done = self._done(t("reception.saved_visit", name=name))
            save_leg(self, modal, record_visit, command, done)

        title = t("reception.new_walk_in_title" if walk_in else "reception.new_visit_title")
        form = "reception_walk_in" if walk_in else "reception_visit"
        open_modal(self.app, LegFormModal(title, fields, submit, draft=form))

    def _new_pass(self) -> None:
        agent = self.desk_app.agent
        fields = [
            LegField("company", t("reception.company")),
            LegField("people", t("reception.people"), kind="area"),
            LegField("area", t("reception.area")),
            LegField("valid_from", t("reception.valid_from"), placeholder=t("reception.time_hint")),
            LegField("valid_to", t("reception.valid_to"), placeholder=t("reception.time_hint")),
            LegField("issued_by", t("reception.issued_by"), value=agent.name if agent else ""),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            facts, problems = check_pass(values, self._now(), self.zone)
            if problems or facts is None:
                modal.show_problems(problems)
                return

            command = IssuePass(
                company=values["company"],
                people=values["people"],
                area=values["area"],
                valid_from=facts.valid_from,
                valid_to=facts.valid_to,
                issued_by=values["issued_by"],
            )
            company = visible(values["company"].strip())
            done = self._done(t("reception.saved_pass", company=company))
            save_leg(self, modal, issue_pass, command, done)

        open_modal(
            self.app,
            LegFormModal(t("reception.new_pass_title"), fields, submit, draft="reception_pass"),
        )

    def _new_message(self) -> None:
        me = self._me()
        options = [(visible(a.name), str(a.id)) for a in self._agents if a.id != me]
        if not options:
            ring_bell(self)
            return
        fields = [
            LegField("for_agent", t("reception.for_agent"), kind="select", options=options),
            LegField("from_name", t("reception.from_name")),
            LegField("from_number", t("reception.from_number")),
            LegField("message", t("reception.message"), kind="area"),
            LegField(
                "urgent",
                t("reception.urgency"),
                kind="select",
                options=[(t("reception.urgent_no"), "no"), (t("reception.urgent_yes"), "yes")],
            ),
        ]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems: list[FieldProblem] = check_text("from_name", values["from_name"], limit=80)
            problems += check_text("from_number", values["from_number"], required=False, limit=40)
            problems += check_text("message", values["message"])
            if problems:
                modal.show_problems(problems)
                return
            urgent = values["urgent"] == "yes"
            addressee = int(values["for_agent"])
            name = next((visible(a.name) for a in self._agents if a.id == addressee), "")

            command = TakeMessage(
                for_agent_id=addressee,
                from_name=values["from_name"],
                from_number=values["from_number"],
                message=values["message"],
                urgent=urgent,
            )
            key = "reception.saved_urgent" if urgent else "reception.saved_message"
            save_leg(self, modal, take_message, command, self._done(t(key, name=name)))

        title = t("reception.new_message_title")
        open_modal(self.app, LegFormModal(title, fields, submit, draft="reception_message"))

    def action_arrived(self) -> None:
        row = self._picked("visitors")
        if row is not None:
            done = self._done(t("reception.arrived_ok", name=visible(row.visitor)))
            save_leg(self, None, visitor_arrived, VisitorArrived(row.id), done)

    def action_left(self) -> None:
        row = self._picked("visitors", "walk_ins")
        if row is not None:
            done = self._done(t("reception.left_ok", name=visible(row.visitor)))
            save_leg(self, None, visitor_left, VisitorLeft(row.id), done)

    def action_ticket(self) -> None:
        """The walk-in's problem becomes a ticket on the channel walk-in, classified as a
        call is (seed 002:2.1, 2.2.3): its kind and category, and how urgent it is."""
        row = self._picked("walk_ins", "visitors")
        if row is None:
            return
        categories = [(t("reception.error.choice"), "")]
        for kind, listed in (
            ("question", QUESTION_CATEGORIES),
            ("complaint", COMPLAINT_CATEGORIES),
        ):
            categories += [
                (f"{t(f'kind.{kind}')} · {t(f'category.{c}')}", f"{kind}:{c}") for c in listed
            ]
        fields = [
            LegField("category", t("reception.ticket_category"), kind="select", options=categories),
            LegField(
                "severity",
                t("reception.ticket_severity"),
                kind="select",
                options=[(t(f"severity.{s}"), str(s)) for s in Severity],
            ),
        ]

        def done(ticket_id: int) -> None:
            self.notify(t("reception.ticket_ok", id=ticket_id))
            self.reload()

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            kind, _, category = values["category"].partition(":")
            command = MakeWalkInTicket(row.id, kind, category, values["severity"])
            save_leg(self, modal, make_walk_in_ticket, command, done)

        title = t("reception.ticket_title", name=visible(row.company or row.visitor))
        form = LegFormModal(title, fields, submit, draft="reception_ticket", draft_key=row.id)
        open_modal(self.app, form)

    def action_revoke(self) -> None:
        row = self._picked("passes", "expiring")
        if row is None:
            return
        fields = [LegField("reason", t("reception.revoke_reason"))]

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            problems = check_text("reason", values["reason"], limit=200)
            if problems:
                modal.show_problems(problems)
                return
            done = self._done(t("reception.revoked_ok", id=row.id))
            save_leg(self, modal, revoke_pass, RevokePass(row.id, values["reason"]), done)

        title = t("reception.revoke_title", id=row.id)
        open_modal(
            self.app,
            LegFormModal(title, fields, submit, draft="reception_revoke", draft_key=row.id),
        )

    def action_done(self) -> None:
        row: MessageRow | None = self._picked("messages")
        if row is not None:
            done = self._done(t("reception.done_ok"))
            save_leg(self, None, finish_message, FinishMessage(row.id), done)
