"""What another desk wrote, heard at once on PostgreSQL (issue 16): every transaction that
adds to the change feed also sends NOTIFY on one channel (StoreBase._changed), and each desk
keeps one connection LISTENing in a thread of its own, so the desk polls the feed the moment
something changed instead of on its next tick. SQLite has no such thing: there the tick's
poll is all (one desk per file)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.engine import URL

CHANNEL = "deskui_changes"
RETRY_SECONDS = 5.0


class ChangeListener:
    """A daemon thread: LISTEN, and call `heard()` (from that thread) for each notification.
    It reconnects by itself when the server goes away; `stop()` ends it."""

    def __init__(self, url: URL, heard: Callable[[], None]) -> None:
        self._url = url
        self._heard = heard
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deskui-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _conninfo(self) -> dict[str, object]:
        url = self._url
        info: dict[str, object] = {
            "host": url.host or "",
            "port": url.port or 5432,
            "dbname": url.database or "",
            "user": url.username or "",
            "password": url.password or "",
            "connect_timeout": 5,
        }
        options = url.query.get("options")
        if options:
            info["options"] = options if isinstance(options, str) else options[0]
        return info

    def _run(self) -> None:
        import psycopg

        while not self._stopped.is_set():
            try:
                with psycopg.connect(autocommit=True, **self._conninfo()) as connection:  # type: ignore[arg-type]
                    connection.execute(f"LISTEN {CHANNEL}")
                    while not self._stopped.is_set():
                        for _ in connection.notifies(timeout=1.0, stop_after=1):
                            self._heard()
            except Exception:  # the server went away: the tick's poll still runs; try again
                self._stopped.wait(RETRY_SECONDS)
