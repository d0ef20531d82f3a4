"""make_app(settings, clock, database): the App, its keymap and the one tick (DESIGN.md 3)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from deskui.config import Settings
from deskui.domain.clock import Clock
from deskui.i18n import set_locale, t
from deskui.keys import localize_bindings
from deskui.memory import IdleCollector
from deskui.screens.delivery import deliver
from deskui.screens.desk import DeskScreen

if TYPE_CHECKING:
    from deskui.data.database import Database
    from deskui.data.records import AgentRecord
    from deskui.data.repository import UnitOfWork
    from deskui.domain.calendar import BusinessCalendar
    from deskui.domain.site import SiteRules

RETRY_SECONDS = 5.0
FIRST_PAINT_WAIT = 2.0  # seconds; a headless start with no paint still opens the database
CHANGE_POLL_TICKS = 2
HANDOVER_FLAG_TICKS = 10  # late handover acknowledgements reach the lead (seed 004)
CALLBACK_SWEEP_TICKS = 60  # overdue personal callbacks reach the shared queue on time (issue 6)
TYPING_PAUSE = 0.5
"""Seconds after a key during which the tick holds back its database polls (their thread
would compete with the keystroke's frame for the interpreter)."""
MAX_HELD_TICKS = 4
"""Ticks a poll may be held back by continuous typing before it runs anyway."""


class DeskApp(App[None]):
    """The front desk. Build it with `make_app`."""

    CSS_PATH = "deskui.tcss"
    TITLE = "deskui"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-roomy")]
    """Every screen carries `-narrow` below 100 columns (an agent's 80x24): deskui.tcss
    lays a few screens out tighter there."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "keys.help", id="help", priority=True),
        Binding("f2", "intake", "keys.intake", id="intake", priority=True),
        Binding("f3", "complaints", "keys.complaints", id="complaints", priority=True),
        Binding("f4", "callbacks", "keys.callbacks", id="callbacks", priority=True),
        Binding("f5", "handover", "keys.handover", id="handover", priority=True),
        Binding("f6", "team", "keys.team", id="team", priority=True),
        Binding("f7", "department", "keys.department", id="department", priority=True),
        Binding("f8", "reception", "keys.reception", id="reception", priority=True),
        Binding("f9", "correspondence", "keys.correspondence", id="correspondence", priority=True),
        Binding("f10", "relations", "keys.relations", id="relations", priority=True),
        Binding("ctrl+k", "profiles", "keys.profiles", id="profiles", priority=True, show=False),
        Binding("ctrl+q", "quit", "keys.quit", id="quit", priority=True, show=False),
        Binding(
            "ctrl+p", "command_palette", "keys.palette", id="palette", show=False, priority=True
        ),
    ]

    @dataclass
    class DatabaseReady(Message):
        agents: list[AgentRecord]
        overrides: dict[Any, bool]
        rules: SiteRules

    @dataclass
    class DatabaseFailed(Message):
        reason: str

    @dataclass
    class ChangesSeen(Message, bubble=False):
        """Another desk (or a worker) wrote something: lists reload."""

        entities: frozenset[str]

    def __init__(self, settings: Settings, clock: Clock, database: Database | None = None) -> None:
        set_locale(settings.locale)
        super().__init__()
        localize_bindings(self)
        self.settings = settings
        self.clock = clock
        self._first_paint = threading.Event()
        self._given_database = database
        self.database: Database | None = None
        """Set once the database has opened and migrated; workers check it."""
        self.agent: AgentRecord | None = None
        self.calendar: BusinessCalendar | None = None
        self._site_rules: SiteRules | None = None
        self.theme = settings.theme
        self._ticks = 0
        self._held_ticks = 0
        self.collector = IdleCollector()
        """Full GC passes when the keyboard is quiet; told of every key (`on_event`)."""
        self._last_change = 0
        if settings.keymap:
            self.set_keymap(settings.keymap)

    # -- start: paint first, then open the data layer in a worker (DESIGN.md 9) -----------

    def get_default_screen(self) -> Screen[Any]:
        return DeskScreen()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick, name="tick")
        self.call_after_refresh(self._first_paint.set)
        self.open_database()

    @work(thread=True, exclusive=True, group="database", exit_on_error=False)
    def open_database(self) -> None:
        # the import of the data layer waits for the first frame: a worker importing
        # SQLAlchemy while the desk paints holds the GIL the painting needs (DESIGN.md 9)
        self._first_paint.wait(timeout=FIRST_PAINT_WAIT)
        from deskui.data.database import Database, DatabaseError

        try:
            database = self._given_database or Database(self.settings.database_url)
            database.upgrade()
            from deskui.data.repository import UnitOfWork

            with UnitOfWork(database) as uow:
                if self.settings.demo and not uow.repo.agents():
                    from deskui.data.demo import seed_demo

                    seed_demo(uow.repo, self.clock.now())
                    uow.commit()
                agents = uow.repo.agents()
                overrides = uow.repo.calendar_overrides()
                rules = uow.repo.rules
                self._last_change = uow.repo.last_change_id()
        except DatabaseError as error:
            self.post_message(self.DatabaseFailed(str(error)))
            return
        except Exception as error:  # an unexpected driver error still gets a line, not a crash
            self.post_message(self.DatabaseFailed(f"{type(error).__name__}: {error}"))
            return
        self.database = database
        self.post_message(self.DatabaseReady(agents, overrides, rules))

    def on_desk_app_database_failed(self, message: DatabaseFailed) -> None:
        self._desk().show_trouble(t("app.database_failed", reason=message.reason))
        self.set_timer(RETRY_SECONDS, self.open_database)

    def on_desk_app_database_ready(self, message: DatabaseReady) -> None:
        from deskui.domain.calendar import BusinessCalendar

        self.calendar = BusinessCalendar(message.overrides, tz=self.settings.site_timezone)
        self._site_rules = message.rules
        self.collector.start()  # once the data layer is in: no full GC passes mid-keystroke
        desk = self._desk()
        desk.show_trouble("")
        if self.agent is not None:
            desk.refresh_work()
            return
        wanted = self.settings.agent_name
        match = [a for a in message.agents if a.name == wanted] if wanted else []
        if match:
            self.sign_in(match[0])
            return
        from deskui.screens.agent_pick import AgentPickModal

        desk.show_status(t("desk.choose_agent"))
        self.push_screen(AgentPickModal(message.agents), self._picked)

    def _picked(self, agent: AgentRecord | None) -> None:
        if agent is not None:
            self.sign_in(agent)

    def sign_in(self, agent: AgentRecord) -> None:
        self.agent = agent
        self._desk().sign_in(agent)
        if agent.role == "department":  # a department member works their department's queue
            self.action_department()
        from deskui.screens.handover import offer_incoming_handover

        offer_incoming_handover(self)

    def _desk(self) -> DeskScreen:
        for screen in self.screen_stack:
            if isinstance(screen, DeskScreen):
                return screen
        raise LookupError("the desk is not on the screen stack")

    @work(thread=True, exclusive=True, group="calendar", exit_on_error=False)
    def reload_calendar(self) -> None:
        """After a lead entered overrides: the one calendar every deadline uses."""
        from deskui.domain.calendar import BusinessCalendar

        with self.unit_of_work() as uow:
            overrides = uow.repo.calendar_overrides()
        calendar = BusinessCalendar(overrides, tz=self.settings.site_timezone)
        deliver(self, self._calendar_loaded, calendar)

    def _calendar_loaded(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self._desk().show_calendar_notice()

    @property
    def site_rules(self) -> SiteRules:
        """The site's settings as rules (deadlines, calling hours, limits); defaults until
        the database has opened, then what leads saved, reloaded when one saves."""
        if self._site_rules is None:
            from deskui.domain.site import SiteRules

            self._site_rules = SiteRules()
        return self._site_rules

    @work(thread=True, exclusive=True, group="site-rules", exit_on_error=False)
    def reload_site_rules(self) -> None:
        with self.unit_of_work() as uow:
            rules = uow.repo.rules
        deliver(self, self._site_rules_loaded, rules)

    def _site_rules_loaded(self, rules: SiteRules) -> None:
        self._site_rules = rules

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work on the open database; call it inside a thread worker."""
        from deskui.data.repository import UnitOfWork

        if self.database is None:
            from deskui.data.database import DatabaseError

            raise DatabaseError(t("app.database_not_open"))
        return UnitOfWork(self.database)

    # -- the one tick -------------------------------------------------------------------

    def _tick(self) -> None:
        """Once a second: repaint what is visible and live; now and then look for changes
        (held back while the agent types, a few ticks at most); a full GC pass when quiet."""
        for widget in self.screen.query(".-live"):
            if widget.display and widget.region.area:
                widget.tick()  # type: ignore[attr-defined]
        if self.collector.typing(TYPING_PAUSE) and self._held_ticks < MAX_HELD_TICKS:
            self._held_ticks += 1
            return
        self._held_ticks = 0
        self._ticks += 1
        if self.database is not None and self._ticks % CHANGE_POLL_TICKS == 0:
            self.poll_changes()
        if self.database is not None and self._ticks % HANDOVER_FLAG_TICKS == 0:
            self.check_handovers()
        if self.database is not None and self._ticks % CALLBACK_SWEEP_TICKS == 0:
            self.sweep_callbacks()
        self.collector.tick()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.collector.key()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.stop()

    def check_handovers(self) -> None:
        """Flag to the lead any handed-over item not acknowledged within the site-set time."""
        from deskui.screens.handover import flag_unacknowledged

        flag_unacknowledged(self)

    @work(thread=True, exclusive=True, group="callback_sweep", exit_on_error=False)
    def sweep_callbacks(self) -> None:
        """Once a minute, whatever screen is open: personal callbacks overdue by the site's
        minutes go to the shared queue (with their history entry), and the desk learns how
        many of the agent's own callbacks fell due since they last opened the queue."""
        agent = self.agent
        now = self.clock.now()
        try:
            with self.unit_of_work() as uow:
                shared = uow.repo.share_overdue(now)
                uow.commit()
                due = uow.repo.newly_due_count(agent.id, now) if agent is not None else 0
        except Exception as error:  # a failed sweep is said on the desk; the next one retries
            deliver(self, self._sweep_failed, str(error).splitlines()[0])
            return
        if shared:  # every open queue and desk reloads now, not at the next change poll
            self.post_message(self.ChangesSeen(frozenset({"callback", "deadline"})))
        if agent is not None:
            deliver(self, self._due_callbacks_counted, due)

    def _due_callbacks_counted(self, count: int) -> None:
        self._desk().show_due_callbacks(count)

    def _sweep_failed(self, reason: str) -> None:
        self._desk().show_trouble(t("app.database_failed", reason=reason))

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False)
    def poll_changes(self) -> None:
        with self.unit_of_work() as uow:
            changes = uow.repo.changes_since(self._last_change)
        if changes:
            self._last_change = changes[-1][0]
            self.post_message(self.ChangesSeen(frozenset(entity for _, entity, _ in changes)))

    def on_desk_app_changes_seen(self, message: ChangesSeen) -> None:
        if "site_setting" in message.entities:
            self.reload_site_rules()
        for screen in self.screen_stack:
            screen.post_message(self.ChangesSeen(message.entities))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "changes":
            self._desk().show_trouble(t("app.database_failed", reason=str(event.worker.error)))

    # -- keys and the palette -------------------------------------------------------------

    def action_help(self) -> None:
        from deskui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_profiles(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.profiles import ProfilesScreen

        if not isinstance(self.screen, ProfilesScreen):
            self.push_screen(ProfilesScreen())

    def action_intake(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.intake import IntakeScreen

        if not isinstance(self.screen, IntakeScreen):
            self.push_screen(IntakeScreen())

    def action_handover(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.handover import HandoverScreen

        if not isinstance(self.screen, HandoverScreen):
            self.push_screen(HandoverScreen())

    def action_complaints(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.complaint import ComplaintListScreen

        if not isinstance(self.screen, ComplaintListScreen):
            self.push_screen(ComplaintListScreen())

    def open_complaint(self, ticket_id: int) -> None:
        """One complaint's seven steps (intake hands a saved complaint over here)."""
        from deskui.screens.complaint import ComplaintScreen

        self.push_screen(ComplaintScreen(ticket_id))

    def action_callbacks(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.callbacks import CallbacksScreen

        if not isinstance(self.screen, CallbacksScreen):
            self.push_screen(CallbacksScreen())

    def open_callback(self, callback_id: int) -> None:
        """A callback opened from any list: its call, through the purpose's script."""
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.callback_call import CallbackCallScreen

        self.push_screen(CallbackCallScreen(callback_id))

    def action_team(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.team import TeamScreen

        if not isinstance(self.screen, TeamScreen):
            self.push_screen(TeamScreen())

    def action_department(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.department import DepartmentScreen

        if not isinstance(self.screen, DepartmentScreen):
            self.push_screen(DepartmentScreen())

    def action_reception(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.reception import ReceptionScreen

        if not isinstance(self.screen, ReceptionScreen):
            self.push_screen(ReceptionScreen())

    def action_correspondence(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.correspondence import CorrespondenceScreen

        if not isinstance(self.screen, CorrespondenceScreen):
            self.push_screen(CorrespondenceScreen())

    def action_relations(self) -> None:
        if self.agent is None or self.database is None:
            self.bell()
            return
        from deskui.screens.relations import RelationsScreen

        if not isinstance(self.screen, RelationsScreen):
            self.push_screen(RelationsScreen())

    def open_prospect(self, prospect_id: int) -> None:
        """A prospect's follow-up deadline opened from the desk: the prospects list."""
        from deskui.screens.relations import RelationsScreen

        self.push_screen(RelationsScreen("prospects"))

    def open_customer_event(self, event_id: int) -> None:
        """An event's plan deadline opened from the desk: that event's invitees."""
        from deskui.screens.relations import RelationsScreen

        self.push_screen(RelationsScreen("events", event_id=event_id))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key of the keymap is also a palette command running the same action."""
        for binding in self._bindings.key_to_bindings.values():
            for item in binding:
                if item.action in (
                    "help", "intake", "complaints", "callbacks", "handover", "team",
                    "department", "reception", "correspondence", "relations", "profiles",
                    "quit",
                ):  # fmt: skip
                    yield SystemCommand(
                        f"{item.description} ({item.key.upper()})",
                        item.tooltip,
                        getattr(self, f"action_{item.action}"),
                    )
        for key_bindings in screen._bindings.key_to_bindings.values():
            for item in key_bindings:
                if item.description and hasattr(screen, f"action_{item.action}"):
                    yield SystemCommand(
                        f"{item.description} ({item.key})",
                        item.tooltip,
                        getattr(screen, f"action_{item.action}"),
                    )
        yield SystemCommand(t("app.theme"), t("app.theme_tip"), self.action_change_theme)


def make_app(settings: Settings, clock: Clock, database: Database | None = None) -> DeskApp:
    """Build the desk; tests pass their own clock and an opened database."""
    return DeskApp(settings, clock, database)
