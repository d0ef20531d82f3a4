"""Customer profiles as services (issue 15; seed 000:1), on SQLite and PostgreSQL: a new
customer and its principal are filed together or not at all, a save over someone else's is a
`Conflict` and writes nothing, sharing customers out is a lead's, an import files its lines."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.customer_import import parse_rows
from deskui.domain.model import Role
from deskui.domain.permissions import Action
from deskui.services.actor import Actor, Denied
from deskui.services.errors import Conflict
from deskui.services.profiles import (
    AssignCustomers,
    ContactChoicePage,
    ContactDraft,
    CustomerDraft,
    CustomerPage,
    CustomerQuery,
    ImportCustomers,
    RemoveContact,
    SaveContact,
    SaveCustomer,
    assign_customers,
    contact_choice_page,
    customer_detail,
    customer_page,
    import_customers,
    remove_contact,
    save_contact,
    save_customer,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _customers(database: Database) -> list[str]:
    with UnitOfWork(database) as uow:
        return list(uow.session.scalars(select(m.Customer.name).order_by(m.Customer.id)))


def test_a_new_customer_and_its_principal_are_filed_together_or_not_at_all(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    customer = CustomerDraft("杭州云帆科技有限公司", phone="13800138000", unit_number="C-303")
    principal = ContactDraft(0, "陈静", role="principal", phone="13900139000")
    with UnitOfWork(database) as uow:
        bad = save_customer(
            uow, agent, SaveCustomer(customer, replace(principal, email="陈静@")), FIXED_NOW
        )
    assert not bad.ok and [p.field for p in bad.problems] == ["email"]
    assert "杭州云帆科技有限公司" not in _customers(database)  # the customer did not go alone

    with UnitOfWork(database) as uow:
        saved = save_customer(uow, agent, SaveCustomer(customer, principal), FIXED_NOW)
    assert saved.ok and saved.result.id is not None
    with UnitOfWork(database) as uow:  # committed by the service
        detail = customer_detail(uow, agent, CustomerQuery(saved.result.id), FIXED_NOW)
    assert detail is not None and [c.name for c in detail.contacts] == ["陈静"]


def test_a_save_over_someone_elses_is_a_conflict_and_writes_nothing(
    database: Database, desk: Desk
) -> None:
    agent, colleague = _agent(desk), Actor(desk.colleague, "李娜", Role.AGENT, "south")
    with UnitOfWork(database) as uow:
        loaded = customer_detail(uow, agent, CustomerQuery(desk.customer), FIXED_NOW)
    assert loaded is not None
    seen = CustomerDraft(loaded.name, phone="13800138000", id=loaded.id, version=loaded.version)
    with UnitOfWork(database) as uow:
        save_customer(uow, colleague, SaveCustomer(replace(seen, name="李娜改的名")), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(Conflict) as conflict:
        save_customer(uow, agent, SaveCustomer(replace(seen, name="王芳改的名")), FIXED_NOW)
    assert conflict.value.record == "customer"
    assert conflict.value.saved_by == "李娜" and conflict.value.theirs["name"] == "李娜改的名"
    assert conflict.value.version > loaded.version  # the one a save meant to replace carries
    assert "王芳改的名" not in _customers(database) and "李娜改的名" in _customers(database)


def test_a_contact_saved_or_removed_over_someone_elses_is_a_conflict(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        first = save_contact(
            uow, agent, SaveContact(ContactDraft(desk.customer, "赵敏")), FIXED_NOW
        )
    assert first.ok and first.id is not None and first.version is not None
    mine = ContactDraft(desk.customer, "赵敏", position="经理", id=first.id, version=first.version)
    with UnitOfWork(database) as uow:
        assert save_contact(uow, agent, SaveContact(mine), FIXED_NOW).ok
    with UnitOfWork(database) as uow, pytest.raises(Conflict) as conflict:
        save_contact(uow, agent, SaveContact(replace(mine, position="总监")), FIXED_NOW)
    assert conflict.value.record == "contact" and conflict.value.record_id == first.id
    with UnitOfWork(database) as uow, pytest.raises(Conflict):
        remove_contact(uow, agent, RemoveContact(first.id, first.version), FIXED_NOW)
    with UnitOfWork(database) as uow:
        contact = uow.session.get_one(m.Contact, first.id)
        assert contact.position == "经理"  # neither the stale save nor the removal went in
        now_version = contact.version
    with UnitOfWork(database) as uow:
        assert remove_contact(uow, agent, RemoveContact(first.id, now_version), FIXED_NOW).ok
    with UnitOfWork(database) as uow:
        assert uow.session.get(m.Contact, first.id) is None


def test_sharing_customers_out_is_a_leads(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        assign_customers(uow, _agent(desk), AssignCustomers(), FIXED_NOW)
    assert denied.value.action is Action.REASSIGN
    lead = Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow:
        assigned = assign_customers(uow, lead, AssignCustomers(), FIXED_NOW)
    assert assigned.count == 2
    with UnitOfWork(database) as uow:
        unassigned = select(func.count()).where(m.Customer.assigned_agent_id.is_(None))
        assert uow.session.scalar(select(m.Customer.id).limit(1)) is not None
        assert uow.session.scalar(unassigned.select_from(m.Customer)) == 0


def test_an_accepted_import_files_its_lines_for_the_agent(database: Database, desk: Desk) -> None:
    rows = [{"客户名称": "深圳海纳贸易有限公司", "公司电话": "13700137000", "铺位号": "D-404"}]
    report = parse_rows(rows, set(), list(rows[0]))
    assert report.ok, report.bad
    with UnitOfWork(database) as uow:
        outcome = import_customers(uow, _agent(desk), ImportCustomers(report), FIXED_NOW)
    assert outcome.created == 1
    assert "深圳海纳贸易有限公司" in _customers(database)


def test_an_import_is_an_audit_line_naming_no_customer(database: Database, desk: Desk) -> None:
    """People's names and numbers filed in bulk from a file: who, how many (fails on the code
    before it: no line); nothing of the customers themselves."""
    rows = [
        {"客户名称": "深圳海纳贸易有限公司", "公司电话": "13700137000", "铺位号": "D-404"},
        {"客户名称": "广州嘉禾商贸有限公司", "公司电话": "13800138111", "铺位号": "E-505"},
    ]
    report = parse_rows(rows, set(), list(rows[0]))
    assert report.ok, report.bad
    with UnitOfWork(database) as uow:
        import_customers(uow, _agent(desk), ImportCustomers(report), FIXED_NOW)
    with UnitOfWork(database) as uow:
        lines = uow.session.execute(
            select(
                m.AuditEntry.agent_id,
                m.AuditEntry.agent_name,
                m.AuditEntry.subject,
                m.AuditEntry.detail,
            ).where(m.AuditEntry.action == "customers_imported")
        ).all()
    assert [tuple(line) for line in lines] == [
        (desk.agent, "王芳", "customers", {"customers": 2, "skipped": 0})
    ]
    assert "海纳" not in repr(lines) and "13700137000" not in repr(lines)


@pytest.mark.parametrize(("role", "masked"), [(Role.AGENT, False), (Role.DEPARTMENT, True)])
def test_the_profiles_mask_phones_email_and_notes_for_a_masked_role(
    database: Database, desk: Desk, role: str, masked: bool
) -> None:
    """Issue 16: the customer list, one customer and the contact pick list show a role the
    site masks (default: department members) 021****0101, c***@ and no personal notes; and
    such a role files and edits nothing, since a form filled from stars would save them."""
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        saved = save_contact(
            uow,
            agent,
            SaveContact(
                ContactDraft(
                    desk.customer,
                    "赵敏",
                    phone="13900139000",
                    email="chen@example.com",
                    personal_notes="喜欢打高尔夫",
                )
            ),
            FIXED_NOW,
        )
    assert saved.ok
    actor = Actor(desk.agent, "王芳", role, "north")
    with UnitOfWork(database) as uow:
        rows = customer_page(uow, actor, CustomerPage(0, 50), FIXED_NOW)
        detail = customer_detail(uow, actor, CustomerQuery(desk.customer), FIXED_NOW)
        choices = contact_choice_page(uow, actor, ContactChoicePage("赵敏", 0, 10), FIXED_NOW)
    assert detail is not None
    row = next(r for r in rows if r.id == desk.customer)
    contact = next(c for c in detail.contacts if c.name == "赵敏")
    shown = (row.phone_e164, detail.phone_e164, contact.phone_e164, contact.email)
    if masked:
        assert shown == ("021****0101", "021****0101", "139****9000", "c***@example.com")
        assert contact.personal_notes == "***"
        assert [c.phone for c in choices] == ["139****9000"]
        edit = ContactDraft(desk.customer, "赵敏", id=saved.id, version=saved.version)
        with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
            save_contact(uow, actor, SaveContact(edit), FIXED_NOW)
        assert denied.value.action is Action.EDIT_PROFILES
    else:
        assert shown == ("+862155550101", "+862155550101", "+8613900139000", "chen@example.com")
        assert contact.personal_notes == "喜欢打高尔夫"
        assert [c.phone for c in choices] == ["+8613900139000"]
