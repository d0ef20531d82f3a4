"""The one way a screen runs a service (issue 15): in a thread worker, one unit of work, the
form's draft deleted with the service's commit, and the answer back on the UI thread.

    run_service(self, save_complaint_step, command, done=self._saved,
                conflict=self._conflicted, trouble=self._trouble, draft=self.draft)

Reads are services too (a query function of the same shape that does not commit), so a
screen never holds a store. `call_service` runs one where the caller is already in a thread.

`done(result)` gets the service's result; `refused(error)` a refusal the agent can fix (see
deskui.services.errors.REFUSALS), a `Denied` among them (audited first; without `refused` it
is said in a notice: `denied_line`); `conflict(conflict)` someone else's save; `trouble(line)` a
database fault in one plain line (the raw driver text goes to the log). A screen that gives
no `refused` or `conflict` gets them as `trouble` with the refusal's or conflict's own words.
The draft is deleted inside the unit of work before the service writes, so it goes with the
service's commit and stays when the service refuses, conflicts or fails (DESIGN.md 5).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from textual.screen import Screen
from textual.worker import Worker

from deskui.screens.delivery import deliver
from deskui.screens.host import desk_host
from deskui.screens.trouble_text import error_line, log_refusal, trouble_line

if TYPE_CHECKING:
    # the screens' one import of deskui.data (its Database as the unit of work takes it);
    # UnitOfWork named again for the screens that type a draft's write by it
    from deskui.data.unit_of_work import Database
    from deskui.data.unit_of_work import UnitOfWork as UnitOfWork
    from deskui.screens.drafts import FormDraft
    from deskui.screens.host import DeskHost
    from deskui.services.actor import Actor, Denied
    from deskui.services.errors import Conflict


class _OpensUnits(Protocol):
    """What of the app's the runner alone uses: a fresh unit of work, and the database."""

    def unit_of_work(self) -> UnitOfWork: ...

    @property
    def database(self) -> Database | None: ...


def _unit(host: DeskHost) -> UnitOfWork:
    """The screens' only way to a unit of work: here, for a service to run in."""
    # the host is deskui.app's DeskApp (see screens/host.py `desk_host`), which has both
    return cast(_OpensUnits, host).unit_of_work()


def inline_database(host: DeskHost) -> Database | None:
    """The app's database for the one read a screen runs on the UI thread, where it is
    measured to be fast (the intake's number lookup: deskui.services.intake `read_now`);
    everything else runs in a worker through `run_service` or `call_service`."""
    return cast(_OpensUnits, host).database  # as in `_unit`


C = TypeVar("C")
R = TypeVar("R")

Service = Callable[["UnitOfWork", "Actor", C, datetime], R]
"""A use case of deskui.services: (unit of work, actor, command, now) -> result."""


def run_service(
    screen: Screen[Any],
    service: Service[C, R],
    command: C,
    *,
    done: Callable[[R], object],
    refused: Callable[[Exception], object] | None = None,
    conflict: Callable[[Conflict], object] | None = None,
    trouble: Callable[[str], object] | None = None,
    draft: FormDraft | None = None,
    group: str = "service",
    exclusive: bool = False,
    anonymous: bool = False,
) -> Worker[None]:
    """Run `service(uow, actor, command, now)` in a thread worker of `screen`; `anonymous`
    for the one kind of service that runs before anyone signed in (sign-in itself)."""
    host = desk_host(screen.app)

    def job() -> None:
        from deskui.services.actor import Denied
        from deskui.services.errors import REFUSALS, Conflict

        actor = host.actor
        now = host.clock.now()
        try:
            if actor is None and not anonymous:
                raise RuntimeError("no agent signed in")
            with _unit(host) as uow:
                if actor is not None:
                    actor = _as_now(uow, actor)
                if draft is not None:
                    draft.delete_in(uow)
                # None only for an `anonymous` service, which takes `Actor | None`: the
                # one `Service` type cannot say which services those are
                result = service(uow, actor, command, now)  # type: ignore[arg-type]
        except Conflict as error:
            if conflict is not None:
                deliver(screen, conflict, error)
            elif trouble is not None:
                deliver(screen, trouble, trouble_line(error))
            return
        except REFUSALS as error:
            log_refusal(service, error)
            if isinstance(error, Denied):
                _audit_denied(host, actor, error, now)
                if refused is None:  # not the screen's to word: who may not do what
                    deliver(screen, host.notify, denied_line(error), severity="warning")
                    return
            if refused is not None:
                deliver(screen, refused, error)
            elif trouble is not None:  # in the catalog's words, never the key itself
                deliver(screen, trouble, error_line(error))
            return
        except Exception as error:  # the database went away, or is locked: say so plainly
            if trouble is not None:
                deliver(screen, trouble, trouble_line(error))
            return
        deliver(screen, done, result)

    return screen.run_worker(
        job, thread=True, group=group, exclusive=exclusive, exit_on_error=False
    )


def denied_line(error: BaseException) -> str:
    """A denied action in one line: who may not do what (issue 16)."""
    from deskui.i18n import t

    values = dict(getattr(error, "values", {}))
    action = str(values.get("action", ""))
    role = str(values.get("role", ""))
    return t(
        "service.denied",
        role=t(f"role.{role}") if role else "",
        action=t(f"account.action.{action}") if action else "",
    )


def _audit_denied(host: DeskHost, actor: Actor | None, error: Denied, now: datetime) -> None:
    """The denial goes to the audit in a transaction of its own: the service's rolled back."""
    from deskui.services.audit import record_denial

    try:
        with _unit(host) as uow:
            record_denial(uow, actor, error, now)
    except Exception:  # the audit line is lost with the database: the denial still shows
        return


def call_service(
    host: DeskHost,
    service: Service[C, R],
    command: C,
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    anonymous: bool = False,
) -> R:
    """`service(uow, actor, command, now)` here and now, for code already off the UI thread
    (a list's page source, which WorkList calls from its own worker); raises what the
    service raises. `actor` and `now` for a save retried later (the pending saves): as the
    agent who made it, at the time they made it. `anonymous` for a sweep of the app's tick
    that runs whoever is signed in, or nobody yet (the handover's late take-overs)."""
    actor = actor or host.actor
    if actor is None and not anonymous:
        raise RuntimeError("no agent signed in")
    with _unit(host) as uow:
        if actor is not None:
            actor = _as_now(uow, actor)
        # as in `run_service`: None only for an `anonymous` service
        return service(uow, actor, command, now or host.clock.now())  # type: ignore[arg-type]


def _as_now(uow: UnitOfWork, actor: Actor) -> Actor:
    """The signed-in agent as the database has them now: demoted, disabled or given a
    one-time password since the desk signed in, the services see it (issue 23)."""
    from deskui.services.accounts import as_now

    return as_now(uow, actor)
