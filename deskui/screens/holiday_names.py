"""Official holidays said in the agent's language: chinese_calendar names them in English."""

from __future__ import annotations

from deskui.domain.calendar import holiday_key
from deskui.i18n import t


def holiday_text(name: str) -> str:
    """`National Day` as 国庆节 on a zh-CN screen (National Day in en); "" stays ""."""
    return t(holiday_key(name)) if name else ""
