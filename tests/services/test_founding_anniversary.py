"""A customer's founding anniversary is a special-occasion callback (issue 26, seed
000:2.5.1.2: 特定时期内可作特色回访，如节日、公司成立纪念日), on SQLite and PostgreSQL: the
founding date is on the customer's profile, and generation calls the customer the occasion's
lead time before the anniversary, as it does before a holiday."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.callbacks import CallbackRules, OccasionFacts, parse_occasion, plan_occasions
from deskui.domain.model import CallbackPurpose, Role
from deskui.services.actor import Actor
from deskui.services.callbacks import GenerateCallbacks, generate_callbacks
from deskui.services.profiles import (
    CustomerDetail,
    CustomerDraft,
    CustomerQuery,
    SaveCustomer,
    customer_detail,
    save_customer,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")


def _file(database: Database, agent: Actor, draft: CustomerDraft) -> int:
    with UnitOfWork(database) as uow:
        saved = save_customer(uow, agent, SaveCustomer(draft), FIXED_NOW)
    assert saved.ok, saved.problems
    assert saved.result.id is not None
    return saved.result.id


def _detail(uow: UnitOfWork, actor: Actor, customer_id: int) -> CustomerDetail:
    detail = customer_detail(uow, actor, CustomerQuery(customer_id), FIXED_NOW)
    assert detail is not None
    return detail


def _founding_callbacks(database: Database) -> list[tuple[int | None, str, datetime]]:
    with UnitOfWork(database) as uow:
        rows = uow.session.execute(
            select(m.Callback.customer_id, m.Callback.occasion, m.Callback.due_at)
            .where(m.Callback.occasion.like("founding:%"))
            .order_by(m.Callback.id)
        ).all()
    return [(customer, occasion, due) for customer, occasion, due in rows]


def test_a_customer_founded_on_a_date_is_called_before_its_anniversary_and_none_without(
    database: Database, desk: Desk
) -> None:
    """Founded 2010-12-03: generating on Monday 2026-11-23 plans one callback for the 16th
    anniversary, due the site's occasion lead (3 days) before it at 09:30, the customer's
    agent's; a customer with no founding date gets none, and generating again adds none."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    founded = _file(database, agent, CustomerDraft("杭州云帆科技有限公司", founded_on="2010-12-03"))
    plain = _file(database, agent, CustomerDraft("宁波海曙商贸"))
    calendar = BusinessCalendar()
    with UnitOfWork(database) as uow:
        assert _detail(uow, agent, founded).founded_on == date(2010, 12, 3)
        lead = uow.rules.callbacks.occasion_lead
        generate_callbacks(uow, agent, GenerateCallbacks(calendar), FIXED_NOW)
    (callback,) = _founding_callbacks(database)
    expected = datetime.combine(date(2026, 12, 3), time(9, 30), tzinfo=SH) - lead
    assert callback == (founded, "founding:2026-12-03", expected)
    assert plain not in {customer for customer, _, _ in _founding_callbacks(database)}
    with UnitOfWork(database) as uow:
        purpose, agent_id = uow.session.execute(
            select(m.Callback.purpose, m.Callback.agent_id).where(
                m.Callback.occasion == "founding:2026-12-03"
            )
        ).one()
        assert purpose == CallbackPurpose.SPECIAL_OCCASION
        assert agent_id is not None
        generate_callbacks(uow, agent, GenerateCallbacks(calendar), FIXED_NOW)
    assert len(_founding_callbacks(database)) == 1


def test_a_founding_date_after_today_is_refused_and_an_edit_without_it_keeps_it(
    database: Database, desk: Desk
) -> None:
    """Tried as an attacker: a company founded tomorrow (by the desk's clock) or on a date
    that is no date is refused beside the field, nothing filed; an edit that does not carry
    the founding date (an import, an older form) keeps it, "" clears it."""
    agent = Actor(desk.agent, "王芳", Role.AGENT, "north")
    with UnitOfWork(database) as uow:
        for typed, key in (
            ("2026-11-24", "profiles.problem.founded_later"),
            ("9999-12-31", "profiles.problem.founded_later"),
            ("2026-02-30", "profiles.problem.bad_date"),
            ("[b]昨天[/b]", "profiles.problem.bad_date"),
        ):
            saved = save_customer(
                uow, agent, SaveCustomer(CustomerDraft("未来公司", founded_on=typed)), FIXED_NOW
            )
            assert [(p.field, p.key) for p in saved.problems] == [("founded_on", key)], typed
        assert (
            uow.session.scalar(select(m.Customer.id).where(m.Customer.name == "未来公司")) is None
        )
    today = _file(database, agent, CustomerDraft("今日公司", founded_on="2026-11-23"))
    with UnitOfWork(database) as uow:
        detail = _detail(uow, agent, today)
        kept = CustomerDraft("今日公司（改名）", id=today, version=detail.version)
        assert save_customer(uow, agent, SaveCustomer(kept), FIXED_NOW).ok
    with UnitOfWork(database) as uow:
        detail = _detail(uow, agent, today)
        assert detail.founded_on == date(2026, 11, 23)
        cleared = CustomerDraft(detail.name, founded_on="", id=today, version=detail.version)
        assert save_customer(uow, agent, SaveCustomer(cleared), FIXED_NOW).ok
    with UnitOfWork(database) as uow:
        assert _detail(uow, agent, today).founded_on is None


def test_the_anniversary_is_planned_like_the_holidays_inside_the_horizon_only() -> None:
    """The domain's plan: the founding anniversary inside the horizon, due the lead time
    before it; none for a company founded this year (no anniversary yet), none past the
    horizon, none without a date; a founding on 29 February is called on 1 March."""
    rules = CallbackRules()
    calendar = BusinessCalendar()

    def founding(founded: date | None, now: datetime = FIXED_NOW) -> list[str]:
        facts = [OccasionFacts(1, 7, None, (), founded)]
        plans = plan_occasions(facts, now, rules, calendar, 7)
        return [p.occasion for p in plans if p.occasion.startswith("founding:")]

    assert founding(date(2010, 12, 3)) == ["founding:2026-12-03"]
    assert founding(None) == []
    assert founding(date(2026, 1, 5)) == []  # founded this year: no anniversary yet
    assert founding(date(2010, 12, 20)) == []  # past the 14 days generation looks ahead
    leap = datetime(2027, 2, 20, 9, 0, tzinfo=SH)
    assert founding(date(2012, 2, 29), leap) == ["founding:2027-03-01"]
    (plan,) = [
        p
        for p in plan_occasions(
            [OccasionFacts(1, 7, None, (), date(2010, 12, 3))], FIXED_NOW, rules, calendar, 7
        )
        if p.occasion.startswith("founding:")
    ]
    assert plan.due_at == datetime(2026, 11, 30, 9, 30, tzinfo=SH)
    occasion = parse_occasion(plan.occasion)
    assert occasion is not None and (occasion.kind, occasion.day) == ("founding", date(2026, 12, 3))


def test_the_founding_anniversary_is_said_in_the_queue_the_script_and_the_export() -> None:
    """The queue names it apart from the cooperation's anniversary, the script says it in
    值此{occasion}之际, and `export --words` says it as the queue does (no code left)."""
    from deskui import i18n
    from deskui.cli.export import table_in_words
    from deskui.screens.occasion_words import occasion_label, occasion_said

    i18n.set_locale("zh-CN")
    try:
        assert occasion_label("founding:2026-12-03") == "公司成立纪念日 12-03"
        assert occasion_label("anniversary:2026-12-03") == "合作纪念日 12-03"
        assert occasion_said("founding:2026-12-03") == "贵公司成立纪念日"
        (row,) = table_in_words("callbacks", (["occasion"], [["founding:2026-12-03"]]))[1]
        assert row == ["公司成立纪念日 12-03"]
        i18n.set_locale("en")
        assert occasion_label("founding:2026-12-03") == "Founding anniversary 12-03"
    finally:
        i18n.set_locale(i18n.DEFAULT_LOCALE)
