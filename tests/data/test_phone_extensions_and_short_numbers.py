"""A number's extension and a short service number survive the save and are found again, on
SQLite and PostgreSQL (issue 13: data changed on the way in)."""

from __future__ import annotations

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.phone import normalise_phone
from deskui.domain.search import classify
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk, record_call
from tests.data.test_intake_repository import _call, _customer


def _save_call_typed(database: Database, desk: Desk, typed: str, name: str) -> int:
    parsed = normalise_phone(typed)
    assert parsed.valid
    with UnitOfWork(database) as uow:
        saved = record_call(
            uow,
            _call(
                caller_phone=parsed.e164,
                caller_extension=parsed.extension or "",
                new_customer_name=name,
            ),
            desk.agent,
            FIXED_NOW,
        )
        uow.commit()
    return saved.ticket_id


def test_an_extension_is_stored_apart_and_comes_back_on_the_card_and_the_complaint(
    database: Database, desk: Desk
) -> None:
    ticket_id = _save_call_typed(database, desk, "0571 8888 1234 转 301", "杭州恒远科技")
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        assert (ticket.caller_phone, ticket.caller_extension) == ("+8657188881234", "301")
        customer = uow.session.get_one(m.Customer, ticket.customer_id)
        assert (customer.phone_e164, customer.phone_extension) == ("+8657188881234", "301")
        contact = uow.session.get_one(m.Contact, ticket.contact_id)
        assert contact.phone_extension == "301"
        # the caller again, by the number alone: the card carries the extension
        [match] = uow.customers.find_callers(classify("0571 8888 1234"))
        card = uow.customers.customer_card(match.customer_id)
        assert card.customer.phone_extension == "301"
        assert uow.complaints.complaint(ticket_id).contact_extension == "301"


def test_a_short_service_number_is_stored_as_typed_and_found_exactly(
    database: Database, desk: Desk
) -> None:
    ticket_id = _save_call_typed(database, desk, "95588", "工商银行客服")
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, ticket_id)
        customer = uow.session.get_one(m.Customer, ticket.customer_id)
        assert (ticket.caller_phone, customer.phone_e164) == ("95588", "95588")
        found = uow.customers.find_callers(classify("95588"))
        assert [(f.customer_id, f.matched_by) for f in found] == [(customer.id, "phone")]


def test_five_digits_that_are_a_short_number_still_find_the_end_of_a_number(
    database: Database, desk: Desk
) -> None:
    """12345 is a service number and the end of +8613812312345: both are offered, the exact
    one first."""
    with UnitOfWork(database) as uow:
        ending = _customer("华强电子有限公司", "+8613812312345")
        service = _customer("市民热线", "12345")
        uow.session.add_all([ending, service])
        uow.session.flush()
        ids = (service.id, ending.id)
        uow.commit()
    with UnitOfWork(database) as uow:
        found = uow.customers.find_callers(classify("12345"))
    assert [(f.customer_id, f.matched_by) for f in found] == [(ids[0], "phone"), (ids[1], "digits")]
