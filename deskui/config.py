"""Typed settings: one place for what a site or a command line can change."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    """SQLAlchemy URL: sqlite:///PATH (default) or postgresql+psycopg://... for a team."""
    locale: str = "zh-CN"
    """UI language: zh-CN (default) or en."""
    site_timezone: str = "Asia/Shanghai"
    """Times are stored in UTC and shown in this zone; calendar rules are local to it."""
    demo: bool = False
    """A demo desk: seeded when its database is empty; the user's data is never touched."""
    files_folder: str | None = None
    """Where the desk writes files (replies, reports, logs); None: the user data folder.
    Under --demo, the demo's own temporary folder."""
    agent_name: str | None = None
    """Start as this agent without the pick list (training, tests)."""
    theme: str = "textual-dark"
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, so a site can rebind (App.set_keymap)."""
