"""make_app(settings, clock, database): the App, its keymap and the one tick (DESIGN.md 3)."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.filter import LineFilter
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from deskui.config import Settings
from deskui.domain.clock import Clock, site_zone
from deskui.domain.work_permissions import works_one_department
from deskui.i18n import set_locale, t
from deskui.key_order import KeysInOrderApp
from deskui.keys import localize_bindings, localize_textual_keys, offered
from deskui.memory import IdleCollector, one_heap
from deskui.navigation import (
    build_ahead,
    close,
    every_screen,
    keep_when_left,
    navigate,
    open_modal,
    ring_bell,
)
from deskui.palette import AliasProvider, DeskCommandPalette
from deskui.screens.delivery import deliver
from deskui.screens.desk import DeskScreen
from deskui.screens.pending_saves import PendingSaves, pending_saves_command
from deskui.screens.trouble_text import trouble_line
from deskui.widgets.shared_lines import share_lines_as_drawn
from deskui.widgets.strip_caches import lazy_strip_caches
from deskui.widgets.styles_cache import unpin_styles_caches
from deskui.widgets.terminal_guard import TerminalGuard

if TYPE_CHECKING:
    from deskui.data.database import Database
    from deskui.data.records import AgentRecord
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.domain.calendar import BusinessCalendar
    from deskui.domain.site import SiteRules
    from deskui.screens.host import DeskHost
    from deskui.screens.phone_desk import PhoneDesk
    from deskui.services.actor import Actor
    from deskui.services.phone_desk import CallLogRow, DeskCall
    from deskui.web.grant import Grant

RETRY_SECONDS = 5.0
WEB_REFUSED_SECONDS = 5.0  # a refused browser desk shows why, then ends (the page signs in)
FIRST_PAINT_WAIT = 2.0  # seconds; a headless start with no paint still opens the database
CHANGE_POLL_TICKS = 2
HEARD_POLL_TICKS = 30
"""On PostgreSQL with LISTEN live the feed is polled when a change is heard, and this often
besides (a notification lost with a dropped connection is caught up)."""
HANDOVER_FLAG_TICKS = 10  # late handover acknowledgements reach the lead (seed 004)
CALLBACK_SWEEP_TICKS = 60  # overdue personal callbacks reach the shared queue on time (issue 6)
TYPING_PAUSE = 0.5
PRESENCE_TICKS = 5  # who else has the record open: said within five seconds
"""Seconds after a key during which the tick holds back its database polls (their thread
would compete with the keystroke's frame for the interpreter)."""
MAX_HELD_TICKS = 4
"""Ticks a poll may be held back by continuous typing before it runs anyway."""


@dataclass(frozen=True)
class ScreenEntry:
    """What a key of the keymap (and its palette command) opens."""

    key: str
    screen_id: str
    """The screen's id: at most one screen with it is on the stack (deskui/navigation.py)."""
    module: str
    name: str
    signed_in: bool = True
    """Needs an agent signed in and the database open (help does not)."""
    footer: bool = True
    """An F-key shown in the footer (the caller log's F12 is in help and the palette: the
    footer of an 80-column desk has no room left)."""

    def screen_class(self) -> Callable[[], Screen[Any]]:
        """Imported when first opened: the desk starts without every screen (DESIGN.md 9)."""
        screen_class = getattr(importlib.import_module(self.module), self.name)
        assert isinstance(screen_class, type) and issubclass(screen_class, Screen), self.name
        return screen_class


SCREENS: dict[str, ScreenEntry] = {
    "help": ScreenEntry("f1", "help", "deskui.screens.help", "HelpScreen", signed_in=False),
    "intake": ScreenEntry("f2", "intake", "deskui.screens.intake", "IntakeScreen"),
    "complaints": ScreenEntry(
        "f3", "complaints", "deskui.screens.complaint", "ComplaintListScreen"
    ),
    "callbacks": ScreenEntry("f4", "callbacks", "deskui.screens.callbacks", "CallbacksScreen"),
    "handover": ScreenEntry("f5", "handover", "deskui.screens.handover", "HandoverScreen"),
    "team": ScreenEntry("f6", "team", "deskui.screens.team", "TeamScreen"),
    "department": ScreenEntry(
        "f7", "department-desk", "deskui.screens.department", "DepartmentScreen"
    ),
    "reception": ScreenEntry("f8", "reception", "deskui.screens.reception", "ReceptionScreen"),
    "correspondence": ScreenEntry(
        "f9", "correspondence", "deskui.screens.correspondence", "CorrespondenceScreen"
    ),
    "relations": ScreenEntry("f10", "relations", "deskui.screens.relations", "RelationsScreen"),
    "profiles": ScreenEntry("ctrl+k", "profiles", "deskui.screens.profiles", "ProfilesScreen"),
    "measures": ScreenEntry("ctrl+t", "measures", "deskui.screens.measures", "MeasuresScreen"),
    "caller_log": ScreenEntry(
        "f12", "caller-log", "deskui.screens.caller_log", "CallerLogScreen", footer=False
    ),
    "search": ScreenEntry("ctrl+f", "search", "deskui.screens.search", "SearchScreen"),
}
"""The binding id (and action parameter) of each screen a key opens, F1-F10, F12 (the
caller log, issue 25: Ctrl+L is intake's own), Ctrl+K and Ctrl+F (finding a record from any
screen, issue 26: the register's and the picker's own filters are on `/`)."""


class DeskApp(KeysInOrderApp[None]):
    """The front desk. Build it with `make_app`. Keys typed ahead land where they would if
    typed slowly (deskui/key_order.py)."""

    CSS_PATH = "deskui.tcss"
    TITLE = "deskui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {AliasProvider}  # 查找 found by 搜索 and search too
    # Textual 8.2.8 annotates App's as `ClassVar[list[...]] | None`, which mypy reads as an
    # instance variable: a class variable here (as Textual's own docs set it) is refused
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-roomy")]  # type: ignore[misc]
    """Every screen carries `-narrow` below 100 columns (an agent's 80x24): deskui.tcss
    lays a few screens out tighter there."""
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                entry.key,
                f"open_screen('{name}')",
                f"keys.{name}",
                id=name,
                priority=True,
                show=entry.footer and (entry.key.startswith("f") or name == "profiles"),
            )
            for name, entry in SCREENS.items()
        ),
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
        demo_names: frozenset[str] = frozenset()
        """The demo's people: they sign in from the pick list without a password."""
        first_manager: bool = False
        """No account has a password yet: the first start creates the first manager."""
        first_on_host: bool = False
        """No account has a password yet, and the host's command line makes the first
        manager (a team's database, or one a demo seeded): the sign-in screen says so."""

    @dataclass
    class DatabaseFailed(Message):
        reason: str
        retry: bool = True
        """False: nothing this desk can wait for (a schema it does not know): it stops."""

    @dataclass
    class ChangesSeen(Message, bubble=False):
        """Another desk (or a worker) wrote something: lists reload."""

        entities: frozenset[str]
        records: frozenset[tuple[str, int]] = frozenset()
        """(entity, id) of each change: a form with that record open says so (issue 23)."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        database: Database | None = None,
        web_grant: Grant | None = None,
    ) -> None:
        set_locale(settings.locale)
        localize_textual_keys()
        super().__init__()
        localize_bindings(self)
        self.terminal_guard = TerminalGuard()
        """Stored text never drives the terminal, whatever widget paints it (issue 23)."""
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
        one_heap()  # before the first worker thread allocates
        unpin_styles_caches()  # a closed screen's rendered lines go with it (textual#6665)
        lazy_strip_caches()  # a line's caches are made when first filled (issue 27)
        share_lines_as_drawn()  # a line equal to the one drawn before it is that one (issue 27)
        self.collector = IdleCollector()
        """Full GC passes when the keyboard is quiet; told of every key (`on_event`)."""
        self._last_change = 0
        self._read_pacer: Any = None
        """When notes make this desk read the feed (a `ReadPacer`, made at the first)."""
        self.pending_saves = PendingSaves(self)
        """Saves the desk promised to retry, retried from the tick (issue 13)."""
        self._demo_names: frozenset[str] = frozenset()
        self._listener: Any = None
        """The PostgreSQL LISTEN thread (deskui/data/change_listener.py), once opened."""
        self._presence_shown: tuple[str | None, tuple[str, ...]] | None = None
        self.viewers: list[str] = []
        """Who else has the record on screen open now (names), for screens that show it."""
        self._last_input = time.monotonic()
        self._locked = False
        self._database_down = False
        """The change poll failed: the next one that answers clears every trouble banner."""
        self._rechecking = False
        """A write probe runs (deskui/screens/trouble_text.py `write_fault`)."""
        self.crash_log: Path | None = None
        """Where the traceback went when the desk stopped on an unexpected error."""
        if settings.keymap:
            self.set_keymap(settings.keymap)
        self._web_grant = web_grant
        """A browser desk's hand-over from `deskui web` (issue 23): it starts signed in."""
        self._phone: PhoneDesk | None = None

    @property
    def phone(self) -> PhoneDesk:
        """The phone on this desk (issue 25): the ringing line, the pop, the wrap-up. Made
        when first needed (the sign-in's first rows, a change, the lock): its module and the
        call line's are no part of the first paint (DESIGN.md 9)."""
        if self._phone is None:
            from deskui.screens.phone_desk import PhoneDesk

            self._phone = PhoneDesk(self)
        return self._phone

    # -- start: paint first, then open the data layer in a worker (DESIGN.md 9) -----------

    def get_default_screen(self) -> Screen[Any]:
        return DeskScreen()

    def get_line_filters(self) -> Sequence[LineFilter]:
        guard = [self.terminal_guard] if self.terminal_guard.enabled else []
        return [*guard, *super().get_line_filters()]

    def on_mount(self) -> None:
        # no automatic full GC pass from here on: two of them (30-100 ms each, over every
        # object Textual and SQLAlchemy made) landed between the first paint and the rows;
        # the tick runs them when the keyboard is quiet (deskui/memory.py)
        self.collector.start()
        self.set_interval(1.0, self._tick, name="tick")
        self.open_database()

    def on_ready(self) -> None:
        # Textual says Ready once the first layout's frame is written: the data layer's
        # import starts then, not after the frames that follow it (their styles settling:
        # 30-40 ms later, every millisecond of it before the rows, issue 27)
        self._first_paint.set()

    @work(thread=True, exclusive=True, group="database", exit_on_error=False)
    def open_database(self) -> None:
        # the import of the data layer waits for the first frame: a worker importing
        # SQLAlchemy while the desk paints holds the GIL the painting needs (DESIGN.md 9)
        self._first_paint.wait(timeout=FIRST_PAINT_WAIT)
        # the files' permissions and the log (file system calls, mostly outside the GIL) in
        # a thread beside the data layer's import; done before the database file is opened
        files = threading.Thread(target=self._private_files, name="deskui-files", daemon=True)
        files.start()
        from deskui.data.database import Database, SchemaNotCurrent

        files.join()
        try:
            database = self._given_database or Database(self.settings.database_url)
            database.open_for_desk()  # a server's schema is checked, never migrated
            from deskui.data.unit_of_work import UnitOfWork

            with UnitOfWork(database) as uow:
                if self.settings.demo and not uow.agents.agents():
                    from deskui.data.demo import seed_demo

                    seed_demo(uow, self.clock.now())
                    uow.commit()
                from deskui.services.accounts import (
                    check_ahead,
                    first_manager_form,
                    needs_first_manager,
                )

                given = self.settings
                if given.agent_name and given.agent_password and self._web_grant is None:
                    # the sign-in's argon2id check of the password given starts now in a
                    # thread, beside the rest of this start and the sign-in screen's (issue
                    # 27): the sign-in below takes its answer, and decides as always
                    check_ahead(uow, given.agent_name, given.agent_password, now=self.clock.now())
                agents = uow.agents.agents()

                # issue 23: password-less demo people only in a process started with --demo
                demo_names = frozenset(
                    a.name
                    for a in uow.accounts.accounts()
                    if self.settings.demo and a.demo and a.active and not a.has_password
                )
                first_manager = first_manager_form(uow, team_database=not database.is_sqlite)
                first_on_host = not first_manager and needs_first_manager(uow)
                overrides = uow.calendar.calendar_overrides()
                rules = uow.rules
                self._last_change = uow.changes.last_change_id()
        except SchemaNotCurrent as error:  # the administrator's to fix: said, not retried
            reason = t("app.schema_unknown", found=error.found or "-", knows=error.knows)
            self.post_message(self.DatabaseFailed(reason, retry=False))
            return
        except Exception as error:  # any driver error gets one plain line, not a crash
            self.post_message(self.DatabaseFailed(trouble_line(error)))
            return
        self._prune_logs(rules.log_days)
        self.database = database
        self._listen_for_changes(database)
        ready = self.DatabaseReady(
            agents, overrides, rules, demo_names, first_manager, first_on_host
        )
        self.post_message(ready)

    def _private_files(self) -> None:
        """The desk's files its account's alone (0700/0600, issue 23), and its log open."""
        from deskui.desk_log import start_log
        from deskui.locations import files_dir, secure_files

        try:
            tightened = secure_files(self.settings)
            start_log(files_dir(self.settings))
        except OSError:  # a folder that cannot be made: the database's own trouble says it
            return
        if tightened:
            import logging

            logging.getLogger("deskui.files").warning(
                "tightened to 0700/0600: %s", ", ".join(str(p) for p in tightened)
            )

    def on_desk_app_database_failed(self, message: DatabaseFailed) -> None:
        if not message.retry:
            self._desk().show_trouble(message.reason)
            return
        self._desk().show_trouble(t("app.database_failed", reason=message.reason))
        self.set_timer(RETRY_SECONDS, self.open_database)

    def _prune_logs(self, site_days: int) -> None:
        """The desks' logs and crash reports older than the site keeps them deleted (the
        site setting log.days, once the database says it; issue 28)."""
        from deskui.desk_log import prune_desk_files
        from deskui.locations import files_dir

        prune_desk_files(files_dir(self.settings), site_days)

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
        self._demo_names = message.demo_names
        if self._web_grant is not None:  # signed in on the web host's page already
            grant, self._web_grant = self._web_grant, None
            self._start_web_desk(grant)
            return
        wanted = self.settings.agent_name
        match = [a for a in message.agents if a.name == wanted] if wanted else []
        if match and wanted in message.demo_names:  # a demo person needs no password
            self._demo_sign_in(match[0])
            return
        if message.demo_names and not wanted:
            from deskui.screens.agent_pick import AgentPickModal

            desk.show_status(t("desk.choose_agent"))
            demo_people = [a for a in message.agents if a.name in message.demo_names]
            open_modal(self, AgentPickModal(demo_people, demo=True), self._picked)
            return
        from deskui.screens.sign_in import Mode, SignInScreen

        desk.show_status(t("signin.status"))
        mode = Mode.FIRST_MANAGER if message.first_manager else Mode.SIGN_IN
        password = self.settings.agent_password if wanted else None
        screen = SignInScreen(
            mode, name=wanted or "", password=password, first_on_host=message.first_on_host
        )
        open_modal(self, screen, self._signed_in)

    @work(thread=True, group="web_desk", exit_on_error=False)
    def _start_web_desk(self, grant: Grant) -> None:
        from deskui.services.web_desks import WebDeskRefused, WebDeskStart, start_web_desk

        start = WebDeskStart(
            grant.agent_id, grant.name, grant.nonce, grant.issued_at, grant.read_at
        )
        try:
            with self.unit_of_work() as uow:
                signed = start_web_desk(uow, None, start, self.clock.now())
        except WebDeskRefused as error:
            self.call_from_thread(self._web_desk_refused, t(error.key))
            return
        except Exception as error:  # the database: one plain line, and the page signs in again
            self.call_from_thread(self._web_desk_refused, trouble_line(error))
            return
        self.call_from_thread(self._signed_in, signed.actor)

    def _web_desk_refused(self, reason: str) -> None:
        self._desk().show_trouble(reason)
        self.set_timer(WEB_REFUSED_SECONDS, lambda: self.exit(return_code=3))

    def _signed_in(self, actor: Actor | None) -> None:
        if actor is not None:
            from deskui.data.records import AgentRecord

            agent = AgentRecord(actor.id, actor.name, actor.role, actor.team, actor.department_code)
            self.sign_in(agent)

    def _picked(self, agent: AgentRecord | None) -> None:
        if agent is not None:
            self._demo_sign_in(agent)

    def _demo_sign_in(self, agent: AgentRecord) -> None:
        """A demo person without a password: the service checks this process's --demo and
        audits the sign-in (issue 23); refused, the sign-in screen asks for the password."""
        from deskui.screens.runner import run_service
        from deskui.services.accounts import DemoSignIn, demo_sign_in

        def refused(_error: Exception) -> None:
            from deskui.screens.sign_in import SignInScreen

            open_modal(self, SignInScreen(name=agent.name), self._signed_in)

        run_service(
            self.screen,
            demo_sign_in,
            DemoSignIn(agent.name, self.settings.demo, entry="app"),
            done=lambda _signed: self.sign_in(agent),
            refused=refused,
            trouble=self._desk().show_trouble,
            group="sign_in",
            anonymous=True,
        )

    def sign_in(self, agent: AgentRecord) -> None:
        self.agent = agent
        desk = self._desk()
        desk.sign_in(agent)
        # the rows first: the phone's read and the handover check follow them (issue 27)
        desk.after_first_rows(self.phone.signed_in)
        if works_one_department(agent.role):  # a department member works their queue
            self.action_open_screen("department")
        desk.after_first_rows(self._offer_handover)
        desk.after_first_rows(self.collector.pass_soon)  # the start-up's garbage given back

    def _offer_handover(self) -> None:
        # the check runs in a worker; the handover screen is imported only when one waits
        # (deskui/screens/handover_offer.py): an idle desk does without it
        from deskui.screens.handover_offer import offer_incoming_handover

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
            overrides = uow.calendar.calendar_overrides()
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
            rules = uow.rules
        deliver(self, self._site_rules_loaded, rules)

    def _site_rules_loaded(self, rules: SiteRules) -> None:
        self._site_rules = rules

    @property
    def actor(self) -> Actor | None:
        """The signed-in agent as the services take them; None before sign-in."""
        agent = self.agent
        if agent is None:
            return None
        from deskui.services.actor import Actor

        return Actor(agent.id, agent.name, agent.role, agent.team, agent.department_code)

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work on the open database; call it inside a thread worker."""
        from deskui.data.unit_of_work import UnitOfWork

        if self.database is None:
            from deskui.data.database import DatabaseError

            raise DatabaseError(t("app.database_not_open"))
        return UnitOfWork(self.database)

    # -- the one tick -------------------------------------------------------------------

    def _tick(self) -> None:
        """Once a second: repaint what is visible and live; now and then look for changes
        (held back while the agent types, a few ticks at most); a full GC pass when quiet."""
        from deskui.screens.trouble_text import write_fault  # loaded with trouble_line

        if not self.screen_stack:  # the desk is closing: its screens are gone, nothing to do
            return
        for screen in self._visible_screens():
            for widget in screen.query(".-live"):
                tick = getattr(widget, "tick", None)  # a `-live` widget has one
                if tick is not None and widget.display and widget.region.area:
                    tick()
        held = self.collector.typing(TYPING_PAUSE) and not self._watching_a_record()
        if held and self._held_ticks < MAX_HELD_TICKS:
            self._held_ticks += 1
            return
        self._held_ticks = 0
        self._ticks += 1
        if self.database is not None and self._poll_due():
            self.poll_changes()
        if self.database is not None and self._ticks % HANDOVER_FLAG_TICKS == 0:
            self.check_handovers()
        if self.database is not None and self._ticks % CALLBACK_SWEEP_TICKS == 0:
            self.sweep_callbacks()
        if self.database is not None and write_fault.is_set() and not self._rechecking:
            self._rechecking = True  # one probe at a time: a server away takes 5 s to say so
            self.recheck_writes()  # every tick until the database takes writes again
        self.pending_saves.tick()
        phone = self._phone
        if phone is not None:  # nothing rings before the phone is made
            phone.tick()
        # a full GC pass must not land in a pop's frame: held while a call rings
        self.collector.tick(held=phone is not None and phone.ringing)
        self._lock_when_idle()
        if self.database is not None and self._ticks % PRESENCE_TICKS == 0:
            self.report_presence()

    def _watching_a_record(self) -> bool:
        """A form that edits one record is on top (F3, a ticket's detail, the F4 call): another
        desk's move of that record is said within 2 s (issue 23), so its change polls are not
        held back while the agent types (on PostgreSQL LISTEN/NOTIFY tells it at once)."""
        from deskui.screens.record_watch import RecordWatch

        return isinstance(getattr(self.screen, "record_watch", None), RecordWatch)

    def _presence_subject(self) -> str | None:
        """The record the agent has in front of them: the topmost screen that names one."""
        for screen in reversed(self.screen_stack):
            subject = getattr(screen, "presence_subject", None)
            if subject:
                return str(subject)
        return None

    def report_presence(self) -> None:
        """Say which record this desk shows; when others have it open too, say who, once
        (issue 16: two agents on one ticket know it before they both save)."""
        from deskui.screens.runner import run_service
        from deskui.services.presence import here

        subject = self._presence_subject()
        if self.agent is None or self._locked:  # a locked desk is not at work
            return
        run_service(
            self.screen,
            here,
            subject,
            done=lambda names: self._others_here(subject, names),
            group="presence",
            exclusive=True,
        )

    def _others_here(self, subject: str | None, names: list[str]) -> None:
        seen = (subject, tuple(names))
        if seen == self._presence_shown:
            return
        self._presence_shown = seen if subject is not None else None
        self.viewers = names
        if names and subject is not None:
            self.notify(t("presence.also_open", names="、".join(names)), timeout=8)

    def _lock_when_idle(self) -> None:
        """After the site's idle time the desk locks behind the agent's password, everything
        on screen and every draft kept (issue 16); the demo's people have no password."""
        agent = self.agent
        if agent is None or agent.name in self._demo_names or self._locked:
            return
        idle = time.monotonic() - self._last_input
        if idle < self.site_rules.idle_lock.total_seconds():
            return
        from deskui.screens.sign_in import Mode, SignInScreen

        self._locked = True
        lock = SignInScreen(Mode.UNLOCK, name=agent.name)
        open_modal(self, lock, self._unlocked, replacing=True)  # over a password change too

    def _unlocked(self, _actor: Actor | None) -> None:
        self._locked = False
        self._last_input = time.monotonic()
        self.phone.unlocked()

    @property
    def locked(self) -> bool:
        """The desk is locked (idle, or by the agent): it shows no call but a masked line."""
        return self._locked

    def _visible_screens(self) -> list[Screen[Any]]:
        """The top screen and, while it is a dialog, those it is drawn over: the clock and
        countdowns behind the notifications list keep ticking."""
        visible: list[Screen[Any]] = []
        for screen in reversed(self.screen_stack):
            visible.append(screen)
            if not screen.is_modal:
                break
        return visible

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.collector.key()
            self._last_input = time.monotonic()
        elif isinstance(event, events.MouseDown):
            self._last_input = time.monotonic()
        await super().on_event(event)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """A key typed ahead whose binding belongs to a screen that has already closed (a
        save dismissed the form, then the Esc queued behind it arrives) does nothing: the
        form would be dismissed twice, its result set twice and the screen under it popped
        (the key walk found it under load)."""
        if isinstance(default_namespace, Screen) and default_namespace not in self.screen_stack:
            return True
        return await super().run_action(action, default_namespace, namespaces)

    async def action_pop_screen(self) -> None:
        """Esc: the screen left writes its drafts first, while its fields can still be
        read (its Suspend arrives once it is already off the stack)."""
        from deskui.screens.drafts import live_drafts

        for draft in live_drafts():
            if draft.screen is self.screen:
                draft.flush()
        keep_when_left(self, self.screen)  # a screen of work waits to be shown again in a frame
        await super().action_pop_screen()

    def on_unmount(self) -> None:
        self.collector.stop()
        if self._listener is not None:
            self._listener.stop()

    def _listen_for_changes(self, database: Database) -> None:
        """On PostgreSQL, another desk's write is heard at once (LISTEN/NOTIFY): the feed is
        polled then, not on the next tick; the tick's poll stays as the fallback."""
        if database.is_sqlite or self._listener is not None:
            return
        from deskui.data.change_listener import ChangeListener
        from deskui.data.database import application_name

        self._listener = ChangeListener(
            database.url,
            lambda note: deliver(self, self.heard, note),
            application_name=application_name(),
        )
        self._listener.start()

    def heard(self, note: str) -> None:
        """A notification: the feed is read now when it concerns this desk (issue 25: a call
        wakes only the desks it rings or pops, and those showing the floor or the caller
        log); one that does not is read with the next change that does, or the tick's poll."""
        from deskui.data.change_listener import ReadPacer, note_concerns, note_names

        agent_id = self.agent.id if self.agent is not None else None
        watching = any(getattr(screen, "watches_calls", False) for screen in self.screen_stack)
        if note_names(note, agent_id):  # a call rings or pops here: its read starts now
            self.phone.read_ahead()
        if note_concerns(note, agent_id, watches_calls=watching):
            if self._read_pacer is None:
                self._read_pacer = ReadPacer(time.monotonic)
            wait = self._read_pacer.heard()  # at most one read a READ_SPACING: never lost
            if wait == 0.0:
                self.poll_changes()
            elif wait is not None:
                self.set_timer(wait, self.poll_changes)

    def _poll_due(self) -> bool:
        """Whether this tick polls the change feed: every CHANGE_POLL_TICKS, or only every
        HEARD_POLL_TICKS while LISTEN tells this desk of every change at once (a hundred
        desks polling every 2 s would each keep a server connection open, issue 27)."""
        listener = self._listener
        every = HEARD_POLL_TICKS if listener is not None and listener.live else CHANGE_POLL_TICKS
        return self._ticks % every == 0

    # -- an unexpected error: logged, drafts kept, a non-zero exit (deskui/crash.py) --------

    def _handle_exception(self, error: Exception) -> None:
        """Textual calls this for any exception no handler caught (a screen's handler, a
        worker with exit_on_error): it then stops the app with return code 1."""
        if self.crash_log is None:  # the first error is the one to read; later ones follow it
            self.crash_log = self._record_crash(error)
        super()._handle_exception(error)
        self._exit_renderables.clear()  # the traceback is in the log; cli says where, in a line

    def _record_crash(self, error: BaseException) -> Path:

        from deskui.crash import append, crash_folder, describe, write_crash_log
        from deskui.screens.drafts import live_drafts

        local_now = self.clock.now().astimezone(site_zone(self.settings.site_timezone))
        path = write_crash_log(crash_folder(self.settings), describe(error), local_now)
        for draft in live_drafts():  # what the debounce had not written yet (DESIGN.md 5)
            try:
                draft.write_now()
            except Exception as failed:
                append(path, f"\ndraft {draft.form!r} not written:\n{describe(failed)}")
        return path

    def check_handovers(self) -> None:
        """Flag to the lead any handed-over item not acknowledged within the site-set time."""
        from deskui.screens.handover_offer import flag_unacknowledged

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
                shared = uow.callbacks.share_overdue(now)
                uow.commit()
                due = uow.callbacks.newly_due_count(agent.id, now) if agent is not None else 0
        except Exception as error:  # a failed sweep is said on the desk; the next one retries
            deliver(self, self._sweep_failed, trouble_line(error))
            return
        if shared:  # every open queue and desk reloads now, not at the next change poll
            self.post_message(self.ChangesSeen(frozenset({"callback", "deadline"})))
        if agent is not None:
            deliver(self, self._due_callbacks_counted, due)

    def _due_callbacks_counted(self, count: int) -> None:
        self._desk().show_due_callbacks(count)

    def _sweep_failed(self, reason: str) -> None:
        self._desk().show_trouble(t("app.database_failed", reason=reason))

    def poll_changes(self) -> None:
        """Read the change feed now (a note, the tick's poll, a write of this desk)."""
        if self._read_pacer is not None:
            self._read_pacer.read()
        self._read_changes()

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False)
    def _read_changes(self) -> None:
        with self.unit_of_work() as uow:
            changes = uow.changes.changes_since(self._last_change)
        deliver(self, self._database_answered)
        if changes:
            self._last_change = changes[-1][0]
            self.post_message(
                self.ChangesSeen(
                    frozenset(entity for _, entity, _ in changes),
                    frozenset((entity, record) for _, entity, record in changes),
                )
            )

    def on_desk_app_changes_seen(self, message: ChangesSeen) -> None:
        if "site_setting" in message.entities:
            self.reload_site_rules()
        self.phone.changes_seen(message.entities, message.records)
        for screen in self.screen_stack:  # a kept screen reads its data when shown again
            screen.post_message(self.ChangesSeen(message.entities, message.records))

    def _database_answered(self) -> None:
        """The database answers again: the desk's trouble banner goes (issue 13), and after
        the server was away, every screen's (issue 16: it reconnects by itself and says so by
        the banners going, without the agent doing anything)."""
        self._desk().show_trouble("")
        if not self._database_down:
            return
        self._database_down = False
        from deskui.widgets.banner import Banner

        for screen in every_screen(self):
            for banner in screen.query(Banner):
                if not (banner.has_class("-notice") or banner.has_class("-attention")):
                    banner.message = ""

    @work(thread=True, group="write_recheck", exit_on_error=False)
    def recheck_writes(self) -> None:
        """A database fault was said on a banner: as soon as the database takes a write
        again, every trouble banner goes (issue 23: F4 said 只能读 until a restart)."""
        from deskui.data.trouble import takes_writes
        from deskui.screens.trouble_text import write_fault

        try:
            database = self.database
            if database is not None and takes_writes(database):
                write_fault.clear()
                deliver(self, self._writes_again)
        finally:
            self._rechecking = False

    def _writes_again(self) -> None:
        self._database_down = True  # every screen's trouble banner goes, not only the desk's
        self._database_answered()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "changes":
            self._database_down = True
            reason = trouble_line(event.worker.error or RuntimeError())
            self._desk().show_trouble(t("app.database_failed", reason=reason))

    # -- keys and the palette: one screen table, one rule (deskui/navigation.py) ------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The measures (Ctrl+T) are a lead's and a manager's, the caller log (F12) a desk of
        calls': not offered to anyone else in the footer, help or the palette (issue 17, 25)."""
        if action == "open_screen" and parameters in (("measures",), ("caller_log",)):
            actor = self.actor
            if actor is None:  # before the sign-in: nothing to import for the first paint
                return False
            from deskui.domain.permissions import Action

            needed = Action.SEE_TEAM if parameters == ("measures",) else Action.SEE_CALLS
            return actor.may(needed)
        return True

    def action_open_screen(self, name: str) -> None:
        """An F-key, Ctrl+K or their palette command: the screen `name` of `SCREENS`."""
        entry = SCREENS[name]
        if entry.signed_in and not self._ready_for_work():
            return
        navigate(self, entry.screen_id, entry.screen_class(), brought_back=_asked_again)

    def _ready_for_work(self) -> bool:
        """Signed in and the database open: what every screen of work needs; a bell if not."""
        if self.agent is None or self.database is None:
            ring_bell(self)
            return False
        return True

    def open_complaint(self, ticket_id: int) -> None:
        """One complaint's seven steps (intake hands a saved complaint over here)."""
        if not self._ready_for_work():
            return
        from deskui.screens.complaint import ComplaintScreen

        navigate(self, "complaint", lambda: ComplaintScreen(ticket_id), subject=ticket_id)

    def open_reply(self, ticket_id: int) -> None:
        """The written reply to one complaint."""
        if not self._ready_for_work():
            return
        from deskui.screens.reply_composer import ReplyComposerScreen

        navigate(self, "reply-composer", lambda: ReplyComposerScreen(ticket_id), subject=ticket_id)

    def open_callback(self, callback_id: int) -> None:
        """A callback opened from any list: its call, through the purpose's script."""
        if not self._ready_for_work():
            return
        from deskui.screens.callback_call import CallbackCallScreen

        navigate(
            self, "callback-call", lambda: CallbackCallScreen(callback_id), subject=callback_id
        )

    def open_call(self, call: DeskCall) -> None:
        """A call the agent answered (issue 25): intake with its caller, whatever screen was
        open (each open form's typing written as its draft first), no key pressed."""
        if self.agent is None or self.database is None:
            return
        from deskui.screens.drafts import live_drafts
        from deskui.screens.intake import IntakeScreen

        for draft in live_drafts():
            draft.flush()
        self.collector.key()  # the caller's card is what the agent works with now
        navigate(self, "intake", IntakeScreen).take_call(call)

    def prepare_intake(self) -> None:
        """A call rings for this desk: the intake is built off the stack, unless it is open
        or kept already (deskui.navigation.build_ahead), so answering shows it at once."""
        if self.agent is None or self.database is None:
            return
        from deskui.screens.intake import IntakeScreen

        build_ahead(self, "intake", IntakeScreen)

    def open_caller(self, row: CallLogRow) -> None:
        """A call of the caller log without a ticket: its caller's card in intake."""
        if not self._ready_for_work():
            return
        from deskui.services.phone_desk import DeskCall

        self.open_call(
            DeskCall(
                row.call_id,
                row.customer_name,
                row.number,
                row.sees_number,
                row.customer_id,
                row.rang_at,
                None,
                None,
                from_log=True,
            )
        )

    def open_orders(self) -> None:
        """The orders of the handover (seed 004): one list, wherever it is opened from."""
        if not self._ready_for_work():
            return
        from deskui.screens.orders import OrdersScreen

        navigate(self, "orders", OrdersScreen)

    def open_prospect(self, prospect_id: int) -> None:
        """A prospect's follow-up deadline opened from the desk: the prospects list."""
        if not self._ready_for_work():
            return
        from deskui.screens.relations import RelationsScreen

        navigate(
            self,
            "relations",
            lambda: RelationsScreen("prospects"),
            brought_back=lambda screen: screen.action_section("prospects"),
        )

    def open_customer_event(self, event_id: int) -> None:
        """An event's plan deadline opened from the desk: that event's invitees."""
        if not self._ready_for_work():
            return
        from deskui.screens.relations import RelationsScreen

        navigate(
            self,
            "relations",
            lambda: RelationsScreen("events", event_id=event_id),
            brought_back=lambda screen: screen.open_event(event_id),
        )

    def leave(self, screen: Screen[Any]) -> None:
        """`screen` is done (a save finished): it goes, wherever it is on the stack; a pop
        would take whatever the agent opened since."""
        if screen in self.screen_stack:
            close(self, screen)

    def palette_aliases(self) -> Iterable[tuple[SystemCommand, str]]:
        """Screen commands the palette also finds by other words (`palette.also.<name>`:
        查找 by 搜索 and search), each with those words (deskui/palette.py AliasProvider)."""
        from deskui.i18n import has_key
        from deskui.screens.help import key_label

        for key_bindings in self._bindings.key_to_bindings.values():
            for item in key_bindings:
                also = f"palette.also.{item.id}"
                if item.id in SCREENS and has_key(also) and offered(self, item):
                    command = SystemCommand(
                        f"{item.description} ({key_label(item)})",
                        item.tooltip,
                        partial(self.run_action, item.action),
                    )
                    yield command, t(also)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(
                DeskCommandPalette(placeholder=t("palette.placeholder"), id="--command-palette")
            )

    def action_change_theme(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(
            DeskCommandPalette(providers=[ThemeProvider], placeholder=t("palette.themes"))
        )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key of the keymap is also a palette command running the same action."""
        from deskui.screens.help import key_label

        for key_bindings in self._bindings.key_to_bindings.values():
            for item in key_bindings:
                if (item.id in SCREENS or item.id == "quit") and offered(self, item):
                    yield SystemCommand(
                        f"{item.description} ({key_label(item)})",
                        item.tooltip,
                        partial(self.run_action, item.action),
                    )
        for key_bindings in screen._bindings.key_to_bindings.values():
            for item in key_bindings:
                if not item.description or not hasattr(screen, f"action_{item.action}"):
                    continue
                if not offered(screen, item):
                    continue  # not for this agent's role: not offered (issue 14)
                yield SystemCommand(
                    f"{item.description} ({key_label(item)})",
                    item.tooltip,
                    getattr(screen, f"action_{item.action}"),
                )
        yield SystemCommand(t("app.theme"), t("app.theme_tip"), self.action_change_theme)
        yield from self._account_commands()
        if self.pending_saves:
            yield pending_saves_command(self.pending_saves)

    def _account_commands(self) -> Iterable[SystemCommand]:
        """The lead's accounts screen, a manager's person's-data screen (issue 28), and for
        everyone with a password: change it, lock."""
        actor = self.actor
        if actor is None or self.database is None:
            return
        from deskui.domain.permissions import Action
        from deskui.screens.sign_in import Mode, SignInScreen

        if actor.may(Action.MANAGE_ACCOUNTS):
            from deskui.screens.accounts import AccountsModal

            yield SystemCommand(
                t("accounts.command"),
                t("accounts.command_tip"),
                lambda: open_modal(self, AccountsModal()),
            )
        if actor.may(Action.PERSONAL_DATA):  # issue 28 (PIPL): a manager's
            from deskui.screens.privacy import PrivacyModal

            yield SystemCommand(
                t("privacy.screen.command"),
                t("privacy.screen.command_tip"),
                lambda: open_modal(self, PrivacyModal()),
            )
        if actor.name in self._demo_names:
            return
        yield SystemCommand(
            t("accounts.password_command"),
            t("accounts.password_command_tip"),
            lambda: open_modal(self, SignInScreen(Mode.CHANGE, name=actor.name, actor=actor)),
        )
        yield SystemCommand(t("accounts.lock_command"), t("accounts.lock_command_tip"), self.lock)

    def lock(self) -> None:
        """Lock the desk now (the agent leaves it); only their password opens it again."""
        agent = self.agent
        if agent is None or self._locked or agent.name in self._demo_names:
            return
        from deskui.screens.sign_in import Mode, SignInScreen

        self._locked = True
        lock = SignInScreen(Mode.UNLOCK, name=agent.name)
        open_modal(self, lock, self._unlocked, replacing=True)  # over a password change too


def _asked_again(screen: Screen[Any]) -> None:
    """The key of a screen already open was pressed: one that has something to do then
    (the search goes back to its field) does it."""
    asked_again = getattr(screen, "asked_again", None)
    if asked_again is not None:
        asked_again()


if TYPE_CHECKING:
    # the app its screens see (deskui/screens/host.py `desk_host`): checked here, where the
    # app is known, since the screens may not import it
    def _as_host(app: DeskApp) -> DeskHost:
        return app


def make_app(
    settings: Settings,
    clock: Clock,
    database: Database | None = None,
    web_grant: Grant | None = None,
) -> DeskApp:
    """Build the desk; tests pass their own clock and an opened database; `deskui web` a
    hand-over of who signed in on its page."""
    return DeskApp(settings, clock, database, web_grant)
