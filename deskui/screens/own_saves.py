"""Two forms of one desk on one record (issue 26): the complaint's steps and its written
reply save the same complaint record, under one version. When one of them saves, the other,
still open under it with the version both had loaded, takes the new version: the agent's
own save is no conflict, and "这条记录已被别人先保存 张伟" was said to 张伟 about himself.
A form that loaded another version still meets the conflict its save should meet (someone
else saved in between).

    tell_saved_here(screen, "complaint", ticket_id, before, after)  # after the save
    def saved_here(self, record, record_id, before, after): ...      # on the other form
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual.screen import Screen


@runtime_checkable
class HoldsVersion(Protocol):
    """A form that saves one record with a version check."""

    def saved_here(self, record: str, record_id: int, before: int, after: int) -> None:
        """This desk saved `record` `record_id` from version `before` to `after`, in
        another form: take `after` if `before` is the version this form loaded."""


def tell_saved_here(
    screen: Screen[Any], record: str, record_id: int, before: int | None, after: int
) -> None:
    """Tell the other forms open on this desk that `screen` saved the record."""
    if before is None:  # a save no form stood behind moves no form's version
        return
    for other in screen.app.screen_stack:
        if other is not screen and isinstance(other, HoldsVersion):
            other.saved_here(record, record_id, before, after)
