"""The phone on the agent's desk (issue 25): a call event posted through the service, as the
bridge posts it, reaches the desk through the change feed. A ringing call names its caller
on one line; answered at the agent's extension, intake opens with the caller's card, no key
pressed, whatever was open, the typing there kept; a locked desk shows only the masked line
and pops after the sign-in; after the call, the wrap-up line; the agent sets themselves not
ready and back."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled

from deskui.app import CHANGE_POLL_TICKS, DeskApp, make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.accounts import masked_phone
from deskui.domain.clock import FixedClock
from deskui.screens.complaint import ComplaintListScreen
from deskui.screens.desk import DeskScreen
from deskui.screens.intake import IntakeScreen
from deskui.screens.readiness import ReadinessModal
from deskui.screens.sign_in import SignInScreen
from deskui.services.calls import PHONE_ACTOR, RecordCallEvent, record_call_event
from deskui.widgets.call_line import CallLine
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, known_caller, screen_text, settle

EXT = "8001"


def _extension(db: Database, name: str, ext: str = EXT) -> int:
    with UnitOfWork(db) as uow:  # the demo gives its agents extensions: this one takes `ext`
        uow.session.execute(update(m.Agent).where(m.Agent.extension == ext).values(extension=None))
        uow.session.execute(update(m.Agent).where(m.Agent.name == name).values(extension=ext))
        uow.commit()
        return int(uow.session.scalar(select(m.Agent.id).where(m.Agent.name == name)) or 0)


def post(
    db: Database, clock: FixedClock, kind: str, call_id: str, number: str, **more: Any
) -> None:
    """What the bridge does with one PBX post: the service, in a unit of work of its own."""
    fields: dict[str, object] = {
        "event": kind,
        "callId": call_id,
        "from": number,
        "to": "95000",
        "direction": "in",
        "user[]": [EXT],
    }
    fields.update(more)
    with UnitOfWork(db) as uow:
        record_call_event(uow, PHONE_ACTOR, RecordCallEvent(fields), clock.now())


async def heard(pilot: Pilot[Any]) -> None:
    """The ticks after which the desk has polled the change feed and read what it names."""
    for _ in range(CHANGE_POLL_TICKS):
        pilot.app._tick()  # type: ignore[attr-defined]
        for _ in range(3):
            with suppress(WorkerCancelled):
                await pilot.app.workers.wait_for_complete()
            await pilot.pause()
    await settle(pilot)


def line_text(app: DeskApp) -> str:
    lines = app.screen.query(CallLine)
    return lines.first().text if lines and lines.first().has_class("-shown") else ""


async def test_an_answered_call_pops_the_callers_card_with_no_key_pressed(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    number = customer.phone_e164
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        post(demo_database, clock, "newCall", "pop-1", number)
        await heard(pilot)
        assert isinstance(app.screen, DeskScreen)  # ringing: one line, no pop yet
        assert customer.name in line_text(app)
        clock.advance(timedelta(seconds=8))
        post(demo_database, clock, "answer", "pop-1", number, answeringNumber=EXT)
        await heard(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.call is not None
        card = app.screen._card
        assert card is not None and card.customer.id == customer.id  # the caller's card
        assert "通话中" in line_text(app)
        # the call ends: the wrap-up line with its summary, then nothing once it is over
        clock.advance(timedelta(seconds=65))
        post(demo_database, clock, "hangup", "pop-1", number, cause="normalClearing")
        await heard(pilot)
        assert "话后整理" in line_text(app)
        assert "1m 05s" in line_text(app)
        clock.advance(timedelta(seconds=31))
        app._tick()
        await pilot.pause()
        assert line_text(app) == ""


async def test_a_ringing_call_builds_intake_off_the_stack_and_the_answer_shows_that_one(
    demo_database: Database, clock: FixedClock
) -> None:
    """While the phone rings the desk builds intake off the stack (composed, its fields
    ready, its CSS read, laid out at the desk's size), so the answer shows it in a frame.
    Installing a screen alone builds nothing in Textual: the answer then built a new one."""
    from deskui.navigation import is_kept

    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    number = customer.phone_e164
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        assert not is_kept(app, "intake")
        post(demo_database, clock, "newCall", "ahead-1", number)
        await heard(pilot)
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)  # still ringing: the desk is in front
        assert is_kept(app, "intake")
        ahead = app.get_screen("kept:intake")
        assert isinstance(ahead, IntakeScreen) and ahead not in app.screen_stack
        assert ahead.is_running and ahead._fields_ready  # composed and mounted
        assert ahead.size == app.size  # laid out already: its fields have their places
        assert ahead.query_one("#phone", Input).region.width > 0
        # and drawn (into each widget's own lines, nothing sent): the answer's frame draws
        # only what the pop changed (the first pop of a shift drew the whole intake)
        shown = list(ahead._compositor.visible_widgets)
        undrawn = [w for w in shown if not w._styles_cache._cache]
        # (a field given its value after the drawing, the department's choice, is drawn anew)
        assert len(shown) > 50 and len(undrawn) <= 1, undrawn
        # nothing asked of its layout is left for the frame that shows it: Textual kept the
        # flag of every widget mounted with it, and that frame laid the whole form out again
        # (60-70 ms of the shift's first pop); the call line is on it, shown, not mounted then
        assert not ahead._layout_required
        lines = [child for child in ahead.children if isinstance(child, CallLine)]
        assert len(lines) == 1 and lines[0].display and customer.name in lines[0].text
        restyled: list[object] = []
        whole = ahead.update_node_styles

        def spied(animate: bool = True) -> None:
            restyled.append(ahead)
            whole(animate)

        ahead.update_node_styles = spied  # type: ignore[method-assign]
        post(demo_database, clock, "answer", "ahead-1", number, answeringNumber=EXT)
        await heard(pilot)
        assert app.screen is ahead  # the one built while it rang, not a new one
        assert not restyled  # styled as it mounted: not styled whole again when shown
        card = ahead._card
        assert card is not None and card.customer.id == customer.id


async def test_f2_the_moment_a_call_rings_shows_the_intake_being_built_ahead(
    demo_database: Database, clock: FixedClock
) -> None:
    """The agent presses F2 while the desk is still building intake off the stack for the
    ringing call: the screen being built is shown, set up by its own mount, and the answer
    that follows fills it (no crash, no second intake)."""
    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    number = customer.phone_e164
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        post(demo_database, clock, "newCall", "ahead-2", number)
        # the ring's build, and F2 in the same turn of the loop: the screen has not mounted
        app.prepare_intake()
        ahead = app.get_screen("kept:intake")
        assert isinstance(ahead, IntakeScreen) and not ahead._fields_ready
        app.action_open_screen("intake")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen is app.get_screen("kept:intake")
        assert app.screen.focused is app.screen.query_one("#phone", Input)
        post(demo_database, clock, "answer", "ahead-2", number, answeringNumber=EXT)
        await heard(pilot)
        assert len([s for s in app.screen_stack if isinstance(s, IntakeScreen)]) == 1
        card = app.screen._card
        assert card is not None and card.customer.id == customer.id


async def test_a_pop_keeps_the_typing_of_the_open_form(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    number = customer.phone_e164
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#words", TextArea).focus()
        await pilot.press(*"上一位客户说打印机坏了")
        await settle(pilot)
        await pilot.press("f3")  # another screen in front when the call comes
        await settle(pilot)
        assert isinstance(app.screen, ComplaintListScreen)
        post(demo_database, clock, "newCall", "pop-2", number)
        post(demo_database, clock, "answer", "pop-2", number, answeringNumber=EXT)
        await heard(pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert intake._card is not None and intake._card.customer.id == customer.id
        assert intake.query_one("#words", TextArea).text == ""
        # once this call is done (Ctrl+N here), the earlier typing comes back
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert intake.query_one("#words", TextArea).text == "上一位客户说打印机坏了"


async def test_a_locked_desk_shows_only_the_masked_line_and_pops_after_sign_in(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    number = customer.phone_e164
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        app._demo_names = frozenset()  # a person with a password: the desk can lock
        app.lock()
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        post(demo_database, clock, "newCall", "pop-3", number)
        await heard(pilot)
        text = screen_text(app)
        assert masked_phone(number) in line_text(app)
        assert customer.name not in text
        national = number.removeprefix("+86")
        assert national not in text and number not in text
        post(demo_database, clock, "answer", "pop-3", number, answeringNumber=EXT)
        await heard(pilot)
        assert isinstance(app.screen, SignInScreen)  # no card behind the lock
        assert customer.name not in screen_text(app)
        app.screen.dismiss(app.actor)  # the agent's password accepted
        await settle(pilot)
        app._tick()
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen._card is not None and app.screen._card.customer.id == customer.id


async def test_a_masked_role_sees_the_masked_number_and_still_gets_the_card(
    demo_database: Database, clock: FixedClock
) -> None:
    """The site masks agents' numbers too (privacy.masked): the line, the pop's phone field
    and the card never show the whole number; the card comes by the caller's customer."""
    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    with UnitOfWork(demo_database) as uow:
        uow.settings.save_settings({"privacy.masked": "department_agent"}, None, clock.now())
        uow.commit()
    number = customer.phone_e164
    national = number.removeprefix("+86")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        post(demo_database, clock, "newCall", "pop-4", number)
        await heard(pilot)
        assert masked_phone(number) in line_text(app)
        post(demo_database, clock, "answer", "pop-4", number, answeringNumber=EXT)
        await heard(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert customer.name in screen_text(app)  # the card, by its customer
        for screen in app.screen_stack:
            for field in screen.query(Input):
                assert national not in field.value
        assert national not in screen_text(app)


async def test_a_department_member_is_no_desk_of_calls(
    demo_database: Database, clock: FixedClock
) -> None:
    """Calls are the desk's (the table's SEE_CALLS): a department member with an extension
    is told nothing of them, the number least of all."""
    customer, _typed = known_caller(demo_database)
    with UnitOfWork(demo_database) as uow:
        member = next(a for a in uow.agents.agents() if a.role == "department")
    _extension(demo_database, member.name)
    number = customer.phone_e164
    app = make_app(make_settings(demo_database, agent=member.name), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        post(demo_database, clock, "newCall", "pop-4", number)
        post(demo_database, clock, "answer", "pop-4", number, answeringNumber=EXT)
        await heard(pilot)
        assert line_text(app) == ""
        assert not isinstance(app.screen, IntakeScreen)
        assert number.removeprefix("+86") not in screen_text(app)


async def test_hostile_caller_data_never_reaches_the_terminal_raw(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    with UnitOfWork(demo_database) as uow:
        uow.session.execute(
            update(m.Customer)
            .where(m.Customer.id == customer.id)
            .values(name="[b]坏[/b]\x1b[2J\x1b]0;pwned\x07")
        )
        uow.commit()
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        post(demo_database, clock, "newCall", "pop-5", customer.phone_e164)
        await heard(pilot)
        line = line_text(app)
        assert "[b]坏[/b]" in line  # markup shown as typed
        assert "\x1b" not in line and "\x07" not in line
        assert "\\x1b[2J" in line


async def test_b_sets_the_agent_not_ready_with_a_reason_and_back(
    demo_database: Database, clock: FixedClock
) -> None:
    agent_id = _extension(demo_database, "王芳")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ReadinessModal)
        assert "小休" in screen_text(app)
        await pilot.press("down", "enter")  # 小休, after 示忙 which is offered first
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            row = uow.session.get(m.AgentStateRow, agent_id)
            assert row is not None and (row.state, row.reason) == ("not_ready", "break")
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("home", "enter")  # 就绪
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            row = uow.session.get(m.AgentStateRow, agent_id)
            assert row is not None and row.state == "ready"


async def test_a_missed_call_is_a_callback_on_the_desk_with_its_countdown(
    demo_database: Database, clock: FixedClock
) -> None:
    from tests.screens.phone_calls import callers

    customer = next(c for c in callers(demo_database, 10) if c.assigned_agent)
    _extension(demo_database, customer.assigned_agent or "")
    number = customer.phone_e164 or ""
    settings = make_settings(demo_database, agent=customer.assigned_agent)
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        post(demo_database, clock, "newCall", "miss-1", number)
        clock.advance(timedelta(seconds=30))
        post(demo_database, clock, "hangup", "miss-1", number, cause="noAnswer")
        await heard(pilot)
        assert isinstance(app.screen, DeskScreen)  # nothing popped: nobody answered
        text = screen_text(app)
        assert "未接来电回拨" in text
        assert customer.name in text
        row = next(
            line for line in text.splitlines() if customer.name in line and "未接来电" in line
        )
        assert "2h 00m" in row  # within 2 working hours: the countdown beside it


async def test_the_ticket_saved_from_a_popped_call_carries_the_call(
    demo_database: Database, clock: FixedClock
) -> None:
    from deskui.screens.caller_log import CallerLogScreen
    from deskui.screens.ticket_detail import TicketDetailModal

    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    number = customer.phone_e164
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        post(demo_database, clock, "newCall", "tie-1", number)
        clock.advance(timedelta(seconds=9))
        post(demo_database, clock, "answer", "tie-1", number, answeringNumber=EXT)
        await heard(pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        intake.query_one("#words", TextArea).focus()
        await pilot.press(*"打印机卡纸")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            tie = uow.session.scalars(select(m.CallTicket)).one()
            ticket = uow.session.get(m.Ticket, tie.ticket_id)
            assert ticket is not None and ticket.customer_words == "打印机卡纸"
        clock.advance(timedelta(seconds=125))
        post(demo_database, clock, "hangup", "tie-1", number, cause="normalClearing")
        await heard(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, CallerLogScreen)
        await pilot.press("enter")  # the newest call: this one, with its ticket
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailModal)
        text = screen_text(app)
        assert "等待 9s" in text and "通话 2m 05s" in text


def test_a_desk_closing_as_its_first_rows_came_starts_no_phone_line(
    database: Database, clock: FixedClock
) -> None:
    """The first rows' callbacks can run after the agent quit (Ctrl+Q as the rows painted;
    benchmarks/startup.py exits on that frame): the phone line then watches nothing, and
    the desk closes without a crash log (it was a SignalError: the app no longer running)."""
    app = make_app(make_settings(database, agent="王芳"), clock, database)
    app.phone.signed_in()  # not running: no subscription, no read, no error
    assert not app.phone._watching


async def test_no_full_gc_pass_runs_while_a_call_rings_or_just_after_its_pop(
    demo_database: Database, clock: FixedClock
) -> None:
    """The idle collector's full pass (20-40 ms, deskui/memory.py) runs when the keyboard is
    quiet: a ringing phone is not quiet (the answer pops the card any moment), and the popped
    card is the agent's work from then on, as a key would be."""
    from deskui.memory import QUIET_BEFORE_FULL_PASS, IdleCollector

    class Monotonic:
        now = 1000.0

        def __call__(self) -> float:
            return self.now

    monotonic = Monotonic()
    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    number = customer.phone_e164
    app = make_app(make_settings(demo_database), clock, demo_database)
    app.collector = IdleCollector(monotonic)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        post(demo_database, clock, "newCall", "gc-1", number)
        await heard(pilot)
        assert customer.name in line_text(app)  # it rings
        passes = app.collector.passes
        monotonic.now += 600  # a pass is long due and no key came for minutes
        app._tick()
        assert app.collector.passes == passes  # held while it rings
        post(demo_database, clock, "answer", "gc-1", number, answeringNumber=EXT)
        await heard(pilot)
        assert isinstance(app.screen, IntakeScreen)  # popped
        app._tick()
        assert app.collector.passes == passes  # the pop is the agent's work now
        monotonic.now += QUIET_BEFORE_FULL_PASS + 0.1
        app._tick()
        assert app.collector.passes == passes + 1  # quiet again: the pass runs


async def test_the_answer_pops_the_card_read_while_the_call_rang_with_no_read_of_its_own(
    demo_database: Database, clock: FixedClock, monkeypatch: Any
) -> None:
    """The caller's card is read while the phone rings for the agent: the answer's pop paints
    it with no lookup between the answer and the card (issue 25: answer to card)."""
    from deskui.services import phone_desk

    looked_up: list[bool] = []  # whether each caller read was of an answered call
    real = phone_desk._with_caller

    def counting(uow: Any, actor: Any, call: Any, now: Any) -> Any:
        looked_up.append(call.answered_at is not None)
        return real(uow, actor, call, now)

    monkeypatch.setattr(phone_desk, "_with_caller", counting)
    customer, _typed = known_caller(demo_database)
    _extension(demo_database, "王芳")
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await at_desk(pilot)
        post(demo_database, clock, "newCall", "ahead-1", customer.phone_e164)
        await heard(pilot)
        assert looked_up == [False]  # read as it rang, once
        post(demo_database, clock, "answer", "ahead-1", customer.phone_e164, answeringNumber=EXT)
        await heard(pilot)
        assert isinstance(app.screen, IntakeScreen)
        card = app.screen._card
        assert card is not None and card.customer.id == customer.id
        assert looked_up == [False]  # none after the answer
