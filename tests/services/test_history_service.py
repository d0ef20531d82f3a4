"""History and audit (issue 16), on SQLite and PostgreSQL: every change to a customer, its
contacts and a handover item is one append-only entry (who, when, each field old -> new),
written in the change's own commit; a masked role sees the history masked; account changes
are audited as old -> new, never with a password or its hash."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.records import CallIntake
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import HandoverSheet, Role
from deskui.services import accounts
from deskui.services.accounts import AccountRefused, AddAgent, SetRole
from deskui.services.actor import Actor
from deskui.services.errors import Conflict
from deskui.services.handover import (
    AcknowledgeHandover,
    AddHandoverItem,
    FinishHandoverItem,
    HandOver,
    HandoverHistory,
    NewHandoverItem,
    ReassignHandoverItem,
    UpdateHandoverItem,
    acknowledge_handover,
    add_handover_item,
    finish_handover_item,
    hand_over,
    handover_item_history,
    reassign_handover_item,
    update_handover_item,
)
from deskui.services.intake import RecordCall, record_call
from deskui.services.profiles import (
    AssignCustomers,
    ContactDraft,
    CustomerDraft,
    CustomerQuery,
    HistoryEntry,
    RemoveContact,
    SaveContact,
    SaveCustomer,
    assign_customers,
    customer_detail,
    customer_history,
    remove_contact,
    save_contact,
    save_customer,
)
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

LATER = FIXED_NOW + timedelta(minutes=5)


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _history(database: Database, actor: Actor, customer_id: int) -> list[HistoryEntry]:
    with UnitOfWork(database) as uow:
        return customer_history(uow, actor, CustomerQuery(customer_id), LATER)


def _edit(database: Database, actor: Actor, customer_id: int, **fields: str) -> None:
    """Open the customer's form as loaded, change `fields`, save."""
    with UnitOfWork(database) as uow:
        d = customer_detail(uow, actor, CustomerQuery(customer_id), LATER)
        assert d is not None
        draft = CustomerDraft(
            d.name, d.address, d.phone_e164 or "", d.unit_number, id=d.id, version=d.version
        )
        assert save_customer(uow, actor, SaveCustomer(replace(draft, **fields)), LATER).ok


def test_a_changed_phone_is_one_entry_with_old_and_new_by_who_and_when(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    _edit(database, agent, desk.customer, phone="021 5555 0202")
    (entry,) = _history(database, agent, desk.customer)
    assert (entry.action, entry.agent_name, entry.at) == ("changed", "王芳", LATER)
    assert entry.changes == (("phone", "+862155550101", "+862155550202"),)

    _edit(database, agent, desk.customer)  # saved as it stood: no entry
    assert len(_history(database, agent, desk.customer)) == 1


def test_a_save_that_lost_to_another_desk_writes_no_entry(database: Database, desk: Desk) -> None:
    agent, colleague = _agent(desk), Actor(desk.colleague, "李娜", Role.AGENT, "south")
    with UnitOfWork(database) as uow:
        d = customer_detail(uow, agent, CustomerQuery(desk.customer), LATER)
    assert d is not None
    _edit(database, colleague, desk.customer, unit_number="A-102")
    stale = CustomerDraft(d.name, unit_number="A-999", id=d.id, version=d.version)
    with UnitOfWork(database) as uow, pytest.raises(Conflict):
        save_customer(uow, agent, SaveCustomer(stale), LATER)
    entries = _history(database, agent, desk.customer)
    assert [(e.agent_name, e.changes) for e in entries] == [
        ("李娜", (("unit_number", "A-101", "A-102"),))
    ]


def test_contacts_added_changed_and_removed_are_on_the_customers_history(
    database: Database, desk: Desk
) -> None:
    agent = _agent(desk)
    new = ContactDraft(desk.customer, "赵敏", phone="13900139000", email="zhao@example.com")
    with UnitOfWork(database) as uow:
        saved = save_contact(uow, agent, SaveContact(new), FIXED_NOW)
    assert saved.ok
    edit = ContactDraft(
        desk.customer,
        "赵敏",
        phone="13900139001",
        email="zhao@example.com",
        personal_notes="喜欢打高尔夫",
        id=saved.id,
        version=saved.version,
    )
    with UnitOfWork(database) as uow:
        changed = save_contact(uow, agent, SaveContact(edit), LATER)
    with UnitOfWork(database) as uow:
        remove_contact(uow, agent, RemoveContact(saved.id or 0, changed.version or 0), LATER)
    removed, edited, added = _history(database, agent, desk.customer)  # newest first
    assert (added.action, added.subject) == ("contact_added", "赵敏")
    assert ("contact_phone", None, "+8613900139000") in added.changes
    assert edited.action == "contact_changed" and edited.changes == (
        ("contact_phone", "+8613900139000", "+8613900139001"),
        ("personal_notes", "", "喜欢打高尔夫"),
    )
    assert removed.action == "contact_removed" and removed.subject == "赵敏"
    assert ("contact", "赵敏", None) in removed.changes

    # a department member sees the history masked, as the profiles themselves
    member = Actor(desk.agent, "王芳", Role.DEPARTMENT, "north")
    shown = {e.action: e.changes for e in _history(database, member, desk.customer)}
    assert shown["contact_changed"] == (
        ("contact_phone", "139****9000", "139****9001"),
        ("personal_notes", "", "***"),
    )
    assert ("email", None, "z***@example.com") in shown["contact_added"]
    assert ("email", "z***@example.com", None) in shown["contact_removed"]


def test_a_new_customer_from_the_form_the_intake_and_the_leads_sharing_out_are_entries(
    database: Database, desk: Desk
) -> None:
    agent, lead = _agent(desk), Actor(desk.lead, "张伟", Role.LEAD, "north")
    with UnitOfWork(database) as uow:
        filed = save_customer(
            uow,
            agent,
            SaveCustomer(
                CustomerDraft("杭州云帆科技有限公司", unit_number="C-303"),
                ContactDraft(0, "陈静", role="principal", phone="13800138000"),
            ),
            FIXED_NOW,
        )
    customer_id = filed.result.id or 0
    entries = _history(database, agent, customer_id)
    assert [e.action for e in entries] == ["contact_added", "created"]
    assert ("name", None, "杭州云帆科技有限公司") in entries[1].changes

    call = CallIntake(
        "question", "billing", "phone", "normal", "发票", new_customer_name="深圳海纳",
        new_contact_name="周杰", caller_phone="+8613700137000",
    )  # fmt: skip
    with UnitOfWork(database) as uow:
        saved = record_call(uow, agent, RecordCall(call), FIXED_NOW)
    created = _history(database, agent, saved.customer_id)
    assert [(e.action, e.agent_name) for e in created] == [
        ("contact_added", "王芳"),
        ("created", "王芳"),
    ]
    assert ("agent", None, "王芳") in created[1].changes

    with UnitOfWork(database) as uow:
        assign_customers(uow, lead, AssignCustomers(), LATER)
    (shared, *_) = _history(database, agent, customer_id)
    assert shared.action == "assigned" and shared.agent_name == "张伟"
    ((field, old, new),) = shared.changes
    assert (field, old) == ("agent", None) and new in ("王芳", "李娜")


def _v(uow: UnitOfWork, item_id: int) -> int:
    """The item's version as a form would have loaded it."""
    return uow.session.get_one(m.HandoverItem, item_id).version


def test_a_handover_item_keeps_each_change_from_whom_to_whom(
    database: Database, desk: Desk
) -> None:
    agent, lead = _agent(desk), Actor(desk.lead, "张伟", Role.LEAD, "north")
    colleague = Actor(desk.colleague, "李娜", Role.AGENT, "south")
    end = FIXED_NOW.replace(hour=17, minute=50)
    new = NewHandoverItem(sheet=HandoverSheet.RETURN, title="退货待协商", next_step="明早协商")
    with UnitOfWork(database) as uow:
        item_id = add_handover_item(uow, agent, AddHandoverItem(new), end)
    with UnitOfWork(database) as uow:
        update_handover_item(
            uow, agent, UpdateHandoverItem(item_id, "已退款", "寄回", "", _v(uow, item_id)), end
        )
    with UnitOfWork(database) as uow:
        hand_over(uow, agent, HandOver(desk.lead), end)
    with UnitOfWork(database) as uow:
        reassign_handover_item(
            uow,
            lead,
            ReassignHandoverItem(item_id, desk.colleague, "李娜熟悉", _v(uow, item_id)),
            end,
        )
    with UnitOfWork(database) as uow:
        acknowledge_handover(uow, colleague, AcknowledgeHandover(item_id, _v(uow, item_id)), end)
    with UnitOfWork(database) as uow:
        finish_handover_item(
            uow, colleague, FinishHandoverItem(item_id, _v(uow, item_id), "已寄回"), end
        )
    with UnitOfWork(database) as uow:
        entries = handover_item_history(uow, agent, HandoverHistory(item_id), end)
    by_action = {e.action: e for e in entries}
    assert [e.action for e in entries][::-1] == [
        "added", "changed", "handed_over", "reassigned", "acknowledged", "finished",
    ]  # fmt: skip
    assert by_action["changed"].changes == (
        ("done_so_far", "", "已退款"),
        ("next_step", "明早协商", "寄回"),
    )
    assert ("to", None, "张伟") in by_action["handed_over"].changes
    reassigned = by_action["reassigned"]
    assert ("to", "张伟", "李娜") in reassigned.changes and reassigned.agent_name == "张伟"
    assert reassigned.note == "李娜熟悉"
    with UnitOfWork(database) as uow:  # and the audit has the reassignment, with its reason
        audit = uow.audit.search(action="reassign", limit=10)
    assert [(a.agent_name, a.subject, a.detail) for a in audit] == [
        ("张伟", f"handover_item {item_id}", {"from": "张伟", "to": "李娜", "reason": "李娜熟悉"})
    ]
    assert ("status", "handed_over", "acknowledged") in by_action["acknowledged"].changes
    assert by_action["finished"].agent_name == "李娜"


def test_account_changes_are_audited_old_to_new_and_never_with_a_password(
    database: Database,
) -> None:
    secret = "s3cret-pass"
    with UnitOfWork(database) as uow:
        manager = accounts.add_agent(uow, None, AddAgent("刘洋", Role.MANAGER, secret), FIXED_NOW)
    with UnitOfWork(database) as uow:
        accounts.add_agent(uow, manager, AddAgent("王芳", Role.AGENT, secret), FIXED_NOW)
    with UnitOfWork(database) as uow:
        accounts.set_role(uow, manager, SetRole("王芳", Role.LEAD), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(AccountRefused):
        accounts.set_role(uow, manager, SetRole("刘洋", Role.AGENT), FIXED_NOW)
    with UnitOfWork(database) as uow:
        accounts.set_active(uow, manager, ("王芳", False), FIXED_NOW)
    with UnitOfWork(database) as uow:
        once = accounts.reset_password(uow, manager, "王芳", FIXED_NOW)
    with UnitOfWork(database) as uow:
        lines = {e.action: e for e in reversed(uow.audit.search())}  # the newest of each
        hashes = list(uow.session.scalars(select(m.Agent.password_hash)))
        role = uow.session.scalars(select(m.Agent.role).where(m.Agent.name == "王芳")).one()
    assert role == Role.LEAD
    assert lines["account_added"].detail["role"] == [None, "agent"]
    assert (lines["role_changed"].subject, lines["role_changed"].detail) == (
        "王芳",
        {"role": ["agent", "lead"]},
    )
    assert lines["account_disabled"].detail == {"active": [True, False]}
    assert lines["password_reset"].detail == {"must_change_password": [False, True]}
    everything = repr([(e.detail, e.subject) for e in lines.values()])
    for word in (secret, once, *filter(None, hashes)):
        assert word not in everything


def test_no_store_or_service_can_delete_or_rewrite_history_or_audit() -> None:
    """The history and audit tables are only ever inserted into: no `delete(...)`, no
    `update(...)`, no `session.delete` of one of their rows anywhere in deskui, and no
    relationship that would cascade a delete to them."""
    from pathlib import Path

    import deskui

    append_only = (
        "CustomerChange", "HandoverEvent", "TicketEvent", "CallbackEvent", "OrderEvent",
        "ProspectEvent", "AuditEntry",
    )  # fmt: skip
    tables = {getattr(m, name).__tablename__ for name in append_only}
    root = Path(deskui.__file__).parent
    for path in root.rglob("*.py"):
        source = path.read_text("utf-8")
        for name in append_only:
            for writer in (f"delete(m.{name}", f"update(m.{name}", f"delete({name}"):
                assert writer not in source, (path, writer)
        for table in tables:
            for statement in (f"DELETE FROM {table}", f"UPDATE {table}"):
                assert statement.lower() not in source.lower(), (path, statement)
    for mapper in m.every_model().registry.mappers:
        for relation in mapper.relationships:
            if relation.mapper.class_.__name__ in append_only:
                assert not relation.cascade.delete, relation


def test_the_history_is_written_in_the_changes_own_commit(database: Database, desk: Desk) -> None:
    """A change rolled back takes its entry with it: both or neither."""
    agent = _agent(desk)
    with UnitOfWork(database) as uow:
        d = customer_detail(uow, agent, CustomerQuery(desk.customer), LATER)
        assert d is not None
        draft = CustomerDraft(d.name, unit_number="Z-9", id=d.id, version=d.version)
        assert uow.profiles.save_customer(draft, agent.id, LATER).ok  # not committed
    with UnitOfWork(database) as uow:
        count = uow.session.scalar(select(func.count()).select_from(m.CustomerChange))
    assert count == 0


def test_a_callback_taken_over_at_a_handover_says_from_whom_to_whom(
    database: Database, desk: Desk
) -> None:
    """Its owner moves with the handover item, as a ticket's does: a callback event too."""
    from deskui.domain.calendar import BusinessCalendar
    from deskui.services.handover import GatherHandover, gather_handover

    agent, colleague = _agent(desk), Actor(desk.colleague, "李娜", Role.AGENT, "south")
    end = FIXED_NOW.replace(hour=17, minute=50)
    with UnitOfWork(database) as uow:
        callback_id = uow.callbacks.add_callback(
            desk.customer, "routine", FIXED_NOW, FIXED_NOW, BusinessCalendar(),
            agent_id=desk.agent, due_at=end - timedelta(hours=1),
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(database) as uow:
        assert gather_handover(uow, agent, GatherHandover("Asia/Shanghai"), end) == 1
    with UnitOfWork(database) as uow:
        hand_over(uow, agent, HandOver(desk.colleague), end)
    with UnitOfWork(database) as uow:
        assert acknowledge_handover(uow, colleague, AcknowledgeHandover(), end) == 1
    with UnitOfWork(database) as uow:
        events = uow.callbacks.callback_events(callback_id)
        assert uow.session.get_one(m.Callback, callback_id).agent_id == desk.colleague
    handed = [(name, detail) for _, action, name, detail in events if action == "handed_over"]
    assert [(name, detail["from"], detail["to"]) for name, detail in handed] == [
        ("李娜", "王芳", "李娜")
    ]
