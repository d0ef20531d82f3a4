"""F12, the caller log, and F6's floor (issue 25), pressed like an agent and a lead."""

from __future__ import annotations

from datetime import timedelta

from deskui.app import make_app
from deskui.data.database import Database
from deskui.domain.accounts import masked_phone
from deskui.domain.clock import FixedClock
from deskui.i18n import t
from deskui.screens.caller_log import CallerLogScreen
from deskui.screens.intake import IntakeScreen
from deskui.screens.team import TeamScreen
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, screen_text, settle
from tests.screens.phone_calls import a_morning, at_desk_now, post
from tests.screens.test_call_pop import heard


def _rows(app: object) -> list[object]:
    calls = app.screen.query_one("#calls", WorkList)  # type: ignore[attr-defined]
    return [calls.row_at(i) for i in range(calls.count or 0)]


async def test_the_caller_log_lists_calls_and_filters_missed_and_not_called_back(
    demo_database: Database, clock: FixedClock
) -> None:
    morning = a_morning(demo_database, clock.now())
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, CallerLogScreen)
        # the title and its filters are one line, the list right under it (it once sat
        # half a screen down, under a header as tall as the list)
        assert app.screen.query_one("#caller-log-header").region.height == 1
        assert app.screen.query_one("#calls", WorkList).region.y <= 3
        assert "1 全部" in screen_text(app)
        rows = _rows(app)
        assert len(rows) == 6
        text = screen_text(app)
        assert morning.answered.name in text
        assert "已接" in text and "未接" in text and "响铃中" in text
        await pilot.press("2")
        await settle(pilot)
        assert {r.outcome for r in _rows(app)} == {"missed"}  # type: ignore[attr-defined]
        assert len(_rows(app)) == 3
        withheld = [r.number for r in _rows(app)].index("anonymous")  # type: ignore[attr-defined]
        app.screen.query_one("#calls", WorkList).move_cursor(withheld)
        await settle(pilot)
        assert t("caller_log.withheld") in screen_text(app)  # said, not called back
        await pilot.press("3")
        await settle(pilot)
        missed = _rows(app)
        # nobody has called back yet; the withheld caller cannot be, and is not listed
        assert len(missed) == 2
        # Enter on the rang-out call: intake with that customer's card
        names = [r.customer_name for r in missed]  # type: ignore[attr-defined]
        calls = app.screen.query_one("#calls", WorkList)
        calls.move_cursor(names.index(morning.rang_out.name))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert morning.rang_out.name in screen_text(app)


async def test_the_floor_shows_the_calls_and_each_agents_state_and_follows_events(
    demo_database: Database, clock: FixedClock
) -> None:
    morning = a_morning(demo_database, clock.now())
    at_desk_now(demo_database, ("王芳", "张伟"), clock.now())
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f6", "3")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        text = screen_text(app)
        assert "正在响铃 1 通" in text and "最久已等 45s" in text
        assert "今日接听 2 · 未接 3" in text
        assert "无人接听 1 · 来电方挂断 2" in text
        # offered: 2 answered + the rang-out call + the 40 s hang-up (the 3 s one not counted)
        assert "服务水平 50%" in text and "20 秒内接听 2 ÷ 来电 4" in text
        assert "未接未回拨 2" in text and "今日隐藏号码未接 1，无法回拨" in text
        assert "通话中" in text and morning.talking.name in text  # 李娜, on a call
        assert "未登录" in text  # 陈静's desk is not open
        # the ringing call is answered by 王芳: within the next poll the floor says so
        clock.advance(timedelta(seconds=5))
        post(demo_database, clock.now(), "answer", "m-6", morning.ringing.phone_e164 or "",
             answeringNumber="8001")  # fmt: skip
        await heard(pilot)
        text = screen_text(app)
        assert "正在响铃 0 通" in text
        assert "今日接听 3" in text


async def test_an_agent_is_not_offered_the_floor(
    demo_database: Database, clock: FixedClock
) -> None:
    a_morning(demo_database, clock.now())
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f6", "3")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        assert app.screen.view == "deadlines"
        assert t("team.view.floor") not in screen_text(app)


async def test_the_caller_log_masks_numbers_for_a_masked_role(
    demo_database: Database, clock: FixedClock
) -> None:
    from deskui.data.unit_of_work import UnitOfWork

    morning = a_morning(demo_database, clock.now())
    with UnitOfWork(demo_database) as uow:
        uow.settings.save_settings({"privacy.masked": "department_agent"}, None, clock.now())
        uow.commit()
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f12")
        await settle(pilot)
        text = screen_text(app)
        number = morning.answered.phone_e164 or ""
        assert masked_phone(number) in text
        assert number.removeprefix("+86") not in text
        assert "13900001111" not in text


async def test_a_department_member_has_no_caller_log(
    demo_database: Database, clock: FixedClock
) -> None:
    from deskui.data.unit_of_work import UnitOfWork

    a_morning(demo_database, clock.now())
    with UnitOfWork(demo_database) as uow:
        member = next(a for a in uow.agents.agents() if a.role == "department")
    app = make_app(make_settings(demo_database, agent=member.name), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert not isinstance(app.screen, CallerLogScreen)
        assert "13900001111" not in screen_text(app)


async def test_the_measures_give_the_periods_calls_per_day_and_per_agent(
    demo_database: Database, clock: FixedClock
) -> None:
    from textual.widgets import DataTable

    a_morning(demo_database, clock.now())
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        table = app.screen.query_one("#measures-figures", DataTable)
        cells = [
            " ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)
        ]
        assert any("来电（按日）" in c for c in cells)
        assert any("11-23" in c and "接听 2 · 未接 3 · 服务水平 50%" in c for c in cells)
        assert any("王芳" in c and "接听 1 · 通话 3m 05s" in c for c in cells)
        assert any("李娜" in c and "接听 1 · 通话 0s" in c for c in cells)
