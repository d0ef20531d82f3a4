"""One ticket as recorded (客户问题记录表) with its history: opened from any list with Enter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from deskui.domain.phone import format_display
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import open_modal, ring_bell
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.pause_key import PAUSE_BINDING
from deskui.screens.record_watch import RecordWatch
from deskui.screens.runner import denied_line, run_service
from deskui.widgets.banner import Banner

if TYPE_CHECKING:
    from deskui.screens.leg_form import LegField
    from deskui.services.phone_desk import TicketCall
    from deskui.services.tickets import (
        AttachmentRecord,
        LegRecord,
        PauseState,
        TicketEvent,
        TicketRecord,
    )


class TicketDetailModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
        # the department round trip and attachments (issue 8)
        Binding("h", "hand_to_department", "keys.ticket_hand", id="ticket_hand"),
        Binding("a", "attachments", "keys.ticket_attach", id="ticket_attach"),
        Binding("k", "customer_told", "keys.ticket_told", id="ticket_told"),
        Binding("r", "reassign", "keys.ticket_reassign", id="ticket_reassign"),  # a lead's
        PAUSE_BINDING,  # waiting on the customer (DESIGN.md 2)
        # the record's life after intake (issue 26, seed 002:2.3-2.5)
        Binding("c", "contact_customer", "keys.ticket_contact", id="ticket_contact"),
        Binding("s", "resolve", "keys.ticket_resolve", id="ticket_resolve"),
        Binding("x", "close_ticket", "keys.ticket_close", id="ticket_close"),
        Binding("o", "reopen", "keys.ticket_reopen", id="ticket_reopen"),
        Binding("n", "note", "keys.ticket_note", id="ticket_note"),
    ]

    @dataclass
    class Loaded(Message):
        ticket: TicketRecord | None
        events: list[TicketEvent]
        legs: list[LegRecord] = field(default_factory=list)
        attachments: list[AttachmentRecord] = field(default_factory=list)
        pause: PauseState | None = None

    def __init__(self, ticket_id: int) -> None:
        super().__init__(id="ticket-detail")
        localize_bindings(self)
        self.ticket_id = ticket_id
        self._department: str | None = None
        self._waiting = False
        self._version: int | None = None
        """The ticket's version as shown: a reassignment made from here carries it."""
        self._result = ""
        self._kind = ""  # question or complaint, once read
        """The department's last result, offered as the result told to the customer."""
        self._close_armed = False
        """x was pressed once: the second x closes the record."""
        self.record_watch = RecordWatch(self, "ticket", ticket_id, "ticket", said=self._moved)
        """Another desk reassigning or closing this ticket is said (issue 23)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("ticket.title", id=self.ticket_id), classes="dialog-title")
            yield Banner(id="ticket-moved", classes="-attention")
            with VerticalScroll():
                yield Static(t("ticket.loading"), id="ticket-fields")
                call = Static("", id="ticket-call")
                call.display = False  # shown for a ticket recorded from a popped call
                yield call
                pause = Static("", id="ticket-pause")
                pause.display = False  # shown only while the ticket waits on the customer
                yield pause
                yield Static("", id="ticket-legs")
                yield Static("", id="ticket-attachments")
                yield Static("", id="ticket-events")
            yield Static(t("ticket.hint"), classes="hint")
            yield Static(t("department.legs.ticket_keys"), classes="hint")

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.load_ticket()
        self.record_watch.start()

    def _moved(self, line: str) -> None:
        self.query_one("#ticket-moved", Banner).message = line

    @property
    def presence_subject(self) -> str:
        """The record the app's tick reports as open here (issue 16)."""
        return f"ticket:{self.ticket_id}"

    def load_ticket(self) -> None:
        from deskui.services.tickets import ticket_detail

        run_service(
            self,
            ticket_detail,
            self.ticket_id,
            done=lambda d: self.post_message(
                self.Loaded(d.ticket, d.events, d.legs, d.attachments, d.pause)
            ),
            refused=self._not_loaded,
            trouble=self._not_loaded,
            group="ticket_detail",
            exclusive=True,
        )
        self.load_call()

    def load_call(self) -> None:
        """The phone call the ticket was recorded from (issue 25): time, wait, talk."""
        from deskui.services.phone_desk import ticket_call

        run_service(
            self,
            ticket_call,
            self.ticket_id,
            done=self._show_call,
            trouble=lambda _reason: None,  # the fields' own load says the database
            group="ticket_call",
            exclusive=True,
        )

    def _show_call(self, call: TicketCall | None) -> None:
        line = self.query_one("#ticket-call", Static)
        line.display = call is not None
        if call is None:
            return
        from deskui.domain.countdown import format_duration
        from deskui.domain.floor import call_seconds

        zone = ZoneInfo(getattr(self.app, "settings").site_timezone)  # noqa: B009
        wait = call_seconds(call.rang_at, call.answered_at)
        talked = call_seconds(call.answered_at, call.ended_at)
        line.update(
            Text(
                t(
                    "ticket.call",
                    at=call.rang_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                    wait=format_duration(wait) if wait is not None else "—",
                    talked=format_duration(talked) if talked is not None else t("ticket.call_on"),
                )
            )
        )

    def _not_loaded(self, reason: object) -> None:
        if isinstance(reason, Exception):  # a role the table refuses
            reason = denied_line(reason)
        self.query_one("#ticket-fields", Static).update(
            Text(t("app.database_failed", reason=visible(str(reason))))
        )

    def on_ticket_detail_modal_loaded(self, message: Loaded) -> None:
        zone = ZoneInfo(desk_host(self.app).settings.site_timezone)
        ticket = message.ticket
        if ticket is None:
            self.query_one("#ticket-fields", Static).update(t("ticket.missing"))
            return
        fields = Table.grid(padding=(0, 2))
        fields.add_column(style="bold", no_wrap=True)
        fields.add_column()
        rows = [
            ("customer", ticket.customer_name),
            ("contact", _caller(ticket)),
            ("kind", t(f"kind.{ticket.kind}")),
            ("category", t(f"category.{ticket.category}")),
            ("channel", t(f"channel.{ticket.channel}")),
            ("severity", t(f"severity.{ticket.severity}")),
            ("status", t(f"status.{ticket.status}")),
            ("owner", ticket.owner_name),
            (
                "department",
                t(f"department.{ticket.department_code}") if ticket.department_code else "",
            ),
            ("unit", ticket.unit_number),
            ("words", ticket.customer_words),
            ("expectation", ticket.expectation),
            ("opened", _local(ticket.opened_at, zone)),
            ("first_contact_due", _local(ticket.first_contact_due, zone)),
            ("answer", ticket.answer),
            ("closed", _local(ticket.closed_at, zone)),
        ]
        for key, value in rows:
            if value:
                fields.add_row(t(f"ticket.{key}"), Text(visible(value)))
        self.query_one("#ticket-fields", Static).update(fields)
        self._department = ticket.department_code
        self._kind = ticket.kind
        self._version = ticket.version
        results = [leg.result for leg in message.legs if leg.result]
        self._result = results[-1] if results else ""
        self._show_pause(message.pause, zone)
        self._show_legs_and_attachments(message, zone)
        events = Table.grid(padding=(0, 2))
        events.add_column(no_wrap=True)
        events.add_column(no_wrap=True)
        events.add_column()
        for _, _, agent, at, action, detail in message.events:
            if _known(f"event.{action}_detail"):  # the event says its values in words
                events.add_row(_local(at, zone), Text(visible(agent)), _said(action, detail))
                continue
            line = Text(t(f"event.{action}") if _known(f"event.{action}") else action)
            for name, said in detail.items():
                if isinstance(said, bool):
                    continue  # a flag (satisfied) says nothing on its own
                shown = "、".join(map(str, said)) if isinstance(said, list) else str(said)
                if name == "department" and _known(f"department.{shown}"):
                    shown = t(f"department.{shown}")  # 技术部, never its code
                line.append(f"  {visible(shown)}", style="dim")
            events.add_row(_local(at, zone), Text(visible(agent)), line)
        title = Text(t("ticket.events"), style="bold")
        self.query_one("#ticket-events", Static).update(_stack(title, events))

    # -- the record's life: contact, resolve, close, reopen, note (issue 26) -------------

    def _form(
        self,
        title: str,
        fields: list[LegField],
        command: Callable[[dict[str, str]], object],
        service: Any,
        said: str,
        draft: str,
    ) -> None:
        from deskui.screens.leg_form import LegFormModal, save_leg

        if desk_host(self.app).agent is None or self._version is None:
            ring_bell(self)  # not signed in, or the record not read yet
            return

        def submit(values: dict[str, str], modal: LegFormModal) -> None:
            def done(_: object) -> None:
                self.app.notify(t(said, id=self.ticket_id), markup=False)
                self.load_ticket()

            save_leg(self, modal, service, command(values), done)

        form = LegFormModal(title, fields, submit, draft=draft, draft_key=self.ticket_id)
        open_modal(self.app, form)

    def _ways(self, label: str) -> LegField:
        from deskui.domain.model import ContactWay
        from deskui.screens.leg_form import LegField

        options = [(t(f"ticket.way.{way}"), str(way)) for way in ContactWay]
        return LegField("way", t(label), kind="select", options=options)

    def action_contact_customer(self) -> None:
        from deskui.screens.leg_form import LegField
        from deskui.services.ticket_life import RecordContact, record_contact

        self._close_armed = False
        # the words first, as the resolve form has them: c then typing lands in them (the
        # way, phone unless changed, took the keys typed the moment the form opened)
        fields = [
            LegField("note", t("ticket.contact_note_label"), kind="area"),
            self._ways("ticket.way_label"),
        ]
        self._form(
            t("ticket.contact_title", id=self.ticket_id),
            fields,
            lambda v: RecordContact(self.ticket_id, v["way"], v["note"]),
            record_contact,
            "ticket.contacted_ok",
            "ticket_contact",
        )

    def action_resolve(self) -> None:
        from deskui.screens.leg_form import LegField
        from deskui.services.ticket_life import ResolveTicket, resolve_ticket

        self._close_armed = False
        if self._refused_the_result():
            return
        fields = [
            LegField("result", t("ticket.result_label"), kind="area", value=self._result),
            self._ways("ticket.told_label"),
        ]
        self._form(
            t("ticket.resolve_title", id=self.ticket_id),
            fields,
            lambda v: ResolveTicket(self.ticket_id, v["result"], v["way"]),
            resolve_ticket,
            "ticket.resolved_ok",
            "ticket_resolve",
        )

    def _refused_the_result(self) -> bool:
        """An agent's s on a complaint says at once that the lead tells its result (seed
        002:2.4.1), before a result is typed only to be refused; the service still decides."""
        from deskui.domain.permissions import Action, may
        from deskui.domain.ticket_life import result_teller_refusal

        agent = desk_host(self.app).agent
        if agent is None or not self._kind:
            return False
        refusal = result_teller_refusal(self._kind, may(agent.role, Action.TELL_COMPLAINT_RESULT))
        if refusal is None:
            return False
        self.app.notify(t(refusal.key), severity="warning", markup=False)
        return True

    def action_reopen(self) -> None:
        from deskui.screens.leg_form import LegField
        from deskui.services.ticket_life import ReopenTicket, reopen_ticket

        self._close_armed = False
        self._form(
            t("ticket.reopen_title", id=self.ticket_id),
            [LegField("reason", t("ticket.reason_label"))],
            lambda v: ReopenTicket(self.ticket_id, v["reason"]),
            reopen_ticket,
            "ticket.reopened_ok",
            "ticket_reopen",
        )

    def action_note(self) -> None:
        from deskui.screens.leg_form import LegField
        from deskui.services.ticket_life import AddNote, add_note

        self._close_armed = False
        self._form(
            t("ticket.note_title", id=self.ticket_id),
            [LegField("note", t("ticket.note_label"), kind="area")],
            lambda v: AddNote(self.ticket_id, v["note"]),
            add_note,
            "ticket.noted_ok",
            "ticket_note",
        )

    def action_close_ticket(self) -> None:
        """x asks, a second x closes: a closed record leaves every list."""
        from deskui.screens.leg_form import save_leg
        from deskui.services.ticket_life import CloseTicket, close_ticket

        if desk_host(self.app).agent is None or self._version is None:
            ring_bell(self)
            return
        if not self._close_armed:
            self._close_armed = True
            self.app.notify(t("ticket.close_confirm", id=self.ticket_id), markup=False)
            return
        self._close_armed = False

        def done(_: object) -> None:
            self.app.notify(t("ticket.closed_ok", id=self.ticket_id), markup=False)
            self.load_ticket()

        save_leg(self, None, close_ticket, CloseTicket(self.ticket_id), done)

    # -- the department round trip and attachments (issue 8) ------------------------------

    def _show_legs_and_attachments(self, message: Loaded, zone: ZoneInfo) -> None:
        from deskui.screens.attachments import attachments_table
        from deskui.screens.department import legs_table

        app = desk_host(self.app)
        legs = legs_table(message.legs, app.clock.now(), zone)
        self.query_one("#ticket-legs", Static).update(
            _stack(Text(t("department.legs.title"), style="bold"), legs)
        )
        files = attachments_table(message.attachments, zone)
        self.query_one("#ticket-attachments", Static).update(
            _stack(Text(t("attachments.section"), style="bold"), files)
        )

    def action_hand_to_department(self) -> None:
        from deskui.screens.department import hand_to_department

        hand_to_department(self, self.ticket_id, self._department, self.load_ticket)

    def action_attachments(self) -> None:
        from deskui.screens.attachments import AttachmentsModal

        open_modal(self.app, AttachmentsModal(self.ticket_id), lambda _: self.load_ticket())

    def _show_pause(self, pause: PauseState | None, zone: ZoneInfo) -> None:
        from deskui.domain.countdown import format_duration, paused_for

        self._waiting = pause is not None
        text = Text()
        if pause is not None and pause.paused_at is not None:
            app = desk_host(self.app)
            waited = paused_for(pause.paused_at, app.clock.now())
            text.append(
                t(
                    "pause.since",
                    since=_local(pause.paused_at, zone),
                    paused_for=format_duration(int(waited.total_seconds())),
                    reason=visible(pause.reason),
                ),
                style="bold",
            )
        shown = self.query_one("#ticket-pause", Static)
        shown.update(text)
        shown.display = bool(text.plain)  # takes no line from the history while not paused

    def action_wait_customer(self) -> None:
        from deskui.screens.pause_ticket import wait_or_resume

        wait_or_resume(self, self.ticket_id, self._waiting, self.load_ticket)

    def action_customer_told(self) -> None:
        from deskui.services.tickets import CustomerTold, record_customer_told

        app = desk_host(self.app)
        if app.agent is None:
            ring_bell(self)
            return

        def done(_: None) -> None:
            app.notify(t("department.legs.told_ok", id=self.ticket_id))
            self.load_ticket()

        run_service(
            self,
            record_customer_told,
            CustomerTold(self.ticket_id),
            done=done,
            refused=self._told_refused,
            conflict=self._told_moved,
            trouble=lambda reason: self._told_refused(t("department.legs.trouble", reason=reason)),
            group="leg_save",
        )

    def _told_moved(self, conflict: Exception) -> None:
        """The ticket is no longer this agent's (issue 23): who has it now, nothing saved."""
        from deskui.screens.conflict import moved_away_line
        from deskui.services.standing import MovedAway

        line = moved_away_line(conflict) if isinstance(conflict, MovedAway) else str(conflict)
        self._moved(line)
        self.app.notify(line, severity="error", markup=False)

    def _told_refused(self, error: Exception | str) -> None:
        from deskui.services.errors import FrontDeskError

        if isinstance(error, FrontDeskError):
            error = t(error.problem.key, **error.values)
        elif isinstance(error, Exception):
            error = denied_line(error)
        self.app.notify(error, severity="error", markup=False)

    def on_desk_app_changes_seen(self, message: Any) -> None:
        self.record_watch.changes_seen(message)
        if message.entities & {"department_leg", "attachment", "ticket"}:
            self.load_ticket()

    # -- a lead gives the ticket to another agent (issue 16) ------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reassign":
            from deskui.domain.permissions import Action, may

            agent = getattr(self.app, "agent", None)
            return agent is not None and may(agent.role, Action.REASSIGN)
        if action in _CS_MOVES:  # the customer is CS's: a department member notes only
            from deskui.domain.work_permissions import works_one_department

            agent = getattr(self.app, "agent", None)
            return agent is not None and not works_one_department(agent.role)
        return True

    def action_reassign(self) -> None:
        from deskui.services.agents import desk_agents

        if self._version is None:  # not loaded yet: nothing to give away
            ring_bell(self)
            return
        version = self._version
        run_service(
            self,
            desk_agents,
            None,
            done=lambda agents: self._pick_agent(agents, version),
            refused=self._told_refused,
            trouble=lambda reason: self._told_refused(t("ticket.trouble", reason=reason)),
            group="ticket_agents",
            exclusive=True,
        )

    def _pick_agent(self, agents: list[Any], version: int) -> None:
        from deskui.screens.visit_request import ReassignModal

        def picked(agent_id: int | None) -> None:
            if agent_id is not None:
                self._reassign(agent_id, version)

        open_modal(self.app, ReassignModal(agents, t("ticket.reassign_title")), picked)

    def _reassign(self, agent_id: int, version: int) -> None:
        from deskui.services.tickets import ReassignTicket, reassign_ticket

        def done(names: tuple[str, str]) -> None:
            self.app.notify(t("ticket.reassigned", id=self.ticket_id, to=names[1]), markup=False)
            self.load_ticket()

        def changed(theirs: Any) -> None:  # saved elsewhere since it was shown: read it again
            self.app.notify(t("ticket.reassign_conflict"), severity="warning", markup=False)
            self.load_ticket()

        run_service(
            self,
            reassign_ticket,
            ReassignTicket(self.ticket_id, agent_id, version),
            done=done,
            conflict=changed,
            refused=self._told_refused,
            trouble=lambda reason: self._told_refused(t("ticket.trouble", reason=reason)),
            group="ticket_reassign",
        )


_CS_MOVES = frozenset({"contact_customer", "resolve", "close_ticket", "reopen"})
"""The record's moves the desk makes with the customer (issue 26), not a department's."""


def _stack(title: Text, body: RenderableType) -> Table:
    grid = Table.grid()
    grid.add_row(title)
    grid.add_row(body)
    return grid


def _said(action: str, detail: dict[str, object]) -> Text:
    """An event whose catalog template names its values (`event.resumed_detail`)."""
    values = {key: visible(str(value)) for key, value in detail.items()}
    if "way" in values and _known(f"ticket.way.{values['way']}"):
        values["way"] = t(f"ticket.way.{values['way']}")
    if action == "contacted" and not values.get("note"):
        return Text(t("event.contacted_by", way=values.get("way", "")))
    try:
        return Text(t(f"event.{action}_detail", **values))
    except (KeyError, IndexError):  # an older event without every value: its name alone
        return Text(t(f"event.{action}"))


def _known(key: str) -> bool:
    from deskui.i18n import has_key

    return has_key(key)


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


def _number(e164: str, extension: str = "") -> str:
    """A stored number as the card shows it (a masked one as it is)."""
    return format_display(e164, extension or None) if e164 else ""


def _caller(ticket: TicketRecord) -> str:
    """The contact and, beside them, how the caller can be reached: the number they called
    from, their e-mail and fax (seed 002:2.2.1), each when given."""
    means = [
        (ticket.contact_name or "", ""),
        (_number(ticket.caller_phone, ticket.caller_extension), ""),
        (ticket.caller_email, t("ticket.email")),
        (_number(ticket.caller_fax), t("ticket.fax")),
    ]
    return "  ".join(f"{label} {value}" if label else value for value, label in means if value)
