"""The desk's log and the host's journal hold no caller's number and no customer's words
(issue 28): a number is masked as a role that need not see it reads it (`139****5678`),
whatever wrote it; a database error's values (SQLAlchemy's parameters, PostgreSQL's DETAIL
"Failing row contains (...)") never reach a log, on SQLite and on PostgreSQL; the line's
own time, the process's id and the log's file name stay readable."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.desk_log import mask_phones, scrub, start_log, stop_log
from deskui.domain.field_problem import FieldProblem
from deskui.domain.refusal import Invalid
from deskui.host_log import log_to_stdout
from tests.conftest import FIXED_NOW

WORDS = "我女儿的病历在空调维修单里别外传"
PHONE = "+8613912345678"
NATIONAL = "13912345678"


@pytest.fixture
def desk_log(tmp_path: Path) -> Iterator[Path]:
    path = start_log(tmp_path)
    yield path
    stop_log()


def _logged(path: Path) -> str:
    for handler in logging.getLogger("deskui").handlers:
        handler.flush()
    return "".join(p.read_text(encoding="utf-8") for p in path.parent.glob("desk-*.log*"))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("caller 13912345678 waits", "caller 139****5678 waits"),
        ("from=+8613912345678", "from=139****5678"),
        ('"from": "013912345678"', '"from": "013*****5678"'),
        ("call 021-5555 0101 back", "call 021****0101 back"),
        ("+86 139-1234-5678.", "139****5678."),
        ("Key (phone_e164)=(+8613912345678) exists", "Key (phone_e164)=(139****5678) exists"),
        # what is not a number stays
        ("cutoff 2026-12-07T05:00:00+00:00", "cutoff 2026-12-07T05:00:00+00:00"),
        ("logs/desk-20261207-093012-4194304.log", "logs/desk-20261207-093012-4194304.log"),
        ("ticket 123456, 3 rows", "ticket 123456, 3 rows"),
        ("desk pid 4194301 started for 王芳", "desk pid 4194301 started for 王芳"),
    ],
)
def test_a_number_is_masked_wherever_a_line_holds_it(text: str, shown: str) -> None:
    assert mask_phones(text) == shown


def test_the_desk_log_masks_numbers_and_keeps_its_own_head(desk_log: Path) -> None:
    log = logging.getLogger("deskui.phone")
    log.warning("missed call from %s (%s)", PHONE, NATIONAL)
    try:
        raise ValueError(f"bad number {NATIONAL}")
    except ValueError:
        log.exception("failed for %s", NATIONAL)
    held = _logged(desk_log)
    assert NATIONAL not in held and "139****5678" in held
    assert f"[{__import__('os').getpid()}]" in held  # the head is the desk's own, unmasked


def test_a_database_error_reaches_the_log_without_the_values_written(
    database: Database, desk_log: Path
) -> None:
    """A row refused by the database (a required field missing) with the customer's words
    and number in it: the banner's log line, a refusal's and a traceback's hold neither."""
    from deskui.screens.trouble_text import log_refusal, trouble_line

    with UnitOfWork(database) as uow:
        try:
            uow.session.execute(
                insert(m.Ticket).values(
                    customer_words=WORDS, caller_phone=PHONE, kind=None, opened_at=FIXED_NOW
                )
            )
        except IntegrityError as error:
            line = trouble_line(error)
            log_refusal(trouble_line, Invalid([FieldProblem("phone", "x", (("phone", PHONE),))]))
            logging.getLogger("deskui.database").exception("while saving")
            caught: IntegrityError | None = error
        else:
            caught = None
    assert caught is not None, "the database took a ticket without its kind"
    if not database.is_sqlite:  # the driver itself said the row's values
        assert WORDS in str(caught.orig)
    held = _logged(desk_log)
    assert "IntegrityError" in held and str(desk_log) in line
    assert WORDS not in held and NATIONAL not in held
    assert WORDS[:6] not in held  # not even a part


def test_the_hosts_journal_masks_numbers_too(capsys: pytest.CaptureFixture[str]) -> None:
    logger = logging.getLogger("deskui.test_journal_line")
    stream = io.StringIO()
    log_to_stdout(logger, "deskui phone")
    handler = logger.handlers[-1]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        logger.warning("422 from 10.0.0.5: from %s\nDETAIL: %s", NATIONAL, WORDS)
    finally:
        logger.removeHandler(handler)
    said = stream.getvalue()
    assert said.startswith("deskui phone: 422 from 10.0.0.5: from 139****5678")
    assert NATIONAL not in said and WORDS not in said
    withheld = "DETAIL: (withheld: a row's values)"
    assert scrub(f"DETAIL:  Failing row contains (1, {WORDS})") == withheld
