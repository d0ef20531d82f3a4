"""The command line tried by a lower role (issue 24, 28; found attacking), on SQLite and
PostgreSQL: every privileged command run with --agent of a role below the one it needs is
refused with status 3, said in words (no catalog key), and the refusal is audited naming
who tried what."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskui.cli import main
from deskui.data.database import Database
from deskui.data.unit_of_work import UnitOfWork
from deskui.domain.permissions import AccountAction, Action
from deskui.i18n import has_key, set_locale
from tests.conftest import FIXED_NOW

AGENT, LEAD, MEMBER = "王芳", "张伟", "赵磊"  # the demo's agent, lead, department member


def _run(database: Database, *args: str) -> int:
    url = database.url.render_as_string(hide_password=False)
    return main(["--demo", "--db", url, "--now", FIXED_NOW.isoformat(), *args])


def test_every_action_a_refusal_names_is_said_in_both_languages() -> None:
    """A lead's `privacy purge` was refused as '张伟（客服主管）不能⟨account.action.
    purge_personal_data⟩', and a department member's caller log (see_calls) the same."""
    for locale in ("zh-CN", "en"):
        set_locale(locale)
        unsaid = [
            action.value
            for action in (*Action, *AccountAction)
            if not has_key(f"account.action.{action.value}")
        ]
        assert unsaid == [], locale
    set_locale("zh-CN")


def test_each_privileged_command_refuses_a_lower_role_in_words_and_audits_it(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tries: list[tuple[str, Action, list[str]]] = [
        (AGENT, Action.EXPORT_PERSONAL, ["export", "customers"]),
        (MEMBER, Action.EXPORT_RECORDS, ["export", "tickets"]),
        (LEAD, Action.SEE_AUDIT, ["audit"]),
        (AGENT, Action.MANAGE_ACCOUNTS, ["agent", "list"]),
        (LEAD, Action.PERSONAL_DATA, ["privacy", "show", "--phone", "13800138000"]),
        (LEAD, Action.PURGE_PERSONAL_DATA, ["privacy", "purge", "--dry-run"]),
        (AGENT, Action.BACK_UP, ["db", "backup", "--output", str(tmp_path / "x.db")]),
        (LEAD, Action.RESTORE, ["db", "restore", str(tmp_path / "x.db"), "--force"]),
    ]
    for name, _action, args in tries:
        assert _run(database, "--agent", name, *args) == 3, args
        said = capsys.readouterr().err
        assert name in said and "⟨" not in said and "account.action" not in said, said
    assert not (tmp_path / "x.db").exists()
    with UnitOfWork(database) as uow:
        denied = uow.audit.search(action="denied", limit=100)
    assert sorted((x.agent_name, x.subject) for x in denied) == sorted(
        (name, str(action)) for name, action, _ in tries
    )
