"""The unit of work: one transaction, and every aggregate's store by name.

Modelled on cosmicpython's `unit_of_work.py`, in SQLAlchemy 2.x style: `with UnitOfWork(db)
as uow:` opens a session, `uow.tickets`, `uow.callbacks`, `uow.handover` ... are the stores
sharing it, and nothing is written unless `uow.commit()` is called (leaving the block rolls
back). Where it differs: there is no abstract base with a fake for tests, because every test
runs on a real SQLite and PostgreSQL database (the store tests are the repository tests), and
each store is imported and built the first time a unit of work asks for it: the desk's start
needs five of the twenty-three, and importing all of them cost some 50 ms before the first
rows (benchmarks/startup.py, the existing-database case).
"""

from __future__ import annotations

import importlib
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from sqlalchemy.orm import Session

from deskui.data.database import Database as Database  # named for deskui/screens/runner.py
from deskui.domain.deadlines import DeadlinePolicy
from deskui.domain.site import SiteRules, site_rules

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import date

    from sqlalchemy import Table

    from deskui.data.account_store import AccountStore
    from deskui.data.agent_store import AgentStore
    from deskui.data.audit_store import AuditStore
    from deskui.data.calendar_store import CalendarStore
    from deskui.data.call_store import CallStore
    from deskui.data.callback_store import CallbackStore
    from deskui.data.change_feed import ChangeFeed
    from deskui.data.complaint_store import ComplaintStore
    from deskui.data.customer_store import CustomerStore
    from deskui.data.deadline_store import DeadlineStore
    from deskui.data.draft_store import DraftStore
    from deskui.data.frontdesk_store import FrontDeskStore
    from deskui.data.handover_store import HandoverStore
    from deskui.data.later_rows import LaterDeadlines, LaterWrite
    from deskui.data.measure_store import MeasureStore
    from deskui.data.notification_store import NotificationStore
    from deskui.data.pause_store import PauseStore
    from deskui.data.presence_store import PresenceStore
    from deskui.data.privacy_store import PrivacyStore
    from deskui.data.profile_store import ProfileStore
    from deskui.data.reception_store import ReceptionStore
    from deskui.data.relations_store import RelationsStore
    from deskui.data.settings_store import SettingsStore
    from deskui.data.survey_store import SurveyStore
    from deskui.data.ticket_life_store import TicketLifeStore
    from deskui.data.ticket_store import TicketStore
    from deskui.data.work_store import WorkStore

S = TypeVar("S")


class _Store(Generic[S]):
    """A store of the unit of work, imported and built on first use, then kept on it."""

    def __init__(self, module: str, name: str) -> None:
        self._module = f"deskui.data.{module}"
        self._name = name

    def __set_name__(self, owner: type, attribute: str) -> None:
        self._attribute = attribute

    @overload
    def __get__(self, uow: None, owner: type) -> _Store[S]: ...
    @overload
    def __get__(self, uow: UnitOfWork, owner: type) -> S: ...
    def __get__(self, uow: UnitOfWork | None, owner: type) -> Any:
        if uow is None:
            return self
        store = getattr(importlib.import_module(self._module), self._name)(uow)
        uow.__dict__[self._attribute] = store  # found there from now on, before the class
        return store


class UnitOfWork:
    """A transaction around the stores: rolls back unless `commit()` was called."""

    session: Session
    agents: _Store[AgentStore] = _Store("agent_store", "AgentStore")
    work: _Store[WorkStore] = _Store("work_store", "WorkStore")
    customers: _Store[CustomerStore] = _Store("customer_store", "CustomerStore")
    tickets: _Store[TicketStore] = _Store("ticket_store", "TicketStore")
    ticket_life: _Store[TicketLifeStore] = _Store("ticket_life_store", "TicketLifeStore")
    profiles: _Store[ProfileStore] = _Store("profile_store", "ProfileStore")
    complaints: _Store[ComplaintStore] = _Store("complaint_store", "ComplaintStore")
    callbacks: _Store[CallbackStore] = _Store("callback_store", "CallbackStore")
    surveys: _Store[SurveyStore] = _Store("survey_store", "SurveyStore")
    handover: _Store[HandoverStore] = _Store("handover_store", "HandoverStore")
    frontdesk: _Store[FrontDeskStore] = _Store("frontdesk_store", "FrontDeskStore")
    reception: _Store[ReceptionStore] = _Store("reception_store", "ReceptionStore")
    relations: _Store[RelationsStore] = _Store("relations_store", "RelationsStore")
    pauses: _Store[PauseStore] = _Store("pause_store", "PauseStore")
    notifications: _Store[NotificationStore] = _Store("notification_store", "NotificationStore")
    calendar: _Store[CalendarStore] = _Store("calendar_store", "CalendarStore")
    drafts: _Store[DraftStore] = _Store("draft_store", "DraftStore")
    changes: _Store[ChangeFeed] = _Store("change_feed", "ChangeFeed")
    settings: _Store[SettingsStore] = _Store("settings_store", "SettingsStore")
    deadlines: _Store[DeadlineStore] = _Store("deadline_store", "DeadlineStore")
    accounts: _Store[AccountStore] = _Store("account_store", "AccountStore")
    audit: _Store[AuditStore] = _Store("audit_store", "AuditStore")
    presence: _Store[PresenceStore] = _Store("presence_store", "PresenceStore")
    measures: _Store[MeasureStore] = _Store("measure_store", "MeasureStore")
    calls: _Store[CallStore] = _Store("call_store", "CallStore")
    privacy: _Store[PrivacyStore] = _Store("privacy_store", "PrivacyStore")

    def __init__(
        self,
        database: Database,
        policy: DeadlinePolicy | None = None,
        *,
        quick: bool = False,
        rules: SiteRules | None = None,
        agents_by_word: Mapping[str, int] | None = None,
        calendar: Mapping[date, bool] | None = None,
    ) -> None:
        self._database = database
        self._policy = policy
        self._quick = quick
        """Read on the UI thread: a busy file fails fast instead of waiting (reads only)."""
        self._given_rules = rules
        """Rules a caller keeps between units of work (the phone bridge: a read less per
        event); None: read from the stored settings."""
        self._rules: SiteRules | None = rules
        self.agents_by_word = agents_by_word
        self.calendar_kept = calendar
        """The business calendar's overrides as a caller keeps them (the phone bridge: a
        read less for each missed call); None: `CalendarStore` reads them."""
        """Active agents by extension and by name, as a caller keeps them (the phone
        bridge); None: `CallStore.agents_at` reads them."""

    def __enter__(self) -> UnitOfWork:
        self.session = self._database.quick_session() if self._quick else self._database.session()
        self._rules = self._given_rules
        self.changed: list[tuple[str, int]] = []
        """The change feed rows of this transaction: its commit tells the listening desks
        whom they concern (PostgreSQL NOTIFY, `change_listener.change_note`)."""
        self._before_commit: list[Callable[[], None]] = []
        """What stores hold unwritten, written at the commit before the change feed
        (`before_commit`)."""
        self._later_writes: list[LaterWrite | LaterDeadlines] = []
        """Rows by key written at the commit in its one statement (`add_later_write`)."""
        self._later: dict[Table, list[dict[str, Any]]] = {}
        """Append-only rows nothing reads back in this transaction (the change feed's, a
        call's events): written at commit, after the session's own rows, without the ORM
        (`add_later`)."""
        for attribute in _STORES:  # a unit of work entered again gets stores of its session
            self.__dict__.pop(attribute, None)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def before_commit(self, write: Callable[[], None]) -> None:
        """A store's writes of what it holds outside the session (the call store's rows,
        written without the ORM), run at the commit after the session's own."""
        self._before_commit.append(write)

    @property
    def writes_later(self) -> bool:
        """Whether rows by key wait for the commit's one statement (PostgreSQL) rather than
        being written when handed over (`add_later_write`)."""
        return self.session.get_bind().dialect.name == "postgresql"

    def add_later_write(self, write: LaterWrite | LaterDeadlines) -> None:
        """Rows by key (an UPDATE, or an upsert), written by the commit's one statement with
        the change feed on PostgreSQL (`writes_later`): a store's last writes at the commit,
        nothing reads them back."""
        self._later_writes.append(write)

    def add_later(self, table: Table, row: dict[str, Any]) -> None:
        """An append-only row (no id wanted back, nothing reads it before the commit),
        written at `commit` with the others of its table in one statement."""
        self._later.setdefault(table, []).append(row)

    def write_pending(self, table: Table) -> None:
        """Write `table`'s rows still waiting for the commit (`add_later`) now: a read of that
        table in this transaction sees them (a callback's history read after its save)."""
        rows = self._later.pop(table, None)
        if rows:
            from sqlalchemy import insert

            self.session.flush()
            self.session.execute(insert(table), rows)

    def commit(self) -> None:
        if self._before_commit:
            self.session.flush()  # rows they may refer to (a missed call's callback)
            for write in self._before_commit:
                write()
        later, self._later = self._later, {}
        writes, self._later_writes = self._later_writes, []
        if self.session.get_bind().dialect.name == "postgresql":
            note = None
            if self.changed:
                from deskui.data.change_listener import change_note

                # delivered at commit, once per transaction: the desks it concerns poll at once
                note = change_note(self.changed)
            if later or writes or note is not None:
                self.session.flush()  # the rows the later ones refer to (a call's events)
                from deskui.data.later_rows import write_with_note

                write_with_note(self.session, later, note, writes)
        elif later:
            from sqlalchemy import insert

            self.session.flush()
            for table, rows in later.items():
                self.session.execute(insert(table), rows)
        self.session.commit()
        self.changed = []

    @property
    def rules(self) -> SiteRules:
        """The site's rules, read once per unit of work from the stored settings."""
        if self._rules is None:
            self._rules = site_rules(self.settings.stored_settings())
        return self._rules

    @property
    def policy(self) -> DeadlinePolicy:
        """Deadline durations: an explicit policy (tests, tools), else the site's."""
        return self._policy or self.rules.policy

    def forget_rules(self) -> None:
        """Settings were saved in this unit of work: read the rules again when next asked."""
        self._rules = None


_STORES = tuple(name for name, value in vars(UnitOfWork).items() if isinstance(value, _Store))
