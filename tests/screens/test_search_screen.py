"""Ctrl+F from any screen (issue 26): two characters of a problem, a ticket number or a name
find the record, Enter opens it; the palette finds the search by 查找, 搜索 and search; the
register's and the picker's own filters are on `/`."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import NewTicket
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.model import Role
from deskui.screens.contact_pick import ContactPickModal
from deskui.screens.correspondence import CorrespondenceScreen
from deskui.screens.search import SearchScreen
from deskui.screens.ticket_detail import TicketDetailModal
from deskui.services.actor import Actor
from deskui.services.ticket_life import ResolveTicket, resolve_ticket
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle


async def _press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def _found(app: Any) -> WorkList:
    return app.screen.query_one("#found", WorkList)


def _tickets_saying(database: Database, words: str) -> set[int]:
    with UnitOfWork(database) as uow:
        query = uow.session.query(m.Ticket.id).filter(m.Ticket.customer_words.contains(words))
        return {ticket_id for (ticket_id,) in query}


async def test_two_characters_find_the_record_from_the_desk_and_enter_opens_it(
    demo_database: Database, clock: FixedClock
) -> None:
    expected = _tickets_saying(demo_database, "黑屏")
    assert expected  # the demo has some
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "ctrl+f")
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.focused is app.screen.query_one("#search-query", Input)
        await _press(pilot, *"黑屏", "enter")
        found = _found(app)
        assert app.screen.focused is found  # Enter took the cursor to the results
        assert found.count == len(expected)
        rows = [found.row_at(i) for i in range(found.count)]
        assert {row.ticket_id for row in rows} == expected
        opened = [row.opened_at for row in rows]
        assert opened == sorted(opened, reverse=True)  # the newest call first
        assert f"找到 {len(expected)} 条记录" in screen_text(app)
        assert "字词" in screen_text(app)  # why each was found
        first = rows[0].ticket_id
        await _press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailModal)
        assert app.screen.ticket_id == first
        await _press(pilot, "escape")  # back to the same results
        assert isinstance(app.screen, SearchScreen)
        assert _found(app).count == len(expected)


async def test_a_ticket_number_from_several_screens(
    demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:
        ticket = uow.session.query(m.Ticket).order_by(m.Ticket.id).first()
        assert ticket is not None
        number, customer = ticket.id, ticket.customer.name
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        for screen_key in ("f4", "f9", "f2"):
            await _press(pilot, screen_key)
            assert not isinstance(app.screen, SearchScreen)
            await _press(pilot, "ctrl+f")
            assert isinstance(app.screen, SearchScreen), screen_key
            # the field again, what was typed before selected: typing replaces it
            assert app.screen.focused is app.screen.query_one("#search-query", Input)
            await _press(pilot, *f"#{number}", "enter")
            assert _found(app).count == 1
            assert customer in screen_text(app)
            await _press(pilot, "enter")
            assert isinstance(app.screen, TicketDetailModal)
            assert app.screen.ticket_id == number
            await _press(pilot, "escape")
            assert isinstance(app.screen, SearchScreen)
            await _press(pilot, "slash")  # `/` back to the field from the results
            assert app.screen.focused is app.screen.query_one("#search-query", Input)


def _file(database: Database, clock: FixedClock, words: str) -> int:
    """A question filed at another desk (the repository writes the change feed with it)."""
    with UnitOfWork(database) as uow:
        agent = next(a for a in uow.agents.agents() if a.name == "王芳")
        customer = uow.customers.customers()[0]
        ticket_id = uow.tickets.open_ticket(
            NewTicket(customer.id, "question", "usage", "phone", "normal", words),
            agent.id,
            clock.now(),
        )
        uow.commit()
        return ticket_id


def _resolve(database: Database, clock: FixedClock, ticket_id: int, result: str) -> None:
    """Another desk tells the customer the result: the record's answer and status change."""
    with UnitOfWork(database) as uow:
        agent = next(a for a in uow.agents.agents() if a.name == "王芳")
        actor = Actor(agent.id, agent.name, Role.AGENT)
        resolve_ticket(uow, actor, ResolveTicket(ticket_id, result, "phone"), clock.now())


async def test_results_follow_other_desks_changes_and_keep_the_cursor_on_its_ticket(
    demo_database: Database, clock: FixedClock
) -> None:
    older = _file(demo_database, clock, "二楼的屏幕一直闪烁")
    cursor = _file(demo_database, clock, "收银台屏幕闪烁")
    answered = _file(demo_database, clock, "打印机卡纸")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "ctrl+f", *"闪烁", "enter")
        found = _found(app)
        assert _ids(found) == [cursor, older]
        assert _under_cursor(found).ticket_id == cursor
        assert "找到 2 条记录" in screen_text(app)
        # another desk files a ticket holding the words (the newest: listed first), resolves
        # the one under the cursor, and answers another with the words
        newest = _file(demo_database, clock, "门口灯箱闪烁")
        _resolve(demo_database, clock, cursor, "已派师傅换了屏幕")
        _resolve(demo_database, clock, answered, "是屏幕闪烁引起的，已修好")
        app.poll_changes()  # what the app's tick does (at once on PostgreSQL's NOTIFY)
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert _ids(found) == [newest, answered, cursor, older]
        assert _under_cursor(found).ticket_id == cursor  # the same ticket, now the third row
        assert found.cursor_index == 2
        assert _under_cursor(found).status == "resolved"
        text = screen_text(app)
        assert "找到 4 条记录" in text and "门口灯箱闪烁" in text
        assert "已解决" in text.splitlines()[_row_line(text, cursor)]
        assert "收银台屏幕闪烁" in text.splitlines()[-3]  # the detail under the list: its words
        # a ticket opened from the results is a dialog over them: they follow it too
        await _press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailModal)
        _file(demo_database, clock, "电梯屏幕闪烁")
        app.poll_changes()
        await settle(pilot)
        await _press(pilot, "escape")
        assert found.count == 5 and _under_cursor(found).ticket_id == cursor
        # another screen over them: read again when they show again
        await _press(pilot, "f9")
        assert not isinstance(app.screen, SearchScreen)
        _file(demo_database, clock, "投影仪闪烁")
        app.poll_changes()
        await settle(pilot)
        await _press(pilot, "ctrl+f")
        assert isinstance(app.screen, SearchScreen)
        assert found.count == 6 and "投影仪闪烁" in screen_text(app)
        assert _under_cursor(found).ticket_id == cursor
        # changes coming faster than the search runs: it runs again after, never shows less
        for words in ("冷柜闪烁", "招牌闪烁", "音响闪烁"):
            _file(demo_database, clock, words)
            app.post_message(app.ChangesSeen(frozenset({"ticket"})))  # as each poll posts it
        await settle(pilot)
        assert found.count == 9 and "音响闪烁" in screen_text(app)
        assert _under_cursor(found).ticket_id == cursor


def _ids(found: WorkList) -> list[int]:
    return [row.ticket_id for i in range(found.count or 0) if (row := found.row_at(i))]


def _under_cursor(found: WorkList) -> Any:
    row = found.cursor_row
    assert row is not None
    return row


def _row_line(text: str, ticket_id: int) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if f"#{ticket_id} " in line)


async def test_hostile_text_in_the_search_is_harmless(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "ctrl+f")
        field = app.screen.query_one("#search-query", Input)
        for typed in ("[b]黑屏[/b]", "%", "_", "'\"", "\x1b[2J黑屏"):
            field.value = typed
            await _press(pilot, "enter")
            assert isinstance(app.screen, SearchScreen), typed
            await _press(pilot, "slash")
        field.value = "漏"
        await _press(pilot, "enter")
        assert "请至少输入两个字" in screen_text(app)
        assert _found(app).count == 0


async def test_markup_and_controls_in_ticket_words_show_as_typed(
    demo_database: Database, clock: FixedClock
) -> None:
    """Words a caller gave are data: the results list and the detail under it show markup
    as its brackets and a terminal control as its escape, and a link in them does nothing;
    queries of wildcards, a backslash or 2 MB say what they found or what is missing."""
    _file(demo_database, clock, "[@click=app.quit]点我[/] 琥珀屏")
    _file(demo_database, clock, "[b]琥珀[/b]\x1b[2J\x1b]0;pwned\x07")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "ctrl+f", *"琥珀", "enter")
        found = _found(app)
        assert found.count == 2
        text = screen_text(app)
        assert "[b]琥珀[/b]\\x1b[2J\\x1b]0;pwned\\x07" in text  # the escapes, as text
        await _press(pilot, "down")
        lines = screen_text(app).splitlines()
        assert "[@click=app.quit]点我[/] 琥珀屏" in lines[-3]  # the detail: the words whole
        await pilot.click("#found-detail")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, SearchScreen)
        field = app.screen.query_one("#search-query", Input)
        for typed, said in (
            ("%_%", "请至少输入两个字"),
            ("\\", "请至少输入两个字"),
            ("'\"", "请至少输入两个字"),
            ("琥珀%", "找到 2 条记录"),  # a wildcard is no wildcard: the word alone
            ("琥_珀", "没有找到记录"),  # nor is an underscore: two words of one character
            ("琥珀" + "啊" * 2_000_000, "没有找到记录"),
        ):
            await _press(pilot, "slash")
            field.value = typed
            await _press(pilot, "enter")
            assert isinstance(app.screen, SearchScreen), typed[:20]
            assert said in screen_text(app), typed[:20]


async def test_the_palette_finds_the_search_by_its_names(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        for words in ("查找", "搜索", "search"):
            await _press(pilot, "ctrl+p")
            await pilot.press(*words)
            await pilot.pause(0.5)  # the palette gathers its hits in a worker
            await settle(pilot)
            assert "查找 (Ctrl+F)" in screen_text(app), words
            await _press(pilot, "enter")
            assert isinstance(app.screen, SearchScreen), words
            await _press(pilot, "escape")


async def test_the_register_filters_on_slash_and_ctrl_f_is_the_search(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f9")
        register = app.screen
        assert isinstance(register, CorrespondenceScreen)
        footer = screen_text(app).splitlines()[-1]
        assert "/ 筛选" in footer or "/筛选" in footer  # the footer says the key (roomy or tight)
        await _press(pilot, "slash")
        assert register.focused is register.query_one("#mail-search", Input)
        await _press(pilot, "escape")
        await _press(pilot, "f9", "ctrl+f")
        assert isinstance(app.screen, SearchScreen)


async def test_the_contact_picker_filters_on_slash(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, agent="李娜"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await _press(pilot, "f10", "2", "a")  # a gift: pick whom it went to
        picker = app.screen
        assert isinstance(picker, ContactPickModal)
        assert "/ 回到筛选栏" in screen_text(app)
        await _press(pilot, "down")
        assert picker.focused is picker.query_one("#pick-list", WorkList)
        await _press(pilot, "slash")
        assert picker.focused is picker.query_one("#pick-search", Input)
        await pilot.press(*"周艳")
        await pilot.pause(0.4)  # the filter waits for the typing to stop
        await settle(pilot)
        assert picker.query_one("#pick-list", WorkList).count == 1
