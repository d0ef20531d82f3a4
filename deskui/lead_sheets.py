"""The lead's weekly data and monthly summary (客服周数据、月总结, seed 004 售后客服组长 1-3: the
lead plans from the shop's monthly return and refund rates, "落实到每周", and fills in and
analyses the week's data and the month's summary), two extra sheets of `deskui report team`.

周数据: one row per week of the period (Monday to Sunday, the first and last cut to the
period), a column per measure, then the period's total. 月总结: one row per measure with its
goal, a column per month of the period, the total, and an empty column for the lead's
analysis. Every figure comes from the team report service (deskui/services/team_report.py),
as on the measures screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deskui.domain.periods import Period
from deskui.i18n import t
from deskui.screens.measure_text import share_text
from deskui.services.team_report import LeadFigures, kind_share

if TYPE_CHECKING:
    from deskui.services.measures import Share
    from deskui.services.team_report import TeamFigures


@dataclass(frozen=True, slots=True)
class Sheet:
    """One measure: its title, figure lines (label, numerator, denominator, share) and the
    records behind it."""

    title: str
    figures: list[list[Any]]
    records: list[list[Any]]
    headers: list[str] | None = None
    """The figure lines' column headings; None: measure, numerator, denominator, share."""


GOAL_ALL = "100%"
"""The seeds' goal for filing, callbacks, gift confirmation and survey forms (seed 000:1.4.4,
2.5.2, 2.5.3, 2.5.5, 2.5.6): every one, on time."""


# -- the figures, one column (weekly) or row (monthly) each ---------------------------------


def _share(share: Share | None) -> str:
    return t("measures.no_data") if share is None else share_text(share)


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of the lead's sheets: its label, its goal and how it reads a period."""

    label_key: str
    read: Callable[[LeadFigures], Any]
    goal: str = ""
    weekly: bool = True
    """Also a column of the weekly data (survey forms are quarterly: the summary only)."""


def _on_time(kind: str) -> Callable[[LeadFigures], str]:
    return lambda f: share_text(kind_share(f.figures, kind))


def _callbacks(name: str) -> Callable[[LeadFigures], str]:
    return lambda f: share_text(getattr(f.figures, name))


MEASURES: tuple[Measure, ...] = (
    Measure("measures.new_tickets", lambda f: f.figures.new_tickets),
    Measure("measures.complaints", lambda f: f.figures.complaints),
    Measure("measures.repeat_complaints", lambda f: f.figures.repeat_complaints),
    Measure("measures.breaches", lambda f: f.figures.breaches),
    Measure("measures.lead.first_contact", _on_time("first_contact")),
    Measure("measures.lead.profile_filing", _on_time("profile_filing"), GOAL_ALL),
    Measure("measures.callbacks_made", _callbacks("callbacks_made"), GOAL_ALL),
    Measure("measures.callbacks_within_week", _callbacks("callbacks_within_week"), GOAL_ALL),
    Measure("measures.gift_arrivals", _callbacks("gift_arrivals_confirmed"), GOAL_ALL),
    Measure("measures.lead.return_rate", lambda f: _share(f.returns)),
    Measure("measures.lead.refund_rate", lambda f: _share(f.refunds)),
    Measure("measures.lead.survey_forms", lambda f: _share(f.survey_forms), GOAL_ALL, False),
    Measure("measures.guardrail.title", lambda f: sum(g.hits for g in f.figures.guardrail_hits)),
)


def days_text(period: Period) -> str:
    first, last = period.first_day, period.last_day
    if first == last:
        return first.isoformat()
    return f"{first.isoformat()} ~ {last.isoformat()}"


def weekly_sheet(weeks: list[LeadFigures], total: LeadFigures) -> Sheet:
    """周数据: a row per week, a column per measure, the total last."""
    measures = [m for m in MEASURES if m.weekly]
    headers = [t("measures.lead.col_week"), t("measures.lead.col_days")]
    headers += [t(m.label_key) for m in measures]
    lines = [
        [t("measures.lead.week_no", n=n), days_text(week.period)] + [m.read(week) for m in measures]
        for n, week in enumerate(weeks, start=1)
    ]
    lines.append(
        [t("measures.lead.col_total"), days_text(total.period)] + [m.read(total) for m in measures]
    )
    return Sheet(t("measures.lead.weekly"), lines, [], headers)


def monthly_sheet(months: list[LeadFigures], total: LeadFigures) -> Sheet:
    """月总结: a row per measure with its goal, a column per month, the total, the analysis
    left for the lead to write (seed 004: 填写与分析)."""
    headers = [t("measures.col.measure"), t("measures.lead.col_goal")]
    headers += [
        t("measures.lead.month_no", year=m.period.first_day.year, month=m.period.first_day.month)
        for m in months
    ]
    headers += [t("measures.lead.col_total"), t("measures.lead.col_analysis")]
    lines = [
        [t(m.label_key), m.goal, *(m.read(month) for month in months), m.read(total), ""]
        for m in MEASURES
    ]
    return Sheet(t("measures.lead.monthly"), lines, [], headers)


def lead_sheets(report: TeamFigures) -> list[Sheet]:
    """The weekly data and the monthly summary of the team report's period."""
    return [weekly_sheet(report.weeks, report.total), monthly_sheet(report.months, report.total)]
