"""The connection pool of a desk on PostgreSQL (issue 27): a hundred desks share one server
whose default `max_connections` is 100, so a desk between calls holds no connection of its own.

One connection is kept while the desk works (a save, a list, the tick's report share it), a
few more open for a burst (two workers at once) and close as they come back, and the kept one
closes once nobody has used it for `RELEASE_AFTER` seconds. The next unit of work connects
again (a few milliseconds on the site's network). What an idle desk holds on the server is
then its share of the host's one LISTEN connection (deskui/data/change_listener.py) and,
for the second after each tick's report, one connection."""

from __future__ import annotations

import random
import threading
import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

RELEASE_AFTER = 1.0
"""Seconds a pooled connection stays open unused; the tick reports every few seconds."""
POOL_SIZE = 1
MAX_OVERFLOW = 1
"""A second connection while one is busy (a long export must not hold up the tick's poll)."""
POOL_TIMEOUT = 10.0
"""Seconds a unit of work waits for one of the desk's connections before it says so."""
SLOT_WAIT = 30.0
"""Seconds a desk waits for a free slot on a full server (a shift's start: a hundred desks
signing in at once) before the connection's failure is said."""
_RETURNED = "deskui_returned"


class ReleasingPool(QueuePool):
    """A QueuePool whose idle connections close after `RELEASE_AFTER` seconds. A thread of
    its own watches them only while one is open and idle: a desk holding none has none."""

    def __init__(self, creator: Any, **kw: Any) -> None:
        super().__init__(creator, **kw)
        self._release_lock = threading.Lock()
        self._releasing = False

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED] = time.monotonic()
        super()._do_return_conn(record)
        with self._release_lock:
            if self._releasing:
                return
            self._releasing = True
        threading.Thread(
            target=_release_while_idle, args=(weakref.ref(self),), name="deskui-pool", daemon=True
        ).start()

    def release_idle(self, now: float | None = None) -> float | None:
        """Close every kept connection unused for RELEASE_AFTER seconds; how long until the
        next one kept is due (None: no connection is kept open)."""
        now = time.monotonic() if now is None else now
        taken: list[ConnectionPoolEntry] = []
        while True:
            try:
                taken.append(self._pool.get(False))
            except Exception:  # sqlalchemy.util.queue.Empty: all taken
                break
        due: float | None = None
        try:
            for record in taken:
                if record.dbapi_connection is None:
                    continue
                idle = now - record.info.get(_RETURNED, now)
                if idle >= RELEASE_AFTER:
                    record.close()  # the record stays: its next checkout connects again
                else:
                    wait = RELEASE_AFTER - idle
                    due = wait if due is None else min(due, wait)
        finally:
            for record in taken:
                QueuePool._do_return_conn(self, record)  # back, without a new timestamp
        return due

    def _stop_releasing(self) -> bool:
        """Whether the watching thread may end: nothing kept open (checked under the lock a
        returning connection takes, so none returned meanwhile is left unwatched)."""
        with self._release_lock:
            if self.release_idle() is not None:
                return False
            self._releasing = False
            return True


def _release_while_idle(ref: weakref.ReferenceType[ReleasingPool]) -> None:
    while True:
        pool = ref()
        if pool is None:
            return
        due = pool.release_idle()
        if due is None and pool._stop_releasing():
            return
        del pool  # the pool may go (an engine disposed) while this thread sleeps
        time.sleep(min(due if due is not None else 0.0, RELEASE_AFTER) + 0.01)


def wait_for_a_slot(engine: Engine) -> None:
    """A connection the server refuses because it is full (`max_connections` reached) is
    tried again, a little later each time, for SLOT_WAIT seconds: a full server at a shift's
    start is a moment's wait for the desk, not a failed start."""

    @event.listens_for(engine, "do_connect")
    def connect(dialect: Dialect, _record: object, cargs: Any, cparams: Any) -> Any:
        waited, delay = 0.0, 0.05
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except Exception as error:
                if not server_full(error) or waited >= SLOT_WAIT:
                    raise
            pause = delay * (1 + random.random())  # desks refused together come back apart
            time.sleep(pause)
            waited += pause
            delay = min(delay * 2, 1.0)


def server_full(error: BaseException) -> bool:
    """Whether a failed connection says the server has no slot free (SQLSTATE 53300)."""
    if getattr(error, "sqlstate", None) == "53300":
        return True
    text = str(error)
    return "too many clients" in text or "remaining connection slots" in text
