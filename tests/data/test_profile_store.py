"""Customer profiles in the repository, on SQLite and PostgreSQL alike (seed 000:1)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from deskui.data import models as m
from deskui.data.database import Database
from deskui.data.profile_records import ContactDraft, CustomerDraft
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.customer_import import parse_rows
from deskui.domain.model import DeadlineKind, Role
from tests.conftest import FIXED_NOW

NOW = FIXED_NOW


def _agents(db: Database) -> tuple[int, int, int]:
    with UnitOfWork(db) as uow:
        a = uow.agents.add_agent("王芳", Role.AGENT, NOW)
        b = uow.agents.add_agent("李娜", Role.AGENT, NOW)
        lead = uow.agents.add_agent("张伟", Role.LEAD, NOW)
        uow.commit()
    return a.id, b.id, lead.id


def _filings(db: Database, customer_id: int) -> dict[str, m.Deadline]:
    with UnitOfWork(db) as uow:
        rows = uow.session.scalars(
            select(m.Deadline).where(
                m.Deadline.kind == DeadlineKind.PROFILE_FILING, m.Deadline.subject_id == customer_id
            )
        )
        out = {d.note: d for d in rows}
        uow.session.expunge_all()
    return out


def test_new_customer_stores_e164_and_reversed_and_opens_filings(database: Database) -> None:
    agent, _, _ = _agents(database)
    with UnitOfWork(database) as uow:
        draft = CustomerDraft(
            "深圳华强电子", "华强北路 1 号", "0755 8888 6666", "A-101", "2026-11-20"
        )
        result = uow.profiles.save_customer(draft, agent, NOW)
        uow.commit()
    assert result.ok and result.id is not None
    with UnitOfWork(database) as uow:
        row = uow.session.get_one(m.Customer, result.id)
        assert (row.phone_e164, row.phone_reversed) == ("+8675588886666", "6666888855768")
        detail = uow.profiles.customer_detail(result.id)
    assert detail is not None and detail.version == result.version
    filings = _filings(database, result.id)
    assert set(filings) == {"cs", "personal_notes", "sales"}
    assert filings["cs"].due_at == NOW + timedelta(hours=24)  # seed 000:1.4.3
    assert filings["personal_notes"].due_at == NOW + timedelta(days=30)  # seed 000:1.4.2
    assert filings["sales"].due_at.date().isoformat() == "2026-11-23"  # 1.4.1: 3 days
    assert all(d.owner_id == agent and d.met_at is None for d in filings.values())


def test_filing_met_when_a_phonable_contact_is_added(database: Database) -> None:
    agent, _, _ = _agents(database)
    with UnitOfWork(database) as uow:
        customer = uow.profiles.save_customer(CustomerDraft("华强"), agent, NOW).id
        assert customer is not None
        later = NOW + timedelta(hours=3)
        saved = uow.profiles.save_contact(
            ContactDraft(customer, "张伟", "principal", phone="13812345678", birthday="1980-5-17"),
            later,
        )
        uow.commit()
    assert saved.ok
    filings = _filings(database, customer)
    assert filings["cs"].met_at == later
    assert filings["personal_notes"].met_at is None
    with UnitOfWork(database) as uow:
        detail = uow.profiles.customer_detail(customer)
        assert detail is not None
        (contact,) = detail.contacts
        uow.profiles.save_contact(
            ContactDraft(
                customer,
                "张伟",
                phone="13812345678",
                personal_notes="喜欢钓鱼",
                id=contact.id,
                version=contact.version,
            ),
            later,
        )
        uow.commit()
    assert _filings(database, customer)["personal_notes"].met_at == later


def test_problems_write_nothing(database: Database) -> None:
    agent, _, _ = _agents(database)
    with UnitOfWork(database) as uow:
        result = uow.profiles.save_customer(CustomerDraft("", phone="12"), agent, NOW)
        uow.commit()
        assert uow.profiles.customer_row_count() == 0
    assert {p.key for p in result.problems} == {
        "profiles.problem.missing_name",
        "profiles.phone.too_short",
    }


def test_stale_version_is_a_conflict_and_keeps_the_other_save(database: Database) -> None:
    agent, _, _ = _agents(database)
    with UnitOfWork(database) as uow:
        first = uow.profiles.save_customer(CustomerDraft("华强"), agent, NOW)
        uow.commit()
    assert first.id is not None and first.version is not None
    with UnitOfWork(database) as uow:
        ok = CustomerDraft("华强电子", id=first.id, version=first.version)
        assert uow.profiles.save_customer(ok, agent, NOW).ok
        uow.commit()
    with UnitOfWork(database) as uow:
        stale = CustomerDraft("华强科技", id=first.id, version=first.version)
        result = uow.profiles.save_customer(stale, agent, NOW)
        assert result.conflict and not result.ok
    with UnitOfWork(database) as uow:
        assert uow.session.get_one(m.Customer, first.id).name == "华强电子"


def test_concurrent_edit_detected_at_flush(database: Database) -> None:
    """Two desks load the same version; the second write loses at the database."""
    agent, _, _ = _agents(database)
    with UnitOfWork(database) as uow:
        saved = uow.profiles.save_customer(CustomerDraft("华强"), agent, NOW)
        uow.commit()
    assert saved.id is not None
    with UnitOfWork(database) as one, UnitOfWork(database) as two:
        one.session.get_one(m.Customer, saved.id)  # both desks hold version 1
        two.session.get_one(m.Customer, saved.id)
        assert one.profiles.save_customer(
            CustomerDraft("一号", id=saved.id, version=saved.version), agent, NOW
        ).ok
        one.commit()
        result = two.profiles.save_customer(
            CustomerDraft("二号", id=saved.id, version=saved.version), agent, NOW
        )
    assert result.conflict


def test_remove_contact(database: Database) -> None:
    agent, _, _ = _agents(database)
    with UnitOfWork(database) as uow:
        customer = uow.profiles.save_customer(CustomerDraft("华强"), agent, NOW).id
        assert customer is not None
        contact = uow.profiles.save_contact(ContactDraft(customer, "李"), NOW)
        uow.commit()
    assert contact.id is not None and contact.version is not None
    with UnitOfWork(database) as uow:
        assert uow.profiles.remove_contact(contact.id, contact.version + 5, NOW).conflict
        assert uow.profiles.remove_contact(contact.id, contact.version, NOW).ok
        uow.commit()
    with UnitOfWork(database) as uow:
        detail = uow.profiles.customer_detail(customer)
        assert detail is not None and detail.contacts == ()


def test_assignment_balances_and_moves_filings(database: Database) -> None:
    a, b, lead = _agents(database)
    with UnitOfWork(database) as uow:
        ids = [
            uow.profiles.save_customer(CustomerDraft(f"客户{i}"), lead, NOW).id for i in range(5)
        ]
        uow.commit()
    with UnitOfWork(database) as uow:
        mapping = uow.profiles.run_assignment(NOW)
        uow.commit()
    assert sorted(mapping) == sorted(i for i in ids if i is not None)
    assert sorted(list(mapping.values()).count(x) for x in (a, b)) == [2, 3]
    assert lead not in mapping.values()  # leads are not given customers
    first = ids[0]
    assert first is not None
    assert {d.owner_id for d in _filings(database, first).values()} == {mapping[first]}
    with UnitOfWork(database) as uow:
        assert uow.profiles.run_assignment(NOW) == {}  # nothing left unassigned
        detail = uow.profiles.customer_detail(first)
        assert detail is not None
        other = b if mapping[first] == a else a
        assert uow.profiles.reassign(first, other, detail.version, NOW).ok
        uow.commit()
    assert {d.owner_id for d in _filings(database, first).values()} == {other}


def test_import_dry_run_writes_nothing_then_accept_files_good_rows(database: Database) -> None:
    agent, _, _ = _agents(database)
    with UnitOfWork(database) as uow:
        uow.profiles.save_customer(CustomerDraft("老客户", phone="010 8888 6666"), agent, NOW)
        uow.commit()
    rows = [
        {"公司名称": "甲", "公司电话": "13812345678", "联系人": "张", "联系电话": "13912345678"},
        {"公司名称": "乙", "公司电话": "坏号码"},
        {"公司名称": "丙", "公司电话": "01088886666"},
        {"公司名称": "丁"},
    ]
    with UnitOfWork(database) as uow:
        report = parse_rows(rows, uow.profiles.existing_phones())
        dry = uow.profiles.import_customers(report, agent, NOW, dry_run=True)
        uow.commit()
        assert uow.profiles.customer_row_count() == 1
    assert (dry.created, len(report.bad)) == (2, 2)
    with UnitOfWork(database) as uow:
        done = uow.profiles.import_customers(report, agent, NOW, dry_run=False)
        uow.commit()
    assert done.created == 2 and not done.dry_run
    with UnitOfWork(database) as uow:
        rows_now = uow.profiles.customer_rows(0, 10)
    assert {r.name for r in rows_now} == {"老客户", "甲", "丁"}
    jia = next(r for r in rows_now if r.name == "甲")
    assert jia.contacts == 1
    assert _filings(database, jia.id)["cs"].met_at == NOW  # it came with a phonable contact


def test_import_skips_a_phone_filed_since_the_report(database: Database) -> None:
    agent, _, _ = _agents(database)
    report = parse_rows([{"name": "甲", "phone": "13812345678"}])
    with UnitOfWork(database) as uow:
        uow.profiles.save_customer(CustomerDraft("抢先", phone="13812345678"), agent, NOW)
        outcome = uow.profiles.import_customers(report, agent, NOW, dry_run=False)
        uow.commit()
    assert (outcome.created, outcome.skipped_lines) == (0, (2,))


def test_list_puts_open_filings_first(database: Database) -> None:
    agent, _, _ = _agents(database)
    with UnitOfWork(database) as uow:
        done = uow.profiles.save_customer(CustomerDraft("已建档"), agent, NOW).id
        assert done is not None
        uow.profiles.save_contact(ContactDraft(done, "李", phone="13812345678"), NOW)
        uow.profiles.save_customer(CustomerDraft("待建档"), agent, NOW + timedelta(hours=1))
        uow.commit()
        rows = uow.profiles.customer_rows(0, 10)
    assert [r.name for r in rows] == ["待建档", "已建档"]
    assert rows[0].filing_due == NOW + timedelta(hours=25)
    assert rows[1].filing_due == NOW + timedelta(days=30)  # personal notes still open


def test_read_table_csv_with_and_without_bom_and_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from deskui.data.tabular import TableError, read_table

    for encoding in ("utf-8", "utf-8-sig"):
        path = tmp_path / f"{encoding}.csv"
        path.write_text("公司名称,公司电话\n甲,13812345678\n", encoding=encoding)
        assert read_table(path) == [{"公司名称": "甲", "公司电话": "13812345678"}]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "phone", None])
    sheet.append(["Acme", 13812345678, "x"])
    book.save(tmp_path / "c.xlsx")
    rows = read_table(tmp_path / "c.xlsx")
    assert rows == [{"name": "Acme", "phone": 13812345678, None: ["x"]}]  # kept, not dropped
    assert parse_rows(rows).bad[0].problems[-1].key == "profiles.problem.extra_cells"
    (tmp_path / "gbk.csv").write_bytes("公司名称\n甲\n".encode("gbk"))
    for bad in ("gbk.csv", "missing.csv"):
        try:
            read_table(tmp_path / bad)
        except TableError:
            continue
        raise AssertionError(bad)
