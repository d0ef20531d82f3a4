"""The password a desk was started with is checked ahead (issue 27): `check_ahead` starts the
argon2id check in a thread while the desk's start goes on, and the sign-in takes its answer
only for the very same hash and password; it reads, counts, locks and audits as always."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services import accounts
from deskui.services.accounts import AddAgent, SignIn, SignInRefused
from tests.conftest import FIXED_NOW

SECRET = "s3cret-pass"


class CountingHasher:
    """The tests' cheap hasher, counting the checks it makes."""

    def __init__(self, hasher: Any) -> None:
        self._hasher = hasher
        self.checks = 0

    def verify(self, password_hash: str, password: str) -> bool:
        self.checks += 1
        return bool(self._hasher.verify(password_hash, password))

    def hash(self, password: str) -> str:
        return str(self._hasher.hash(password))


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher(accounts._hasher())
    monkeypatch.setattr(accounts, "_HASHER", counting)
    monkeypatch.setattr(accounts, "_AHEAD", None)
    return counting


def _agent(database: Database) -> None:
    with UnitOfWork(database) as uow:
        lead = accounts.add_agent(uow, None, AddAgent("刘洋", Role.MANAGER, SECRET), FIXED_NOW)
    with UnitOfWork(database) as uow:
        accounts.add_agent(uow, lead, AddAgent("王芳", Role.AGENT, SECRET), FIXED_NOW)


def _ahead(database: Database, password: str, minutes: int = 0) -> None:
    with UnitOfWork(database) as uow:
        accounts.check_ahead(uow, "王芳", password, now=FIXED_NOW + timedelta(minutes=minutes))


def _sign_in(database: Database, password: str, minutes: int = 0) -> accounts.SignedIn:
    with UnitOfWork(database) as uow:
        return accounts.sign_in(
            uow, None, SignIn("王芳", password), FIXED_NOW + timedelta(minutes=minutes)
        )


def _outcomes(database: Database) -> list[str]:
    with UnitOfWork(database) as uow:
        return [e.outcome for e in uow.audit.search(person="王芳") if e.action == "sign_in"]


def test_the_password_checked_ahead_is_checked_once_and_the_sign_in_audited(
    database: Database, hasher: CountingHasher
) -> None:
    _agent(database)
    hasher.checks = 0
    _ahead(database, SECRET)
    assert _sign_in(database, SECRET).actor.name == "王芳"
    assert hasher.checks == 1  # the sign-in took the answer of the check started ahead
    assert _outcomes(database) == ["ok"]
    assert accounts._AHEAD is None  # one answer for one sign-in: the next checks again
    _sign_in(database, SECRET, 1)
    assert hasher.checks == 2


def test_a_wrong_password_checked_ahead_is_refused_and_counted_as_always(
    database: Database, hasher: CountingHasher
) -> None:
    _agent(database)
    hasher.checks = 0
    _ahead(database, "nope")
    with pytest.raises(SignInRefused) as refused:
        _sign_in(database, "nope")
    assert refused.value.outcome == "wrong" and hasher.checks == 1
    with UnitOfWork(database) as uow:
        found = uow.accounts.credentials("王芳")
        assert found is not None and found.failed_signins == 1
    assert _outcomes(database) == ["wrong"]


def test_an_answer_for_another_password_is_not_taken(
    database: Database, hasher: CountingHasher
) -> None:
    _agent(database)
    hasher.checks = 0
    _ahead(database, "nope")
    assert _sign_in(database, SECRET).actor.name == "王芳"  # checked again, and right
    assert hasher.checks == 2
    _ahead(database, SECRET)
    with pytest.raises(SignInRefused):
        _sign_in(database, "nope", 1)
    assert hasher.checks == 4


def test_nothing_is_checked_ahead_for_a_locked_or_unknown_account(
    database: Database, hasher: CountingHasher
) -> None:
    _agent(database)
    for attempt in range(5):
        with pytest.raises(SignInRefused):
            _sign_in(database, "nope", attempt)
    hasher.checks = 0
    _ahead(database, SECRET, 5)  # locked for 15 minutes from the fifth
    with UnitOfWork(database) as uow:
        accounts.check_ahead(uow, "没有这个人", SECRET, now=FIXED_NOW)
    assert accounts._AHEAD is None and hasher.checks == 0
    with pytest.raises(SignInRefused) as refused:
        _sign_in(database, SECRET, 6)
    assert refused.value.outcome == "locked" and hasher.checks == 0
