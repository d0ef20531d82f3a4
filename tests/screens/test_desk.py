"""The desk: the signed-in agent's own open deadlines, a live countdown, the detail line."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from textual.widgets import Static

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.records import WorkItem
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.countdown import format_duration
from deskui.screens.desk import DeskScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _own_work(db: Database, name: str) -> list[WorkItem]:
    with UnitOfWork(db) as uow:
        agent = next(a for a in uow.agents.agents() if a.name == name)
        return uow.work.work_rows(0, 10_000, owner_id=agent.id)


def _shown_rows(work_list: WorkList) -> list[WorkItem]:
    assert work_list.count is not None
    return [work_list.row_at(i) for i in range(work_list.count)]


def _detail(app) -> str:
    return str(app.screen.query_one("#work-detail", Static).content)


async def test_desk_lists_exactly_the_agents_open_deadlines_by_due_time(
    demo_database: Database, clock: FixedClock
) -> None:
    expected = _own_work(demo_database, "王芳")
    assert len(expected) > 5  # the demo gives her a screenful and more
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        assert isinstance(app.screen, DeskScreen)
        work_list = app.screen.query_one("#work", WorkList)

        shown = _shown_rows(work_list)
        assert [row.deadline_id for row in shown] == [row.deadline_id for row in expected]
        assert {row.owner_name for row in shown} == {"王芳"}
        dues = [row.due_at for row in shown]
        assert dues == sorted(dues)

        # what the agent reads, line by line: the header, then the rows in the same order
        assert "倒计时" in work_list.render_line(0).text
        body = work_list.size.height - 1
        for y, row in enumerate(expected[:body], start=1):
            line = work_list.render_line(y).text
            assert row.customer_name in line
            assert row.due_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M") in line
        assert "坐席：王芳（客服专员）" in screen_text(app)
        assert "2026-11-23 09:00:00" in screen_text(app)  # the clock reads the FixedClock


async def test_moving_the_cursor_updates_the_detail_line(
    demo_database: Database, clock: FixedClock
) -> None:
    expected = _own_work(demo_database, "王芳")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        first = _detail(app)
        assert f"#{expected[0].subject_id}" in first
        assert expected[0].customer_name in first
        due = expected[0].due_at.astimezone(ZoneInfo("Asia/Shanghai"))
        assert f"截止：{due:%Y-%m-%d %H:%M}" in first  # due time in Shanghai

        await pilot.press("down")
        await pilot.pause()
        second = _detail(app)
        assert second != first
        assert f"#{expected[1].subject_id}" in second
        assert expected[1].customer_name in second

        await pilot.press("up")
        await pilot.pause()
        assert _detail(app) == first


async def test_countdown_changes_when_the_clock_moves_and_the_app_ticks(
    demo_database: Database, clock: FixedClock
) -> None:
    expected = _own_work(demo_database, "王芳")
    soon = next(i for i, row in enumerate(expected) if row.due_at > clock.now())
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        work_list = app.screen.query_one("#work", WorkList)
        before = work_list.render_line(soon + 1).text
        assert "10m 00s" in before  # the handover acknowledgement due at 09:10

        clock.advance(timedelta(minutes=3, seconds=20))
        app._tick()  # the app's one timer; FixedClock does not move by itself
        await pilot.pause()

        after = work_list.render_line(soon + 1).text
        assert "6m 40s" in after
        assert "6m 40s" in screen_text(app)  # and it reached the terminal
        assert "2026-11-23 09:03:20" in screen_text(app)


async def test_overdue_rows_show_the_overdue_sign(
    demo_database: Database, clock: FixedClock
) -> None:
    expected = _own_work(demo_database, "王芳")
    overdue = [i for i, row in enumerate(expected) if row.due_at <= clock.now()]
    assert overdue
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        work_list = app.screen.query_one("#work", WorkList)
        for index in range(min(10, len(expected))):
            countdown = work_list.render_line(index + 1).text[:16]
            if index in overdue:
                assert countdown.startswith("+ 逾期 "), countdown
            else:
                assert "逾期" not in countdown
        # the first row counts up from its due time, in the catalog's words
        late = int((clock.now() - expected[0].due_at).total_seconds())
        assert work_list.render_line(1).text.startswith(f"+ 逾期 {format_duration(late)}")


async def test_english_desk_speaks_english(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, locale="en"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        text = screen_text(app)
        assert "Agent: 王芳 (Agent)" in text
        assert "My work (by deadline)" in text
        assert "Countdown" in text
        assert "overdue" in text.lower()
        assert "我的待办" not in text
        assert "倒计时" not in text


async def test_english_countdown_shows_the_whole_overdue_time(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database, locale="en", agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        work_list = app.screen.query_one("#work", WorkList)
        assert work_list.render_line(1).text.startswith("+ overdue 13h 37m ")


def test_trouble_said_before_the_desk_is_composed_waits_for_its_banner() -> None:
    """The data worker's first answer can reach the desk before its banners are composed
    (it ended the desk with NoMatches at start once in a CI run): the text is kept, and
    shown when the desk mounts."""
    from deskui.screens.desk import DeskScreen

    desk = DeskScreen()
    desk.show_trouble("数据库暂时无法连接")  # nothing composed yet: no banner to set
    assert desk._trouble == "数据库暂时无法连接"
