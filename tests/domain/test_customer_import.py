"""Customer sheets: headers in zh-CN or en, bad phones, duplicates, missing names."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from deskui.domain.customer_import import (
    check_contact,
    check_customer,
    check_date,
    field_of,
    parse_rows,
)

ROOT = Path(__file__).resolve().parents[2]


def test_chinese_headers_make_a_customer_with_its_contact() -> None:
    report = parse_rows(
        [
            {
                "公司名称": "深圳华强电子",
                "地址": "深圳市华强北路 1 号",
                "公司电话": "0755-8888 6666",
                "铺位号": "A-101",
                "联系人": "张伟",
                "角色": "负责人",
                "职位": "店长",
                "联系电话": "138 1234 5678",
                "电邮": "zw@example.cn",
                "性别": "男",
                "生日": "1980年5月17日",
                "方便联系时间": "工作日上午",
            }
        ]
    )
    assert not report.bad
    (row,) = report.ok
    assert (row.line, row.name, row.phone_e164, row.unit_number) == (
        2,
        "深圳华强电子",
        "+8675588886666",
        "A-101",
    )
    assert row.contact is not None
    assert row.contact.role == "principal"
    assert row.contact.gender == "male"
    assert row.contact.phone_e164 == "+8613812345678"
    assert row.contact.birthday == date(1980, 5, 17)


def test_english_headers_any_case() -> None:
    report = parse_rows([{"Name": "Acme", "Phone": "13812345678", "Unit Number": "B-2"}])
    assert report.ok[0].unit_number == "B-2"
    assert field_of(" 公司电话 ") == "phone"
    assert field_of("Contact Phone") == "contact_phone"


def test_bad_phone_missing_name_and_duplicates_are_reported_per_row() -> None:
    rows = [
        {"name": "A", "phone": "13812345678"},
        {"name": "B", "phone": "1234"},  # 12345 is a service number (shortnumberinfo)
        {"name": "", "phone": "13912345678"},
        {"name": "C", "phone": "138 1234 5678"},
        {"name": "D", "phone": "010 8888 6666"},
    ]
    report = parse_rows(rows, existing_phones={"+861088886666"})
    assert [r.line for r in report.ok] == [2]
    reasons = {r.line: [p.key for p in r.problems] for r in report.bad}
    assert reasons == {
        3: ["profiles.phone.too_short"],
        4: ["profiles.problem.missing_name"],
        5: ["profiles.problem.duplicate_in_file"],
        6: ["profiles.problem.duplicate_on_file"],
    }
    assert report.bad[2].problems[0].values == {"line": 2}


def test_blank_lines_skipped_and_unknown_columns_listed() -> None:
    report = parse_rows([{"name": "A", "备注": "x"}, {"name": "", "备注": ""}])
    assert len(report.ok) == 1
    assert report.unknown_columns == ("备注",)


def test_a_file_without_a_name_column_says_so() -> None:
    report = parse_rows([{"phone": "13812345678"}])
    assert report.missing_columns == ("name",)
    assert not report.ok


def test_markup_and_escapes_are_kept_as_typed() -> None:
    report = parse_rows([{"name": "[bold]王[/]\x1b[31m", "address": "a\\nb"}])
    assert report.ok[0].name == "[bold]王[/]\x1b[31m"
    assert report.ok[0].address == "a\\nb"


def test_over_long_text_is_a_problem() -> None:
    problems = check_customer("x" * 201, "", "", "")
    assert [(p.field, p.key) for p in problems] == [("name", "profiles.problem.too_long")]


def test_spreadsheet_numbers_and_dates() -> None:
    report = parse_rows(
        [{"name": "A", "phone": 13812345678.0, "contact": "李", "birthday": datetime(1990, 1, 2)}]
    )
    row = report.ok[0]
    assert row.phone_e164 == "+8613812345678"
    assert row.contact is not None and row.contact.birthday == date(1990, 1, 2)


def test_dates() -> None:
    assert check_date("b", "1980-05-17") == (date(1980, 5, 17), None)
    assert check_date("b", "1980/5/7")[0] == date(1980, 5, 7)
    assert check_date("b", "") == (None, None)
    assert check_date("b", "1980-02-30")[1] is not None
    assert check_date("b", "明天")[1] is not None


def test_contact_checks() -> None:
    contact, problems = check_contact(
        {"contact": "", "gender": "x", "role": "boss", "email": "no-at", "contact_phone": "1"}
    )
    assert contact is None
    assert {p.key for p in problems} == {
        "profiles.problem.missing_contact_name",
        "profiles.problem.bad_gender",
        "profiles.problem.bad_role",
        "profiles.problem.bad_email",
        "profiles.phone.too_short",
    }


def test_domain_modules_load_neither_textual_nor_sqlalchemy() -> None:
    code = (
        "import sys\n"
        "import deskui.domain.customer_import, deskui.domain.assignment\n"
        "print(','.join(m for m in ('textual', 'sqlalchemy', 'openpyxl') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_every_line_is_imported_reported_or_blank() -> None:
    """Whatever the rows hold, each line lands in exactly one of ok, bad or blank (issue 13)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    cells = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["", " ", "13812345678"]))
    headers = st.sampled_from(["公司名称", "地址", "联系人", "备注", "", None])
    rows = st.lists(st.dictionaries(headers, cells, max_size=4), max_size=6)

    @settings(max_examples=60, deadline=None)
    @given(rows)
    def check(sheet: list[dict[str | None, object]]) -> None:
        report = parse_rows(sheet)
        lines = [r.line for r in report.ok] + [r.line for r in report.bad]
        assert sorted([*lines, *report.blank_lines]) == list(range(2, len(sheet) + 2))
        assert all(row.problems for row in report.bad)

    check()


def test_nul_extra_cells_and_header_only_are_problems_not_silence() -> None:
    nul = parse_rows([{"name": "坏\x00名字"}])
    assert [p.key for p in nul.bad[0].problems] == ["profiles.problem.nul_char"]
    extra = parse_rows([{"name": "A", None: ["", "x"]}])
    assert extra.bad[0].problems[0].values == {"values": "x"}
    assert parse_rows([{"name": "A", None: ["", " "]}]).ok  # empty extra cells are nothing
    header_only = parse_rows([], headers=("公司名称",))
    assert header_only.has_header and header_only.rows == 0
    assert not parse_rows([], headers=()).has_header
    no_known = parse_rows([{"备注": "x"}], headers=("备注",))
    assert no_known.missing_columns == ("name",)
    assert [p.key for p in no_known.bad[0].problems] == ["profiles.problem.missing_name"]
