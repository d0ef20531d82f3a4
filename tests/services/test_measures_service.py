"""The lead's measures as query services (issue 17; seed 002:2.5), on SQLite and PostgreSQL:
fixed tickets, deadlines, callbacks and handover items around the 2026 Golden Week
(10-01..10-07), the lead looking on 10-08 at 10:00 local."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.periods import days_between, trailing_days
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied
from deskui.services.measures import (
    AgentLoad,
    Count,
    Figure,
    FigureRecords,
    GuardrailHits,
    LiveQuery,
    PeriodQuery,
    Resolution,
    Share,
    TrendQuery,
    figure_records,
    live_figures,
    period_figures,
    trend,
)
from tests.services.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 8, 10, 0, tzinfo=SH)
GOLDEN_WEEK = days_between(date(2026, 10, 1), date(2026, 10, 7))


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def _seed(database: Database, desk: Desk) -> dict[str, int]:
    """Tickets T1..T8 with their first-contact deadlines, two profile filings, four callbacks,
    a late handover acknowledgement and two handover items; returns the ids by name."""
    with UnitOfWork(database) as uow:
        s = uow.session
        technical = s.scalars(select(m.Department).where(m.Department.code == "technical")).one()
        ids: dict[str, int] = {}

        def ticket(
            name: str,
            opened: datetime,
            severity: str,
            *,
            owner: int = desk.agent,
            kind: str = "question",
            category: str = "usage",
            closed: datetime | None = None,
            customer: int = desk.customer,
            department: int | None = None,
            due: datetime | None = None,
            met: datetime | None = None,
        ) -> None:
            row = m.Ticket(
                customer_id=customer,
                kind=kind,
                category=category,
                channel="phone",
                severity=severity,
                status="open" if closed is None else "closed",
                owner_id=owner,
                department_id=department,
                opened_at=opened,
                closed_at=closed,
            )
            s.add(row)
            s.flush()
            ids[name] = row.id
            if due is not None:
                s.add(
                    m.Deadline(
                        kind="first_contact",
                        subject_type="ticket",
                        subject_id=row.id,
                        owner_id=owner,
                        severity=severity,
                        label=name,
                        starts_at=opened,
                        due_at=due,
                        met_at=met,
                    )
                )

        # 00:30 local on National Day is 09-30 in UTC: inside the Golden Week all the same
        ticket("T1", at(1, 0, 30), "critical", kind="complaint", category="product_complaint",
               closed=at(1, 6, 30), due=at(1, 4, 30), met=at(1, 2))  # fmt: skip
        ticket("T2", at(3, 10), "urgent", closed=at(5, 10), department=technical.id,
               due=at(3, 18), met=at(3, 19))  # fmt: skip
        ticket("T3", at(7, 20), "normal", owner=desk.colleague, due=at(8, 20))
        ticket("T4", at(6, 9), "normal", kind="complaint", category="service_quality",
               department=technical.id, due=at(7, 9))  # fmt: skip
        ticket("T5", at(30, 23, 30, month=9), "normal")  # the day before: outside
        ticket("T6", at(8, 6, 30), "critical", owner=desk.colleague, due=at(8, 10, 30))
        ticket("T7", at(4, 9), "normal", closed=at(4, 11))
        ticket("T8", at(4, 9), "normal", closed=at(4, 19))
        for note, due, met in (("sales", at(2, 12), at(2, 11)), ("cs", at(2, 12), at(2, 13))):
            s.add(
                m.Deadline(
                    kind="profile_filing",
                    subject_type="customer",
                    subject_id=desk.customer,
                    owner_id=desk.agent,
                    note=note,
                    starts_at=at(1, 12),
                    due_at=due,
                    met_at=met,
                )
            )
        ack = m.Deadline(
            kind="handover_ack", subject_type="handover_item", subject_id=1,
            owner_id=desk.agent, label="交班确认", starts_at=at(8, 8, 30), due_at=at(8, 9),
        )  # fmt: skip
        s.add(ack)
        for name, status, due, done in (
            ("made", "done", at(5, 18), at(5, 10)),
            ("made late", "done", at(6, 18), at(7, 10)),
            ("not made", "pending", at(7, 18), None),
            ("cancelled", "cancelled", at(7, 18), None),
            ("gift", "done", at(4, 12), at(4, 11)),
        ):
            s.add(
                m.Callback(
                    customer_id=desk.customer,
                    agent_id=desk.agent,
                    purpose="gift_arrival" if name == "gift" else "routine",
                    status=status,
                    due_at=due,
                    done_at=done,
                    created_at=at(1, 9),
                    notes=name,
                )
            )
        for status, acknowledged in (("handed_over", None), ("acknowledged", at(8, 8, 40))):
            s.add(
                m.HandoverItem(
                    from_agent_id=desk.colleague,
                    to_agent_id=desk.agent,
                    title="快递未发",
                    status=status,
                    handed_over_at=at(8, 8, 30),
                    acknowledged_at=acknowledged,
                    created_at=at(7, 17),
                )
            )
        s.flush()
        ids["ack"] = ack.id
        uow.commit()
    return ids


def lead(desk: Desk) -> Actor:
    return Actor(desk.lead, "张伟", Role.LEAD, "north")


def test_the_golden_week_figures(database: Database, desk: Desk) -> None:
    ids = _seed(database, desk)
    with UnitOfWork(database) as uow:
        week = period_figures(uow, lead(desk), PeriodQuery(GOLDEN_WEEK), NOW)
    assert (week.new_tickets, week.complaints, week.repeat_complaints) == (6, 2, 1)
    first = {g: week.share("first_contact", g) for g in ("critical", "urgent", "normal")}
    assert first["critical"] is not None and first["critical"].on_time == Share(1, 1)
    assert first["urgent"] is not None and first["urgent"].on_time == Share(0, 1)
    # T4's first contact is open past its due time: late; T3's falls due on 10-08: not here
    assert first["normal"] is not None and first["normal"].on_time == Share(0, 1)
    assert week.share("profile_filing", "sales").on_time == Share(1, 1)  # type: ignore[union-attr]
    assert week.share("profile_filing", "cs").on_time == Share(0, 1)  # type: ignore[union-attr]
    assert week.breaches == 3
    assert week.callbacks_made == Share(3, 4)
    assert week.callbacks_within_week == Share(2, 4)
    assert week.gift_arrivals_confirmed == Share(1, 1)
    assert week.resolution_by_category == (
        Resolution("product_complaint", 1, 6.0, 6.0),
        Resolution("usage", 3, 10.0, 48.0),  # 2 h, 10 h, 48 h: nearest rank
    )
    assert week.resolution_by_department == (
        Resolution("", 3, 6.0, 10.0),
        Resolution("technical", 1, 48.0, 48.0),
    )
    assert week.complaints_by_category == (
        Count("product_complaint", 1),
        Count("service_quality", 1),
    )
    with UnitOfWork(database) as uow:
        late = figure_records(
            uow, lead(desk), FigureRecords(Figure.BREACHES, GOLDEN_WEEK, "first_contact"), NOW
        )
        repeat = figure_records(
            uow, lead(desk), FigureRecords(Figure.REPEAT_COMPLAINTS, GOLDEN_WEEK), NOW
        )
    assert sorted(r.subject_id for r in late) == sorted([ids["T2"], ids["T4"]])
    assert {r.state for r in late} == {"late"}
    assert [r.subject_id for r in repeat] == [ids["T4"]]


def test_a_period_without_data_says_so(database: Database, desk: Desk) -> None:
    _seed(database, desk)
    quiet = days_between(date(2026, 12, 1), date(2026, 12, 7))
    with UnitOfWork(database) as uow:
        figures = period_figures(uow, lead(desk), PeriodQuery(quiet), NOW)
    assert figures.new_tickets == 0 and figures.on_time == ()
    assert figures.callbacks_made == Share(0, 0) and figures.callbacks_made.value is None
    assert figures.resolution_by_category == ()


def test_the_live_view_on_the_day_after(database: Database, desk: Desk) -> None:
    ids = _seed(database, desk)
    with UnitOfWork(database) as uow:
        live = live_figures(uow, lead(desk), LiveQuery(), NOW)
        today = figure_records(uow, lead(desk), FigureRecords(Figure.BREACHED_TODAY), NOW)
        soon = figure_records(uow, lead(desk), FigureRecords(Figure.BREACHING_NEXT_HOUR), NOW)
        overdue = figure_records(
            uow, lead(desk), FigureRecords(Figure.AGENT_OVERDUE, agent_id=desk.agent), NOW
        )
        handover = figure_records(
            uow, lead(desk), FigureRecords(Figure.UNACKNOWLEDGED_HANDOVER), NOW
        )
    assert live.open_by_severity == (Count("critical", 1), Count("normal", 3))
    assert set(live.open_by_department) == {Count("", 3), Count("technical", 1)}
    assert (live.breaching_next_hour, live.breached_today, live.unacknowledged_handover) == (
        1,
        1,
        1,
    )
    loads = {a.agent_id: a for a in live.agents}
    assert loads[desk.agent] == AgentLoad(desk.agent, "王芳", 2, 1, 2)
    assert loads[desk.colleague] == AgentLoad(desk.colleague, "李娜", 2, 2, 0)
    assert [r.subject_id for r in today] == [1] and today[0].label == "交班确认"
    assert [r.subject_id for r in soon] == [ids["T6"]]
    assert {r.subject_id for r in overdue} == {ids["T4"], 1}
    assert [r.label for r in handover] == ["快递未发"]


def test_the_thirty_days_chart(database: Database, desk: Desk) -> None:
    _seed(database, desk)
    with UnitOfWork(database) as uow:
        days = trend(uow, lead(desk), TrendQuery(30), NOW)
    by_day = {d.day: d for d in days}
    assert len(days) == 30 and days[-1].day == date(2026, 10, 8)
    assert by_day[date(2026, 9, 30)].new_tickets == 1  # T5, 23:30 local
    assert by_day[date(2026, 10, 1)].new_tickets == 1  # T1, 00:30 local (09-30 in UTC)
    assert by_day[date(2026, 10, 1)].on_time == Share(1, 1)
    assert by_day[date(2026, 10, 3)].breaches == 1
    assert by_day[date(2026, 10, 4)].new_tickets == 2
    assert by_day[date(2026, 10, 8)].on_time == Share(0, 1)  # the late acknowledgement
    assert by_day[date(2026, 9, 20)].on_time.value is None


@pytest.mark.parametrize("role", [Role.AGENT, Role.DEPARTMENT])
def test_only_leads_and_managers_see_the_measures(
    database: Database, desk: Desk, role: Role
) -> None:
    actor = Actor(desk.agent, "王芳", role, "north")
    with UnitOfWork(database) as uow:
        for call, query in (
            (period_figures, PeriodQuery(GOLDEN_WEEK)),
            (live_figures, LiveQuery()),
            (trend, TrendQuery()),
            (figure_records, FigureRecords(Figure.BREACHED_TODAY)),
        ):
            with pytest.raises(Denied) as denied:
                call(uow, actor, query, NOW)  # type: ignore[operator]
            assert denied.value.action is Action.SEE_TEAM
    manager = Actor(desk.manager, "刘洋", Role.MANAGER, "north")
    with UnitOfWork(database) as uow:
        assert (
            period_figures(uow, manager, PeriodQuery(GOLDEN_WEEK), NOW - timedelta(0)).new_tickets
            == 0
        )


def test_the_chart_counts_a_day_of_25_hours_too(database: Database, desk: Desk) -> None:
    # a zone with summer time (Berlin leaves it on 2026-10-25): days are counted by their
    # boundaries, not by 24-hour arithmetic
    _seed(database, desk)
    days = trailing_days(at(27, 12), 30, "Europe/Berlin")
    assert days[-3].end - days[-3].start == timedelta(hours=25)
    with UnitOfWork(database) as uow:
        chart = {d.day: d for d in uow.measures.trend(days, NOW)}
    assert sum(d.new_tickets for d in chart.values()) == 8
    assert chart[date(2026, 9, 30)].new_tickets == 2  # T5 and T1 (18:30 in Berlin)
    assert chart[date(2026, 10, 3)].breaches == 1


def test_the_live_view_says_who_is_signed_in(database: Database, desk: Desk) -> None:
    """Issue 17 ('signed in or not'): a desk that said where it is within the last few ticks,
    a record open or none; a desk silent for longer is away."""
    from deskui.services.presence import FRESH, here

    with UnitOfWork(database) as uow:
        here(uow, Actor(desk.agent, "王芳", Role.AGENT), None, NOW - timedelta(seconds=5))
    with UnitOfWork(database) as uow:
        here(uow, Actor(desk.colleague, "李娜", Role.AGENT), "ticket:1", NOW - FRESH * 2)
    with UnitOfWork(database) as uow:
        loads = {a.agent_id: a for a in live_figures(uow, lead(desk), LiveQuery(), NOW).agents}
    assert loads[desk.agent].signed_in and not loads[desk.colleague].signed_in


def test_guardrail_hits_per_agent_and_phrase(database: Database, desk: Desk) -> None:
    """Issue 17: each save the rules of conduct stopped, counted per agent with its phrases,
    most first; a hit outside the period is not counted; none says so."""
    from deskui.services.conduct import GuardrailHit, record_guardrail_hit

    wang = Actor(desk.agent, "王芳", Role.AGENT)
    li = Actor(desk.colleague, "李娜", Role.AGENT)
    in_week = GOLDEN_WEEK.start + timedelta(days=2)
    for actor, phrases, at in (
        (wang, ("不知道",), in_week),
        (wang, ("不知道", "没办法"), in_week + timedelta(hours=1)),
        (li, ("没办法",), in_week),
        (li, ("不归我们管",), GOLDEN_WEEK.end + timedelta(hours=1)),  # the day after
    ):
        with UnitOfWork(database) as uow:
            record_guardrail_hit(uow, actor, GuardrailHit("intake.answer", phrases), at)
    with UnitOfWork(database) as uow:
        week = period_figures(uow, lead(desk), PeriodQuery(GOLDEN_WEEK), NOW)
        before = period_figures(
            uow, lead(desk), PeriodQuery(days_between(date(2026, 9, 1), date(2026, 9, 2))), NOW
        )
    assert week.guardrail_hits == (
        GuardrailHits("王芳", 2, (Count("不知道", 2), Count("没办法", 1))),
        GuardrailHits("李娜", 1, (Count("没办法", 1),)),
    )
    assert before.guardrail_hits == ()


def test_a_filing_that_does_not_say_its_side_is_counted_as_cs_not_a_second_profile_filing(
    database: Database, desk: Desk
) -> None:
    """Issue 26: intake's filings carried no side, so the measures showed 资料建档 twice (one
    row for "", one for cs) beside 个人资料补充. A filing without one is CS's."""
    due = datetime(2026, 10, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    with UnitOfWork(database) as uow:
        for note, met in (("", due), ("cs", None), ("personal_notes", due)):
            filing_id = uow.deadlines.add_deadline(
                "profile_filing", "customer", desk.customer, desk.agent,
                due - timedelta(hours=24), due, customer_id=desk.customer,
            )  # fmt: skip
            filing = uow.session.get_one(m.Deadline, filing_id)
            filing.note, filing.met_at = note, met
        uow.commit()
    with UnitOfWork(database) as uow:
        week = period_figures(uow, lead(desk), PeriodQuery(GOLDEN_WEEK), NOW)
    groups = [f.group for f in week.on_time if f.kind == "profile_filing"]
    assert sorted(groups) == ["cs", "personal_notes"]
    assert week.share("profile_filing", "cs").on_time == Share(1, 2)  # type: ignore[union-attr]
