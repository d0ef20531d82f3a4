"""What another desk wrote, heard at once on PostgreSQL (issue 16): every transaction that
adds to the change feed also sends NOTIFY on one channel (StoreBase._changed), so a desk polls
the feed the moment something changed instead of on its next tick. SQLite has no such thing:
there the tick's poll is all (one desk per file).

One LISTEN connection per host, not per desk (issue 27): a team's host runs a desk process
per agent, and a hundred desks each holding a LISTEN connection would fill a default
PostgreSQL (`max_connections` 100) on their own. The first desk of a host to start claims a
local socket named after the database (Linux's abstract namespace: no file, gone with its
process) and LISTENs; every other desk on the host connects to that socket and hears a byte
for each notification. When the leading desk closes (or dies), its followers see the socket
close and one of them leads. A notification carries nothing but "look now": each desk reads
the change feed itself with its own account, so a stranger on the host answering on the
socket can make desks look more often or less promptly, never show them anything; while a
desk hears nobody (`live` false) the tick polls every 2 s as on SQLite."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
from collections.abc import Callable

from sqlalchemy.engine import URL

from deskui.data.database import KEEPALIVES

CHANNEL = "deskui_changes"
RETRY_SECONDS = 5.0
WAIT_SECONDS = 0.5
"""How often the leading desk looks for new followers between notifications."""
PING = b"!"
BURST_SECONDS = 0.05
"""A follower reads what came in, at most this often: a flood of bytes is one poll each."""


def host_address(url: URL) -> str:
    """The local socket's name for this database: every desk of the host on the same server
    and database shares it (the channel is the database's, whatever the schema)."""
    where = f"{url.host or ''}:{url.port or 5432}/{url.database or ''}"
    return "\0deskui-changes-" + hashlib.sha256(where.encode()).hexdigest()[:24]


class ChangeListener:
    """A daemon thread: lead or follow the host's LISTEN, and call `heard()` (from that
    thread) for each notification. It reconnects by itself when the server or the leading
    desk goes away; `stop()` ends it."""

    def __init__(
        self,
        url: URL,
        heard: Callable[[], None],
        *,
        address: str | None = None,
        application_name: str = "deskui",
    ) -> None:
        self._url = url
        self._heard = heard
        self._address = address or host_address(url)
        self._application_name = application_name
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deskui-listen", daemon=True)
        self.live = False
        """Notifications reach this desk now (it LISTENs, or follows a desk that does)."""
        self.leading = False
        """This desk holds the host's LISTEN connection."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _conninfo(self) -> dict[str, object]:
        url = self._url
        info: dict[str, object] = {
            "host": url.host or "",
            "port": url.port or 5432,
            "dbname": url.database or "",
            "user": url.username or "",
            "password": url.password or "",
            "connect_timeout": 5,
            "application_name": self._application_name,
            **KEEPALIVES,
        }
        options = url.query.get("options")
        if options:
            info["options"] = options if isinstance(options, str) else options[0]
        return info

    def _run(self) -> None:
        while not self._stopped.is_set():
            if self._follow():
                continue  # the leading desk went: follow the next one, or lead
            if self._lead():
                continue
            self._stopped.wait(BURST_SECONDS)  # another desk just claimed it: follow it

    # -- following: a byte on the host's socket for each notification --------------------

    def _follow(self) -> bool:
        """Follow the desk that leads; whether one did (until it went away)."""
        follower = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            follower.connect(self._address)
        except OSError:
            follower.close()
            return False
        with follower:
            follower.settimeout(WAIT_SECONDS)
            while not self._stopped.is_set():
                try:
                    data = follower.recv(256)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break  # the leading desk closed
                self.live = True  # its first byte says it LISTENs
                self._heard()
                self._stopped.wait(BURST_SECONDS)
            self.live = False
        return True

    # -- leading: the one LISTEN connection, its notifications passed on -----------------

    def _lead(self) -> bool:
        """Claim the host's socket and LISTEN for every desk; False if another desk has it."""
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(self._address)
            server.listen(256)
        except OSError:
            server.close()
            return False
        server.setblocking(False)
        followers: list[socket.socket] = []
        self.leading = True
        try:
            while not self._stopped.is_set():
                self._listen(server, followers)
                if not self._stopped.is_set():
                    self._stopped.wait(RETRY_SECONDS)  # the server is away: the ticks poll
        finally:
            self.leading = False
            self.live = False
            for follower in followers:
                follower.close()
            server.close()  # the name is free: a follower leads now
        return True

    def _listen(self, server: socket.socket, followers: list[socket.socket]) -> None:
        import psycopg

        try:
            with psycopg.connect(autocommit=True, **self._conninfo()) as connection:  # type: ignore[arg-type]
                connection.execute(f"LISTEN {CHANNEL}")
                self.live = True
                _pass_on(followers)  # they hear from now on: each looks once
                while not self._stopped.is_set():
                    _welcome(server, followers)
                    for _ in connection.notifies(timeout=WAIT_SECONDS, stop_after=1):
                        self._heard()
                        _pass_on(followers)
        except Exception:  # the server went away: the tick's poll still runs; try again
            pass
        finally:
            self.live = False
            for follower in followers:  # they poll on their ticks until this desk hears again
                follower.close()
            followers.clear()


def _welcome(server: socket.socket, followers: list[socket.socket]) -> None:
    """Take in the desks that started since; each hears a first byte (it looks once)."""
    while True:
        try:
            follower, _ = server.accept()
        except OSError:  # none waiting (BlockingIOError) or the socket closed
            return
        follower.setblocking(False)
        followers.append(follower)
        _pass_on([follower], followers)


def _pass_on(to: list[socket.socket], followers: list[socket.socket] | None = None) -> None:
    """A byte to each follower; one that is gone, or does not read, is dropped (it polls)."""
    keep = followers if followers is not None else to
    for follower in list(to):
        try:
            follower.send(PING)
        except OSError:
            with contextlib.suppress(ValueError):
                keep.remove(follower)
            follower.close()
