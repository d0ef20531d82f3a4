"""Numbers at intake as callers say them (issue 13): an extension typed after the number is
saved and shown again on the card; a short service number is accepted, saved and found."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Static, TextArea

from deskui.app import make_app
from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.clock import FixedClock
from tests.conftest import make_settings
from tests.screens.desk_pilot import SIZE, settle
from tests.screens.test_intake_screen import _focus, _intake, _open, _text, _type


@pytest.fixture(autouse=True)
def _no_change_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("deskui.app.CHANGE_POLL_TICKS", 10**9)  # as test_intake_screen.py


async def _file_new_caller(pilot: Any, typed: str, name: str) -> None:
    screen = _intake(pilot.app)
    await _type(pilot, typed)
    assert screen.query_one("#new-customer-box").display is True
    screen.query_one("#new_customer", Input).value = name  # the number is what is tested
    await _focus(pilot, "words")
    screen.query_one("#words", TextArea).text = "想了解新款媒体机的价格"
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert str(screen.query_one("#err-phone", Static).render()) == ""
    assert screen.query_one("#phone", Input).value == ""  # saved: a new call starts


async def test_an_extension_typed_at_intake_is_on_the_card_when_the_caller_calls_again(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await _file_new_caller(pilot, "0571 8888 1234 转 301", "杭州恒远科技")
        # the caller again, by the number alone
        await _type(pilot, "05718888123")
        await _type(pilot, "4")
        assert "0571 8888 1234 转 301" in _text(pilot.app, "#card")
    with UnitOfWork(demo_database) as uow:
        customer = uow.session.query(m.Customer).filter_by(name="杭州恒远科技").one()
        assert (customer.phone_e164, customer.phone_extension) == ("+8657188881234", "301")


async def test_a_short_service_number_is_accepted_saved_and_found_again(
    demo_database: Database, clock: FixedClock
) -> None:
    app = make_app(make_settings(demo_database), clock, demo_database)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _file_new_caller(pilot, "95588", "工商银行客服中心")
        await _type(pilot, "95588")
        assert "工商银行客服中心" in _text(pilot.app, "#card")
        assert "95588" in _text(pilot.app, "#card")
        assert screen.query_one("#words", TextArea).text == ""
    with UnitOfWork(demo_database) as uow:
        customer = uow.session.query(m.Customer).filter_by(name="工商银行客服中心").one()
        assert customer.phone_e164 == "95588"
