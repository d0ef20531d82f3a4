"""The lead's measures (issue 17; seed 002:2.5): a 30-day chart of new tickets, breaches and
the on-time share; the period's figures (1 today, 2 this week, 3 this month, 4 this quarter,
5 from/to) and the live ones, each a row; x writes the team report of the period shown.
Enter lists the records behind a figure, Enter again opens one, Escape goes back. Leads and
managers only (the services check Action.SEE_TEAM)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from deskui.domain.countdown import format_duration
from deskui.domain.periods import Period, PeriodKind, days_between, period_at
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.navigation import KeptScreen, open_modal, ring_bell
from deskui.screens.desk import open_work_item
from deskui.screens.focus import closed_before_mount
from deskui.screens.host import desk_host
from deskui.screens.measure_text import (
    group_label,
    guardrail_phrases,
    hours_text,
    key_label,
    record_label,
    share_text,
)
from deskui.screens.runner import run_service
from deskui.services.measures import (
    DayTrend,
    Figure,
    FigureRecords,
    GuardrailHits,
    LiveFigures,
    LiveQuery,
    MeasureRecord,
    PeriodFigures,
    PeriodQuery,
    Share,
    TrendQuery,
    figure_records,
    live_figures,
    period_figures,
    trend,
)
from deskui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from pathlib import Path

    from deskui.screens.host import DeskHost
    from deskui.services.phone_desk import CallFigures

PERIODS = (
    PeriodKind.TODAY,
    PeriodKind.WEEK,
    PeriodKind.MONTH,
    PeriodKind.QUARTER,
    PeriodKind.RANGE,
)
BLOCKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One line of the figures table: what it measures, its value, the records behind it."""

    label: str
    value: str
    records: FigureRecords | None = None
    heading: bool = False


def spark(values: Sequence[float | None], top: float | None = None) -> str:
    """One block character per day, scaled to `top` (the largest value); a day without data
    is a dot, so an empty day is not drawn as a low one."""
    known = [v for v in values if v is not None]
    high = top if top is not None else max(known, default=0.0)
    line = []
    for v in values:
        if v is None:
            line.append("·")
        elif high <= 0:
            line.append(BLOCKS[0])
        else:
            line.append(BLOCKS[min(len(BLOCKS) - 1, round(v / high * (len(BLOCKS) - 1)))])
    return "".join(line)


def chart_text(days: tuple[DayTrend, ...]) -> Text:
    """Three lines of 30 days: new tickets, breaches, on-time share (readable at 80x24)."""
    text = Text()
    if not days:
        return text
    first, last = days[0].day.strftime("%m-%d"), days[-1].day.strftime("%m-%d")
    text.append(t("measures.chart.title", first=first, last=last, days=len(days)), style="bold")
    new = [float(d.new_tickets) for d in days]
    breaches = [float(d.breaches) for d in days]
    shares = [d.on_time.value for d in days]
    lines = (
        ("measures.chart.new", spark(new), t("measures.chart.most", n=int(max(new)))),
        (
            "measures.chart.breaches",
            spark(breaches),
            t("measures.chart.most", n=int(max(breaches))),
        ),
        ("measures.chart.on_time", spark(shares, 1.0), share_text(_total(days))),
    )
    for key, line, tail in lines:
        text.append("\n")
        text.append(f"{t(key):<6}", style="bold")
        text.append(line)
        text.append(f"  {tail}")
    return text


def _total(days: tuple[DayTrend, ...]) -> Share:
    return Share(sum(d.on_time.numerator for d in days), sum(d.on_time.denominator for d in days))


def period_rows(figures: PeriodFigures) -> list[FigureRow]:
    period = figures.period
    rows = [
        FigureRow(t(f"measures.period.{period.kind.value}"), _days(figures), heading=True),
        FigureRow(t("measures.new_tickets"), str(figures.new_tickets),
                  FigureRecords(Figure.NEW_TICKETS, period)),
        FigureRow(t("measures.complaints"), str(figures.complaints),
                  FigureRecords(Figure.COMPLAINTS, period)),
        FigureRow(t("measures.repeat_complaints"), str(figures.repeat_complaints),
                  FigureRecords(Figure.REPEAT_COMPLAINTS, period)),
        *hand_on_rows(figures),
        FigureRow(t("measures.breaches"), str(figures.breaches),
                  FigureRecords(Figure.BREACHES, period)),
    ]  # fmt: skip
    rows.append(FigureRow(t("measures.on_time_heading"), "", heading=True))
    rows += [
        FigureRow(
            f"  {group_label(f.kind, f.group)}",
            share_text(f.on_time),
            FigureRecords(Figure.ON_TIME, period, f.kind, f.group),
        )
        for f in sorted(figures.on_time, key=desk_order)
    ]
    rows += [
        FigureRow(t("measures.callbacks_made"), share_text(figures.callbacks_made)),
        FigureRow(t("measures.callbacks_within_week"), share_text(figures.callbacks_within_week)),
        FigureRow(t("measures.gift_arrivals"), share_text(figures.gift_arrivals_confirmed)),
        *survey_rows(figures),
    ]
    for prefix, title, resolutions in (
        ("category", "measures.by_category", figures.resolution_by_category),
        ("department", "measures.by_department", figures.resolution_by_department),
    ):
        rows += [
            FigureRow(
                t("measures.resolution", by=t(title), key=key_label(prefix, r.key)),
                t(
                    "measures.median_p90",
                    median=hours_text(r.median_hours),
                    p90=hours_text(r.p90_hours),
                    count=r.count,
                ),
            )
            for r in resolutions
        ]
    rows += leg_rows(figures)
    rows += returns_rows(figures)
    rows.append(FigureRow(t("measures.guardrail.title"), guardrail_total(figures)))
    rows += [FigureRow(f"  {g.agent_name}", guardrail_line(g)) for g in figures.guardrail_hits]
    return rows


_KIND_ORDER = (
    "first_contact", "repeat_contact", "promised_reply", "callback", "profile_filing",
    "handover_ack", "parcel_chase", "department_leg",
)  # fmt: skip
_GROUP_ORDER = ("critical", "urgent", "normal", "cs", "sales", "personal_notes")


def desk_order(share: Any) -> tuple[int, int, str]:
    """The deadlines as the desk meets them: first contact from the most pressing severity,
    then the later contacts, callbacks, filing, handover, parcels, departments."""
    kind = _KIND_ORDER.index(share.kind) if share.kind in _KIND_ORDER else len(_KIND_ORDER)
    group = _GROUP_ORDER.index(share.group) if share.group in _GROUP_ORDER else len(_GROUP_ORDER)
    return kind, group, f"{share.kind}:{share.group}"


def hand_on_rows(figures: PeriodFigures) -> list[FigureRow]:
    """Complaints a department's late hand-on caused, by department and by person (seed
    000:3.2.3): their share of the period's complaints, then each department and person."""
    period = figures.period
    rows = [
        FigureRow(t("measures.hand_on.title"), share_text(figures.late_hand_on),
                  FigureRecords(Figure.LATE_HAND_ON, period)),
    ]  # fmt: skip
    rows += [
        FigureRow(
            t("measures.hand_on.department", department=key_label("department", c.key)),
            str(c.count),
            FigureRecords(Figure.LATE_HAND_ON, period, key=c.key),
        )
        for c in figures.late_hand_on_by_department
    ]
    rows += [
        FigureRow(
            t(
                "measures.hand_on.person",
                department=key_label("department", h.department),
                person=h.person or t("measures.hand_on.unnamed"),
            ),
            str(h.complaints),
            FigureRecords(Figure.LATE_HAND_ON, period, group=h.person, key=h.department),
        )
        for h in figures.late_hand_on_by_person
    ]
    return rows


def survey_rows(figures: PeriodFigures) -> list[FigureRow]:
    """Survey forms in by the 10th (seed 000:2.5.3), for each quarter due in the period; a
    period without a due day says so."""
    if not figures.survey_forms:
        return [FigureRow(t("measures.survey.title_none"), t("measures.survey.not_due"))]
    rows = []
    for forms in figures.survey_forms:
        records = FigureRecords(Figure.SURVEY_FORMS, figures.period, key=forms.label)
        rows += [
            FigureRow(t("measures.survey.title", quarter=forms.label),
                      share_text(forms.by_due_day), records),
            FigureRow(t("measures.survey.late_missing"),
                      t("measures.survey.late_missing_value", late=forms.late,
                        missing=forms.missing), records),
        ]  # fmt: skip
    return rows


def leg_rows(figures: PeriodFigures) -> list[FigureRow]:
    """The departments' stated expected times against the actual (seed 002:2.4.2): per
    department, the legs finished by the stated time, and the two medians."""
    if not figures.leg_plans:
        return [FigureRow(t("measures.legs.title"), t("measures.no_data"))]
    rows = []
    for plans in figures.leg_plans:
        records = FigureRecords(Figure.LEG_PLANS, figures.period, key=plans.department)
        department = key_label("department", plans.department)
        rows += [
            FigureRow(t("measures.legs.on_time", department=department),
                      share_text(plans.by_stated_time), records),
            FigureRow(t("measures.legs.hours"),
                      t("measures.legs.hours_value",
                        stated=hours_text(plans.stated_median_hours),
                        actual=hours_text(plans.actual_median_hours)), records),
        ]  # fmt: skip
    return rows


def returns_rows(figures: PeriodFigures) -> list[FigureRow]:
    """Returns and refunds (seed 004): the counts of the period, then the rates against the
    orders paid in it."""
    period, money = figures.period, figures.returns_refunds
    returns = FigureRecords(Figure.RETURNS, period)
    refunds = FigureRecords(Figure.REFUNDS, period)
    return [
        FigureRow(t("measures.returns.paid"), str(money.orders_paid),
                  FigureRecords(Figure.ORDERS_PAID, period)),
        FigureRow(t("measures.returns.returns"), str(money.returns), returns),
        FigureRow(t("measures.returns.exchanges"), str(money.exchanges),
                  FigureRecords(Figure.RETURNS, period, key="exchange")),
        FigureRow(t("measures.returns.refunds"),
                  t("measures.returns.refunds_value", refunds=money.refunds, voids=money.voids,
                    differences=money.refund_differences), refunds),
        FigureRow(t("measures.returns.return_rate"), share_text(money.return_rate), returns),
        FigureRow(t("measures.returns.refund_rate"), share_text(money.refund_rate), refunds),
    ]  # fmt: skip


def guardrail_total(figures: PeriodFigures) -> str:
    hits = sum(g.hits for g in figures.guardrail_hits)
    return t("measures.guardrail.hits", hits=hits) if hits else t("measures.guardrail.none")


def guardrail_line(hits: GuardrailHits) -> str:
    """`3 次：不归我们管 2、没办法 1`: the agent's hits and the phrases, most hit first."""
    return t("measures.guardrail.agent", hits=hits.hits, phrases=guardrail_phrases(hits))


def _days(figures: PeriodFigures) -> str:
    period = figures.period
    if period.first_day == period.last_day:
        return period.first_day.isoformat()
    return f"{period.first_day.isoformat()} ~ {period.last_day.isoformat()}"


def call_rows(figures: CallFigures) -> list[FigureRow]:
    """The period's calls (issue 25), per day and per agent; none when it had no calls."""
    if not figures.days:
        return []
    rows = [FigureRow(t("measures.calls.title"), "", heading=True)]
    for day in figures.days:
        level = day.level.percent
        rows.append(
            FigureRow(
                f"  {day.day:%m-%d}",
                t(
                    "measures.calls.day",
                    answered=day.calls.answered,
                    missed=day.calls.missed,
                    level=f"{level}%" if level is not None else "—",
                ),
            )
        )
    rows.append(FigureRow(t("measures.calls.by_agent"), "", heading=True))
    rows += [
        FigureRow(
            f"  {agent.name}",
            t(
                "measures.calls.agent",
                answered=agent.answered,
                talked=format_duration(agent.talk_seconds),
            ),
        )
        for agent in figures.agents
    ]
    return rows


def live_rows(live: LiveFigures) -> list[FigureRow]:
    rows = [
        FigureRow(t("measures.live.title"), "", heading=True),
        FigureRow(t("measures.live.breaching_next_hour"), str(live.breaching_next_hour),
                  FigureRecords(Figure.BREACHING_NEXT_HOUR)),
        FigureRow(t("measures.live.breached_today"), str(live.breached_today),
                  FigureRecords(Figure.BREACHED_TODAY)),
        FigureRow(t("measures.live.unacknowledged_handover"), str(live.unacknowledged_handover),
                  FigureRecords(Figure.UNACKNOWLEDGED_HANDOVER)),
    ]  # fmt: skip
    rows += [
        FigureRow(
            t("measures.live.open_severity", severity=t(f"severity.{c.key}")),
            str(c.count),
            FigureRecords(Figure.OPEN_BY_SEVERITY, key=c.key),
        )
        for c in live.open_by_severity
    ]
    rows += [
        FigureRow(
            t("measures.live.open_department", department=key_label("department", c.key)),
            str(c.count),
            FigureRecords(Figure.OPEN_BY_DEPARTMENT, key=c.key),
        )
        for c in live.open_by_department
    ]
    rows += [
        FigureRow(
            a.name,
            t(
                "measures.live.agent",
                open=a.open,
                due_today=a.due_today,
                overdue=a.overdue,
                presence=t("measures.live.signed_in" if a.signed_in else "measures.live.away"),
            ),
            FigureRecords(Figure.AGENT_OPEN, agent_id=a.agent_id),
        )
        for a in live.agents
    ]
    return rows


class FigureTable(DataTable[Any]):
    """A table of figures or records whose Enter is in the footer: DataTable's own Enter is
    hidden, so the footer did not say that Enter lists a figure's records or opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "keys.measures_open", id="measures_open"),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row")
        localize_bindings(self)


class MeasuresScreen(KeptScreen):
    """The lead's measures: chart, period figures, live figures; Enter drills down."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "period('today')", "measures.key.today", id="measures_today"),
        Binding("2", "period('week')", "measures.key.week", id="measures_week"),
        Binding("3", "period('month')", "measures.key.month", id="measures_month"),
        Binding("4", "period('quarter')", "measures.key.quarter", id="measures_quarter"),
        Binding("5", "choose_range", "measures.key.range", id="measures_range"),
        Binding("x", "export", "measures.key.export", id="measures_export"),
        Binding("escape", "back", "keys.back", id="back"),
    ]

    DEFAULT_CSS = """
    MeasuresScreen #measures-chart { height: 4; padding: 0 1; }
    MeasuresScreen #measures-header { height: 1; padding: 0 1; }
    MeasuresScreen DataTable { height: 1fr; }
    MeasuresScreen #measures-records-title { height: 1; padding: 0 1; display: none; }
    """

    def __init__(self, period: PeriodKind = PeriodKind.WEEK) -> None:
        super().__init__(id="measures")
        localize_bindings(self)
        self._localize_own_bindings()
        self.period = period
        self.range: Period | None = None
        """The from/to typed (5), shown while `period` is RANGE."""
        self._period_rows: list[FigureRow] = []
        self._live_rows: list[FigureRow] = []
        self._call_rows: list[FigureRow] = []
        self._shown: list[FigureRow] = []
        self._records: list[MeasureRecord] = []
        self._drilled: FigureRow | None = None

    def _localize_own_bindings(self) -> None:
        bindings = self._bindings
        bindings.key_to_bindings = {
            key: [
                replace(b, description=t(b.description), tooltip=t(f"{b.description}_tip"))
                if b.description.startswith("measures.")
                else b
                for b in group
            ]
            for key, group in bindings.key_to_bindings.items()
        }

    @property
    def desk_app(self) -> DeskHost:
        return desk_host(self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="measures-header")
        yield Static("", id="measures-chart")
        yield Static("", id="measures-records-title")
        figures = FigureTable(id="measures-figures")
        figures.add_column(t("measures.col.measure"), key="label", width=30)
        figures.add_column(t("measures.col.value"), key="value", width=40)
        yield figures
        records = FigureTable(id="measures-records")
        records.display = False
        for key, width in (("record", 14), ("label", 28), ("owner", 8), ("due", 11), ("state", 8)):
            records.add_column(t(f"measures.col.{key}"), key=key, width=width)
        yield records
        yield KeyFooter()

    def on_mount(self) -> None:
        if closed_before_mount(self):  # a key typed ahead closed it first
            return
        self._show_header()
        self.reload()
        self.query_one("#measures-figures", DataTable).focus()

    def reopened(self) -> None:
        """Ctrl+T again after Esc (which leaves only from the figures, not a drill-down):
        the period chosen stays, its figures counted again as of now."""
        self._show_header()
        self.call_after_refresh(self.reload)  # once the screen is painted as it was left
        self.query_one("#measures-figures", DataTable).focus()

    # -- loading --------------------------------------------------------------------------------

    def shown_period(self) -> Period:
        """The period the figures are of: the from/to typed, or today ... this quarter."""
        if self.period is PeriodKind.RANGE and self.range is not None:
            return self.range
        kind = PeriodKind.WEEK if self.period is PeriodKind.RANGE else self.period
        return period_at(kind, self.desk_app.clock.now(), self.desk_app.settings.site_timezone)

    def reload(self) -> None:
        period = self.shown_period()
        run_service(self, period_figures, PeriodQuery(period), done=self._period_loaded,
                    group="measures_period", exclusive=True)  # fmt: skip
        run_service(self, live_figures, LiveQuery(), done=self._live_loaded,
                    group="measures_live", exclusive=True)  # fmt: skip
        run_service(self, trend, TrendQuery(30), done=self._trend_loaded,
                    group="measures_trend", exclusive=True)  # fmt: skip
        self.load_calls(period)

    def load_calls(self, period: Period) -> None:
        """The period's calls per day and per agent (issue 25)."""
        from deskui.services.phone_desk import PeriodCalls, period_calls

        zone = self.desk_app.settings.site_timezone
        run_service(self, period_calls, PeriodCalls(period.start, period.end, zone),
                    done=self._calls_loaded, group="measures_calls", exclusive=True)  # fmt: skip

    def _calls_loaded(self, figures: CallFigures) -> None:
        self._call_rows = call_rows(figures)
        self._fill_figures()

    def _period_loaded(self, figures: PeriodFigures) -> None:
        self._period_rows = period_rows(figures)
        self._fill_figures()

    def _live_loaded(self, live: LiveFigures) -> None:
        self._live_rows = live_rows(live)
        self._fill_figures()

    def _trend_loaded(self, days: tuple[DayTrend, ...]) -> None:
        self.query_one("#measures-chart", Static).update(chart_text(days))

    def _fill_figures(self) -> None:
        table = self.query_one("#measures-figures", DataTable)
        row = table.cursor_row
        table.clear()
        self._shown = [*self._period_rows, *self._call_rows, *self._live_rows]
        for figure in self._shown:
            style = "bold reverse" if figure.heading else ""
            table.add_row(Text(figure.label, style=style), Text(figure.value, style=style))
        if self._shown:
            table.move_cursor(row=min(row, len(self._shown) - 1))

    def _show_header(self) -> None:
        line = Text()
        line.append(t("measures.title"), style="bold")
        line.append("  ")
        for n, kind in enumerate(PERIODS, start=1):
            label = f" {n} {t(f'measures.period.{kind.value}')} "
            line.append(label, style="reverse bold" if kind is self.period else "")
        self.query_one("#measures-header", Static).update(line)

    # -- keys -----------------------------------------------------------------------------------

    def action_period(self, kind: str) -> None:
        self._show_period(PeriodKind(kind))

    def action_choose_range(self) -> None:
        """5: the from/to form, prefilled with the period shown."""
        from deskui.screens.period_range import PeriodRangeModal

        shown = self.shown_period()
        open_modal(self.app, PeriodRangeModal(shown.first_day, shown.last_day), self._range_chosen)

    def _range_chosen(self, days: tuple[date, date] | None) -> None:
        if days is None:
            return
        self.range = days_between(*days, self.desk_app.settings.site_timezone)
        self._show_period(PeriodKind.RANGE)

    def action_export(self) -> None:
        """x: the team report of the period shown, as `deskui report team` writes it, in a
        worker; one line says where it went."""
        from deskui.report import TeamReportFile, write_team_report

        command = TeamReportFile(self.desk_app.settings, self.shown_period())
        run_service(self, write_team_report, command, done=self._report_written,
                    trouble=self._report_trouble, group="measures_export",
                    exclusive=True)  # fmt: skip

    def _report_written(self, path: Path) -> None:
        self.notify(t("measures.report.written", path=str(path)), markup=False)

    def _report_trouble(self, line: str) -> None:
        self.notify(line, severity="error", markup=False)

    def _show_period(self, kind: PeriodKind) -> None:
        self.period = kind
        self._show_header()
        if self._drilled is not None:  # a new period: back from the old period's records
            self._back_to_figures()
        self.reload()

    async def action_back(self) -> None:
        if self._drilled is None:
            await self.app.run_action("app.pop_screen")  # the app's Esc: the screen is kept
            return
        self._back_to_figures()

    def _back_to_figures(self) -> None:
        self._drilled = None
        self.query_one("#measures-records", DataTable).display = False
        self.query_one("#measures-records-title", Static).display = False
        figures = self.query_one("#measures-figures", DataTable)
        figures.display = True
        figures.focus()

    @on(DataTable.RowSelected, "#measures-figures")
    def drill_down(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if not 0 <= index < len(self._shown) or self._shown[index].records is None:
            ring_bell(self)
            return
        figure = self._shown[index]
        self._drilled = figure
        assert figure.records is not None
        run_service(self, figure_records, figure.records, done=self._records_loaded,
                    group="measures_records", exclusive=True)  # fmt: skip

    def _records_loaded(self, records: list[MeasureRecord]) -> None:
        if self._drilled is None:
            return
        self._records = records
        zone = ZoneInfo(self.desk_app.settings.site_timezone)
        table = self.query_one("#measures-records", DataTable)
        table.clear()
        for r in records:
            due = r.due_at.astimezone(zone).strftime("%m-%d %H:%M") if r.due_at else ""
            table.add_row(
                Text(f"{t(f'measures.subject.{r.subject_type}')} #{r.subject_id}"),
                Text(record_label(r)),
                Text(r.owner),
                Text(due),
                Text(t(f"measures.state.{r.state}"),
                     style="bold" if r.state == "late" else ""),
            )  # fmt: skip
        title = self.query_one("#measures-records-title", Static)
        title.update(
            Text(
                t("measures.records.title", figure=self._drilled.label, count=len(records)),
                style="bold",
            )
        )
        title.display = True
        self.query_one("#measures-figures", DataTable).display = False
        table.display = True
        table.focus()
        if not records:
            self.notify(t("measures.records.empty"))

    @on(DataTable.RowSelected, "#measures-records")
    def open_record(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self._records):
            open_work_item(self.app, self._records[event.cursor_row])

    def on_desk_app_changes_seen(self, message: Any) -> None:
        """The change feed: the live figures and the chart follow the desk."""
        self.reload()
