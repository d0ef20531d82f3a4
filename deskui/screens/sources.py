"""Work sources for the virtual list: the repository's windowed deadline query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

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
        with self._app.unit_of_work() as uow:
            return uow.work.work_count(owner_id=self.owner_id, team=self.team)

    def rows(self, offset: int, limit: int) -> Sequence[Any]:
        with self._app.unit_of_work() as uow:
            return uow.work.work_rows(offset, limit, owner_id=self.owner_id, team=self.team)
