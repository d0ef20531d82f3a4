"""F2 intake driven by keys as an agent would: lookup, card, pick list, new caller, save,
bad input kept, the draft across a restart, closing a question, leads and departments
(database trouble on save: test_pending_saves)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static, TextArea

from deskui.app import DeskApp, make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import TicketRecord
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.domain.phone import format_display
from deskui.domain.search import classify
from deskui.i18n import t
from deskui.screens import intake as intake_module
from deskui.screens.desk import DeskScreen
from deskui.screens.intake import (
    CARD_FOLLOW_UP,
    FAST_ANSWERS_TO_INLINE,
    SLOW_ANSWERS_TO_WORKER,
    IntakeScreen,
)
from deskui.widgets.guarded_text import GuardedText
from deskui.widgets.ready_text import ReadyText
from deskui.widgets.work_list import WorkList
from tests.conftest import make_settings
from tests.screens.desk_pilot import (
    SIZE,
    at_desk,
    known_caller,
    looked_ahead,
    screen_text,
    settle,
)
from tests.screens.key_burst import burst, handled

SWITCHBOARD_TYPED = "01088886666"  # the demo's shared switchboard: two customers


@pytest.fixture(autouse=True)
def _no_change_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's real one-second tick must not poll for changes during these tests: once a
    saved call is seen, deskui/app.py on_desk_app_changes_seen re-posts ChangesSeen to the
    screens, the desk's copy bubbles back to the app (Textual still delivers to the sender
    parent), which re-posts it, forever, and the app hangs. See the report."""
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)


# -- helpers --------------------------------------------------------------------------------


_known_caller = known_caller


def _counting_lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the intake looks up from now on (each lookup's value), as it asks."""
    asked: list[str] = []
    real = intake_module._callers_and_card

    def counted(uow: Any, lookup: Any) -> Any:
        asked.append(lookup.value)
        return real(uow, lookup)

    monkeypatch.setattr("deskui.screens.intake._callers_and_card", counted)
    return asked


def _only_slow_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on every answer is slow, and only the keys ask (no look-ahead)."""
    monkeypatch.setattr("deskui.screens.intake.INLINE_BUDGET", -1.0)
    monkeypatch.setattr("deskui.screens.intake.LOOK_AHEAD_AFTER", 3600.0)


def _tickets(db: Database) -> list[TicketRecord]:
    with UnitOfWork(db) as uow:
        return uow.tickets.tickets()


def _intake(app: DeskApp) -> IntakeScreen:
    assert isinstance(app.screen, IntakeScreen), type(app.screen)
    return app.screen


def _value(app: DeskApp, name: str) -> str:
    return _intake(app).query_one(f"#{name}", Input).value


def _text(app: DeskApp, selector: str) -> str:
    widget = _intake(app).query_one(selector)
    assert isinstance(widget, Static | ReadyText), widget
    return str(widget.render())


async def _open(pilot: Pilot[Any]) -> IntakeScreen:
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    return _intake(pilot.app)  # type: ignore[arg-type]


async def _back_to_desk(pilot: Pilot[Any]) -> DeskScreen:
    """Esc until the desk shows (a handover offered at sign-in may sit on top of it)."""
    for _ in range(4):
        if isinstance(pilot.app.screen, DeskScreen):
            break
        await pilot.press("escape")
        await settle(pilot)
    assert isinstance(pilot.app.screen, DeskScreen), type(pilot.app.screen)
    return pilot.app.screen


async def _type(pilot: Pilot[Any], text: str) -> None:
    """Type into the focused field, one key per character, as an agent would."""
    keys = {" ": "space", "-": "minus", "+": "plus", "[": "left_square_bracket"}
    await pilot.press(*(keys.get(ch, ch) for ch in text))
    await pilot.pause(CARD_FOLLOW_UP * 2)  # the history and contacts follow the card's frame
    await settle(pilot)


async def _focus(pilot: Pilot[Any], name: str) -> None:
    _intake(pilot.app).query_one(f"#{name}").focus()  # type: ignore[arg-type]
    await pilot.pause()


def _history_shown(screen: IntakeScreen) -> list[Any]:
    history = screen.query_one("#history", WorkList)
    assert history.count is not None
    return [history.row_at(i) for i in range(history.count)]


# -- lookup ---------------------------------------------------------------------------------


async def test_f2_opens_intake_with_the_cursor_in_the_phone_field(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        under = app.screen
        screen = await _open(pilot)
        assert app.focused is screen.query_one("#phone", Input)
        assert "来电登记" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is under  # Esc goes back to where F2 was pressed


async def test_a_known_number_shows_the_card_contacts_and_history(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, typed = _known_caller(demo_database)
    with UnitOfWork(demo_database) as uow:
        expected = uow.customers.history_rows(customer.id, 0, 100)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, typed)

        assert screen.query_one("#matches", OptionList).display is False  # no pick list
        card = _text(app, "#card")
        assert customer.name in card
        assert format_display(customer.phone_e164 or "") in card
        for contact in customer.contacts:
            assert contact.name in card
        assert f"负责坐席：{customer.assigned_agent}" in card
        assert "✓ " + format_display(customer.phone_e164 or "") in _text(app, "#phone-hint")
        assert screen.query_one("#new-customer-box").display is False

        shown = _history_shown(screen)
        assert [(r.kind, r.subject_id) for r in shown] == [(r.kind, r.subject_id) for r in expected]
        # the contact select offers the customer's contacts, the first chosen
        contact = screen.query_one("#contact", Select)
        assert contact.value == str(customer.contacts[0].id)
        assert _value(app, "unit") == customer.unit_number
        assert customer.name in screen_text(app)


async def test_lookups_leave_the_ui_thread_only_after_several_slow_answers_in_a_row(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One slow answer (a cold file) keeps the card in the digit's own frame; a run of
    SLOW_ANSWERS_TO_WORKER sends the lookups to a worker, and the card still comes."""
    customer, typed = _known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        _only_slow_keys(monkeypatch)
        await _type(pilot, typed[:4])  # the first lookup (last 4 digits): one slow answer
        assert screen._inline
        await _type(pilot, typed[4 : 4 + SLOW_ANSWERS_TO_WORKER - 1])
        assert not screen._inline  # the run of slow answers: a worker from now on
        await _type(pilot, typed[4 + SLOW_ANSWERS_TO_WORKER - 1 :])
        assert customer.name in _text(app, "#card")


async def test_lookups_come_back_to_the_ui_thread_when_the_worker_answers_fast_again(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold file makes the first answers slow; once it has warmed up (the worker's answers
    are fast again) the card comes back into the digit's own frame."""
    customer, typed = _known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        _only_slow_keys(monkeypatch)
        await _type(pilot, typed[: 3 + SLOW_ANSWERS_TO_WORKER])
        assert not screen._inline
        monkeypatch.setattr("deskui.screens.intake.INLINE_BUDGET", 10.0)  # warm now: all fast
        rest = typed[3 + SLOW_ANSWERS_TO_WORKER :]
        assert len(rest) > FAST_ANSWERS_TO_INLINE
        for digit in rest[:FAST_ANSWERS_TO_INLINE]:
            await _type(pilot, digit)  # one key at a time: each worker answer is read
        assert screen._inline
        await _type(pilot, rest[FAST_ANSWERS_TO_INLINE:])
        assert customer.name in _text(app, "#card")


async def test_a_slow_answer_between_keys_ends_the_look_ahead_until_the_next_key(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look-ahead holds the UI thread for one slow answer at most, and its slow answers
    (a cold file: ten at a time) do not send the keys' own lookups to a worker."""
    customer, typed = _known_caller(demo_database)
    asked = _counting_lookups(monkeypatch)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        monkeypatch.setattr("deskui.screens.intake.INLINE_BUDGET", -1.0)  # every answer slow
        await _type(pilot, typed[:3])  # nothing to look up yet; the next digit's ten are
        await looked_ahead(pilot, screen)
        assert len(asked) == 1  # one slow answer, then it stopped
        assert screen._inline
        await _type(pilot, typed[3:])
        assert screen._inline is False  # the keys' own slow answers still count
        assert customer.name in _text(app, "#card")


async def test_the_digit_that_completes_a_number_shows_the_card_found_ahead(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between keys the intake looks up the ten values the next digit can make, so the key
    that completes the number shows its card without a lookup of its own."""
    customer, typed = _known_caller(demo_database)
    asked = _counting_lookups(monkeypatch)
    # every answer counts as fast: a loaded machine must not stop the look-ahead here
    monkeypatch.setattr("deskui.screens.intake.INLINE_BUDGET", 10.0)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, typed[:-1])
        await looked_ahead(pilot, screen)
        complete = classify(typed).value
        assert complete in asked  # looked up ahead, between the keys
        asked.clear()
        await _type(pilot, typed[-1])
        assert complete not in asked  # ... and not again for the key that typed it
        card = _text(app, "#card")
        assert customer.name in card
        assert f"负责坐席：{customer.assigned_agent}" in card
        assert "✓ " + format_display(customer.phone_e164 or "") in _text(app, "#phone-hint")
        contact = _intake(app).query_one("#contact", Select)
        assert contact.value == str(customer.contacts[0].id)  # what follows the card still does


async def test_the_shared_switchboard_shows_a_pick_list_and_down_enter_picks(
    demo_database: Database, clock: FixedClock
) -> None:
    with UnitOfWork(demo_database) as uow:
        on_it = uow.customers.find_callers(classify(SWITCHBOARD_TYPED))
    assert len(on_it) == 2
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, SWITCHBOARD_TYPED)

        matches = screen.query_one("#matches", OptionList)
        assert matches.display is True
        assert matches.option_count == 2
        assert "找到 2 位客户" in _text(app, "#card")
        text = screen_text(app)
        assert on_it[0].name in text and on_it[1].name in text

        await pilot.press("down", "enter")
        await settle(pilot)
        assert matches.display is False
        card = _text(app, "#card")
        picked = [c for c in on_it if c.name in card]
        assert len(picked) == 1
        assert screen.query_one("#new-customer-box").display is False


async def test_an_unknown_number_offers_the_new_customer_field(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, "13900009999")
        assert screen.query_one("#new-customer-box").display is True
        assert "未找到客户" in _text(app, "#card")
        assert screen.query_one("#matches", OptionList).display is False


# -- saving ---------------------------------------------------------------------------------


async def test_a_new_caller_becomes_customer_and_ticket_and_its_countdown_is_on_the_desk(
    demo_database: Database, clock: FixedClock
) -> None:
    before = len(_tickets(demo_database))
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, "13900009999")
        assert screen.query_one("#new-customer-box").display is True
        screen.query_one("#new_customer", Input).value = "成都瑞丰服饰专卖店"
        screen.query_one("#new_contact", Input).value = "赵敏"
        await _focus(pilot, "words")
        screen.query_one("#words", TextArea).text = "想了解新款媒体机的价格"
        await pilot.press("ctrl+s")
        await settle(pilot)

        tickets = _tickets(demo_database)
        assert len(tickets) == before + 1
        ticket = tickets[-1]
        assert ticket.customer_name == "成都瑞丰服饰专卖店"
        assert ticket.contact_name == "赵敏"
        assert ticket.owner_name == "王芳"
        assert ticket.kind == "question" and ticket.category == "product_enquiry"
        assert ticket.department_code == "business"  # proposed by routing
        assert ticket.first_contact_due == clock.now() + timedelta(hours=24)
        assert ticket.customer_words == "想了解新款媒体机的价格"
        # the form is cleared for the next call
        assert _value(app, "phone") == ""
        assert screen.query_one("#words", TextArea).text == ""
        assert app.focused is screen.query_one("#phone", Input)
        text = screen_text(app)  # the card waits for the next number, says no "not found"
        assert "输入号码后显示客户资料" in text and "未找到客户" not in text

        desk = await _back_to_desk(pilot)
        # "r" reloads the desk (the change poll is off here, see _no_change_poll)
        await pilot.press("r")
        await settle(pilot)
        work = desk.query_one("#work", WorkList)
        rows = [work.row_at(i) for i in range(work.count or 0)]
        mine = [r for r in rows if r.subject_type == "ticket" and r.subject_id == ticket.id]
        # routing lands (issue 26): the business department's accept countdown beside it
        assert [(r.kind, r.owner_name, r.customer_name) for r in mine] == [
            ("department_leg", "王芳", "成都瑞丰服饰专卖店"),
            ("first_contact", "王芳", "成都瑞丰服饰专卖店"),
        ]
        assert mine[1].due_at == clock.now() + timedelta(hours=24)
        work.move_cursor(rows.index(mine[1]))
        await settle(pilot)
        detail = str(desk.query_one("#work-detail", Static).render())
        assert "成都瑞丰服饰专卖店" in detail
        assert "2026-11-24 09:00" in detail  # the countdown's deadline, Shanghai time


async def test_saving_without_the_customers_words_explains_and_keeps_everything(
    demo_database: Database, clock: FixedClock
) -> None:
    before = len(_tickets(demo_database))
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, "13900009999")
        screen.query_one("#new_customer", Input).value = "成都瑞丰服饰专卖店"
        await _focus(pilot, "expectation")
        await _type(pilot, "call back today")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert len(_tickets(demo_database)) == before  # nothing saved
        assert _text(app, "#err-words") == "请记录客户原话"
        assert _text(app, "#err-new_customer") == ""  # only the field that is wrong
        assert app.focused is screen.query_one("#words", TextArea)
        assert "请记录客户原话" in screen_text(app)
        assert _value(app, "phone") == "13900009999"
        assert _value(app, "new_customer") == "成都瑞丰服饰专卖店"
        assert _value(app, "expectation") == "call back today"

        # typing the words and saving again works, and the error goes
        await _type(pilot, "help")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(_tickets(demo_database)) == before + 1
        assert _text(app, "#err-words") == ""


async def test_a_long_paste_and_a_bad_phone_are_explained_next_to_their_fields(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, "138123456789")  # one digit too many
        screen.query_one("#new_customer", Input).value = "成都瑞丰服饰专卖店"
        pasted = "投诉内容" * 1250  # 5,000 characters
        screen.query_one("#words", TextArea).text = pasted
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _text(app, "#err-phone") == "号码位数过多，请核对"
        assert screen.query_one("#err-phone").display
        assert "号码位数过多，请核对" in screen_text(app)  # on the terminal, not only set
        assert "最多 4000 字，现在 5000 字" in _text(app, "#err-words")
        assert screen.query_one("#words", TextArea).text == pasted  # nothing lost
        assert app.focused is screen.query_one("#phone", Input)  # the first problem


async def test_markup_and_terminal_escapes_are_stored_literally(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, "13900009999")
        await _focus(pilot, "new_customer")
        await _type(pilot, "[red]x[/]")  # typed key by key, "[" included
        assert _value(app, "new_customer") == "[red]x[/]"
        screen.query_one("#words", TextArea).text = "\x1b[31m红色\x1b[0m [b]粗[/b]"
        screen.query_one("#expectation", Input).value = "[link=http://x]点[/link]"
        await pilot.press("ctrl+s")
        await settle(pilot)

        ticket = _tickets(demo_database)[-1]
        assert ticket.customer_name == "[red]x[/]"
        assert ticket.customer_words == "\x1b[31m红色\x1b[0m [b]粗[/b]"
        assert ticket.expectation == "[link=http://x]点[/link]"

        # and the card paints the name literally the next time that number calls
        await _type(pilot, "13900009999")
        assert "[red]x[/]" in _text(app, "#card")
        assert "[red]x[/]" in screen_text(app)


async def test_the_draft_survives_the_app_going_away(
    demo_database: Database, clock: FixedClock
) -> None:
    settings = make_settings(demo_database)
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, "13900009999")
        screen.query_one("#new_customer", Input).value = "成都瑞丰服饰专卖店"
        await _focus(pilot, "words")
        await _type(pilot, "screen is black")
        await pilot.pause(0.7)  # past the half-second pause that saves the draft
        await settle(pilot)
    # the app is gone, as if the machine died; a new one starts on the same database
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        assert _value(again, "phone") == "13900009999"
        assert _value(again, "new_customer") == "成都瑞丰服饰专卖店"
        assert screen.query_one("#words", TextArea).text == "screen is black"
        # once saved, the draft is gone
        await pilot.press("ctrl+s")
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            agent = next(a for a in uow.agents.agents() if a.name == "王芳")
            assert uow.drafts.load_draft(agent.id, "intake") is None


async def test_ctrl_d_answers_and_closes_a_question(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, typed = _known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, typed)
        assert customer.name in _text(app, "#card")
        screen.query_one("#words", TextArea).text = "停车卡丢了怎么补办"
        await pilot.press("ctrl+d")  # no answer yet
        await settle(pilot)
        assert _text(app, "#err-answer") == "当场结案需要填写答复内容"
        # what is said to the customer is held to the rules of conduct (seed 000:3.2.1.2)
        await _focus(pilot, "answer")
        await _type(pilot, "这个我不知道")
        advice = str(screen.query_one("#answer .guarded-text--advice", Static).render())
        assert "“不知道”" in advice
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert "答复里有不当措辞：不知道" in _text(app, "#err-answer")
        assert _tickets(demo_database)[-1].customer_words != "停车卡丢了怎么补办"
        with UnitOfWork(demo_database) as uow:  # kept for the lead's coaching (issue 17)
            (hit,) = uow.audit.search(action="guardrail")
        assert (hit.agent_name, hit.subject, hit.detail) == (
            "王芳",
            "intake.answer",
            {"phrases": ["不知道"]},
        )
        screen.query_one("#answer", GuardedText).text = "带身份证到物业前台补办"
        await pilot.press("ctrl+d")
        await settle(pilot)

        ticket = _tickets(demo_database)[-1]
        assert ticket.customer_id == customer.id
        assert ticket.status == "closed"
        assert ticket.closed_at == clock.now()
        assert ticket.owner_name == "王芳"
        with UnitOfWork(demo_database) as uow:
            answer = uow.session.get_one(m.Ticket, ticket.id).answer
            open_deadlines = uow.session.scalars(
                select(m.Deadline).where(
                    m.Deadline.subject_type == "ticket",
                    m.Deadline.subject_id == ticket.id,
                    m.Deadline.met_at.is_(None),
                )
            ).all()
        assert answer == "带身份证到物业前台补办"
        assert open_deadlines == []


async def test_a_caller_found_by_last_digits_can_be_saved(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, typed = _known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        with UnitOfWork(demo_database) as uow:
            ending = next(
                typed[-n:]
                for n in range(4, len(typed))
                if len(uow.customers.find_callers(classify(typed[-n:]))) == 1
            )
        await _type(pilot, ending)
        assert customer.name in _text(app, "#card")
        screen.query_one("#words", TextArea).text = "后台导出报表一直转圈"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _text(app, "#err-phone") == ""
        ticket = _tickets(demo_database)[-1]
        assert ticket.customer_id == customer.id
        assert ticket.customer_words == "后台导出报表一直转圈"


@pytest.mark.parametrize(("agent", "disabled"), [("王芳", True), ("张伟", False)])
async def test_only_a_lead_can_change_the_proposed_department(
    demo_database: Database, clock: FixedClock, agent: str, disabled: bool
) -> None:
    app = make_app(make_settings(demo_database, agent=agent), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        department = screen.query_one("#department", Select)
        assert department.disabled is disabled
        assert department.value == "business"  # product enquiry, proposed by routing
        if disabled:
            return
        await _type(pilot, "13900009999")
        screen.query_one("#new_customer", Input).value = "成都瑞丰服饰专卖店"
        screen.query_one("#words", TextArea).text = "想了解价格"
        department.focus()
        await pilot.pause()
        department.value = "technical"  # the lead's choice
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        ticket = _tickets(demo_database)[-1]
        assert ticket.department_code == "technical"
        assert ticket.owner_name == "张伟"


async def test_a_department_forced_into_an_agents_form_is_refused_by_the_service(
    demo_database: Database, clock: FixedClock
) -> None:
    """Issue 24: the select is disabled for an agent, but the service decides: a value set
    behind the form's back (as a script driving the desk would) is refused with the rule's
    words, nothing saved, the words kept."""
    app = make_app(make_settings(demo_database, agent="王芳"), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        before = len(_tickets(demo_database))
        await _type(pilot, "13900009999")
        screen.query_one("#new_customer", Input).value = "成都瑞丰服饰专卖店"
        screen.query_one("#words", TextArea).text = "想了解价格"
        department = screen.query_one("#department", Select)
        assert department.disabled
        department.value = "technical"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        notices = [str(n.message) for n in app._notifications]
        assert "部门由分派规则提出；改派到其他部门需要组长" in notices
        assert len(_tickets(demo_database)) == before
        assert screen.query_one("#words", TextArea).text == "想了解价格"


async def test_callbacks_in_the_callers_history_say_their_purpose_in_words(
    demo_database: Database, clock: FixedClock
) -> None:
    """北京新元餐饮店 (the demo's angry caller) has a routine and an after-complaint callback."""
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await _type(pilot, "13957845401")
        text = screen_text(app)
        assert "北京新元餐饮店" in text
        assert "routine" not in text and "after_complaint" not in text
        assert "常规回访" in text


async def test_a_complaint_forwarded_by_a_department_shows_its_delay_when_opened(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 000:3.2.2-3.2.3: intake asks which department and since when, only for that
    channel; the complaint then says how late it reached us."""
    from deskui.screens.complaint import ComplaintScreen

    _, typed = _known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        assert screen.query_one("#forward-box").display is False
        await _type(pilot, typed)
        await _focus(pilot, "channel")
        screen.query_one("#channel", Select).value = "department"
        await settle(pilot)
        assert screen.query_one("#forward-box").display is True
        screen.query_one("#kind", Select).value = "complaint"
        screen.query_one("#words", TextArea).text = "业务员答应的优惠没有兑现"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "哪个部门转来" in _text(app, "#err-forwarded_by")
        assert "收到投诉的日期" in _text(app, "#err-forwarded_on")
        screen.query_one("#forwarded_by", Select).value = "business"
        await _focus(pilot, "forwarded_on")
        await _type(pilot, "2026-11-19")  # a Thursday; it reaches us on Monday
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, ComplaintScreen)
        title = str(app.screen.query_one("#case-title", Static).render())
        assert "由业务部转来（对方收到于 2026-11-19，4 天后才转到客服：转交延误" in title


async def test_a_product_complaint_goes_to_the_technical_department_with_cs(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 002:2.4.2: 产品投诉：客服部与技术部协调."""
    _, typed = _known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, typed)
        screen.query_one("#kind", Select).value = "complaint"
        await settle(pilot)
        screen.query_one("#category", Select).value = "product_complaint"
        await settle(pilot)
        assert screen.query_one("#department", Select).value == "technical"
        assert _text(app, "#department-with") == "会同客服部协调处理"
        screen.query_one("#words", TextArea).text = "新媒体机三天两头死机"
        await pilot.press("ctrl+s")
        await settle(pilot)
    ticket = _tickets(demo_database)[-1]
    assert ticket.category == "product_complaint" and ticket.department_code == "technical"


async def test_the_customer_on_the_card_is_who_this_desk_reports_it_has_open(
    demo_database: Database, clock: FixedClock
) -> None:
    """The app's tick reports the record shown (issue 16): the card's customer while a card
    is shown, nothing once a new call empties the form; a ticket detail names its ticket."""
    customer, typed = _known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        assert screen.presence_subject is None
        await _type(pilot, typed)
        assert screen.presence_subject == f"customer:{customer.id}"
        assert app._presence_subject() == f"customer:{customer.id}"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.presence_subject is None
        from deskui.screens.ticket_detail import TicketDetailModal

        assert TicketDetailModal(7).presence_subject == "ticket:7"  # the ticket detail's


async def _draft_stored(pilot: Any, database: Database, words: str) -> None:
    """Wait (at most 10 s) until 王芳's intake draft holding `words` is in the database: the
    draft is written by a worker after a half-second pause, later than that on a loaded host,
    and a test that restarts the desk needs it there first."""
    for _ in range(100):
        with UnitOfWork(database) as uow:
            agent = next(a for a in uow.agents.agents() if a.name == "王芳")
            draft = uow.drafts.load_draft(agent.id, "intake")
        if draft is not None and draft.get("words") == words:
            return
        await pilot.pause(0.1)
    raise AssertionError(f"no intake draft holding {words!r} was stored")


async def test_keys_typed_before_the_draft_came_stay_and_the_draft_comes_after_the_save(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a restart the agent presses F2 and types the caller's number at once; the draft
    of the form the desk had open came a moment later and was written over it (the number
    typed appended to the draft's: 1350524636613900001111, found walking the desk). What
    was typed stays; the draft waits, and comes back once this call is saved."""
    import threading

    from deskui.services import intake as intake_service

    settings = make_settings(demo_database)
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, "13900009999")
        await _focus(pilot, "words")
        await _type(pilot, "screen is black")
        await pilot.pause(0.7)  # past the half-second pause that saves the draft
        await settle(pilot)
        await _draft_stored(pilot, demo_database, "screen is black")  # a loaded host is late
    real = intake_service.intake_reference
    typed_in = threading.Event()

    def slow_reference(*args: Any) -> Any:  # the draft comes once the keys are typed
        if threading.current_thread() is not threading.main_thread():
            typed_in.wait(10)
        return real(*args)

    monkeypatch.setattr(intake_service, "intake_reference", slow_reference)
    customer, typed = _known_caller(demo_database)
    again = make_app(settings, clock, demo_database)
    async with again.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        burst(again, ["f2", *typed])
        await handled(pilot, settled=False)
        typed_in.set()
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, IntakeScreen)
        assert _value(again, "phone") == typed
        assert screen.query_one("#words", TextArea).text == ""
        assert customer.name in _text(again, "#card")
        screen.query_one("#words", TextArea).text = "停车卡丢了怎么补办"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _value(again, "phone") == "13900009999"  # the draft, back after the save
        assert screen.query_one("#words", TextArea).text == "screen is black"


async def test_enter_twice_after_a_save_leaves_the_cursor_for_the_next_callers_number(
    demo_database: Database, clock: FixedClock
) -> None:
    """The habit of pressing Enter after a save, once or twice: the next caller's digits
    still go into the number (Enter on an empty number goes nowhere; Tab still does)."""
    customer, typed = _known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, typed)
        screen.query_one("#words", TextArea).text = "停车卡丢了怎么补办"
        before = len(_tickets(demo_database))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(_tickets(demo_database)) == before + 1
        screen = _intake(app)
        phone = screen.query_one("#phone", Input)
        assert phone.has_focus and phone.value == ""
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert phone.has_focus
        await _type(pilot, typed)
        assert phone.value == typed
        assert customer.name in _text(app, "#card")
        await pilot.press("tab")  # Tab still goes on from the number
        await settle(pilot)
        assert not phone.has_focus


def _done_in_keystrokes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the phone field's keystrokes do inside themselves, before their echo is painted,
    of what may follow the echo (issue 27): "history" and "contacts" emptied, the card's
    "pick from the list" shown."""
    done: list[str] = []
    depth: list[bool] = []
    real_typed = IntakeScreen.phone_typed
    real_history = IntakeScreen._history_shown
    real_contacts = IntakeScreen._card_contacts
    real_update = ReadyText.update
    pick = t("intake.card_pick", count=0).split("0")[0]

    def typed_value(self: IntakeScreen, value: str) -> None:
        depth.append(True)
        try:
            real_typed(self, value)
        finally:
            depth.pop()

    def history(self: IntakeScreen, source: Any) -> None:
        if depth and source is None:
            done.append("history")
        real_history(self, source)

    def contacts(self: IntakeScreen, card: Any, contact: object) -> None:
        if depth and card is None:
            done.append("contacts")
        real_contacts(self, card, contact)

    def update(self: ReadyText, content: Any) -> None:
        if depth and self.id == "card" and str(content).startswith(pick):
            done.append("pick")
        real_update(self, content)

    monkeypatch.setattr(IntakeScreen, "phone_typed", typed_value)
    monkeypatch.setattr(IntakeScreen, "_history_shown", history)
    monkeypatch.setattr(IntakeScreen, "_card_contacts", contacts)
    monkeypatch.setattr(ReadyText, "update", update)
    return done


async def test_a_card_the_next_digit_takes_away_empties_history_and_contacts_after_its_echo(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last digits that find one caller show the card; the next digit that finds nobody
    takes it away. Emptying the history and the contact choice (each a layout of the form)
    ran inside that digit's keystroke and held its echo back 7-14 ms (issue 27): now after
    the echo's frame, and the form ends the same."""
    customer, typed = _known_caller(demo_database)
    last4 = typed[-4:]
    with UnitOfWork(demo_database) as uow:
        assert len(uow.customers.find_callers(classify(last4))) == 1, last4
        nobody = next(
            d for d in "0123456789" if not uow.customers.find_callers(classify(last4 + d))
        )
    done = _done_in_keystrokes(monkeypatch)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, last4)
        assert customer.name in _text(app, "#card")
        assert _history_shown(screen)  # the follow-up came: history and contacts
        assert screen.query_one("#contact", Select).value == str(customer.contacts[0].id)

        await _type(pilot, nobody)
        assert done == []  # not in the digit's keystroke ...
        assert customer.name not in _text(app, "#card")
        assert not screen.query_one("#history", WorkList).count  # ... but after it, the same
        assert screen.query_one("#contact", Select).value == intake_module.NEW_CONTACT


async def test_the_pick_lists_words_on_the_card_come_with_the_list_after_the_echo(
    demo_database: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card's "found 2 customers: pick with ↑↓" was rendered (nine lines) in the frame
    of the digit that found them, the list itself a frame later (issue 27): both follow it."""
    done = _done_in_keystrokes(monkeypatch)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, SWITCHBOARD_TYPED)
        assert "pick" not in done
        assert "找到 2 位客户" in _text(app, "#card")
        assert screen.query_one("#matches", OptionList).display is True


async def test_a_pick_list_landing_after_the_field_lost_focus_takes_the_card_away(
    demo_database: Database, clock: FixedClock
) -> None:
    """A lookup's answer of several callers that lands once the number field has lost focus
    (a Tab, a click into the words) lays the pick list out at once: the card it replaces goes
    with it, and the card's place says to pick (it kept the last caller's card, over a list
    of others, when the list was laid out before the card was let go)."""
    customer, typed = known_caller(demo_database)
    with UnitOfWork(demo_database) as uow:
        several = uow.customers.find_callers(classify(SWITCHBOARD_TYPED))
    assert len(several) == 2 and customer.id not in {match.customer_id for match in several}
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _type(pilot, typed[-4:])
        assert customer.name in _text(app, "#card")
        screen.query_one("#words", TextArea).focus()
        await settle(pilot)
        screen._show_found(classify(SWITCHBOARD_TYPED), several, None)  # the late answer
        await settle(pilot)
        assert screen.query_one("#matches", OptionList).display is True
        assert customer.name not in _text(app, "#card")
        assert "找到 2 位客户" in _text(app, "#card")
