"""The conflict view: someone else saved the record since this form loaded it (DESIGN.md 7).
It says who and when, shows their version beside what this agent typed, and lets the agent
save theirs over it or go back to the form; either way nothing typed is lost. When the record
is no longer this agent's (reassigned or closed by another desk, issue 23) it says who has
it now and offers no save over it: only the way back to the form."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from deskui.domain.search import visible
from deskui.i18n import t
from deskui.keys import localize_bindings
from deskui.screens.host import desk_host
from deskui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from deskui.services.errors import Conflict
    from deskui.services.standing import MovedAway

TIME_FORMAT = "%Y-%m-%d %H:%M"


def moved_away_line(moved: MovedAway) -> str:
    """Who has the record now and who gave it to them, or that it is closed (issue 23)."""
    record = t(f"watch.record.{moved.record}")
    if moved.closed:
        done = "watch.refused_done" if moved.record == "callback" else "watch.refused_closed"
        return t(done, record=record)
    owner = visible(moved.owner)
    if moved.by:
        return t("watch.refused_owner", who=visible(moved.by), record=record, owner=owner)
    return t("watch.refused_owner_unknown", record=record, owner=owner)


class ConflictModal(ModalScreen[bool]):
    """Returns True when the agent chose to save their own version over the other one
    (the screen then saves again with the version now stored), False to go back to the
    form, which still holds what they typed, with its draft."""

    DEFAULT_CSS = """
    ConflictModal .conflict-columns { height: auto; }
    ConflictModal .conflict-side, ConflictModal .theirs, ConflictModal .mine {
        width: 1fr; height: auto; padding: 0 1;
    }
    ConflictModal .conflict-field { text-style: bold; margin-top: 1; color: $warning; }
    ConflictModal #conflict-fields { height: auto; max-height: 70%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "keep_mine", "keys.conflict_mine", id="conflict_mine", priority=True),
        Binding("escape", "back", "keys.conflict_back", id="conflict_back"),
    ]

    def __init__(
        self,
        conflict: Conflict,
        mine: dict[str, str],
        labels: dict[str, str],
        timezone: str,
    ) -> None:
        """`mine` is what this agent typed and `labels` names each field, in the form's
        order; only the fields that differ are shown."""
        super().__init__(id="conflict")
        localize_bindings(self)
        self.conflict = conflict
        self.mine = mine
        self.labels = labels
        self.timezone = timezone
        from deskui.services.standing import MovedAway as Moved

        self.moved: MovedAway | None = conflict if isinstance(conflict, Moved) else None
        """The record is someone else's now, or closed: nothing to save over."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "keep_mine" and self.moved is not None)

    def moved_line(self) -> str:
        assert self.moved is not None
        return moved_away_line(self.moved)

    def by_me(self) -> bool:
        """The agent saved it themselves, at another desk or window: not someone else."""
        saver, agent = self.conflict.saved_by_id, desk_host(self.app).agent
        return saver is not None and agent is not None and agent.id == saver

    def heading(self) -> str:
        return t("conflict.title_mine") if self.by_me() else t("conflict.title")

    def who_and_when(self) -> str:
        conflict = self.conflict
        if self.by_me():
            if conflict.saved_at is None:
                return t("conflict.saved_by_you")
            at = conflict.saved_at.astimezone(ZoneInfo(self.timezone)).strftime(TIME_FORMAT)
            return t("conflict.saved_by_you_at", at=at)
        who = visible(conflict.saved_by) if conflict.saved_by else t("conflict.someone")
        if conflict.saved_at is None:
            return t("conflict.saved_by", who=who)
        at = conflict.saved_at.astimezone(ZoneInfo(self.timezone)).strftime(TIME_FORMAT)
        return t("conflict.saved_by_at", who=who, at=at)

    def differing(self) -> list[str]:
        """The fields where the two versions differ, in the form's order: the rest is the
        same on both sides and would only hide what matters."""
        return [
            name
            for name in self.labels
            if self.conflict.theirs.get(name, "").strip() != self.mine.get(name, "").strip()
        ]

    def compose(self) -> ComposeResult:
        if self.moved is not None:
            yield from self._compose_moved()
            return
        with Vertical(classes="dialog wide"):
            yield Static(self.heading(), classes="dialog-title")
            yield Static(Text(self.who_and_when()), id="conflict-who")
            with VerticalScroll(id="conflict-fields"):
                with Horizontal(classes="conflict-columns"):
                    theirs = "conflict.theirs_mine" if self.by_me() else "conflict.theirs"
                    yield Static(t(theirs), classes="conflict-side conflict-field")
                    yield Static(t("conflict.mine"), classes="conflict-side conflict-field")
                differing = self.differing()
                for name in differing:
                    yield Static(Text(self.labels[name]), classes="conflict-field")
                    with Horizontal(classes="conflict-columns"):
                        yield Static(Text(self.conflict.theirs.get(name, "")), classes="theirs")
                        yield Static(Text(self.mine.get(name, "")), classes="mine")
                if not differing:
                    yield Static(t("conflict.same"), classes="hint")
            yield Static(t("conflict.hint"), classes="hint")
        yield KeyFooter()

    def _compose_moved(self) -> ComposeResult:
        assert self.moved is not None
        with Vertical(classes="dialog wide"):
            yield Static(t("watch.refused_title"), classes="dialog-title")
            yield Static(Text(self.moved_line()), id="conflict-who")
            with VerticalScroll(id="conflict-fields"):
                yield Static(t("conflict.mine"), classes="conflict-field")
                for name, label in self.labels.items():
                    if self.mine.get(name, "").strip():
                        yield Static(Text(label), classes="conflict-field")
                        yield Static(Text(self.mine[name]), classes="mine")
            owner = visible(self.moved.owner) or t("conflict.someone")
            yield Static(t("watch.refused_hint", owner=owner), classes="hint")
        yield KeyFooter()

    def action_keep_mine(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
