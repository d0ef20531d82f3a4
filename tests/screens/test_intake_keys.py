"""The intake's keys (issue 26): Enter goes on and never adds a line by accident, a new line
is Ctrl+J and the footer says so, a prefilled field keeps its value when typed into, and the
route the form shows is the one the call saves, after a save and after Ctrl+N too."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from deskui.screens.intake import CARD_FOLLOW_UP, IntakeScreen
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, at_desk, known_caller, screen_lines, settle


@pytest.fixture(autouse=True)
def _no_change_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in test_intake_screen: the one-second change poll re-posts a saved call forever."""
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)


async def _intake(pilot: Pilot[Any], typed: str = "") -> IntakeScreen:
    await at_desk(pilot)
    await pilot.press("f2", *typed)
    await pilot.pause(CARD_FOLLOW_UP * 2)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


def _department(screen: IntakeScreen) -> object:
    return screen.query_one("#department", Select).value


def _newest_ticket(db: Database) -> tuple[str, str | None]:
    with UnitOfWork(db) as uow:
        ticket = uow.session.scalars(select(m.Ticket).order_by(m.Ticket.id.desc())).first()
        assert ticket is not None
        department = ticket.department.code if ticket.department is not None else None
        return ticket.customer_words, department


async def test_enter_twice_in_the_words_adds_no_line_and_opens_no_list(
    demo_database: Database, clock: FixedClock
) -> None:
    _, typed = known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _intake(pilot, typed)
        await pilot.press("tab", *"网络断了", "enter", "enter", *"xyz")
        words = screen.query_one("#words", TextArea)
        assert words.text == "网络断了"  # no line added, nothing typed after it lost in it
        assert app.focused is screen.query_one("#category", Select)
        assert not screen.query_one("#kind", Select).expanded
        assert app.screen is screen  # no list opened over the form
        words.focus()
        await pilot.press("end", "ctrl+j", *"从早上开始")
        assert words.text == "网络断了\n从早上开始"
        footer = screen_lines(app)[-1]
        assert "换行" in footer  # Ctrl+J is in the footer while the words have the focus


async def test_the_cards_unit_number_is_kept_when_typed_into(
    demo_database: Database, clock: FixedClock
) -> None:
    customer, typed = known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _intake(pilot, typed)
        unit = screen.query_one("#unit", Input)
        assert unit.value == customer.unit_number
        screen.query_one("#fax", Input).focus()  # the field before the unit
        await pilot.press("tab", *"室")
        assert unit.value == f"{customer.unit_number}室"
        await pilot.press("ctrl+z")
        assert unit.value == customer.unit_number


@pytest.mark.parametrize("between", ["save", "ctrl+n"])
async def test_the_route_shown_is_the_route_saved_after_a_save_or_ctrl_n(
    demo_database: Database, clock: FixedClock, between: str
) -> None:
    """After Ctrl+N or a save the form said 不转部门 while the record went to 业务部."""
    _, typed = known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _intake(pilot, typed)
        proposed = _department(screen)
        assert proposed is not Select.NULL  # a question's product enquiry goes somewhere
        if between == "save":
            await pilot.press("tab", *"第一通", "ctrl+s")
        else:  # the first Ctrl+N over typed words only says so; the second empties
            await pilot.press("tab", *"第一通", "ctrl+n", "ctrl+n")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#phone", Input).value == ""
        shown = _department(screen)
        assert shown == proposed
        assert "不转部门" not in "\n".join(screen_lines(app))
        await pilot.press(*typed)
        await pilot.pause(CARD_FOLLOW_UP * 2)
        await settle(pilot)
        await pilot.press("tab", *"第二通", "ctrl+s")
        await settle(pilot)
    words, department = _newest_ticket(demo_database)
    assert words == "第二通"
    assert department == shown


async def test_the_callers_e_mail_and_fax_are_taken_checked_and_shown_on_the_record(
    demo_database: Database, clock: FixedClock
) -> None:
    """seed 002:2.2.1: e-mail and fax beside the phone. A hostile address is refused beside
    its field with the form still filled; fixed, the call saves, and the record's detail
    shows both where it shows the phone."""
    from deskui.screens.ticket_detail import TicketDetailModal

    _, typed = known_caller(demo_database)
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _intake(pilot, typed)
        await pilot.press("tab", *"要一份报价单")
        email = screen.query_one("#email", Input)
        email.focus()
        await pilot.press(*"[b]li@x.cn")
        screen.query_one("#fax", Input).focus()
        await pilot.press(*"02188886666")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "电子邮件地址不对" in str(screen.query_one("#err-email").render())
        assert app.focused is email and email.value == "[b]li@x.cn"  # kept as typed
        assert screen.query_one("#words", TextArea).text == "要一份报价单"
        with UnitOfWork(demo_database) as uow:
            assert not uow.session.scalars(
                select(m.Ticket).where(m.Ticket.customer_words == "要一份报价单")
            ).first()
        await pilot.press("home", "delete", "delete", "delete", "ctrl+s")
        await settle(pilot)
        with UnitOfWork(demo_database) as uow:
            ticket = uow.session.scalars(
                select(m.Ticket).where(m.Ticket.customer_words == "要一份报价单")
            ).one()
            assert (ticket.caller_email, ticket.caller_fax) == ("li@x.cn", "+862188886666")
            ticket_id = ticket.id
        app.push_screen(TicketDetailModal(ticket_id))
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "电子邮件" in text and "li@x.cn" in text
        assert "传真" in text and "021 8888 6666" in text


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_intake_stop_shows_its_focus_in_both_themes(
    demo_database: Database, clock: FixedClock, theme: str
) -> None:
    """The field with the focus is plain to see (issue 26): its label lit and the field
    tinted, on the dark and on the light theme."""
    from dataclasses import replace

    from tests.screens.focus_probe import focus_stops, shows_focus, unshown

    _, typed = known_caller(demo_database)
    settings = replace(make_settings(demo_database), theme=theme)
    app = make_app(settings, clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _intake(pilot, typed)
        assert app.theme == theme
        hidden = [w for w in focus_stops(app) if not await shows_focus(pilot, w)]
        assert not hidden, f"Tab stops that do not show the focus: {unshown(hidden)}"


async def test_help_from_intake_lists_ctrl_j_and_it_does_nothing_outside_the_texts(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _intake(pilot)
        screen.query_one("#kind", Select).focus()
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert app.screen is screen and app.focused is screen.query_one("#kind", Select)
        await pilot.press("f1")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Ctrl+J" in text and "另起一行" in text
