"""The bridge's journal: call events accepted while the database was away, kept in order in
a local file only the desk's account reads (0600), replayed when the database is back
(issue 25: a restart of either loses nothing).

One JSON line per event: `{"received_at": ISO, "fields": {...}}`. Appending fsyncs before
the bridge replies; dropping replayed lines rewrites the file atomically (a temporary file
renamed over it), so a crash in between replays a line twice at most, which the service
takes as a duplicate."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from deskui.locations import PRIVATE_FILE


@dataclass(frozen=True, slots=True)
class Journaled:
    received_at: datetime
    fields: dict[str, object]


class Journal:
    """The file and a count of its lines (read once at start)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists() and path.stat().st_size and not path.read_bytes().endswith(b"\n"):
            with path.open("ab") as stream:  # a torn last line stays alone on its line
                stream.write(b"\n")
        self._count = len(self.pending()) if path.exists() else 0

    def __len__(self) -> int:
        return self._count

    def append(self, received_at: datetime, fields: dict[str, object]) -> None:
        line = _line(received_at, fields)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
        try:
            os.fchmod(descriptor, PRIVATE_FILE)
            os.write(descriptor, (line + "\n").encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        self._count += 1

    def pending(self) -> list[Journaled]:
        """The journaled events, oldest first (a torn last line, from a crash mid-write, is
        left out: its post was never answered, so the PBX did not count it delivered)."""
        if not self.path.exists():
            return []
        found: list[Journaled] = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                found.append(
                    Journaled(datetime.fromisoformat(record["received_at"]), record["fields"])
                )
            except (ValueError, KeyError, TypeError):
                continue
        return found

    def drop_first(self, count: int) -> None:
        """The first `count` events were stored in the database: keep the rest."""
        if count <= 0:
            return
        rest = [_line(j.received_at, j.fields) for j in self.pending()[count:]]
        if not rest:
            self.path.unlink(missing_ok=True)
            self._count = 0
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        try:
            os.write(descriptor, ("\n".join(rest) + "\n").encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, self.path)
        self._count = len(rest)


def _line(received_at: datetime, fields: dict[str, object]) -> str:
    return json.dumps(
        {"received_at": received_at.isoformat(), "fields": fields}, ensure_ascii=False
    )
