"""Callbacks as services (issue 15), on SQLite and PostgreSQL without Textual: opening the queue
shares the overdue and marks it seen in one commit; a lead's reassigning, promotions and
everyone's queue are refused to an agent by the permission table; a call's outcome commits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.calendar import BusinessCalendar
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.domain.refusal import Invalid
from deskui.i18n import has_key
from deskui.services.actor import Actor, Denied
from deskui.services.callbacks import (
    AddPromotion,
    BookCallback,
    CallbackHistory,
    CallbackPage,
    CallbackScope,
    OpenCallback,
    OpenQueue,
    ReassignCallback,
    RecordCallback,
    RecordSalesConfirmation,
    add_promotion,
    book_callback,
    callback_count,
    callback_history,
    callback_page,
    open_callback,
    open_queue,
    reassign_callback,
    record_callback,
    record_sales_confirmation,
)
from deskui.services.errors import BookingRefused, CallbackError
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()
DUE = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def _callback(database: Database, desk: Desk, due_at: datetime = DUE) -> int:
    with UnitOfWork(database) as uow:
        callback_id = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, CAL, agent_id=desk.agent, due_at=due_at
        )
        uow.commit()
    return callback_id


def _version(database: Database, callback_id: int) -> int:
    """The version a desk opening the callback now would load."""
    with UnitOfWork(database) as uow:
        return uow.callbacks.callback_detail(callback_id).version


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _lead(desk: Desk) -> Actor:
    return Actor(desk.lead, "张伟", Role.LEAD, "north")


def test_opening_the_queue_shares_the_overdue_and_marks_it_seen(
    database: Database, desk: Desk
) -> None:
    callback_id = _callback(database, desk)
    at = DUE + timedelta(minutes=31)  # past the site's 30 minutes
    with UnitOfWork(database) as uow:
        opened = open_queue(uow, _agent(desk), OpenQueue("Asia/Shanghai"), at)
    assert opened.shared == [callback_id]
    assert opened.unseen == 1  # shared, due today, nobody opened it
    with UnitOfWork(database) as uow:  # committed by the service
        assert uow.callbacks.callbacks_seen_at(desk.agent) == at
        assert uow.callbacks.callback_count(CallbackScope(shared=True)) == 1
    with UnitOfWork(database) as uow:
        detail = open_callback(uow, _agent(desk), OpenCallback(callback_id), at)
    assert detail.callback_id == callback_id and detail.shared
    with UnitOfWork(database) as uow:
        assert open_queue(uow, _agent(desk), OpenQueue("Asia/Shanghai"), at).unseen == 0
        assert [e[1] for e in uow.callbacks.callback_events(callback_id)][-1] == "opened"


def test_everyones_queue_is_the_team_view(database: Database, desk: Desk) -> None:
    _callback(database, desk)
    everyone = CallbackScope()
    with UnitOfWork(database) as uow:
        assert callback_count(uow, _agent(desk), CallbackScope(agent_id=desk.agent), DUE) == 1
        assert callback_count(uow, _lead(desk), everyone, DUE) == 1
        assert [
            r.agent_name for r in callback_page(uow, _lead(desk), CallbackPage(everyone, 0, 5), DUE)
        ] == ["王芳"]
        with pytest.raises(Denied) as denied:
            callback_count(uow, _agent(desk), everyone, DUE)
        assert denied.value.action is Action.SEE_TEAM
        with pytest.raises(Denied):  # a colleague's own queue is not one's own
            colleagues = CallbackPage(CallbackScope(agent_id=desk.colleague))
            callback_page(uow, _agent(desk), colleagues, DUE)


def test_a_lead_reassigns_and_an_agent_is_refused(database: Database, desk: Desk) -> None:
    callback_id = _callback(database, desk)
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        command = ReassignCallback(callback_id, desk.colleague, _version(database, callback_id))
        reassign_callback(uow, _agent(desk), command, DUE)
    assert denied.value.action is Action.REASSIGN
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).agent_id == desk.agent
        reassign_callback(uow, _lead(desk), command, DUE)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).agent_id == desk.colleague
        events = {e[1]: e[3] for e in uow.callbacks.callback_events(callback_id)}
        assert events["reassigned"] == {"agent": ["王芳", "李娜"]}  # old -> new by name
        audit = uow.audit.search(action="reassign", limit=10)
        assert [(a.agent_name, a.subject, a.detail) for a in audit] == [
            ("张伟", f"callback {callback_id}", {"from": "王芳", "to": "李娜"})
        ]


def test_a_promotion_is_a_leads_to_record(database: Database, desk: Desk) -> None:
    command = AddPromotion("双十一", date(2026, 11, 11), date(2026, 11, 12))
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        add_promotion(uow, _agent(desk), command, FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.promotion_count() == 0
        promotion_id = add_promotion(
            uow, Actor(desk.manager, "刘洋", Role.MANAGER), command, FIXED_NOW
        )
    with UnitOfWork(database) as uow:
        rows = uow.callbacks.promotion_rows(0, 5)
    assert [(r.id, r.name, r.created_by) for r in rows] == [(promotion_id, "双十一", "刘洋")]
    manager = Actor(desk.manager, "刘洋", Role.MANAGER)
    for invalid, key in (
        (AddPromotion("双十二", date(2026, 12, 12), date(2026, 12, 3)), "ends_before_start"),
        (AddPromotion(" ", date(2026, 12, 3), date(2026, 12, 12)), "name"),
        (AddPromotion("双十二", None, date(2026, 12, 12)), "starts_on"),
    ):
        with UnitOfWork(database) as uow, pytest.raises(CallbackError) as refused:
            add_promotion(uow, manager, invalid, FIXED_NOW)
        assert refused.value.key == f"callbacks.promotion.error.{key}"
    with UnitOfWork(database) as uow:  # refused: nothing saved
        assert uow.callbacks.promotion_count() == 1


def test_a_booked_time_at_lunch_is_refused_and_a_result_commits(
    database: Database, desk: Desk
) -> None:
    callback_id = _callback(database, desk)
    lunch = datetime(2026, 11, 24, 12, 30, tzinfo=SH)
    with UnitOfWork(database) as uow, pytest.raises(BookingRefused) as refused:
        version = _version(database, callback_id)
        command = BookCallback(callback_id, lunch, version, calendar=CAL)
        book_callback(uow, _agent(desk), command, FIXED_NOW)
    assert refused.value.placement.at > lunch
    with UnitOfWork(database) as uow:  # refused: nothing written, the version as it was
        result = record_callback(
            uow,
            _agent(desk),
            RecordCallback(
                callback_id,
                {
                    "convenient": "yes",
                    "feedback": "一般",
                    "satisfaction": "unsatisfied",
                    "issue": "屏幕闪",
                },
                version,
            ),
            FIXED_NOW,
        )
    assert result.follow_up_ticket_id is not None
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).status == "done"
        with pytest.raises(CallbackError):  # done: nothing more to record
            done = RecordCallback(callback_id, {}, _version(database, callback_id))
            record_callback(uow, _agent(desk), done, FIXED_NOW)


def test_the_sales_heads_not_now_postpones_the_callback_out_of_rest_time(
    database: Database, desk: Desk
) -> None:
    callback_id = _callback(database, desk)
    lunch = datetime(2026, 11, 24, 12, 30, tzinfo=SH)
    later = datetime(2026, 11, 24, 15, 0, tzinfo=SH)

    def declined(to: datetime) -> RecordSalesConfirmation:
        return RecordSalesConfirmation(
            callback_id, "营销中心 赵磊", False, _version(database, callback_id), "客户在谈合同",
            to, CAL,
        )  # fmt: skip

    with UnitOfWork(database) as uow, pytest.raises(BookingRefused):
        record_sales_confirmation(uow, _agent(desk), declined(lunch), FIXED_NOW)
    with UnitOfWork(database) as uow:  # refused: nothing written
        assert uow.callbacks.callback_detail(callback_id).sales_head == ""
        record_sales_confirmation(uow, _agent(desk), declined(later), FIXED_NOW)
    with UnitOfWork(database) as uow:
        detail = open_callback(
            uow, _agent(desk), OpenCallback(callback_id, mark_opened=False), FIXED_NOW
        )
        events = [e[1] for e in uow.callbacks.callback_events(callback_id)]
    assert (detail.sales_head, detail.sales_note) == ("营销中心 赵磊", "客户在谈合同")
    assert (detail.due_at, detail.moved_reason) == (later, "sales_declined")
    assert events[-2:] == ["sales_declined", "postponed"]  # and no "opened": not asked for


def test_a_callbacks_history_says_each_move_old_to_new_by_name(
    database: Database, desk: Desk
) -> None:
    """Issue 16: the callback booked to another time, then given to 李娜: its history, newest
    first, says due old -> new and agent 王芳 -> 李娜, who did each and when."""
    callback_id = _callback(database, desk)
    later = DUE + timedelta(days=1)
    with UnitOfWork(database) as uow:
        book = BookCallback(callback_id, later, _version(database, callback_id))
        book_callback(uow, _agent(desk), book, DUE)
    with UnitOfWork(database) as uow:
        command = ReassignCallback(callback_id, desk.colleague, _version(database, callback_id))
        reassign_callback(uow, _lead(desk), command, DUE)
    with UnitOfWork(database) as uow:
        entries = callback_history(uow, _agent(desk), CallbackHistory(callback_id), DUE)
    actions = [e.action for e in entries]
    assert actions[:2] == ["callback_reassigned", "callback_booked"]
    reassigned, booked = entries[0], entries[1]
    assert reassigned.changes == (("agent", "王芳", "李娜"),) and reassigned.agent_name == "张伟"
    ((field, old, new),) = booked.changes
    assert field == "due_at" and booked.agent_name == "王芳"
    assert datetime.fromisoformat(str(new)) == later
    assert old is not None and datetime.fromisoformat(str(old)) < later


# -- issue 24: the service replays the call's script, whoever calls it -------------------------

_WALKED = {"convenient": "yes", "feedback": "很好", "satisfaction": "satisfied"}
_REQUIRED = "callbacks.error.required"
_PICK = "callbacks.call.pick_answer"
INVALID_RESULTS = [
    ({}, "", None, "convenient", _PICK),  # step 1 of 4: the script not walked at all
    ({"convenient": "yes", "satisfaction": "satisfied"}, "", None, "feedback", _REQUIRED),
    ({"convenient": "maybe"}, "", None, "convenient", _PICK),
    ({**_WALKED, "satisfaction": "unsatisfied"}, "", None, "issue", _REQUIRED),
    ({"convenient": "no", "booked_at": "15:00"}, "", None, "booked_at",
     "callbacks.error.result_is_booking"),
    (_WALKED, "客户说这不是我们的责任", None, "notes", "callbacks.error.conduct"),
    (_WALKED, "记" * 4001, None, "notes", "field.too_long"),
    (_WALKED, "", "pigeon", "way", _REQUIRED),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "notes", "way", "field", "key"), INVALID_RESULTS)
def test_a_result_its_script_does_not_reach_is_refused_and_the_callback_stays_open(
    database: Database,
    desk: Desk,
    answers: dict[str, object],
    notes: str,
    way: str | None,
    field: str,
    key: str,
) -> None:
    callback_id = _callback(database, desk)
    command = RecordCallback(callback_id, answers, _version(database, callback_id), notes, way)
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        record_callback(uow, _agent(desk), command, FIXED_NOW)
    assert (refused.value.field, refused.value.key) == (field, key)
    assert has_key(key)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).status != "done"


def test_a_walked_script_saves_and_a_missing_callback_is_refused_by_name(
    database: Database, desk: Desk
) -> None:
    callback_id = _callback(database, desk)
    version = _version(database, callback_id)
    with UnitOfWork(database) as uow:  # English answers' keys are the same script's
        command = RecordCallback(callback_id, _WALKED, version, "", "phone", "en")
        assert record_callback(uow, _agent(desk), command, FIXED_NOW).follow_up_ticket_id is None
    with UnitOfWork(database) as uow, pytest.raises(CallbackError) as missing:
        record_callback(uow, _agent(desk), RecordCallback(callback_id + 99, _WALKED, 1), FIXED_NOW)
    assert missing.value.key == "callbacks.error.missing"


def test_a_callback_given_to_another_agent_is_refused_to_its_former_agent(
    database: Database, desk: Desk
) -> None:
    """Issue 23: the lead gives the callback 王芳 has open to 李娜; her booking, her result and
    her sales head's answer are refused naming 李娜, nothing written; 李娜's result commits."""
    from deskui.services.standing import MovedAway

    callback_id = _callback(database, desk)
    version = _version(database, callback_id)
    with UnitOfWork(database) as uow:
        reassign_callback(
            uow, _lead(desk), ReassignCallback(callback_id, desk.colleague, version), FIXED_NOW
        )
    stale = version
    later = datetime(2026, 11, 24, 15, 0, tzinfo=SH)
    for command, service in (
        (BookCallback(callback_id, later, stale, notes="我的", calendar=CAL), book_callback),
        (RecordCallback(callback_id, {"satisfaction": "satisfied"}, stale), record_callback),
        (RecordSalesConfirmation(callback_id, "陈经理", True, stale), record_sales_confirmation),
    ):
        with UnitOfWork(database) as uow, pytest.raises(MovedAway) as moved:
            service(uow, _agent(desk), command, FIXED_NOW)  # type: ignore[operator]
        assert moved.value.owner == "李娜" and moved.value.by == "张伟"
    with UnitOfWork(database) as uow:
        detail = uow.callbacks.callback_detail(callback_id)
        assert detail.status != "done" and detail.notes != "我的"
    lina = Actor(desk.colleague, "李娜", Role.AGENT, "south")
    with UnitOfWork(database) as uow:
        done = RecordCallback(callback_id, _WALKED, _version(database, callback_id))
        record_callback(uow, lina, done, FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).status == "done"


def test_invalid_bookings_and_results_are_refused_with_the_callbacks_lifes_reason(
    database: Database, desk: Desk
) -> None:
    """Issue 24: the callback's life (domain/callback_life) decides at the service, whoever
    calls it: a booked time already past, a sales head's answer naming nobody or a "no"
    without its reason, and any move of a callback already done are refused by key, nothing
    written; a lead's reassigning of a done callback too."""
    callback_id = _callback(database, desk)
    version = _version(database, callback_id)
    past = BookCallback(callback_id, FIXED_NOW - timedelta(hours=1), version, calendar=CAL)
    nobody = RecordSalesConfirmation(callback_id, " ", True, version)
    no_reason = RecordSalesConfirmation(callback_id, "赵磊", False, version)
    for service, command, key in (
        (book_callback, past, "callbacks.error.booked_past"),
        (record_sales_confirmation, nobody, "callbacks.error.sales_head_required"),
        (record_sales_confirmation, no_reason, "callbacks.error.declined_needs_note"),
    ):
        with UnitOfWork(database) as uow, pytest.raises(CallbackError) as refused:
            service(uow, _agent(desk), command, FIXED_NOW)  # type: ignore[operator]
        assert refused.value.key == key and has_key(key)
    assert _version(database, callback_id) == version  # nothing written
    with UnitOfWork(database) as uow:
        record_callback(uow, _agent(desk), RecordCallback(callback_id, _WALKED, version), DUE)
    done_version = _version(database, callback_id)
    later = datetime(2026, 11, 25, 15, 0, tzinfo=SH)
    for service, command in (
        (record_callback, RecordCallback(callback_id, _WALKED, done_version)),
        (book_callback, BookCallback(callback_id, later, done_version, calendar=CAL)),
        (
            record_sales_confirmation,
            RecordSalesConfirmation(callback_id, "赵磊", True, done_version),
        ),
    ):
        with UnitOfWork(database) as uow, pytest.raises(CallbackError) as done:
            service(uow, _agent(desk), command, DUE)  # type: ignore[operator]
        assert done.value.key == "callbacks.error.already_done"
    with UnitOfWork(database) as uow, pytest.raises(CallbackError) as done:
        reassign = ReassignCallback(callback_id, desk.colleague, done_version)
        reassign_callback(uow, _lead(desk), reassign, DUE)
    assert done.value.key == "callbacks.error.already_done"
    with UnitOfWork(database) as uow:
        detail = uow.callbacks.callback_detail(callback_id)
    assert (detail.status, detail.agent_id, detail.version) == ("done", desk.agent, done_version)


def test_a_booking_at_lunch_or_on_a_sunday_is_refused_with_the_next_slot(
    database: Database, desk: Desk
) -> None:
    """The customer's calling hours are the service's to check (seed 000:2.5.2.1): lunch is
    their rest time, a Sunday is no working day by the stored calendar, and a sales head's
    postponement there is refused too, each with the next slot; that slot books."""
    callback_id = _callback(database, desk)
    version = _version(database, callback_id)
    lunch = datetime(2026, 11, 23, 12, 30, tzinfo=SH)
    with UnitOfWork(database) as uow, pytest.raises(BookingRefused) as refused:
        book_callback(
            uow, _agent(desk), BookCallback(callback_id, lunch, version, calendar=CAL), FIXED_NOW
        )
    assert refused.value.placement.at == datetime(2026, 11, 23, 14, 30, tzinfo=SH)
    assert refused.value.placement.reason == "rest_time"
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=SH)
    with UnitOfWork(database) as uow, pytest.raises(BookingRefused) as refused:
        book_callback(uow, _agent(desk), BookCallback(callback_id, sunday, version), FIXED_NOW)
    assert refused.value.placement.at == datetime(2026, 11, 30, 9, 30, tzinfo=SH)
    with UnitOfWork(database) as uow, pytest.raises(BookingRefused):
        command = RecordSalesConfirmation(
            callback_id, "钱伟", False, version, "客户在外地", postpone_to=sunday
        )
        record_sales_confirmation(uow, _agent(desk), command, FIXED_NOW)
    assert _version(database, callback_id) == version  # refused: nothing written
    monday = refused.value.placement.at
    with UnitOfWork(database) as uow:
        book_callback(uow, _agent(desk), BookCallback(callback_id, monday, version), FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).due_at == monday


@pytest.mark.parametrize(
    ("at", "doubts"),
    [
        (datetime(2026, 12, 25, 10, 0, tzinfo=SH), ("far",)),  # 32 days out
        (datetime(2027, 1, 1, 10, 0, tzinfo=SH), ("far", "unknown_year")),
    ],
)
def test_a_booking_far_out_or_in_a_year_the_calendar_does_not_know_is_kept_once_seen(
    database: Database, desk: Desk, at: datetime, doubts: tuple[str, ...]
) -> None:
    """Issue 26: a booking 32 days out, or on 2027-01-01 (a year chinese_calendar has no
    schedule for: its working days are guessed), was taken without a word. The service says
    why first (BookingDoubted, nothing written), and keeps it once the agent has seen that;
    a sales head's postponement the same."""
    from deskui.services.errors import BookingDoubted

    callback_id = _callback(database, desk)
    version = _version(database, callback_id)
    with UnitOfWork(database) as uow, pytest.raises(BookingDoubted) as doubted:
        book_callback(uow, _agent(desk), BookCallback(callback_id, at, version), FIXED_NOW)
    assert doubted.value.doubts == doubts and doubted.value.at == at
    assert has_key(doubted.value.key)
    postpone = RecordSalesConfirmation(callback_id, "钱伟", False, version, "外地", postpone_to=at)
    with UnitOfWork(database) as uow, pytest.raises(BookingDoubted):
        record_sales_confirmation(uow, _agent(desk), postpone, FIXED_NOW)
    assert _version(database, callback_id) == version  # nothing written
    with UnitOfWork(database) as uow:
        seen = BookCallback(callback_id, at, version, doubts_seen=True)
        book_callback(uow, _agent(desk), seen, FIXED_NOW)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).due_at == at


@pytest.mark.parametrize("target", ["disabled", "unknown"])
def test_a_callback_given_to_a_disabled_or_unknown_account_is_refused(
    database: Database, desk: Desk, target: str
) -> None:
    """Found attacking reassign: a lead gave a callback to a disabled account (nobody would
    call the customer back), where a ticket is refused so (service.missing); nothing moves and
    no audit line is written."""
    from deskui.data.missing import MissingRecord

    callback_id = _callback(database, desk)
    to = 999_999
    if target == "disabled":
        with UnitOfWork(database) as uow:
            uow.accounts.set_active(desk.colleague, False, FIXED_NOW)
            uow.commit()
        to = desk.colleague
    command = ReassignCallback(callback_id, to, _version(database, callback_id))
    with UnitOfWork(database) as uow, pytest.raises(MissingRecord):
        reassign_callback(uow, _lead(desk), command, DUE)
    with UnitOfWork(database) as uow:
        assert uow.callbacks.callback_detail(callback_id).agent_id == desk.agent
        assert uow.audit.search(action="reassign", limit=10) == []


def test_the_call_screen_has_the_number_to_dial_as_the_role_may_see_it(
    database: Database, desk: Desk
) -> None:
    """A callback is a call the agent makes: its detail carries the number to dial (the
    contact's, else the company's), masked for a role the site masks numbers from."""
    callback_id = _callback(database, desk)
    with UnitOfWork(database) as uow:
        detail = open_callback(uow, _agent(desk), OpenCallback(callback_id, False), FIXED_NOW)
    assert detail.phone == "+862155550101"  # the company's: it has no contact
    with UnitOfWork(database) as uow:
        contact = m.Contact(
            customer_id=desk.customer,
            name="陈杰",
            phone_e164="+8613900001111",
            phone_extension="301",
        )
        uow.session.add(contact)
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = open_callback(uow, _agent(desk), OpenCallback(callback_id, False), FIXED_NOW)
    assert (detail.contact_name, detail.phone) == ("陈杰", "+8613900001111转301")
    with UnitOfWork(database) as uow:
        uow.settings.save_settings({"privacy.masked": "department_agent"}, desk.lead, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        masked = open_callback(uow, _agent(desk), OpenCallback(callback_id, False), FIXED_NOW)
        shown = open_callback(uow, _lead(desk), OpenCallback(callback_id, False), FIXED_NOW)
    assert "*" in masked.phone and "13900001111" not in masked.phone
    assert shown.phone == "+8613900001111转301"
