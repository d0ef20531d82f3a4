"""Countdowns painted from the app's clock (DESIGN.md 3): no timer, no stored text."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.dom import DOMNode
from textual.reactive import reactive
from textual.widget import Widget

from deskui.domain.countdown import SIGNS, Phase, countdown_state, format_duration, paused_for
from deskui.i18n import t

PHASE_CLASSES: dict[Phase, str] = {phase: f"-{phase.value}" for phase in Phase}
"""The state class a countdown carries for each phase (`-calm`, `-overdue`, ...)."""


def countdown_text(
    due_at: datetime,
    now: datetime,
    starts_at: datetime | None = None,
    paused_at: datetime | None = None,
    met_at: datetime | None = None,
) -> tuple[str, Phase]:
    """The text and phase of a deadline at `now`: `"! 3h 10m"`, `"+ 逾期 1h 05m"`, and while it
    waits on the customer for how long it has: `"‖ 暂停 3h 00m"`.

    The sign leads so the phase reads without colour; the shape stays the same within a phase.
    """
    state = countdown_state(due_at, now, starts_at=starts_at, paused_at=paused_at, met_at=met_at)
    sign = SIGNS[state.phase]
    if state.phase is Phase.MET:
        return f"{sign} {t('countdown.met')}", state.phase
    if state.phase is Phase.PAUSED and paused_at is not None:
        waited = int(paused_for(paused_at, now).total_seconds())
        return f"{sign} {t('countdown.paused')} {format_duration(waited)}", state.phase
    if state.phase is Phase.OVERDUE:
        return f"{sign} {t('countdown.overdue')} {format_duration(state.seconds)}", state.phase
    return f"{sign} {format_duration(state.seconds)}", state.phase


def clock_now(node: DOMNode) -> datetime:
    """The app's injected clock if it has one (DESIGN.md 1), else the system clock."""
    clock = getattr(node.app, "clock", None)
    if clock is not None:
        now: datetime = clock.now()
        return now
    return datetime.now(UTC)


class Countdown(Widget):
    """One deadline's countdown, for cards and headers.

    The parent sets the reactives; the app's one tick calls `tick()` while it is visible.
    """

    DEFAULT_CSS = """
    Countdown {
        width: auto;
        height: 1;
        &.-near { color: $warning; }
        &.-urgent { color: $warning; text-style: bold; }
        &.-overdue { color: $error; text-style: bold; }
        &.-paused { color: $text-muted; }
        &.-met { color: $success; }
    }
    """

    due_at: reactive[datetime | None] = reactive(None)
    starts_at: reactive[datetime | None] = reactive(None)
    paused_at: reactive[datetime | None] = reactive(None)
    met_at: reactive[datetime | None] = reactive(None)

    def __init__(
        self,
        due_at: datetime | None = None,
        starts_at: datetime | None = None,
        paused_at: datetime | None = None,
        met_at: datetime | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.add_class("-live")
        self._cells = 0  # width of the last text, so `width: auto` relayouts only when it changes
        self._shown: tuple[str, Phase | None] | None = None
        """The text and phase last painted (or asked for): a tick that would paint the same
        leaves the widget alone (issue 27: 300 countdowns, most unchanged each second)."""
        self.set_reactive(Countdown.due_at, due_at)
        self.set_reactive(Countdown.starts_at, starts_at)
        self.set_reactive(Countdown.paused_at, paused_at)
        self.set_reactive(Countdown.met_at, met_at)

    @property
    def phase(self) -> Phase | None:
        """The phase at the clock's `now`, or None without a deadline."""
        return self._text_and_phase()[1]

    def _text_and_phase(self) -> tuple[str, Phase | None]:
        if self.due_at is None:
            return "", None
        return countdown_text(
            self.due_at,
            clock_now(self),
            starts_at=self.starts_at,
            paused_at=self.paused_at,
            met_at=self.met_at,
        )

    def render(self) -> RenderResult:
        shown = self._text_and_phase()
        self._shown = shown
        return Content(shown[0])

    def on_mount(self) -> None:
        self._sync()

    def _watch_due_at(self) -> None:
        self._sync()

    def _watch_starts_at(self) -> None:
        self._sync()

    def _watch_paused_at(self) -> None:
        self._sync()

    def _watch_met_at(self) -> None:
        self._sync()

    def tick(self) -> None:
        """Called by the app's one tick while visible: repaint from the clock when the text
        or the phase it would paint is not what is on screen (a countdown hours away changes
        once a minute, not once a tick)."""
        if self._text_and_phase() != self._shown:
            self._sync()

    def _sync(self) -> None:
        text, phase = self._shown = self._text_and_phase()
        for each, css_class in PHASE_CLASSES.items():
            self.set_class(each is phase, css_class)
        cells = cell_len(text)
        self.refresh(layout=cells != self._cells)
        self._cells = cells
