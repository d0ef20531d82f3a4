"""The lead's measures screen on the demo desk (issue 17): the week's figures and the live
ones as the services compute them, Enter on "breached today" lists those records, Enter again
opens one, Escape comes back, 1 switches to today; an agent sees none of it."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.model import Role
from deskui.i18n import t
from deskui.screens.measures import MeasuresScreen
from deskui.screens.ticket_detail import TicketDetailModal
from deskui.services.actor import Actor
from deskui.services.measures import Figure, FigureRecords, figure_records
from tests.conftest import FIXED_NOW, make_settings
from tests.screens.desk_pilot import SIZE, settle


def _cell_texts(table: DataTable[Any]) -> list[tuple[str, str]]:
    return [
        (str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1])) for i in range(table.row_count)
    ]


async def test_a_lead_drills_down_from_breached_today(
    demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:
        lead = next(a for a in uow.agents.agents() if a.name == "张伟")
        breached = figure_records(
            uow, Actor(lead.id, lead.name, Role.LEAD), FigureRecords(Figure.BREACHED_TODAY),
            FIXED_NOW,
        )  # fmt: skip
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(MeasuresScreen())
        await settle(pilot)
        screen = app.screen
        figures = screen.query_one("#measures-figures", DataTable)
        rows = _cell_texts(figures)
        assert rows[0] == ("本周", "2026-11-23 ~ 2026-11-29")
        assert ("今天已超时", str(len(breached))) in rows
        assert "近 30 天" in str(screen.query_one("#measures-chart").render())
        for _ in range([label for label, _ in rows].index("今天已超时")):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        records = screen.query_one("#measures-records", DataTable)
        assert records.display and records.has_focus and not figures.display
        assert records.row_count == len(breached) > 0
        assert str(records.get_row_at(0)[0]) == f"问题记录 #{breached[0].subject_id}"
        await pilot.press("enter")  # the record itself
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")  # back from the records to the figures
        await settle(pilot)
        assert app.screen is screen and figures.display and not records.display
        await pilot.press("1")
        await settle(pilot)
        assert _cell_texts(figures)[0] == ("今天", "2026-11-23")


async def test_an_agent_sees_no_measures(demo_database: Database, clock: FixedClock) -> None:
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(MeasuresScreen())
        await settle(pilot)
        assert app.screen.query_one("#measures-figures", DataTable).row_count == 0
        assert str(app.screen.query_one("#measures-chart").render()) == ""


async def test_a_lead_reaches_the_measures_from_f6_and_by_ctrl_t_an_agent_is_not_offered_them(
    demo_database: Database, clock: FixedClock
) -> None:
    from deskui.screens.measures import MeasuresScreen
    from deskui.screens.team import TeamScreen

    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MeasuresScreen)
        await pilot.press("escape", "ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, MeasuresScreen)
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = app.screen
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.screen is shown
        assert not any("绩效" in str(c.title) for c in app.get_system_commands(app.screen))


def test_a_callback_behind_a_figure_is_said_by_its_purpose() -> None:
    """The records behind "breaching in the next hour" hold callbacks: their purpose in words
    (回访 #26 例行回访), never the key (routine) the store keeps as their label."""
    from deskui.screens.measure_text import record_label
    from deskui.services.measures import MeasureRecord

    callback = MeasureRecord("callback", 26, "routine", "王芳", None, None, "pending")
    ticket = MeasureRecord("ticket", 6, "routine", "王芳", None, None, "pending")
    assert record_label(callback) == t("callbacks.purpose.routine") != "routine"
    assert record_label(ticket) == "routine"  # an agent's own words stay as typed


# -- from/to (5) and the report of the period shown (x) -----------------------------------------


def _range_fields(app: Any) -> tuple[str, str, str, str]:
    from textual.widgets import Input, Static

    screen = app.screen
    return (
        screen.query_one("#range-from", Input).value,
        screen.query_one("#range-to", Input).value,
        str(screen.query_one("#err-range-from", Static).render()),
        str(screen.query_one("#err-range-to", Static).render()),
    )


async def test_a_lead_types_a_from_to_and_the_period_view_shows_those_days(
    demo_database: Database, clock: FixedClock
) -> None:
    from datetime import date

    from deskui.domain.periods import days_between
    from deskui.screens.period_range import PeriodRangeModal
    from deskui.services.measures import PeriodQuery, period_figures

    with UnitOfWork(demo_database) as uow:
        lead = next(a for a in uow.agents.agents() if a.name == "张伟")
        expected = period_figures(
            uow, Actor(lead.id, lead.name, Role.LEAD),
            PeriodQuery(days_between(date(2026, 11, 9), date(2026, 11, 23))), FIXED_NOW,
        )  # fmt: skip
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(MeasuresScreen())
        await settle(pilot)
        screen = app.screen
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, PeriodRangeModal)
        assert _range_fields(app) == ("2026-11-23", "2026-11-29", "", "")  # the week shown
        # a day that is not one: one line under the field, the form stays filled
        await pilot.press(*"2026-11-32", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PeriodRangeModal)
        bad_day = "请输入日期，格式如 2026-10-01"
        assert _range_fields(app) == ("2026-11-32", "2026-11-29", bad_day, "")
        # the first day typed again (the field's text is selected), then an end before it
        await pilot.press(*"2026-11-09", "enter", *"2026-11-01", "enter")
        await settle(pilot)
        assert _range_fields(app) == ("2026-11-09", "2026-11-01", "", "结束日期早于开始日期")
        # more than a year: 2026-11-09 to 2027-11-10 is 367 days
        await pilot.press(*"2027-11-10", "enter")
        await settle(pilot)
        assert _range_fields(app)[1:] == ("2027-11-10", "", "最长 366 天，这段有 367 天")
        await pilot.press(*"2026-11-23", "enter")
        await settle(pilot)
        assert app.screen is screen
        figures = screen.query_one("#measures-figures", DataTable)
        rows = _cell_texts(figures)
        assert rows[0] == ("自选日期", "2026-11-09 ~ 2026-11-23")
        assert ("新增问题记录", str(expected.new_tickets)) in rows
        assert expected.new_tickets > 0
        assert "5 自选日期" in str(screen.query_one("#measures-header").render())
        # 5 again: the form opens with the from/to shown; Esc leaves it as it was
        await pilot.press("5")
        await settle(pilot)
        assert _range_fields(app)[:2] == ("2026-11-09", "2026-11-23")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and _cell_texts(figures)[0][1] == "2026-11-09 ~ 2026-11-23"


async def test_x_writes_the_report_of_the_period_shown_into_the_reports_folder(
    demo_database: Database, clock: FixedClock, tmp_path: Any
) -> None:
    from dataclasses import replace

    from openpyxl import load_workbook

    from deskui.screens.period_range import PeriodRangeModal

    settings = replace(make_settings(demo_database, agent="张伟"), files_folder=str(tmp_path))
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(MeasuresScreen())
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, PeriodRangeModal)
        await pilot.press(*"2026-10-26", "enter", *"2026-11-08", "enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        written = sorted((tmp_path / "reports").glob("team-*.xlsx"))
        assert [p.name for p in written] == ["team-20261026-20261108-20261123-0900.xlsx"]
        notices = [str(n.message) for n in app._notifications]
        assert f"报表已写入：{written[0]}" in notices
    book = load_workbook(written[0])
    assert book["汇总"]["A1"].value == "客服绩效 2026-10-26 至 2026-11-08"
    weeks = [row[:2] for row in book["周数据"].iter_rows(min_row=3, values_only=True)]
    assert weeks == [
        ("第 1 周", "2026-10-26 ~ 2026-11-01"),
        ("第 2 周", "2026-11-02 ~ 2026-11-08"),
        ("合计", "2026-10-26 ~ 2026-11-08"),
    ]


async def test_an_agent_pressing_x_gets_no_report(
    demo_database: Database, clock: FixedClock, tmp_path: Any
) -> None:
    from dataclasses import replace

    settings = replace(make_settings(demo_database, agent="王芳"), files_folder=str(tmp_path))
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(MeasuresScreen())
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        notices = [str(n.message) for n in app._notifications]
    assert not (tmp_path / "reports").exists()
    assert "您的角色（客服专员）不能查看团队；已记录" in notices


async def test_the_footer_says_enter_opens_a_figure_at_80x24(
    demo_database: Database, clock: FixedClock
) -> None:
    """Enter lists a figure's records and opens one, yet the footer named 1-5, x and Esc
    only (DataTable hides its own Enter): a new lead did not know the figures open."""
    from tests.screens.desk_pilot import screen_lines

    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(MeasuresScreen())
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert footer.lstrip().startswith("⏎打开"), footer
        await pilot.press("enter")  # the week's first figure has no records: nothing opens
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#measures-records", DataTable).has_focus
        assert screen_lines(app)[-1].lstrip().startswith("⏎打开")
