"""Finding a record (issue 26): a ticket number, a phone in any format, a customer's or
contact's name, words of the problem or the answer (two Chinese characters are a search),
as the role may see them; the index follows every write of the texts, in its unit of work.
On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.services.actor import Actor, Denied
from deskui.services.search import FindRecords, FoundRecords, find_records
from tests.conftest import FIXED_NOW
from tests.data.conftest import record_call
from tests.services.conftest import Desk


@dataclass(frozen=True)
class Records:
    leak: int  # 上海星辰电子, routed to the technical department
    screen: int  # 杭州远望广告, a new caller with contact 陈静, business, answered
    printer: int  # 上海星辰电子, routed to the business department


def _records(database: Database, desk: Desk) -> Records:
    with UnitOfWork(database) as uow:
        leak = record_call(
            uow,
            CallIntake(
                "question",
                "usage",
                "phone",
                "normal",
                "机房空调漏水，媒体机进水了",
                customer_id=desk.customer,
                caller_phone="+862155550101",
                department_code="technical",
            ),
            desk.agent,
            FIXED_NOW,
        ).ticket_id
        screen = record_call(
            uow,
            CallIntake(
                "question",
                "usage",
                "phone",
                "normal",
                "广告屏黑屏，重启也不亮",
                new_customer_name="杭州远望广告有限公司",
                new_contact_name="陈静",
                caller_phone="+8613912345678",
                answer="已远程重启播放器",
                close_now=True,
                department_code="business",
            ),
            desk.agent,
            FIXED_NOW,
        ).ticket_id
        printer = record_call(
            uow,
            CallIntake(
                "question",
                "usage",
                "phone",
                "normal",
                "HP-1020 打印机老是卡纸",
                customer_id=desk.customer,
                caller_phone="+862155550101",
                department_code="business",
            ),
            desk.agent,
            FIXED_NOW,
        ).ticket_id
        uow.commit()
    return Records(leak, screen, printer)  # fmt: skip


def _find(database: Database, actor: Actor, text: str) -> FoundRecords:
    with UnitOfWork(database) as uow:
        return find_records(uow, actor, FindRecords(text), FIXED_NOW)


def _ids(found: FoundRecords) -> list[int]:
    return [row.ticket_id for row in found.rows]


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def test_a_ticket_number_with_or_without_its_hash(database: Database, desk: Desk) -> None:
    records = _records(database, desk)
    agent = _agent(desk)
    found = _find(database, agent, f"#{records.screen}")
    assert _ids(found) == [records.screen]
    assert found.rows[0].matched == "number"
    assert _find(database, agent, str(records.leak)).rows[0].ticket_id == records.leak
    assert _ids(_find(database, agent, "#999999")) == []


def test_a_phone_in_any_format(database: Database, desk: Desk) -> None:
    records = _records(database, desk)
    agent = _agent(desk)
    for typed in ("13912345678", "139 1234 5678", "+86 139-1234-5678", "（139）12345678"):
        found = _find(database, agent, typed)
        assert _ids(found) == [records.screen], typed
        assert found.rows[0].matched == "phone"
        assert found.rows[0].caller_phone == "+8613912345678"  # an agent sees numbers
    landline = _find(database, agent, "021-5555 0101")
    assert set(_ids(landline)) == {records.leak, records.printer}
    assert _ids(_find(database, agent, "5678")) == [records.screen]  # the last digits


def test_a_customer_or_contact_name(database: Database, desk: Desk) -> None:
    records = _records(database, desk)
    agent = _agent(desk)
    by_customer = _find(database, agent, "星辰")
    assert _ids(by_customer) == [records.printer, records.leak]  # newest first
    assert {row.matched for row in by_customer.rows} == {"name"}
    by_contact = _find(database, agent, "陈静")
    assert _ids(by_contact) == [records.screen]
    assert by_contact.rows[0].contact_name == "陈静"


def test_words_of_the_problem_or_the_answer(database: Database, desk: Desk) -> None:
    records = _records(database, desk)
    agent = _agent(desk)
    two = _find(database, agent, "漏水")  # two characters are a search
    assert _ids(two) == [records.leak]
    assert two.rows[0].matched == "words"
    assert _ids(_find(database, agent, "黑屏")) == [records.screen]
    assert _ids(_find(database, agent, "远程重启")) == [records.screen]  # the answer's words
    assert _ids(_find(database, agent, "打印机 卡纸")) == [records.printer]  # each word
    assert _ids(_find(database, agent, "hp-1020")) == [records.printer]  # case and dashes
    assert _ids(_find(database, agent, "卡纸 漏水")) == []  # both words, not either
    assert _ids(_find(database, agent, "水媒")) == []  # pieces in the text, not the word


def test_one_character_is_too_short(database: Database, desk: Desk) -> None:
    _records(database, desk)
    found = _find(database, _agent(desk), "漏")
    assert found.too_short and found.rows == ()
    assert _find(database, _agent(desk), "  ").too_short


def test_hostile_text_finds_nothing_and_breaks_nothing(database: Database, desk: Desk) -> None:
    records = _records(database, desk)
    agent = _agent(desk)
    for typed in ("%", "_", "%%", "__", "'", '"', "' OR 1=1 --", "\x00\x1b[2J", "[b]漏水[/b]"):
        found = _find(database, agent, typed)
        assert all(row.ticket_id in {records.leak} for row in found.rows), typed
    assert _ids(_find(database, agent, "\x07漏水\x00")) == [records.leak]
    assert _ids(_find(database, agent, "\x00\x1b星辰\x00")) == [records.printer, records.leak]
    pasted = _find(database, agent, "漏水" + "啊" * 2_000_000)
    assert pasted.rows == ()  # cut to its first characters, which no ticket holds


def test_a_department_member_finds_only_their_departments_tickets(
    database: Database, desk: Desk
) -> None:
    records = _records(database, desk)
    with UnitOfWork(database) as uow:
        member_id = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        other_id = uow.frontdesk.add_department_member("孙丽", "business", FIXED_NOW)
        uow.commit()
    member = Actor(member_id, "赵磊", Role.DEPARTMENT, department_code="technical")
    other = Actor(other_id, "孙丽", Role.DEPARTMENT, department_code="business")
    assert _ids(_find(database, member, "星辰")) == [records.leak]  # not the printer's
    assert _ids(_find(database, member, "漏水")) == [records.leak]
    assert _ids(_find(database, member, f"#{records.printer}")) == []
    assert _ids(_find(database, member, "黑屏")) == []
    assert _ids(_find(database, other, "漏水")) == []
    assert _ids(_find(database, other, "星辰")) == [records.printer]
    assert _ids(_find(database, other, "黑屏")) == [records.screen]
    assert _ids(_find(database, other, f"#{records.leak}")) == []


def test_a_role_that_does_not_see_numbers_neither_sees_nor_searches_by_them(
    database: Database, desk: Desk
) -> None:
    records = _records(database, desk)
    with UnitOfWork(database) as uow:
        member_id = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        uow.commit()
    member = Actor(member_id, "赵磊", Role.DEPARTMENT, department_code="technical")
    found = _find(database, member, "漏水")
    assert found.rows[0].caller_phone == "021****0101"  # masked as every screen masks it
    by_number = _find(database, member, "021-5555 0101")
    assert by_number.rows == () and by_number.numbers_hidden
    assert _ids(_find(database, member, f"#{records.leak}")) == [records.leak]


def test_a_role_outside_the_table_is_denied(database: Database, desk: Desk) -> None:
    _records(database, desk)
    with pytest.raises(Denied):
        _find(database, Actor(desk.agent, "王芳", "visitor"), "漏水")


def test_an_edited_ticket_is_found_by_its_new_words_not_its_old(
    database: Database, desk: Desk
) -> None:
    records = _records(database, desk)
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, records.leak)
        ticket.customer_words = "门禁卡刷不开"
        uow.session.flush()
        assert _grams(uow, records.leak) >= {"门禁", "禁卡"}
        # not committed: the index goes back with the words
    assert _ids(_find(database, agent, "门禁")) == []
    assert _ids(_find(database, agent, "漏水")) == [records.leak]
    with UnitOfWork(database) as uow:
        uow.session.get_one(m.Ticket, records.leak).customer_words = "门禁卡刷不开"
        uow.commit()
    assert _ids(_find(database, agent, "门禁")) == [records.leak]
    assert _ids(_find(database, agent, "漏水")) == []


def test_a_renamed_customer_is_found_by_its_new_name(database: Database, desk: Desk) -> None:
    records = _records(database, desk)
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        uow.session.get_one(m.Customer, desk.customer).name = "上海晨曦科技有限公司"
        uow.commit()
    assert _ids(_find(database, agent, "晨曦")) == [records.printer, records.leak]
    assert _ids(_find(database, agent, "星辰")) == []


def _grams(uow: UnitOfWork, ticket_id: int) -> set[str]:
    query = select(m.TicketGram.gram).where(m.TicketGram.ticket_id == ticket_id)
    return set(uow.session.scalars(query))


def test_every_ticket_has_its_pieces(database: Database, desk: Desk) -> None:
    records = _records(database, desk)
    with UnitOfWork(database) as uow:
        count = uow.session.scalar(select(func.count()).select_from(m.TicketGram))
        assert count and _grams(uow, records.screen) >= {"黑屏", "重启", "远程"}


HOSTILE = (
    "\\",
    "\\\\%",
    "%_%",
    "a%b_c",
    "#",
    "#0",
    "#-1",
    "#" + "9" * 30,
    "9" * 200,
    "+" * 50,
    "（）",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "[@click=app.quit]",
    "\x1b]0;pwned\x07",
    "\x9b2J",
    "1" * 2_000_000,
    "星" * 2_000_000,
    "漏水\x00' OR '1'='1",
)


def test_hostile_queries_are_read_as_text_never_as_a_statement(
    database: Database, desk: Desk
) -> None:
    """LIKE's wildcards, an escape, quotes, markup, terminal controls, numbers far past the
    column's range, 2 MB pastes: a search that finds what the characters say, or nothing,
    or asks for more; never a database error or a ticket it does not hold."""
    records = _records(database, desk)
    agent = _agent(desk)
    for typed in HOSTILE:
        found = _find(database, agent, typed)
        assert set(_ids(found)) <= {records.leak}, typed[:40]
        assert found.too_short or not found.more, typed[:40]
    assert _ids(_find(database, agent, "漏水\x00' OR '1'='1")) == []  # every word, quotes too
    assert _ids(_find(database, agent, "\u202e漏水")) == [records.leak]  # a bidi mark separates
    assert _find(database, agent, "%_%").too_short  # no letter or digit: nothing to look for


def test_a_department_member_who_sees_numbers_finds_only_their_departments_by_them(
    database: Database, desk: Desk
) -> None:
    """A site that masks nobody: the member searches by numbers, still within their
    department (the leak is technical's, the printer and the screen are business's)."""
    records = _records(database, desk)
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"privacy.masked": "nobody"}, desk.manager, FIXED_NOW)
        member_id = uow.frontdesk.add_department_member("赵磊", "technical", FIXED_NOW)
        uow.commit()
    member = Actor(member_id, "赵磊", Role.DEPARTMENT, department_code="technical")
    landline = _find(database, member, "021-5555 0101")  # the customer of leak and printer
    assert _ids(landline) == [records.leak] and not landline.numbers_hidden
    assert _ids(_find(database, member, "139 1234 5678")) == []  # the screen's caller
    assert _ids(_find(database, member, "5678")) == []  # its last digits (an agent's: screen)
    assert _ids(_find(database, member, "陈静")) == []  # the screen's contact


def test_a_masked_agent_neither_finds_by_a_number_nor_by_its_last_digits(
    database: Database, desk: Desk
) -> None:
    records = _records(database, desk)
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"privacy.masked": "department_agent"}, desk.manager, FIXED_NOW)
        uow.commit()
    agent = _agent(desk)
    for typed in ("13912345678", "+86 139-1234-5678", "5678", "021-5555 0101"):
        found = _find(database, agent, typed)
        assert found.rows == () and found.numbers_hidden, typed
    found = _find(database, agent, "黑屏")
    assert _ids(found) == [records.screen]
    assert found.rows[0].caller_phone != "+8613912345678"  # shown masked
    assert "5678" in found.rows[0].caller_phone  # as every screen masks it: the ends shown
