"""A person's data on request (issue 28, PIPL) on SQLite and PostgreSQL: a manager shows,
exports and erases one person's data; after the erasure nothing in the database, no export
of any kind and no history or audit line holds their name, number, e-mail or notes, and
every measure counts what it counted before. A lead is refused; a number typed oddly finds
them; a number two customers share is not erased by number; an erasure run twice is fine."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.demo import seed_demo
from deskui.data.export import KINDS
from deskui.data.profile_records import ContactDraft
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.periods import days_between
from deskui.domain.refusal import Invalid
from deskui.services import calls, intake, privacy, profiles
from deskui.services.actor import Actor, Denied
from deskui.services.exports import ExportRecords, export_records
from deskui.services.measures import LiveQuery, PeriodQuery, live_figures, period_figures
from deskui.services.team_report import TeamReport, team_report
from tests.conftest import FIXED_NOW

NAME = "欧阳晴雪"
PHONE = "+8613912345678"
DIGITS = "13912345678"
EMAIL = "ouyang.qx@example.cn"
NOTES = "女儿在读高三，周末学钢琴"
SECRETS = (NAME, DIGITS, EMAIL, NOTES, "周末学钢琴", "1988-03-12", "1988, 3, 12", "88887777")
"""What must not be found anywhere after the erasure (the number in any of its forms holds
its national digits)."""

ZONE = "Asia/Shanghai"


def _actors(database: Database) -> dict[str, Actor]:
    with UnitOfWork(database) as uow:
        return {a.name: Actor(a.id, a.name, a.role, a.team) for a in uow.agents.agents()}


def _seed_person(database: Database, later: datetime) -> dict[str, int]:
    """The demo desk, and one person at its first customer filed, edited, calling in twice
    (a ticket and a missed call), visiting, leaving a message, given a gift and a callback,
    and named in an agent's unsaved intake."""
    with UnitOfWork(database) as uow:
        seed_demo(uow, FIXED_NOW)
        uow.commit()
    return add_person(database, later)


def add_person(database: Database, later: datetime) -> dict[str, int]:
    """The person on a demo desk already seeded (see _seed_person)."""
    people = _actors(database)
    manager, agent = people["刘洋"], people["王芳"]
    with UnitOfWork(database) as uow:
        customer = uow.session.scalars(select(m.Customer).order_by(m.Customer.id)).first()
        assert customer is not None
        customer_id, customer_name = customer.id, customer.name
    draft = ContactDraft(
        customer_id, NAME, position="采购", phone="139 1234 5678", email=EMAIL,
        gender="female", birthday="1988-03-12", convenient_time="工作日上午",
        personal_notes="女儿在读高三",
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        saved = profiles.save_contact(
            uow, manager, profiles.SaveContact(draft), later - timedelta(minutes=30)
        )
    assert saved.ok and saved.id is not None
    contact_id = saved.id
    edited = ContactDraft(
        customer_id, NAME, position="采购", phone="139 1234 5678", email=EMAIL,
        gender="female", birthday="1988-03-12", convenient_time="工作日上午",
        personal_notes=NOTES, id=contact_id, version=saved.version,
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        assert profiles.save_contact(uow, manager, profiles.SaveContact(edited), later).ok
    words = f"{NAME}说空调不制冷，请回电 {DIGITS}"
    call = CallIntake(
        kind="question", category="repair", channel="phone", severity="normal",
        customer_words=words, caller_phone=PHONE, customer_id=customer_id,
        contact_id=contact_id, caller_email=EMAIL, caller_fax="01088887777",
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        ticket = intake.record_call(uow, agent, intake.RecordCall(call), later).ticket_id
    for kind, seconds in (("newCall", 0), ("hangup", 30)):
        fields: dict[str, object] = {
            "event": kind, "callId": "pipl-1", "from": "0" + DIGITS, "to": "95000",
            "direction": "in", "user": ["8001"],
        }  # fmt: skip
        if kind == "hangup":
            fields["cause"] = "cancel"
        with UnitOfWork(database) as uow:
            calls.record_call_event(
                uow,
                calls.PHONE_ACTOR,
                calls.RecordCallEvent(fields),
                later + timedelta(seconds=seconds),
            )
    with UnitOfWork(database) as uow:
        intake.save_intake_draft(
            uow, agent, intake.SaveIntakeDraft({"phone": DIGITS, "name": NAME}), later
        )
    with UnitOfWork(database) as uow:
        callback = m.Callback(
            customer_id=customer_id, contact_id=contact_id, agent_id=agent.id,
            purpose="routine", due_at=later + timedelta(days=2), created_at=later,
            notes=f"{NAME}喜欢上午来电", version=1,
        )  # fmt: skip
        uow.session.add(callback)
        uow.session.add(
            m.Gift(
                customer_id=customer_id,
                contact_id=contact_id,
                gift="月饼",
                sent_at=later,
                sent_by="销售部",
                recorded_by_id=agent.id,
                recorded_at=later,
                confirm_note=f"{NAME}已收到",
                version=1,
            )
        )
        uow.session.add(
            m.Visit(
                visitor=NAME,
                company=customer_name,
                purpose=f"{NAME}来谈续约",
                expected_at=later,
                recorded_by_id=agent.id,
                recorded_at=later,
            )
        )
        uow.session.add(  # the visit letter's own fields (issue 26) may name them too
            m.VisitRequest(
                customer_id=customer_id,
                requested_by_id=agent.id,
                reason="回访",
                frequency="每月一次",
                first_date=later.date(),
                end_date=later.date() + timedelta(days=90),
                confirmation_form=f"由{NAME}签字确认",
                feedback_frequency=f"每周告知{NAME}",
                feedback_times=f"{NAME}下班前",
                created_at=later,
                version=1,
            )
        )
        uow.session.add(
            m.PhoneMessage(
                for_agent_id=agent.id,
                from_name=NAME,
                from_number=PHONE,
                message=f"请回电 {DIGITS}",
                taken_by_id=agent.id,
                taken_at=later,
            )
        )
        uow.commit()
    return {"contact": contact_id, "customer": customer_id, "ticket": ticket}


def _everything(database: Database) -> str:
    """Every row of every table as text: what the database holds, all of it. Each table's
    rows sorted: a SELECT with no ORDER BY may return them in another order on PostgreSQL
    after any write, a rolled-back one included (the suite saw it once in two runs)."""
    held: list[str] = []
    with UnitOfWork(database) as uow:
        for table in m.every_model().metadata.sorted_tables:
            held += sorted(repr(tuple(row)) for row in uow.session.execute(select(table)))
    return "\n".join(held)


def _exports(database: Database, manager: Actor) -> str:
    """Every kind of export as a manager takes it (personal data unmasked)."""
    text: list[str] = []
    for kind in KINDS:
        with UnitOfWork(database) as uow:
            headers, rows = export_records(uow, manager, ExportRecords(kind, ZONE), FIXED_NOW)
        text += [repr(headers), *(repr(row) for row in rows)]
    return "\n".join(text)


def _measures(database: Database, manager: Actor, now: datetime) -> tuple[Any, ...]:
    """The period's and today's figures and each measure's records (their labels aside:
    a label may name the customer, which the erasure may mask)."""
    period = days_between(date(2026, 10, 24), date(2026, 11, 25), ZONE)
    with UnitOfWork(database) as uow:
        figures = period_figures(uow, manager, PeriodQuery(period), now)
        live = live_figures(uow, manager, LiveQuery(), now)
        report = team_report(uow, manager, TeamReport(period, ZONE), now)
    records = {
        name: sorted(
            (r.subject_type, r.subject_id, r.owner, r.due_at, r.met_at, r.state) for r in rows
        )
        for name, rows in report.records.items()
    }
    return figures, live, records, report.total.figures


def test_a_manager_shows_exports_and_erases_a_person_and_the_measures_stay(
    database: Database,
) -> None:
    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    manager = _actors(database)["刘洋"]
    who = privacy.PersonQuery(contact_id=ids["contact"])
    with UnitOfWork(database) as uow:
        found = privacy.export_person(uow, manager, who, later)
    held = {name: len(rows) for name, (_, rows) in found.tables.items() if rows}
    assert held == {
        "contacts": 1,
        "profile_history": 2,
        "tickets": 1,
        "ticket_history": held["ticket_history"],
        "calls": 1,
        "callbacks": 2,  # the one booked for them and the missed call's
        "gifts": 1,
        "visits": 1,
        "messages": 1,
    }
    assert held["ticket_history"] >= 1
    shown = repr(found.tables)
    assert all(secret in shown for secret in (NAME, PHONE, EMAIL, NOTES))
    assert all(secret in _everything(database) for secret in SECRETS)
    before = _measures(database, manager, later)

    request = f"来函 2026-11-20（{NAME}本人）\x1b[2J"
    with UnitOfWork(database) as uow:
        erased = privacy.erase_person(
            uow, manager, privacy.ErasePerson(who, request), later + timedelta(minutes=5)
        )
    assert erased.total > 0 and erased.records["contact"] == 1

    everything = _everything(database)
    assert [s for s in SECRETS if s in everything] == []
    with UnitOfWork(database) as uow:  # the name's search pieces went with it
        grams = set(uow.session.scalars(select(m.SearchGram.gram)))
    assert {"欧阳", "阳晴", "晴雪"} & grams == set()
    exports = _exports(database, manager)
    assert [s for s in SECRETS if s in exports] == []
    with UnitOfWork(database) as uow:
        history = profiles.customer_history(
            uow, manager, profiles.CustomerQuery(ids["customer"]), later
        )
        lines = uow.audit.search(limit=10_000)
    assert [s for s in SECRETS if s in repr(history)] == []
    assert [s for s in SECRETS if s in repr(lines)] == []
    # the history still says the contact's fields changed, not from what to what
    assert any(("personal_notes", "", "") in entry.changes for entry in history if entry.changes)
    # the records stay: the ticket, the call, the callbacks, counted as before
    assert _measures(database, manager, later) == before
    with UnitOfWork(database) as uow:
        ticket = uow.session.get_one(m.Ticket, ids["ticket"])
        assert (ticket.kind, ticket.category, ticket.contact_id) == (
            "question",
            "repair",
            ids["contact"],
        )
        contact = uow.session.get_one(m.Contact, ids["contact"])
        assert (contact.name, contact.phone_e164, contact.birthday) == ("", None, None)
    # the request audited: who did it, when, about whom, the request (the name masked)
    erasures = [line for line in lines if line.action == "privacy_erase"]
    assert len(erasures) == 1
    line = erasures[0]
    assert (line.agent_name, line.subject) == ("刘洋", f"contact {ids['contact']}")
    assert line.at == later + timedelta(minutes=5)
    assert line.detail["request"] == "来函 2026-11-20（***本人）\\x1b[2J"  # no ESC kept
    assert [a.action for a in lines].count("privacy_export") == 1


def test_a_lead_and_an_agent_are_refused_and_nothing_changes(database: Database) -> None:
    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    people = _actors(database)
    who = privacy.PersonQuery(contact_id=ids["contact"])
    before = _everything(database)
    for name in ("张伟", "王芳"):
        for service, command in (
            (privacy.show_person, who),
            (privacy.export_person, who),
            (privacy.erase_person, privacy.ErasePerson(who, "来函")),
            (privacy.purge, privacy.Purge()),
        ):
            with UnitOfWork(database) as uow, pytest.raises(Denied):
                service(uow, people[name], command, later)  # type: ignore[operator]
    assert _everything(database) == before


def test_an_odd_number_finds_the_person_and_a_bad_request_is_refused(
    database: Database,
) -> None:
    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    manager = _actors(database)["刘洋"]
    for typed in (
        "139 1234 5678",
        "+86 (139) 1234-5678",
        "０１３９１２３４５６７８",
        "8613912345678",
    ):
        with UnitOfWork(database) as uow:
            found = privacy.show_person(uow, manager, privacy.PersonQuery(phone=typed), later)
        assert found.tables["contacts"][1][0][0] == ids["contact"], typed
        assert not found.shared
    refused = (
        (privacy.PersonQuery(), "来函", "privacy.error.who"),
        (privacy.PersonQuery(contact_id=1, phone=PHONE), "来函", "privacy.error.who"),
        (privacy.PersonQuery(phone="不是号码\x1b[2J"), "来函", "privacy.error.phone"),
        (privacy.PersonQuery(contact_id=999_999), "来函", "privacy.error.contact"),
        (privacy.PersonQuery(contact_id=ids["contact"]), "  ", "privacy.error.request"),
        # a zero-width space is no request's reference (found attacking)
        (privacy.PersonQuery(contact_id=ids["contact"]), "\u200b\ufeff", "privacy.error.request"),
        (privacy.PersonQuery(contact_id=ids["contact"]), "x" * 300, "privacy.error.too_long"),
    )
    before = _everything(database)
    for who, request, key in refused:
        with UnitOfWork(database) as uow, pytest.raises(Invalid) as raised:
            privacy.erase_person(uow, manager, privacy.ErasePerson(who, request), later)
        assert raised.value.key == key
    assert _everything(database) == before
    # by the number in any format, the person is erased as by their contact
    with UnitOfWork(database) as uow:
        command = privacy.ErasePerson(privacy.PersonQuery(phone="+86 139-1234-5678"), "来电")
        assert privacy.erase_person(uow, manager, command, later).total > 0
    assert [s for s in SECRETS if s in _everything(database)] == []


def test_a_shared_number_is_not_erased_by_number_and_stays_with_the_other_holder(
    database: Database,
) -> None:
    """Decided (domain/privacy): a number two profiles hold is neither person's alone. By
    the number, the desk lists the holders and erases nothing; by the contact, the contact's
    own fields go (their copy of the number too), the other holder keeps the number and
    their name, and calls from that number not tied to the erased contact keep it."""
    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    manager = _actors(database)["刘洋"]
    with UnitOfWork(database) as uow:
        other_customer = uow.session.scalars(
            select(m.Customer.id).where(m.Customer.id != ids["customer"]).order_by(m.Customer.id)
        ).first()
        assert other_customer is not None
        sister = m.Contact(
            customer_id=other_customer, name="欧阳晴川", phone_e164=PHONE,
            personal_notes="姐姐的号码", version=1,
        )  # fmt: skip
        uow.session.add(sister)
        uow.commit()
        sister_id = sister.id
    with UnitOfWork(database) as uow:
        found = privacy.show_person(uow, manager, privacy.PersonQuery(phone=DIGITS), later)
    assert found.shared
    assert {h.contact_id for h in found.holders} == {ids["contact"], sister_id}
    before = _everything(database)
    for service, command in (
        (privacy.export_person, privacy.PersonQuery(phone=DIGITS)),
        (privacy.erase_person, privacy.ErasePerson(privacy.PersonQuery(phone=DIGITS), "来电")),
    ):
        with UnitOfWork(database) as uow, pytest.raises(Invalid) as raised:
            service(uow, manager, command, later)  # type: ignore[operator]
        assert raised.value.key == "privacy.error.shared"
        assert dict(raised.value.values)["contacts"] == f"{ids['contact']}, {sister_id}"
    assert _everything(database) == before

    who = privacy.PersonQuery(contact_id=ids["contact"])
    with UnitOfWork(database) as uow:
        privacy.erase_person(uow, manager, privacy.ErasePerson(who, "来函"), later)
    with UnitOfWork(database) as uow:
        erased = uow.session.get_one(m.Contact, ids["contact"])
        kept = uow.session.get_one(m.Contact, sister_id)
        assert (erased.name, erased.phone_e164, erased.personal_notes) == ("", None, "")
        assert (kept.name, kept.phone_e164, kept.personal_notes) == (
            "欧阳晴川",
            PHONE,
            "姐姐的号码",
        )
        call = uow.session.scalars(select(m.Call).where(m.Call.call_id == "pipl-1")).one()
        assert call.party_number == PHONE  # the missed call is tied to no one: the number stays
        ticket = uow.session.get_one(m.Ticket, ids["ticket"])
        assert ticket.caller_phone == ""  # the ticket the erased contact called in is theirs
    everything = _everything(database)
    assert [s for s in (NAME, EMAIL, NOTES) if s in everything] == []


def test_an_erasure_run_twice_finds_nothing_the_second_time_and_is_audited_twice(
    database: Database,
) -> None:
    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    manager = _actors(database)["刘洋"]
    who = privacy.PersonQuery(contact_id=ids["contact"])
    with UnitOfWork(database) as uow:
        first = privacy.erase_person(uow, manager, privacy.ErasePerson(who, "来函 1"), later)
    after_first = _everything(database)
    with UnitOfWork(database) as uow:
        second = privacy.erase_person(uow, manager, privacy.ErasePerson(who, "来函 2"), later)
    assert first.total > 0 and second.total == 0
    with UnitOfWork(database) as uow:
        lines = uow.audit.search(action="privacy_erase")
    assert sorted(str(line.detail["request"]) for line in lines) == ["来函 1", "来函 2"]
    # nothing but the second audit line was written
    assert len(_everything(database).splitlines()) == len(after_first.splitlines()) + 1
    # by the number, gone from every profile, the request finds nothing either
    with UnitOfWork(database) as uow:
        third = privacy.erase_person(
            uow, manager, privacy.ErasePerson(privacy.PersonQuery(phone=DIGITS), "来电"), later
        )
    assert third.total == 0


def test_the_purge_anonymises_records_closed_before_the_retention(database: Database) -> None:
    later = FIXED_NOW + timedelta(hours=1)
    ids = _seed_person(database, later)
    manager = _actors(database)["刘洋"]
    with UnitOfWork(database) as uow:
        assert privacy.purge(uow, manager, privacy.Purge(), later).cutoff is None  # off
        uow.settings.save_settings({"privacy.retention": "30"}, manager.id, later)
        ticket = uow.session.get_one(m.Ticket, ids["ticket"])
        ticket.status, ticket.closed_at = "closed", later
        uow.commit()
    before = _measures(database, manager, later)
    months = later + timedelta(days=45)
    with UnitOfWork(database) as uow:
        would = privacy.purge(uow, manager, privacy.Purge(dry_run=True), months)
    assert would.records["ticket"] >= 1 and not would.applied
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, ids["ticket"]).caller_phone == PHONE
        assert not uow.audit.search(action="privacy_purge")
    with UnitOfWork(database) as uow:
        done = privacy.purge(uow, manager, privacy.Purge(), months)
    assert done.applied and done.records == would.records
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Ticket, ids["ticket"]).caller_phone == ""
        assert len(uow.audit.search(action="privacy_purge")) == 1
    with UnitOfWork(database) as uow:
        again = privacy.purge(uow, manager, privacy.Purge(dry_run=True), months)
    assert sum(again.records.values()) == 0
    assert _measures(database, manager, later) == before


def test_a_customer_that_is_a_person_is_erased_by_its_id_never_by_its_line(
    database: Database,
) -> None:
    """A shop's owner filed as the customer: by the customer's own number the desk refuses
    (typing a company's switchboard must never erase the company); by the customer's id the
    customer's own fields and every record of theirs lose the person, the records stay."""
    later = FIXED_NOW + timedelta(hours=1)
    _seed_person(database, later)
    people = _actors(database)
    manager, agent = people["刘洋"], people["王芳"]
    owner, line, address, notes = "江小渔", "+8613655556666", "文三路88号二楼", "周三店休不接电话"
    with UnitOfWork(database) as uow:
        shop = m.Customer(
            name=owner, phone_e164=line, address=address, notes=notes,
            created_at=later, updated_at=later, version=1,
        )  # fmt: skip
        uow.session.add(shop)
        uow.session.flush()
        uow.customers.index_customer_names(shop.id)
        uow.commit()
        shop_id = shop.id
    call = CallIntake(
        kind="question", category="usage", channel="phone", severity="normal",
        customer_words=f"{owner}问会员卡怎么用", caller_phone=line, customer_id=shop_id,
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        ticket = intake.record_call(uow, agent, intake.RecordCall(call), later).ticket_id
    before = _measures(database, manager, later)
    by_line = privacy.ErasePerson(privacy.PersonQuery(phone="136 5555 6666"), "来电")
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as raised:
        privacy.erase_person(uow, manager, by_line, later)
    assert (raised.value.key, raised.value.values) == (
        "privacy.error.customer_line",
        {"customer": shop_id},
    )
    who = privacy.PersonQuery(customer_id=shop_id)
    with UnitOfWork(database) as uow:
        found = privacy.show_person(uow, manager, who, later)
    assert found.tables["customers"][1][0][1] == owner
    assert [row[0] for row in found.tables["tickets"][1]] == [ticket]
    with UnitOfWork(database) as uow:
        privacy.erase_person(uow, manager, privacy.ErasePerson(who, "来函 9"), later)
    everything = _everything(database)
    assert [s for s in (owner, "13655556666", address, notes) if s in everything] == []
    with UnitOfWork(database) as uow:
        shop_now = uow.session.get_one(m.Customer, shop_id)
        assert (shop_now.name, shop_now.phone_e164, shop_now.address) == ("", None, "")
        assert uow.session.get_one(m.Ticket, ticket).caller_phone == ""
        with pytest.raises(Invalid) as unknown:
            privacy.show_person(uow, manager, privacy.PersonQuery(customer_id=999_999), later)
    assert unknown.value.key == "privacy.error.customer"
    assert _measures(database, manager, later) == before
    # the person of the other test, at another customer, is untouched
    assert NAME in everything
