"""What another desk wrote, heard at once on PostgreSQL (issue 16): every transaction that
adds to the change feed also sends NOTIFY on one channel (StoreBase._changed), so a desk polls
the feed the moment something changed instead of on its next tick. SQLite has no such thing:
there the tick's poll is all (one desk per file).

One LISTEN connection per host, not per desk (issue 27): a team's host runs a desk process
per agent, and a hundred desks each holding a LISTEN connection would fill a default
PostgreSQL (`max_connections` 100) on their own. The first desk of a host to start claims a
local socket named after the database (Linux's abstract namespace: no file, gone with its
process) and LISTENs; every other desk on the host connects to that socket and hears a line
for each notification. When the leading desk closes (or dies), its followers see the socket
close and one of them leads. A notification says "look now", and for the phone's own changes
whom they concern (`change_note`: issue 25, so a call wakes only the desks it rings or pops);
the leading desk passes each note on as a line. Each desk reads the change feed itself with
its own account, so a stranger on the host answering on the socket can make desks look more
often or less promptly, never show them anything; while a desk hears nobody (`live` false)
the tick polls every 2 s as on SQLite."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
from collections.abc import Callable

from sqlalchemy.engine import URL

from deskui.data.database import KEEPALIVES

CHANNEL = "deskui_changes"
CALL_ENTITIES = frozenset({"call", "call_agent", "call_queue", "agent_state"})
"""The change feed's words for the phone's own changes: a transaction of these only tells
the desks the calls concern (and those watching calls), not every desk."""
CALLS = "call:"
EVERY_CALL_DESK = "*"
MAX_NOTE = 7000
"""PostgreSQL refuses a payload of 8000 bytes or more: a longer note says "everyone"."""


def change_note(changes: list[tuple[str, int]]) -> str:
    """What a transaction's NOTIFY says (issue 25: "the notification says whom a call
    concerns"): "" for any change but the phone's (every desk looks, as before); for the
    phone's alone, `call:` and the agents it rings, was answered by or whose state changed,
    or `call:*` when it rings a queue naming nobody (every desk of calls looks). Desks
    watching every call (the floor, the caller log) look at any `call:` note."""
    if any(entity not in CALL_ENTITIES for entity, _ in changes):
        return ""
    if any(entity == "call_queue" for entity, _ in changes):
        return CALLS + EVERY_CALL_DESK
    agents = dict.fromkeys(i for e, i in changes if e in ("call_agent", "agent_state"))
    note = CALLS + ",".join(str(i) for i in agents)
    return note if len(note) <= MAX_NOTE else ""


def note_names(note: str, agent_id: int | None) -> bool:
    """Whether the note is a call's that rings or pops this agent (or every desk of calls):
    their desk reads its calls at once, without waiting for the feed to say so."""
    if not note.startswith(CALLS) or agent_id is None:
        return False
    named = note[len(CALLS) :].split(",")
    return EVERY_CALL_DESK in named or str(agent_id) in named


def note_concerns(note: str, agent_id: int | None, *, watches_calls: bool) -> bool:
    """Whether a desk signed in as `agent_id` reads the change feed for this note: any note
    but the phone's, or one naming it or every desk of calls, or any call while it shows
    the floor or the caller log. A note from a stranger on the host's socket can only make
    a desk look more often or less promptly (the tick's poll still runs)."""
    if not note.startswith(CALLS):
        return True
    return watches_calls or note_names(note, agent_id)


READ_SPACING = 0.25
"""A desk reads the change feed for notes at most this often (the first at once, the others
at the end of the spacing, never dropped): at a PBX's 500 events/s a missed call's shared
callback concerns every desk, and fifty desks each reading for each one cost the server more
than the bridge's own writes (benchmarks/phone.py). A call that rings or pops a desk is
read at once by its own path (`note_names`); the floor updates within a second still."""


class ReadPacer:
    """When a desk reads the change feed for the notes it hears (`READ_SPACING`): `heard()`
    says read now (0.0), read after this delay (one read is then due, later notes ride on
    it: None), and `read()` says a read started. Pure: the clock is given."""

    def __init__(self, clock: Callable[[], float], spacing: float = READ_SPACING) -> None:
        self._clock = clock
        self._spacing = spacing
        self._last = -spacing
        self._due = False

    def heard(self) -> float | None:
        if self._due:
            return None
        wait = self._last + self._spacing - self._clock()
        if wait <= 0:
            return 0.0
        self._due = True
        return wait

    def read(self) -> None:
        self._last = self._clock()
        self._due = False


RETRY_SECONDS = 5.0
WAIT_SECONDS = 0.5
"""How often the leading desk looks for new followers between notifications."""
LOOK = ""
"""The note that makes every desk look (a desk that just started following, any change but
the phone's)."""
BURST_SECONDS = 0.05
"""A follower reads what came in, at most this often: a flood of bytes is one poll each."""


def host_address(url: URL) -> str:
    """The local socket's name for this database: every desk of the host on the same server
    and database shares it (the channel is the database's, whatever the schema)."""
    where = f"{url.host or ''}:{url.port or 5432}/{url.database or ''}"
    return "\0deskui-changes-" + hashlib.sha256(where.encode()).hexdigest()[:24]


class ChangeListener:
    """A daemon thread: lead or follow the host's LISTEN, and call `heard(note)` (from that
    thread) for each notification, with its note (`change_note`). It reconnects by itself
    when the server or the leading desk goes away; `stop()` ends it."""

    def __init__(
        self,
        url: URL,
        heard: Callable[[str], None],
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
            pending = b""
            while not self._stopped.is_set():
                try:
                    data = follower.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break  # the leading desk closed
                self.live = True  # its first line says it LISTENs
                *lines, pending = (pending + data).split(b"\n")
                if len(pending) > 2 * MAX_NOTE:  # no line from a desk: look, and start over
                    lines, pending = [b""], b""
                for note in dict.fromkeys(lines):  # a burst: each different note once
                    self._heard(note.decode("utf-8", "replace"))
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
                _pass_on(followers, LOOK)  # they hear from now on: each looks once
                while not self._stopped.is_set():
                    _welcome(server, followers)
                    for notify in connection.notifies(timeout=WAIT_SECONDS, stop_after=1):
                        self._heard(notify.payload)
                        _pass_on(followers, notify.payload)
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
        _pass_on([follower], LOOK, followers)


def _pass_on(
    to: list[socket.socket], note: str, followers: list[socket.socket] | None = None
) -> None:
    """The note as a line to each follower; one that is gone, or does not read (its buffer
    full), is dropped (it polls on its ticks, then follows again)."""
    keep = followers if followers is not None else to
    line = note.replace("\n", " ").encode() + b"\n"
    for follower in list(to):
        try:
            if follower.send(line) == len(line):
                continue
        except OSError:
            pass
        with contextlib.suppress(ValueError):
            keep.remove(follower)
        follower.close()
