"""A browser desk's start (issue 23): `deskui web` signs the agent in on its own page, then
hands the desk process it spawns who signed in, in a file only the desk's account can read.
The desk asks this service before it opens: a hand-over that is stale, used before, or for an
account that is unknown, disabled, locked or still on a one-time password starts no desk.
Every start and every refusal is one `web_desk` audit line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.accounts import SignInOutcome, locked
from deskui.domain.refusal import Refusal
from deskui.services.accounts import SignedIn
from deskui.services.actor import Actor

__all__ = ["MAX_AGE", "WebDeskRefused", "WebDeskStart", "start_web_desk"]

MAX_AGE = timedelta(seconds=60)
"""A hand-over older than this (from the sign-in page's grant to the desk reading it) is
refused: the desk process starts in a second or two."""
_SKEW = timedelta(seconds=5)


class WebDeskRefused(Refusal):
    """The hand-over starts no desk; `outcome` says why (stale, reused, unknown, ...)."""

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.key = f"web.refused.{outcome}"


@dataclass(frozen=True, slots=True)
class WebDeskStart:
    """What the web host handed over, and when the desk read it (both wall-clock UTC)."""

    agent_id: int
    name: str
    nonce: str
    issued_at: datetime
    read_at: datetime


def start_web_desk(
    uow: UnitOfWork, _actor: Actor | None, command: WebDeskStart, now: datetime
) -> SignedIn:
    """The signed-in actor of a browser desk, or WebDeskRefused (audited either way)."""
    outcome = _problem(uow, command, now)
    account = uow.accounts.account(command.name)
    agent_id = account.id if account is not None else None
    uow.audit.write(
        now,
        "web_desk",
        agent_id=agent_id,
        agent_name=command.name,
        outcome=outcome or SignInOutcome.OK,
        subject=command.nonce,
    )
    uow.commit()
    if outcome is not None:
        raise WebDeskRefused(outcome)
    assert account is not None
    return SignedIn(
        Actor(account.id, account.name, account.role, account.team, account.department_code),
        False,
    )


def _problem(uow: UnitOfWork, command: WebDeskStart, now: datetime) -> str | None:
    age = command.read_at - command.issued_at
    if age > MAX_AGE or age < -_SKEW:
        return "stale"
    if not command.nonce or len(command.nonce) > 100:
        return "reused"
    earlier = uow.audit.search(person=command.name, action="web_desk", limit=1000)
    if any(line.subject == command.nonce for line in earlier):
        return "reused"
    account = uow.accounts.account(command.name)
    if account is None or account.id != command.agent_id:
        return SignInOutcome.WRONG
    if not account.active:
        return SignInOutcome.DISABLED
    if locked(account.locked_until, now):
        return SignInOutcome.LOCKED
    if account.must_change_password:
        return "must_change"
    return None
