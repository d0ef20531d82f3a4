"""F4: callbacks (回访, seed 000:2). The agent's queue by deadline with countdowns (overdue,
due today, upcoming), the shared queue, everyone's for a lead, coverage this period, the
on-site visit requests waiting for a lead, and the promotion periods a lead records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from deskui.domain.callbacks import CoverageShare, section
from deskui.domain.permissions import Action
from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal, ring_bell
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.occasion_words import occasion_label
from deskui.screens.runner import call_service, run_service
from deskui.widgets.banner import Banner
from deskui.widgets.key_footer import KeyFooter
from deskui.widgets.work_list import Column, WorkList

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.callbacks import (
        AgentRecord,
        CallbackScope,
        CallbacksGenerated,
        QueueOpened,
    )
    from deskui.services.errors import Conflict

VIEWS = ("mine", "shared", "all", "coverage", "visits", "promotions")


class CallbackQueueSource:
    """Open callbacks by due time for a scope (`count`/`rows` run in the list's worker)."""

    def __init__(self, app: DeskHost, scope: CallbackScope) -> None:
        self._app = app
        self.scope = scope

    def count(self) -> int:
        from deskui.services.callbacks import callback_count

        return call_service(self._app, callback_count, self.scope)

    def rows(self, offset: int, limit: int) -> list[Any]:
        from deskui.services.callbacks import CallbackPage, callback_page

        page = CallbackPage(self.scope, offset, limit, self._app.site_rules.callbacks)
        return call_service(self._app, callback_page, page)


class CoverageSource:
    """Customers with no callback in the period."""

    def __init__(self, app: DeskHost, start: datetime, end: datetime) -> None:
        self._app = app
        self.start, self.end = start, end

    def count(self) -> int:
        from deskui.services.callbacks import CoverageQuery, coverage_count

        return call_service(self._app, coverage_count, CoverageQuery(self.start, self.end))

    def rows(self, offset: int, limit: int) -> list[Any]:
        from deskui.services.callbacks import CoverageQuery, coverage_page

        query = CoverageQuery(self.start, self.end, offset, limit)
        return call_service(self._app, coverage_page, query)


class VisitSource:
    def __init__(self, app: DeskHost) -> None:
        self._app = app

    def count(self) -> int:
        from deskui.services.visits import ListPage, visit_count

        return call_service(self._app, visit_count, ListPage())

    def rows(self, offset: int, limit: int) -> list[Any]:
        from deskui.services.visits import ListPage, visit_page

        return call_service(self._app, visit_page, ListPage(offset, limit))


class PromotionSource:
    def __init__(self, app: DeskHost) -> None:
        self._app = app

    def count(self) -> int:
        from deskui.services.callbacks import ListPage, promotion_count

        return call_service(self._app, promotion_count, ListPage())

    def rows(self, offset: int, limit: int) -> list[Any]:
        from deskui.services.callbacks import ListPage, promotion_page

        return call_service(self._app, promotion_page, ListPage(offset, limit))


def confirmation_mark(confirmation: str) -> str:
    """The queue's mark for a callback waiting on the sales head (seed 000:2.5.2.1)."""
    if confirmation in ("needed", "declined"):
        return t(f"callbacks.confirm.mark.{confirmation}")
    return ""


def reason_text(reason: str) -> str:
    """Why a callback was moved, in words (`holiday:National Day` says 国庆节 in zh-CN)."""
    from deskui.screens.holiday_names import holiday_text

    if not reason:
        return ""
    kind, _, holiday = reason.partition(":")
    return t(f"callbacks.reason.{kind}", holiday=holiday_text(holiday))


def callback_columns(app: DeskHost, *, with_agent: bool) -> list[Column]:
    zone = ZoneInfo(app.settings.site_timezone)

    def when(row: Any) -> str:
        return t(f"callbacks.section.{section(row.due_at, app.clock.now(), zone)}")

    def note(row: Any) -> str:
        if row.booked_at is not None:
            why = t("callbacks.booked_note")
        else:
            why = reason_text(row.moved_reason)
        mark = confirmation_mark(row.confirmation)
        # which occasion first: two of one customer's callbacks differ by it (seed 000:2.5.1.2)
        named = occasion_label(row.occasion, row.contact_name)
        return " ".join(part for part in (named, mark, why) if part)

    columns = [
        Column(
            title=t("work.countdown"),
            width=16,
            countdown=lambda row: (row.due_at, row.starts_at, row.paused_at),
            min_width=14,
        ),
        # on a narrow terminal the section and the contact leave (the detail says them)
        # so the note stays
        Column(title=t("callbacks.col.section"), width=6, cell=when, drop=2),
        Column(
            title=t("work.due"),
            width=12,
            cell=lambda row: row.due_at.astimezone(zone).strftime("%m-%d %H:%M"),
        ),
        Column(
            title=t("callbacks.col.purpose"),
            width=10,
            cell=lambda row: t(f"callbacks.purpose.{row.purpose}"),
        ),
        Column(
            title=t("work.customer"), width=26, cell=lambda row: row.customer_name, min_width=14
        ),
        Column(
            title=t("callbacks.col.contact"), width=8, cell=lambda row: row.contact_name, drop=3
        ),
    ]
    if with_agent:
        columns.append(
            Column(title=t("work.owner"), width=8, cell=lambda row: row.agent_name, drop=1)
        )
    columns.append(Column(title=t("callbacks.col.note"), width=0, cell=note, min_width=12))
    return columns


def coverage_columns() -> list[Column]:
    return [
        Column(title="#", width=6, cell=lambda row: str(row.customer_id)),
        Column(title=t("work.customer"), width=30, cell=lambda row: row.customer_name),
        Column(
            title=t("callbacks.col.assigned"),
            width=0,
            cell=lambda row: row.assigned_agent or t("callbacks.unassigned"),
        ),
    ]


def promotion_columns() -> list[Column]:
    return [
        Column(
            title=t("callbacks.promotion.starts_on"),
            width=11,
            cell=lambda row: row.starts_on.isoformat(),
        ),
        Column(
            title=t("callbacks.promotion.ends_on"),
            width=11,
            cell=lambda row: row.ends_on.isoformat(),
        ),
        Column(title=t("callbacks.promotion.name"), width=30, cell=lambda row: row.name),
        Column(title=t("callbacks.promotion.created_by"), width=0, cell=lambda row: row.created_by),
    ]


def visit_columns() -> list[Column]:
    return [
        Column(
            title=t("callbacks.col.status"),
            width=8,
            cell=lambda row: t(f"callbacks.visit_status.{row.status}"),
        ),
        Column(title=t("work.customer"), width=26, cell=lambda row: row.customer_name),
        Column(
            title=t("callbacks.visit.first_date"),
            width=10,
            cell=lambda row: row.first_date.isoformat(),
        ),
        Column(
            title=t("callbacks.visit.end_date"), width=10, cell=lambda row: row.end_date.isoformat()
        ),
        Column(title=t("callbacks.visit.frequency"), width=12, cell=lambda row: row.frequency),
        Column(title=t("callbacks.visit.requested_by"), width=8, cell=lambda row: row.requested_by),
        Column(title=t("callbacks.visit.reason"), width=0, cell=lambda row: row.reason),
    ]


class CallbacksScreen(KeptScreen):
    """The callback queue: Enter calls the customer through the purpose's script."""

    CSS_PATH = "callbacks.tcss"  # its own rules, parsed when it first opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "view('mine')", "keys.callbacks_mine", id="callbacks_mine"),
        Binding("2", "view('shared')", "keys.callbacks_shared", id="callbacks_shared"),
        Binding("3", "view('all')", "keys.callbacks_all", id="callbacks_all"),
        Binding("4", "view('coverage')", "keys.callbacks_coverage", id="callbacks_coverage"),
        Binding("5", "view('visits')", "keys.callbacks_visits", id="callbacks_visits"),
        Binding("6", "view('promotions')", "keys.callbacks_promotions", id="callbacks_promotions"),
        Binding("g", "generate", "keys.callbacks_generate", id="callbacks_generate"),
        Binding("a", "reassign", "keys.callbacks_reassign", id="callbacks_reassign"),
        Binding("t", "take_next", "keys.callbacks_take", id="callbacks_take"),
        Binding("l", "history", "keys.callbacks_history", id="callbacks_history", show=False),
        Binding("v", "request_visit", "keys.callbacks_visit", id="callbacks_visit"),
        Binding("p", "add_promotion", "keys.callbacks_promotion", id="callbacks_promotion"),
        Binding("r", "reload", "keys.reload", id="reload", show=False),
        Binding("escape", "app.pop_screen", "keys.back", id="back"),
    ]

    @dataclass
    class Loaded(Message):
        unseen: int
        shared: list[int]

    @dataclass
    class Done(Message):
        """A write finished: say it and reload."""

        text: str

    @dataclass
    class Trouble(Message):
        reason: str

    @dataclass
    class SharesLoaded(Message):
        """Customers called back this week and this quarter (seed 000:2.5.2.1)."""

        shares: dict[str, CoverageShare]

    def __init__(self, view: str = "mine") -> None:
        super().__init__(id="callbacks")
        localize_bindings(self)
        self.view = view

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def may(self, action: Action) -> bool:
        """Whether the signed-in agent's role may do `action` (the services' own table)."""
        actor = self.desk_app.actor
        return actor is not None and actor.may(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The lead's keys (every agent's queue, reassigning, promotions) are not offered to
        an agent, who would only be refused (issue 14)."""
        if action == "reassign":
            return self.may(Action.REASSIGN)
        if action == "take_next":  # the shared queue's next callback, one desk's alone
            return self.view == "shared"
        if action == "history":  # a callback's own history: the queues list callbacks
            return self.view in ("mine", "shared", "all")
        if action == "add_promotion":
            return self.may(Action.RECORD_PROMOTION)
        if (action, parameters) == ("view", ("all",)):
            return self.may(Action.SEE_TEAM)
        return True

    def compose(self) -> ComposeResult:
        with Horizontal(id="callbacks-header"):
            yield Static(t("callbacks.title"), id="callbacks-title", classes="section-title")
            yield Static("", id="callbacks-due")
            yield Static("", id="callbacks-tabs")
        yield Banner(id="callbacks-trouble")
        yield Static("", id="coverage-share")
        yield WorkList(columns=[], empty_text=t("callbacks.empty"), id="callbacks-list")
        yield Static("", id="callbacks-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self.action_view(self.view)
        self.load_queue()

    # -- views ----------------------------------------------------------------------------

    def action_view(self, view: str) -> None:
        from deskui.services.callbacks import CallbackScope, coverage_period

        app = self.desk_app
        if view == "all" and not self.may(Action.SEE_TEAM):
            self.notify(t("callbacks.lead_only"), severity="warning")
            return
        self.view = view
        work_list = self.query_one("#callbacks-list", WorkList)
        agent_id = app.agent.id if app.agent else None
        self.query_one("#coverage-share").display = view == "coverage"
        # a visit's note and feedback need room under its reason (seed 000:2.5.4)
        self.query_one("#callbacks-detail").set_class(view == "visits", "-visits")
        if view == "coverage":
            self.load_shares()
            start, end = coverage_period(
                app.clock.now(), self._calendar(), app.site_rules.callbacks
            )
            work_list.empty_text = t("callbacks.coverage_empty")
            work_list.columns = coverage_columns()
            work_list.set_source(CoverageSource(app, start, end))
        elif view == "visits":
            work_list.empty_text = t("callbacks.visits_empty")
            work_list.columns = visit_columns()
            work_list.set_source(VisitSource(app))
        elif view == "promotions":
            work_list.empty_text = t("callbacks.promotion.empty")
            work_list.columns = promotion_columns()
            work_list.set_source(PromotionSource(app))
        else:
            scope = {
                "mine": CallbackScope(agent_id=agent_id),
                "shared": CallbackScope(shared=True),
                "all": CallbackScope(),
            }[view]
            work_list.empty_text = t("callbacks.empty")
            work_list.columns = callback_columns(app, with_agent=view != "mine")
            work_list.set_source(CallbackQueueSource(app, scope))
        work_list.focus()
        self.refresh_bindings()
        self._show_tabs()
        self.query_one("#callbacks-detail", Static).update("")

    def _show_tabs(self) -> None:
        line = Text()
        for n, view in enumerate(VIEWS, start=1):
            if view == "all" and not self.may(Action.SEE_TEAM):
                continue
            label = f" {n} {t(f'callbacks.view.{view}')} "
            line.append(label, style="reverse bold" if view == self.view else "")
        self.query_one("#callbacks-tabs", Static).update(line)

    def _calendar(self) -> Any:
        from deskui.domain.calendar import BusinessCalendar

        return self.desk_app.calendar or BusinessCalendar(tz=self.desk_app.settings.site_timezone)

    # -- loading: share overdue personal callbacks, count the unseen due ones ------------------

    def load_queue(self) -> None:
        """Share overdue personal callbacks, mark the queue seen, count the unseen due ones."""
        from deskui.services.callbacks import OpenQueue, open_queue

        if self.desk_app.agent is None:
            return
        run_service(
            self,
            open_queue,
            OpenQueue(self.desk_app.settings.site_timezone),
            done=self._queue_opened,
            trouble=self._trouble,
            group="callbacks_load",
            exclusive=True,
        )

    def _queue_opened(self, opened: QueueOpened) -> None:
        self.post_message(self.Loaded(opened.unseen, opened.shared))

    def action_history(self) -> None:
        """Every change to the callback under the cursor, newest first (issue 16)."""
        from deskui.screens.history import HistoryModal
        from deskui.services.callbacks import CallbackHistory, callback_history

        row = self.query_one("#callbacks-list", WorkList).cursor_row
        if row is None or not hasattr(row, "callback_id"):
            ring_bell(self)
            return
        title = t("history.title_callback", customer=visible(row.customer_name))
        open_modal(
            self.app, HistoryModal(title, callback_history, CallbackHistory(row.callback_id))
        )

    def action_take_next(self) -> None:
        """Take the most urgent callback of the shared queue and call it: never the one
        another desk took a moment before (issue 16, FOR UPDATE SKIP LOCKED)."""
        from deskui.services.claims import claim_next_callback

        run_service(
            self,
            claim_next_callback,
            None,
            done=self._taken,
            trouble=self._trouble,
            group="callbacks_take",
            exclusive=True,
        )

    def _taken(self, callback_id: int | None) -> None:
        if callback_id is None:
            self.notify(t("callbacks.shared_empty"))
            return
        self.load_queue()
        self.desk_app.open_callback(callback_id)

    def _trouble(self, reason: str) -> None:
        self.post_message(self.Trouble(reason))

    def load_shares(self) -> None:
        from deskui.services.callbacks import coverage_shares

        run_service(
            self,
            coverage_shares,
            self._calendar(),
            done=lambda shares: self.post_message(self.SharesLoaded(shares)),
            trouble=self._trouble,
            group="coverage_share",
            exclusive=True,
        )

    def on_callbacks_screen_shares_loaded(self, message: SharesLoaded) -> None:
        self.query_one("#coverage-share", Static).update(Text(share_line(message.shares)))

    def on_callbacks_screen_loaded(self, message: Loaded) -> None:
        due = self.query_one("#callbacks-due", Static)
        due.update(Text(t("callbacks.unseen", count=message.unseen)) if message.unseen else "")
        due.set_class(message.unseen > 0, "-attention")
        if message.shared:
            self.notify(t("callbacks.moved_to_shared", count=len(message.shared)))
            self.query_one("#callbacks-list", WorkList).reload()

    def on_callbacks_screen_trouble(self, message: Trouble) -> None:
        self.query_one("#callbacks-trouble", Banner).message = t(
            "callbacks.trouble", reason=visible(message.reason)
        )

    def on_callbacks_screen_done(self, message: Done) -> None:
        self.notify(message.text, title=t("callbacks.title"))
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one("#callbacks-list", WorkList).reload()
        self.load_queue()

    def on_desk_app_changes_seen(self, message: Any) -> None:
        if message.entities & {"callback", "visit_request", "deadline", "promotion"}:
            self.action_reload()

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self.action_reload)  # once the screen is painted

    def reopened(self) -> None:
        """F4 again after Esc: the queue the agent chose (1-6) stays, read again (on
        resume); the keys go to the list."""
        self.query_one("#callbacks-list", WorkList).focus()

    # -- the selected row ---------------------------------------------------------------------

    @on(WorkList.CursorMoved, "#callbacks-list")
    def show_detail(self, event: WorkList.CursorMoved) -> None:
        self.query_one("#callbacks-detail", Static).update(self._describe(event.row))

    def _describe(self, row: Any) -> Text:
        text = Text()
        if row is None:
            return text
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        if self.view == "visits":
            text.append(visible(row.customer_name), style="bold")
            text.append(f"  {t(f'callbacks.visit_status.{row.status}')}\n")
            text.append(f"{t('callbacks.visit.reason')}: ")
            text.append(visible(row.reason))
            # what the letter states besides (seed 000:2.5.4): the form, the feedback's plan
            not_stated = t("callbacks.visit.not_stated")
            text.append(f"\n{t('callbacks.visit.confirmation_form')}: ")
            text.append(visible(row.confirmation_form, one_line=True) or not_stated)
            text.append(f"\n{t('callbacks.visit.feedback_frequency')}: ")
            text.append(visible(row.feedback_frequency, one_line=True) or not_stated)
            text.append(f"  {t('callbacks.visit.feedback_times')}: ")
            text.append(visible(row.feedback_times, one_line=True) or not_stated)
            if row.decided_by or row.decision_note:
                text.append(f"\n{t('callbacks.visit.decision_note')}: ")
                text.append(visible(row.decision_note or t("callbacks.visit.no_note")))
                if row.decided_by:
                    text.append(
                        f"  ({t('callbacks.visit.decided_by', name=visible(row.decided_by))})"
                    )
            if row.feedback:
                text.append(f"\n{t('callbacks.visit.feedback')}: ")
                text.append(visible(row.feedback))
            return text
        if self.view == "coverage":
            text.append(visible(row.customer_name), style="bold")
            text.append(f"\n{t('callbacks.coverage_hint')}")
            return text
        if self.view == "promotions":
            text.append(visible(row.name), style="bold")
            text.append(f"  {row.starts_on.isoformat()} ~ {row.ends_on.isoformat()}\n")
            text.append(t("callbacks.promotion.hint"))
            return text
        text.append(t(f"callbacks.purpose.{row.purpose}"), style="bold")
        named = occasion_label(row.occasion, row.contact_name)
        if named:
            text.append(f"  {visible(named)}", style="bold")
        text.append(f"  #{row.callback_id}  ")
        text.append(visible(row.customer_name))
        if row.contact_name:
            text.append("  ")
            text.append(visible(row.contact_name))
        text.append("\n")
        text.append(t("desk.due_at", due=row.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")))
        if row.booked_at is not None:
            text.append(f"  {t('callbacks.booked_note')}")
        elif row.moved_reason:
            text.append(f"  {t('callbacks.moved_because', reason=reason_text(row.moved_reason))}")
        if row.shared:
            text.append(f"  {t('callbacks.shared_note')}")
        if row.confirmation != "not_needed":  # on the due line: the panel has two
            text.append("  ")
            text.append(t(f"callbacks.confirm.state.{row.confirmation}"), style="bold")
        return text

    @on(WorkList.RowSelected, "#callbacks-list")
    def row_selected(self, event: WorkList.RowSelected) -> None:
        row = event.row
        if self.view == "coverage":
            self.notify(t("callbacks.coverage_hint"))
        elif self.view == "promotions":
            self.notify(t("callbacks.promotion.hint"))
        elif row is None:  # the list shows another view since the key
            return
        elif self.view == "visits":
            self._decide_visit(row)
        else:
            self.desk_app.open_callback(row.callback_id)

    # -- generation (coverage) --------------------------------------------------------------

    def action_generate(self) -> None:
        if self.view != "coverage":
            self.notify(t("callbacks.generate_where"), severity="warning")
            return
        self.generate()

    def generate(self) -> None:
        from deskui.services.callbacks import GenerateCallbacks, generate_callbacks

        run_service(
            self,
            generate_callbacks,
            GenerateCallbacks(self._calendar()),
            done=self._generated,
            trouble=self._trouble,
            group="callbacks_write",
            exclusive=True,
        )

    def _generated(self, made: CallbacksGenerated) -> None:
        text = t("callbacks.generated", routine=made.routine, occasions=made.occasions)
        self.post_message(self.Done(text))

    # -- a lead reassigns -------------------------------------------------------------------

    def action_reassign(self) -> None:
        row = self.query_one("#callbacks-list", WorkList).cursor_row
        if not self.may(Action.REASSIGN):
            self.notify(t("callbacks.lead_only"), severity="warning")
            return
        if row is None or self.view not in ("mine", "shared", "all"):
            ring_bell(self)
            return
        self.load_agents(row.callback_id, row.version)

    def load_agents(self, callback_id: int, version: int) -> None:
        from deskui.services.callbacks import ListPage, reassign_choices

        run_service(
            self,
            reassign_choices,
            ListPage(),
            done=lambda agents: self._pick_agent(callback_id, version, agents),
            refused=self._refused,
            trouble=self._trouble,
            group="callbacks_load_agents",
            exclusive=True,
        )

    def _pick_agent(self, callback_id: int, version: int, agents: list[AgentRecord]) -> None:
        from deskui.screens.visit_request import ReassignModal

        def picked(agent_id: int | None) -> None:
            if agent_id is not None:
                self.reassign(callback_id, agent_id, version)

        open_modal(self.app, ReassignModal(agents), picked)

    def reassign(self, callback_id: int, agent_id: int, version: int) -> None:
        """Give the callback, as the list showed it (`version`), to another agent; one that
        another desk changed meanwhile stays as it is: one line says who and when."""
        from deskui.services.callbacks import ReassignCallback, reassign_callback

        run_service(
            self,
            reassign_callback,
            ReassignCallback(callback_id, agent_id, version),
            done=lambda _: self.post_message(self.Done(t("callbacks.reassigned"))),
            refused=self._refused,
            conflict=self._reassign_lost,
            trouble=self._trouble,
            group="callbacks_write",
            exclusive=True,
        )

    def _reassign_lost(self, conflict: Conflict) -> None:
        from deskui.screens.lost_race import lost_race_line

        zone = self.desk_app.settings.site_timezone
        line = lost_race_line("callbacks.reassign_conflict", conflict, zone)
        self.notify(line, title=t("callbacks.title"), severity="warning")
        self.action_reload()

    def _refused(self, error: Exception) -> None:
        self.post_message(self.Trouble(refusal_text(error)))

    # -- on-site visits (seed 000:2.5.4) -------------------------------------------------------

    def action_request_visit(self) -> None:
        row = self.query_one("#callbacks-list", WorkList).cursor_row
        if row is None or self.view not in ("mine", "shared", "all", "coverage"):
            self.notify(t("callbacks.visit_where"), severity="warning")
            return
        if row.customer_id is None:  # a number no customer has: nobody to visit
            ring_bell(self.app)
            return
        from deskui.screens.visit_request import VisitRequestModal

        callback_id = getattr(row, "callback_id", None)
        open_modal(
            self.app,
            VisitRequestModal(row.customer_name, row.customer_id, callback_id),
            self._visit_requested,
        )

    def _visit_requested(self, saved: int | None) -> None:
        if saved:
            self.notify(t("callbacks.visit.requested"), title=t("callbacks.title"))
            self.action_reload()

    def _decide_visit(self, row: Any) -> None:
        from deskui.screens.visit_request import VisitDecisionModal

        modal = VisitDecisionModal(row, lead=self.may(Action.APPROVE_VISIT))
        open_modal(self.app, modal, self._visit_decided)

    def _visit_decided(self, changed: bool | None) -> None:
        if changed:
            self.action_reload()

    # -- promotions (促销活动期, seed 000:2.5.1.2) ----------------------------------------------

    def action_add_promotion(self) -> None:
        if not self.may(Action.RECORD_PROMOTION):
            self.notify(t("callbacks.lead_only"), severity="warning")
            return
        from deskui.screens.promotion import PromotionModal

        open_modal(self.app, PromotionModal(), self._promotion_added)

    def _promotion_added(self, saved: int | None) -> None:
        if saved:
            self.notify(t("callbacks.promotion.saved"), title=t("callbacks.title"))
            if self.view == "promotions":
                self.action_reload()
            else:
                self.action_view("promotions")


def refusal_text(error: Exception) -> str:
    """A callback's refusal in words (the lead's line when the permission table refuses)."""
    from deskui.screens.visit_request import refusal_key

    return t(refusal_key(error))


def share_line(shares: dict[str, CoverageShare]) -> str:
    """这周已回访 12/60 位客户（20%） · 本季度 45/60（75%）; 暂无数据 with no customers."""
    parts = []
    for name in ("week", "quarter"):
        share = shares[name]
        if share.percent is None:
            parts.append(t(f"callbacks.share.{name}_none"))
        else:
            parts.append(
                t(
                    f"callbacks.share.{name}",
                    covered=share.covered,
                    total=share.total,
                    percent=share.percent,
                )
            )
    return "  ·  ".join(parts)
