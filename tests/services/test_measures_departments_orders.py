"""The lead's period figures of departments, survey forms and orders (issue 17), on SQLite and
PostgreSQL, on fixed records around the 2026 Golden Week (10-01..10-07), the lead looking on
10-08 at 10:00 local: the departments' stated times against the actual (seed 002:2.4.2),
complaints caused by a department's late hand-on (seed 000:3.2.3), survey forms in by
the 10th (seed 000:2.5.3), returns and refunds (seed 004)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.callbacks import CallbackRules, survey_quarters_due
from deskui.domain.model import Role
from deskui.domain.periods import days_between
from deskui.services.actor import Actor
from deskui.services.measures import (
    Count,
    Figure,
    FigureRecords,
    LateHandOn,
    LegPlans,
    PeriodQuery,
    ReturnsRefunds,
    Share,
    SurveyForms,
    figure_records,
    period_figures,
)
from tests.services.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 8, 10, 0, tzinfo=SH)
GOLDEN_WEEK = days_between(date(2026, 10, 1), date(2026, 10, 7))
OCTOBER = days_between(date(2026, 10, 1), date(2026, 10, 31))
QUIET = days_between(date(2026, 12, 1), date(2026, 12, 7))


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def lead(desk: Desk) -> Actor:
    return Actor(desk.lead, "张伟", Role.LEAD, "north")


def _departments(uow: UnitOfWork) -> dict[str, int]:
    return {code: i for code, i in uow.session.execute(select(m.Department.code, m.Department.id))}


def _ticket(
    uow: UnitOfWork, desk: Desk, opened: datetime, *, customer: int, kind: str = "complaint"
) -> int:
    row = m.Ticket(
        customer_id=customer, kind=kind, category="service_quality", channel="phone",
        severity="normal", status="open", owner_id=desk.agent, opened_at=opened,
        customer_words=f"{kind} {opened:%m-%d}",
    )  # fmt: skip
    uow.session.add(row)
    uow.session.flush()
    return row.id


def _leg(
    uow: UnitOfWork, desk: Desk, ticket: int, department: int, handed: datetime, **steps: object
) -> None:
    uow.session.add(
        m.DepartmentLeg(
            ticket_id=ticket,
            department_id=department,
            handed_by_id=desk.agent,
            handed_at=handed,
            **steps,
        )
    )


def _seed_legs(database: Database, desk: Desk) -> dict[str, int]:
    """Legs planned in the Golden Week on questions (they attribute no complaint):
    technical L1 on time (stated 24 h, took 22 h), L2 late (24 h, took 54 h), L3 still within
    its 72 h, one planned on 09-30 (outside); platform L4 past its stated time, no result."""
    with UnitOfWork(database) as uow:
        dept = _departments(uow)
        ids = {}
        for name, opened in (("Q1", at(2, 8)), ("Q2", at(3, 8)), ("Q3", at(6, 8)),
                             ("Q4", at(5, 8)), ("Q0", at(29, 8, month=9))):  # fmt: skip
            ids[name] = _ticket(uow, desk, opened, customer=desk.customer, kind="question")
        plans = (
            ("Q1", "technical", at(2, 12), at(3, 12), at(3, 10), "赵磊"),
            ("Q2", "technical", at(3, 10), at(4, 10), at(5, 16), "钱军"),
            ("Q3", "technical", at(6, 10), at(9, 10), None, "赵磊"),
            ("Q4", "platform", at(5, 9), at(6, 9), None, "周强"),
            ("Q0", "technical", at(30, 10, month=9), at(1, 10), at(1, 9), "赵磊"),
        )
        for name, code, planned, expected, result, by in plans:
            _leg(uow, desk, ids[name], dept[code], planned, accepted_at=planned,
                 accepted_by=by, planned_at=planned, expected_at=expected, planned_by=by,
                 result_at=result, result_by=by if result else "")  # fmt: skip
        uow.commit()
    return ids


def _seed_hand_on(database: Database, desk: Desk) -> dict[str, int]:
    """Customer A: C1 (09-28) went to technical, whose result came on time but went back to CS
    4 h later (the limit is 1 h): C2 (10-02) and C3 (10-05) are both counted against 孙丽, who
    wrote the result; C2 went to platform, never accepted: C3 counts against platform too,
    nobody named. Customer B: C4's leg (09-20) on time, each step at its very limit (accepted
    in 2 h, planned 4 h later, the result at the stated time, returned 1 h later); C6 (10-03)
    handed to technical at 10-04 08:00 and accepted late at 15:00, after C5 (10-04 09:00) was
    opened: C5 and C6 are repeat complaints no late hand-on caused."""
    a, b = desk.customer, desk.other_customer
    with UnitOfWork(database) as uow:
        dept = _departments(uow)
        ids = {
            name: _ticket(uow, desk, opened, customer=customer)
            for name, opened, customer in (
                ("C1", at(28, 9, month=9), a),
                ("C2", at(2, 10), a),
                ("C3", at(5, 10), a),
                ("C4", at(20, 9, month=9), b),
                ("C5", at(4, 9), b),
                ("C6", at(3, 9), b),
            )
        }
        _leg(uow, desk, ids["C1"], dept["technical"], at(28, 10, month=9),
             accepted_at=at(28, 11, month=9), accepted_by="赵磊",
             planned_at=at(28, 12, month=9), expected_at=at(29, 12, month=9), planned_by="赵磊",
             result_at=at(29, 11, month=9), result_by="孙丽",
             returned_at=at(29, 15, month=9), returned_by="孙丽")  # fmt: skip
        _leg(uow, desk, ids["C2"], dept["platform"], at(2, 11))
        _leg(uow, desk, ids["C4"], dept["technical"], at(20, 10, month=9),
             accepted_at=at(20, 12, month=9), accepted_by="赵磊",
             planned_at=at(20, 16, month=9), expected_at=at(24, 10, month=9), planned_by="赵磊",
             result_at=at(24, 10, month=9), result_by="赵磊",
             returned_at=at(24, 11, month=9), returned_by="赵磊")  # fmt: skip
        _leg(uow, desk, ids["C6"], dept["technical"], at(4, 8),
             accepted_at=at(4, 15), accepted_by="赵磊")  # fmt: skip
        _forwarded(uow, desk, ids, dept)
        uow.commit()
    return ids


def _forwarded(uow: UnitOfWork, desk: Desk, ids: dict[str, int], dept: dict[str, int]) -> None:
    """Complaints the business and platform departments received themselves (seed 000:3.2.2),
    reaching CS on 10-08 09:00: business had it since 09-29, a working day before the Golden
    Week, so it is late, and customer E's call to CS on 10-03 (R1) counts against business;
    platform had it since 09-30, whose next working day is 10-08 (the holiday), so it is on
    time and customer F's call on 10-04 (R2) counts against nobody."""
    for name, department, since in (("E", "business", date(2026, 9, 29)),
                                    ("F", "platform", date(2026, 9, 30))):  # fmt: skip
        customer = m.Customer(name=f"客户{name}", created_at=at(1, 9, month=9),
                              updated_at=at(1, 9, month=9))  # fmt: skip
        uow.session.add(customer)
        uow.session.flush()
        ids[f"R{name}"] = _ticket(uow, desk, at(3 if name == "E" else 4, 9), customer=customer.id)
        ids[f"F{name}"] = _ticket(uow, desk, at(8, 9), customer=customer.id)
        uow.session.add(
            m.ComplaintRecord(
                ticket_id=ids[f"F{name}"],
                forwarded_by_department_id=dept[department],
                received_by_department_on=since,
                our_received_at=at(8, 9),
                created_at=at(8, 9),
                updated_at=at(8, 9),
            )
        )


def test_the_departments_stated_times_against_the_actual(database: Database, desk: Desk) -> None:
    ids = _seed_legs(database, desk)
    with UnitOfWork(database) as uow:
        week = period_figures(uow, lead(desk), PeriodQuery(GOLDEN_WEEK), NOW)
        technical = figure_records(
            uow, lead(desk), FigureRecords(Figure.LEG_PLANS, GOLDEN_WEEK, key="technical"), NOW
        )
        every = figure_records(uow, lead(desk), FigureRecords(Figure.LEG_PLANS, GOLDEN_WEEK), NOW)
    assert week.leg_plans == (
        LegPlans("platform", 1, Share(0, 1), 0, 24.0, None, 0),
        # stated 24, 24, 72 h: median 24; actual 22 and 54 h: nearest rank, 22
        LegPlans("technical", 3, Share(1, 2), 1, 24.0, 22.0, 2),
    )
    assert [(r.subject_id, r.owner, r.state) for r in technical] == [
        (ids["Q3"], "赵磊", "pending"),
        (ids["Q2"], "钱军", "late"),
        (ids["Q1"], "赵磊", "on_time"),
    ]
    assert {r.subject_type for r in technical} == {"ticket"}  # Enter opens the record
    assert technical[1].due_at == at(4, 10) and technical[1].met_at == at(5, 16)
    assert len(every) == 4 and ids["Q0"] not in {r.subject_id for r in every}


def test_complaints_a_late_hand_on_caused(database: Database, desk: Desk) -> None:
    ids = _seed_hand_on(database, desk)
    with UnitOfWork(database) as uow:
        week = period_figures(uow, lead(desk), PeriodQuery(GOLDEN_WEEK), NOW)

        def records(key: str = "", group: str | None = None) -> list[tuple[int, str]]:
            query = FigureRecords(Figure.LATE_HAND_ON, GOLDEN_WEEK, key=key, group=group)
            return [(r.subject_id, r.owner) for r in figure_records(uow, lead(desk), query, NOW)]

        every, platform, nobody = records(), records("platform"), records("platform", "")
        sun, business = records("technical", "孙丽"), records("business")
    assert week.repeat_complaints == 4  # C2, C3, C5, C6: RE and RF are their first at CS
    assert week.complaints == 6
    assert week.late_hand_on == Share(3, 6)  # C2, C3, RE
    assert week.late_hand_on_by_department == (
        Count("technical", 2),
        Count("business", 1),
        Count("platform", 1),
    )
    assert week.late_hand_on_by_person == (
        LateHandOn("technical", "孙丽", 2),  # each time: C2 and C3
        LateHandOn("business", "", 1),  # RE: a forwarded complaint names no person
        LateHandOn("platform", "", 1),  # C3: the leg nobody accepted
    )
    assert every == [(ids["C3"], "孙丽"), (ids["RE"], ""), (ids["C2"], "孙丽")]
    assert platform == nobody == [(ids["C3"], "")]
    assert sun == [(ids["C3"], "孙丽"), (ids["C2"], "孙丽")]
    assert business == [(ids["RE"], "")]


def test_survey_forms_in_by_the_tenth(database: Database, desk: Desk) -> None:
    """Q4's forms fall due on 10-10: in on the 10th itself is on time, on the 12th late; a
    customer filed after the due day is not expected, nor are the desk's two (filed 11-23)."""
    with UnitOfWork(database) as uow:
        customers = []
        for name, created in (("S1", at(1, 9, month=9)), ("S2", at(1, 9, month=9)),
                              ("S3", at(1, 9, month=9)), ("S4", at(1, 9, month=9)),
                              ("S5", at(15, 9))):  # fmt: skip
            row = m.Customer(name=name, created_at=created, updated_at=created)
            uow.session.add(row)
            uow.session.flush()
            customers.append(row.id)
        for customer, year, quarter, received in (
            (customers[0], 2026, 4, at(9, 15)),
            (customers[1], 2026, 4, at(10, 23)),
            (customers[2], 2026, 4, at(12, 9)),
            (customers[3], 2026, 3, at(8, 9, month=7)),  # last quarter's: not this one
            (customers[4], 2026, 4, at(16, 9)),
        ):
            uow.session.add(
                m.SurveyForm(
                    customer_id=customer,
                    department_code="",
                    year=year,
                    quarter=quarter,
                    received_from="营销中心 赵磊",
                    submitted_at=received,
                    recorded_at=received,
                )
            )
        uow.commit()
    with UnitOfWork(database) as uow:
        october = period_figures(uow, lead(desk), PeriodQuery(OCTOBER), NOW)
        week = period_figures(uow, lead(desk), PeriodQuery(GOLDEN_WEEK), NOW)
        behind = figure_records(
            uow, lead(desk), FigureRecords(Figure.SURVEY_FORMS, OCTOBER, key="2026Q4"), NOW
        )
        not_due = figure_records(
            uow, lead(desk), FigureRecords(Figure.SURVEY_FORMS, GOLDEN_WEEK, key="2026Q4"), NOW
        )
    assert october.survey_forms == (SurveyForms(2026, 4, date(2026, 10, 10), Share(2, 4), 1, 1),)
    assert week.survey_forms == ()  # the Golden Week holds no 10th
    assert [(r.subject_id, r.state, r.met_at) for r in behind] == [
        (customers[2], "late", at(12, 9)),
        (customers[3], "missing", None),
    ]
    assert behind[0].subject_type == "customer" and behind[0].due_at == at(11, 0)
    assert not_due == []


def test_the_quarters_a_period_holds_a_due_day_of() -> None:
    rules = CallbackRules()
    assert survey_quarters_due(date(2026, 10, 1), date(2026, 10, 9), rules) == []
    assert survey_quarters_due(date(2026, 10, 10), date(2026, 10, 10), rules) == [(2026, 4)]
    assert survey_quarters_due(date(2026, 3, 1), date(2027, 1, 31), rules) == [
        (2026, 2),
        (2026, 3),
        (2026, 4),
        (2027, 1),
    ]


def _seed_orders(database: Database, desk: Desk) -> dict[str, int]:
    """O1 paid 10-01 00:30 local (09-30 in UTC: in the week), O2, O3 and O5 paid in the week,
    O4 paid on 09-25 and returned, the difference refunded, in the week; O2 exchanged; O5
    refunded before shipping (void); O3 negotiated only on 10-08; O6 never paid."""
    zone = SH
    with UnitOfWork(database) as uow:
        store = uow.handover

        def order(number: str, paid: str = "") -> int:
            fields = {"number": number, "shop": "按摩器旗舰店", "paid_at": paid}
            return store.add_order(fields, desk.agent, at(1, 0, 10), zone)

        ids = {
            "O1": order("O1", "2026-10-01 00:30"),
            "O2": order("O2", "2026-10-02 10:00"),
            "O3": order("O3", "2026-10-03 10:00"),
            "O4": order("O4", "2026-09-25 10:00"),
            "O5": order("O5", "2026-10-05 10:00"),
            "O6": order("O6"),
        }
        for name, step, when in (
            ("O4", "negotiate", at(2, 9)),
            ("O4", "return", at(3, 9)),
            ("O4", "refund_difference", at(4, 9)),
            ("O2", "negotiate", at(4, 9)),
            ("O2", "exchange", at(5, 9)),
            ("O3", "negotiate", at(8, 9)),
        ):
            store.record_return_step(ids[name], step, "同意", desk.agent, when)
        store.void_order(ids["O5"], True, "已退 199 元", desk.colleague, at(6, 9))
        uow.commit()
    return ids


def test_returns_and_refunds_against_the_orders_paid(database: Database, desk: Desk) -> None:
    ids = _seed_orders(database, desk)
    with UnitOfWork(database) as uow:
        week = period_figures(uow, lead(desk), PeriodQuery(GOLDEN_WEEK), NOW)

        def records(figure: Figure, key: str = "") -> list[tuple[int, str]]:
            query = FigureRecords(figure, GOLDEN_WEEK, key=key)
            return [(r.subject_id, r.state) for r in figure_records(uow, lead(desk), query, NOW)]

        paid = records(Figure.ORDERS_PAID)
        returns, exchanges = records(Figure.RETURNS), records(Figure.RETURNS, "exchange")
        refunds = records(Figure.REFUNDS)
    money = week.returns_refunds
    assert money == ReturnsRefunds(
        orders_paid=4, returns=1, exchanges=1, refunds=2, voids=1, refund_differences=1
    )
    assert money.return_rate == Share(1, 4) and money.refund_rate == Share(2, 4)
    assert sorted(i for i, _ in paid) == sorted(ids[n] for n in ("O1", "O2", "O3", "O5"))
    assert dict(paid)[ids["O5"]] == "order.void"
    assert returns == [(ids["O4"], "order.return")]
    assert exchanges == [(ids["O2"], "order.exchange")]
    assert refunds == [(ids["O5"], "order.void_refund"), (ids["O4"], "order.refund_difference")]


def test_a_quiet_period_has_no_data_for_any_of_them(database: Database, desk: Desk) -> None:
    _seed_legs(database, desk)
    _seed_hand_on(database, desk)
    _seed_orders(database, desk)
    with UnitOfWork(database) as uow:
        quiet = period_figures(uow, lead(desk), PeriodQuery(QUIET), NOW)
        none = figure_records(uow, lead(desk), FigureRecords(Figure.LATE_HAND_ON, QUIET), NOW)
    assert quiet.leg_plans == () and quiet.survey_forms == ()
    assert quiet.late_hand_on == Share(0, 0) and quiet.late_hand_on.value is None
    assert quiet.late_hand_on_by_department == () and quiet.late_hand_on_by_person == ()
    money = quiet.returns_refunds
    assert money == ReturnsRefunds(0, 0, 0, 0, 0, 0)
    assert money.return_rate.value is None and money.refund_rate.value is None
    assert none == []
