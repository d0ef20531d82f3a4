"""F5: the shift handover (seed 004 after-sales 8). The outgoing agent (or lead, for the whole
shift) sees their open work gathered with hand-entered items on the seed's sheets and hands
the shift over in one action; the incoming agent sees it first and acknowledges it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from deskui.domain.field_problem import FieldProblem
from deskui.domain.handover import is_ack_overdue, takes_handover
from deskui.domain.model import HandoverSheet
from deskui.domain.orders import parse_local
from deskui.domain.permissions import Action, may
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal
from deskui.screens.attachments import deliver_to_browser
from deskui.screens.delivery import deliver
from deskui.screens.focus import closed_before_mount
from deskui.screens.form_save import save_form
from deskui.screens.host import desk_host
from deskui.screens.orders import FormField, FormModal, Submit
from deskui.screens.runner import Service, call_service, run_service
from deskui.services.agents import desk_agents
from deskui.services.handover import (
    INCOMING,
    OUTGOING,
    AcknowledgeHandover,
    AddHandoverItem,
    FinishHandoverItem,
    GatherHandover,
    HandOver,
    HandoverHistory,
    HandoverPage,
    NewHandoverItem,
    PrintHandoverReport,
    ReassignHandoverItem,
    UpdateHandoverItem,
    acknowledge_handover,
    add_handover_item,
    finish_handover_item,
    gather_handover,
    hand_over,
    handover_count,
    handover_item_history,
    handover_page,
    print_handover_report,
    reassign_handover_item,
    update_handover_item,
)
from deskui.widgets.banner import Banner
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from deskui.screens.host import DeskHost
    from deskui.services.agents import AgentRecord
    from deskui.services.errors import Conflict
    from deskui.services.handover import PrintedReport

__all__ = [
    "INCOMING",
    "OUTGOING",
    "HandoverItemModal",
    "HandoverScreen",
]


class HandoverItemModal(FormModal):
    """The hand-entered item: what is typed is kept as a draft (DESIGN.md 5) until added."""

    def __init__(self, title: str, fields: list[FormField], submit: Submit) -> None:
        super().__init__(title, fields, submit, draft="handover_item")


class HandoverSource:
    """The outgoing list (open items) or the incoming one (handed over to me)."""

    def __init__(self, app: DeskHost, view: str, whole_shift: bool) -> None:
        self._app = app
        self.view = view
        self.whole_shift = whole_shift

    def count(self) -> int:
        agent = self._app.agent
        if agent is None:
            return 0
        return call_service(self._app, handover_count, HandoverPage(self.view, self.whole_shift))

    def rows(self, offset: int, limit: int) -> list[Any]:
        agent = self._app.agent
        if agent is None:
            return []
        page = HandoverPage(self.view, self.whole_shift, offset, limit)
        return list(call_service(self._app, handover_page, page))


class HandoverScreen(KeptScreen):
    """Both ends of a shift change on one screen: `tab` switches outgoing and incoming."""

    CSS_PATH = "handover.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
        Binding("tab", "switch_view", "keys.handover_switch", id="handover_switch"),
        Binding("a", "add_item", "keys.handover_add", id="handover_add"),
        Binding("e", "edit_item", "keys.handover_edit", id="handover_edit"),
        Binding("h", "hand_over", "keys.handover_give", id="handover_give"),
        Binding("space", "acknowledge", "keys.handover_ack", id="handover_ack"),
        Binding("A", "acknowledge_all", "keys.handover_ack_all", id="handover_ack_all"),
        Binding("d", "done", "keys.handover_done", id="handover_done"),
        Binding("r", "reassign", "keys.handover_reassign", id="handover_reassign"),
        Binding("w", "whole_shift", "keys.handover_shift", id="handover_shift"),
        Binding("p", "print_report", "keys.handover_print", id="handover_print"),
        Binding("o", "orders", "keys.handover_orders", id="handover_orders"),
        Binding("l", "history", "keys.history", id="handover_history"),
    ]

    @dataclass
    class Gathered(Message):
        added: int

    @dataclass
    class Trouble(Message):
        reason: str

    def __init__(self, view: str = OUTGOING) -> None:
        super().__init__(id="handover")
        localize_bindings(self)
        self.view = view
        self.whole_shift = False
        self._agents: list[AgentRecord] = []

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="handover-title", classes="section-title")
        yield Banner(id="handover-trouble")
        yield WorkList(columns=self._columns(), empty_text="", id="handover-list")
        yield Static("", id="handover-detail", classes="detail")
        yield KeyFooter()

    def _columns(self) -> list[Column]:
        app = self.desk_app
        zone = ZoneInfo(app.settings.site_timezone)

        def due(row: Any) -> str:
            return row.due_at.astimezone(zone).strftime("%m-%d %H:%M") if row.due_at else ""

        def flag(row: Any) -> str:
            late = is_ack_overdue(
                app.site_rules.policy,
                row.status,
                row.handed_over_at,
                row.acknowledged_at,
                app.clock.now(),
            )
            return t("handover.flag_late") if late else ""

        def owner(row: Any) -> str:
            return f"{row.from_name}→{row.to_name}" if row.to_name else row.from_name

        return [
            Column(
                t("handover.col.countdown"),
                14,
                countdown=lambda r: (r.due_at, r.starts_at, None),
                min_width=13,
            ),
            Column(t("handover.col.flag"), 8, cell=flag, min_width=6),
            Column(t("handover.col.due"), 11, cell=due),
            # on a narrow terminal the customer and the sheet leave (the detail says them), so
            # the owner and the next step stay
            Column(
                t("handover.col.sheet"), 8, cell=lambda r: t(f"handover.sheet.{r.sheet}"), drop=1
            ),
            Column(t("handover.col.customer"), 20, cell=lambda r: r.customer_name, drop=2),
            Column(t("handover.col.item"), 28, cell=lambda r: r.title, min_width=14),
            Column(t("handover.col.owner"), 12, cell=owner, min_width=10),
            Column(t("handover.col.next"), 0, cell=lambda r: r.next_step, min_width=10),
        ]

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.query_one("#handover-list", WorkList).focus()
        self.load_agents()
        self._show_view()

    def reopened(self) -> None:
        """F5 again after Esc: the outgoing list, as F5 always opens (the incoming one is
        the sign-in's offer, or a Tab away), gathered again for what fell due since; left
        outgoing, the cursor stays on its item where it still is. Whole shift or not (a
        lead's choice) stays."""
        work_list = self.query_one("#handover-list", WorkList)
        work_list.focus()
        if self.view != OUTGOING:
            self.view = OUTGOING
            work_list.set_source(HandoverSource(self.desk_app, self.view, self.whole_shift))
            self._show_view()
            return
        self.call_after_refresh(self.gather)  # once the screen is painted as it was left

    # -- views ------------------------------------------------------------------------------

    def _show_view(self) -> None:
        app = self.desk_app
        title = t(f"handover.title_{self.view}")
        if self.whole_shift:
            title = f"{title}  {t('handover.whole_shift')}"
        self.query_one("#handover-title", Static).update(Text(title))
        work_list = self.query_one("#handover-list", WorkList)
        work_list.empty_text = t(f"handover.empty_{self.view}")
        if self.view == OUTGOING:
            self.gather()
        else:
            work_list.set_source(HandoverSource(app, self.view, self.whole_shift))

    def gather(self) -> None:
        app = self.desk_app
        if app.agent is None:
            return
        run_service(
            self,
            gather_handover,
            GatherHandover(app.settings.site_timezone, self.whole_shift),
            done=lambda added: self.post_message(self.Gathered(added)),
            trouble=lambda line: self.post_message(self.Trouble(line)),
            group="handover_gather",
            exclusive=True,
        )

    def on_handover_screen_gathered(self, message: Gathered) -> None:
        self.query_one("#handover-trouble", Banner).message = ""
        work_list = self.query_one("#handover-list", WorkList)
        shown = work_list.source
        wanted = (self.view, self.whole_shift)
        if isinstance(shown, HandoverSource) and (shown.view, shown.whole_shift) == wanted:
            work_list.reload()  # gathered again for the same list: the cursor stays
        else:
            work_list.set_source(HandoverSource(self.desk_app, self.view, self.whole_shift))
        if message.added:
            self.notify(t("handover.gathered", count=message.added))

    def on_handover_screen_trouble(self, message: Trouble) -> None:
        self.query_one("#handover-trouble", Banner).message = t(
            "handover.trouble", reason=visible(message.reason)
        )

    @work(thread=True, exclusive=True, group="handover_agents", exit_on_error=False)
    def load_agents(self) -> None:
        agents = call_service(self.desk_app, desk_agents, None)
        deliver(self, setattr, self, "_agents", agents)

    def action_switch_view(self) -> None:
        self.view = INCOMING if self.view == OUTGOING else OUTGOING
        self._show_view()

    def action_whole_shift(self) -> None:
        agent = self.desk_app.agent
        if agent is None or not may(agent.role, Action.SEE_TEAM):  # the service's own rule
            self.notify(t("handover.lead_only"), severity="warning")
            return
        self.whole_shift = not self.whole_shift
        self._show_view()

    def reload(self) -> None:
        self.query_one("#handover-list", WorkList).reload()

    @on(WorkList.CursorMoved, "#handover-list")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self.query_one("#handover-detail", Static).update(describe_item(event.row))

    def _row(self) -> Any | None:
        row = self.query_one("#handover-list", WorkList).cursor_row
        if row is None:
            self.notify(t("handover.no_row"), severity="warning")
        return row

    def _me(self) -> int:
        assert self.desk_app.agent is not None
        return self.desk_app.agent.id

    def _form(
        self,
        title: str,
        fields: list[FormField],
        command: Callable[[dict[str, str]], DataclassInstance],
        service: Service[Any, Any],
        done: Any = None,
        *,
        draft: str,
        key: object = "",
    ) -> None:
        """A dialog whose values make `command`, saved by `service` on the runner."""

        def submit(values: dict[str, str], modal: FormModal) -> None:
            save_form(self, modal, service, command(values), done or self._saved)

        open_modal(self.app, FormModal(title, fields, submit, draft=draft, draft_key=key))

    def _saved(self, _result: object = None) -> None:
        self.notify(t("handover.saved"))
        self.reload()

    def _agent_options(self) -> list[tuple[str, str]]:
        return [
            (str(a.id), f"{a.name} · {t(f'role.{a.role}')}")
            for a in self._agents
            if a.id != self._me() and takes_handover(a.role)
        ]

    # -- end of shift -----------------------------------------------------------------------

    def action_add_item(self) -> None:
        if self.view != OUTGOING:
            self.notify(t("handover.outgoing_only"), severity="warning")
            return
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        sheets = [(s.value, t(f"handover.sheet.{s.value}")) for s in HandoverSheet]
        fields = [
            FormField("sheet", t("handover.field.sheet"), kind="select", options=sheets),
            FormField("customer", t("handover.field.customer")),
            FormField("title", t("handover.field.title")),
            FormField("done_so_far", t("handover.field.done_so_far")),
            FormField("next_step", t("handover.field.next_step")),
            FormField("due", t("handover.field.due"), placeholder=t("handover.due_hint")),
            FormField("note", t("handover.field.note")),
        ]

        def submit(values: dict[str, str], modal: FormModal) -> None:
            due = None
            if values["due"].strip():
                try:
                    due = parse_local(values["due"], zone)
                except ValueError:  # said next to the field before anything is written
                    modal.show_problems([FieldProblem("due", "handover.error.bad_time")])
                    return
            new = NewHandoverItem(
                sheet=values["sheet"],
                title=values["title"],
                customer_name=values["customer"],
                done_so_far=values["done_so_far"],
                next_step=values["next_step"],
                note=values["note"],
                due_at=due,
            )
            save_form(self, modal, add_handover_item, AddHandoverItem(new), self._saved)

        open_modal(self.app, HandoverItemModal(t("handover.add_title"), fields, submit))

    def action_edit_item(self) -> None:
        row = self._row()
        if row is None:
            return
        fields = [
            FormField("title", t("handover.field.title"), value=row.title, disabled=True),
            FormField("done_so_far", t("handover.field.done_so_far"), value=row.done_so_far),
            FormField("next_step", t("handover.field.next_step"), value=row.next_step),
            FormField("note", t("handover.field.note"), value=row.note),
        ]
        self._form(
            t("handover.edit_title"),
            fields,
            lambda v: UpdateHandoverItem(
                row.item_id, v["done_so_far"], v["next_step"], v["note"], row.version
            ),
            update_handover_item,
            draft="handover_edit", key=row.item_id,
        )  # fmt: skip

    def action_hand_over(self) -> None:
        if self.view != OUTGOING:
            self.notify(t("handover.outgoing_only"), severity="warning")
            return
        options = self._agent_options()
        if not options:
            self.notify(t("handover.no_agents"), severity="warning")
            return
        whole = self.whole_shift

        def done(result: Any) -> None:
            zone = ZoneInfo(self.desk_app.settings.site_timezone)
            self.notify(
                t(
                    "handover.handed",
                    items=result.items,
                    done=result.done,
                    due=result.ack_due.astimezone(zone).strftime("%H:%M"),
                ),
                title=t("handover.title_outgoing"),
            )
            self.reload()

        self._form(
            t("handover.give_title"),
            [FormField("to", t("handover.field.to"), kind="select", options=options)],
            lambda v: HandOver(int(v["to"]), whole),
            hand_over,
            done,
            draft="handover_give",
        )

    # -- start of shift ---------------------------------------------------------------------

    def action_acknowledge(self) -> None:
        if self.view != INCOMING:
            self.notify(t("handover.incoming_only"), severity="warning")
            return
        row = self._row()
        if row is not None:
            self.acknowledge(AcknowledgeHandover(row.item_id, row.version))

    def action_acknowledge_all(self) -> None:
        if self.view != INCOMING:
            self.notify(t("handover.incoming_only"), severity="warning")
            return
        self.acknowledge(AcknowledgeHandover())

    def acknowledge(self, command: AcknowledgeHandover) -> None:
        """Take over one item as the list shows it, or all that wait; an item another desk
        changed meanwhile is not taken: one line says who and when, the list reloads."""
        if self.desk_app.agent is None:
            return
        run_service(
            self,
            acknowledge_handover,
            command,
            done=self._acknowledged,
            conflict=self._ack_lost,
            trouble=lambda line: self.post_message(self.Trouble(line)),
            group="handover_ack",
            exclusive=True,
        )

    def _ack_lost(self, conflict: Conflict) -> None:
        from deskui.screens.lost_race import lost_race_line

        zone = self.desk_app.settings.site_timezone
        self.notify(lost_race_line("handover.ack_conflict", conflict, zone), severity="warning")
        self.reload()

    def _acknowledged(self, taken: int) -> None:
        self.notify(t("handover.acknowledged", count=taken))
        self.reload()

    def action_done(self) -> None:
        row = self._row()
        if row is None:
            return
        self._form(
            t("handover.done_title", item=visible(row.title)),
            [FormField("note", t("handover.field.result"))],
            lambda v: FinishHandoverItem(row.item_id, row.version, v["note"]),
            finish_handover_item,
            draft="handover_done",
            key=row.item_id,
        )

    def action_reassign(self) -> None:
        row = self._row()
        if row is None:
            return
        options = self._agent_options()
        if not options:
            self.notify(t("handover.no_agents"), severity="warning")
            return
        self._form(
            t("handover.reassign_title", item=visible(row.title)),
            [
                FormField(
                    "to",
                    t("handover.field.to"),
                    kind="select",
                    options=options,
                    words=[(str(a.id), a.name) for a in self._agents],
                ),
                FormField("note", t("handover.field.reassign_note")),
            ],
            lambda v: ReassignHandoverItem(row.item_id, int(v["to"]), v["note"], row.version),
            reassign_handover_item,
            draft="handover_reassign",
            key=row.item_id,
        )

    def action_history(self) -> None:
        """Every change to the item, newest first: who, when, old → new."""
        from deskui.screens.history import HistoryModal

        row = self._row()
        if row is None:
            return
        title = t("history.title_item", item=visible(row.title))
        open_modal(
            self.app, HistoryModal(title, handover_item_history, HandoverHistory(row.item_id))
        )

    # -- print and export -------------------------------------------------------------------

    def action_print_report(self) -> None:
        self.print_report()

    def print_report(self) -> None:
        app = self.desk_app
        if app.agent is None:
            return
        run_service(
            self,
            print_handover_report,
            PrintHandoverReport(app.settings),
            done=self._printed,
            trouble=lambda line: self.post_message(self.Trouble(line)),
            group="handover_print",
            exclusive=True,
        )

    def _printed(self, printed: PrintedReport | None) -> None:
        if printed is None:
            self.notify(t("handover.no_report"), severity="warning")
            return
        pdf, xlsx = printed.pdf, printed.xlsx
        deliver_to_browser(self.app, pdf, xlsx)
        self.notify(
            t("handover.printed", folder=str(pdf.parent), pdf=pdf.name, xlsx=xlsx.name),
            title=t("handover.print_title"),
            timeout=3 * self.app.NOTIFICATION_TIMEOUT,  # two paths to read
        )

    def action_orders(self) -> None:
        self.desk_app.open_orders()

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"handover_item", "handover_report", "deadline"}:
            self.reload()


def describe_item(row: Any) -> Text:
    """What the item is (its sheet and customer, which leave a narrow list), done so far,
    next step and the note, all user data painted literally."""
    text = Text()
    if row is None:
        return text
    text.append(visible(row.title), style="bold")
    text.append(f"  {t(f'handover.sheet.{row.sheet}')}")
    if row.customer_name:
        text.append("  ")
        text.append(visible(row.customer_name))
    text.append("\n")
    for key, value in (
        ("done_so_far", row.done_so_far),
        ("next_step", row.next_step),
        ("note", row.note),
    ):
        text.append(f"{t(f'handover.field.{key}')}: ", style="bold")
        text.append(visible(value.replace("\n", " ")) or "—")
        text.append("\n")
    text.rstrip()
    return text
