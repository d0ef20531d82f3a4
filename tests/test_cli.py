"""The command line, run in-process: demo export, errors said in one line, db upgrade."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from deskui.cli import main

NOW = "2026-11-23T09:00+08:00"
TICKET_HEADERS = [
    "id", "customer", "contact", "kind", "category", "channel", "severity", "status", "owner",
    "department", "unit_number", "customer_words", "expectation", "opened_at",
    "first_contact_due", "closed_at",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _demo_folders_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--demo makes its database under tempfile's folder: keep that inside the test's own."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def _export(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["--demo", "--now", NOW, "export", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return out


def test_demo_export_tickets_prints_csv(capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.reader(io.StringIO(_export(capsys, "tickets"))))
    assert rows[0] == TICKET_HEADERS
    body = rows[1:]
    assert len(body) >= 42  # the intake demo's 42 and what later features add
    assert all(len(row) == len(TICKET_HEADERS) for row in body)
    assert [int(row[0]) for row in body] == list(range(1, len(body) + 1))
    customer, owner, opened = (TICKET_HEADERS.index(c) for c in ("customer", "owner", "opened_at"))
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in row[customer]) for row in body)
    assert {row[owner] for row in body} <= {"王芳", "李娜", "陈静", "张伟"}
    # the demo is seeded relative to --now and times are shown in the site's zone
    assert all(row[opened].endswith("+08:00") and row[opened] < "2026-11-23T09:00" for row in body)


def test_demo_export_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    for kind in ("tickets", "history"):
        assert _export(capsys, kind) == _export(capsys, kind)


def test_demo_export_customers_as_xlsx(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "customers.xlsx"
    assert _export(capsys, "customers", "--format", "xlsx", "--output", str(target)) == ""
    book = load_workbook(target, read_only=True)
    assert book.sheetnames == ["customers"]
    rows = list(book["customers"].iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "name", "address")
    assert len(rows) == 1 + 159  # one row per contact of the 80 demo customers
    assert any("公司" in str(row[1]) for row in rows[1:])


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--now", "next tuesday", "export", "tickets"], "--now"),
        (["--demo", "--now", "2026-13-45T09:00", "export", "tickets"], "--now"),
        (["--db", "foo://x", "export", "tickets"], "--db"),
        (["--db", "foo://x", "db", "upgrade"], "--db"),
        (["--db", "postgresql+psycopg://u:p@127.0.0.1:1/x", "export", "tickets"], "cannot reach"),
        (["--db", "postgresql+psycopg://u:p@127.0.0.1:1/x", "db", "upgrade"], "cannot reach"),
        (["--db", "postgresql+psycopg://u:p@127.0.0.1:1/x"], "cannot reach"),
        (["--demo", "--db", "foo://x"], "--db"),
        (["--demo", "--db", "foo://x", "export", "tickets"], "--db"),
    ],
    ids=[
        "bad-now",
        "impossible-date",
        "bad-scheme-export",
        "bad-scheme-upgrade",
        "unreachable-export",
        "unreachable-upgrade",
        "unreachable-run",
        "demo-bad-db",
        "demo-bad-db-export",
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str],
    says: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import deskui.app

    def no_app(*_args: object) -> None:
        pytest.fail("the app must not start when the database cannot be reached")

    monkeypatch.setattr(deskui.app, "make_app", no_app)
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("deskui: ")
    assert says in lines[0]
    assert "Traceback" not in err
    assert out == ""
    assert ":p@" not in err  # the password is never echoed


def test_db_upgrade_on_a_new_sqlite_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, inspect

    path = tmp_path / "desk.db"
    url = f"sqlite:///{path}"
    assert main(["--db", url, "db", "upgrade"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("deskui: database is up to date")
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"alembic_version", "agent", "customer", "ticket", "deadline", "draft"} <= tables
    # again, with --db after the command: nothing to do, still fine
    assert main(["db", "upgrade", "--db", url]) == 0
    assert capsys.readouterr().out.startswith("deskui: database is up to date")


def test_python_m_deskui_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deskui", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: deskui")
    for word in ("--demo", "--now", "--db", "--lang", "--agent", "export", "db"):
        assert word in result.stdout
    assert result.stderr == ""


def test_export_in_words_gives_the_headers_and_values_an_agent_reads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = list(csv.reader(io.StringIO(_export(capsys, "handover"))))
    words = list(csv.reader(io.StringIO(_export(capsys, "handover", "--words"))))
    # the default keeps the stable keys scripts read; --words says them in Chinese
    assert keys[0][:3] == ["id", "sheet", "status"]
    assert words[0][:3] == ["编号", "表", "状态"]
    courier = next(n for n, row in enumerate(keys) if row[1] == "courier")
    assert keys[courier][2] == "handed_over"
    assert words[courier][1:3] == ["快递责任", "待确认"]
    assert words[courier][3] == keys[courier][3]  # what people typed stays as it is
    assert len(words) == len(keys)


@pytest.mark.parametrize(
    "kind", ["tickets", "callbacks", "correspondence", "orders", "gifts", "visit_requests"]
)
def test_export_in_words_has_no_code_left_in_its_headers_or_coded_columns(
    capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    import re

    rows = list(csv.reader(io.StringIO(_export(capsys, kind, "--words"))))
    assert not any(re.search(r"[A-Za-z]", header) for header in rows[0]), rows[0]
    coded = {"类型", "类别", "渠道", "紧急度", "状态", "部门", "目的", "方式", "收/发", "表"}
    for row in rows[1:]:
        for header, value in zip(rows[0], row, strict=True):
            if header in coded:
                assert not re.fullmatch(r"[a-z_]+", value), (header, value)


def test_export_in_english_words(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--demo", "--now", NOW, "--lang", "en", "export", "correspondence", "--words"])
    out, _ = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0][:4] == ["Item", "At", "Direction", "Kind"]
    assert {row[2] for row in rows[1:]} <= {"In", "Out"}


def test_callbacks_in_words_say_answers_reasons_and_occasions_in_the_sites_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 26: `--words` still wrote convenient=yes, contact_hours and
    holiday:…:National Day; the default export keeps those codes for scripts."""
    from deskui.cli.export import table_in_words

    keys = _export(capsys, "callbacks")
    assert "convenient=yes" in keys and "contact_hours" in keys  # the demo has them
    words = _export(capsys, "callbacks", "--words")
    for code in ("convenient=", "satisfaction=", "contact_hours"):
        assert code not in words, code
    assert "是否方便：是 / 方便" in words and "不在联系人方便的时间内" in words
    # a callback moved off National Day, for the holiday itself (the demo's month has none)
    headers = ["moved_reason", "occasion", "answers", "notes"]
    row = ["holiday:National Day", "holiday:2026-10-01:National Day",
           "convenient=yes; satisfaction=average; feedback=a=b; c", "convenient=yes"]  # fmt: skip
    (said,) = table_in_words("callbacks", (headers, [row]))[1]
    assert said[0] == "国庆节假期，避开客户休息时间"
    assert said[1] == "国庆节 10-01"
    assert said[2] == "是否方便：是 / 方便；满意度：一般；评价与建议：a=b；c"
    assert said[3] == "convenient=yes"  # notes are what the agent typed
