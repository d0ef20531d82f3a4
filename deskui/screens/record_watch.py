"""Work moved away from an open form (issue 23): one watch for every form that edits one
record (a ticket: the complaint steps, the ticket detail; a callback: the F4 call). When the
app sees a change to the record the form has open (its change poll, at once on PostgreSQL by
LISTEN/NOTIFY), the watch reads how the record stands and what other desks did to it since,
and hands the form one line saying who did what ("张伟 把这条投诉改派给了李娜"). It touches no
field: what the agent typed stays, and the service refuses a save onto a record that is no
longer theirs (deskui/services/standing.py).

    self.record_watch = RecordWatch(self, "ticket", ticket_id, "complaint", said=self._moved)
    self.record_watch.start()  # on mount: the record stands as the form opened it
    self.record_watch.changes_seen(message)  # from on_desk_app_changes_seen
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from deskui.domain.search import visible
from deskui.i18n import t
from deskui.screens.delivery import deliver
from deskui.screens.host import desk_host
from deskui.screens.runner import call_service

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.standing import RecordEvent, RecordStanding


def _moved_to(event: RecordEvent, fallback: str) -> str:
    """Who the record went to: a ticket's line says `to`, a callback's `agent` [from, to]."""
    agents = event.detail.get("agent")
    if isinstance(agents, list) and agents:
        return str(agents[-1] or fallback)
    return str(event.detail.get("to") or event.detail.get("lead") or fallback)


def moved_line(before: RecordStanding, now: RecordStanding, me: int | None, noun: str) -> str:
    """What other desks did to the record between two readings, as one line ("" for nothing,
    or only this desk's own saves): the last move away (改派, 转组长, 接手, 结案, 完成) first,
    else who changed it."""
    record = t(f"watch.record.{noun}")
    # another agent's lines; the desk's own sweeps (no agent: sharing an overdue callback)
    # leave the record with whoever works it, and are no news to the form
    others = [e for e in now.events if e.agent_id is not None and e.agent_id != me]
    for event in reversed(others):
        who = visible(event.agent_name) or t("conflict.someone")
        to = visible(_moved_to(event, now.owner_name))
        if event.action in ("reassigned", "taken_over", "claimed"):
            return t(f"watch.{event.action}", who=who, record=record, to=to)
        if event.action in ("closed", "done"):
            return t(f"watch.{event.action}", who=who, record=record)
    if now.owner_id != before.owner_id and now.owner_id not in (None, me):
        return t("watch.owner_now", record=record, to=visible(now.owner_name))
    if now.closed and not before.closed:
        return t("watch.closed", who=t("conflict.someone"), record=record)
    if others:
        who = visible(others[-1].agent_name) or t("conflict.someone")
        return t("watch.changed", who=who, record=record)
    if now.saved_version != before.saved_version and now.saved_by_id not in (None, me):
        who = visible(now.saved_by) or t("conflict.someone")
        return t("watch.changed", who=who, record=record)
    return ""


class RecordWatch:
    """Watches one record for a form; `said(line)` gets each line worth saying."""

    def __init__(
        self,
        screen: Screen[Any],
        record: str,
        record_id: int,
        noun: str,
        said: Callable[[str], object],
    ) -> None:
        self.screen = screen
        self.record = record
        """The change feed's entity: "ticket" or "callback"."""
        self.record_id = record_id
        self.noun = noun
        """How the form names it (watch.record.*): "complaint", "ticket", "callback"."""
        self.said = said
        self.standing: RecordStanding | None = None

    @property
    def _host(self) -> DeskHost:
        return desk_host(self.screen.app)

    def start(self) -> None:
        """Read how the record stands as the form opens it."""
        self._read(first=True)

    def changes_seen(self, message: Any) -> None:
        """The app saw changes: read the record again when it is among them."""
        if (self.record, self.record_id) in getattr(message, "records", ()):
            self._read(first=False)

    def _read(self, first: bool) -> None:
        self.screen.run_worker(
            lambda: self._load(first),
            thread=True,
            group=f"watch-{self.record}-{self.record_id}",
            exit_on_error=False,
        )

    def _load(self, first: bool) -> None:
        from deskui.services.standing import StandingOf, record_standing

        before = self.standing
        query = StandingOf(
            self.record, self.record_id, 0 if before is None else before.last_event_id
        )
        try:
            standing = call_service(self._host, record_standing, query)
        except Exception:  # the database is away: the form's banner says so on its save
            return
        deliver(self.screen, self._read_done, standing, first)

    def _read_done(self, standing: RecordStanding, first: bool) -> None:
        before, self.standing = self.standing, standing
        if first or before is None:
            return
        agent = self._host.agent
        line = moved_line(before, standing, agent.id if agent else None, self.noun)
        if line:
            self.said(line)
