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
