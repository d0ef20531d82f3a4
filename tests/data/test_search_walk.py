"""The words search's walk (issue 26): windows of ticket numbers walked down from the newest,
a rare piece of each word read in the window and the other pieces probed per ticket left,
the tickets' texts read only as far as the rest needs. However small its windows and
samples, it finds what a plain scan of the texts finds, newest first, as the role may see
them. On SQLite and PostgreSQL."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data import search_reads
from deskui.data.database import Database
from deskui.data.search_reads import EVERYTHING, Scope, SearchReads
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.search import holds_words, record_query
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

THINGS = ("媒体机", "门禁", "电梯", "广告屏", "收银系统", "空调", "打印机")
PROBLEMS = ("黑屏", "漏水", "报错", "一直闪", "连不上", "不亮", "门禁卡刷不开")
RARE = ("琥珀", "翡翠")
ANSWERS = ("已远程重启", "已派师傅上门", "")
TICKETS = 360
LIMIT = 7

QUERIES = (
    "黑屏",  # two characters, common
    "琥珀",  # two characters, rare
    "门禁 漏水",  # two common words, rarely together
    "禁漏",  # a piece across two words
    "电梯一直闪",  # a word of several pieces
    "门禁卡",  # the pieces of a thing and of a problem
    "派师傅",  # the answer's words
    "a 黑屏",  # a one-character word is no piece, but must be held
    "闪黑",  # pieces no ticket holds together
    "黑屏幕",  # every piece held by some, the word by none
)


def _tickets(database: Database, desk: Desk) -> dict[int, tuple[str, str, int | None]]:
    """TICKETS tickets of drawn words, every tenth routed to the technical department, one
    handed there by a leg; their texts and department by number."""
    draw = random.Random(26)
    with UnitOfWork(database) as uow:
        technical = uow.session.scalar(
            select(m.Department.id).where(m.Department.code == "technical")
        )
        assert technical is not None
        tickets = []
        for i in range(TICKETS):
            words = draw.choice(THINGS) + draw.choice(PROBLEMS) + draw.choice(("", "a", "，"))
            if i % 37 == 0:
                words += draw.choice(RARE)
            tickets.append(
                m.Ticket(
                    customer_id=desk.customer,
                    kind="question",
                    category="usage",
                    channel="phone",
                    severity="normal",
                    owner_id=desk.agent,
                    department_id=technical if i % 10 == 0 else None,
                    customer_words=words,
                    answer=draw.choice(ANSWERS),
                    opened_at=FIXED_NOW,
                )
            )
        uow.session.add_all(tickets)
        uow.session.flush()  # the search index's hook writes their pieces
        uow.session.add(
            m.DepartmentLeg(
                ticket_id=tickets[5].id,
                department_id=technical,
                handed_by_id=desk.agent,
                handed_at=FIXED_NOW,
            )
        )
        uow.commit()
        return {
            t.id: (
                t.customer_words,
                t.answer,
                t.department_id if t is not tickets[5] else technical,
            )
            for t in tickets
        }


def _scanned(
    tickets: dict[int, tuple[str, str, int | None]], words: tuple[str, ...], department: int | None
) -> list[int]:
    """What a plain scan finds: every ticket holding the words, newest first."""
    return [
        ticket_id
        for ticket_id, (said, answer, routed) in sorted(tickets.items(), reverse=True)
        if holds_words(words, said, answer) and (department is None or routed == department)
    ]


def _walk(database: Database, text: str, scope: Scope) -> tuple[list[int], bool]:
    query = record_query(text)
    with UnitOfWork(database) as uow:
        return SearchReads(uow).tickets_by_words(query.grams, query.words, scope, LIMIT)


@pytest.mark.parametrize(
    ("sample", "first", "later", "probe_ratio", "scanned"),
    [
        (2_000, 400, 8_000, 8, 4),  # as the desk runs it: one window holds them all
        (5, 3, 20, 8, 4),  # small samples and windows: many windows, tickets left over
        (5, 3, 20, 1, 4),  # every piece but the rarest probed per ticket
        (5, 1, 4, 1_000, 100),  # each word's rarest piece read in the window
        (5, 2, 9, 1_000, 1),  # the rarest piece alone read in the window, the rest probed
    ],
)
def test_the_walk_finds_what_a_scan_finds_newest_first(
    database: Database,
    desk: Desk,
    monkeypatch: pytest.MonkeyPatch,
    sample: int,
    first: int,
    later: int,
    probe_ratio: int,
    scanned: int,
) -> None:
    tickets = _tickets(database, desk)
    monkeypatch.setattr(search_reads, "SAMPLE", sample)
    monkeypatch.setattr(search_reads, "FIRST_WINDOW", first)
    monkeypatch.setattr(search_reads, "LATER_WINDOW", later)
    monkeypatch.setattr(search_reads, "MIN_CHECKED", 2)
    monkeypatch.setattr(search_reads, "PROBE_RATIO", probe_ratio)
    monkeypatch.setattr(search_reads, "MAX_SCANNED", scanned)
    with UnitOfWork(database) as uow:
        technical = uow.session.scalar(
            select(m.Department.id).where(m.Department.code == "technical")
        )
    for text in QUERIES:
        words = record_query(text).words
        for scope, department in ((EVERYTHING, None), (Scope(technical), technical)):
            expected = _scanned(tickets, words, department)
            found, more = _walk(database, text, scope)
            assert found == expected[:LIMIT], (text, department)
            assert more == (len(expected) > LIMIT), (text, department)
    # the scan's answers are not all empty or all full: the queries test something
    counts = [len(_scanned(tickets, record_query(q).words, None)) for q in QUERIES]
    assert 0 in counts and any(0 < c <= LIMIT for c in counts) and max(counts) > LIMIT


def test_a_walk_stopped_early_says_there_may_be_more(
    database: Database, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces common and words rare: past MAX_READ postings it stops with what it found
    (the newest of them) and says more may be there, rather than walk on."""
    tickets = _tickets(database, desk)
    monkeypatch.setattr(search_reads, "SAMPLE", 5)
    monkeypatch.setattr(search_reads, "FIRST_WINDOW", 3)
    monkeypatch.setattr(search_reads, "LATER_WINDOW", 5)
    monkeypatch.setattr(search_reads, "MAX_READ", 12)
    expected = _scanned(tickets, ("门禁", "漏水"), None)
    found, more = _walk(database, "门禁 漏水", EVERYTHING)
    assert more
    assert len(found) < min(LIMIT, len(expected))
    assert found == expected[: len(found)]
