"""The lead's floor, live (issue 25, F6's third view): the calls ringing now and the longest
wait; today's answered and missed calls (rang out, caller hung up); the service level beside
its formula; missed calls not yet called back; each agent's state and how long it has lasted.
Painted from the app's clock every tick (DESIGN.md 3), reloaded on each call event."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskui.domain.countdown import format_duration
from deskui.domain.floor import FloorState
from deskui.domain.visible_text import visible
from deskui.i18n import t
from deskui.screens.phone_desk import caller_words
from deskui.widgets.countdown import clock_now

if TYPE_CHECKING:
    from deskui.services.phone_desk import Floor, FloorAgent

FLOOR_ENTITIES = frozenset({"call", "agent_state", "callback", "account", "presence"})
"""Change-feed entities after which the floor is read again."""


def _since(start: datetime | None, now: datetime) -> str:
    if start is None:
        return "—"
    return format_duration(max(0, int((now - start).total_seconds())))


def state_text(agent: FloorAgent, now: datetime) -> Text:
    """An agent's state in words: on a call with whom, wrapping up, not ready and why."""
    state = agent.now
    text = Text(t(f"floor.state.{state.state.value}"))
    if state.state is FloorState.ON_CALL:
        text.append(" · ")
        text.append(caller_words(agent.customer_name, agent.number))
    elif state.state is FloorState.NOT_READY and state.reason is not None:
        text.append(" · ")
        text.append(t(f"readiness.{state.reason.value}"))
    elif state.state is FloorState.WRAP_UP and state.wrap_up_until is not None:
        text.append(" · ")
        text.append(t("floor.wrap_up_left", left=_since(now, state.wrap_up_until)))
    return text


def floor_renderable(floor: Floor, now: datetime) -> RenderableType:
    """The floor at `now` (its figures as read at `floor.at`, its times moving on)."""
    day = floor.day
    lines = Text()
    longest = day.longest_wait
    lines.append(t("floor.ringing", count=day.ringing), style="bold")
    if longest is not None:  # read at `floor.at`: the wait goes on since
        moved = max(0, int((now - floor.at).total_seconds()))
        wait = format_duration(int(longest.total_seconds()) + moved)
        lines.append("  ")
        lines.append(t("floor.longest_wait", wait=wait))
    lines.append("\n")
    lines.append(t("floor.today", answered=day.answered, missed=day.missed))
    lines.append(" " + t("floor.missed_split", rang_out=day.rang_out, hung_up=day.hung_up))
    if day.other_missed:
        lines.append(" " + t("floor.missed_other", count=day.other_missed))
    lines.append("\n")
    level = floor.level
    percent = f"{level.percent}%" if level.percent is not None else "—"
    lines.append(t("floor.service_level", percent=percent), style="bold")
    lines.append("  ")
    lines.append(
        t(
            "floor.formula",
            threshold=int(level.threshold.total_seconds()),
            in_time=level.answered_in_time,
            offered=level.offered,
            short=int(level.short_abandon.total_seconds()),
        )
    )
    lines.append("\n")
    lines.append(t("floor.not_called_back", count=floor.missed_not_called_back))
    if floor.withheld_missed:
        lines.append(" · " + t("floor.withheld", count=floor.withheld_missed))
    for call in floor.ringing:
        lines.append("\n· ")
        lines.append(caller_words(call.customer_name, call.number))
        lines.append("  ")
        lines.append(t("floor.waiting", wait=_since(call.rang_at, now)))
    agents = Table(box=None, show_header=True, header_style="bold", expand=True, pad_edge=False)
    agents.add_column(t("floor.col.agent"), no_wrap=True, max_width=12)
    agents.add_column(t("floor.col.state"), ratio=1, no_wrap=True, overflow="ellipsis")
    agents.add_column(t("floor.col.since"), no_wrap=True, justify="right", width=9)
    for agent in floor.agents:
        agents.add_row(
            Text(visible(agent.name), overflow="ellipsis"),
            state_text(agent, now),
            Text(_since(agent.now.since, now)),
        )
    if not floor.agents:
        agents.add_row(Text(t("floor.no_agents")), Text(""), Text(""))
    return Group(lines, Text(""), agents)


class FloorView(VerticalScroll):
    """The floor, repainted from the clock each tick (class `-live`: the app's tick)."""

    DEFAULT_CSS = """
    FloorView { height: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-live")
        self.floor: Floor | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("floor.loading"), id="floor-text")

    def show(self, floor: Floor) -> None:
        self.floor = floor
        self.tick()

    def tick(self) -> None:
        if self.floor is None:
            return
        self.query_one("#floor-text", Static).update(floor_renderable(self.floor, clock_now(self)))
