"""The lead's weekly data and monthly summary in `deskui report team` (seed 004 售后客服组长
1-3), on SQLite and PostgreSQL: the service tests' fixed desk around the 2026 Golden Week, a
from/to of 09-28..10-11 (two weeks, the end of September and the start of October); the
sheets open in openpyxl laid out as the lead keeps them, each figure the service's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.periods import days_between
from deskui.i18n import set_locale
from deskui.lead_sheets import weekly_sheet
from deskui.report import period_title, team_sheets, write_pdf, write_xlsx
from deskui.screens.measure_text import share_text
from deskui.services.measures import PeriodQuery, Share, period_figures
from deskui.services.team_report import (
    LeadFigures,
    TeamReport,
    kind_share,
    lead_figures,
    survey_forms_in,
    team_report,
)
from tests.data import conftest as data_conftest
from tests.data.conftest import Desk
from tests.services.test_measures_service import NOW, _seed, lead

desk = data_conftest.desk  # the repository tests' small desk, as the service tests have it

PERIOD = days_between(date(2026, 9, 28), date(2026, 10, 11))
WEEKS = (days_between(date(2026, 9, 28), date(2026, 10, 4)),
         days_between(date(2026, 10, 5), date(2026, 10, 11)))  # fmt: skip
MONTHS = (days_between(date(2026, 9, 28), date(2026, 9, 30)),
          days_between(date(2026, 10, 1), date(2026, 10, 11)))  # fmt: skip
ZONE = ZoneInfo("Asia/Shanghai")


def _rows(book: object, name: str) -> list[tuple[object, ...]]:
    return list(book[name].iter_rows(values_only=True))  # type: ignore[index]


def test_the_weekly_data_and_monthly_summary_are_the_services_figures(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    set_locale("zh-CN")
    _seed(database, desk)
    with UnitOfWork(database) as uow:
        report = team_report(uow, lead(desk), TeamReport(PERIOD, ZONE.key), NOW)
        sheets = team_sheets(report, ZONE)
        weeks = [period_figures(uow, lead(desk), PeriodQuery(w), NOW) for w in WEEKS]
        months = [period_figures(uow, lead(desk), PeriodQuery(m), NOW) for m in MONTHS]
        total = period_figures(uow, lead(desk), PeriodQuery(PERIOD), NOW)
    target = tmp_path / "team.xlsx"
    write_xlsx(sheets, period_title(PERIOD), target)
    book = load_workbook(target)
    assert book.sheetnames[-2:] == ["周数据", "月总结"]

    weekly = _rows(book, "周数据")
    assert weekly[0][0] == "客服绩效 2026-09-28 至 2026-10-11"
    assert weekly[1] == (
        "周次", "日期", "新增问题记录", "客户投诉", "重复投诉", "超时", "首次联系按时",
        "资料建档按时", "回访完成", "一周内回访", "礼品到达三天内确认", "退货率", "退款率",
        "话术提醒（违规用语）",
    )  # fmt: skip
    assert [row[:2] for row in weekly[2:]] == [
        ("第 1 周", "2026-09-28 ~ 2026-10-04"),
        ("第 2 周", "2026-10-05 ~ 2026-10-11"),
        ("合计", "2026-09-28 ~ 2026-10-11"),
    ]
    for row, figures in zip(weekly[2:], [*weeks, total], strict=True):
        assert row[2:6] == (figures.new_tickets, figures.complaints,
                            figures.repeat_complaints, figures.breaches)  # fmt: skip
        assert row[6] == share_text(kind_share(figures, "first_contact"))
        assert row[7] == share_text(kind_share(figures, "profile_filing"))
        assert row[8:11] == (share_text(figures.callbacks_made),
                             share_text(figures.callbacks_within_week),
                             share_text(figures.gift_arrivals_confirmed))  # fmt: skip
        assert row[11:13] == ("无数据", "无数据")  # the return/refund hook: not measured yet
    # the fixed desk, counted by hand: T5 (09-30 23:30), T1, T2, T7, T8 in the first week,
    # T4 (the repeat complaint), T3, T6 in the second
    assert [row[2] for row in weekly[2:]] == [5, 3, 8]
    assert [row[4] for row in weekly[2:]] == [0, 1, 1]
    # callbacks: the gift's (10-04) in the first week, three more due 10-05..10-07
    assert [row[8] for row in weekly[2:]] == ["1/1 (100.0%)", "2/3 (66.7%)", "3/4 (75.0%)"]

    monthly = _rows(book, "月总结")
    assert monthly[1] == ("指标", "目标", "2026 年 9 月", "2026 年 10 月", "合计", "分析")
    summary = {row[0]: row[1:] for row in monthly[2:]}
    assert list(summary)[:4] == ["新增问题记录", "客户投诉", "重复投诉", "超时"]
    assert summary["新增问题记录"] == (None, 1, 7, 8, None)
    assert summary["新增问题记录"][1:4] == tuple(f.new_tickets for f in (*months, total))
    assert summary["回访完成"] == (
        "100%", "无数据", share_text(months[1].callbacks_made), share_text(total.callbacks_made),
        None,
    )  # fmt: skip
    assert summary["资料建档按时"] == ("100%", "无数据", "1/2 (50.0%)", "1/2 (50.0%)", None)
    assert summary["满意度调查表 10 日前交回"][0] == "100%"
    assert summary["超时"][1:4] == tuple(f.breaches for f in (*months, total))

    pdf = tmp_path / "team.pdf"
    write_pdf(sheets, period_title(PERIOD), pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and b"/FontFile2" in pdf.read_bytes()


def test_returns_refunds_and_survey_forms_come_from_the_period_figures(
    database: Database, desk: Desk
) -> None:
    """The sheets' return and refund rates and survey forms are the measures' own (issue 17):
    the fourth quarter's forms are due 10-10, inside the period, and are its survey line."""
    _seed(database, desk)
    with UnitOfWork(database) as uow:
        figures = period_figures(uow, lead(desk), PeriodQuery(PERIOD), NOW)
        total = lead_figures(uow, lead(desk), PERIOD, NOW, figures)
    assert total.returns == figures.returns_refunds.return_rate
    assert total.refunds == figures.returns_refunds.refund_rate
    assert [f.due_on for f in figures.survey_forms] == [date(2026, 10, 10)]
    assert total.survey_forms == figures.survey_forms[0].by_due_day
    assert survey_forms_in(replace(figures, survey_forms=())) is None  # no quarter due: no data


def test_the_weekly_data_in_english(database: Database, desk: Desk) -> None:
    _seed(database, desk)
    with UnitOfWork(database) as uow:
        figures = period_figures(uow, lead(desk), PeriodQuery(WEEKS[0]), NOW)
    set_locale("en")
    try:
        week = LeadFigures(WEEKS[0], figures, returns=Share(1, 20))
        sheet = weekly_sheet([week], week)
    finally:
        set_locale("zh-CN")
    assert sheet.title == "Weekly data"
    assert sheet.headers is not None and sheet.headers[:3] == ["Week", "Days", "New tickets"]
    assert sheet.figures[0][:3] == ["Week 1", "2026-09-28 ~ 2026-10-04", 5]
    assert sheet.figures[0][11:13] == ["1/20 (5.0%)", "no data"]  # a rate once measured
