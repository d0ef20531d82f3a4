"""Work sources for the virtual list: the windowed deadline query, through the desk service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskui.screens.runner import call_service

if TYPE_CHECKING:
    from deskui.screens.host import DeskHost


class DeadlineSource:
    """Open deadlines by due time, for one owner or a whole team (DESIGN.md 2).

    `count` and `rows` are called by the work list inside its thread worker.
    """

    def __init__(self, app: DeskHost, owner_id: int | None = None, team: str | None = None) -> None:
        self._app = app
        self.owner_id = owner_id
        self.team = team

    def count(self) -> int:
        from deskui.services.desk import WorkPage, work_count

        return call_service(self._app, work_count, WorkPage(self.owner_id, self.team))

    def rows(self, offset: int, limit: int) -> Sequence[Any]:
        from deskui.services.desk import WorkPage, work_page

        return call_service(self._app, work_page, WorkPage(self.owner_id, self.team, offset, limit))
