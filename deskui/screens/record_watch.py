"""Work moved away from an open form (issue 23): one watch for every form that edits one
ticket. When the app sees a change to the ticket the form has open (its change poll, at
once on PostgreSQL by LISTEN/NOTIFY), the watch reads how the ticket stands and what other
desks did to it since, and hands the form one line saying who did what ("张伟 把这条投诉改派
给了李娜"). It touches no field: what the agent typed stays, and the service refuses a save
onto a ticket that is no longer theirs (deskui/services/standing.py).

    self.watch = RecordWatch(self, ticket_id, "complaint", said=self._moved)
    self.watch.start()                      # on mount: what the form opened stands as seen
    self.watch.changes_seen(message)        # from on_desk_app_changes_seen
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from deskui.domain.search import visible
from deskui.i18n import t
from deskui.screens.delivery import deliver
from deskui.screens.runner import call_service

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost
    from deskui.services.standing import RecordStanding


def moved_line(before: RecordStanding, now: RecordStanding, me: int | None, noun: str) -> str:
    """What other desks did to the ticket between two readings, as one line ("" for nothing,
    or only this desk's own saves): the last move away (改派, 转组长, 结案) first, else who
    changed it."""
    record = t(f"watch.record.{noun}")
    others = [e for e in now.events if e.agent_id != me]
    for event in reversed(others):
        who = visible(event.agent_name) or t("conflict.someone")
        if event.action == "reassigned":
            to = visible(str(event.detail.get("to", now.owner_name)))
            return t("watch.reassigned", who=who, record=record, to=to)
        if event.action == "taken_over":
            lead = visible(str(event.detail.get("lead", now.owner_name)))
            return t("watch.taken_over", who=who, record=record, to=lead)
        if event.action == "closed":
            return t("watch.closed", who=who, record=record)
    if now.owner_id != before.owner_id and now.owner_id != me:
        return t("watch.owner_now", record=record, to=visible(now.owner_name))
    if now.status != before.status and now.status == "closed":
        return t("watch.closed", who=t("conflict.someone"), record=record)
    if others:
        who = visible(others[-1].agent_name) or t("conflict.someone")
        return t("watch.changed", who=who, record=record)
    if now.complaint_version != before.complaint_version and now.complaint_saved_by_id not in (
        None,
        me,
    ):
        who = visible(now.complaint_saved_by) or t("conflict.someone")
        return t("watch.changed", who=who, record=record)
    return ""


class RecordWatch:
    """Watches one ticket for a form; `said(line)` gets each line worth saying."""

    def __init__(
        self, screen: Screen[Any], ticket_id: int, noun: str, said: Callable[[str], object]
    ) -> None:
        self.screen = screen
        self.ticket_id = ticket_id
        self.noun = noun
        self.said = said
        self.standing: RecordStanding | None = None

    @property
    def _host(self) -> DeskHost:
        return self.screen.app  # type: ignore[return-value]

    def start(self) -> None:
        """Read how the ticket stands as the form opens it."""
        self._read(first=True)

    def changes_seen(self, message: Any) -> None:
        """The app saw changes: read the ticket again when it is among them."""
        if ("ticket", self.ticket_id) in getattr(message, "records", ()):
            self._read(first=False)

    def _read(self, first: bool) -> None:
        self.screen.run_worker(
            lambda: self._load(first),
            thread=True,
            group=f"watch-{self.ticket_id}",
            exit_on_error=False,
        )

    def _load(self, first: bool) -> None:
        from deskui.services.standing import StandingOf, record_standing

        before = self.standing
        since = 0 if before is None else before.last_event_id
        try:
            standing = call_service(self._host, record_standing, StandingOf(self.ticket_id, since))
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
