"""Reusable widgets that know nothing of the database."""

from deskui.widgets.countdown import Countdown, countdown_text
from deskui.widgets.work_list import Column, WorkList, WorkSource

__all__ = ["Column", "Countdown", "WorkList", "WorkSource", "countdown_text"]
