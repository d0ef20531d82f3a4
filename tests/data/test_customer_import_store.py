"""Customer import from a file to the database, on SQLite and PostgreSQL (issue 13): every
line is imported or reported with its reason. A NUL byte (which PostgreSQL refuses) is a
problem of its row at the dry run, not a failed import; a file with no known columns, an
empty file, a header-only file and extra cells are said, never counted as "0 problems"."""

from __future__ import annotations

from pathlib import Path

from deskui.data.database import Database
from deskui.data.tabular import read_sheet
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.customer_import import ImportReport, parse_rows
from tests.conftest import FIXED_NOW
from tests.data.conftest import Desk


def _import(database: Database, desk: Desk, path: Path) -> tuple[ImportReport, int]:
    sheet = read_sheet(path)
    with UnitOfWork(database) as uow:
        report = parse_rows(sheet.rows, uow.profiles.existing_phones(), sheet.headers)
        dry = uow.profiles.import_customers(report, desk.agent, FIXED_NOW, dry_run=True)
        done = uow.profiles.import_customers(report, desk.agent, FIXED_NOW, dry_run=False)
        uow.commit()
    assert dry.created == done.created
    return report, done.created


def _keys(report: ImportReport) -> dict[int, list[str]]:
    return {row.line: [p.key for p in row.problems] for row in report.bad}


def _names(database: Database) -> set[str]:
    with UnitOfWork(database) as uow:
        return {row.name for row in uow.profiles.customer_rows(0, 100)}


def test_a_nul_byte_is_a_problem_of_its_row_and_the_rest_is_imported(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "nul.csv"
    path.write_text("公司名称,地址\n成都瑞丰,一环路\n坏\x00名字,二环路\n杭州明月,三环路\n", "utf-8")
    report, created = _import(database, desk, path)
    assert created == 2 and _keys(report) == {3: ["profiles.problem.nul_char"]}
    assert {"成都瑞丰", "杭州明月"} <= _names(database)


def test_a_file_without_known_columns_reports_every_row(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "unknown.csv"
    path.write_text("客户,电话号码\n成都瑞丰,13812345678\n杭州明月,13912345678\n", "utf-8")
    report, created = _import(database, desk, path)
    assert created == 0 and report.missing_columns == ("name",)
    assert _keys(report) == {
        2: ["profiles.problem.missing_name"],
        3: ["profiles.problem.missing_name"],
    }
    assert report.unknown_columns == ("客户", "电话号码")


def test_an_empty_file_and_a_header_only_file_are_said_as_such(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    (tmp_path / "empty.csv").write_text("", "utf-8")
    (tmp_path / "header.csv").write_text("公司名称,地址\n", "utf-8")
    empty, created = _import(database, desk, tmp_path / "empty.csv")
    assert (empty.has_header, empty.rows, created) == (False, 0, 0)
    header, created = _import(database, desk, tmp_path / "header.csv")
    assert (header.has_header, header.rows, created) == (True, 0, 0)
    assert header.missing_columns == ()


def test_extra_cells_and_blank_lines_are_reported(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    path = tmp_path / "extra.csv"
    path.write_text("公司名称,地址\n成都瑞丰,一环路,多出来的\n,\n杭州明月,三环路\n", "utf-8")
    report, created = _import(database, desk, path)
    assert created == 1 and report.blank_lines == (3,)
    assert _keys(report) == {2: ["profiles.problem.extra_cells"]}
    assert report.bad[0].problems[0].values == {"values": "多出来的"}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["公司名称", None, "地址"])
    sheet.append(["深圳海风", "没有表头的格子", "四环路"])
    book.save(tmp_path / "extra.xlsx")
    report, created = _import(database, desk, tmp_path / "extra.xlsx")
    assert created == 0 and _keys(report) == {2: ["profiles.problem.extra_cells"]}


def test_a_founding_date_is_imported_and_one_still_to_come_is_its_rows_problem(
    database: Database, desk: Desk, tmp_path: Path
) -> None:
    """The export writes founded_on and the import dropped it (found walking the desk): a
    company's founding date, whose anniversary is called for (seed 000:2.5.1.2), comes in
    from 成立日期 or founded_on; a date after the desk's today is its row's problem."""
    from datetime import date

    from sqlalchemy import select

    from deskui.data import models as m

    path = tmp_path / "founded.csv"
    path.write_text(
        "公司名称,成立日期\n成都瑞丰,2010年12月3日\n杭州明月,\n未来公司,2099-01-01\n", "utf-8"
    )
    sheet = read_sheet(path)
    with UnitOfWork(database) as uow:
        report = parse_rows(
            sheet.rows, uow.profiles.existing_phones(), sheet.headers, FIXED_NOW.date()
        )
        done = uow.profiles.import_customers(report, desk.agent, FIXED_NOW, dry_run=False)
        uow.commit()
    assert done.created == 2 and _keys(report) == {4: ["profiles.problem.founded_later"]}
    with UnitOfWork(database) as uow:
        founded = dict(
            uow.session.execute(
                select(m.Customer.name, m.Customer.founded_on).where(
                    m.Customer.name.in_(["成都瑞丰", "杭州明月"])
                )
            ).all()
        )
    assert founded == {"成都瑞丰": date(2010, 12, 3), "杭州明月": None}
