"""The site's time zone has one home (issue 24): deskui.domain.clock names the default, the
settings read the site's (DESKUI_TIMEZONE) through deskui.config.site_timezone, and nothing
else in the code spells a zone out."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskui.cli import build_parser, main, resolve
from deskui.config import Settings, site_timezone
from deskui.domain.clock import SITE_TIMEZONE, site_zone

ROOT = Path(__file__).resolve().parents[1]


def _zone_literals(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value == SITE_TIMEZONE
    ]


def test_only_the_clock_module_names_the_site_s_zone() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "deskui").rglob("*.py"))
        if (lines := _zone_literals(path))
    }
    assert found == {"deskui/domain/clock.py": [11]}


def test_the_site_s_zone_comes_from_the_settings() -> None:
    assert site_timezone({}) == SITE_TIMEZONE == Settings("sqlite://").site_timezone
    assert site_timezone({"DESKUI_TIMEZONE": " Europe/Berlin "}) == "Europe/Berlin"
    assert site_zone("Europe/Berlin") is site_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    for wrong in ("Mars/Olympus", "../../etc/passwd", "\x1b[2J"):
        with pytest.raises(ValueError, match="DESKUI_TIMEZONE"):
            site_timezone({"DESKUI_TIMEZONE": wrong})


def test_the_command_line_reads_now_in_the_site_s_zone() -> None:
    args = build_parser().parse_args(["--now", "2026-11-23T09:00", "--db", "sqlite:///x.db"])
    settings, clock = resolve(args, {"DESKUI_TIMEZONE": "Europe/Berlin"})
    assert settings.site_timezone == "Europe/Berlin"
    assert clock.now() >= datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("UTC"))
    settings, clock = resolve(args, {})
    assert settings.site_timezone == SITE_TIMEZONE
    assert clock.now() < datetime(2026, 11, 23, 2, 0, tzinfo=ZoneInfo("UTC"))


def test_a_zone_that_is_none_is_said_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESKUI_TIMEZONE", "Mars/Olympus")
    assert main(["--demo", "export", "tickets"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deskui: DESKUI_TIMEZONE: 'Mars/Olympus' is not a time zone")
    assert err.count("\n") == 1
