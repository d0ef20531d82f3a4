"""A sheet to import (customers, orders) on a team desk comes from the site's inbox, never
from a path of the host (issue 23, DESIGN.md 13): what an agent types there is a file name
of the inbox, resolved inside it alone (deskui/data/site_files.py). The single desk on a
person's own machine keeps its path. Decided here, for every service that reads a sheet."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deskui.data.frontdesk_store import FrontDeskError
from deskui.data.site_files import read_inbox_file

if TYPE_CHECKING:
    from deskui.data.unit_of_work import UnitOfWork

SHEET_LIMIT = 50 * 1024 * 1024
"""The largest sheet read from the inbox (a year of orders as XLSX is a few MB)."""


@dataclass(frozen=True, slots=True)
class HostFiles:
    """What of the host a desk may read: any path on a single desk; on a team desk (the
    host's word, `deskui.locations.team_desk`) only a file of `inbox` by its name."""

    team: bool = False
    inbox: Path | None = None


def is_team(uow: UnitOfWork, host: HostFiles | None) -> bool:
    """The host's word, or a server database, which the service sees for itself."""
    return (host is not None and host.team) or uow.session.get_bind().dialect.name != "sqlite"


@contextmanager
def sheet_file(uow: UnitOfWork, host: HostFiles | None, typed: str) -> Iterator[Path]:
    """The file to read for what the agent typed: the path itself on a single desk; on a
    team desk a private copy of the inbox's file of that name (its suffix kept, so the
    reader knows CSV from XLSX), removed after. FrontDeskError when the inbox has no such
    plain file, or no inbox is set."""
    typed = typed.strip()
    if not is_team(uow, host):
        yield Path(typed).expanduser()
        return
    if host is None or host.inbox is None:
        raise FrontDeskError("attachments.error.inbox_only", "path")
    content = read_inbox_file(host.inbox, typed, SHEET_LIMIT)
    with tempfile.TemporaryDirectory(prefix="deskui-sheet-") as folder:
        copy = Path(folder) / f"sheet{Path(typed).suffix.lower()[:8]}"
        copy.write_bytes(content)
        yield copy
