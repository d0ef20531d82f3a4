"""`deskui report team`: the lead's measures as XLSX (one sheet per measure, figures matching
the services) and PDF; an agent is refused (Action.SEE_TEAM)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from deskui.cli import main
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.periods import days_between
from deskui.i18n import set_locale
from deskui.services.actor import Actor
from deskui.services.measures import PeriodQuery, period_figures
from tests.conftest import FIXED_NOW

NOW = FIXED_NOW.isoformat()


def test_the_xlsx_has_a_sheet_per_measure_and_the_services_figures(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    out = tmp_path / "team.xlsx"
    args = ["report", "team", "--from", "2026-11-16", "--to", "2026-11-23", "--format", "xlsx"]
    assert main(["--demo", "--db", url, "--now", NOW, *args, "--output", str(out)]) == 0
    book = load_workbook(out)
    set_locale("zh-CN")
    assert book.sheetnames[0] == "汇总"
    assert book.sheetnames[-2:] == ["周数据", "月总结"]  # the lead's, after the measures'
    assert {"首次联系", "解决用时", "客户投诉", "重复投诉", "新增问题记录"} <= set(book.sheetnames)
    summary = {row[0]: row[1:] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    database = Database(url)
    with UnitOfWork(database) as uow:
        manager = next(a for a in uow.agents.agents() if a.role == Role.MANAGER)
        figures = period_figures(
            uow,
            Actor(manager.id, manager.name, manager.role),
            PeriodQuery(days_between(date(2026, 11, 16), date(2026, 11, 23))),
            FIXED_NOW + timedelta(seconds=30),  # the command's clock ran on from --now
        )
    database.dispose()
    assert summary["新增问题记录"][0] == figures.new_tickets > 0
    assert summary["超时"][0] == figures.breaches
    urgent = figures.share("first_contact", "urgent")
    assert urgent is not None
    assert summary["首次联系 · 紧迫"][:2] == (urgent.on_time.numerator, urgent.on_time.denominator)
    assert summary["回访完成"][:2] == (
        figures.callbacks_made.numerator,
        figures.callbacks_made.denominator,
    )
    # the records behind a measure follow its figures
    first = [row for row in book["首次联系"].iter_rows(values_only=True) if row[0]]
    assert any(str(row[0]).startswith("问题记录 #") for row in first)
    assert summary["接班确认"][2] == "无数据"  # nothing decided yet: no data, not 0%
    # the weekly data: 11-16..11-22 and the Monday 11-23, adding up to the period's figures
    weekly = list(book["周数据"].iter_rows(min_row=3, values_only=True))
    assert [row[:2] for row in weekly] == [
        ("第 1 周", "2026-11-16 ~ 2026-11-22"),
        ("第 2 周", "2026-11-23"),  # one day: said once
        ("合计", "2026-11-16 ~ 2026-11-23"),
    ]
    assert weekly[0][2] + weekly[1][2] == weekly[2][2] == figures.new_tickets


def test_the_pdf_and_an_agent_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    out = tmp_path / "team.pdf"
    args = ["report", "team", "--from", "2026-10-01", "--to", "2026-10-07", "--format", "pdf"]
    assert main(["--demo", "--db", url, "--now", NOW, *args, "--output", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and b"/FontFile2" in out.read_bytes()
    status = main(["--demo", "--db", url, "--now", NOW, "--agent", "王芳", *args,
                   "--output", str(tmp_path / "no.pdf")])  # fmt: skip
    assert status != 0 and not (tmp_path / "no.pdf").exists()
    assert capsys.readouterr().err.startswith("deskui: ")
    assert main(["--demo", "--db", url, "--now", NOW, "report", "team", "--from", "2026-10-07",
                 "--to", "2026-10-01", "--output", str(out)]) == 2  # fmt: skip


def test_a_pdf_onto_a_pipe_goes_down_the_pipe(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`deskui report team --format pdf | lpr`: the PDF is written to stdout (it went into a
    file named after the stream's repr, stdout empty), and a period over a year is refused
    with the period picker's words."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    args = ["report", "team", "--from", "2026-10-01", "--to", "2026-10-07", "--format", "pdf"]
    assert main(["--demo", "--db", url, "--now", NOW, *args]) == 0
    assert capfdbinary.readouterr().out.startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("demo")) == []
    long = ["report", "team", "--from", "2025-01-01", "--to", "2026-01-02", "--format", "pdf"]
    assert main(["--demo", "--db", url, "--now", NOW, *long]) == 2
    err = capfdbinary.readouterr().err.decode()
    assert err == "deskui: 最长 366 天，这段有 367 天\n"
