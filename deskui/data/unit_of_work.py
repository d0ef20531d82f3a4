"""The unit of work: one transaction, and every aggregate's store by name.

Modelled on cosmicpython's `unit_of_work.py`, in SQLAlchemy 2.x style: `with UnitOfWork(db)
as uow:` opens a session, `uow.tickets`, `uow.callbacks`, `uow.handover` ... are the stores
sharing it, and nothing is written unless `uow.commit()` is called (leaving the block rolls
back). Where it differs: there is no abstract base with a fake for tests, because every test
runs on a real SQLite and PostgreSQL database (the store tests are the repository tests), and
the stores are built eagerly: they are plain objects holding the session, cheaper than a
lookup table of lazily built ones.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session

from deskui.data.account_store import AccountStore
from deskui.data.agent_store import AgentStore
from deskui.data.audit_store import AuditStore
from deskui.data.calendar_store import CalendarStore
from deskui.data.callback_store import CallbackStore
from deskui.data.change_feed import ChangeFeed
from deskui.data.complaint_store import ComplaintStore
from deskui.data.customer_store import CustomerStore
from deskui.data.database import Database
from deskui.data.deadline_store import DeadlineStore
from deskui.data.draft_store import DraftStore
from deskui.data.frontdesk_store import FrontDeskStore
from deskui.data.handover_store import HandoverStore
from deskui.data.measure_store import MeasureStore
from deskui.data.notification_store import NotificationStore
from deskui.data.pause_store import PauseStore
from deskui.data.presence_store import PresenceStore
from deskui.data.profile_store import ProfileStore
from deskui.data.reception_store import ReceptionStore
from deskui.data.relations_store import RelationsStore
from deskui.data.settings_store import SettingsStore
from deskui.data.survey_store import SurveyStore
from deskui.data.ticket_store import TicketStore
from deskui.data.work_store import WorkStore
from deskui.domain.deadlines import DeadlinePolicy
from deskui.domain.site import SiteRules, site_rules


class UnitOfWork:
    """A transaction around the stores: rolls back unless `commit()` was called."""

    session: Session
    agents: AgentStore
    work: WorkStore
    customers: CustomerStore
    tickets: TicketStore
    profiles: ProfileStore
    complaints: ComplaintStore
    callbacks: CallbackStore
    surveys: SurveyStore
    handover: HandoverStore
    frontdesk: FrontDeskStore
    reception: ReceptionStore
    relations: RelationsStore
    pauses: PauseStore
    notifications: NotificationStore
    calendar: CalendarStore
    drafts: DraftStore
    changes: ChangeFeed
    settings: SettingsStore
    deadlines: DeadlineStore
    accounts: AccountStore
    audit: AuditStore
    presence: PresenceStore
    measures: MeasureStore

    def __init__(
        self, database: Database, policy: DeadlinePolicy | None = None, *, quick: bool = False
    ) -> None:
        self._database = database
        self._policy = policy
        self._quick = quick
        """Read on the UI thread: a busy file fails fast instead of waiting (reads only)."""
        self._rules: SiteRules | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = self._database.quick_session() if self._quick else self._database.session()
        self._rules = None
        self.notified = False
        """This transaction has told the listening desks (PostgreSQL NOTIFY, once)."""
        self.agents = AgentStore(self)
        self.work = WorkStore(self)
        self.customers = CustomerStore(self)
        self.tickets = TicketStore(self)
        self.profiles = ProfileStore(self)
        self.complaints = ComplaintStore(self)
        self.callbacks = CallbackStore(self)
        self.surveys = SurveyStore(self)
        self.handover = HandoverStore(self)
        self.frontdesk = FrontDeskStore(self)
        self.reception = ReceptionStore(self)
        self.relations = RelationsStore(self)
        self.pauses = PauseStore(self)
        self.notifications = NotificationStore(self)
        self.calendar = CalendarStore(self)
        self.drafts = DraftStore(self)
        self.changes = ChangeFeed(self)
        self.settings = SettingsStore(self)
        self.deadlines = DeadlineStore(self)
        self.accounts = AccountStore(self)
        self.audit = AuditStore(self)
        self.presence = PresenceStore(self)
        self.measures = MeasureStore(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()
        self.notified = False

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
