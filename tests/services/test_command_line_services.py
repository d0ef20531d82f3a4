"""The services the command line calls (issue 24: the CLI is a front end like the screens),
on SQLite and PostgreSQL: the export, the audit's search, the gate a command passes after
sign-in, the first manager's role and the team report each refuse a lower role and an
invalid command with the domain's reason, as any caller (desk, CLI, browser, phone) meets
them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.model import Role
from deskui.domain.periods import Period, PeriodKind, days_between
from deskui.domain.permissions import Action, export_action
from deskui.domain.refusal import Invalid
from deskui.services import accounts
from deskui.services.actor import Actor, Denied
from deskui.services.audit import AuditQuery, search_audit
from deskui.services.exports import ExportRecords, export_records
from deskui.services.team_report import TeamReport, team_report
from tests.conftest import FIXED_NOW
from tests.services.conftest import Desk

ZONE = "Asia/Shanghai"


def _agent(desk: Desk) -> Actor:
    return Actor(desk.agent, "王芳", Role.AGENT, "north")


def _lead(desk: Desk) -> Actor:
    return Actor(desk.lead, "张伟", Role.LEAD, "north")


def _manager(desk: Desk) -> Actor:
    return Actor(desk.manager, "刘洋", Role.MANAGER, "north")


def _audit(database: Database, action: str) -> list[tuple[str, str, str, dict[str, object]]]:
    with UnitOfWork(database) as uow:
        lines = uow.audit.search(action=action)
    return [(e.agent_name, e.outcome, e.subject, e.detail) for e in lines]


# -- the export --------------------------------------------------------------------------


def test_the_export_asks_the_table_by_kind(database: Database, desk: Desk) -> None:
    assert export_action("customers") is Action.EXPORT_PERSONAL
    assert export_action("tickets") is Action.EXPORT_RECORDS
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        export_records(uow, _agent(desk), ExportRecords("customers", ZONE), FIXED_NOW)
    assert denied.value.action is Action.EXPORT_PERSONAL
    department = Actor(desk.agent, "王芳", Role.DEPARTMENT)
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        export_records(uow, department, ExportRecords("tickets", ZONE), FIXED_NOW)
    assert _audit(database, "export") == []  # nothing left the desk
    with UnitOfWork(database) as uow:
        headers, _ = export_records(uow, _agent(desk), ExportRecords("tickets", ZONE), FIXED_NOW)
    assert "opened_at" in headers
    assert _audit(database, "export") == [("王芳", "ok", "tickets", {"rows": 0})]


def test_an_unknown_kind_is_refused_with_its_reason(database: Database, desk: Desk) -> None:
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        export_records(uow, _lead(desk), ExportRecords("passwords", ZONE), FIXED_NOW)
    assert refused.value.key == "export.refused.kind"
    assert refused.value.values == {"kind": "passwords"}


def test_a_lead_exports_whole_phones_unless_the_site_masks_the_role(
    database: Database, desk: Desk
) -> None:
    with UnitOfWork(database) as uow:
        _, rows = export_records(uow, _lead(desk), ExportRecords("customers", ZONE), FIXED_NOW)
    assert "+862155550101" in [row[3] for row in rows]
    with UnitOfWork(database) as uow:
        # the site masks department members and agents: a lead is still shown the number
        uow.settings.save_settings({"privacy.masked": "department_agent"}, desk.manager, FIXED_NOW)
        uow.commit()
    with UnitOfWork(database) as uow:
        _, rows = export_records(uow, _lead(desk), ExportRecords("customers", ZONE), FIXED_NOW)
    assert "+862155550101" in [row[3] for row in rows]
    lines = _audit(database, "export")
    assert lines == [("张伟", "ok", "customers", {"rows": 2})] * 2


# -- the audit's search ------------------------------------------------------------------


def test_only_a_manager_searches_the_audit_and_the_read_is_audited(
    database: Database, desk: Desk
) -> None:
    for actor in (_agent(desk), _lead(desk)):
        with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
            search_audit(uow, actor, AuditQuery(), FIXED_NOW)
        assert denied.value.action is Action.SEE_AUDIT
    assert _audit(database, "audit_read") == []
    with UnitOfWork(database) as uow:
        uow.audit.write(FIXED_NOW, "sign_in", agent_id=desk.agent, agent_name="王芳")
        uow.commit()
    with UnitOfWork(database) as uow:
        lines = search_audit(uow, _manager(desk), AuditQuery(person="王芳"), FIXED_NOW)
    assert [(e.agent_name, e.action) for e in lines] == [("王芳", "sign_in")]
    assert _audit(database, "audit_read") == [("刘洋", "ok", "", {})]


def test_a_search_ending_before_it_starts_is_refused(database: Database, desk: Desk) -> None:
    query = AuditQuery(since=FIXED_NOW, until=FIXED_NOW - timedelta(days=1))
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        search_audit(uow, _manager(desk), query, FIXED_NOW)
    assert refused.value.key == "measures.range.error.ends_before_start"
    assert _audit(database, "audit_read") == []  # refused: not read


# -- the command's gate after sign-in ------------------------------------------------------


def test_a_command_the_table_refuses_is_denied_and_audited(
    database: Database, desk: Desk
) -> None:
    command = accounts.RunCommand(Action.SEE_AUDIT)
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        accounts.allow_command(uow, _lead(desk), command, FIXED_NOW)
    assert (denied.value.action, denied.value.key) == (Action.SEE_AUDIT, "service.denied")
    assert _audit(database, "denied") == [("张伟", "denied", "see_audit", {})]
    with UnitOfWork(database) as uow:
        allowed = accounts.allow_command(uow, _manager(desk), command, FIXED_NOW)
    assert allowed.name == "刘洋"


def test_the_gate_asks_about_the_account_as_it_is_now(database: Database, desk: Desk) -> None:
    lead = _lead(desk)
    with UnitOfWork(database) as uow:  # demoted after signing in
        accounts.set_role(uow, _manager(desk), accounts.SetRole("张伟", Role.AGENT), FIXED_NOW)
    with UnitOfWork(database) as uow, pytest.raises(Denied):
        accounts.allow_command(uow, lead, accounts.RunCommand(Action.SEE_TEAM), FIXED_NOW)
    assert ("张伟", "denied", "see_team", {}) in _audit(database, "denied")


# -- the first manager's role ------------------------------------------------------------


def test_without_a_role_the_first_account_is_the_manager_and_the_next_an_agent(
    database: Database,
) -> None:
    with UnitOfWork(database) as uow:
        first = accounts.add_agent(
            uow, None, accounts.AddAgent("刘洋", None, "a long password"), FIXED_NOW
        )
    assert first.role == Role.MANAGER
    with UnitOfWork(database) as uow, pytest.raises(accounts.AccountRefused) as refused:
        accounts.add_agent(uow, None, accounts.AddAgent("王芳", None, "a long password"), FIXED_NOW)
    assert refused.value.key == "account.error.sign_in_first"
    with UnitOfWork(database) as uow:
        added = accounts.add_agent(
            uow, first, accounts.AddAgent("王芳", None, "a long password"), FIXED_NOW
        )
    assert added.role == Role.AGENT


# -- the team report ---------------------------------------------------------------------


def test_the_team_report_is_a_lead_s_over_at_most_a_year(database: Database, desk: Desk) -> None:
    week = days_between(date(2026, 9, 28), date(2026, 10, 4))
    with UnitOfWork(database) as uow, pytest.raises(Denied) as denied:
        team_report(uow, _agent(desk), TeamReport(week, ZONE), FIXED_NOW)
    assert denied.value.action is Action.SEE_TEAM
    too_long = days_between(date(2025, 1, 1), date(2026, 1, 2))
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        team_report(uow, _lead(desk), TeamReport(too_long, ZONE), FIXED_NOW)
    assert refused.value.key == "measures.range.error.too_long"
    assert refused.value.values == {"most": 366, "days": 367}
    backwards = Period(PeriodKind.RANGE, week.last_day, week.first_day, week.end, week.start)
    with UnitOfWork(database) as uow, pytest.raises(Invalid) as refused:
        team_report(uow, _lead(desk), TeamReport(backwards, ZONE), FIXED_NOW)
    assert refused.value.key == "measures.range.error.ends_before_start"
    with UnitOfWork(database) as uow:
        report = team_report(uow, _lead(desk), TeamReport(week, ZONE), FIXED_NOW)
    assert [w.period for w in report.weeks] == [week]
    assert report.total.period == week and report.figures.period == week
    assert {"new_tickets", "complaints", "leg_plans", "returns_refunds"} <= set(report.records)


def test_a_team_report_leaves_the_desk_audited_as_an_export_does(
    database: Database, desk: Desk
) -> None:
    """The report's sheets list the records behind each measure (customers' names, their
    words) and leave the desk as a file (`deskui report`, the measures screen's x): like an
    export, each one is now an audit line naming who took which days (found attacking)."""
    week = days_between(date(2026, 9, 28), date(2026, 10, 4))
    with UnitOfWork(database) as uow:
        team_report(uow, _lead(desk), TeamReport(week, ZONE), FIXED_NOW)
    assert _audit(database, "report") == [("张伟", "ok", "2026-09-28 – 2026-10-04", {"days": 7})]
