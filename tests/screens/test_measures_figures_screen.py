"""The lead's measures of departments, survey forms and orders on F6's measures screen
(issue 17): the demo desk with the accepted technical leg planned and finished late, an order
paid and one returned this week, a complaint repeated after the platform group let the first
lie (tests/measures_demo.py); the rows say what the services compute, Enter on the return
rate lists the returned order, Enter on the department's row lists its leg and Enter again
opens the ticket; this quarter shows the survey forms due on 10-10."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from deskui.app import make_app
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.model import Role
from deskui.domain.periods import PeriodKind, period_at
from deskui.screens.measure_text import share_text
from deskui.screens.measures import MeasuresScreen
from deskui.screens.ticket_detail import TicketDetailModal
from deskui.services.actor import Actor
from deskui.services.measures import PeriodFigures, PeriodQuery, period_figures
from tests.conftest import FIXED_NOW, make_settings
from tests.measures_demo import add_department_and_order_records
from tests.screens.desk_pilot import SIZE, settle


def _figures(database: Database, kind: PeriodKind) -> PeriodFigures:
    with UnitOfWork(database) as uow:
        lead = next(a for a in uow.agents.agents() if a.name == "张伟")
        period = period_at(kind, FIXED_NOW)
        return period_figures(
            uow, Actor(lead.id, lead.name, Role.LEAD), PeriodQuery(period), FIXED_NOW
        )


def _rows(table: DataTable[Any]) -> list[tuple[str, str]]:
    return [
        (str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1])) for i in range(table.row_count)
    ]


async def _to_row(pilot: Pilot[Any], table: DataTable[Any], label: str) -> None:
    """Down or up to the row of `label` from wherever the cursor is, then Enter."""
    target = [row for row, _ in _rows(table)].index(label)
    step = "down" if target >= table.cursor_row else "up"
    for _ in range(abs(target - table.cursor_row)):
        await pilot.press(step)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_new_figures_show_and_drill_down(
    demo_database: Database, clock: FixedClock
) -> None:
    added = add_department_and_order_records(demo_database)
    ticket, returned = added.leg_ticket, added.returned_order
    week = _figures(demo_database, PeriodKind.WEEK)
    assert week.returns_refunds.returns == 1 and week.returns_refunds.orders_paid >= 1
    app = make_app(make_settings(demo_database, agent="张伟"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6", "m")  # the team view, then its measures
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeasuresScreen)
        figures = screen.query_one("#measures-figures", DataTable)
        rows = _rows(figures)
        assert ("按预计时间完成 · 技术部", "0/1 (0.0%)") in rows
        assert ("  预计 / 实际用时（中位）", "预计 1.0 小时 · 实际 1.3 小时") in rows
        assert ("部门转交延误致重复投诉", share_text(week.late_hand_on)) in rows
        (platform,) = [h for h in week.late_hand_on_by_person if h.department == "platform"]
        assert platform.person == "" and platform.complaints >= 1
        assert ("  平台组 · 未署名", str(platform.complaints)) in rows
        assert ("调查表 10 日前交回", "本期没有交表日") in rows
        assert ("退货", "1") in rows
        assert ("退货率（退货 / 付款订单）", share_text(week.returns_refunds.return_rate)) in rows
        money = week.returns_refunds
        assert ("付款订单", str(money.orders_paid)) in rows

        await _to_row(pilot, figures, "退货率（退货 / 付款订单）")
        records = screen.query_one("#measures-records", DataTable)
        assert records.display and records.has_focus and not figures.display
        assert [(str(r[0]), str(r[4])) for r in map(records.get_row_at, range(1))] == [
            (f"订单 #{returned}", "退货")
        ]
        assert records.row_count == 1
        await pilot.press("escape")
        await settle(pilot)
        assert figures.display and figures.has_focus

        await _to_row(pilot, figures, "按预计时间完成 · 技术部")
        assert records.display and records.row_count == 1
        assert str(records.get_row_at(0)[0]) == f"问题记录 #{ticket}"
        assert str(records.get_row_at(0)[2]) == "赵磊"  # who stated the time
        assert str(records.get_row_at(0)[4]) == "超时"
        await pilot.press("enter")  # the ticket itself
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is screen and figures.display

        await _to_row(pilot, figures, "  平台组 · 未署名")  # the complaint after the idle leg
        assert str(records.get_row_at(0)[0]) == f"问题记录 #{added.repeat_complaint}"
        assert records.row_count == platform.complaints
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("4")  # this quarter: the forms due on 10-10
        await settle(pilot)
        quarter = _figures(demo_database, PeriodKind.QUARTER)
        (forms,) = quarter.survey_forms
        rows = _rows(figures)
        assert ("调查表 10 日前交回 · 2026Q4", share_text(forms.by_due_day)) in rows
        assert ("  迟交 / 未交", f"迟交 {forms.late} · 未交 {forms.missing}") in rows
        assert forms.missing == 3
        await _to_row(pilot, figures, "  迟交 / 未交")
        assert records.row_count == 3
        assert {str(records.get_row_at(i)[4]) for i in range(3)} == {"未交"}
