"""What a screen may ask of the app, as a typed protocol: screens never import `deskui.app`
(issue 15), so the app and its screens do not import each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.signal import Signal
    from textual.worker_manager import WorkerManager

    from deskui.config import Settings
    from deskui.domain.calendar import BusinessCalendar
    from deskui.domain.clock import Clock
    from deskui.domain.site import SiteRules
    from deskui.screens.pending_saves import PendingSaves
    from deskui.services.actor import Actor
    from deskui.services.agents import AgentRecord


class OpenedDatabase(Protocol):
    """The app's database as screens see it: open or not, embedded or a server."""

    @property
    def is_sqlite(self) -> bool: ...


class DeskHost(Protocol):
    """The desk app as its screens see it: who is signed in, the clock, the site's rules,
    and where to go next (the unit of work is the runner's alone)."""

    settings: Settings
    clock: Clock
    agent: AgentRecord | None
    calendar: BusinessCalendar | None
    pending_saves: PendingSaves
    screen_change_signal: Signal[Screen[Any]]
    """Textual's: the screen in front changed (the phone's line follows the agent)."""

    @property
    def database(self) -> OpenedDatabase | None:
        """Set once the database has opened: screens only ask whether it has (the runner
        opens units of work on it, deskui/screens/runner.py)."""

    @property
    def site_rules(self) -> SiteRules: ...

    @property
    def actor(self) -> Actor | None: ...

    def reload_site_rules(self) -> object: ...

    def reload_calendar(self) -> object: ...

    def open_complaint(self, ticket_id: int) -> None: ...

    def open_reply(self, ticket_id: int) -> None: ...

    def open_callback(self, callback_id: int) -> None: ...

    def open_orders(self) -> None: ...

    def open_prospect(self, prospect_id: int) -> None: ...

    def open_customer_event(self, event_id: int) -> None: ...

    def sign_in(self, agent: AgentRecord) -> None: ...

    def leave(self, screen: Screen[Any]) -> None: ...

    def action_open_screen(self, name: str) -> None: ...

    # Textual's App, as far as screens use it (read-only: a screen calls, never replaces)
    @property
    def screen_stack(self) -> list[Screen[Any]]: ...

    @property
    def workers(self) -> WorkerManager: ...

    @property
    def push_screen(self) -> Callable[..., Any]: ...

    @property
    def pop_screen(self) -> Callable[..., Any]: ...

    @property
    def notify(self) -> Callable[..., Any]: ...

    @property
    def bell(self) -> Callable[[], None]: ...

    @property
    def run_worker(self) -> Callable[..., Any]: ...

    @property
    def call_later(self) -> Callable[..., Any]: ...

    @property
    def exit(self) -> Callable[..., Any]: ...


def desk_host(app: App[Any]) -> DeskHost:
    """The desk app behind a screen's `self.app`, as its screens see it.

    A cast, in this one place: the one app that runs deskui's screens is deskui.app's
    DeskApp, which mypy checks against DeskHost there; screens may not import it (the
    layers), so the check cannot be made where the screen asks."""
    return cast("DeskHost", app)
