"""`deskui report team` over October and the first November weeks on the demo with a record
behind each measure of departments and orders (tests/measures_demo.py): the sheets of the
departments' stated times, the late hand-on, the survey forms and the returns and refunds
carry the services' figures and the records behind them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from deskui.cli import main
from deskui.data.database import Database
from deskui.data.demo import seed_demo
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.periods import days_between
from deskui.i18n import set_locale
from deskui.screens.measure_text import share_text
from deskui.services.actor import Actor
from deskui.services.measures import PeriodFigures, PeriodQuery, period_figures
from tests.conftest import FIXED_NOW
from tests.measures_demo import add_department_and_order_records

PERIOD = days_between(date(2026, 10, 1), date(2026, 11, 23))


def _figures(url: str) -> PeriodFigures:
    database = Database(url)
    with UnitOfWork(database) as uow:
        manager = next(a for a in uow.agents.agents() if a.role == Role.MANAGER)
        figures = period_figures(
            uow,
            Actor(manager.id, manager.name, manager.role),
            PeriodQuery(PERIOD),
            FIXED_NOW + timedelta(seconds=30),  # the command's clock ran on from --now
        )
    database.dispose()
    return figures


def _sheet(book: Any, name: str) -> tuple[dict[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    """A sheet's figure lines by label, and its record rows (below the blank line)."""
    rows = list(book[name].iter_rows(min_row=3, values_only=True))
    blank = next((i for i, row in enumerate(rows) if not any(row)), len(rows))
    lines = {str(row[0]): row[1:4] for row in rows[:blank]}  # an empty cell reads None
    return lines, rows[blank + 2 :]


def test_the_new_sheets_carry_the_services_figures_and_records(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    database = Database(url)
    database.upgrade()
    with UnitOfWork(database) as uow:
        seed_demo(uow, FIXED_NOW)
        uow.commit()
    added = add_department_and_order_records(database)
    database.dispose()
    out = tmp_path / "team.xlsx"
    args = ["report", "team", "--from", "2026-10-01", "--to", "2026-11-23", "--format", "xlsx"]
    now = FIXED_NOW.isoformat()
    assert main(["--demo", "--db", url, "--now", now, *args, "--output", str(out)]) == 0
    figures = _figures(url)
    book = load_workbook(out)
    set_locale("zh-CN")
    assert {"部门预计时间", "部门转交延误致重复投诉", "调查表", "退货退款"} <= set(book.sheetnames)

    legs, leg_records = _sheet(book, "部门预计时间")
    (technical,) = figures.leg_plans
    line = legs["按预计时间完成 · 技术部"]
    assert line == (0, 1, share_text(technical.by_stated_time)) == (0, 1, "0/1 (0.0%)")
    assert legs["  预计用时（中位）"] == (technical.planned, None, "1.0 小时")
    assert legs["  实际用时（中位）"] == (technical.finished, None, "1.3 小时")
    assert [(r[0], r[2], r[5]) for r in leg_records] == [
        (f"问题记录 #{added.leg_ticket}", "赵磊", "超时")
    ]

    hand_on, hand_on_records = _sheet(book, "部门转交延误致重复投诉")
    share = figures.late_hand_on
    assert hand_on["部门转交延误致重复投诉"][:2] == (share.numerator, share.denominator)
    assert share.numerator >= 1
    assert (
        hand_on["平台组"][0]
        == dict((c.key, c.count) for c in figures.late_hand_on_by_department)["platform"]
    )
    assert hand_on["平台组 · 未署名"][0] == figures.late_hand_on_by_person[0].complaints
    assert f"问题记录 #{added.repeat_complaint}" in {r[0] for r in hand_on_records}
    assert len(hand_on_records) == share.numerator

    surveys, survey_records = _sheet(book, "调查表")
    (forms,) = figures.survey_forms
    assert surveys["调查表 10 日前交回 · 2026Q4"][:2] == (
        forms.by_due_day.numerator,
        forms.by_due_day.denominator,
    )
    assert surveys["  未交"][0] == forms.missing == len(survey_records) == 3
    assert {r[5] for r in survey_records} == {"未交"}

    money, money_records = _sheet(book, "退货退款")
    refunds = figures.returns_refunds
    assert money["付款订单"][0] == refunds.orders_paid > 0
    assert money["退货率（退货 / 付款订单）"][:2] == (1, refunds.orders_paid)
    assert money["退款率（退款 / 付款订单）"][:2] == (0, refunds.orders_paid)
    assert [(r[0], r[5]) for r in money_records] == [(f"订单 #{added.returned_order}", "退货")]

    summary = {row[0]: row[1:] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["退货率（退货 / 付款订单）"][2] == share_text(refunds.return_rate)
    assert summary["部门转交延误致重复投诉"][:2] == (share.numerator, share.denominator)


def test_a_period_without_them_says_so(tmp_path: Path) -> None:
    """A December week, nothing planned, due, returned or paid: no data, never 0% or 100%."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    out = tmp_path / "quiet.xlsx"
    args = ["report", "team", "--from", "2026-12-07", "--to", "2026-12-13", "--format", "xlsx"]
    now = FIXED_NOW.isoformat()
    assert main(["--demo", "--db", url, "--now", now, *args, "--output", str(out)]) == 0
    book = load_workbook(out)
    set_locale("zh-CN")
    surveys, _ = _sheet(book, "调查表")
    assert surveys["调查表 10 日前交回"][2] == "本期没有交表日"
    money, records = _sheet(book, "退货退款")
    assert money["退货率（退货 / 付款订单）"] == (0, 0, "无数据")
    assert money["退款率（退款 / 付款订单）"] == (0, 0, "无数据")
    assert records == []
    hand_on, _ = _sheet(book, "部门转交延误致重复投诉")
    assert hand_on["部门转交延误致重复投诉"][2] == "无数据"
    legs, _ = _sheet(book, "部门预计时间")
    assert legs == {"部门按预计时间完成": (None, None, "无数据")}
