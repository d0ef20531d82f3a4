"""The rest of issue 6 on SQLite and PostgreSQL: the sales head's confirmation, due callbacks
the agent has not seen, survey forms per customer, promotion periods as occasions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.callback_store import CALLBACK_EXPORT_HEADERS, CallbackScope
from deskui.data.database import Database
from deskui.data.export import build_table
from deskui.data.profile_records import CustomerDraft
from deskui.data.survey_store import SURVEY_EXPORT_HEADERS, SurveyError
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.callbacks import CallbackRules, survey_quarter
from deskui.domain.model import CallbackPurpose, SubjectType
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()
DUE = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def _callback(uow: UnitOfWork, desk: Desk, purpose: str = "routine", **kwargs: object) -> int:
    return uow.callbacks.add_callback(
        desk.customer, purpose, FIXED_NOW, FIXED_NOW, CAL,
        agent_id=desk.agent, due_at=DUE, **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


def _flag(uow: UnitOfWork, customer_id: int, on: bool = True) -> None:
    uow.session.get_one(m.Customer, customer_id).needs_sales_confirmation = on


# -- the sales head's confirmation -------------------------------------------------------------


def test_a_flagged_customers_callbacks_wait_for_the_sales_head(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        _flag(uow, desk.customer)
        cid = _callback(uow, desk)
        uow.commit()
    with UnitOfWork(database) as uow:
        (row,) = uow.callbacks.callback_rows(CallbackScope(agent_id=desk.agent), 0, 10)
        assert row.confirmation == "needed"
        detail = uow.callbacks.callback_detail(cid)
        assert detail.confirmation == "needed" and not detail.may_start
        uow.callbacks.record_sales_confirmation(
            cid, desk.agent, FIXED_NOW, sales_head="营销中心 赵磊", confirmed=True, note="可以回访"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = uow.callbacks.callback_detail(cid)
        assert detail.confirmation == "confirmed" and detail.may_start
        assert detail.sales_head == "营销中心 赵磊"
        events = uow.callbacks.callback_events(cid)
        at, action, who, info = events[-1]
        assert (action, who) == ("sales_confirmed", "王芳")
        assert at == FIXED_NOW
        assert info == {"sales_head": "营销中心 赵磊", "confirmed": True, "note": "可以回访"}


def test_a_purpose_the_site_lists_needs_it_too(database: Database, desk: Desk) -> None:
    rules = CallbackRules(confirm_purposes=frozenset({"new_product"}))
    with UnitOfWork(database) as uow:
        routine = _callback(uow, desk)
        product = _callback(uow, desk, CallbackPurpose.NEW_PRODUCT)
        uow.commit()
    with UnitOfWork(database) as uow:
        rows = uow.callbacks.callback_rows(CallbackScope(agent_id=desk.agent), 0, 10, rules)
        assert {r.callback_id: r.confirmation for r in rows} == {
            routine: "not_needed",
            product: "needed",
        }
        assert uow.callbacks.callback_detail(product, rules).confirmation == "needed"
        assert uow.callbacks.callback_detail(product).confirmation == "not_needed"  # defaults


def test_the_sales_head_says_not_now_and_the_callback_is_postponed(
    database: Database, desk: Desk
) -> None:
    later = datetime(2026, 11, 26, 15, 0, tzinfo=SH)
    with UnitOfWork(database) as uow:
        _flag(uow, desk.customer)
        cid = _callback(uow, desk)
        # a "no" without its reason, an answer naming no sales head: the callback's life's
        # refusals, at the service (test_callback_service)
        uow.callbacks.record_sales_confirmation(
            cid, desk.agent, FIXED_NOW, sales_head="赵磊", confirmed=False,
            note="客户在谈续约，周四再联系", postpone_to=later,
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = uow.callbacks.callback_detail(cid)
        assert detail.confirmation == "declined" and not detail.may_start
        assert detail.due_at == later and detail.moved_reason == "sales_declined"
        assert detail.sales_note == "客户在谈续约，周四再联系"
        deadline = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.subject_type == SubjectType.CALLBACK, m.Deadline.subject_id == cid
            )
        ).one()
        assert deadline.due_at == later  # the countdown follows
        actions = [e[1] for e in uow.callbacks.callback_events(cid)]
        assert actions[-2:] == ["sales_declined", "postponed"]
        # the next callback for this customer starts with the same sales head
        other = _callback(uow, desk)
        assert uow.callbacks.callback_detail(other).sales_head == "赵磊"


def test_confirmation_is_exported(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        _flag(uow, desk.customer)
        cid = _callback(uow, desk)
        uow.callbacks.record_sales_confirmation(
            cid, desk.agent, FIXED_NOW, sales_head="赵磊", confirmed=True, note="同意"
        )
        uow.commit()
    with UnitOfWork(database) as uow:
        headers, rows = build_table("callbacks", uow, "Asia/Shanghai")
    assert headers == CALLBACK_EXPORT_HEADERS
    row = dict(zip(headers, rows[0], strict=True))
    assert row["sales_head"] == "赵磊"
    assert row["sales_confirmed"] == "yes"
    assert row["sales_confirmed_at"] == "2026-11-23T09:00+08:00"
    assert row["sales_confirmed_by"] == "王芳"
    assert row["sales_note"] == "同意"


def test_the_customer_flag_is_saved_from_the_profile(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow:
        detail = uow.profiles.customer_detail(desk.customer)
        assert detail is not None and not detail.needs_sales_confirmation
        draft = CustomerDraft(
            name=detail.name, phone="+862155550101", unit_number=detail.unit_number,
            id=detail.id, version=detail.version, needs_sales_confirmation=True,
        )  # fmt: skip
        assert uow.profiles.save_customer(draft, desk.agent, FIXED_NOW).ok
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = uow.profiles.customer_detail(desk.customer)
        assert detail is not None and detail.needs_sales_confirmation
        # an edit that does not carry the flag keeps it
        keep = CustomerDraft(
            name="上海星辰电子有限公司", phone="+862155550101", id=detail.id,
            version=detail.version,
        )  # fmt: skip
        assert uow.profiles.save_customer(keep, desk.agent, FIXED_NOW).ok
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = uow.profiles.customer_detail(desk.customer)
        assert detail is not None and detail.needs_sales_confirmation


# -- due callbacks the agent has not seen ------------------------------------------------------


def test_newly_due_callbacks_count_until_the_queue_is_opened(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        first = _callback(uow, desk)
        uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL, agent_id=desk.agent,
            due_at=DUE + timedelta(hours=1),
        )  # fmt: skip
        uow.callbacks.add_callback(
            desk.other_customer, "routine", FIXED_NOW, FIXED_NOW, CAL,
            agent_id=desk.colleague, due_at=DUE,
        )  # fmt: skip
        uow.commit()
    ten_past_ten = DUE + timedelta(minutes=10)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.newly_due_count(desk.agent, FIXED_NOW) == 0  # nothing due yet
        assert uow.callbacks.newly_due_count(desk.agent, ten_past_ten) == 1
        uow.callbacks.mark_callbacks_seen(desk.agent, ten_past_ten)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callbacks_seen_at(desk.agent) == ten_past_ten
        assert uow.callbacks.newly_due_count(desk.agent, ten_past_ten) == 0
        # the second one falls due at eleven: the desk says so again
        assert uow.callbacks.newly_due_count(desk.agent, DUE + timedelta(hours=1)) == 1
        # moved to the shared queue, it is still the agent's own
        assert uow.callbacks.share_overdue(DUE + timedelta(hours=2)) != []
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.callbacks.newly_due_count(desk.agent, DUE + timedelta(hours=2)) == 1
        # done callbacks no longer count
        uow.callbacks.record_callback(
            first, desk.agent, ten_past_ten, {"satisfaction": "satisfied"}
        )
        uow.callbacks.mark_callbacks_seen(desk.agent, DUE + timedelta(hours=2))
        uow.callbacks.mark_callbacks_seen(desk.agent, DUE + timedelta(hours=3))  # one row per agent
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callbacks_seen_at(desk.agent) == DUE + timedelta(hours=3)
        assert uow.session.scalars(select(m.CallbackSeen)).all() != []
        assert len(uow.session.scalars(select(m.CallbackSeen)).all()) == 1


# -- survey forms ------------------------------------------------------------------------------


def test_missing_survey_forms_and_recording_one(database: Database, desk: Desk) -> None:
    quarter = survey_quarter(FIXED_NOW, CallbackRules())
    received = datetime(2026, 10, 8, 14, 30, tzinfo=SH)
    with UnitOfWork(database) as uow:
        assert uow.surveys.missing_survey_count(2026, 4) == 2
        rows = uow.surveys.missing_survey_rows(2026, 4, quarter.due_at, quarter.starts_at, 0, 10)
        assert [r.customer_id for r in rows] == [desk.customer, desk.other_customer]
        assert rows[0].due_at == quarter.due_at
        uow.surveys.record_survey(
            desk.customer, 2026, 4, received_from="营销中心 赵磊", received_at=received,
            score=4, note="希望增加培训", agent_id=desk.lead, now=FIXED_NOW,
        )  # fmt: skip
        with pytest.raises(SurveyError) as twice:
            uow.surveys.record_survey(
                desk.customer, 2026, 4, received_from="赵磊", received_at=received,
                score=None, note="", agent_id=desk.lead, now=FIXED_NOW,
            )  # fmt: skip
        assert twice.value.key == "team.survey.error.already"
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.surveys.missing_survey_count(2026, 4) == 1
        assert uow.surveys.missing_survey_count(2027, 1) == 2  # a new quarter, all missing
        rows = uow.surveys.missing_survey_rows(2026, 4, quarter.due_at, quarter.starts_at, 0, 10)
        assert [r.customer_name for r in rows] == ["北京华强传媒有限公司"]
        headers, exported = build_table("surveys", uow, "Asia/Shanghai")
    assert headers == SURVEY_EXPORT_HEADERS
    row = dict(zip(headers, exported[0], strict=True))
    assert row["customer"] == "上海星辰电子有限公司"
    assert (row["year"], row["quarter"], row["score"]) == (2026, 4, 4)
    assert row["received_from"] == "营销中心 赵磊"
    assert row["received_at"] == "2026-10-08T14:30+08:00"
    assert row["received_by"] == "张伟"
    assert row["note"] == "希望增加培训"


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("received_from", " ", "team.survey.error.from_required"),
        ("score", 6, "team.survey.error.bad_score"),
        ("received_at", FIXED_NOW + timedelta(hours=1), "team.survey.error.future"),
    ],
)
def test_a_survey_form_is_checked(
    database: Database, desk: Desk, field: str, value: object, key: str
) -> None:
    facts: dict[str, object] = {
        "received_from": "赵磊",
        "received_at": FIXED_NOW,
        "score": 5,
        "note": "",
        field: value,
    }
    with UnitOfWork(database) as uow, pytest.raises(SurveyError) as error:
        uow.surveys.record_survey(
            desk.customer, 2026, 4, agent_id=desk.lead, now=FIXED_NOW,
            **facts,  # type: ignore[arg-type]
        )  # fmt: skip
    assert error.value.key == key


# -- promotions --------------------------------------------------------------------------------


def test_a_promotion_is_recorded_by_a_lead_and_generated_once(
    database: Database, desk: Desk
) -> None:
    start, end = date(2026, 12, 3), date(2026, 12, 12)
    with UnitOfWork(database) as uow:
        # who may record one, and whether it may be (its dates in order), is the service's
        # to ask (test_callback_service: test_a_promotion_is_a_leads_to_record)
        pid = uow.callbacks.add_promotion(" 双十二 ", start, end, desk.lead, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.callbacks.promotion_count() == 1
        (row,) = uow.callbacks.promotion_rows(0, 10)
        assert (row.id, row.name, row.starts_on, row.created_by) == (pid, "双十二", start, "张伟")
        made = uow.callbacks.generate_occasions(FIXED_NOW, CAL)
        uow.commit()
    with UnitOfWork(database) as uow:
        promos = uow.session.scalars(
            select(m.Callback).where(m.Callback.occasion == f"promotion:{pid}")
        ).all()
        assert made >= 2 and len(promos) == 2  # one per customer
        assert {c.purpose for c in promos} == {"special_occasion"}
        # three days before the first day, 9:30 local
        assert {c.due_at for c in promos} == {datetime(2026, 11, 30, 9, 30, tzinfo=SH)}
        assert uow.callbacks.generate_occasions(FIXED_NOW, CAL) == 0  # not planned twice
