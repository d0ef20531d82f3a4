"""`deskui phone serve`: the PBX's call events in the shape of Zammad's generic CTI push
(`POST /api/v1/cti/<token>`, JSON or form, `user[]` too), each stored through
`deskui.services.calls.record_call_events` before the reply (issue 25; DESIGN.md 12).

- The reply is `{}`, or `{"action": "reject", "reason": "busy"}` for a number on the site's
  block list (Zammad's answer, which a PBX script turns into a busy tone).
- Bad input gets a status and one log line, never a traceback: a wrong token 401 (compared
  in constant time, never logged), a body that is not JSON or a form 400, a body over 64 KB
  413, an event the domain refuses 422 (unknown event or direction, a `from` that is neither
  a phone number nor `anonymous`, control characters ...).
- One worker thread stores the events, so they land in the order they came: the events that
  came while it stored the last batch go in the next, in one transaction (one commit for a
  few events at 500 events/s), each replied to once it is committed; after a batch of
  several it waits `GATHER_SECONDS` for the posters it just answered. The site's rules and
  its agents by extension and its business calendar are kept between batches, read again
  every `KEEP_SECONDS` (a block list, an extension or a holiday changed takes effect within
  that). While the database is away
  the events go to a journal (a 0600 file) in the same order, and are replayed when it is
  back, before any newer event.
- Every `SWEEP_SECONDS` the sweep closes calls left ringing past the site's time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from deskui.domain.calls import parse_event
from deskui.domain.refusal import Invalid
from deskui.phone.journal import Journal

if TYPE_CHECKING:
    from aiohttp import web

    from deskui.config import Settings
    from deskui.data.database import Database
    from deskui.domain.clock import Clock

MAX_BODY = 64 * 1024
"""A CTI post is a few hundred bytes; more is refused unread (413)."""
MAX_FIELDS = 100
SWEEP_SECONDS = 30.0
REPLAY_SECONDS = 1.0
BATCH_MAX = 64
"""At most this many events in one transaction."""
GATHER_SECONDS = 0.002
"""After a batch of several events the storing waits at most this long for the posters it
just answered, and no longer than until as many events as that batch held are pending
(benchmarks/phone.py, 4 posters, 50 desks: about 4 events a commit instead of 2, less CPU an
event in the bridge and in the listening desks)."""
SIZES_KEPT = 16
"""The gather waits for as many events as the largest of this many last batches held."""
KEEP_SECONDS = 2.0
"""The site's rules, agents and calendar are read again when older than this."""
TOKEN_ENV = "DESKUI_PHONE_TOKEN"
TOKEN_SETTING = "phone.token_sha256"
"""A site's stored token: only its SHA-256 (the settings are readable by every desk)."""
PATH = "/api/v1/cti/{token}"
HEALTH_SECONDS = 10.0
"""A health check waits this long for the storing thread before it answers 503."""
HEALTH_REUSE_SECONDS = 1.0
"""A health check's answer is reused this long: anonymous checks cannot hold the events up."""

log = logging.getLogger("deskui.phone")


class BadBody(Exception):
    """The body is neither a JSON object nor a form."""


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


def fields_of(content_type: str, body: bytes) -> dict[str, object]:
    """The post's fields: a JSON object, or a form (`user[]` repeated becomes a list)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadBody("not UTF-8") from error
    if content_type == "application/json" or text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise BadBody("not JSON") from error
        if not isinstance(value, dict):
            raise BadBody("JSON but not an object")
        return value
    if content_type not in ("", "application/x-www-form-urlencoded", "text/plain"):
        raise BadBody("neither JSON nor a form")
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=MAX_FIELDS
        )
    except ValueError as error:
        raise BadBody("not a form") from error
    fields: dict[str, object] = {}
    users: list[str] = []
    for key, value in pairs:
        if not key:
            raise BadBody("a form field without a name")
        if key in ("user[]", "user"):
            users.append(value)
        else:
            fields[key] = value
    if users:
        fields["user"] = users
    if not fields:
        raise BadBody("an empty form")
    return fields


@dataclass(frozen=True, slots=True)
class Stored:
    reject: bool = False
    journaled: bool = False


class Bridge:
    """The HTTP front and its one storing thread."""

    def __init__(
        self,
        database_url: str,
        clock: Clock,
        journal: Journal,
        token: bytes,
        database: Database | None = None,
    ) -> None:
        self._url = database_url
        self._clock = clock
        self._journal = journal
        self._token = token
        self._database = database
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deskui-phone")
        self._away = False
        self._health: BaseException | None = None
        self._health_at = -HEALTH_REUSE_SECONDS
        self._health_lock = asyncio.Lock()
        self._kept: tuple[Any, dict[str, int], Any, float] | None = None
        """The site's rules, its agents by extension and name, its business calendar's
        overrides, and when they were read."""
        self._pending: list[tuple[dict[str, object], datetime, asyncio.Future[Any]]] = []
        self._storing = False
        self._sizes: deque[int] = deque(maxlen=SIZES_KEPT)
        """How many events the last batches held (`_drain`)."""
        self._gathered: asyncio.Event | None = None
        """Set when as many events as the last batch held are pending (`_drain`)."""
        self._drainer: asyncio.Task[None] | None = None
        """The task storing what is pending (held: the loop keeps only a weak reference)."""

    @property
    def _posters(self) -> int:
        """How many post together: the most the last batches held (`_drain` waits for as
        many)."""
        return max(self._sizes, default=0)

    # -- the storing thread ------------------------------------------------------------------

    def _db(self) -> Database:
        if self._database is None:
            from deskui.data.database import Database

            database = Database(self._url, ping=False)  # a dead connection: journaled
            database.open_for_desk()  # a server's schema is the administrator's (issue 27)
            self._database = database
        return self._database

    def _record(self, fields: dict[str, object], received_at: datetime) -> bool:
        """Store one event (a journaled one): whether to answer reject."""
        (result,) = self._record_all([(fields, received_at)])
        if isinstance(result, Invalid):
            raise result
        return result

    def _record_all(self, items: list[tuple[dict[str, object], datetime]]) -> list[bool | Invalid]:
        """Store events in one transaction, in order: for each, whether to answer reject,
        or why the domain refused it."""
        from deskui.data.unit_of_work import UnitOfWork
        from deskui.services.calls import PHONE_ACTOR, RecordCallEvent, record_call_events

        kept = self._kept
        fresh = kept is not None and time.monotonic() - kept[3] < KEEP_SECONDS
        rules, agents, days = (kept[:3]) if kept is not None and fresh else (None, None, None)
        with UnitOfWork(self._db(), rules=rules, agents_by_word=agents, calendar=days) as uow:
            if not fresh:  # read in this transaction: no round trip of their own
                uow.agents_by_word = uow.calls.agents_by_word()
                uow.calendar_kept = uow.calendar.calendar_overrides()
                self._kept = (uow.rules, uow.agents_by_word, uow.calendar_kept, time.monotonic())
            commands = [RecordCallEvent(f, received_at=at) for f, at in items]
            results = record_call_events(uow, PHONE_ACTOR, commands, self._clock.now())
        return [r if isinstance(r, Invalid) else r.reject for r in results]

    def _went_away(self, error: BaseException) -> None:
        if not self._away:
            log.warning(
                "database away (%s): journaling to %s", type(error).__name__, self._journal.path
            )
        self._away = True

    def replay(self) -> int:
        """Store the journal's events in order until it is empty or the database is still
        away; how many were stored."""
        from deskui.data.trouble import is_database_fault

        pending = self._journal.pending()
        done = 0
        try:
            for journaled in pending:
                try:
                    self._record(journaled.fields, journaled.received_at)
                except Invalid as error:  # a rule changed since it was accepted: dropped
                    log.warning("journaled event dropped: %s %s", error.field, error.key)
                except Exception as error:
                    if is_database_fault(error):
                        raise
                    # a fault of ours must not hold every later event back: said, dropped
                    log.error("journaled event dropped: %s", type(error).__name__)
                done += 1
        except Exception as error:
            self._went_away(error)
        finally:
            self._journal.drop_first(done)
        if done and not len(self._journal):
            log.warning("database back: %d journaled events stored", done)
            self._away = False
        return done

    def store(self, fields: dict[str, object], received_at: datetime) -> Stored:
        """Store one checked event, after whatever the journal holds; journal it when the
        database is away."""
        (result,) = self.store_batch([(fields, received_at)])
        if isinstance(result, Exception):
            raise result
        return result

    def store_batch(
        self, items: list[tuple[dict[str, object], datetime]]
    ) -> list[Stored | Exception]:
        """Store checked events in order in one transaction, after whatever the journal
        holds; journal them when the database is away. A fault of ours in a batch is
        looked for event by event, so only the event it belongs to fails."""
        from deskui.data.trouble import is_database_fault

        if len(self._journal):
            self.replay()
        if len(self._journal):
            return self._journaled(items)
        try:
            results = self._record_all(items)
        except Exception as error:
            if is_database_fault(error):
                self._went_away(error)
                return self._journaled(items)
            if len(items) == 1:
                return [error]
            return [one for item in items for one in self.store_batch([item])]
        return [r if isinstance(r, Invalid) else Stored(reject=r) for r in results]

    def _journaled(
        self, items: list[tuple[dict[str, object], datetime]]
    ) -> list[Stored | Exception]:
        for fields, received_at in items:
            self._journal.append(received_at, fields)
        return [Stored(journaled=True) for _ in items]

    def sweep(self) -> None:
        from deskui.data.trouble import is_database_fault
        from deskui.data.unit_of_work import UnitOfWork
        from deskui.services.calls import PHONE_ACTOR, SweepCalls, sweep_calls

        if len(self._journal):
            return  # the journal first: a hangup waiting there must not be swept as missed
        try:
            with UnitOfWork(self._db()) as uow:
                sweep_calls(uow, PHONE_ACTOR, SweepCalls(), self._clock.now())
        except Exception as error:
            if not is_database_fault(error):
                raise
            self._went_away(error)

    # -- HTTP ----------------------------------------------------------------------------------

    async def _run(self, job: Any, *args: object) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._worker, job, *args)

    async def _stored(self, fields: dict[str, object], received_at: datetime) -> Stored:
        """The event stored (or journaled), with those that came while the storing thread
        was busy: the reply waits for its commit."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((fields, received_at, future))
        if self._gathered is not None and len(self._pending) >= self._posters:
            self._gathered.set()  # as many as post together: store them now
        if not self._storing:
            self._storing = True
            self._drainer = asyncio.get_running_loop().create_task(self._drain())
        result = await future
        if isinstance(result, Exception):
            raise result
        return result  # type: ignore[no-any-return]

    async def _drain(self) -> None:
        try:
            while self._pending:
                if self._posters > 1 and len(self._pending) < self._posters:
                    # several post at once: those answered last are about to post again, and
                    # their events go in this batch, not in one of their own (fewer commits,
                    # and a NOTIFY less for every listening desk): wait for as many as the
                    # largest of the last batches held, at most GATHER_SECONDS (waiting for
                    # the last one's size alone settles into halves: 2 + 2 for 4 posters);
                    # a lone poster never waits
                    self._gathered = asyncio.Event()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._gathered.wait(), GATHER_SECONDS)
                    self._gathered = None
                batch = self._pending[:BATCH_MAX]
                del self._pending[:BATCH_MAX]
                self._sizes.append(len(batch))
                items = [(fields, at) for fields, at, _ in batch]
                try:
                    results: list[Any] = await self._run(self.store_batch, items)
                except Exception as error:
                    results = [error] * len(batch)
                for (_, _, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._storing = False

    async def post(self, request: web.Request) -> web.Response:
        from aiohttp import web

        peer = request.remote or "?"
        presented = request.match_info.get("token", "")
        if not hmac.compare_digest(token_digest(presented), self._token):
            log.warning("401 from %s: wrong token", peer)
            return web.json_response({"error": "unauthorized"}, status=401)
        length = request.content_length
        if length is not None and length > MAX_BODY:
            log.warning("413 from %s: a body of %d bytes", peer, length)
            return web.json_response({"error": "too large"}, status=413)
        body = bytearray()
        while len(body) <= MAX_BODY:
            chunk = await request.content.read(MAX_BODY + 1 - len(body))
            if not chunk:
                break
            body += chunk
        if len(body) > MAX_BODY:
            log.warning("413 from %s: a body over %d bytes", peer, MAX_BODY)
            return web.json_response({"error": "too large"}, status=413)
        try:
            fields = fields_of(request.content_type, bytes(body))
        except BadBody as error:
            log.warning("400 from %s: %s", peer, error)
            return web.json_response({"error": "bad request"}, status=400)
        try:
            parse_event(fields)
        except Invalid as error:
            named = ", ".join(f"{p.field} {p.key}" for p in error.problems)
            log.warning("422 from %s: %s", peer, named)
            refused = [{"field": p.field, "key": p.key} for p in error.problems]
            return web.json_response({"error": "unprocessable", "problems": refused}, status=422)
        try:
            stored = await self._stored(fields, self._clock.now())
        except Invalid as error:
            log.warning("422 from %s: %s %s", peer, error.field, error.key)
            return web.json_response({"error": "unprocessable"}, status=422)
        except Exception as error:  # not the database being away: a fault of ours, said once
            log.error("500 from %s: %s", peer, type(error).__name__)
            return web.json_response({"error": "internal"}, status=500)
        if stored.reject:
            return web.json_response({"action": "reject", "reason": "busy"})
        return web.json_response({})

    async def health(self, _request: web.Request) -> web.Response:
        """200 when the database answers, 503 with one line when not (issue 28), asked in
        the storing thread (after the events before it); anonymous, saying nothing more."""
        import time

        from aiohttp import web

        async with self._health_lock:  # once a second at most: the PBX's events come first
            if time.monotonic() - self._health_at >= HEALTH_REUSE_SECONDS:
                try:
                    fault = await asyncio.wait_for(self._run(self._health_fault), HEALTH_SECONDS)
                except TimeoutError:
                    fault = TimeoutError("no answer in time")
                self._health_at = time.monotonic()
                if (fault is None) != (self._health is None):  # a change: an event to log
                    if fault is None:
                        log.info("health: the database answers")
                    else:
                        name = type(fault).__name__
                        log.warning("health: the database does not answer (%s)", name)
                self._health = fault
        fault = self._health
        body, status = ("ok\n", 200) if fault is None else ("database unavailable\n", 503)
        response = web.Response(text=body, status=status, content_type="text/plain")
        response.headers["Cache-Control"] = "no-store"
        return response

    def _health_fault(self) -> BaseException | None:
        from deskui.data.trouble import health_fault

        try:
            database = self._db()
        except Exception as error:  # the database away at start, and still
            return error
        return health_fault(database)

    async def _background(self, app: web.Application) -> Any:
        async def loop() -> None:
            since_sweep = 0.0
            while True:
                await asyncio.sleep(REPLAY_SECONDS)
                since_sweep += REPLAY_SECONDS
                try:
                    if len(self._journal):
                        await self._run(self.replay)
                    if since_sweep >= SWEEP_SECONDS:
                        since_sweep = 0.0
                        await self._run(self.sweep)
                except Exception as error:
                    log.error("background: %s", type(error).__name__)

        task = asyncio.create_task(loop())
        yield
        task.cancel()
        self._worker.shutdown(wait=True)

    def application(self) -> web.Application:
        from aiohttp import web

        app = web.Application(client_max_size=MAX_BODY + 1)
        app.router.add_get("/healthz", self.health)
        app.router.add_post(PATH, self.post)
        app.router.add_post(PATH.removesuffix("{token}"), self.post)  # no token: 401
        app.router.add_post(PATH.removesuffix("/{token}"), self.post)
        app.cleanup_ctx.append(self._background)
        return app


def journal_path(settings: Settings) -> Path:
    """One journal per database, beside the desk's files (private to its account)."""
    from deskui.locations import files_dir, private_folder

    digest = hashlib.sha256(settings.database_url.encode("utf-8")).hexdigest()[:16]
    return private_folder(files_dir(settings)) / f"phone-journal-{digest}.jsonl"


def stored_token(database: Database) -> bytes | None:
    """The site's token digest from its settings (`deskui phone token` sets it)."""
    from deskui.data.unit_of_work import UnitOfWork

    with UnitOfWork(database) as uow:
        text = uow.settings.stored_settings().get(TOKEN_SETTING, "")
    try:
        digest = bytes.fromhex(text)
    except ValueError:
        return None
    return digest if len(digest) == hashlib.sha256().digest_size else None


def warm_up(database: Database) -> None:
    """Import the storing side and open one connection before the first post: a PBX posts
    synchronously while its call waits (Kamailio's http_client), so the first event must
    be as quick as the rest."""
    from deskui.data.trouble import is_database_fault
    from deskui.data.unit_of_work import UnitOfWork
    from deskui.services import calls  # noqa: F401  (imported now, not at the first post)

    try:
        with UnitOfWork(database) as uow:
            blocked = len(uow.rules.phone.block_list)
            uow.calls.find_call("cti", "")
        log.info("%d numbers on the site's block list", blocked)
    except Exception as error:
        if not is_database_fault(error):
            raise
